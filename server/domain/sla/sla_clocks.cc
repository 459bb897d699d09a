#include "server/domain/sla/sla_clocks.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "proto/base/status_macros.h"
#include "server/domain/base/ticket_events.h"

namespace ticketing::domain {
namespace {

using SlaClock = v1::SlaClock;

// BREACHED still counts: a broken promise goes on measuring how late it is.
bool Counting(const SlaClock& c) {
  return c.state() == v1::SLA_CLOCK_STATE_RUNNING || c.state() == v1::SLA_CLOCK_STATE_BREACHED;
}
bool Open(const SlaClock& c) { return Counting(c) || c.state() == v1::SLA_CLOCK_STATE_PAUSED; }

SlaClock* FindClock(v1::Ticket& ticket, v1::SlaClockKind kind) {
  for (SlaClock& clock : *ticket.mutable_sla_clocks()) {
    if (clock.kind() == kind) return &clock;
  }
  return nullptr;
}

// Brings elapsed (or paused) time up to `now` and starts a new segment there. Always on
// `policy`'s calendar, the one the segment ran on: a re-target accrues on the old policy
// before it switches (Reselect).
absl::Status Accrue(const SlaPolicy& policy, SlaClock& c, absl::Time now) {
  if (!Open(c)) return absl::OkStatus();
  TKT_ASSIGN_OR_RETURN(absl::Duration span,
                       policy.calendar->Elapsed(FromTimestamp(c.segment_start()), now));
  if (Counting(c)) {
    ToDurationProto(FromDurationProto(c.elapsed()) + span, c.mutable_elapsed());
  } else {
    ToDurationProto(FromDurationProto(c.paused()) + span, c.mutable_paused());
  }
  ToTimestamp(now, c.mutable_segment_start());
  return absl::OkStatus();
}

// The instant at which clock `c` had used `business` of its time (business <= elapsed):
// in the counted segment where its elapsed time reached it (SlaClock.counted), on that
// segment's calendar. Exact across pauses and re-targets; `set` finds the calendars of
// earlier segments (null, or a calendar no longer configured: `policy`'s).
absl::StatusOr<absl::Time> UsedUpAt(const SlaPolicySet* set, const SlaPolicy& policy,
                                    const SlaClock& c, absl::Duration business) {
  // The last segment that began before `business` was used (strictly: time used exactly
  // at a pause was used up when the clock paused, not when it resumed).
  const SlaClock::CountedSegment* segment = nullptr;
  for (const SlaClock::CountedSegment& counted : c.counted()) {
    if (FromDurationProto(counted.elapsed_at_start()) >= business) break;
    segment = &counted;
  }
  // A clock stored before segments were kept counted from its start on one calendar.
  absl::Time from = FromTimestamp(c.start_time());
  absl::Duration before = absl::ZeroDuration();
  const BusinessCalendar* calendar = policy.calendar;
  if (segment != nullptr) {
    from = FromTimestamp(segment->start());
    before = FromDurationProto(segment->elapsed_at_start());
    if (const BusinessCalendar* found = set ? set->FindCalendar(segment->calendar()) : nullptr) {
      calendar = found;
    }
  }
  TKT_ASSIGN_OR_RETURN(absl::Time at, calendar->Add(from, business - before));
  // business <= elapsed, so it was used by segment_start: data the segments cannot reproduce
  // (a calendar since redefined under its name, or gone) must not delay a breach.
  return std::min(at, FromTimestamp(c.segment_start()));  // used up by now, whatever the data
}

// Sets due_time and warning_time of a clock that counts from its segment start on, and
// records that segment (SlaClock.counted). Called whenever a segment starts counting: a
// new cycle, a resume, a run after reopening, a re-target. A clock whose target (or
// warning share) is already used up is due when it ran out: its due time does not move
// with re-targets, pauses or tier changes (docs/sla.md).
absl::Status Schedule(const SlaPolicySet* set, const SlaPolicy& policy, SlaClock& c) {
  const absl::Time from = FromTimestamp(c.segment_start());
  // A new entry whenever the segment or its calendar is new. A segment scheduled again at
  // its own start on the same calendar (two changes at one instant) keeps its one entry.
  const int n = c.counted_size();
  if (n == 0 || FromTimestamp(c.counted(n - 1).start()) != from ||
      c.counted(n - 1).calendar() != policy.calendar->name()) {
    SlaClock::CountedSegment* segment = c.add_counted();
    ToTimestamp(from, segment->mutable_start());
    *segment->mutable_elapsed_at_start() = c.elapsed();
    segment->set_calendar(policy.calendar->name());
  }
  const absl::Duration target = FromDurationProto(c.target()), elapsed = FromDurationProto(c.elapsed());
  // Time still ahead counts forward from the segment start on this calendar; time already
  // used is found in the segments that counted it. `>`, not `>=`: time used up exactly by
  // the segment start may have run out before it (at a pause), not at the resume.
  auto instant = [&](absl::Duration used) -> absl::StatusOr<absl::Time> {
    if (used > elapsed) return policy.calendar->Add(from, used - elapsed);
    return UsedUpAt(set, policy, c, used);
  };
  TKT_ASSIGN_OR_RETURN(absl::Time due, instant(target));
  // The warning share is found the same way: one already passed (after an upgrade) fires at
  // the monitor's next run, unless it was recorded before.
  TKT_ASSIGN_OR_RETURN(absl::Time warning, instant(target * policy.warning_percent / 100));
  ToTimestamp(due, c.mutable_due_time());
  ToTimestamp(warning, c.mutable_warning_time());
  return absl::OkStatus();
}

// A new cycle keeps only its number and the breach count over all cycles (reports count a
// next-update omission by breach_count); breached, warning_reached and counted are per cycle.
absl::Status StartCycle(const SlaPolicySet* set, const SlaPolicy& policy, SlaClock& c,
                        absl::Duration target, bool paused, absl::Time now) {
  const int32_t cycle = c.cycle() + 1, breaches = c.breach_count();
  const v1::SlaClockKind kind = c.kind();
  c.Clear();
  c.set_kind(kind);
  c.set_cycle(cycle);
  c.set_breach_count(breaches);
  ToDurationProto(target, c.mutable_target());
  ToTimestamp(now, c.mutable_start_time());
  ToTimestamp(now, c.mutable_segment_start());
  c.mutable_elapsed();
  c.mutable_paused();
  c.set_state(paused ? v1::SLA_CLOCK_STATE_PAUSED : v1::SLA_CLOCK_STATE_RUNNING);
  // Started in a pause status: no due time until the ticket leaves it (Resume).
  return paused ? absl::OkStatus() : Schedule(set, policy, c);
}

absl::Status Pause(const SlaPolicy& policy, SlaClock& c, absl::Time now) {
  if (!Counting(c)) return absl::OkStatus();
  TKT_RETURN_IF_ERROR(Accrue(policy, c, now));
  c.set_state(v1::SLA_CLOCK_STATE_PAUSED);
  // The timers are derived from these instants (storage TimerKeys), so this same write
  // removes them: a paused clock cannot warn or breach.
  c.clear_due_time();
  c.clear_warning_time();
  return absl::OkStatus();
}

absl::Status Resume(const SlaPolicySet* set, const SlaPolicy& policy, SlaClock& c,
                    absl::Time now) {
  if (c.state() != v1::SLA_CLOCK_STATE_PAUSED) return absl::OkStatus();
  TKT_RETURN_IF_ERROR(Accrue(policy, c, now));
  // A breach before the pause stands. Schedule finds such a clock's due time in its counted
  // segments, so the pause does not move it (docs/sla.md, Re-targeting).
  c.set_state(c.breached() ? v1::SLA_CLOCK_STATE_BREACHED : v1::SLA_CLOCK_STATE_RUNNING);
  return Schedule(set, policy, c);
}

absl::Status End(const SlaPolicy& policy, SlaClock& c, bool met, absl::Time now) {
  if (!Open(c)) return absl::OkStatus();
  TKT_RETURN_IF_ERROR(Accrue(policy, c, now));
  // due_time stays: an ended clock keeps its last due instant for promised vs. actual.
  ToTimestamp(now, c.mutable_end_time());
  if (!met) {
    c.set_state(v1::SLA_CLOCK_STATE_STOPPED);
    return absl::OkStatus();
  }
  // Met with exactly the target used is on time. The monitor breaches at due <= now, so a
  // change at the very due instant is on time only if it commits before the monitor's.
  const bool late = c.breached() || FromDurationProto(c.elapsed()) > FromDurationProto(c.target());
  if (late && !c.breached()) {  // breached before the monitor recorded it: still a breach
    c.set_breached(true);
    c.set_breach_count(c.breach_count() + 1);
  }
  c.set_state(late ? v1::SLA_CLOCK_STATE_MET_LATE : v1::SLA_CLOCK_STATE_MET);
  return absl::OkStatus();
}

// Resolution runs on after REOPENED with the time it had already used. Elapsed, breached,
// warning_reached and counted are kept: a breach stays one, the warning is not given twice.
absl::Status RunAgain(const SlaPolicySet* set, const SlaPolicy& policy, SlaClock& c, bool paused,
                      absl::Time now) {
  if (Open(c)) return absl::OkStatus();
  c.set_cycle(c.cycle() + 1);
  c.clear_end_time();
  ToTimestamp(now, c.mutable_segment_start());
  c.set_state(paused ? v1::SLA_CLOCK_STATE_PAUSED
                     : (c.breached() ? v1::SLA_CLOCK_STATE_BREACHED : v1::SLA_CLOCK_STATE_RUNNING));
  return paused ? absl::OkStatus() : Schedule(set, policy, c);
}

// The ticket's policy; when it has left the set (replaced through the admin API), the first
// matching policy of the new set takes over. The clocks keep their targets on the switch;
// from then on they count on the successor's calendar.
const SlaPolicy* PolicyOf(const SlaPolicySet& policies, v1::Ticket& ticket) {
  // Empty: no policy matched at creation, and a ticket never gains one later.
  if (ticket.sla_policy().empty()) return nullptr;
  if (const SlaPolicy* policy = policies.Find(ticket.sla_policy())) return policy;
  const SlaPolicy* successor = policies.Select(ticket, ticket.service_tier());
  if (successor != nullptr) {
    ticket.set_sla_policy(successor->spec.name());
    ticket.set_sla_policy_version(successor->version);
  }
  return successor;
}

// The inputs of SlaPolicy::Matches, service tier included: an account's reclassification
// re-targets its open tickets.
bool SelectionInputsChanged(const v1::Ticket& a, const v1::Ticket& b) {
  return a.priority() != b.priority() || a.kind() != b.kind() || a.region() != b.region() ||
         a.product() != b.product() || a.service_tier() != b.service_tier();
}

// A policy without a first-response clock counts as met, so next update still starts.
bool FirstResponseMet(v1::Ticket& ticket) {
  const SlaClock* fr = FindClock(ticket, v1::SLA_CLOCK_KIND_FIRST_RESPONSE);
  return fr == nullptr || fr->state() == v1::SLA_CLOCK_STATE_MET ||
         fr->state() == v1::SLA_CLOCK_STATE_MET_LATE;
}

// Starts (or restarts) the next-update cycle when the policy has one. A new cycle per
// customer-visible event: the target counts from the last update the customer got.
absl::Status RestartNextUpdate(const SlaPolicySet* set, const SlaPolicy& policy, v1::Ticket& ticket,
                               absl::Time now) {
  if (!policy.next_update) return absl::OkStatus();
  SlaClock* nu = FindClock(ticket, v1::SLA_CLOCK_KIND_NEXT_UPDATE);
  if (nu == nullptr) {
    nu = ticket.add_sla_clocks();
    nu->set_kind(v1::SLA_CLOCK_KIND_NEXT_UPDATE);
  }
  return StartCycle(set, policy, *nu, *policy.next_update, policy.Pauses(ticket.status()), now);
}

// Chooses the policy again; running clocks keep the smaller target.
absl::Status Reselect(const SlaPolicySet& policies, const SlaPolicy*& policy, v1::Ticket& ticket,
                      absl::Time now) {
  const SlaPolicy* chosen = policies.Select(ticket, ticket.service_tier());
  // No policy matches the new values: the ticket keeps its policy and its targets.
  if (chosen == nullptr || chosen == policy) return absl::OkStatus();
  for (SlaClock& c : *ticket.mutable_sla_clocks()) {
    if (c.kind() == v1::SLA_CLOCK_KIND_COMMITTED_DATE) continue;  // a date, not a target
    TKT_RETURN_IF_ERROR(Accrue(*policy, c, now));  // time so far on the old calendar
    const std::optional<absl::Duration> target = chosen->Target(c.kind());
    // Only ever smaller (docs/sla.md, Re-targeting): an upgrade tightens, a downgrade never
    // loosens. It covers the cycle's whole elapsed time, so it may be used up already.
    if (Open(c) && target && *target < FromDurationProto(c.target())) ToDurationProto(*target, c.mutable_target());
    // On the new calendar from now; a paused clock is scheduled when it resumes.
    if (Counting(c)) TKT_RETURN_IF_ERROR(Schedule(&policies, *chosen, c));
  }
  policy = chosen;
  ticket.set_sla_policy(chosen->spec.name());
  ticket.set_sla_policy_version(chosen->version);
  return absl::OkStatus();
}

// Pause and resume come before ending, so a clock that leaves a pause status straight for
// RESOLVED (WAITING_CUSTOMER -> RESOLVED) is resumed, then ended: it ends with a due time.
absl::Status ApplyStatusChange(const SlaPolicySet* set, const SlaPolicy& policy,
                               v1::TicketStatus from, v1::Ticket& ticket, absl::Time now) {
  const v1::TicketStatus to = ticket.status();
  for (SlaClock& c : *ticket.mutable_sla_clocks()) {
    if (c.kind() == v1::SLA_CLOCK_KIND_COMMITTED_DATE) continue;  // see ApplyCommittedStatus
    if (policy.Pauses(to) && !policy.Pauses(from)) TKT_RETURN_IF_ERROR(Pause(policy, c, now));
    if (policy.Pauses(from) && !policy.Pauses(to)) TKT_RETURN_IF_ERROR(Resume(set, policy, c, now));
    const bool resolution = c.kind() == v1::SLA_CLOCK_KIND_RESOLUTION;
    // RESOLVED meets resolution and stops next update: no update is owed on resolved work.
    // First response runs on: resolving without a word to the customer is no response
    // (docs/sla.md, The clocks).
    if (to == v1::TICKET_STATUS_RESOLVED && c.kind() != v1::SLA_CLOCK_KIND_FIRST_RESPONSE) {
      TKT_RETURN_IF_ERROR(End(policy, c, resolution, now));
    }
    if (to == v1::TICKET_STATUS_CLOSED || to == v1::TICKET_STATUS_CANCELLED) {
      TKT_RETURN_IF_ERROR(End(policy, c, false, now));
    }
    if (to == v1::TICKET_STATUS_REOPENED && resolution) {
      TKT_RETURN_IF_ERROR(RunAgain(set, policy, c, policy.Pauses(to), now));
    }
  }
  if (to == v1::TICKET_STATUS_REOPENED && FirstResponseMet(ticket)) {
    return RestartNextUpdate(set, policy, ticket, now);
  }
  return absl::OkStatus();
}

absl::Status ApplyCustomerContact(const SlaPolicySet* set, const SlaPolicy& policy,
                                  v1::Ticket& ticket, absl::Time now) {
  // End ignores a clock already ended, so only the first customer-visible event meets
  // first response, even one on a resolved ticket.
  if (SlaClock* fr = FindClock(ticket, v1::SLA_CLOCK_KIND_FIRST_RESPONSE)) {
    TKT_RETURN_IF_ERROR(End(policy, *fr, true, now));
  }
  const v1::TicketStatus s = ticket.status();
  if (s == v1::TICKET_STATUS_RESOLVED || s == v1::TICKET_STATUS_CLOSED ||
      s == v1::TICKET_STATUS_CANCELLED) {
    return absl::OkStatus();
  }
  return RestartNextUpdate(set, policy, ticket, now);
}

// The committed date is an absolute promise: no calendar, no pauses; it ends with the work.
// Elapsed is wall-clock time and lateness is judged against the date itself. REOPENED does
// not restart it: a new promise takes a new date (SetCommittedDate).
void ApplyCommittedStatus(v1::Ticket& ticket, absl::Time now) {
  SlaClock* c = FindClock(ticket, v1::SLA_CLOCK_KIND_COMMITTED_DATE);
  const v1::TicketStatus to = ticket.status();
  if (c == nullptr || !Open(*c)) return;
  const bool met = to == v1::TICKET_STATUS_RESOLVED;
  if (!met && to != v1::TICKET_STATUS_CLOSED && to != v1::TICKET_STATUS_CANCELLED) return;
  ToDurationProto(now - FromTimestamp(c->start_time()), c->mutable_elapsed());
  ToTimestamp(now, c->mutable_end_time());
  const bool late = c->breached() || now > FromTimestamp(c->due_time());
  if (met && late && !c->breached()) {
    c->set_breached(true);
    c->set_breach_count(c->breach_count() + 1);
  }
  c->set_state(!met ? v1::SLA_CLOCK_STATE_STOPPED
                    : (late ? v1::SLA_CLOCK_STATE_MET_LATE : v1::SLA_CLOCK_STATE_MET));
}

std::map<v1::SlaClockKind, v1::SlaClockState> States(const v1::Ticket& ticket) {
  std::map<v1::SlaClockKind, v1::SlaClockState> states;
  for (const SlaClock& c : ticket.sla_clocks()) states[c.kind()] = c.state();
  return states;
}

// RecordChange skips unchanged states; a clock new in this change records "" -> state.
void RecordStateChanges(const std::map<v1::SlaClockKind, v1::SlaClockState>& before,
                        const v1::Ticket& after, v1::TicketEvent& event) {
  for (const SlaClock& c : after.sla_clocks()) {
    auto old = before.find(c.kind());
    RecordChange(event, absl::StrCat("sla.", ClockName(c.kind())),
                 old == before.end() ? "" : ClockStateName(old->second), ClockStateName(c.state()));
  }
}

}  // namespace

std::string ClockName(v1::SlaClockKind kind) {
  return absl::AsciiStrToLower(absl::StripPrefix(v1::SlaClockKind_Name(kind), "SLA_CLOCK_KIND_"));
}

std::string ClockStateName(v1::SlaClockState state) {
  return std::string(absl::StripPrefix(v1::SlaClockState_Name(state), "SLA_CLOCK_STATE_"));
}

absl::Status SlaClocks::Start(v1::Ticket& ticket, v1::TicketEvent& event, absl::Time now) const {
  const std::shared_ptr<const SlaPolicySet> policies = this->policies();
  const SlaPolicy* policy = policies->Select(ticket, ticket.service_tier());
  // No policy matches: no clocks, ever (docs/sla.md: end the policies with a catch-all).
  if (policy == nullptr) return absl::OkStatus();
  ticket.set_sla_policy(policy->spec.name());
  ticket.set_sla_policy_version(policy->version);
  RecordChange(event, "sla_policy", "", policy->spec.name());
  // Next update is not among them: it starts when the first response is met.
  for (v1::SlaClockKind kind : {v1::SLA_CLOCK_KIND_FIRST_RESPONSE, v1::SLA_CLOCK_KIND_RESOLUTION}) {
    const std::optional<absl::Duration> target = policy->Target(kind);
    if (!target) continue;
    SlaClock* clock = ticket.add_sla_clocks();
    clock->set_kind(kind);
    TKT_RETURN_IF_ERROR(StartCycle(policies.get(), *policy, *clock, *target, false, now));
  }
  RecordStateChanges({}, ticket, event);
  return absl::OkStatus();
}

absl::Status SlaClocks::Update(const v1::Ticket& before, v1::Ticket& after,
                               v1::TicketEvent& event, absl::Time now) const {
  // From `after`, not `before`: whatever moved the clocks earlier in this change recorded
  // that itself (Fire in the monitor's OnDue, SetCommittedDate) and must not record it twice.
  // The policy name is taken before PolicyOf may swap in a successor, so the history shows it.
  const auto states_before = States(after);
  const std::string policy_before = after.sla_policy();
  const std::shared_ptr<const SlaPolicySet> policies = this->policies();
  // Without a policy (none ever matched) the policy clocks stand as they are.
  if (const SlaPolicy* policy = PolicyOf(*policies, after); policy != nullptr) {
    // Re-target first, so the status change and the contact run on the policy now chosen
    // (its calendar, its pause statuses). The Escalator runs before this rule, so a priority
    // one of its rules raised in this change is re-targeted here too.
    if (SelectionInputsChanged(before, after)) {
      TKT_RETURN_IF_ERROR(Reselect(*policies, policy, after, now));
    }
    // Status before contact: a change that resolves with a customer-visible comment stops
    // next update rather than starting a cycle that RESOLVED would end at once.
    if (before.status() != after.status()) {
      TKT_RETURN_IF_ERROR(ApplyStatusChange(policies.get(), *policy, before.status(), after, now));
    }
    if (event.visibility() == v1::VISIBILITY_CUSTOMER) {
      TKT_RETURN_IF_ERROR(ApplyCustomerContact(policies.get(), *policy, after, now));
    }
  }
  // Outside the policy block: a date promised to the customer needs no SLA policy.
  if (before.status() != after.status()) ApplyCommittedStatus(after, now);
  RecordChange(event, "sla_policy", policy_before, after.sla_policy());
  RecordStateChanges(states_before, after, event);
  return absl::OkStatus();
}

absl::Status SlaClocks::Fire(v1::Ticket& ticket, v1::TicketEvent& event, absl::Time now) const {
  // The flags set here are what the timer keys are derived from (storage TimerKeys), so the
  // write that records a warning or breach also removes its timer: each is recorded exactly
  // once (docs/sla.md, Timers and the monitor). Paused and ended clocks never fire.
  for (SlaClock& c : *ticket.mutable_sla_clocks()) {
    if (!Counting(c)) continue;
    const std::string name = absl::StrCat("sla.", ClockName(c.kind()));
    // A clock past both instants (downtime, an upgrade) records both, the warning first.
    if (!c.warning_reached() && c.has_warning_time() && FromTimestamp(c.warning_time()) <= now) {
      c.set_warning_reached(true);
      RecordChange(event, name + ".warning", "",
                   absl::FormatTime(absl::RFC3339_full, FromTimestamp(c.warning_time()), absl::UTCTimeZone()));
    }
    if (!c.breached() && c.has_due_time() && FromTimestamp(c.due_time()) <= now) {
      c.set_breached(true);
      c.set_breach_count(c.breach_count() + 1);
      c.set_state(v1::SLA_CLOCK_STATE_BREACHED);
      RecordChange(event, name, "RUNNING", "BREACHED");
    }
  }
  return absl::OkStatus();
}

void SlaClocks::SetCommittedDate(v1::Ticket& ticket, absl::Time committed,
                                 v1::TicketEvent& event, absl::Time now) const {
  SlaClock* c = FindClock(ticket, v1::SLA_CLOCK_KIND_COMMITTED_DATE);
  if (c == nullptr) {
    c = ticket.add_sla_clocks();
    c->set_kind(v1::SLA_CLOCK_KIND_COMMITTED_DATE);
  }
  const std::string old_state = c->state() == v1::SLA_CLOCK_STATE_UNSPECIFIED ? "" : ClockStateName(c->state());
  const std::shared_ptr<const SlaPolicySet> policies = this->policies();
  const SlaPolicy* policy = policies->Find(ticket.sla_policy());
  const int percent = policy != nullptr ? policy->warning_percent : 75;
  // A new date is a new cycle: breached starts afresh, breach_count keeps the dates missed.
  const int32_t cycle = c->cycle() + 1, breaches = c->breach_count();
  c->Clear();
  c->set_kind(v1::SLA_CLOCK_KIND_COMMITTED_DATE);
  c->set_cycle(cycle);
  c->set_breach_count(breaches);
  c->set_state(v1::SLA_CLOCK_STATE_RUNNING);
  // Wall-clock spans: a promised date is kept or missed at that instant, office hours or not.
  ToDurationProto(committed - now, c->mutable_target());
  ToTimestamp(now, c->mutable_start_time());
  ToTimestamp(now, c->mutable_segment_start());
  ToTimestamp(committed, c->mutable_due_time());
  ToTimestamp(now + (committed - now) * percent / 100, c->mutable_warning_time());
  c->mutable_elapsed();
  c->mutable_paused();
  RecordChange(event, "sla.committed_date", old_state, "RUNNING");
}

absl::StatusOr<std::vector<v1::SlaClock>> SlaClocks::Preview(const SlaPolicy& policy,
                                                            absl::Time start) const {
  std::vector<v1::SlaClock> clocks;
  for (v1::SlaClockKind kind : {v1::SLA_CLOCK_KIND_FIRST_RESPONSE, v1::SLA_CLOCK_KIND_NEXT_UPDATE,
                                v1::SLA_CLOCK_KIND_RESOLUTION}) {
    const std::optional<absl::Duration> target = policy.Target(kind);
    if (!target) continue;
    SlaClock clock;
    clock.set_kind(kind);
    // No policy set: a preview has no earlier segments to look up.
    TKT_RETURN_IF_ERROR(StartCycle(nullptr, policy, clock, *target, false, start));
    clocks.push_back(std::move(clock));
  }
  return clocks;
}

}  // namespace ticketing::domain
