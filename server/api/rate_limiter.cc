#include "server/api/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/hash/hash.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ticketing::api {

absl::Status RetryLaterError(absl::string_view message, absl::Duration wait) {
  const int64_t ms = std::max<int64_t>(1, absl::ToInt64Milliseconds(absl::Ceil(wait, absl::Milliseconds(1))));
  absl::Status status =
      absl::ResourceExhaustedError(absl::StrCat(message, "; retry after ", ms, " ms"));
  status.SetPayload(kRetryDelayPayload, absl::Cord(absl::StrCat(ms)));
  return status;
}

std::optional<absl::Duration> RetryDelayOf(const absl::Status& status) {
  const auto payload = status.GetPayload(kRetryDelayPayload);
  int64_t ms = 0;
  if (!payload || !absl::SimpleAtoi(std::string(*payload), &ms)) return std::nullopt;
  return absl::Milliseconds(ms);
}

RateLimit RateLimiter::DefaultFor(v1::Role role) {
  switch (role) {
    case v1::ROLE_TECHNICIAN:
      return {20, 40};
    case v1::ROLE_ADMIN:
      return {100, 200};
    default:
      return {50, 100};
  }
}

RateLimiter::RateLimiter(std::map<v1::Role, RateLimit> by_role,
                         std::map<std::string, RateLimit> by_user, const Clock& clock)
    : by_role_(std::move(by_role)), by_user_(std::move(by_user)), clock_(clock) {}

RateLimit RateLimiter::LimitOf(const domain::Principal& who) const {
  if (auto user = by_user_.find(who.name); user != by_user_.end()) return user->second;
  if (auto role = by_role_.find(who.role); role != by_role_.end()) return role->second;
  return DefaultFor(who.role);
}

absl::Status RateLimiter::Admit(const domain::Principal& who) {
  const RateLimit limit = LimitOf(who);
  const absl::Time now = clock_.Now();
  Shard& shard = shards_[absl::Hash<std::string>()(who.name) % shards_.size()];
  absl::MutexLock lock(&shard.mu);
  Bucket& bucket = shard.buckets[who.name];
  // A new bucket starts full; the clock may step back (a test clock never does, the real
  // one can be set), which must not drain it.
  const double elapsed = bucket.refilled == absl::InfinitePast()
                             ? limit.burst / limit.per_second
                             : std::max(0.0, absl::ToDoubleSeconds(now - bucket.refilled));
  bucket.tokens = std::min(limit.burst, bucket.tokens + elapsed * limit.per_second);
  bucket.refilled = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return absl::OkStatus();
  }
  const absl::Duration wait = absl::Seconds((1 - bucket.tokens) / limit.per_second);
  return RetryLaterError(
      absl::StrCat("rate limit of ", who.name, ": ", limit.per_second, " calls a second (bursts of ",
                   limit.burst, ")"),
      wait);
}

}  // namespace ticketing::api
