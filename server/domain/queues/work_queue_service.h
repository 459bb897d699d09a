#ifndef TICKETING_SERVER_DOMAIN_QUEUES_WORK_QUEUE_SERVICE_H_
#define TICKETING_SERVER_DOMAIN_QUEUES_WORK_QUEUE_SERVICE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/common/clock.h"
#include "server/domain/base/principal.h"
#include "server/domain/sla/sla_clocks.h"
#include "storage/ticket_store.h"
#include "ticketing/storage/ticket_header.pb.h"
#include "ticketing/v1/ticket_service.pb.h"

namespace ticketing::domain {

// A page of a work queue, the tickets as the store holds them (a transport answers with
// the bytes; server/api/wire.h).
struct WorkPage {
  struct Item {
    std::string ticket;  // a serialized v1::Ticket
    // Business time until its next due instant on its policy's calendar (negative when
    // overdue); nullopt when no clock counts.
    std::optional<absl::Duration> business_time_left;
  };
  std::vector<Item> items;      // in working order (queues/work_order.h)
  std::string next_page_token;  // empty on the last page
};

// The open tickets of one assignee or team queue in working order: breached first, then
// the nearest due instant, key accounts ahead within their margin (docs/accounts.md, "Work
// queues"). Thread-safe.
class WorkQueueService {
 public:
  // All must outlive the service.
  WorkQueueService(storage::TicketStore& store, const Clock& clock, const SlaClocks& clocks)
      : store_(store), clock_(clock), clocks_(clocks) {}

  absl::StatusOr<v1::ListWorkQueueResponse> ListWorkQueue(const Principal& actor,
                                                          const v1::ListWorkQueueRequest& request);
  // The same page, with the tickets as stored.
  absl::StatusOr<WorkPage> ListWorkPage(const Principal& actor,
                                        const v1::ListWorkQueueRequest& request);

 private:
  std::optional<absl::Duration> BusinessTimeLeft(const storage::TicketHeader& ticket,
                                                 absl::Time now) const;

  storage::TicketStore& store_;
  const Clock& clock_;
  const SlaClocks& clocks_;
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_QUEUES_WORK_QUEUE_SERVICE_H_
