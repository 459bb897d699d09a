#ifndef TICKETING_SERVER_DOMAIN_BASE_INTERRUPT_H_
#define TICKETING_SERVER_DOMAIN_BASE_INTERRUPT_H_

#include <functional>
#include <utility>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/common/clock.h"

namespace ticketing::domain {

// Tells a long call (a scan: a report, the store check, a listing of every account) when
// to give up: its caller's deadline passed or the caller cancelled. The transport builds
// one per call (server/api/calls.h); a scan checks it every few hundred records.
class Interrupt {
 public:
  // Never interrupts (tests, the server's own work).
  static const Interrupt& Never() {
    static const RealClock* clock = new RealClock();
    static const Interrupt* never = new Interrupt(absl::InfiniteFuture(), nullptr, *clock);
    return *never;
  }

  // `cancelled` may be null (no way to cancel). Deadlines are instants of `clock`, which
  // must outlive the interrupt: the real clock in the server (even with --test_clock, a
  // caller's deadline is real time), a fake one in tests.
  Interrupt(absl::Time deadline, std::function<bool()> cancelled, const Clock& clock)
      : deadline_(deadline), cancelled_(std::move(cancelled)), clock_(&clock) {}

  // CANCELLED when the caller gave up, DEADLINE_EXCEEDED when its deadline passed, else OK.
  absl::Status Check() const {
    if (cancelled_ && cancelled_()) return absl::CancelledError("call cancelled");
    if (DeadlinePassed()) return absl::DeadlineExceededError("deadline passed");
    return absl::OkStatus();
  }
  bool DeadlinePassed() const {
    return deadline_ != absl::InfiniteFuture() && clock_->Now() >= deadline_;
  }
  absl::Time deadline() const { return deadline_; }

 private:
  absl::Time deadline_;
  std::function<bool()> cancelled_;
  const Clock* clock_;
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_BASE_INTERRUPT_H_
