// Dispatcher: who should go. Ranking documented in dispatch.h and docs/fieldwork.md.
#include "server/domain/dispatch/dispatch.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "proto/base/status_macros.h"
#include "server/domain/base/authz.h"
#include "server/domain/base/selectors.h"
#include "server/domain/base/ticket_events.h"
#include "server/domain/base/validation.h"

namespace ticketing::domain {
namespace {

// Counting a work queue walks its index entries; the cap bounds that walk per technician.
// Loads at the cap compare equal, and the ranking falls through to the name.
constexpr int kLoadCountLimit = 100000;

// 2: a listed value matches, 1: nothing listed (anywhere / anything), 0: no match.
int MatchLevel(const std::vector<std::string>& listed, bool (*matches)(absl::string_view,
                                                                       absl::string_view),
               absl::string_view value, std::string* which) {
  if (listed.empty()) return 1;
  for (const std::string& item : listed) {
    if (matches(item, value)) {
      *which = item;
      return 2;
    }
  }
  return 0;
}

// A ticket without a product matches no skill, so for it technicians without listed skills
// (anything) rank before specialists.
bool ProductStartsWith(absl::string_view skill, absl::string_view product) {
  return !product.empty() && absl::StartsWith(product, skill);
}

}  // namespace

absl::StatusOr<Dispatcher::Ranked> Dispatcher::Candidate(const std::string& name,
                                                        const v1::Ticket& ticket) const {
  Ranked ranked;
  v1::TechnicianCandidate& c = ranked.candidate;
  c.set_technician(name);
  TKT_ASSIGN_OR_RETURN(std::optional<v1::TechnicianAvailability> availability,
                       settings_.GetAvailability(name));
  // Never marked: available. Only a recorded "off" takes a technician out of the running.
  c.set_available(!availability || availability->available());
  const auto profile = profiles_.find(name);
  const TechnicianProfile empty;
  const TechnicianProfile& p = profile == profiles_.end() ? empty : profile->second;
  std::string region, skill;
  const int region_level = MatchLevel(p.regions, InRegion, ticket.region(), &region);
  const int skill_level = MatchLevel(p.skills, ProductStartsWith, ticket.product(), &skill);
  c.set_region_match(region_level == 2);
  c.set_skill_match(skill_level == 2);
  TKT_ASSIGN_OR_RETURN(int64_t load, store_.CountOpenAssigned(name, kLoadCountLimit));
  c.set_open_tickets(load);
  c.set_explanation(absl::StrCat(
      region_level == 2 ? absl::StrCat("region ", region)
                        : (region_level == 1 ? "any region" : "other regions"),
      ", ", skill_level == 2 ? absl::StrCat("skill ", skill) : (skill_level == 1 ? "any product" : "other products"),
      ", ", load, " open tickets", c.available() ? "" : ", UNAVAILABLE"));
  // Ascending tuple order gives the ranking of dispatch.h; levels are negated so a match
  // (2) sorts before none configured (1) before another (0). The name keeps it stable.
  ranked.key = {c.available() ? 0 : 1, -region_level, -skill_level, load, name};
  return ranked;
}

absl::StatusOr<v1::ProposeTechniciansResponse> Dispatcher::Propose(
    const Principal& actor, const v1::ProposeTechniciansRequest& request) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kAssign, nullptr));
  v1::GetTicketRequest get;
  get.set_id(request.ticket_id());
  TKT_ASSIGN_OR_RETURN(v1::Ticket ticket, tickets_.Get(actor, get));
  std::vector<Ranked> ranked;
  for (const std::string& name : users_.WithRole(v1::ROLE_TECHNICIAN)) {
    TKT_ASSIGN_OR_RETURN(Ranked candidate, Candidate(name, ticket));
    ranked.push_back(std::move(candidate));
  }
  std::sort(ranked.begin(), ranked.end(),
            [](const Ranked& a, const Ranked& b) { return a.key < b.key; });
  v1::ProposeTechniciansResponse response;
  for (Ranked& r : ranked) *response.add_candidates() = std::move(r.candidate);
  if (!request.assign()) return response;
  // Unavailable technicians sort last, so if the first is unavailable, everyone is.
  if (response.candidates().empty() || !response.candidates(0).available()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no available technician for ticket ", ticket.id()));
  }
  v1::AssignTicketRequest assign;
  assign.set_id(ticket.id());
  // The version the ranking was computed on: a ticket changed since then (another
  // dispatcher, a new region or product) fails with ABORTED instead of taking a stale pick.
  assign.set_version(request.version() != 0 ? request.version() : ticket.version());
  assign.set_assignee(response.candidates(0).technician());
  // Through the normal assignment, so the rules, the history and its authorisation apply;
  // the note keeps why this technician was chosen.
  assign.set_note(absl::StrCat("dispatched: ", response.candidates(0).explanation()));
  TKT_ASSIGN_OR_RETURN(*response.mutable_ticket(), lifecycle_.Assign(actor, assign));
  return response;
}

absl::StatusOr<v1::TechnicianAvailability> Dispatcher::SetAvailability(
    const Principal& actor, const v1::SetTechnicianAvailabilityRequest& request) {
  const std::optional<Principal> who = users_.Find(request.technician());
  if (!who || who->role != v1::ROLE_TECHNICIAN) {
    return absl::InvalidArgumentError(
        absl::StrCat("technician: '", request.technician(), "' is not a configured technician"));
  }
  if (actor.name != request.technician() && actor.role != v1::ROLE_SUPERVISOR) {
    return absl::PermissionDeniedError(absl::StrCat(
        "user ", actor.name, " (", RoleName(actor.role),
        ") may not change another technician's availability"));
  }
  TKT_RETURN_IF_ERROR(CheckLine("note", request.note(), kMaxReasonChars, false));
  v1::TechnicianAvailability availability;
  availability.set_technician(request.technician());
  availability.set_available(request.available());
  availability.set_note(request.note());
  availability.set_changed_by(actor.name);
  ToTimestamp(clock_.Now(), availability.mutable_change_time());
  TKT_RETURN_IF_ERROR(settings_.PutAvailability(availability));
  return availability;
}

}  // namespace ticketing::domain
