#ifndef TICKETING_SERVER_DOMAIN_WORK_QUEUE_H_
#define TICKETING_SERVER_DOMAIN_WORK_QUEUE_H_

// The work order of a ticket is derived in storage (it keys the work-queue index); the
// domain sets it after every change. See storage/work_order.h.
#include "storage/work_order.h"

namespace ticketing::domain {

using storage::UpdateWorkOrder;

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_WORK_QUEUE_H_
