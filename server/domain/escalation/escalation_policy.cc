#include "server/domain/escalation/escalation_policy.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "proto/base/status_macros.h"
#include "server/domain/base/selectors.h"
#include "server/domain/sla/sla_clocks.h"
#include "server/domain/base/ticket_events.h"
#include "server/domain/base/validation.h"

namespace ticketing::domain {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

// The clock and condition a FieldChange stands for, if any. Conditions are read from the
// changes the other rules and services record: renaming one of those fields there silently
// stops its escalation here.
std::optional<std::pair<v1::SlaClockKind, v1::EscalationCondition>> ConditionOf(
    const v1::FieldChange& change, const v1::Ticket& ticket) {
  // Only creation records a status from "" (LifecycleService), so a KEY account's complaint
  // fires once, in the creating write (docs/escalation.md).
  if (change.field() == "status" && change.old_value().empty() &&
      ticket.kind() == v1::TICKET_KIND_COMPLAINT && ticket.service_tier() == v1::SERVICE_TIER_KEY) {
    return std::make_pair(v1::SLA_CLOCK_KIND_UNSPECIFIED,
                          v1::ESCALATION_CONDITION_KEY_ACCOUNT_COMPLAINT);
  }
  if (change.field() == "chase_count") {
    return std::make_pair(v1::SLA_CLOCK_KIND_UNSPECIFIED, v1::ESCALATION_CONDITION_CHASE_COUNT);
  }
  if (absl::StartsWith(change.field(), "visit.") && absl::EndsWith(change.field(), ".outcome") &&
      absl::StartsWith(change.new_value(), "NOT_FIXED")) {
    return std::make_pair(v1::SLA_CLOCK_KIND_UNSPECIFIED,
                          v1::ESCALATION_CONDITION_VISIT_NOT_FIXED);
  }
  if (change.field() == "verification" && change.new_value() == "overdue") {
    return std::make_pair(v1::SLA_CLOCK_KIND_UNSPECIFIED,
                          v1::ESCALATION_CONDITION_VERIFICATION_OVERDUE);
  }
  if (change.field() == "survey" && change.new_value() == "dissatisfied") {
    return std::make_pair(v1::SLA_CLOCK_KIND_UNSPECIFIED,
                          v1::ESCALATION_CONDITION_DISSATISFIED_SURVEY);
  }
  // The clock kinds are numbered 1..4 without gaps (ticket.proto). Exact field names: the
  // note "sla.<clock>.breach_age_due" is not a condition.
  for (int k = v1::SLA_CLOCK_KIND_FIRST_RESPONSE; k <= v1::SLA_CLOCK_KIND_COMMITTED_DATE; ++k) {
    const auto kind = static_cast<v1::SlaClockKind>(k);
    const std::string field = absl::StrCat("sla.", ClockName(kind));
    if (change.field() == field + ".warning") {
      return std::make_pair(kind, v1::ESCALATION_CONDITION_SLA_WARNING);
    }
    if (change.field() == field && change.new_value() == "BREACHED") {
      return std::make_pair(kind, v1::ESCALATION_CONDITION_SLA_BREACH);
    }
    if (change.field() == field + ".breach_age" && !change.new_value().empty()) {
      return std::make_pair(kind, v1::ESCALATION_CONDITION_BREACH_AGE);
    }
  }
  return std::nullopt;
}

// A ticket without a tier counts as STANDARD, as in SlaPolicy::Matches (docs/sla.md).
v1::ServiceTier TierOf(const v1::Ticket& ticket) {
  return ticket.service_tier() == v1::SERVICE_TIER_UNSPECIFIED ? v1::SERVICE_TIER_STANDARD
                                                               : ticket.service_tier();
}

const v1::SlaClock* FindClock(const v1::Ticket& ticket, v1::SlaClockKind kind) {
  for (const v1::SlaClock& c : ticket.sla_clocks()) {
    if (c.kind() == kind) return &c;
  }
  return nullptr;
}

absl::Status CheckLevel(const v1::EscalationLevel& level, const std::string& field,
                        const UserDirectory& users, const SlaPolicySet* calendars) {
  if (!level.calendar().empty() &&
      (calendars == nullptr || calendars->FindCalendar(level.calendar()) == nullptr)) {
    return Invalid(field + ".calendar", absl::StrCat("no calendar named '", level.calendar(), "'"));
  }
  // Quiet hours need both halves: a calendar alone would have nowhere to send the night's
  // alerts, an on-duty level alone would never apply.
  if (level.calendar().empty() != (level.off_hours_level() == 0) ||
      level.off_hours_level() == level.level()) {
    return Invalid(field + ".off_hours_level",
                   "quiet hours need both a calendar and another level to take the alerts");
  }
  if (level.level() < 1) return Invalid(field + ".level", "must be 1 or more");
  // Known, not only enabled: a user disabled at run time may still be named (the set is
  // valid at every start), and receives nothing while disabled (Address).
  for (const std::string& user : level.users()) {
    if (!users.Known(user)) return Invalid(field + ".users", absl::StrCat("unknown user ", user));
  }
  if (!level.reescalate_after().empty()) {
    absl::Duration delay;
    if (!absl::ParseDuration(level.reescalate_after(), &delay) || delay <= absl::ZeroDuration()) {
      return Invalid(field + ".reescalate_after", "must be a positive duration like 30m");
    }
  }
  return absl::OkStatus();
}

std::string DescribeCondition(v1::EscalationCondition condition, v1::SlaClockKind clock,
                              const v1::Ticket& ticket) {
  switch (condition) {
    case v1::ESCALATION_CONDITION_CHASE_COUNT:
      return absl::StrCat("customer chased ", ticket.chase_count(), " times");
    case v1::ESCALATION_CONDITION_KEY_ACCOUNT_COMPLAINT:
      return "new complaint from a KEY account";
    case v1::ESCALATION_CONDITION_VISIT_NOT_FIXED: {
      for (auto v = ticket.visits().rbegin(); v != ticket.visits().rend(); ++v) {
        if (v->outcome() == v1::VISIT_OUTCOME_NOT_FIXED) {
          return absl::StrCat("visit ", v->number(), " by ", v->technician(), " not fixed: ",
                              absl::AsciiStrToLower(absl::StripPrefix(
                                  v1::NotFixedReason_Name(v->not_fixed_reason()), "NOT_FIXED_REASON_")));
        }
      }
      return "visit not fixed";
    }
    case v1::ESCALATION_CONDITION_VERIFICATION_OVERDUE:
      return "resolved but not verified with the customer in time";
    case v1::ESCALATION_CONDITION_DISSATISFIED_SURVEY:
      return absl::StrCat("customer dissatisfied (overall ", ticket.survey().overall(), " of 5)");
    case v1::ESCALATION_CONDITION_SLA_BREACH:
      return absl::StrCat(ClockName(clock), " breached");
    case v1::ESCALATION_CONDITION_BREACH_AGE:
      return absl::StrCat(ClockName(clock), " still breached");
    default:
      return absl::StrCat(ClockName(clock), " warning");
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<EscalationPolicy>> EscalationPolicy::Create(
    const google::protobuf::RepeatedPtrField<v1::EscalationLevel>& levels,
    const google::protobuf::RepeatedPtrField<v1::EscalationRule>& rules,
    const UserDirectory& users, std::shared_ptr<const SlaPolicySet> calendars) {
  auto policy = std::make_unique<EscalationPolicy>();
  policy->users_ = &users;
  policy->calendars_ = std::move(calendars);
  for (int i = 0; i < levels.size(); ++i) {
    const std::string field = absl::StrCat("escalation_levels[", i, "]");
    TKT_RETURN_IF_ERROR(CheckLevel(levels[i], field, users, policy->calendars_.get()));
    Level level{levels[i], std::nullopt};
    absl::Duration delay;
    if (absl::ParseDuration(levels[i].reescalate_after(), &delay)) level.reescalate_after = delay;
    if (!levels[i].calendar().empty()) level.calendar = policy->calendars_->FindCalendar(levels[i].calendar());
    policy->levels_[levels[i].level()].push_back(std::move(level));
  }
  for (const auto& [number, entries] : policy->levels_) {
    for (const Level& entry : entries) {
      if (entry.spec.off_hours_level() != 0 && policy->levels_.count(entry.spec.off_hours_level()) == 0) {
        return Invalid("escalation_levels", absl::StrCat("level ", number, ": off_hours_level ",
                                                         entry.spec.off_hours_level(), " does not exist"));
      }
    }
    // EntryFor falls back to a level's last entry, so it must take every ticket: otherwise
    // a ticket of another queue or region would have no recipients at that level.
    const v1::EscalationLevel& last = entries.back().spec;
    if (!last.queues().empty() || !last.regions().empty()) {
      return Invalid("escalation_levels", absl::StrCat("level ", number,
                                                       " needs a last entry without queues or regions, a fallback "
                                                       "for the tickets no entry matches"));
    }
  }
  std::set<std::string> names;
  for (int i = 0; i < rules.size(); ++i) {
    const std::string field = absl::StrCat("escalation_rules[", i, "]");
    const v1::EscalationRule& rule = rules[i];
    TKT_RETURN_IF_ERROR(CheckIdentifier(field + ".name", rule.name(), true));
    if (!names.insert(rule.name()).second) return Invalid(field + ".name", "duplicate rule name");
    if (rule.condition() == v1::ESCALATION_CONDITION_UNSPECIFIED ||
        !v1::EscalationCondition_IsValid(rule.condition())) {
      return Invalid(field + ".condition", "must be set");
    }
    absl::Duration after;
    if (rule.condition() == v1::ESCALATION_CONDITION_BREACH_AGE &&
        (!absl::ParseDuration(rule.after_breach(), &after) || after <= absl::ZeroDuration())) {
      return Invalid(field + ".after_breach",
                     "a BREACH_AGE rule needs a positive business time like 2h");
    }
    if (rule.condition() == v1::ESCALATION_CONDITION_CHASE_COUNT && rule.chase_count() < 1) {
      return Invalid(field + ".chase_count", "must be 1 or more for a CHASE_COUNT rule");
    }
    if (policy->levels_.count(rule.level()) == 0) {
      return Invalid(field + ".level", absl::StrCat("no escalation level ", rule.level()));
    }
    TKT_RETURN_IF_ERROR(CheckIdentifier(field + ".move_to_queue", rule.move_to_queue(), false));
    absl::Duration delay;
    if (!rule.reescalate_after().empty() &&
        (!absl::ParseDuration(rule.reescalate_after(), &delay) || delay <= absl::ZeroDuration())) {
      return Invalid(field + ".reescalate_after", "must be a positive duration like 15m");
    }
    // Config order is kept: Match takes the first rule that fits, so specific rules
    // (P1, KEY accounts) go before general ones (docs/escalation.md).
    policy->rules_.push_back(rule);
  }
  return policy;
}

bool EscalationPolicy::Level::Applies(const v1::Ticket& ticket) const {
  return Accepts(spec.queues(), ticket.queue()) && AcceptsRegion(spec.regions(), ticket.region());
}

const EscalationPolicy::Level& EscalationPolicy::EntryFor(int level, const v1::Ticket& ticket) const {
  const std::vector<Level>& entries = levels_.at(level);
  for (const Level& entry : entries) {
    if (entry.Applies(ticket)) return entry;
  }
  return entries.back();  // the fallback (validated to have no selectors)
}

std::set<std::string> EscalationPolicy::RecipientsOf(const Level& entry) const {
  // Resolved when an alert is addressed, not when the set is loaded: a user created,
  // disabled or enabled at run time is counted from that moment (docs/security.md).
  std::set<std::string> recipients;
  for (const std::string& name : entry.spec.users()) {
    if (users_->Find(name)) recipients.insert(name);
  }
  for (int role : entry.spec.roles()) {
    for (std::string& name : users_->WithRole(static_cast<v1::Role>(role))) {
      recipients.insert(std::move(name));
    }
  }
  return recipients;
}

std::vector<std::string> EscalationPolicy::Recipients(int level, const v1::Ticket& ticket) const {
  if (levels_.count(level) == 0) return {};
  const std::set<std::string> recipients = RecipientsOf(EntryFor(level, ticket));
  return std::vector<std::string>(recipients.begin(), recipients.end());
}

void EscalationPolicy::Address(v1::Alert& alert, int level, bool urgent,
                               const v1::Ticket& ticket, absl::Time now) const {
  // One redirect only: the on-duty level's own quiet hours are not consulted, so no chain
  // or loop of levels can form. Outside its calendar's dates a level is never working time,
  // which errs towards the on-duty level.
  if (const Level& meant = EntryFor(level, ticket);
      !urgent && meant.calendar != nullptr && !meant.calendar->IsWorkingTime(now)) {
    alert.set_quiet_hours_level(level);
    level = meant.spec.off_hours_level();  // validated to exist
  }
  const Level& entry = EntryFor(level, ticket);
  alert.set_level(level);
  alert.set_level_name(entry.spec.name());
  alert.clear_recipients();
  std::set<std::string> recipients = RecipientsOf(entry);
  // Re-escalation addresses the copied alert again, so the account manager is a recipient
  // at every level (notify_account_manager).
  if (!alert.account_manager().empty()) recipients.insert(alert.account_manager());
  for (const std::string& r : recipients) alert.add_recipients(r);
  alert.clear_reescalate_time();
  const std::optional<absl::Duration> delay =
      alert.has_reescalate_after() ? std::optional<absl::Duration>(FromDurationProto(alert.reescalate_after()))
                                   : entry.reescalate_after;
  // The rule's delay, carried on the alert, wins over the level's, so KEY-account rules
  // keep their faster pace up the chain. No timer at the top: nobody is above. The next
  // level is counted from where the alert went (the on-duty level in quiet hours).
  if (delay && levels_.upper_bound(level) != levels_.end()) {
    ToTimestamp(now + *delay, alert.mutable_reescalate_time());
  }
}

const v1::EscalationRule* EscalationPolicy::Match(const v1::Ticket& ticket,
                                                  v1::EscalationCondition condition,
                                                  v1::SlaClockKind clock) const {
  for (const v1::EscalationRule& rule : rules_) {
    // Equality, not >=: a chase rule fires once, at the chase that reaches its count, not
    // again at every later chase.
    const bool count_ok = condition != v1::ESCALATION_CONDITION_CHASE_COUNT ||
                          rule.chase_count() == ticket.chase_count();
    if (rule.condition() == condition && count_ok && Selects(rule, ticket, clock)) {
      return &rule;
    }
  }
  return nullptr;
}

v1::Alert EscalationPolicy::NewAlert(const v1::Ticket& ticket, const v1::EscalationRule& rule,
                                     v1::SlaClockKind clock, absl::Time now,
                                     const std::optional<v1::Account>& account) const {
  v1::Alert alert;
  if (account && rule.notify_account_manager()) alert.set_account_manager(account->account_manager());
  if (account && rule.notify_key_persons()) {
    for (const v1::KeyPerson& person : account->key_persons()) {
      if (person.notify_on_escalation()) *alert.add_key_persons() = person;
    }
  }
  absl::Duration delay;
  if (absl::ParseDuration(rule.reescalate_after(), &delay)) {
    ToDurationProto(delay, alert.mutable_reescalate_after());
  }
  ToTimestamp(now, alert.mutable_time());
  alert.set_ticket_id(ticket.id());
  alert.set_ticket_summary(ticket.summary());
  alert.set_account_id(ticket.account_id());
  alert.set_tier(TierOf(ticket));
  alert.set_priority(ticket.priority());
  alert.set_queue(ticket.queue());
  alert.set_region(ticket.region());
  alert.set_assignee(ticket.assignee());
  alert.set_condition(rule.condition());
  alert.set_clock(clock);
  Address(alert, rule.level(), rule.urgent(), ticket, now);
  alert.set_rule(rule.name());
  // Measured from the due time, which after a re-target is when the target really ran
  // out, not when the monitor noticed.
  if (const v1::SlaClock* c = FindClock(ticket, clock);
      c != nullptr && (rule.condition() == v1::ESCALATION_CONDITION_SLA_BREACH ||
                       rule.condition() == v1::ESCALATION_CONDITION_BREACH_AGE)) {
    ToDurationProto(std::max(absl::ZeroDuration(), now - FromTimestamp(c->due_time())),
                    alert.mutable_past_target());
  }
  const std::string what = DescribeCondition(rule.condition(), clock, ticket);
  alert.set_summary(absl::StrCat(ticket.id(), " ", what, " (", PriorityName(ticket.priority()),
                                 ", ", ticket.account_id(), "): ", ticket.summary()));
  return alert;
}

const v1::EscalationRule* EscalationPolicy::FindRule(absl::string_view name) const {
  for (const v1::EscalationRule& rule : rules_) {
    if (rule.name() == name) return &rule;
  }
  return nullptr;  // the rule left the configuration since the breach
}

bool EscalationPolicy::Selects(const v1::EscalationRule& rule, const v1::Ticket& ticket,
                               v1::SlaClockKind clock) const {
  return Accepts(rule.clocks(), clock) && Accepts(rule.tiers(), TierOf(ticket)) &&
         Accepts(rule.kinds(), ticket.kind()) && Accepts(rule.priorities(), ticket.priority()) &&
         Accepts(rule.queues(), ticket.queue());
}

void EscalationPolicy::ScheduleBreachAge(v1::Ticket& ticket, v1::SlaClockKind clock,
                                         absl::Time now, v1::TicketEvent& event) const {
  const v1::SlaClock* c = FindClock(ticket, clock);
  if (c == nullptr || !c->has_due_time()) return;
  // Without the ticket's policy in this set (no calendars given, or the policy left the
  // set) the age is counted in wall-clock time, with no note in the event.
  const SlaPolicy* policy = calendars_ ? calendars_->Find(ticket.sla_policy()) : nullptr;
  for (const v1::EscalationRule& rule : rules_) {
    absl::Duration after;
    if (rule.condition() != v1::ESCALATION_CONDITION_BREACH_AGE || !Selects(rule, ticket, clock) ||
        !absl::ParseDuration(rule.after_breach(), &after)) {
      continue;
    }
    // From the due time, when the promise broke, not from when the breach was recorded.
    const absl::Time breach = FromTimestamp(c->due_time());
    // The committed date is a wall-clock promise; the others count business time.
    absl::Time due = breach + after;
    if (clock != v1::SLA_CLOCK_KIND_COMMITTED_DATE && policy != nullptr && policy->calendar != nullptr) {
      absl::StatusOr<absl::Time> business = policy->calendar->Add(breach, after);
      if (business.ok()) {
        due = *business;
      } else {
        // Never dropped: a breach nobody is reminded of is what this server exists to
        // prevent. Wall-clock time is never longer than business time, so it fires early.
        RecordChange(event, absl::StrCat("sla.", ClockName(clock), ".breach_age_due"), "",
                     absl::StrCat("rule ", rule.name(), ": calendar '", policy->calendar->name(),
                                  "' cannot count ", rule.after_breach(),
                                  " after the breach (", business.status().message(),
                                  "); due after ", rule.after_breach(), " of wall-clock time"));
      }
    }
    v1::PendingEscalation* pending = ticket.add_pending_escalations();
    pending->set_rule(rule.name());
    pending->set_clock(clock);
    // An age already reached is due now; its timer fires at the monitor's next run.
    ToTimestamp(std::max(due, now), pending->mutable_due_time());
  }
}

std::optional<v1::Alert> EscalationPolicy::Reescalate(const v1::Alert& unacknowledged,
                                                       const v1::Ticket& ticket,
                                                       absl::Time now) const {
  auto next = levels_.upper_bound(unacknowledged.level());
  if (next == levels_.end()) return std::nullopt;
  // A copy: rule, condition, clock, account manager, key persons and the rule's delay carry
  // on, so the whole chain reaches the same people at the rule's pace.
  v1::Alert alert = unacknowledged;
  alert.clear_sequence();
  alert.clear_acknowledged();
  alert.clear_acknowledged_by();
  alert.clear_acknowledge_time();
  alert.clear_acknowledge_note();
  alert.clear_escalated_to_sequence();
  ToTimestamp(now, alert.mutable_time());
  alert.set_escalated_from_sequence(unacknowledged.sequence());
  alert.clear_quiet_hours_level();
  Address(alert, next->first, /*urgent=*/true, ticket, now);  // nobody answered: no waiting
  alert.set_priority(ticket.priority());
  alert.set_queue(ticket.queue());
  alert.set_assignee(ticket.assignee());
  if (const v1::SlaClock* c = FindClock(ticket, alert.clock());
      c != nullptr && (alert.condition() == v1::ESCALATION_CONDITION_SLA_BREACH ||
                       alert.condition() == v1::ESCALATION_CONDITION_BREACH_AGE)) {
    ToDurationProto(std::max(absl::ZeroDuration(), now - FromTimestamp(c->due_time())),
                    alert.mutable_past_target());
  }
  alert.set_summary(absl::StrCat("unacknowledged for ", absl::FormatDuration(now - FromTimestamp(unacknowledged.time())),
                                 ": ", unacknowledged.summary()));
  return alert;
}

absl::StatusOr<std::vector<v1::Alert>> EscalationPolicy::OnEvent(
    v1::Ticket& ticket, v1::TicketEvent& event, absl::Time now, const AccountFetcher& fetch) const {
  std::vector<v1::Alert> alerts;
  std::optional<std::optional<v1::Account>> account;  // fetched once, when a rule needs it
  const int changes = event.changes_size();  // actions below append more changes
  for (int i = 0; i < changes; ++i) {
    const auto condition = ConditionOf(event.changes(i), ticket);
    if (!condition) continue;
    // Breach ages are scheduled whether or not a BREACH rule matches: every BREACH_AGE rule
    // that selects the ticket fires, each once (docs/escalation.md, Breach age).
    if (condition->second == v1::ESCALATION_CONDITION_SLA_BREACH) {
      ScheduleBreachAge(ticket, condition->first, now, event);
    }
    // A breach age names its rule, chosen when the breach scheduled it; every other
    // condition takes the first rule that matches now.
    const v1::EscalationRule* rule =
        condition->second == v1::ESCALATION_CONDITION_BREACH_AGE
            ? FindRule(event.changes(i).new_value())
            : Match(ticket, condition->second, condition->first);
    if (rule == nullptr) continue;
    // Read lazily, once per change: only rules that notify the account's people need it. A
    // read error fails the whole change rather than alert without those people (the header).
    if (!account && (rule->notify_account_manager() || rule->notify_key_persons())) {
      account = std::optional<v1::Account>();
      if (fetch) {
        TKT_ASSIGN_OR_RETURN(*account, fetch());
      }
    }
    alerts.push_back(NewAlert(ticket, *rule, condition->first, now,
                              account ? *account : std::nullopt));
    RecordChange(event, "escalation", "",
                 absl::StrCat("level ", rule->level(), " alert by rule ", rule->name()));
    // Only ever raises (P1 is the smallest number). The Escalator runs before SlaRule, so
    // the clocks re-target to the raised priority in this same change.
    if (rule->raise_priority_to() != v1::PRIORITY_UNSPECIFIED &&
        rule->raise_priority_to() < ticket.priority()) {
      RecordChange(event, "priority", PriorityName(ticket.priority()),
                   PriorityName(rule->raise_priority_to()));
      ticket.set_priority(rule->raise_priority_to());
    }
    if (!rule->move_to_queue().empty() && rule->move_to_queue() != ticket.queue()) {
      RecordChange(event, "queue", ticket.queue(), rule->move_to_queue());
      ticket.set_queue(rule->move_to_queue());
    }
  }
  return alerts;
}

absl::StatusOr<std::function<void()>> EscalationRules::Compile(
    const v1::SlaConfig& config, std::shared_ptr<const SlaPolicySet> policies) {
  // Compiled against the set the clocks will run on, so quiet hours use the calendars of
  // the same configuration version. In force only when SlaConfigService runs the returned
  // function, once every part of the set has compiled.
  TKT_ASSIGN_OR_RETURN(std::unique_ptr<EscalationPolicy> compiled,
                       EscalationPolicy::Create(config.escalation_levels(),
                                                config.escalation_rules(), users_,
                                                std::move(policies)));
  std::shared_ptr<const EscalationPolicy> policy = std::move(compiled);
  return [this, policy] { Replace(policy); };
}

}  // namespace ticketing::domain
