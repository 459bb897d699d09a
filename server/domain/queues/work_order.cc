#include "server/domain/queues/work_order.h"

#include <optional>

#include "proto/base/proto_time.h"

namespace ticketing::domain {

void UpdateWorkOrder(v1::Ticket& ticket, absl::Duration key_margin) {
  std::optional<absl::Time> next;
  bool breached = false;
  for (const v1::SlaClock& c : ticket.sla_clocks()) {
    // Only clocks that still count put pressure on the queue: a paused one (waiting for the
    // customer) or an ended one does not, and a ticket with none goes last. A breached clock
    // still counts: the work it promised is still owed.
    const bool counting =
        c.state() == v1::SLA_CLOCK_STATE_RUNNING || c.state() == v1::SLA_CLOCK_STATE_BREACHED;
    if (!counting || !c.has_due_time()) continue;
    breached = breached || c.state() == v1::SLA_CLOCK_STATE_BREACHED;
    const absl::Time due = FromTimestamp(c.due_time());
    if (!next || due < *next) next = due;
  }
  ticket.set_sla_breached(breached);
  if (!next) {
    ticket.clear_next_due_time();
    ticket.clear_queue_rank_time();
    return;
  }
  // next_due_time stays the true instant (the time left is computed from it); only the rank
  // time takes the margin, and only for KEY accounts ("key accounts first").
  ToTimestamp(*next, ticket.mutable_next_due_time());
  const absl::Duration margin =
      ticket.service_tier() == v1::SERVICE_TIER_KEY ? key_margin : absl::ZeroDuration();
  // Stored with the ticket and keyed into its work-queue entries, so a change of
  // key_account_margin reaches each ticket at its next change (docs/accounts.md).
  ToTimestamp(*next - margin, ticket.mutable_queue_rank_time());
}

void UpgradeVersion1Ticket(v1::Ticket& ticket) {
  if (ticket.service_tier() == v1::SERVICE_TIER_UNSPECIFIED) {
    ticket.set_service_tier(v1::SERVICE_TIER_STANDARD);
  }
  UpdateWorkOrder(ticket, absl::ZeroDuration());  // no KEY tickets: no margin
}

absl::Status WorkOrderRule::OnCreate(TicketDraft& draft) const {
  UpdateWorkOrder(draft.next, key_margin_);
  return absl::OkStatus();
}

// Recomputed on every change, whatever it touched: it is cheap, and a rule that guessed
// which changes matter could leave a stale rank in the work-queue index.
absl::Status WorkOrderRule::OnChange(const v1::Ticket&, TicketDraft& draft) const {
  UpdateWorkOrder(draft.next, key_margin_);
  return absl::OkStatus();
}

}  // namespace ticketing::domain
