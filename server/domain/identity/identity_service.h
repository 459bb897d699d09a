#ifndef TICKETING_SERVER_DOMAIN_IDENTITY_IDENTITY_SERVICE_H_
#define TICKETING_SERVER_DOMAIN_IDENTITY_IDENTITY_SERVICE_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/common/clock.h"
#include "server/domain/base/principal.h"
#include "storage/ticket_store.h"
#include "ticketing/v1/admin_service.pb.h"
#include "ticketing/v1/config.pb.h"

namespace ticketing::domain {

// Who may call, and with which tokens (docs/security.md, "Users and tokens"): the config
// file's users are the bootstrap set; admins add users, disable and enable them, and issue
// and revoke tokens at run time, stored in the database (storage::IdentityStore) and in
// force at once. A token is known only by its SHA-256; what the API shows of it is its id,
// the first 12 hex digits of that hash. Keeps the UserDirectory the other services consult
// current. Thread-safe: authentication takes a reader lock only, changes are serialised and
// written durably before they take effect.
class IdentityService {
 public:
  struct Options {
    // Makes a new token's secret (NewRandomToken in the server; a fixed sequence in tests).
    std::function<std::string()> new_token;
    int max_users = 10000;
    int max_active_tokens_per_user = 20;
    int max_tokens = 100000;  // stored, expired and revoked ones included
    // A run-time token expired or revoked longer ago than this is deleted at the next start
    // (its audit records stay). Config tokens are kept: a revocation must hold.
    absl::Duration keep_inactive = absl::Hours(24 * 90);
  };

  // Reads the stored users and tokens over the config's `config_users` (validated by
  // ValidateServerConfig) and fills `directory` with every user. A config user keeps the
  // role and profile of the file; a stored disable or revocation of theirs still holds. A
  // stored user who is no longer in the file, tokens of users who are gone and run-time
  // tokens inactive for longer than options.keep_inactive are deleted from the store.
  // `store`, `directory` and `clock` (token expiry) must outlive the service.
  static absl::StatusOr<std::unique_ptr<IdentityService>> Load(
      const std::vector<v1::User>& config_users, storage::IdentityStore& store,
      UserDirectory& directory, const Clock& clock, Options options);

  // The caller presenting a token whose SHA-256 is `token_hash` (32 bytes), or
  // UNAUTHENTICATED: unknown, revoked or expired token, or disabled user.
  absl::StatusOr<Principal> Authenticate(absl::string_view token_hash) const;

  // The AdminService calls (admin_service.proto documents each). INVALID_ARGUMENT naming
  // the field; NOT_FOUND for an unknown user or token; nothing changes on any error.
  absl::StatusOr<v1::UserInfo> CreateUser(const Principal& who, const v1::CreateUserRequest& request);
  absl::StatusOr<v1::UserInfo> SetUserDisabled(const Principal& who,
                                               const v1::SetUserDisabledRequest& request);
  absl::StatusOr<v1::ListUsersResponse> ListUsers(const Principal& who,
                                                  const v1::ListUsersRequest& request) const;
  absl::StatusOr<v1::IssueTokenResponse> IssueToken(const Principal& who,
                                                    const v1::IssueTokenRequest& request);
  absl::StatusOr<v1::ListTokensResponse> ListTokens(const Principal& who,
                                                    const v1::ListTokensRequest& request) const;
  absl::StatusOr<v1::TokenInfo> RevokeToken(const Principal& who,
                                            const v1::RevokeTokenRequest& request);

 private:
  IdentityService(storage::IdentityStore& store, UserDirectory& directory, const Clock& clock,
                  Options options)
      : store_(store), directory_(directory), clock_(clock), options_(std::move(options)) {}

  // `token` with its state ("active", "expired", "revoked") as of `now`.
  static v1::TokenInfo WithState(v1::TokenInfo token, absl::Time now);
  // Writes `changes` durably, then applies them to memory and the directory.
  absl::Status Apply(storage::IdentityStore::Identities changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // OK when `who` may manage the tokens of `user`: an admin, or `user` themselves.
  static absl::Status MayManageTokensOf(const Principal& who, absl::string_view user);

  storage::IdentityStore& store_;
  UserDirectory& directory_;
  const Clock& clock_;
  const Options options_;

  // Changes run one at a time from their checks to their write (write_mu_), and take mu_
  // only to apply, so authentication never waits for a disk write.
  absl::Mutex write_mu_;
  mutable absl::Mutex mu_;
  std::map<std::string, v1::UserInfo> users_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, v1::TokenInfo> tokens_ ABSL_GUARDED_BY(mu_);  // by hash
  std::map<std::string, std::string> hash_of_id_ ABSL_GUARDED_BY(mu_);
  // The hashes of each user's tokens, active or not.
  absl::flat_hash_map<std::string, std::vector<std::string>> hashes_of_user_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_IDENTITY_IDENTITY_SERVICE_H_
