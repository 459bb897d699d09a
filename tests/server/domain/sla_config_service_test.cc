#include "server/domain/sla/sla_config_service.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "server/domain/escalation/escalation_policy.h"
#include "server/domain/sla/sla_rule.h"
#include "server/domain/tickets/lifecycle_service.h"
#include "storage/rocksdb_ticket_store.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::domain {
namespace {

using ::testing::HasSubstr;
using ::ticketing::testing::FakeClock;
using ::ticketing::testing::IsOk;
using ::ticketing::testing::StatusIs;

const Principal kAlice{"alice", v1::ROLE_AGENT};
const Principal kRoot{"root", v1::ROLE_ADMIN};

v1::SlaConfig Config(const std::string& policy_name, const std::string& resolution) {
  v1::SlaConfig config;
  const std::string text = absl::StrCat(
      R"pb(calendars { name: "always" time_zone: "UTC" always_open: true }
           sla_policies { name: ")pb", policy_name, R"pb(" first_response: "1h" resolution: ")pb",
      resolution, R"pb(" calendar: "always" })pb");
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &config));
  return config;
}

v1::ReplaceSlaConfigRequest Replacement(int64_t expected, const v1::SlaConfig& config,
                                        const std::string& reason) {
  v1::ReplaceSlaConfigRequest request;
  request.set_expected_version(expected);
  *request.mutable_calendars() = config.calendars();
  *request.mutable_sla_policies() = config.sla_policies();
  *request.mutable_escalation_levels() = config.escalation_levels();
  *request.mutable_escalation_rules() = config.escalation_rules();
  request.set_reason(reason);
  return request;
}

class SlaConfigServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/sla_config_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    auto store = storage::RocksDbTicketStore::Open(dir_);
    ASSERT_THAT(store, IsOk());
    store_ = *std::move(store);
  }
  // Loads the set with the escalation rules as its part, as the server does.
  std::unique_ptr<SlaConfigService> Load(const v1::SlaConfig& from_file) {
    rules_ = std::make_unique<EscalationRules>(users_);
    auto service = SlaConfigService::Load(*store_, clock_, from_file, {rules_.get()},
                                          absl::CivilDay(2023, 1, 1), absl::CivilDay(2025, 12, 31));
    EXPECT_THAT(service, IsOk());
    return service.ok() ? *std::move(service) : nullptr;
  }

  FakeClock clock_{absl::FromUnixSeconds(1704096000)};
  UserDirectory users_{{kAlice, kRoot, Principal{"tom", v1::ROLE_TECHNICIAN}}};
  std::string dir_;
  std::unique_ptr<storage::RocksDbTicketStore> store_;
  std::unique_ptr<EscalationRules> rules_;
};

TEST_F(SlaConfigServiceTest, TheFileSetIsVersionZeroUntilReplaced) {
  auto service = Load(Config("standard", "8h"));
  auto current = service->Get(kAlice);
  ASSERT_THAT(current, IsOk());
  EXPECT_EQ(current->version(), 0);
  EXPECT_EQ(current->sla_policies(0).name(), "standard");
}

TEST_F(SlaConfigServiceTest, ReplacementIsStoredVersionedAndWinsOverTheFileAfterRestart) {
  auto service = Load(Config("standard", "8h"));
  auto replaced = service->Replace(kRoot, Replacement(0, Config("gold", "4h"), "tighter promises"));
  ASSERT_THAT(replaced, IsOk());
  EXPECT_EQ(replaced->version(), 1);
  EXPECT_EQ(replaced->updated_by(), "root");
  EXPECT_EQ(replaced->reason(), "tighter promises");
  EXPECT_NE(service->clocks().policies()->Find("gold"), nullptr);
  auto restarted = Load(Config("standard", "8h"));  // the file still says "standard"
  auto current = restarted->Get(kAlice);
  ASSERT_THAT(current, IsOk());
  EXPECT_EQ(current->version(), 1);
  EXPECT_EQ(current->sla_policies(0).name(), "gold");
  EXPECT_EQ(restarted->clocks().policies()->Find("standard"), nullptr);
}

TEST_F(SlaConfigServiceTest, StaleInvalidOrUnauthorisedReplacementsChangeNothing) {
  auto service = Load(Config("standard", "8h"));
  ASSERT_THAT(service->Replace(kRoot, Replacement(0, Config("gold", "4h"), "v1")), IsOk());
  EXPECT_THAT(service->Replace(kRoot, Replacement(0, Config("x", "4h"), "stale")),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("version 1, not 0")));
  v1::SlaConfig bad = Config("x", "4h");
  bad.mutable_sla_policies(0)->set_calendar("nowhere");
  EXPECT_THAT(service->Replace(kRoot, Replacement(1, bad, "bad")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("sla_policies[0].calendar")));
  EXPECT_THAT(service->Replace(kAlice, Replacement(1, Config("x", "4h"), "not mine")),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("SLA")));
  EXPECT_THAT(service->Replace(kRoot, Replacement(1, Config("x", "4h"), "")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));
  EXPECT_EQ(service->Get(kAlice)->version(), 1);
  EXPECT_NE(service->clocks().policies()->Find("gold"), nullptr);
}

TEST_F(SlaConfigServiceTest, EscalationRulesAreReplacedWithThePoliciesAndValidatedWithThem) {
  auto service = Load(Config("standard", "8h"));
  EXPECT_TRUE(rules_->Get()->Recipients(1, v1::Ticket()).empty());
  v1::SlaConfig next = Config("standard", "8h");
  ASSERT_TRUE(google::protobuf::TextFormat::MergeFromString(R"pb(
    escalation_levels { level: 1 name: "team lead" users: "root" }
    escalation_rules { name: "breach" condition: ESCALATION_CONDITION_SLA_BREACH level: 2 }
  )pb", &next));
  EXPECT_THAT(service->Replace(kRoot, Replacement(0, next, "escalate")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("escalation_rules[0].level")));
  next.mutable_escalation_rules(0)->set_level(1);
  auto replaced = service->Replace(kRoot, Replacement(0, next, "escalate"));
  ASSERT_THAT(replaced, IsOk());
  EXPECT_EQ(replaced->escalation_rules_size(), 1);
  EXPECT_THAT(rules_->Get()->Recipients(1, v1::Ticket()), ::testing::ElementsAre("root"));
}

TEST_F(SlaConfigServiceTest, VersionsAreListedNewestFirstAcrossPages) {
  auto service = Load(Config("standard", "8h"));
  for (int v = 0; v < 5; ++v) {
    ASSERT_THAT(service->Replace(kRoot, Replacement(v, Config(absl::StrCat("p", v), "4h"),
                                                    absl::StrCat("change ", v + 1))),
                IsOk());
  }
  v1::ListSlaConfigVersionsRequest request;
  request.set_page_size(2);
  std::vector<int64_t> versions;
  do {
    auto page = service->ListVersions(kAlice, request);
    ASSERT_THAT(page, IsOk());
    for (const v1::SlaConfig& c : page->versions()) versions.push_back(c.version());
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  EXPECT_EQ(versions, (std::vector<int64_t>{5, 4, 3, 2, 1}));
}

TEST_F(SlaConfigServiceTest, AnOpenTicketWhosePolicyWasRemovedTakesTheNewMatchAtItsNextChange) {
  auto service = Load(Config("standard", "8h"));
  UserDirectory users({kAlice, kRoot, Principal{"tom", v1::ROLE_TECHNICIAN}});
  const SlaRule sla(service->clocks());
  const TicketRules rules({&sla});
  TicketCore core(*store_, clock_, rules, nullptr);
  LifecycleService tickets(core, users, LifecycleService::Options());
  v1::CreateTicketRequest create;
  create.set_request_id("r1");
  create.mutable_ticket()->set_kind(v1::TICKET_KIND_REPAIR);
  create.mutable_ticket()->set_account_id("ACME");
  create.mutable_ticket()->set_summary("Printer jams");
  create.mutable_ticket()->mutable_contact()->set_name("Li Wei");
  auto ticket = tickets.Create(kAlice, create);
  ASSERT_THAT(ticket, IsOk());
  EXPECT_EQ(ticket->sla_policy(), "standard");
  ASSERT_THAT(service->Replace(kRoot, Replacement(0, Config("gold", "4h"), "rename")), IsOk());
  v1::AddCommentRequest note;
  note.set_ticket_id(ticket->id());
  note.set_body("internal note");
  auto changed = tickets.AddComment(kAlice, note);
  ASSERT_THAT(changed, IsOk());
  EXPECT_EQ(changed->ticket().sla_policy(), "gold");
}

TEST_F(SlaConfigServiceTest, ASetThatWouldStopTicketIntakeIsRefusedNamingTheCalendar) {
  auto service = Load(Config("standard", "8h"));
  // A calendar without a single working hour...
  v1::SlaConfig never = Config("standard", "8h");
  v1::BusinessCalendar* closed = never.add_calendars();
  closed->set_name("closed");
  closed->set_time_zone("UTC");
  never.mutable_sla_policies(0)->set_calendar("closed");
  EXPECT_THAT(service->Replace(kRoot, Replacement(0, never, "typo")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("sla_policies[0].calendar: calendar 'closed' has no working time")));
  // ...or whose working time ends before the policy's targets can be met (a holiday to the
  // end of the dates it covers).
  v1::SlaConfig ending = Config("standard", "8h");
  for (const char* year : {"2024", "2025"}) {
    v1::DateException* holiday = ending.mutable_calendars(0)->add_exceptions();
    holiday->set_date(absl::StrCat(year, "-01-01"));
    holiday->set_end_date(absl::StrCat(year, "-12-31"));
  }
  EXPECT_THAT(service->Replace(kRoot, Replacement(0, ending, "shutdown")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("calendar 'always'")));
  EXPECT_EQ(service->Get(kAlice)->version(), 0) << "nothing replaced";
  EXPECT_NE(service->clocks().policies()->Find("standard"), nullptr);
  // A file set like that is refused at start, naming the calendar.
  std::filesystem::remove_all(dir_ + "-fresh");
  auto fresh = storage::RocksDbTicketStore::Open(dir_ + "-fresh");
  ASSERT_THAT(fresh, IsOk());
  EscalationRules rules(users_);
  EXPECT_THAT(SlaConfigService::Load(**fresh, clock_, never, {&rules}, absl::CivilDay(2023, 1, 1),
                                     absl::CivilDay(2025, 12, 31)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("calendar 'closed'")));
}

}  // namespace
}  // namespace ticketing::domain
