#ifndef TICKETING_SERVER_API_RATE_LIMITER_H_
#define TICKETING_SERVER_API_RATE_LIMITER_H_

#include <array>
#include <map>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/common/clock.h"
#include "server/domain/base/principal.h"
#include "ticketing/v1/role.pb.h"

namespace ticketing::api {

// The payload of a RESOURCE_EXHAUSTED status that says how long to wait before trying
// again: the delay in whole milliseconds, as decimal text. Each transport tells it its
// way (gRPC: the trailer grpc-retry-pushback-ms).
inline constexpr char kRetryDelayPayload[] = "ticketd/retry-after-ms";
// RESOURCE_EXHAUSTED with `message` and the retry delay `wait` (at least 1 ms).
absl::Status RetryLaterError(absl::string_view message, absl::Duration wait);
// The retry delay a status carries, if any.
std::optional<absl::Duration> RetryDelayOf(const absl::Status& status);

// A token bucket's size: `burst` calls at once, refilled at `per_second`.
struct RateLimit {
  double per_second = 0;
  double burst = 0;
};

// Per-user rate limits (docs/security.md, "Fairness"): every user has a bucket of their
// own, sized by their own limit or else by their role's, so that one user's calls never
// use up another's. Thread-safe; buckets are sharded so that users rarely share a lock.
class RateLimiter {
 public:
  // The defaults of a role without a configured limit: agents and supervisors 50 calls a
  // second in bursts of 100, technicians 20 (40), admins 100 (200).
  static RateLimit DefaultFor(v1::Role role);

  // `by_role` and `by_user` override the defaults. `clock` must outlive the limiter.
  RateLimiter(std::map<v1::Role, RateLimit> by_role, std::map<std::string, RateLimit> by_user,
              const Clock& clock);

  // Takes one call from `who`'s bucket: OK, or RESOURCE_EXHAUSTED with the time until the
  // next call is allowed (RetryLaterError).
  absl::Status Admit(const domain::Principal& who);

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time refilled = absl::InfinitePast();
  };
  struct Shard {
    absl::Mutex mu;
    absl::flat_hash_map<std::string, Bucket> buckets ABSL_GUARDED_BY(mu);
  };
  RateLimit LimitOf(const domain::Principal& who) const;

  const std::map<v1::Role, RateLimit> by_role_;
  const std::map<std::string, RateLimit> by_user_;
  const Clock& clock_;
  std::array<Shard, 16> shards_;
};

}  // namespace ticketing::api

#endif  // TICKETING_SERVER_API_RATE_LIMITER_H_
