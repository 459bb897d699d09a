#ifndef TICKETING_SERVER_COMMON_CLOCK_H_
#define TICKETING_SERVER_COMMON_CLOCK_H_

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace ticketing {

// Tells the current time. Inject `const Clock&`; only RealClock calls absl::Now(), so tests
// move time with a fake instead of sleeping. Implementations must be thread-safe.
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

}  // namespace ticketing

#endif  // TICKETING_SERVER_COMMON_CLOCK_H_
