#ifndef TICKETING_TESTS_SERVER_DOMAIN_ACCOUNT_FIXTURE_H_
#define TICKETING_TESTS_SERVER_DOMAIN_ACCOUNT_FIXTURE_H_

// A fixture wired like main(): a real store under TempDir, accounts, tickets, escalation and
// the SLA monitor on a fake clock. Shared by the account, work-queue and key-account tests.

#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/testing/domain_world.h"
#include "tests/testing/failing_ticket_store.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/status_matchers.h"
#include "ticketing/v1/config.pb.h"

namespace ticketing::domain {

inline const Principal kAlice{"alice", v1::ROLE_AGENT};
inline const Principal kTom{"tom", v1::ROLE_TECHNICIAN};
inline const Principal kTim{"tim", v1::ROLE_TECHNICIAN};
inline const Principal kSue{"sue", v1::ROLE_SUPERVISOR};
inline const Principal kRoot{"root", v1::ROLE_ADMIN};
inline const Principal kMia{"mia", v1::ROLE_AGENT};  // an account manager

// KEY accounts run on the "key" policy (30 min first response), everyone else on
// "standard" (1 h); 24x7 so that times are easy to follow.
inline constexpr char kAccountTestConfig[] = R"pb(
  calendars { name: "always" time_zone: "UTC" always_open: true }
  sla_policies { name: "key" match { tiers: SERVICE_TIER_KEY } first_response: "30m"
                 resolution: "4h" calendar: "always" }
  sla_policies { name: "standard" first_response: "1h" resolution: "8h" calendar: "always" }
  escalation_levels { level: 1 name: "team lead" roles: ROLE_SUPERVISOR reescalate_after: "30m" }
  escalation_levels { level: 2 name: "key-account team" users: "root" }
  escalation_rules { name: "key-complaint" condition: ESCALATION_CONDITION_KEY_ACCOUNT_COMPLAINT
                     level: 2 urgent: true notify_account_manager: true notify_key_persons: true }
  escalation_rules { name: "key-breach" condition: ESCALATION_CONDITION_SLA_BREACH
                     tiers: SERVICE_TIER_KEY level: 2 notify_key_persons: true
                     reescalate_after: "10m" }
  escalation_rules { name: "breach" condition: ESCALATION_CONDITION_SLA_BREACH level: 1 }
  escalation_rules { name: "not-fixed" condition: ESCALATION_CONDITION_VISIT_NOT_FIXED level: 1
                     notify_account_manager: true }
  escalation_rules { name: "unhappy" condition: ESCALATION_CONDITION_DISSATISFIED_SURVEY level: 2 }
  escalation_rules { name: "not-verified" condition: ESCALATION_CONDITION_VERIFICATION_OVERDUE level: 1 }
  escalation_rules { name: "still-breached" condition: ESCALATION_CONDITION_BREACH_AGE
                     clocks: SLA_CLOCK_KIND_FIRST_RESPONSE after_breach: "2h" level: 2 }
)pb";

class AccountFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/accounts_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    Open();
  }
  void TearDown() override {
    if (store_ == nullptr) return;
    auto report = store_->Verify();
    ASSERT_THAT(report, testing::IsOk());
    EXPECT_THAT(report->problems, ::testing::IsEmpty()) << "store inconsistent after the test";
  }
  // (Re)opens everything on the same data directory, like a restart.
  void Open() {
    world_.reset();
    testing::DomainWorld::Options options;
    options.config = kAccountTestConfig;
    options.users = {kAlice, kTom, kTim, kSue, kRoot, kMia};
    options.accounts = true;
    options.verify_within = verify_within_;
    // Every service reads and writes through a double that forwards to the real store
    // unless a test makes it fail.
    options.wrap_store = [this](storage::Store& real) {
      auto failing = std::make_unique<testing::FailingTicketStore>(real);
      failing_ = failing.get();
      return failing;
    };
    auto world = testing::DomainWorld::Open(clock_, dir_, options);
    ASSERT_THAT(world, testing::IsOk());
    world_ = *std::move(world);
    store_ = world_->store.get();
    tickets_ = world_->lifecycle.get();
    queries_ = world_->queries.get();
    field_work_ = world_->field_work.get();
    charges_ = world_->charges.get();
    sla_service_ = world_->sla.get();
    work_queues_ = world_->work_queues.get();
    accounts_ = world_->accounts.get();
    monitor_ = world_->monitor.get();
    alerts_ = world_->alerts.get();
  }

  static v1::Account NewAccount(const std::string& id, v1::ChannelTier channel, int64_t sales,
                                int64_t profit = 0) {
    v1::Account a;
    a.set_id(id);
    a.set_name(absl::StrCat("Account ", id));
    a.set_channel_tier(channel);
    a.set_region("cn/zhejiang/hangzhou");
    a.set_sales_current(sales);
    a.set_profit_current(profit);
    return a;
  }
  v1::Account AddAccount(const v1::Account& account) {
    v1::CreateAccountRequest request;
    *request.mutable_account() = account;
    // As a supervisor: only supervisors and admins set sales and profit.
    absl::StatusOr<v1::Account> created = accounts_->Create(kSue, request);
    EXPECT_THAT(created, testing::IsOk());
    return created.ok() ? *created : v1::Account();
  }
  // Makes `id` KEY by a manual override.
  v1::Account MakeKey(const std::string& id) {
    v1::SetServiceTierRequest request;
    request.set_account_id(id);
    request.set_version(accounts_->Get(kSue, Named(id))->version());
    request.set_tier(v1::SERVICE_TIER_KEY);
    request.set_reason("strategic customer");
    absl::StatusOr<v1::Account> account = accounts_->SetServiceTier(kSue, request);
    EXPECT_THAT(account, testing::IsOk());
    return account.ok() ? *account : v1::Account();
  }
  static v1::GetAccountRequest Named(const std::string& id) {
    v1::GetAccountRequest request;
    request.set_id(id);
    return request;
  }
  v1::CreateTicketRequest TicketFor(const std::string& account,
                                    v1::TicketKind kind = v1::TICKET_KIND_REPAIR) {
    v1::CreateTicketRequest request;
    request.set_request_id(absl::StrCat("r", ++requests_));
    request.mutable_ticket()->set_kind(kind);
    request.mutable_ticket()->set_account_id(account);
    request.mutable_ticket()->set_summary("Printer jams");
    request.mutable_ticket()->mutable_contact()->set_name("Li Wei");
    request.mutable_ticket()->set_impact(v1::IMPACT_MEDIUM);
    request.mutable_ticket()->set_urgency(v1::URGENCY_MEDIUM);
    return request;
  }
  v1::Ticket CreateTicket(const std::string& account, const std::string& assignee = "",
                          v1::TicketKind kind = v1::TICKET_KIND_REPAIR) {
    v1::CreateTicketRequest request = TicketFor(account, kind);
    request.mutable_ticket()->set_assignee(assignee);
    request.mutable_ticket()->set_queue("repairs");
    absl::StatusOr<v1::Ticket> t = tickets_->Create(kAlice, request);
    EXPECT_THAT(t, testing::IsOk());
    return t.ok() ? *t : v1::Ticket();
  }
  std::vector<v1::Alert> AllAlerts() {
    auto response = alerts_->List(kSue, v1::ListAlertsRequest());
    EXPECT_THAT(response, testing::IsOk());
    return {response->alerts().begin(), response->alerts().end()};
  }

  testing::FakeClock clock_{absl::FromUnixSeconds(1704096000)};  // 2024-01-01T08:00:00Z
  UserDirectory users_{{kAlice, kTom, kTim, kSue, kRoot, kMia}};
  std::optional<absl::Duration> verify_within_;  // set before Open() to turn it on
  std::string dir_;
  std::unique_ptr<testing::DomainWorld> world_;
  storage::RocksDbTicketStore* store_ = nullptr;
  testing::FailingTicketStore* failing_ = nullptr;
  LifecycleService* tickets_ = nullptr;
  TicketQueries* queries_ = nullptr;
  FieldWorkService* field_work_ = nullptr;
  ChargesService* charges_ = nullptr;
  SlaService* sla_service_ = nullptr;
  WorkQueueService* work_queues_ = nullptr;
  AccountService* accounts_ = nullptr;
  SlaMonitor* monitor_ = nullptr;
  AlertService* alerts_ = nullptr;
  int requests_ = 0;
};

}  // namespace ticketing::domain

#endif  // TICKETING_TESTS_SERVER_DOMAIN_ACCOUNT_FIXTURE_H_
