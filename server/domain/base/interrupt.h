#ifndef TICKETING_SERVER_DOMAIN_BASE_INTERRUPT_H_
#define TICKETING_SERVER_DOMAIN_BASE_INTERRUPT_H_

#include <functional>
#include <utility>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace ticketing::domain {

// Tells a long call (a scan: a report, the store check, a listing of every account) when
// to give up: its caller's deadline passed or the caller cancelled. The transport builds
// one per call (server/api/calls.h); a scan checks it every few hundred records.
class Interrupt {
 public:
  // Never interrupts (tests, the server's own work).
  static const Interrupt& Never() {
    static const Interrupt* never = new Interrupt(absl::InfiniteFuture(), nullptr);
    return *never;
  }

  // `cancelled` may be null (no way to cancel).
  Interrupt(absl::Time deadline, std::function<bool()> cancelled)
      : deadline_(deadline), cancelled_(std::move(cancelled)) {}

  // CANCELLED when the caller gave up, DEADLINE_EXCEEDED when its deadline passed, else OK.
  absl::Status Check() const {
    if (cancelled_ && cancelled_()) return absl::CancelledError("call cancelled");
    if (deadline_ != absl::InfiniteFuture() && absl::Now() >= deadline_) {
      return absl::DeadlineExceededError("deadline passed");
    }
    return absl::OkStatus();
  }
  absl::Time deadline() const { return deadline_; }

 private:
  absl::Time deadline_;
  std::function<bool()> cancelled_;
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_BASE_INTERRUPT_H_
