#ifndef TICKETING_SERVER_COMMON_CLOCK_H_
#define TICKETING_SERVER_COMMON_CLOCK_H_

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace ticketing {

// Tells the current time. Inject `const Clock&`: no business rule calls absl::Now() (only
// RealClock, and the log's timestamps and main's start-up timing, which decide nothing),
// so tests move time with a fake instead of sleeping. Implementations must be thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The system's wall clock.
class RealClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

// A clock that stands still until told to move: the server's --test_clock mode (moved by
// AdminService.AdvanceTestClock) and the tests' fake clock. Thread-safe.
class SettableClock final : public Clock {
 public:
  explicit SettableClock(absl::Time start) : now_(start) {}

  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Set(absl::Time t) {
    absl::MutexLock lock(&mu_);
    now_ = t;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ticketing

#endif  // TICKETING_SERVER_COMMON_CLOCK_H_
