#include "server/api/admission.h"

#include "absl/strings/match.h"
#include "server/common/sha256.h"

namespace ticketing::api {
namespace {

constexpr absl::string_view kBearer = "Bearer ";

}  // namespace

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
  // Looked up by its hash: no token is kept in memory, and timing can tell at most
  // something of a hash, from which no token can be found.
  return identities_.Authenticate(Sha256(token));
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
