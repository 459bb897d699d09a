#include "server/config/server_config.h"

#include "server/common/sha256.h"
#include "server/domain/escalation/escalation_policy.h"

#include "server/domain/sla/sla_policy.h"

#include <fstream>

#include "absl/strings/str_cat.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::config {
namespace {

using ::testing::HasSubstr;
using ::ticketing::testing::IsOk;
using ::ticketing::testing::StatusIs;

TEST(ServerConfigTest, ParsesUsersAndAppliesDefaults) {
  auto config = ParseServerConfig(R"pb(
    users { name: "alice" role: ROLE_AGENT token: "agent-alice-0123456789" }
    users { name: "tom" role: ROLE_TECHNICIAN token: "tech-tom-0123456789ab" }
  )pb", "test");
  ASSERT_THAT(config, IsOk());
  ApplyDefaults(*config);
  EXPECT_THAT(ValidateServerConfig(*config), IsOk());
  EXPECT_EQ(config->listen_address(), "127.0.0.1:50051");
  EXPECT_EQ(config->data_dir(), "./data");
  EXPECT_EQ(config->max_request_bytes(), 1 << 20);
  EXPECT_EQ(config->users_size(), 2);
}

TEST(ServerConfigTest, SyntaxErrorNamesTheLine) {
  EXPECT_THAT(ParseServerConfig("users {\n name: \"a\"\n rolle: ROLE_AGENT }", "cfg.textproto"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cfg.textproto: line 3")));
}

TEST(ServerConfigTest, RefusesWeakDuplicateOrRolelessUsers) {
  auto check = [](const std::string& text) {
    auto config = ParseServerConfig(text, "t");
    EXPECT_THAT(config, IsOk());
    ApplyDefaults(*config);
    return ValidateServerConfig(*config);
  };
  EXPECT_THAT(check(R"pb(users { name: "a" role: ROLE_AGENT token: "short" })pb"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("users[0].token")));
  EXPECT_THAT(check(R"pb(users { name: "a" token: "0123456789abcdef" })pb"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("users[0].role")));
  EXPECT_THAT(check(R"pb(users { name: "a" role: ROLE_AGENT token: "0123456789abcdef" }
                         users { name: "a" role: ROLE_AGENT token: "0123456789abcdeg" })pb"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("users[1].name")));
  EXPECT_THAT(check(R"pb(users { name: "a" role: ROLE_AGENT token: "0123456789abcdef" }
                         users { name: "b" role: ROLE_AGENT token: "0123456789abcdef" })pb"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("users[1].token")));
  EXPECT_THAT(check(R"pb(users { name: "bad name" role: ROLE_AGENT token: "0123456789abcdef" })pb"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("users[0].name")));
}

TEST(ServerConfigTest, MissingFileIsNotFound) {
  EXPECT_THAT(LoadServerConfig("/nonexistent/ticketd.textproto"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("/nonexistent")));
}

TEST(ServerConfigTest, ExampleConfigShippedInDeployIsValid) {
  auto config = LoadServerConfig(std::string(TICKETING_SOURCE_DIR) + "/deploy/config.example.textproto");
  ASSERT_THAT(config, IsOk());
  ApplyDefaults(*config);
  // Its tokens are published: refused, unless in development mode.
  EXPECT_THAT(ValidateServerConfig(*config),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("users[0].token: is a sample token published")));
  config->set_unsafe_development_mode(true);
  EXPECT_THAT(ValidateServerConfig(*config), IsOk());
  for (const v1::User& user : config->users()) {
    EXPECT_THAT(kPublishedSampleTokens, ::testing::Contains(user.token())) << user.name();
  }
  EXPECT_GE(config->users_size(), 4);
  auto policies = domain::SlaPolicySet::Create(config->calendars(), config->sla_policies());
  ASSERT_THAT(policies, IsOk());
  EXPECT_EQ((*policies)->policies().size(), 4u);
  std::vector<domain::Principal> users;
  for (const v1::User& user : config->users()) users.push_back({user.name(), user.role()});
  const domain::UserDirectory directory(users);
  EXPECT_THAT(domain::EscalationPolicy::Create(config->escalation_levels(),
                                               config->escalation_rules(), directory,
                                               std::shared_ptr<const domain::SlaPolicySet>(
                                                   *std::move(policies))),
              IsOk());
  auto accounts = AccountSettingsOf(*config);
  ASSERT_THAT(accounts, IsOk());
  EXPECT_EQ(accounts->key_account_margin, absl::Hours(1));
  EXPECT_EQ(accounts->classification.potential_growth_percent, 20);
}

TEST(ServerConfigTest, BadAccountSettingsAreRefusedNamingTheField) {
  auto config = ParseServerConfig(R"pb(classification { key_share_percent: 101 })pb", "t");
  ASSERT_THAT(config, IsOk());
  EXPECT_THAT(ValidateServerConfig(*config),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("key_share_percent")));
  config = ParseServerConfig(R"pb(key_account_margin: "soon")pb", "t");
  ASSERT_THAT(config, IsOk());
  EXPECT_THAT(ValidateServerConfig(*config),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("key_account_margin")));
  config = ParseServerConfig(R"pb(priority { potential_key_raise: 7 })pb", "t");
  ASSERT_THAT(config, IsOk());
  EXPECT_THAT(ValidateServerConfig(*config),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("potential_key_raise")));
}

TEST(ServerConfigTest, TheNameSystemIsReserved) {
  auto config = ParseServerConfig(R"pb(users { name: "system" role: ROLE_ADMIN token: "0123456789abcdef" })pb", "t");
  ASSERT_THAT(config, IsOk());
  EXPECT_THAT(ValidateServerConfig(*config),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reserved")));
}

}  // namespace
}  // namespace ticketing::config

namespace ticketing::config {
namespace {

absl::Status Validate(const std::string& text) {
  absl::StatusOr<v1::ServerConfig> config = ParseServerConfig(text, "test");
  if (!config.ok()) return config.status();
  ApplyDefaults(*config);
  return ValidateServerConfig(*config);
}

TEST(ServerConfigTest, TransportLimitsHaveSafeDefaultsAndRefuseNonsenseNamingTheField) {
  absl::StatusOr<TransportSettings> defaults = TransportSettingsOf(v1::ServerConfig());
  ASSERT_THAT(defaults, IsOk());
  EXPECT_EQ(defaults->max_threads, 128);
  EXPECT_EQ(defaults->max_streams_per_connection, 100);
  EXPECT_EQ(defaults->max_connection_idle, absl::Minutes(5));
  EXPECT_EQ(defaults->max_connection_age, absl::Hours(2));
  EXPECT_EQ(defaults->keepalive_time, absl::Minutes(1));

  absl::StatusOr<v1::ServerConfig> set = ParseServerConfig(
      R"pb(limits { max_threads: 16 max_alert_watches: 8 alert_watches_reserved_for_supervisors: 2 max_connection_idle: "90s" })pb", "test");
  ASSERT_THAT(set, IsOk());
  absl::StatusOr<TransportSettings> settings = TransportSettingsOf(*set);
  ASSERT_THAT(settings, IsOk());
  EXPECT_EQ(settings->max_threads, 16);
  EXPECT_EQ(settings->max_connection_idle, absl::Seconds(90));
  EXPECT_EQ(settings->max_streams_per_connection, 100);  // unset: the default

  EXPECT_THAT(Validate(R"pb(limits { max_threads: 32 })pb"),  // 64 watches need 68 threads
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("limits.max_threads")));
  EXPECT_THAT(Validate(R"pb(limits { max_threads: -1 })pb"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("limits.max_threads")));
  EXPECT_THAT(Validate(R"pb(limits { keepalive_time: "soon" })pb"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("limits.keepalive_time")));
  EXPECT_THAT(Validate(R"pb(limits { max_connection_age: "-5m" })pb"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("limits.max_connection_age")));
}

TEST(ServerConfigTest, PlaintextBeyondLoopbackIsRefusedUnlessTlsOrTheUnsafeFlag) {
  for (const char* address : {"127.0.0.1:50051", "127.8.9.10:0", "[::1]:50051", "localhost:80",
                              "unix:/run/ticketd.sock"}) {
    EXPECT_TRUE(IsLoopbackAddress(address)) << address;
    EXPECT_THAT(Validate(absl::StrCat("listen_address: \"", address, "\"")), IsOk()) << address;
  }
  for (const char* address : {"0.0.0.0:50051", "[::]:50051", "10.0.0.5:50051", "ticketd.example.com:443",
                              "127.0.0.1.example.com:80", "1127.0.0.1:80"}) {
    EXPECT_FALSE(IsLoopbackAddress(address)) << address;
    EXPECT_THAT(Validate(absl::StrCat("listen_address: \"", address, "\"")),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("unsafe_allow_plaintext_on_network")))
        << address;
  }
  EXPECT_THAT(Validate("listen_address: \"0.0.0.0:50051\" unsafe_allow_plaintext_on_network: true"),
              IsOk());
  EXPECT_THAT(Validate(R"pb(listen_address: "0.0.0.0:50051"
                            tls { cert_file: "/etc/ticketd/cert.pem" key_file: "/etc/ticketd/key.pem" })pb"),
              IsOk());
}

}  // namespace
}  // namespace ticketing::config

namespace ticketing::config {
namespace {

TEST(ServerConfigTest, ATokenIsGivenAsItsHashOrHashedAtStartAndNeverKept) {
  const std::string hash = Sha256Hex("alice-own-token-0123456789");
  absl::StatusOr<v1::ServerConfig> config = ParseServerConfig(absl::StrCat(
      R"pb(users { name: "alice" role: ROLE_AGENT token_sha256: ")pb", hash, R"pb(" }
           users { name: "tom" role: ROLE_TECHNICIAN token: "tom-own-token-0123456789" })pb"),
      "test");
  ASSERT_THAT(config, IsOk());
  ApplyDefaults(*config);
  ASSERT_THAT(ValidateServerConfig(*config), IsOk());
  HashTokens(*config);
  EXPECT_EQ(config->users(0).token_sha256(), hash);
  EXPECT_EQ(config->users(1).token(), "");
  EXPECT_EQ(config->users(1).token_sha256(), Sha256Hex("tom-own-token-0123456789"));
}

TEST(ServerConfigTest, TokenFieldsAreCheckedNamingTheField) {
  auto check = [](const std::string& user) {
    absl::StatusOr<v1::ServerConfig> config =
        ParseServerConfig(absl::StrCat("users { name: \"alice\" role: ROLE_AGENT ", user, " }"), "t");
    EXPECT_THAT(config, IsOk());
    ApplyDefaults(*config);
    return ValidateServerConfig(*config);
  };
  EXPECT_THAT(check(""), StatusIs(absl::StatusCode::kInvalidArgument,
                                  HasSubstr("users[0].token: set exactly one")));
  EXPECT_THAT(check(absl::StrCat("token: \"alice-own-token-0123\" token_sha256: \"",
                                 Sha256Hex("x"), "\"")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("exactly one")));
  EXPECT_THAT(check("token_sha256: \"abc\""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("users[0].token_sha256")));
  // A published token is refused in either form.
  EXPECT_THAT(check(absl::StrCat("token_sha256: \"", Sha256Hex(kPublishedSampleTokens[2]), "\"")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("sample token")));
}

}  // namespace
}  // namespace ticketing::config
