#ifndef TICKETING_STORAGE_WORK_ORDER_H_
#define TICKETING_STORAGE_WORK_ORDER_H_

#include "absl/time/time.h"
#include "ticketing/v1/ticket.pb.h"

namespace ticketing::storage {

// Sets the work-order fields of `ticket` from its SLA clocks (docs/accounts.md, "Work
// queues"): next_due_time = the earliest due instant of the clocks that count (RUNNING or
// BREACHED), sla_breached = one of them is BREACHED, queue_rank_time = next_due_time, less
// `key_margin` for a KEY account. All cleared when no clock counts. The work-queue index
// entries (keys.h) are keyed on these fields. Pure.
void UpdateWorkOrder(v1::Ticket& ticket, absl::Duration key_margin);

}  // namespace ticketing::storage

#endif  // TICKETING_STORAGE_WORK_ORDER_H_
