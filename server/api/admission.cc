#include "server/api/admission.h"

#include "absl/strings/match.h"

namespace ticketing::api {
namespace {

constexpr absl::string_view kBearer = "Bearer ";

// The time taken depends on the lengths only, never on where the bytes first differ, so a
// caller cannot find a token byte by byte by timing its guesses. (A length mismatch returns
// early: the length is not the secret.)
bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

Admission::Admission(const std::vector<v1::User>& users, const Clock& clock) : clock_(clock) {
  for (const v1::User& user : users) {
    users_.emplace_back(user.token(), domain::Principal{user.name(), user.role()});
  }
}

absl::StatusOr<domain::Principal> Admission::Authenticate(absl::string_view authorization) const {
  if (authorization.empty()) {
    return absl::UnauthenticatedError(
        "missing credentials: send metadata 'authorization: Bearer <token>'");
  }
  // The scheme name is case-insensitive in HTTP (RFC 7235), so "bearer" is accepted too.
  if (!absl::StartsWithIgnoreCase(authorization, kBearer)) {
    return absl::UnauthenticatedError("authorization metadata must be 'Bearer <token>'");
  }
  const absl::string_view token = authorization.substr(kBearer.size());
  const domain::Principal* found = nullptr;
  // Every configured token is compared, whatever matched: the time taken tells nothing about
  // which user, if any, the token belongs to. Tokens are unique (validated), so at most one
  // matches.
  for (const auto& [known, principal] : users_) {
    if (ConstantTimeEquals(known, token)) found = &principal;  // no early exit
  }
  if (found == nullptr) return absl::UnauthenticatedError("unknown token");
  return *found;
}

absl::StatusOr<domain::Principal> Admission::Admit(const CallInfo& call) const {
  absl::StatusOr<domain::Principal> principal = Authenticate(call.authorization);
  if (!principal.ok()) return principal.status();
  // After authentication, so a stranger is UNAUTHENTICATED even when also late. A caller who
  // stopped waiting is turned away before any work is done for it.
  if (call.deadline < clock_.Now()) return absl::DeadlineExceededError("deadline passed before start");
  if (call.cancelled && call.cancelled()) return absl::CancelledError("call cancelled");
  return principal;
}

}  // namespace ticketing::api
