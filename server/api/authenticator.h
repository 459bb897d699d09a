#ifndef TICKETING_SERVER_API_AUTHENTICATOR_H_
#define TICKETING_SERVER_API_AUTHENTICATOR_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "server/domain/principal.h"
#include "ticketing/v1/config.pb.h"

namespace ticketing::api {

// Maps the bearer token of a call ("authorization: Bearer <token>" metadata) to the
// configured user. Immutable after construction; thread-safe.
class Authenticator {
 public:
  // `users` must already be validated (see LoadServerConfig): unique names and tokens.
  explicit Authenticator(const std::vector<v1::User>& users);

  // The caller, or UNAUTHENTICATED when the token is missing, malformed or unknown.
  absl::StatusOr<domain::Principal> Authenticate(const grpc::ServerContextBase& context) const;
  // The caller of a call about to run: Authenticate, then DEADLINE_EXCEEDED when the call's
  // deadline has passed and CANCELLED when the client gave up.
  absl::StatusOr<domain::Principal> Admit(grpc::ServerContextBase& context) const;

 private:
  // Token -> user. Tokens are compared in constant time so timing tells nothing.
  std::vector<std::pair<std::string, domain::Principal>> users_;
};

}  // namespace ticketing::api

#endif  // TICKETING_SERVER_API_AUTHENTICATOR_H_
