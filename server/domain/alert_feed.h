#ifndef TICKETING_SERVER_DOMAIN_ALERT_FEED_H_
#define TICKETING_SERVER_DOMAIN_ALERT_FEED_H_

#include <cstdint>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

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

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_ALERT_FEED_H_
