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
#include "storage/ticket_store.h"
#include "ticketing/v1/alert.pb.h"

namespace ticketing::domain {

// Tells alert watchers that alerts were stored. Thread-safe.
class AlertFeed {
 public:
  explicit AlertFeed(int64_t last_sequence) : last_(last_sequence) {}

  // Called after a commit that stored alerts up to `last_sequence`.
  void Published(int64_t last_sequence);
  // Waits until an alert after `sequence` is stored, the feed is closed, or `timeout`
  // passes. Returns true when there is an alert after `sequence`.
  bool WaitBeyond(int64_t sequence, absl::Duration timeout);
  // Ends every watch (server shutdown).
  void Close();
  bool closed() const;

 private:
  mutable absl::Mutex mu_;
  int64_t last_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

// Listing, acknowledging and watching alerts. Thread-safe.
class AlertService {
 public:
  static constexpr int kMaxWatchers = 64;

  // All must outlive the service.
  AlertService(storage::TicketStore& store, AlertFeed& feed, const Clock& clock)
      : store_(store), feed_(feed), clock_(clock) {}

  absl::StatusOr<v1::ListAlertsResponse> List(const Principal& actor,
                                              const v1::ListAlertsRequest& request);
  // Idempotent: acknowledging an acknowledged alert returns it unchanged.
  absl::StatusOr<v1::Alert> Ack(const Principal& actor, const v1::AckAlertRequest& request);

  // Sends every stored alert after request.from_sequence that passes the filter, then live
  // alerts as they are stored, in sequence order, each once. Reads from the store at the
  // watcher's own pace, so a slow watcher holds no buffer and blocks nobody else. Returns
  // when `send` fails (the client left: OK), `cancelled()` turns true (CANCELLED), or the
  // feed closes (UNAVAILABLE naming the sequence to resume from). RESOURCE_EXHAUSTED beyond
  // kMaxWatchers concurrent watches.
  absl::Status Watch(const Principal& actor, const v1::WatchAlertsRequest& request,
                     const std::function<bool(const v1::Alert&)>& send,
                     const std::function<bool()>& cancelled);

 private:
  storage::TicketStore& store_;
  AlertFeed& feed_;
  const Clock& clock_;
  absl::Mutex ack_mu_;  // serialises read-modify-write of alerts
  std::atomic<int> watchers_{0};
};

// True when `alert` passes `filter` for `who`.
bool AlertPasses(const v1::AlertFilter& filter, const Principal& who, const v1::Alert& alert);

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_ALERT_SERVICE_H_
