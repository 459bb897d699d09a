#include "server/api/admission.h"

#include "absl/strings/match.h"
#include "server/common/sha256.h"

namespace ticketing::api {
namespace {

constexpr absl::string_view kBearer = "Bearer ";

}  // namespace

Admission::Admission(const std::vector<v1::User>& users, const Clock& clock) : clock_(clock) {
  for (const v1::User& user : users) {
    std::optional<std::string> hash =
        user.token().empty() ? Sha256FromHex(user.token_sha256()) : Sha256(user.token());
    // Validated before: a user without a usable token cannot be reached, so is left out.
    if (hash) users_.emplace(*std::move(hash), domain::Principal{user.name(), user.role()});
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
  const auto found = users_.find(Sha256(token));
  if (found == users_.end()) return absl::UnauthenticatedError("unknown token");
  return found->second;
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
