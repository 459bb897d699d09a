#ifndef TICKETING_TESTS_TESTING_FAKE_CLOCK_H_
#define TICKETING_TESTS_TESTING_FAKE_CLOCK_H_

#include "absl/time/time.h"
#include "server/common/clock.h"

namespace ticketing::testing {

// The tests' clock: stands still until a test moves it (Advance / Set). Starts at
// 2023-11-14T22:13:20Z unless told otherwise.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1700000000)) : clock_(start) {}
  absl::Time Now() const override { return clock_.Now(); }
  void Advance(absl::Duration d) { clock_.Advance(d); }
  void Set(absl::Time t) { clock_.Set(t); }
  SettableClock& settable() { return clock_; }

 private:
  SettableClock clock_;
};

}  // namespace ticketing::testing

#endif  // TICKETING_TESTS_TESTING_FAKE_CLOCK_H_
