#include "server/domain/identity/identity_service.h"

#include <algorithm>
#include <optional>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "proto/base/proto_time.h"
#include "proto/base/status_macros.h"
#include "server/common/sha256.h"
#include "server/domain/base/authz.h"
#include "server/domain/base/validation.h"

namespace ticketing::domain {
namespace {

constexpr size_t kMaxLabelChars = 200;
// A token lives at most this long: long enough for an integration's yearly rotation with
// room to spare, short enough that a forgotten one ends.
constexpr absl::Duration kMaxTokenLifetime = absl::Hours(24 * 366 * 3);
constexpr size_t kTokenIdChars = 12;

// The id of the token whose SHA-256 is `hash`.
std::string TokenId(absl::string_view hash) {
  return absl::BytesToHexString(hash).substr(0, kTokenIdChars);
}

bool Expired(const v1::TokenInfo& token, absl::Time now) {
  return token.has_expire_time() && FromTimestamp(token.expire_time()) <= now;
}

// True when `token` was issued at run time and stopped working before `cutoff`.
bool InactiveSince(const v1::TokenInfo& token, absl::Time cutoff) {
  if (token.from_config()) return false;
  if (token.has_revoke_time()) return FromTimestamp(token.revoke_time()) < cutoff;
  return token.has_expire_time() && FromTimestamp(token.expire_time()) < cutoff;
}

// The users the audit log names that are not users: no one may take these names.
bool Reserved(absl::string_view name) { return name == "anonymous" || name == "system"; }

}  // namespace

absl::StatusOr<std::unique_ptr<IdentityService>> IdentityService::Load(
    const std::vector<v1::User>& config_users, storage::IdentityStore& store,
    UserDirectory& directory, const Clock& clock, Options options) {
  if (!options.new_token) options.new_token = NewRandomToken;
  std::unique_ptr<IdentityService> service(
      new IdentityService(store, directory, clock, std::move(options)));
  TKT_ASSIGN_OR_RETURN(storage::IdentityStore::Identities stored, store.ReadIdentities());
  storage::IdentityStore::Identities purge;  // stored records no longer wanted

  absl::MutexLock lock(&service->mu_);
  auto& users = service->users_;
  auto& tokens = service->tokens_;
  for (const v1::User& user : config_users) {
    v1::UserInfo& info = users[user.name()];
    info.set_name(user.name());
    info.set_role(user.role());
    info.set_from_config(true);
    info.set_display_name(user.display_name());
    const std::optional<std::string> hash =
        user.token().empty() ? Sha256FromHex(user.token_sha256()) : Sha256(user.token());
    if (!hash) continue;  // validated before: cannot happen
    v1::TokenInfo& token = tokens[*hash];
    token.set_id(TokenId(*hash));
    token.set_user(user.name());
    token.set_from_config(true);
  }
  for (v1::UserInfo& user : stored.users) {
    auto in_config = users.find(user.name());
    if (in_config != users.end()) {
      // The file decides who a config user is; the database, whether they are disabled.
      v1::UserInfo& info = in_config->second;
      info.set_disabled(user.disabled());
      *info.mutable_update_time() = user.update_time();
      info.set_updated_by(user.updated_by());
      info.set_reason(user.reason());
    } else if (!user.from_config()) {
      users[user.name()] = std::move(user);
    } else {
      purge.deleted_users.push_back(user.name());  // a config user since taken out of the file
    }
  }
  const absl::Time cutoff = clock.Now() - service->options_.keep_inactive;
  for (auto& [hash, token] : stored.tokens) {
    const bool user_gone = users.count(token.user()) == 0;
    // A stored config token is a revocation of a token still in the file: it holds.
    const bool out_of_file = token.from_config() && tokens.count(hash) == 0;
    if (user_gone || out_of_file || InactiveSince(token, cutoff)) {
      purge.deleted_tokens.push_back(hash);
      continue;
    }
    tokens[hash] = std::move(token);
  }
  if (!purge.deleted_users.empty() || !purge.deleted_tokens.empty()) {
    TKT_RETURN_IF_ERROR(store.WriteIdentities(purge));
  }
  for (const auto& [hash, token] : tokens) {
    service->hash_of_id_[token.id()] = hash;
    service->hashes_of_user_[token.user()].push_back(hash);
  }
  for (const auto& [name, user] : users) directory.Put({name, user.role()}, user.disabled());
  return service;
}

absl::StatusOr<Principal> IdentityService::Authenticate(absl::string_view token_hash) const {
  absl::ReaderMutexLock lock(&mu_);
  const auto token = tokens_.find(token_hash);
  if (token == tokens_.end()) return absl::UnauthenticatedError("unknown token");
  if (token->second.has_revoke_time()) return absl::UnauthenticatedError("token revoked");
  if (Expired(token->second, clock_.Now())) return absl::UnauthenticatedError("token expired");
  const auto user = users_.find(token->second.user());
  if (user == users_.end()) return absl::UnauthenticatedError("unknown token");
  if (user->second.disabled()) return absl::UnauthenticatedError("user disabled");
  return Principal{user->first, user->second.role(), token->second.read_only()};
}

v1::TokenInfo IdentityService::WithState(v1::TokenInfo token, absl::Time now) {
  token.set_state(token.has_revoke_time() ? "revoked" : Expired(token, now) ? "expired" : "active");
  return token;
}

absl::Status IdentityService::MayManageTokensOf(const Principal& who, absl::string_view user) {
  if (who.name == user) return absl::OkStatus();
  return Authorize(who, Action::kManageUsers, nullptr);
}

absl::Status IdentityService::Apply(storage::IdentityStore::Identities changes) {
  TKT_RETURN_IF_ERROR(store_.WriteIdentities(changes));
  absl::MutexLock lock(&mu_);
  for (v1::UserInfo& user : changes.users) {
    directory_.Put({user.name(), user.role()}, user.disabled());
    users_[user.name()] = std::move(user);
  }
  for (auto& [hash, token] : changes.tokens) {
    if (hash_of_id_.emplace(token.id(), hash).second) hashes_of_user_[token.user()].push_back(hash);
    tokens_[hash] = std::move(token);
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::UserInfo> IdentityService::CreateUser(const Principal& who,
                                                         const v1::CreateUserRequest& request) {
  TKT_RETURN_IF_ERROR(Authorize(who, Action::kManageUsers, nullptr));
  TKT_RETURN_IF_ERROR(CheckIdentifier("name", request.name(), true));
  if (Reserved(request.name())) {
    return absl::InvalidArgumentError(
        absl::StrCat("name: '", request.name(), "' is reserved (the audit log's callers without a user)"));
  }
  if (request.role() == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(request.role())) {
    return absl::InvalidArgumentError("role: must be agent, technician, supervisor or admin");
  }
  TKT_RETURN_IF_ERROR(CheckLine("display_name", request.display_name(), kMaxLabelChars, false));
  absl::MutexLock write(&write_mu_);
  {
    absl::ReaderMutexLock lock(&mu_);
    if (users_.count(request.name()) != 0) {
      return absl::AlreadyExistsError(absl::StrCat("name: user ", request.name(), " exists"));
    }
    if (static_cast<int>(users_.size()) >= options_.max_users) {
      return absl::ResourceExhaustedError(
          absl::StrCat("name: the server holds at most ", options_.max_users, " users"));
    }
  }
  v1::UserInfo user;
  user.set_name(request.name());
  user.set_role(request.role());
  user.set_display_name(request.display_name());
  ToTimestamp(clock_.Now(), user.mutable_create_time());
  user.set_created_by(who.name);
  storage::IdentityStore::Identities changes;
  changes.users.push_back(user);
  TKT_RETURN_IF_ERROR(Apply(std::move(changes)));
  return user;
}

absl::StatusOr<v1::UserInfo> IdentityService::SetUserDisabled(
    const Principal& who, const v1::SetUserDisabledRequest& request) {
  TKT_RETURN_IF_ERROR(Authorize(who, Action::kManageUsers, nullptr));
  TKT_RETURN_IF_ERROR(CheckIdentifier("name", request.name(), true));
  TKT_RETURN_IF_ERROR(CheckLine("reason", request.reason(), kMaxReasonChars, true));
  absl::MutexLock write(&write_mu_);
  v1::UserInfo user;
  {
    absl::ReaderMutexLock lock(&mu_);
    const auto found = users_.find(request.name());
    if (found == users_.end()) {
      return absl::NotFoundError(absl::StrCat("name: no user ", request.name()));
    }
    user = found->second;
    if (user.disabled() == request.disabled()) return user;  // already so: nothing to record
    if (request.disabled() && user.role() == v1::ROLE_ADMIN) {
      const bool another_admin =
          std::any_of(users_.begin(), users_.end(), [&](const auto& entry) {
            return entry.first != user.name() && entry.second.role() == v1::ROLE_ADMIN &&
                   !entry.second.disabled();
          });
      if (!another_admin) {
        return absl::FailedPreconditionError(
            absl::StrCat("name: ", user.name(), " is the last enabled admin; nobody could "
                         "manage users after"));
      }
    }
  }
  user.set_disabled(request.disabled());
  ToTimestamp(clock_.Now(), user.mutable_update_time());
  user.set_updated_by(who.name);
  user.set_reason(request.reason());
  storage::IdentityStore::Identities changes;
  changes.users.push_back(user);
  TKT_RETURN_IF_ERROR(Apply(std::move(changes)));
  return user;
}

absl::StatusOr<v1::ListUsersResponse> IdentityService::ListUsers(
    const Principal& who, const v1::ListUsersRequest&) const {
  TKT_RETURN_IF_ERROR(Authorize(who, Action::kManageUsers, nullptr));
  v1::ListUsersResponse response;
  absl::ReaderMutexLock lock(&mu_);
  for (const auto& [name, user] : users_) *response.add_users() = user;
  return response;
}

absl::StatusOr<v1::IssueTokenResponse> IdentityService::IssueToken(
    const Principal& who, const v1::IssueTokenRequest& request) {
  TKT_RETURN_IF_ERROR(CheckIdentifier("user", request.user(), true));
  TKT_RETURN_IF_ERROR(MayManageTokensOf(who, request.user()));
  TKT_RETURN_IF_ERROR(CheckLine("description", request.description(), kMaxLabelChars, false));
  const absl::Time now = clock_.Now();
  std::optional<absl::Time> expire;
  if (request.has_expire_time() && request.has_ttl()) {
    return absl::InvalidArgumentError("ttl: give expire_time or ttl, not both");
  }
  if (request.has_ttl()) {
    // In range: api::CheckRequest bounds every Duration and Timestamp of a request.
    const absl::Duration ttl = FromDurationProto(request.ttl());
    if (ttl <= absl::ZeroDuration()) return absl::InvalidArgumentError("ttl: must be more than 0");
    if (ttl > kMaxTokenLifetime) return absl::InvalidArgumentError("ttl: must be at most 3 years");
    expire = now + ttl;
  }
  if (request.has_expire_time()) {
    expire = FromTimestamp(request.expire_time());
    if (*expire <= now) return absl::InvalidArgumentError("expire_time: must be in the future");
    if (*expire > now + kMaxTokenLifetime) {
      return absl::InvalidArgumentError("expire_time: must be at most 3 years ahead");
    }
  }
  absl::MutexLock write(&write_mu_);
  {
    absl::ReaderMutexLock lock(&mu_);
    const auto user = users_.find(request.user());
    if (user == users_.end()) return absl::NotFoundError(absl::StrCat("user: no user ", request.user()));
    if (user->second.disabled()) {
      return absl::FailedPreconditionError(
          absl::StrCat("user: ", request.user(), " is disabled; enable them first"));
    }
    int active = 0;
    if (const auto own = hashes_of_user_.find(request.user()); own != hashes_of_user_.end()) {
      for (const std::string& hash : own->second) {
        if (WithState(tokens_.at(hash), now).state() == "active") ++active;
      }
    }
    if (active >= options_.max_active_tokens_per_user) {
      return absl::FailedPreconditionError(
          absl::StrCat("user: ", request.user(), " has ", active,
                       " active tokens, the most allowed; revoke one first"));
    }
    if (static_cast<int>(tokens_.size()) >= options_.max_tokens) {
      return absl::ResourceExhaustedError(
          absl::StrCat("the server holds at most ", options_.max_tokens, " tokens"));
    }
  }
  // 256 random bits never repeat in practice; an id (48 bits) might, and must not.
  std::string secret;
  std::string hash;
  for (int attempt = 0;; ++attempt) {
    secret = options_.new_token();
    hash = Sha256(secret);
    absl::ReaderMutexLock lock(&mu_);
    if (tokens_.count(hash) == 0 && hash_of_id_.count(TokenId(hash)) == 0) break;
    if (attempt == 10) return absl::InternalError("no fresh token could be made");
  }
  v1::TokenInfo token;
  token.set_id(TokenId(hash));
  token.set_user(request.user());
  token.set_read_only(request.read_only());
  token.set_description(request.description());
  ToTimestamp(now, token.mutable_create_time());
  token.set_created_by(who.name);
  if (expire) ToTimestamp(*expire, token.mutable_expire_time());
  storage::IdentityStore::Identities changes;
  changes.tokens.emplace_back(hash, token);
  TKT_RETURN_IF_ERROR(Apply(std::move(changes)));
  v1::IssueTokenResponse response;
  response.set_token(std::move(secret));
  *response.mutable_info() = WithState(std::move(token), now);
  return response;
}

absl::StatusOr<v1::ListTokensResponse> IdentityService::ListTokens(
    const Principal& who, const v1::ListTokensRequest& request) const {
  TKT_RETURN_IF_ERROR(CheckIdentifier("user", request.user(), true));
  TKT_RETURN_IF_ERROR(MayManageTokensOf(who, request.user()));
  const absl::Time now = clock_.Now();
  std::vector<v1::TokenInfo> found;
  {
    absl::ReaderMutexLock lock(&mu_);
    if (users_.count(request.user()) == 0) {
      return absl::NotFoundError(absl::StrCat("user: no user ", request.user()));
    }
    const auto own = hashes_of_user_.find(request.user());
    for (const std::string& hash : own == hashes_of_user_.end() ? std::vector<std::string>()
                                                                : own->second) {
      v1::TokenInfo shown = WithState(tokens_.at(hash), now);
      if (request.include_inactive() || shown.state() == "active") found.push_back(std::move(shown));
    }
  }
  // Config tokens first (they have no creation time), then oldest first.
  std::sort(found.begin(), found.end(), [](const v1::TokenInfo& a, const v1::TokenInfo& b) {
    const auto key = [](const v1::TokenInfo& t) {
      return std::make_tuple(!t.from_config(), t.create_time().seconds(), t.create_time().nanos(), t.id());
    };
    return key(a) < key(b);
  });
  v1::ListTokensResponse response;
  for (v1::TokenInfo& token : found) *response.add_tokens() = std::move(token);
  return response;
}

absl::StatusOr<v1::TokenInfo> IdentityService::RevokeToken(const Principal& who,
                                                           const v1::RevokeTokenRequest& request) {
  const std::string& id = request.id();
  if (id.size() != kTokenIdChars ||
      !std::all_of(id.begin(), id.end(), [](char c) { return absl::ascii_isxdigit(c); })) {
    return absl::InvalidArgumentError("id: must be a token id, 12 hex digits (tktctl tokens list)");
  }
  const std::string lower = absl::AsciiStrToLower(id);
  absl::MutexLock write(&write_mu_);
  std::string hash;
  v1::TokenInfo token;
  {
    absl::ReaderMutexLock lock(&mu_);
    const auto found = hash_of_id_.find(lower);
    if (found == hash_of_id_.end()) return absl::NotFoundError(absl::StrCat("id: no token ", id));
    hash = found->second;
    token = tokens_.at(hash);
  }
  TKT_RETURN_IF_ERROR(MayManageTokensOf(who, token.user()));
  const absl::Time now = clock_.Now();
  if (token.has_revoke_time()) return WithState(std::move(token), now);  // already revoked
  ToTimestamp(now, token.mutable_revoke_time());
  token.set_revoked_by(who.name);
  storage::IdentityStore::Identities changes;
  changes.tokens.emplace_back(hash, token);
  TKT_RETURN_IF_ERROR(Apply(std::move(changes)));
  return WithState(std::move(token), now);
}

}  // namespace ticketing::domain
