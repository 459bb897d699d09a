#include "server/domain/sla/sla_policy.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "proto/base/status_macros.h"
#include "server/domain/base/page_token.h"
#include "server/domain/base/selectors.h"
#include "server/domain/base/validation.h"

namespace ticketing::domain {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

absl::StatusOr<std::optional<absl::Duration>> ParseTarget(absl::string_view field,
                                                          const std::string& text) {
  // Empty: the policy has no such clock (a ticket of it never runs one).
  if (text.empty()) return std::nullopt;
  absl::Duration target;
  if (!absl::ParseDuration(text, &target) || target <= absl::ZeroDuration()) {
    return Invalid(field, absl::StrCat("'", text, "' is not a positive duration like 4h or 90m"));
  }
  if (target > absl::Hours(24 * 365)) return Invalid(field, "must be at most a year");
  return target;
}

}  // namespace

std::optional<absl::Duration> SlaPolicy::Target(v1::SlaClockKind kind) const {
  switch (kind) {
    case v1::SLA_CLOCK_KIND_FIRST_RESPONSE: return first_response;
    case v1::SLA_CLOCK_KIND_NEXT_UPDATE: return next_update;
    case v1::SLA_CLOCK_KIND_RESOLUTION: return resolution;
    default: return std::nullopt;
  }
}

bool SlaPolicy::Pauses(v1::TicketStatus status) const {
  return std::find(pause_statuses.begin(), pause_statuses.end(), status) != pause_statuses.end();
}

bool SlaPolicy::Matches(const v1::Ticket& ticket, v1::ServiceTier tier) const {
  const v1::SlaSelector& match = spec.match();
  // Until accounts carry a tier, a ticket counts as STANDARD (docs/sla.md, SLA policies).
  if (tier == v1::SERVICE_TIER_UNSPECIFIED) tier = v1::SERVICE_TIER_STANDARD;
  return Accepts(match.tiers(), tier) && Accepts(match.kinds(), ticket.kind()) &&
         Accepts(match.priorities(), ticket.priority()) &&
         AcceptsRegion(match.regions(), ticket.region()) && Accepts(match.products(), ticket.product());
}

absl::StatusOr<std::unique_ptr<SlaPolicySet>> SlaPolicySet::Create(
    const google::protobuf::RepeatedPtrField<v1::BusinessCalendar>& calendars,
    const google::protobuf::RepeatedPtrField<v1::SlaPolicy>& policies, absl::CivilDay first,
    absl::CivilDay last) {
  auto set = std::make_unique<SlaPolicySet>();
  for (int i = 0; i < calendars.size(); ++i) {
    const std::string field = absl::StrCat("calendars[", i, "]");
    TKT_ASSIGN_OR_RETURN(BusinessCalendar calendar,
                         BusinessCalendar::Create(calendars[i], field, first, last));
    const std::string name = calendar.name();
    if (!set->calendars_.emplace(name, std::make_unique<BusinessCalendar>(std::move(calendar))).second) {
      return Invalid(field + ".name", absl::StrCat("duplicate calendar ", name));
    }
  }
  std::set<std::string> names;
  for (int i = 0; i < policies.size(); ++i) {
    const std::string field = absl::StrCat("sla_policies[", i, "]");
    const v1::SlaPolicy& spec = policies[i];
    SlaPolicy policy;
    policy.spec = spec;
    // A fingerprint of this policy's content, stable across processes: a ticket's
    // sla_policy_version changes when its own policy's text does, not with every new set.
    policy.version = Fingerprint(spec);
    TKT_RETURN_IF_ERROR(CheckIdentifier(field + ".name", spec.name(), true));
    if (!names.insert(spec.name()).second) return Invalid(field + ".name", "duplicate policy name");
    auto calendar = set->calendars_.find(spec.calendar());
    if (calendar == set->calendars_.end()) {
      return Invalid(field + ".calendar", absl::StrCat("no calendar named '", spec.calendar(), "'"));
    }
    policy.calendar = calendar->second.get();
    TKT_ASSIGN_OR_RETURN(policy.first_response, ParseTarget(field + ".first_response", spec.first_response()));
    TKT_ASSIGN_OR_RETURN(policy.next_update, ParseTarget(field + ".next_update", spec.next_update()));
    TKT_ASSIGN_OR_RETURN(policy.resolution, ParseTarget(field + ".resolution", spec.resolution()));
    // At 100 the warning would come with the breach; 0 means the default.
    if (spec.warning_percent() < 0 || spec.warning_percent() > 99) {
      return Invalid(field + ".warning_percent", "must be between 1 and 99 (0: default 75)");
    }
    if (spec.warning_percent() != 0) policy.warning_percent = spec.warning_percent();
    for (int status : spec.pause_statuses()) {
      if (!v1::TicketStatus_IsValid(status) || status == v1::TICKET_STATUS_UNSPECIFIED) {
        return Invalid(field + ".pause_statuses", absl::StrCat("unknown status ", status));
      }
      policy.pause_statuses.push_back(static_cast<v1::TicketStatus>(status));
    }
    // By default only waiting for the customer stops the clocks; waiting for our own spare
    // parts does not: our parts are our problem (docs/sla.md, SLA policies).
    if (policy.pause_statuses.empty()) policy.pause_statuses = {v1::TICKET_STATUS_WAITING_CUSTOMER};
    set->policies_.push_back(std::move(policy));
  }
  return set;
}

// The longest target suffices: a calendar that can count it from `now` can count every
// shorter one. This is a check from `now` only; clocks that start later (next update,
// a reopened resolution) may still run past the calendar's last date.
absl::Status SlaPolicySet::CheckWorkingTime(absl::Time now) const {
  for (size_t i = 0; i < policies_.size(); ++i) {
    const SlaPolicy& policy = policies_[i];
    absl::Duration longest = absl::ZeroDuration();
    for (v1::SlaClockKind kind : {v1::SLA_CLOCK_KIND_FIRST_RESPONSE, v1::SLA_CLOCK_KIND_NEXT_UPDATE,
                                  v1::SLA_CLOCK_KIND_RESOLUTION}) {
      longest = std::max(longest, policy.Target(kind).value_or(absl::ZeroDuration()));
    }
    if (longest == absl::ZeroDuration() || policy.calendar->Add(now, longest).ok()) continue;
    return Invalid(absl::StrCat("sla_policies[", i, "].calendar"),
                   absl::StrCat("calendar '", policy.calendar->name(), "' has no working time for ",
                                absl::FormatDuration(longest), " from ",
                                absl::FormatTime(absl::RFC3339_sec, now, absl::UTCTimeZone()),
                                " on (within the dates it covers): no ticket of policy '",
                                policy.spec.name(), "' could be given its due times"));
  }
  return absl::OkStatus();
}

// First match in config order, so specific policies go first and a catch-all last
// (docs/sla.md, SLA policies).
const SlaPolicy* SlaPolicySet::Select(const v1::Ticket& ticket, v1::ServiceTier tier) const {
  for (const SlaPolicy& policy : policies_) {
    if (policy.Matches(ticket, tier)) return &policy;
  }
  return nullptr;
}

const SlaPolicy* SlaPolicySet::Find(absl::string_view name) const {
  for (const SlaPolicy& policy : policies_) {
    if (policy.spec.name() == name) return &policy;
  }
  return nullptr;
}

const BusinessCalendar* SlaPolicySet::FindCalendar(absl::string_view name) const {
  auto it = calendars_.find(name);
  return it == calendars_.end() ? nullptr : it->second.get();
}

}  // namespace ticketing::domain
