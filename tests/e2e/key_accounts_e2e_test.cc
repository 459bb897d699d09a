// Key accounts end to end on the real ticketd: accounts, classification, the tier tickets
// take, a key account's complaint alerting at once, work-queue order, and all of it
// surviving a restart.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/alert_helpers.h"
#include "tests/e2e/e2e_client.h"
#include "tests/e2e/e2e_helpers.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// KEY accounts run on a 30 min first-response policy, others on 1 h; a KEY account's
// complaint alerts the key-account team (root) and the account manager (sue) at once.
constexpr char kConfig[] = R"pb(
  calendars { name: "always" time_zone: "UTC" always_open: true }
  sla_policies { name: "key" match { tiers: SERVICE_TIER_KEY } first_response: "30m"
                 resolution: "4h" calendar: "always" }
  sla_policies { name: "standard" first_response: "1h" resolution: "8h" calendar: "always" }
  escalation_levels { level: 1 name: "team lead" roles: ROLE_SUPERVISOR }
  escalation_levels { level: 2 name: "key-account team" users: "root" }
  escalation_rules { name: "key-complaint" condition: ESCALATION_CONDITION_KEY_ACCOUNT_COMPLAINT
                     level: 2 urgent: true notify_account_manager: true notify_key_persons: true }
  escalation_rules { name: "breach" condition: ESCALATION_CONDITION_SLA_BREACH level: 1 }
  key_account_margin: "1h"
)pb";

v1::Account Distributor(const std::string& id, int64_t sales) {
  v1::Account a;
  a.set_id(id);
  a.set_name("Distributor " + id);
  a.set_channel_tier(v1::CHANNEL_TIER_DISTRIBUTOR);
  a.set_sales_current(sales);
  return a;
}

class KeyAccountsE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_THAT(server_.Start(), IsOk()); }
  E2eClient As(const char* token) { return E2eClient(server_.Channel(), token); }
  v1::Account Add(v1::Account account) {
    v1::CreateAccountRequest request;
    *request.mutable_account() = std::move(account);
    // As a supervisor: only supervisors and admins set sales and profit.
    absl::StatusOr<v1::Account> created = As(kSupervisorToken).CreateAccount(request);
    EXPECT_THAT(created, IsOk());
    return created.ok() ? *created : v1::Account();
  }
  v1::Ticket Open(const std::string& account, v1::TicketKind kind) {
    v1::CreateTicketRequest request = NewTicketRequest(account);
    request.mutable_ticket()->set_kind(kind);
    request.mutable_ticket()->set_impact(v1::IMPACT_MEDIUM);
    request.mutable_ticket()->set_urgency(v1::URGENCY_MEDIUM);
    request.mutable_ticket()->set_assignee(kTechnicianTomName);
    absl::StatusOr<v1::Ticket> t = As(kAgentToken).CreateOnly(request);
    EXPECT_THAT(t, IsOk());
    return t.ok() ? *t : v1::Ticket();
  }
  std::vector<std::string> TomsQueue() {
    v1::ListWorkQueueRequest request;
    request.set_mine(true);
    absl::StatusOr<v1::ListWorkQueueResponse> queue = As(kTechnicianTomToken).WorkQueue(request);
    EXPECT_THAT(queue, IsOk());
    std::vector<std::string> ids;
    if (queue.ok()) {
      for (const v1::WorkItem& item : queue->items()) ids.push_back(item.ticket().id());
    }
    return ids;
  }

  ServerProcess server_{TICKETD_PATH, kConfig, AlertsServerFlags()};
};

TEST_F(KeyAccountsE2eTest, ClassifiedKeyAccountsGetFasterPromisesFirstPlaceAndImmediateAlerts) {
  // 500 + 300 = 80% of 1,000: D1 and D2 are KEY; D3 stays STANDARD.
  v1::Account d1 = Distributor("D1", 50000);
  d1.set_account_manager(kSupervisorName);
  v1::KeyPerson* buyer = d1.add_key_persons();
  buyer->set_name("Zhang Wei");
  buyer->set_role(v1::KEY_PERSON_ROLE_DECISION_MAKER);
  buyer->set_phone("+86 571 5550199");
  buyer->set_notify_on_escalation(true);
  Add(d1);
  Add(Distributor("D2", 30000));
  Add(Distributor("D3", 20000));
  EXPECT_THAT(As(kAgentToken).CreateOnly(NewTicketRequest("NOBODY")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("ticket.account_id")));

  const v1::Ticket standard_before = Open("D3", v1::TICKET_KIND_REPAIR);  // due 10:00
  const v1::Ticket upgraded = Open("D2", v1::TICKET_KIND_REPAIR);         // due 10:00 for now
  EXPECT_EQ(upgraded.sla_policy(), "standard");
  EXPECT_THAT(As(kAgentToken).Reclassify(true), StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  absl::StatusOr<v1::ReclassifyAccountsResponse> result = As(kSupervisorToken).Reclassify(true);
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->upgraded(), 2);
  EXPECT_EQ(result->tickets_moved(), 1);
  absl::StatusOr<v1::Ticket> moved = As(kAgentToken).Get(upgraded.id());
  ASSERT_THAT(moved, IsOk());
  EXPECT_EQ(moved->service_tier(), v1::SERVICE_TIER_KEY);
  EXPECT_EQ(moved->sla_policy(), "key");  // first response now due 09:30

  const v1::Ticket complaint = Open("D1", v1::TICKET_KIND_COMPLAINT);
  EXPECT_EQ(complaint.priority(), v1::PRIORITY_P1);
  EXPECT_EQ(complaint.service_tier(), v1::SERVICE_TIER_KEY);
  absl::StatusOr<std::vector<v1::Alert>> alerts = ListAllAlerts(server_.Channel(), kAdminToken);
  ASSERT_THAT(alerts, IsOk());
  ASSERT_THAT(*alerts, SizeIs(1));
  EXPECT_EQ(alerts->at(0).condition(), v1::ESCALATION_CONDITION_KEY_ACCOUNT_COMPLAINT);
  EXPECT_THAT(alerts->at(0).recipients(), ElementsAre("root", "sue"));
  ASSERT_THAT(alerts->at(0).key_persons(), SizeIs(1));
  EXPECT_EQ(alerts->at(0).key_persons(0).phone(), "+86 571 5550199");

  // Tom's queue: both KEY tickets (due 09:30) ahead of the standard one (due 10:00).
  EXPECT_THAT(TomsQueue(), ElementsAre(upgraded.id(), complaint.id(), standard_before.id()));
  ASSERT_THAT(AdvanceClock(server_.Channel(), absl::Minutes(31)), IsOk());
  // The two KEY tickets breached; the standard one did not.
  EXPECT_THAT(TomsQueue(), ElementsAre(upgraded.id(), complaint.id(), standard_before.id()));

  ASSERT_THAT(server_.Restart(), IsOk());
  EXPECT_EQ(As(kAgentToken).GetAccount("D1")->service_tier(), v1::SERVICE_TIER_KEY);
  EXPECT_THAT(TomsQueue(), ElementsAre(upgraded.id(), complaint.id(), standard_before.id()));
  absl::StatusOr<v1::VerifyStoreResponse> verify = As(kAdminToken).VerifyStore();
  ASSERT_THAT(verify, IsOk());
  EXPECT_EQ(verify->problem_count(), 0) << verify->DebugString();
}

}  // namespace
}  // namespace ticketing::testing
