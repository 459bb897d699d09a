#include "server/api/authenticator.h"

#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace ticketing::api {
namespace {

constexpr absl::string_view kBearer = "Bearer ";

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

Authenticator::Authenticator(const std::vector<v1::User>& users) {
  for (const v1::User& user : users) {
    users_.emplace_back(user.token(), domain::Principal{user.name(), user.role()});
  }
}

absl::StatusOr<domain::Principal> Authenticator::Authenticate(
    const grpc::ServerContextBase& context) const {
  const auto& metadata = context.client_metadata();
  const auto header = metadata.find("authorization");
  if (header == metadata.end()) {
    return absl::UnauthenticatedError(
        "missing credentials: send metadata 'authorization: Bearer <token>'");
  }
  const absl::string_view value(header->second.data(), header->second.size());
  if (!absl::StartsWithIgnoreCase(value, kBearer)) {
    return absl::UnauthenticatedError("authorization metadata must be 'Bearer <token>'");
  }
  const absl::string_view token = value.substr(kBearer.size());
  const domain::Principal* found = nullptr;
  for (const auto& [known, principal] : users_) {
    if (ConstantTimeEquals(known, token)) found = &principal;  // no early exit
  }
  if (found == nullptr) return absl::UnauthenticatedError("unknown token");
  return *found;
}

absl::StatusOr<domain::Principal> Authenticator::Admit(grpc::ServerContextBase& context) const {
  absl::StatusOr<domain::Principal> principal = Authenticate(context);
  if (!principal.ok()) return principal.status();
  if (context.deadline() < std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError("deadline passed before start");
  }
  if (context.IsCancelled()) return absl::CancelledError("call cancelled");
  return principal;
}

}  // namespace ticketing::api
