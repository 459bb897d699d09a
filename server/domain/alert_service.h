#ifndef TICKETING_SERVER_DOMAIN_ALERT_SERVICE_H_
#define TICKETING_SERVER_DOMAIN_ALERT_SERVICE_H_

#include <atomic>
#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/common/clock.h"
#include "server/domain/principal.h"
#include "server/exec/commit_publisher.h"
#include "server/domain/ticket_service.h"
#include "storage/ticket_store.h"
#include "ticketing/v1/alert.pb.h"

namespace ticketing::domain {

// Listing, acknowledging and watching alerts. Thread-safe.
class AlertService {
 public:
  static constexpr int kMaxWatchers = 64;

  // All must outlive the service.
  AlertService(storage::TicketStore& store, exec::CommitPublisher& publisher,
               TicketService& tickets)
      : store_(store), publisher_(publisher), tickets_(tickets) {}

  absl::StatusOr<v1::ListAlertsResponse> List(const Principal& actor,
                                              const v1::ListAlertsRequest& request);
  // See TicketService::AckAlert.
  absl::StatusOr<v1::Alert> Ack(const Principal& actor, const v1::AckAlertRequest& request) {
    return tickets_.AckAlert(actor, request);
  }

  // Sends every stored alert after request.from_sequence that passes the filter, then live
  // alerts as they are stored, in sequence order, each once. Reads from the store at the
  // watcher's own pace, so a slow watcher holds no buffer and blocks nobody else. Returns
  // when `send` fails (the client left: OK), `cancelled()` turns true (CANCELLED), or the
  // publisher closes (UNAVAILABLE naming the sequence to resume from). RESOURCE_EXHAUSTED beyond
  // kMaxWatchers concurrent watches.
  absl::Status Watch(const Principal& actor, const v1::WatchAlertsRequest& request,
                     const std::function<bool(const v1::Alert&)>& send,
                     const std::function<bool()>& cancelled);

 private:
  // The loop of Watch, once admitted.
  absl::Status Stream(const Principal& actor, const v1::WatchAlertsRequest& request,
                      const std::function<bool(const v1::Alert&)>& send,
                      const std::function<bool()>& cancelled);

  storage::TicketStore& store_;
  exec::CommitPublisher& publisher_;
  TicketService& tickets_;
  std::atomic<int> watchers_{0};
};

// True when `who` is a recipient of `alert` or its ticket's assignee.
bool IsAlertRecipient(const Principal& who, const v1::Alert& alert);

// True when `alert` passes `filter` for `who`.
bool AlertPasses(const v1::AlertFilter& filter, const Principal& who, const v1::Alert& alert);

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_ALERT_SERVICE_H_
