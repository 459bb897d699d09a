#ifndef TICKETING_SERVER_API_ADMISSION_H_
#define TICKETING_SERVER_API_ADMISSION_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/common/clock.h"
#include "server/domain/base/principal.h"
#include "ticketing/v1/config.pb.h"

namespace ticketing::api {

// What a transport (gRPC, HTTP) knows of one call, in its own terms translated.
struct CallInfo {
  // The value of the "authorization" header or metadata ("Bearer <token>"); empty if none.
  std::string authorization;
  // When the caller stops waiting; InfiniteFuture when it set no deadline.
  absl::Time deadline = absl::InfiniteFuture();
  // True once the caller gave up. May be null.
  std::function<bool()> cancelled;
  // For the audit log: the RPC ("ticketing.v1.AdminService/ReplaceSlaConfig") and the
  // caller's address as the transport names it ("ipv4:10.0.0.7:51234").
  std::string method;
  std::string peer;
};

// Who may call at all: maps the bearer token of a call to the configured user, and turns
// away calls whose caller no longer waits. The same for every transport. Immutable after
// construction; thread-safe.
class Admission {
 public:
  // `users` must already be validated (see ValidateServerConfig): unique names and tokens,
  // each given as token_sha256 (or token, hashed here). Only the hashes are kept. Deadlines
  // are instants of `clock` (the real clock in the server), which must outlive the admission.
  Admission(const std::vector<v1::User>& users, const Clock& clock);
  const Clock& clock() const { return clock_; }

  // The caller, or UNAUTHENTICATED when the token is missing, malformed or unknown.
  absl::StatusOr<domain::Principal> Authenticate(absl::string_view authorization) const;
  // The caller of a call about to run: Authenticate, then DEADLINE_EXCEEDED when the call's
  // deadline has passed and CANCELLED when the caller gave up.
  absl::StatusOr<domain::Principal> Admit(const CallInfo& call) const;

 private:
  // SHA-256 of the token (32 bytes) -> user. Looking a presented token up by its hash keeps
  // no token in memory, and timing can tell at most something of a hash, from which no
  // token can be found.
  absl::flat_hash_map<std::string, domain::Principal> users_;
  const Clock& clock_;
};

}  // namespace ticketing::api

#endif  // TICKETING_SERVER_API_ADMISSION_H_
