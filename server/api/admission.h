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
#include "server/domain/identity/identity_service.h"
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

// Who may call at all: maps the bearer token of a call to its user (IdentityService, which
// knows tokens only by their SHA-256), and turns away calls whose caller no longer waits.
// The same for every transport. Thread-safe.
class Admission {
 public:
  // Deadlines are instants of `clock` (the real clock in the server). Both must outlive the
  // admission.
  Admission(const domain::IdentityService& identities, const Clock& clock)
      : identities_(identities), clock_(clock) {}
  const Clock& clock() const { return clock_; }

  // The caller, or UNAUTHENTICATED when the token is missing, malformed, unknown, revoked
  // or expired, or its user is disabled.
  absl::StatusOr<domain::Principal> Authenticate(absl::string_view authorization) const;
  // The caller of a call about to run: Authenticate, then DEADLINE_EXCEEDED when the call's
  // deadline has passed and CANCELLED when the caller gave up.
  absl::StatusOr<domain::Principal> Admit(const CallInfo& call) const;

 private:
  const domain::IdentityService& identities_;
  const Clock& clock_;
};

}  // namespace ticketing::api

#endif  // TICKETING_SERVER_API_ADMISSION_H_
