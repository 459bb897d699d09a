#include "server/config/server_config.h"

#include "server/domain/escalation/escalation_policy.h"

#include "server/domain/sla/sla_policy.h"

#include <fstream>

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
  EXPECT_THAT(ValidateServerConfig(*config), IsOk());
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
