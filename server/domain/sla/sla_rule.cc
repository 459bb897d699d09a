#include "server/domain/sla/sla_rule.h"

#include "absl/strings/str_cat.h"
#include "proto/base/status_macros.h"
#include "server/domain/base/ticket_events.h"

namespace ticketing::domain {
namespace {

const v1::SlaClock* FindClock(const v1::Ticket& ticket, v1::SlaClockKind kind) {
  for (const v1::SlaClock& c : ticket.sla_clocks()) {
    if (c.kind() == kind) return &c;
  }
  return nullptr;
}

}  // namespace

absl::Status SlaRule::OnCreate(TicketDraft& draft) const {
  return clocks_.Start(draft.next, draft.event, draft.now);
}

absl::Status SlaRule::OnChange(const v1::Ticket& before, TicketDraft& draft) const {
  TKT_RETURN_IF_ERROR(clocks_.Update(before, draft.next, draft.event, draft.now));
  // After the clocks moved, so a clock this change met, stopped or restarted drops its
  // breach-age escalations in the same write (docs/escalation.md, Breach age).
  PrunePendingEscalations(draft.next);
  return absl::OkStatus();
}

// Records only: the change then goes through OnChange like any other, where the Escalator
// (which runs first) turns these records into alerts committed in the same write.
absl::Status SlaRule::OnDue(TicketDraft& draft) const {
  FirePendingEscalations(draft.next, draft.event, draft.now);
  return clocks_.Fire(draft.next, draft.event, draft.now);  // the change raises the alerts
}

void FirePendingEscalations(v1::Ticket& ticket, v1::TicketEvent& event, absl::Time now) {
  auto* pending = ticket.mutable_pending_escalations();
  for (int i = 0; i < pending->size();) {
    const v1::PendingEscalation& p = pending->Get(i);
    if (FromTimestamp(p.due_time()) > now) {
      ++i;
      continue;
    }
    // The rule's name is the value: the Escalator looks the rule up by name, so one removed
    // from the configuration since the breach raises nothing. Deleting the entry deletes its
    // timer key in the same write (storage TimerKeys), so it fires once.
    RecordChange(event, absl::StrCat("sla.", ClockName(p.clock()), ".breach_age"), "", p.rule());
    pending->DeleteSubrange(i, 1);
  }
}

void PrunePendingEscalations(v1::Ticket& ticket) {
  auto* pending = ticket.mutable_pending_escalations();
  for (int i = 0; i < pending->size();) {
    // Only the BREACHED state keeps them, so pausing a breached clock drops them too, and a
    // resume does not bring them back: the Escalator, which schedules them on a recorded
    // breach, runs before the resume is recorded.
    const v1::SlaClock* c = FindClock(ticket, pending->Get(i).clock());
    if (c != nullptr && c->state() == v1::SLA_CLOCK_STATE_BREACHED) {
      ++i;
    } else {
      pending->DeleteSubrange(i, 1);
    }
  }
}

}  // namespace ticketing::domain
