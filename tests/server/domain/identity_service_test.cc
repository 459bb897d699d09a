// Users and tokens managed at run time (server/domain/identity): who authenticates with
// which token, what is kept across a reload, who may change what, and that a refused or
// failed change changes nothing. An in-memory store and a fake clock; nothing sleeps.
#include "server/domain/identity/identity_service.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/base/proto_time.h"
#include "server/common/sha256.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/memory_identity_store.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::domain {
namespace {

using ::testing::_;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::ticketing::testing::IsOk;
using ::ticketing::testing::StatusIs;

const Principal kRoot{"root", v1::ROLE_ADMIN};
const Principal kAlice{"alice", v1::ROLE_AGENT};

v1::User ConfigUser(const std::string& name, v1::Role role) {
  v1::User user;
  user.set_name(name);
  user.set_role(role);
  user.set_token_sha256(Sha256Hex(name + "-token-0123456789"));
  return user;
}

class IdentityServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { Reload(); }

  // A new service over the same store and config, as after a restart.
  void Reload() {
    directory_ = std::make_unique<UserDirectory>();
    IdentityService::Options options;
    options.new_token = [this] { return absl::StrCat("tkt_test-secret-", ++tokens_made_); };
    options.max_active_tokens_per_user = 3;
    auto loaded = IdentityService::Load(config_, store_, *directory_, clock_, options);
    ASSERT_THAT(loaded, IsOk());
    identity_ = *std::move(loaded);
  }

  absl::StatusOr<Principal> Auth(const std::string& token) {
    return identity_->Authenticate(Sha256(token));
  }

  v1::UserInfo Create(const std::string& name, v1::Role role) {
    v1::CreateUserRequest request;
    request.set_name(name);
    request.set_role(role);
    absl::StatusOr<v1::UserInfo> user = identity_->CreateUser(kRoot, request);
    EXPECT_THAT(user, IsOk());
    return user.ok() ? *user : v1::UserInfo();
  }

  absl::StatusOr<v1::IssueTokenResponse> Issue(const Principal& who, const std::string& user,
                                               bool read_only = false,
                                               std::optional<absl::Duration> ttl = std::nullopt) {
    v1::IssueTokenRequest request;
    request.set_user(user);
    request.set_read_only(read_only);
    if (ttl) ToTimestamp(clock_.Now() + *ttl, request.mutable_expire_time());
    return identity_->IssueToken(who, request);
  }

  absl::StatusOr<v1::UserInfo> SetDisabled(const std::string& name, bool disabled) {
    v1::SetUserDisabledRequest request;
    request.set_name(name);
    request.set_disabled(disabled);
    request.set_reason("left the company");
    return identity_->SetUserDisabled(kRoot, request);
  }

  absl::StatusOr<v1::TokenInfo> Revoke(const Principal& who, const std::string& id) {
    v1::RevokeTokenRequest request;
    request.set_id(id);
    return identity_->RevokeToken(who, request);
  }

  std::vector<v1::User> config_ = {ConfigUser("root", v1::ROLE_ADMIN),
                                   ConfigUser("alice", v1::ROLE_AGENT)};
  testing::FakeClock clock_;
  testing::MemoryIdentityStore store_;
  std::unique_ptr<UserDirectory> directory_;
  std::unique_ptr<IdentityService> identity_;
  int tokens_made_ = 0;
};

TEST_F(IdentityServiceTest, ConfigUsersAuthenticateByTheirTokensHash) {
  ASSERT_THAT(Auth("alice-token-0123456789"), IsOk());
  EXPECT_EQ(Auth("alice-token-0123456789")->name, "alice");
  EXPECT_EQ(Auth("alice-token-0123456789")->role, v1::ROLE_AGENT);
  EXPECT_FALSE(Auth("alice-token-0123456789")->read_only);
  EXPECT_THAT(Auth("alice-token-012345678"), StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("unknown token")));
  EXPECT_TRUE(directory_->Find("root").has_value());
}

TEST_F(IdentityServiceTest, AUserCreatedAtRunTimeWorksAtOnceWithAnIssuedToken) {
  const v1::UserInfo sue = Create("sue", v1::ROLE_SUPERVISOR);
  EXPECT_FALSE(sue.from_config());
  EXPECT_EQ(sue.created_by(), "root");
  EXPECT_EQ(directory_->WithRole(v1::ROLE_SUPERVISOR), std::vector<std::string>{"sue"});
  absl::StatusOr<v1::IssueTokenResponse> issued = Issue(kRoot, "sue");
  ASSERT_THAT(issued, IsOk());
  EXPECT_EQ(issued->info().id(), Sha256Hex(issued->token()).substr(0, 12));
  EXPECT_EQ(issued->info().state(), "active");
  ASSERT_THAT(Auth(issued->token()), IsOk());
  EXPECT_EQ(Auth(issued->token())->name, "sue");
  EXPECT_EQ(Auth(issued->token())->role, v1::ROLE_SUPERVISOR);
}

TEST_F(IdentityServiceTest, TheServersTokensAreLongAndRandom) {
  const std::string a = NewRandomToken();
  const std::string b = NewRandomToken();
  EXPECT_THAT(a, MatchesRegex("tkt_[A-Za-z0-9_-]{43}"));
  EXPECT_NE(a, b);
}

TEST_F(IdentityServiceTest, AReadOnlyTokenAuthenticatesAsReadOnly) {
  absl::StatusOr<v1::IssueTokenResponse> issued = Issue(kAlice, "alice", /*read_only=*/true);
  ASSERT_THAT(issued, IsOk());
  EXPECT_TRUE(issued->info().read_only());
  ASSERT_THAT(Auth(issued->token()), IsOk());
  EXPECT_TRUE(Auth(issued->token())->read_only);
}

TEST_F(IdentityServiceTest, ATokenStopsWorkingWhenItExpires) {
  absl::StatusOr<v1::IssueTokenResponse> issued = Issue(kRoot, "alice", false, absl::Hours(1));
  ASSERT_THAT(issued, IsOk());
  clock_.Advance(absl::Minutes(59));
  EXPECT_THAT(Auth(issued->token()), IsOk());
  clock_.Advance(absl::Minutes(1));
  EXPECT_THAT(Auth(issued->token()), StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("expired")));
  v1::ListTokensRequest request;
  request.set_user("alice");
  EXPECT_EQ(identity_->ListTokens(kRoot, request)->tokens_size(), 1);  // the config one
  request.set_include_inactive(true);
  absl::StatusOr<v1::ListTokensResponse> all = identity_->ListTokens(kRoot, request);
  ASSERT_THAT(all, IsOk());
  ASSERT_EQ(all->tokens_size(), 2);
  EXPECT_TRUE(all->tokens(0).from_config());
  EXPECT_EQ(all->tokens(1).state(), "expired");
}

TEST_F(IdentityServiceTest, ExpiryMustBeAheadAndWithinThreeYears) {
  EXPECT_THAT(Issue(kRoot, "alice", false, absl::ZeroDuration()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("expire_time")));
  EXPECT_THAT(Issue(kRoot, "alice", false, absl::Hours(24 * 366 * 3 + 1)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("expire_time: must be at most 3 years")));
  EXPECT_EQ(store_.writes(), 0);
}

TEST_F(IdentityServiceTest, ATtlCountsFromTheServersClock) {
  v1::IssueTokenRequest request;
  request.set_user("alice");
  request.mutable_ttl()->set_seconds(2 * 3600);
  absl::StatusOr<v1::IssueTokenResponse> issued = identity_->IssueToken(kRoot, request);
  ASSERT_THAT(issued, IsOk());
  EXPECT_EQ(FromTimestamp(issued->info().expire_time()), clock_.Now() + absl::Hours(2));
  clock_.Advance(absl::Hours(2));
  EXPECT_THAT(Auth(issued->token()), StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("expired")));

  request.mutable_ttl()->set_seconds(0);
  EXPECT_THAT(identity_->IssueToken(kRoot, request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ttl: must be more than 0")));
  request.mutable_ttl()->set_seconds(3600);
  ToTimestamp(clock_.Now() + absl::Hours(1), request.mutable_expire_time());
  EXPECT_THAT(identity_->IssueToken(kRoot, request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not both")));
}

TEST_F(IdentityServiceTest, LongInactiveTokensAndRecordsOfRemovedUsersAreDeletedAtStart) {
  ASSERT_THAT(Issue(kRoot, "alice", false, absl::Hours(1)), IsOk());  // will expire
  absl::StatusOr<v1::IssueTokenResponse> revoked = Issue(kRoot, "alice");
  ASSERT_THAT(revoked, IsOk());
  v1::RevokeTokenRequest revoke;
  revoke.set_id(revoked->info().id());
  ASSERT_THAT(identity_->RevokeToken(kRoot, revoke), IsOk());
  ASSERT_THAT(Issue(kRoot, "alice"), IsOk());  // stays active
  v1::RevokeTokenRequest revoke_config;  // a config token's revocation must hold forever
  revoke_config.set_id(Sha256Hex("alice-token-0123456789").substr(0, 12));
  ASSERT_THAT(identity_->RevokeToken(kRoot, revoke_config), IsOk());
  Create("sue", v1::ROLE_TECHNICIAN);
  ASSERT_THAT(Issue(kRoot, "sue"), IsOk());
  SetDisabled("alice", true);  // a stored record of config user alice
  const size_t stored = store_.size();

  clock_.Advance(absl::Hours(24 * 89));  // not yet 90 days
  Reload();
  EXPECT_EQ(store_.size(), stored);

  clock_.Advance(absl::Hours(24 * 2));
  Reload();
  EXPECT_EQ(store_.size(), stored - 2);  // the expired and the revoked run-time tokens
  v1::ListTokensRequest list;
  list.set_user("alice");
  list.set_include_inactive(true);
  absl::StatusOr<v1::ListTokensResponse> alices = identity_->ListTokens(kRoot, list);
  ASSERT_THAT(alices, IsOk());
  ASSERT_EQ(alices->tokens_size(), 2);
  EXPECT_EQ(alices->tokens(0).state(), "revoked");  // the config token
  EXPECT_EQ(alices->tokens(1).state(), "active");

  config_.erase(config_.begin() + 1);  // alice taken out of the file
  ASSERT_EQ(config_[0].name(), "root");
  Reload();
  // alice's stored user record, her config token's revocation and her active token go.
  EXPECT_EQ(store_.size(), stored - 5);
  list.set_user("sue");
  EXPECT_EQ(identity_->ListTokens(kRoot, list)->tokens_size(), 1);
}

TEST_F(IdentityServiceTest, ARevokedTokenIsRefusedAtOnceAndAfterAReload) {
  absl::StatusOr<v1::IssueTokenResponse> issued = Issue(kAlice, "alice");
  ASSERT_THAT(issued, IsOk());
  absl::StatusOr<v1::TokenInfo> revoked = Revoke(kAlice, issued->info().id());
  ASSERT_THAT(revoked, IsOk());
  EXPECT_EQ(revoked->state(), "revoked");
  EXPECT_EQ(revoked->revoked_by(), "alice");
  EXPECT_THAT(Auth(issued->token()), StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("revoked")));
  // Revoking again changes nothing and is no error.
  EXPECT_THAT(Revoke(kRoot, issued->info().id()), IsOk());
  Reload();
  EXPECT_THAT(Auth(issued->token()), StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("revoked")));
  EXPECT_THAT(Auth("alice-token-0123456789"), IsOk());
}

TEST_F(IdentityServiceTest, AConfigTokenCanBeRevokedAndStaysRevokedThoughStillInTheFile) {
  const std::string id = Sha256Hex("alice-token-0123456789").substr(0, 12);
  ASSERT_THAT(Revoke(kRoot, id), IsOk());
  EXPECT_THAT(Auth("alice-token-0123456789"), StatusIs(absl::StatusCode::kUnauthenticated, _));
  Reload();
  EXPECT_THAT(Auth("alice-token-0123456789"), StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("revoked")));
}

TEST_F(IdentityServiceTest, ADisabledUserIsRefusedWithEveryTokenAndReceivesNothing) {
  Create("sue", v1::ROLE_SUPERVISOR);
  absl::StatusOr<v1::IssueTokenResponse> issued = Issue(kRoot, "sue");
  ASSERT_THAT(issued, IsOk());
  absl::StatusOr<v1::UserInfo> sue = SetDisabled("sue", true);
  ASSERT_THAT(sue, IsOk());
  EXPECT_TRUE(sue->disabled());
  EXPECT_EQ(sue->reason(), "left the company");
  EXPECT_THAT(Auth(issued->token()), StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("user disabled")));
  EXPECT_FALSE(directory_->Find("sue").has_value());
  EXPECT_TRUE(directory_->Known("sue"));
  EXPECT_TRUE(directory_->WithRole(v1::ROLE_SUPERVISOR).empty());
  EXPECT_THAT(Issue(kRoot, "sue"), StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("disabled")));
  Reload();
  EXPECT_THAT(Auth(issued->token()), StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("user disabled")));
  ASSERT_THAT(SetDisabled("sue", false), IsOk());
  EXPECT_THAT(Auth(issued->token()), IsOk());
  EXPECT_TRUE(directory_->Find("sue").has_value());
}

TEST_F(IdentityServiceTest, AConfigUserCanBeDisabledAndStaysSoAfterAReload) {
  ASSERT_THAT(SetDisabled("alice", true), IsOk());
  Reload();
  EXPECT_THAT(Auth("alice-token-0123456789"), StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("disabled")));
  absl::StatusOr<v1::ListUsersResponse> users = identity_->ListUsers(kRoot, {});
  ASSERT_THAT(users, IsOk());
  ASSERT_EQ(users->users_size(), 2);
  EXPECT_EQ(users->users(0).name(), "alice");
  EXPECT_TRUE(users->users(0).from_config());
  EXPECT_TRUE(users->users(0).disabled());
}

TEST_F(IdentityServiceTest, TheLastEnabledAdminCannotBeDisabled) {
  EXPECT_THAT(SetDisabled("root", true),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("last enabled admin")));
  Create("ops", v1::ROLE_ADMIN);
  EXPECT_THAT(SetDisabled("root", true), IsOk());
}

TEST_F(IdentityServiceTest, RunTimeUsersAndTokensSurviveAReloadAndTheFileWinsOnAName) {
  Create("sue", v1::ROLE_SUPERVISOR);
  Create("bob", v1::ROLE_TECHNICIAN);
  absl::StatusOr<v1::IssueTokenResponse> sue = Issue(kRoot, "sue");
  ASSERT_THAT(sue, IsOk());
  // bob is then added to the file, as an agent; alice is taken out of it.
  config_ = {ConfigUser("root", v1::ROLE_ADMIN), ConfigUser("bob", v1::ROLE_AGENT)};
  Reload();
  ASSERT_THAT(Auth(sue->token()), IsOk());
  EXPECT_EQ(Auth(sue->token())->name, "sue");
  EXPECT_EQ(directory_->Find("bob")->role, v1::ROLE_AGENT);
  EXPECT_FALSE(directory_->Known("alice"));
  EXPECT_THAT(Auth("alice-token-0123456789"), StatusIs(absl::StatusCode::kUnauthenticated, _));
}

TEST_F(IdentityServiceTest, OnlyAdminsManageUsersAndOthersTokens) {
  v1::CreateUserRequest create;
  create.set_name("sue");
  create.set_role(v1::ROLE_ADMIN);
  EXPECT_THAT(identity_->CreateUser(kAlice, create), StatusIs(absl::StatusCode::kPermissionDenied, _));
  EXPECT_THAT(identity_->ListUsers(kAlice, {}), StatusIs(absl::StatusCode::kPermissionDenied, _));
  EXPECT_THAT(Issue(kAlice, "root"), StatusIs(absl::StatusCode::kPermissionDenied, _));
  absl::StatusOr<v1::IssueTokenResponse> roots = Issue(kRoot, "root");
  ASSERT_THAT(roots, IsOk());
  EXPECT_THAT(Revoke(kAlice, roots->info().id()), StatusIs(absl::StatusCode::kPermissionDenied, _));
  v1::ListTokensRequest list;
  list.set_user("root");
  EXPECT_THAT(identity_->ListTokens(kAlice, list), StatusIs(absl::StatusCode::kPermissionDenied, _));
  EXPECT_THAT(Auth(roots->token()), IsOk());
}

TEST_F(IdentityServiceTest, BadRequestsNameTheFieldAndStoreNothing) {
  v1::CreateUserRequest create;
  create.set_role(v1::ROLE_AGENT);
  EXPECT_THAT(identity_->CreateUser(kRoot, create), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")));
  create.set_name("anonymous");
  EXPECT_THAT(identity_->CreateUser(kRoot, create), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reserved")));
  create.set_name("al ice");
  EXPECT_THAT(identity_->CreateUser(kRoot, create), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")));
  create.set_name("alice");
  EXPECT_THAT(identity_->CreateUser(kRoot, create), StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("alice")));
  create.set_name("sue");
  create.set_role(v1::ROLE_UNSPECIFIED);
  EXPECT_THAT(identity_->CreateUser(kRoot, create), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("role")));
  create.set_role(static_cast<v1::Role>(99));
  EXPECT_THAT(identity_->CreateUser(kRoot, create), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("role")));
  v1::SetUserDisabledRequest disable;
  disable.set_name("alice");
  disable.set_disabled(true);
  EXPECT_THAT(identity_->SetUserDisabled(kRoot, disable), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));
  disable.set_name("nobody");
  disable.set_reason("x");
  EXPECT_THAT(identity_->SetUserDisabled(kRoot, disable), StatusIs(absl::StatusCode::kNotFound, HasSubstr("nobody")));
  EXPECT_THAT(Issue(kRoot, "nobody"), StatusIs(absl::StatusCode::kNotFound, HasSubstr("user")));
  EXPECT_THAT(Revoke(kRoot, "xyz"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("id")));
  EXPECT_THAT(Revoke(kRoot, "0123456789ab"), StatusIs(absl::StatusCode::kNotFound, HasSubstr("id")));
  EXPECT_EQ(store_.writes(), 0);
}

TEST_F(IdentityServiceTest, AFailedWriteChangesNothing) {
  store_.fail_writes = true;
  v1::CreateUserRequest create;
  create.set_name("sue");
  create.set_role(v1::ROLE_AGENT);
  EXPECT_THAT(identity_->CreateUser(kRoot, create), StatusIs(absl::StatusCode::kUnavailable, _));
  EXPECT_FALSE(directory_->Known("sue"));
  EXPECT_THAT(Issue(kRoot, "alice"), StatusIs(absl::StatusCode::kUnavailable, _));
  EXPECT_THAT(SetDisabled("alice", true), StatusIs(absl::StatusCode::kUnavailable, _));
  EXPECT_THAT(Auth("alice-token-0123456789"), IsOk());
  v1::ListTokensRequest list;
  list.set_user("alice");
  list.set_include_inactive(true);
  EXPECT_EQ(identity_->ListTokens(kRoot, list)->tokens_size(), 1);
}

TEST_F(IdentityServiceTest, ActiveTokensPerUserAreCapped) {
  std::vector<std::string> ids;
  for (int i = 0; i < 2; ++i) {  // the config token is the first of 3
    absl::StatusOr<v1::IssueTokenResponse> issued = Issue(kAlice, "alice");
    ASSERT_THAT(issued, IsOk());
    ids.push_back(issued->info().id());
  }
  EXPECT_THAT(Issue(kAlice, "alice"), StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("revoke one")));
  ASSERT_THAT(Revoke(kAlice, ids[0]), IsOk());
  EXPECT_THAT(Issue(kAlice, "alice"), IsOk());
}

TEST_F(IdentityServiceTest, TokensAreListedOldestFirstWithoutTheirSecret) {
  clock_.Advance(absl::Minutes(1));
  absl::StatusOr<v1::IssueTokenResponse> first = Issue(kAlice, "alice");
  clock_.Advance(absl::Minutes(1));
  absl::StatusOr<v1::IssueTokenResponse> second = Issue(kAlice, "alice");
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  v1::ListTokensRequest list;
  list.set_user("alice");
  absl::StatusOr<v1::ListTokensResponse> tokens = identity_->ListTokens(kAlice, list);
  ASSERT_THAT(tokens, IsOk());
  std::vector<std::string> ids;
  for (const v1::TokenInfo& t : tokens->tokens()) ids.push_back(t.id());
  EXPECT_THAT(ids, ElementsAre(Sha256Hex("alice-token-0123456789").substr(0, 12), first->info().id(),
                               second->info().id()));
  EXPECT_EQ(tokens->DebugString().find(first->token()), std::string::npos);
}

}  // namespace
}  // namespace ticketing::domain
