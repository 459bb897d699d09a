// The printer story of ../shared/DOMAIN.md, section 1, replayed on the real ticketd with the
// test clock: everything that went wrong there now raises an alert, for a key account
// earlier and higher than for a standard one, and a supervisor's console that drops its
// stream in the middle and resumes receives every alert once, in order.
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
using ::testing::ElementsAreArray;
using ::testing::SizeIs;

// KEY accounts: 30 min first response (warning at 75%), alerts from the warning on, at
// level 1 re-escalating after 10 min, and chases, failed visits and missed dates straight
// to level 2, with the account's key persons and manager. STANDARD accounts: 1 h, no
// warning alert, everything at level 1.
constexpr char kConfig[] = R"pb(
  calendars { name: "always" time_zone: "UTC" always_open: true }
  sla_policies { name: "key" match { tiers: SERVICE_TIER_KEY } first_response: "30m"
                 resolution: "8h" calendar: "always" }
  sla_policies { name: "standard" first_response: "1h" resolution: "24h" calendar: "always" }
  escalation_levels { level: 1 name: "team lead" users: "sue" reescalate_after: "30m" }
  escalation_levels { level: 2 name: "service manager" users: "root" }
  escalation_rules { name: "key-date-missed" condition: ESCALATION_CONDITION_SLA_BREACH
                     clocks: SLA_CLOCK_KIND_COMMITTED_DATE tiers: SERVICE_TIER_KEY level: 2
                     notify_key_persons: true notify_account_manager: true }
  escalation_rules { name: "key-warning" condition: ESCALATION_CONDITION_SLA_WARNING
                     clocks: SLA_CLOCK_KIND_FIRST_RESPONSE clocks: SLA_CLOCK_KIND_RESOLUTION
                     tiers: SERVICE_TIER_KEY level: 1 notify_key_persons: true
                     notify_account_manager: true }
  escalation_rules { name: "key-breach" condition: ESCALATION_CONDITION_SLA_BREACH
                     tiers: SERVICE_TIER_KEY level: 1 reescalate_after: "10m"
                     notify_key_persons: true notify_account_manager: true }
  escalation_rules { name: "key-chased" condition: ESCALATION_CONDITION_CHASE_COUNT chase_count: 3
                     tiers: SERVICE_TIER_KEY level: 2 notify_key_persons: true
                     notify_account_manager: true }
  escalation_rules { name: "key-not-fixed" condition: ESCALATION_CONDITION_VISIT_NOT_FIXED
                     tiers: SERVICE_TIER_KEY level: 2 notify_key_persons: true
                     notify_account_manager: true }
  escalation_rules { name: "breach" condition: ESCALATION_CONDITION_SLA_BREACH level: 1 }
  escalation_rules { name: "chased" condition: ESCALATION_CONDITION_CHASE_COUNT chase_count: 3 level: 1 }
  escalation_rules { name: "not-fixed" condition: ESCALATION_CONDITION_VISIT_NOT_FIXED level: 1 }
)pb";

class PrinterStoryE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(server_.Start(), IsOk());
    agent_ = std::make_unique<E2eClient>(server_.Channel(), kAgentToken);
    tickets_ = v1::TicketService::NewStub(server_.Channel());
  }

  void AddAccount(const std::string& id, v1::ChannelTier channel, int64_t sales, bool people) {
    v1::CreateAccountRequest request;
    v1::Account& a = *request.mutable_account();
    a.set_id(id);
    a.set_name("Account " + id);
    a.set_channel_tier(channel);
    a.set_sales_current(sales);
    a.set_account_manager(kSupervisorName);
    if (people) {
      v1::KeyPerson* p = a.add_key_persons();
      p->set_name("Chen Jie");
      p->set_role(v1::KEY_PERSON_ROLE_DECISION_MAKER);
      p->set_phone("+86 571 5550123");
      p->set_notify_on_escalation(true);
    }
    // As the supervisor: only supervisors and admins set sales and profit.
    ASSERT_THAT(E2eClient(server_.Channel(), kSupervisorToken).CreateAccount(request), IsOk());
  }
  std::string OpenRepair(const std::string& account) {
    v1::CreateTicketRequest request = NewTicketRequest(account, "Printer jams badly");
    request.mutable_ticket()->set_assignee(kTechnicianTomName);
    absl::StatusOr<v1::Ticket> t = agent_->CreateOnly(request);
    EXPECT_THAT(t, IsOk());
    return t.ok() ? t->id() : "";
  }
  void Advance(absl::Duration by) { ASSERT_THAT(AdvanceClock(server_.Channel(), by), IsOk()); }
  void Ack(int64_t sequence, const char* token = kSupervisorToken) {
    ASSERT_THAT(AckAlert(server_.Channel(), token, sequence, "on it"), IsOk());
  }
  void Chase(const std::string& id) {
    v1::RecordContactRequest request;
    request.set_ticket_id(id);
    request.set_channel(v1::CONTACT_CHANNEL_PHONE);
    request.set_note("where is my printer?");
    v1::Ticket ticket;
    ASSERT_TRUE(tickets_->RecordContact(MakeClientContext(kAgentToken).get(), request, &ticket).ok());
  }
  void VisitWithoutPart(const std::string& id) {
    v1::ScheduleVisitRequest schedule;
    schedule.set_ticket_id(id);
    schedule.mutable_window_start()->set_seconds(kStart + 3600);
    schedule.mutable_window_end()->set_seconds(kStart + 3 * 3600);
    v1::Ticket ticket;
    ASSERT_TRUE(tickets_->ScheduleVisit(MakeClientContext(kAgentToken).get(), schedule, &ticket).ok());
    v1::RecordVisitRequest visit;
    visit.set_ticket_id(id);
    visit.set_visit_number(1);
    visit.mutable_arrive_time()->set_seconds(kStart + 3600);
    visit.mutable_leave_time()->set_seconds(kStart + 3600 + 1800);
    visit.set_diagnosis("print head broken; part not in the van");
    visit.set_outcome(v1::VISIT_OUTCOME_NOT_FIXED);
    visit.set_not_fixed_reason(v1::NOT_FIXED_REASON_MISSING_PART);
    ASSERT_TRUE(tickets_->RecordVisit(MakeClientContext(kTechnicianTomToken).get(), visit, &ticket).ok());
    EXPECT_FALSE(ticket.first_time_fix());
  }
  void PromiseDate(const std::string& id, int64_t unix_seconds) {
    absl::StatusOr<v1::Ticket> t = agent_->Get(id);
    ASSERT_THAT(t, IsOk());
    v1::SetCommittedDateRequest request;
    request.set_id(id);
    request.set_version(t->version());
    request.mutable_committed_time()->set_seconds(unix_seconds);
    request.set_reason("the print head arrives by noon");
    v1::Ticket ticket;
    ASSERT_TRUE(tickets_->SetCommittedDate(MakeClientContext(kAgentToken).get(), request, &ticket).ok());
  }

  static constexpr int64_t kStart = 1767603600;  // 2026-01-05T09:00:00Z
  ServerProcess server_{TICKETD_PATH, kConfig, AlertsServerFlags()};
  std::unique_ptr<E2eClient> agent_;
  std::unique_ptr<v1::TicketService::Stub> tickets_;
};

TEST_F(PrinterStoryE2eTest, EveryFailureOfTheStoryAlertsAndTheConsoleMissesNothing) {
  AddAccount("LOYAL-CO", v1::CHANNEL_TIER_BUSINESS_END_CUSTOMER, 900000, /*people=*/true);
  AddAccount("SMALL-CO", v1::CHANNEL_TIER_BUSINESS_END_CUSTOMER, 100000, /*people=*/false);
  // 900,000 of 1,000,000 is past 80%: LOYAL-CO is a key account, SMALL-CO is not.
  ASSERT_THAT(E2eClient(server_.Channel(), kSupervisorToken).Reclassify(true), IsOk());
  AlertWatch console(server_.Channel(), kAdminToken, 0);

  // 09:00 the customer phones; both companies' printers jam the same morning.
  const std::string key = OpenRepair("LOYAL-CO");
  const std::string standard = OpenRepair("SMALL-CO");
  // "Very soon": nobody responds. 09:22:30 the key ticket's warning, 09:30 its breach.
  Advance(absl::Minutes(25));
  ASSERT_THAT(console.WaitFor(1), SizeIs(1));
  Ack(1);  // the team lead saw the warning, but nobody acts on the breach that follows
  Advance(absl::Minutes(6));
  ASSERT_THAT(console.WaitFor(2), SizeIs(2));
  console.Cancel();  // the supervisor's console drops off here...

  // 09:40 the breach was not acknowledged: it goes to the service manager.
  Advance(absl::Minutes(10));
  Ack(3, kAdminToken);
  // The customer chases three times.
  for (int i = 0; i < 3; ++i) {
    Chase(key);
    Chase(standard);
  }
  Ack(4);
  Ack(5);
  Advance(absl::Minutes(20));  // 10:01: the standard ticket breaches an hour in
  Ack(6);
  // The technician comes without the part.
  VisitWithoutPart(key);
  VisitWithoutPart(standard);
  Ack(7);
  Ack(8);
  // A date is promised for noon, and missed.
  PromiseDate(key, kStart + 3 * 3600);
  PromiseDate(standard, kStart + 3 * 3600);
  Advance(absl::Hours(2));  // 12:01

  // ...and resumes from the last alert it printed.
  const std::vector<v1::Alert> before = console.received();
  AlertWatch resumed(server_.Channel(), kAdminToken, before.back().sequence());
  const std::vector<v1::Alert> after = resumed.WaitFor(8);
  std::vector<int64_t> seen = Sequences(before);
  for (int64_t s : Sequences(after)) seen.push_back(s);
  EXPECT_THAT(seen, ElementsAreArray(Range(1, 10))) << "every alert once, in order";

  absl::StatusOr<std::vector<v1::Alert>> all = ListAllAlerts(server_.Channel(), kAdminToken);
  ASSERT_THAT(all, IsOk());
  ASSERT_THAT(*all, SizeIs(10));
  struct Expected {
    std::string ticket;
    v1::EscalationCondition condition;
    v1::SlaClockKind clock;
    int level;
    std::string rule;
  };
  const std::vector<Expected> story = {
      {key, v1::ESCALATION_CONDITION_SLA_WARNING, v1::SLA_CLOCK_KIND_FIRST_RESPONSE, 1, "key-warning"},
      {key, v1::ESCALATION_CONDITION_SLA_BREACH, v1::SLA_CLOCK_KIND_FIRST_RESPONSE, 1, "key-breach"},
      {key, v1::ESCALATION_CONDITION_SLA_BREACH, v1::SLA_CLOCK_KIND_FIRST_RESPONSE, 2, "key-breach"},
      {key, v1::ESCALATION_CONDITION_CHASE_COUNT, v1::SLA_CLOCK_KIND_UNSPECIFIED, 2, "key-chased"},
      {standard, v1::ESCALATION_CONDITION_CHASE_COUNT, v1::SLA_CLOCK_KIND_UNSPECIFIED, 1, "chased"},
      {standard, v1::ESCALATION_CONDITION_SLA_BREACH, v1::SLA_CLOCK_KIND_FIRST_RESPONSE, 1, "breach"},
      {key, v1::ESCALATION_CONDITION_VISIT_NOT_FIXED, v1::SLA_CLOCK_KIND_UNSPECIFIED, 2, "key-not-fixed"},
      {standard, v1::ESCALATION_CONDITION_VISIT_NOT_FIXED, v1::SLA_CLOCK_KIND_UNSPECIFIED, 1, "not-fixed"},
      {key, v1::ESCALATION_CONDITION_SLA_BREACH, v1::SLA_CLOCK_KIND_COMMITTED_DATE, 2, "key-date-missed"},
      {standard, v1::ESCALATION_CONDITION_SLA_BREACH, v1::SLA_CLOCK_KIND_COMMITTED_DATE, 1, "breach"},
  };
  for (size_t i = 0; i < story.size(); ++i) {
    const v1::Alert& alert = all->at(i);
    SCOPED_TRACE(alert.summary());
    EXPECT_EQ(alert.ticket_id(), story[i].ticket);
    EXPECT_EQ(alert.condition(), story[i].condition);
    EXPECT_EQ(alert.clock(), story[i].clock);
    EXPECT_EQ(alert.level(), story[i].level);
    EXPECT_EQ(alert.rule(), story[i].rule);
    if (story[i].ticket == key) {
      EXPECT_EQ(alert.tier(), v1::SERVICE_TIER_KEY);
      ASSERT_THAT(alert.key_persons(), SizeIs(1)) << "the account's key persons hear of it";
      EXPECT_EQ(alert.key_persons(0).name(), "Chen Jie");
      EXPECT_THAT(alert.recipients(), ::testing::Contains(kSupervisorName))
          << "the account manager too";
    } else {
      EXPECT_EQ(alert.tier(), v1::SERVICE_TIER_STANDARD);
      EXPECT_THAT(alert.key_persons(), SizeIs(0));
    }
  }
  EXPECT_EQ(all->at(2).escalated_from_sequence(), 2);
  absl::StatusOr<v1::VerifyStoreResponse> verify =
      E2eClient(server_.Channel(), kAdminToken).VerifyStore();
  ASSERT_THAT(verify, IsOk());
  EXPECT_EQ(verify->problem_count(), 0);
}

}  // namespace
}  // namespace ticketing::testing
