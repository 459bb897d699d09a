#ifndef TICKETING_SERVER_DOMAIN_QUEUES_WORK_ORDER_H_
#define TICKETING_SERVER_DOMAIN_QUEUES_WORK_ORDER_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/domain/tickets/ticket_rules.h"
#include "ticketing/v1/ticket.pb.h"

namespace ticketing::domain {

// Sets the work-order fields of `ticket` from its SLA clocks (docs/accounts.md, "Work
// queues"): next_due_time = the earliest due instant of the clocks that count (RUNNING or
// BREACHED), sla_breached = one of them is BREACHED, queue_rank_time = next_due_time, less
// `key_margin` for a KEY account. All cleared when no clock counts. The work-queue index
// entries (storage/keys.h) are keyed on these fields: storage encodes the order, this
// decides it. Pure.
void UpdateWorkOrder(v1::Ticket& ticket, absl::Duration key_margin);

// What schema version 2 added to a version 1 ticket, which had no tier (every account
// counted as STANDARD) and no work order: the store's upgrade of such a database on open
// (storage::StoreOptions::upgrade_v1_ticket).
void UpgradeVersion1Ticket(v1::Ticket& ticket);

// Keeps every ticket's work order current: the last rule of every change, once the clocks
// have moved.
class WorkOrderRule final : public TicketRule {
 public:
  explicit WorkOrderRule(absl::Duration key_margin) : key_margin_(key_margin) {}
  absl::Status OnCreate(TicketDraft& draft) const override;
  absl::Status OnChange(const v1::Ticket& before, TicketDraft& draft) const override;

 private:
  const absl::Duration key_margin_;
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_QUEUES_WORK_ORDER_H_
