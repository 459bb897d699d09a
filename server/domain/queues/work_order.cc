#include "server/domain/queues/work_order.h"

#include <optional>

#include "proto/base/proto_time.h"

namespace ticketing::domain {

void UpdateWorkOrder(v1::Ticket& ticket, absl::Duration key_margin) {
  std::optional<absl::Time> next;
  bool breached = false;
  for (const v1::SlaClock& c : ticket.sla_clocks()) {
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
  ToTimestamp(*next, ticket.mutable_next_due_time());
  const absl::Duration margin =
      ticket.service_tier() == v1::SERVICE_TIER_KEY ? key_margin : absl::ZeroDuration();
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

absl::Status WorkOrderRule::OnChange(const v1::Ticket&, TicketDraft& draft) const {
  UpdateWorkOrder(draft.next, key_margin_);
  return absl::OkStatus();
}

}  // namespace ticketing::domain
