// Exactly-once alerts across kill -9: many SLA timers fall due at the same instant, the
// server is killed while it records them (three times), restarted, and driven on. Every
// warning and breach must be recorded once, each with exactly one alert, and the alert
// sequence must have no gap.
//
// The kill moment is random; the seed is printed and can be replayed with
// ALERT_CRASH_TEST_SEED=<n>.
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "ticketing/v1/admin_service.grpc.pb.h"
#include "ticketing/v1/account.grpc.pb.h"
#include "ticketing/v1/alert.grpc.pb.h"
#include "ticketing/v1/ticket_service.grpc.pb.h"

namespace ticketing::testing {
namespace {

#ifndef TICKETD_PATH
#error "TICKETD_PATH must name the ticketd binary (see tests/e2e/CMakeLists.txt)"
#endif

constexpr int kTickets = 500;
constexpr char kConfig[] = R"pb(
  calendars { name: "always" time_zone: "UTC" always_open: true }
  sla_policies { name: "standard" first_response: "1h" calendar: "always" }
  escalation_levels { level: 1 name: "team lead" users: "sue" }
  escalation_rules { name: "breach" condition: ESCALATION_CONDITION_SLA_BREACH level: 1 }
  escalation_rules { name: "warning" condition: ESCALATION_CONDITION_SLA_WARNING level: 1 }
)pb";

uint32_t Seed() {
  uint32_t seed = std::random_device{}();
  if (const char* given = std::getenv("ALERT_CRASH_TEST_SEED")) (void)absl::SimpleAtoi(given, &seed);
  std::cout << "ALERT_CRASH_TEST_SEED=" << seed << std::endl;
  return seed;
}

grpc::Status Advance(ServerProcess& server, int64_t seconds) {
  auto stub = v1::AdminService::NewStub(server.Channel());
  v1::AdvanceTestClockRequest request;
  request.mutable_advance()->set_seconds(seconds);
  v1::AdvanceTestClockResponse response;
  return stub->AdvanceTestClock(MakeClientContext(kAdminToken, absl::Seconds(60)).get(), request, &response);
}

std::vector<v1::Alert> AllAlerts(ServerProcess& server) {
  auto stub = v1::AlertService::NewStub(server.Channel());
  std::vector<v1::Alert> all;
  v1::ListAlertsRequest request;
  request.set_page_size(500);
  while (true) {
    v1::ListAlertsResponse response;
    EXPECT_TRUE(stub->ListAlerts(MakeClientContext(kSupervisorToken).get(), request, &response).ok());
    all.insert(all.end(), response.alerts().begin(), response.alerts().end());
    request.set_after_sequence(response.last_sequence());
    if (!response.more()) return all;
  }
}

void CreateTickets(ServerProcess& server, int count) {
  auto stub = v1::TicketService::NewStub(server.Channel());
  v1::CreateAccountRequest account;
  account.mutable_account()->set_id("acct-printers");
  account.mutable_account()->set_name("Printer Buyers Ltd");
  account.mutable_account()->set_channel_tier(v1::CHANNEL_TIER_BUSINESS_END_CUSTOMER);
  v1::Account created;
  ASSERT_TRUE(v1::AccountService::NewStub(server.Channel())
                  ->CreateAccount(MakeClientContext(kAgentToken).get(), account, &created)
                  .ok());
  for (int i = 0; i < count; ++i) {
    v1::CreateTicketRequest request;
    request.set_request_id(absl::StrCat("alert-crash-", i));
    request.mutable_ticket()->set_kind(v1::TICKET_KIND_REPAIR);
    request.mutable_ticket()->set_account_id("acct-printers");
    request.mutable_ticket()->set_summary("Printer jams");
    request.mutable_ticket()->mutable_contact()->set_name("Li Wei");
    v1::Ticket ticket;
    ASSERT_TRUE(stub->CreateTicket(MakeClientContext(kAgentToken).get(), request, &ticket).ok());
  }
}

TEST(AlertsCrashE2eTest, EveryBreachIsRecordedOnceWithOneAlertAcrossKillNine) {
  std::mt19937 rng(Seed());
  ServerProcess server(TICKETD_PATH, kConfig, {"--test_clock", "--test_clock_start=2026-01-05T09:00:00Z"});
  ASSERT_THAT(server.Start(), IsOk());
  CreateTickets(server, kTickets);  // all warnings due at 09:45, all breaches at 10:00
  for (int cycle = 0; cycle < 3; ++cycle) {
    std::thread advancer([&] { (void)Advance(server, 7200); });
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + rng() % 100));
    ASSERT_THAT(server.Kill9(), IsOk());
    advancer.join();
    ASSERT_THAT(server.Restart(), IsOk());  // the test clock starts at 09:00 again
    std::cout << "cycle " << cycle << ": alerts stored when killed: " << AllAlerts(server).size()
              << " of " << 2 * kTickets << std::endl;
  }
  ASSERT_TRUE(Advance(server, 7200).ok());  // records whatever the kills left undone

  const std::vector<v1::Alert> alerts = AllAlerts(server);
  std::map<std::string, int> per_ticket;
  for (size_t i = 0; i < alerts.size(); ++i) {
    EXPECT_EQ(alerts[i].sequence(), static_cast<int64_t>(i + 1)) << "gap or disorder";
    ++per_ticket[alerts[i].ticket_id()];
  }
  EXPECT_EQ(alerts.size(), static_cast<size_t>(2 * kTickets));
  for (const auto& [ticket, count] : per_ticket) EXPECT_EQ(count, 2) << ticket << ": one warning, one breach";
  auto tickets = v1::TicketService::NewStub(server.Channel());
  for (int i = 1; i <= kTickets; ++i) {
    v1::GetTicketRequest get;
    get.set_id(absl::StrCat("T-", i));
    v1::Ticket ticket;
    ASSERT_TRUE(tickets->GetTicket(MakeClientContext(kAgentToken).get(), get, &ticket).ok());
    ASSERT_EQ(ticket.sla_clocks_size(), 1);
    EXPECT_EQ(ticket.sla_clocks(0).state(), v1::SLA_CLOCK_STATE_BREACHED) << ticket.id();
    EXPECT_EQ(ticket.sla_clocks(0).breach_count(), 1) << ticket.id();
    EXPECT_EQ(ticket.version(), 3) << ticket.id() << ": created, warning at 09:45, breach at 10:00";
  }
  auto admin = v1::AdminService::NewStub(server.Channel());
  v1::VerifyStoreResponse report;
  ASSERT_TRUE(admin->VerifyStore(MakeClientContext(kAdminToken).get(), v1::VerifyStoreRequest(), &report).ok());
  EXPECT_THAT(report.problems(), ::testing::IsEmpty());
  EXPECT_EQ(report.timers(), 0);
}

}  // namespace
}  // namespace ticketing::testing
