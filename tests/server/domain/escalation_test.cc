// Escalation inside the domain: SLA breaches raise alerts, stored with the firing, streamed
// to watchers. Fake clock, real store, no sleeps for SLA time.
#include <filesystem>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "server/domain/escalation/alert_service.h"
#include "server/domain/escalation/escalation_policy.h"
#include "server/domain/escalation/sla_monitor.h"
#include "server/domain/base/ticket_events.h"
#include "tests/testing/domain_world.h"
#include "storage/rocksdb_ticket_store.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/status_matchers.h"
#include "ticketing/v1/config.pb.h"

namespace ticketing::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::ticketing::testing::FakeClock;
using ::ticketing::testing::IsOk;
using ::ticketing::testing::IsOkAndHolds;
using ::ticketing::testing::StatusIs;

const Principal kAlice{"alice", v1::ROLE_AGENT};
const Principal kTom{"tom", v1::ROLE_TECHNICIAN};
const Principal kSue{"sue", v1::ROLE_SUPERVISOR};
const Principal kRoot{"root", v1::ROLE_ADMIN};

constexpr char kConfig[] = R"pb(
  calendars { name: "always" time_zone: "UTC" always_open: true }
  sla_policies { name: "standard" first_response: "1h" resolution: "8h" calendar: "always" }
  escalation_levels { level: 1 name: "team lead" roles: ROLE_SUPERVISOR reescalate_after: "30m" }
  escalation_levels { level: 2 name: "service manager" users: "root" }
  escalation_rules { name: "chased-3" condition: ESCALATION_CONDITION_CHASE_COUNT chase_count: 3
                     level: 2 }
  escalation_rules { name: "p1-breach" condition: ESCALATION_CONDITION_SLA_BREACH
                     priorities: PRIORITY_P1 level: 2 }
  escalation_rules { name: "breach" condition: ESCALATION_CONDITION_SLA_BREACH level: 1
                     raise_priority_to: PRIORITY_P2 move_to_queue: "escalated" }
)pb";

class EscalationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(kConfig, &config_));
    dir_ = ::testing::TempDir() + "/escalation_" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    Open();
  }
  void Open() {
    world_.reset();
    testing::DomainWorld::Options options;
    options.config = kConfig;
    options.users = {kAlice, kTom, kSue, kRoot, Principal{"tim", v1::ROLE_TECHNICIAN}};
    auto world = testing::DomainWorld::Open(clock_, dir_, options);
    ASSERT_THAT(world, testing::IsOk());
    world_ = *std::move(world);
    store_ = world_->store.get();
    tickets_ = world_->lifecycle.get();
    queries_ = world_->queries.get();
    monitor_ = world_->monitor.get();
    alerts_ = world_->alerts.get();
    publisher_ = &world_->publisher;
  }
  v1::Ticket Create(v1::Priority priority) {
    v1::CreateTicketRequest request;
    request.set_request_id(absl::StrCat("r", ++requests_));
    request.mutable_ticket()->set_kind(v1::TICKET_KIND_REPAIR);
    request.mutable_ticket()->set_account_id("ACME");
    request.mutable_ticket()->set_summary("Printer jams");
    request.mutable_ticket()->mutable_contact()->set_name("Li Wei");
    request.mutable_ticket()->set_priority(priority); request.mutable_ticket()->set_priority_reason("test sets it");
    request.mutable_ticket()->set_assignee("tom");
    return *tickets_->Create(kAlice, request);
  }
  std::vector<v1::Alert> All() {
    auto response = alerts_->List(kSue, v1::ListAlertsRequest());
    EXPECT_THAT(response, IsOk());
    return {response->alerts().begin(), response->alerts().end()};
  }

  v1::ServerConfig config_;
  FakeClock clock_{absl::FromUnixSeconds(1704096000)};
  UserDirectory users_{{kAlice, kTom, kSue, kRoot, Principal{"tim", v1::ROLE_TECHNICIAN}}};
  std::string dir_;
  std::unique_ptr<testing::DomainWorld> world_;
  storage::RocksDbTicketStore* store_ = nullptr;
  LifecycleService* tickets_ = nullptr;
  TicketQueries* queries_ = nullptr;
  SlaMonitor* monitor_ = nullptr;
  AlertService* alerts_ = nullptr;
  exec::CommitPublisher* publisher_ = nullptr;
  int requests_ = 0;
};

TEST_F(EscalationTest, ABreachRaisesOneAlertToTheLevelWhoeverIsAssigned) {
  const v1::Ticket t = Create(v1::PRIORITY_P3);
  clock_.Advance(absl::Minutes(70));
  ASSERT_THAT(monitor_->RunOnce(), IsOk());
  ASSERT_THAT(monitor_->RunOnce(), IsOk());  // nothing fires twice
  const std::vector<v1::Alert> alerts = All();
  ASSERT_EQ(alerts.size(), 1u);  // no warning rule in this config
  const v1::Alert& alert = alerts[0];
  EXPECT_EQ(alert.sequence(), 1);
  EXPECT_EQ(alert.ticket_id(), t.id());
  EXPECT_EQ(alert.condition(), v1::ESCALATION_CONDITION_SLA_BREACH);
  EXPECT_EQ(alert.clock(), v1::SLA_CLOCK_KIND_FIRST_RESPONSE);
  EXPECT_EQ(alert.level(), 1);
  EXPECT_EQ(alert.level_name(), "team lead");
  EXPECT_THAT(alert.recipients(), ElementsAre("sue"));
  EXPECT_EQ(alert.assignee(), "tom");
  EXPECT_EQ(alert.rule(), "breach");
  EXPECT_EQ(FromDurationProto(alert.past_target()), absl::Minutes(10));  // fired late by the jump
}

TEST_F(EscalationTest, RuleActionsRaisePriorityMoveTheQueueAndRetargetTheClocks) {
  const v1::Ticket t = Create(v1::PRIORITY_P3);
  clock_.Advance(absl::Minutes(61));
  ASSERT_THAT(monitor_->RunOnce(), IsOk());
  v1::GetTicketRequest get;
  get.set_id(t.id());
  const v1::Ticket escalated = *queries_->Get(kAlice, get);
  EXPECT_EQ(escalated.priority(), v1::PRIORITY_P2);
  EXPECT_EQ(escalated.queue(), "escalated");
  v1::ListTicketEventsRequest events;
  events.set_ticket_id(t.id());
  const v1::TicketEvent last = queries_->ListEvents(kAlice, events)->events().rbegin()[0];
  EXPECT_EQ(last.type(), v1::EVENT_TYPE_SLA);
  std::vector<std::string> fields;
  for (const auto& c : last.changes()) fields.push_back(c.field());
  EXPECT_THAT(fields, ::testing::IsSupersetOf({"sla.first_response", "escalation", "priority", "queue"}));
}

TEST_F(EscalationTest, TheFirstMatchingRuleWinsSoP1BreachesStartHigher) {
  Create(v1::PRIORITY_P1);
  clock_.Advance(absl::Minutes(61));
  ASSERT_THAT(monitor_->RunOnce(), IsOk());
  const std::vector<v1::Alert> alerts = All();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].level(), 2);
  EXPECT_THAT(alerts[0].recipients(), ElementsAre("root"));
}

TEST_F(EscalationTest, SequencesAreGapFreeAcrossTicketsAndRestarts) {
  for (int i = 0; i < 3; ++i) Create(v1::PRIORITY_P3);
  clock_.Advance(absl::Hours(2));
  ASSERT_THAT(monitor_->RunOnce(), IsOk());
  Open();  // restart
  Create(v1::PRIORITY_P3);
  clock_.Advance(absl::Hours(10));
  ASSERT_THAT(monitor_->RunOnce(), IsOk());
  std::vector<int64_t> sequences;
  for (const v1::Alert& a : All()) sequences.push_back(a.sequence());
  // 3 first-response breaches; then the 4th ticket's two breaches, the first three
  // tickets' resolution breaches, and the 3 unacknowledged first alerts one level up.
  EXPECT_EQ(sequences, (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
  int level_two = 0;
  for (const v1::Alert& a : All()) level_two += a.level() == 2;
  EXPECT_EQ(level_two, 3);
}

TEST_F(EscalationTest, AnUnacknowledgedAlertGoesOneLevelUpAfterItsDelayAndAnAckStopsThat) {
  const v1::Ticket first = Create(v1::PRIORITY_P3);
  clock_.Advance(absl::Minutes(61));
  ASSERT_THAT(monitor_->RunOnce(), IsOk());  // alert 1 at level 1, re-escalates at +30m
  const v1::Ticket second = Create(v1::PRIORITY_P3);
  clock_.Advance(absl::Minutes(29));
  ASSERT_THAT(monitor_->RunOnce(), IsOk());
  EXPECT_EQ(All().size(), 1u);
  clock_.Advance(absl::Minutes(1));
  ASSERT_THAT(monitor_->RunOnce(), IsOk());
  std::vector<v1::Alert> alerts = All();
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[1].level(), 2);
  EXPECT_THAT(alerts[1].recipients(), ElementsAre("root"));
  EXPECT_EQ(alerts[1].escalated_from_sequence(), 1);
  EXPECT_FALSE(alerts[1].has_reescalate_time());  // the top level
  EXPECT_EQ(alerts[0].escalated_to_sequence(), 2);
  v1::ListTicketEventsRequest events;
  events.set_ticket_id(first.id());
  const v1::TicketEvent last = queries_->ListEvents(kAlice, events)->events().rbegin()[0];
  EXPECT_EQ(last.actor(), "system");
  EXPECT_THAT(last.changes(0).new_value(), HasSubstr("level 2: alert 1 unacknowledged"));
  // The second ticket breaches at 121m; its alert is acknowledged in time.
  clock_.Advance(absl::Minutes(31));
  ASSERT_THAT(monitor_->RunOnce(), IsOk());
  alerts = All();
  ASSERT_EQ(alerts.size(), 3u);
  EXPECT_EQ(alerts[2].ticket_id(), second.id());
  v1::AckAlertRequest ack;
  ack.set_sequence(3);
  ASSERT_THAT(alerts_->Ack(kSue, ack), IsOk());
  clock_.Advance(absl::Hours(1));
  ASSERT_THAT(monitor_->RunOnce(), IsOk());
  EXPECT_EQ(All().size(), 3u);
  auto report = store_->Verify();
  ASSERT_THAT(report, IsOk());
  EXPECT_THAT(report->problems, IsEmpty());
}

TEST_F(EscalationTest, AnAlertNamingNoValidTicketIsCorruptNotTicketZero) {
  Create(v1::PRIORITY_P3);
  clock_.Advance(absl::Minutes(61));
  ASSERT_THAT(monitor_->RunOnce(), IsOk());  // alert 1, re-escalates at +30m
  const v1::Alert stored = All()[0];
  v1::Alert corrupt = stored;
  corrupt.set_ticket_id("T-x");
  ASSERT_THAT(store_->UpdateAlert(stored, corrupt), IsOk());
  v1::AckAlertRequest ack;
  ack.set_sequence(1);
  EXPECT_THAT(alerts_->Ack(kSue, ack),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("alert 1 names no valid ticket")));
  EXPECT_FALSE(All()[0].acknowledged());
  clock_.Advance(absl::Minutes(30));
  EXPECT_THAT(monitor_->RunOnce(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("alert 1 names no valid ticket")));
  EXPECT_EQ(All().size(), 1u) << "nothing re-escalated on some other ticket";
}

TEST(BreachAgeTest, ABreachAgeTheCalendarCannotCountIsStillScheduledAndSaysWhy) {
  constexpr char kConfig[] = R"pb(
    calendars { name: "always" time_zone: "UTC" always_open: true }
    sla_policies { name: "standard" first_response: "1h" resolution: "8h" calendar: "always" }
    escalation_levels { level: 1 name: "team lead" roles: ROLE_SUPERVISOR }
    escalation_rules { name: "breach" condition: ESCALATION_CONDITION_SLA_BREACH level: 1 }
    escalation_rules { name: "two-days" condition: ESCALATION_CONDITION_BREACH_AGE
                       clocks: SLA_CLOCK_KIND_FIRST_RESPONSE after_breach: "48h" level: 1 }
  )pb";
  const std::string dir = ::testing::TempDir() + "/breach_age_beyond_calendar";
  std::filesystem::remove_all(dir);
  FakeClock clock(absl::FromUnixSeconds(1704096000));  // 2024-01-01 08:00 UTC
  testing::DomainWorld::Options options;
  options.config = kConfig;
  options.users = {kAlice, kSue};
  options.last_day = absl::CivilDay(2024, 1, 2);  // the calendar ends before the 48 hours do
  auto world = testing::DomainWorld::Open(clock, dir, options);
  ASSERT_THAT(world, IsOk());
  v1::CreateTicketRequest request;
  request.set_request_id("r1");
  request.mutable_ticket()->set_kind(v1::TICKET_KIND_REPAIR);
  request.mutable_ticket()->set_account_id("ACME");
  request.mutable_ticket()->set_summary("Printer jams");
  request.mutable_ticket()->mutable_contact()->set_name("Li Wei");
  const v1::Ticket t = *(*world)->lifecycle->Create(kAlice, request);
  clock.Advance(absl::Minutes(61));
  ASSERT_THAT((*world)->monitor->RunOnce(), IsOk());  // first response breached at 09:00
  v1::GetTicketRequest get;
  get.set_id(t.id());
  const v1::Ticket breached = *(*world)->queries->Get(kSue, get);
  ASSERT_EQ(breached.pending_escalations_size(), 1) << "never silently dropped";
  EXPECT_EQ(breached.pending_escalations(0).rule(), "two-days");
  EXPECT_EQ(FromTimestamp(breached.pending_escalations(0).due_time()),
            absl::FromUnixSeconds(1704096000) + absl::Hours(1 + 48));
  v1::ListTicketEventsRequest events;
  events.set_ticket_id(t.id());
  const v1::TicketEvent fired = (*world)->queries->ListEvents(kSue, events)->events().rbegin()[0];
  bool said_why = false;
  for (const v1::FieldChange& change : fired.changes()) {
    said_why = said_why || (change.field() == "sla.first_response.breach_age_due" &&
                            absl::StrContains(change.new_value(), "calendar 'always' cannot count 48h"));
  }
  EXPECT_TRUE(said_why) << fired.DebugString();
}

TEST_F(EscalationTest, RecipientsAndOversightAcknowledgeOthersMayNot) {
  Create(v1::PRIORITY_P3);
  clock_.Advance(absl::Minutes(61));
  ASSERT_THAT(monitor_->RunOnce(), IsOk());
  v1::AckAlertRequest ack;
  ack.set_sequence(1);
  ack.set_note("calling the customer now");
  EXPECT_THAT(alerts_->Ack(kAlice, ack), StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("recipient")));
  auto acked = alerts_->Ack(kTom, ack);  // the assignee is informed, and may acknowledge
  ASSERT_THAT(acked, IsOk());
  EXPECT_TRUE(acked->acknowledged());
  EXPECT_EQ(acked->acknowledged_by(), "tom");
  EXPECT_EQ(alerts_->Ack(kSue, ack)->acknowledged_by(), "tom");  // idempotent
  ack.set_sequence(99);
  EXPECT_THAT(alerts_->Ack(kSue, ack), StatusIs(absl::StatusCode::kNotFound, HasSubstr("99")));
}

TEST_F(EscalationTest, TheTicketsNewAssigneeMayAcknowledgeItsEarlierAlerts) {
  v1::Ticket t = Create(v1::PRIORITY_P3);  // assigned to tom
  clock_.Advance(absl::Minutes(61));
  ASSERT_THAT(monitor_->RunOnce(), IsOk());
  const Principal tim{"tim", v1::ROLE_TECHNICIAN};
  v1::AckAlertRequest ack;
  ack.set_sequence(1);
  EXPECT_THAT(alerts_->Ack(tim, ack), StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("tim")));
  v1::GetTicketRequest get;
  get.set_id(t.id());
  t = *queries_->Get(kAlice, get);
  v1::AssignTicketRequest assign;
  assign.set_id(t.id());
  assign.set_version(t.version());
  assign.set_assignee("tim");
  ASSERT_THAT(tickets_->Assign(kAlice, assign), IsOk());
  EXPECT_THAT(alerts_->Ack(tim, ack), IsOk());
  v1::ListAlertsRequest list;
  list.mutable_filter()->set_unacknowledged_only(true);
  EXPECT_THAT(alerts_->List(kSue, list)->alerts(), IsEmpty());
}

TEST_F(EscalationTest, AWatcherGetsTheBacklogThenLiveAlertsAndAResumePointAtShutdown) {
  Create(v1::PRIORITY_P3);
  Create(v1::PRIORITY_P3);
  clock_.Advance(absl::Minutes(61));
  ASSERT_THAT(monitor_->RunOnce(), IsOk());  // alerts 1, 2 before the watch starts
  absl::Mutex mu;
  std::vector<int64_t> received;
  absl::Status ended;
  v1::WatchAlertsRequest request;
  request.set_from_sequence(1);  // resume after the first
  std::thread watcher([&] {
    ended = alerts_->Watch(kSue, request, [&](const v1::Alert& a) {
      absl::MutexLock lock(&mu);
      received.push_back(a.sequence());
      return true;
    }, [] { return false; });
  });
  clock_.Advance(absl::Hours(8));
  ASSERT_THAT(monitor_->RunOnce(), IsOk());  // 3, 4: resolution breaches; 5, 6: 1, 2 one level up
  {
    absl::MutexLock lock(&mu);
    auto all_five = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return received.size() >= 5; };
    ASSERT_TRUE(mu.AwaitWithTimeout(absl::Condition(&all_five), absl::Seconds(10)));
  }
  publisher_->Close();
  watcher.join();
  EXPECT_EQ(received, (std::vector<int64_t>{2, 3, 4, 5, 6}));
  EXPECT_THAT(ended, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("from_sequence=6")));
}

TEST_F(EscalationTest, WatchesAreCappedPerUserAndSupervisorsKeepTheirShare) {
  Create(v1::PRIORITY_P3);
  clock_.Advance(absl::Minutes(61));
  ASSERT_THAT(monitor_->RunOnce(), IsOk());  // an alert, which every admitted watcher is sent
  // 6 watches in all, 2 per user, 2 kept for supervisors and admins.
  AlertService limited(*world_->core, *world_->services_store, world_->publisher,
                       *world_->escalation_rules, AlertService::WatchLimits{6, 2, 2});
  const Principal tim{"tim", v1::ROLE_TECHNICIAN};
  absl::Mutex mu;
  int admitted = 0;
  std::vector<std::thread> watchers;
  auto watch = [&](const Principal& who) {
    watchers.emplace_back([&, who] {
      bool counted = false;
      (void)limited.Watch(who, v1::WatchAlertsRequest(), [&](const v1::Alert&) {
        absl::MutexLock lock(&mu);
        if (!counted) ++admitted;
        counted = true;
        return true;
      }, [] { return false; });
    });
  };
  auto wait_for = [&](int n) {
    absl::MutexLock lock(&mu);
    auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return admitted >= n; };
    EXPECT_TRUE(mu.AwaitWithTimeout(absl::Condition(&reached), absl::Seconds(10))) << n;
  };
  // A watch that must be refused at once; its status.
  auto refused = [&](const Principal& who) {
    return limited.Watch(who, v1::WatchAlertsRequest(), [](const v1::Alert&) { return true; },
                         [] { return true; });
  };
  watch(kTom);
  watch(kTom);
  wait_for(2);
  EXPECT_THAT(refused(kTom), StatusIs(absl::StatusCode::kResourceExhausted,
                                      HasSubstr("tom already has 2 alert watches")));
  watch(tim);
  watch(tim);
  wait_for(4);
  // 4 of 6 are taken by technicians: the other 2 are the supervisors'.
  EXPECT_THAT(refused(kAlice), StatusIs(absl::StatusCode::kResourceExhausted,
                                        HasSubstr("kept for supervisors")));
  watch(kSue);
  watch(kRoot);
  wait_for(6);
  EXPECT_THAT(refused(kSue), StatusIs(absl::StatusCode::kResourceExhausted,
                                      HasSubstr("too many alert watches (6)")));
  publisher_->Close();
  for (std::thread& t : watchers) t.join();
}

TEST_F(EscalationTest, TheThirdChaseRaisesOneAlertAndEveryChaseIsInTheHistory) {
  const v1::Ticket t = Create(v1::PRIORITY_P3);
  v1::RecordContactRequest chase;
  chase.set_ticket_id(t.id());
  chase.set_channel(v1::CONTACT_CHANNEL_PHONE);
  chase.set_note("Where is my printer?");
  for (int i = 1; i <= 4; ++i) {
    auto chased = tickets_->RecordContact(kAlice, chase);
    ASSERT_THAT(chased, IsOk());
    EXPECT_EQ(chased->chase_count(), i);
    EXPECT_EQ(All().size(), i >= 3 ? 1u : 0u) << "after chase " << i;
  }
  const v1::Alert alert = All()[0];
  EXPECT_EQ(alert.condition(), v1::ESCALATION_CONDITION_CHASE_COUNT);
  EXPECT_EQ(alert.rule(), "chased-3");
  EXPECT_EQ(alert.level(), 2);
  EXPECT_THAT(alert.summary(), HasSubstr("customer chased 3 times"));
  v1::ListTicketEventsRequest events;
  events.set_ticket_id(t.id());
  const v1::TicketEvent last = queries_->ListEvents(kAlice, events)->events().rbegin()[0];
  EXPECT_EQ(last.type(), v1::EVENT_TYPE_CONTACT);
  EXPECT_EQ(last.reason(), "phone");
  EXPECT_EQ(last.comment(), "Where is my printer?");
  chase.set_channel(v1::CONTACT_CHANNEL_UNSPECIFIED);
  EXPECT_THAT(tickets_->RecordContact(kAlice, chase), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("channel")));
}

TEST(EscalationPolicyTest, LevelEntriesRouteByQueueAndRegionWithAFallback) {
  v1::ServerConfig config;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(R"pb(
    escalation_levels { level: 1 name: "north lead" queues: "field-north" users: "tom" }
    escalation_levels { level: 1 name: "zhejiang lead" regions: "cn/zhejiang" users: "root" }
    escalation_levels { level: 1 name: "team lead" users: "sue" }
    escalation_rules { name: "breach" condition: ESCALATION_CONDITION_SLA_BREACH level: 1 }
  )pb", &config));
  UserDirectory users({kAlice, kTom, kSue, kRoot});
  auto policy = EscalationPolicy::Create(config.escalation_levels(), config.escalation_rules(), users);
  ASSERT_THAT(policy, IsOk());
  auto breach = [&](const std::string& queue, const std::string& region) {
    v1::Ticket ticket;
    ticket.set_id("T-1");
    ticket.set_queue(queue);
    ticket.set_region(region);
    v1::TicketEvent event;
    RecordChange(event, "sla.resolution", "RUNNING", "BREACHED");
    std::vector<v1::Alert> alerts = *(*policy)->OnEvent(ticket, event, absl::FromUnixSeconds(0));
    EXPECT_EQ(alerts.size(), 1u);
    return alerts.empty() ? std::string() : alerts[0].level_name() + ":" + alerts[0].recipients(0);
  };
  EXPECT_EQ(breach("field-north", "cn/zhejiang/hangzhou"), "north lead:tom");
  EXPECT_EQ(breach("field-south", "cn/zhejiang/hangzhou"), "zhejiang lead:root");
  EXPECT_EQ(breach("field-south", "cn/jiangsu"), "team lead:sue");
  config.mutable_escalation_levels()->RemoveLast();  // no fallback left
  EXPECT_THAT(EscalationPolicy::Create(config.escalation_levels(), config.escalation_rules(), users),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("fallback")));
}

TEST(EscalationPolicyTest, QuietHoursSendNonUrgentAlertsToTheOnDutyLevel) {
  v1::ServerConfig config;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(R"pb(
    calendars { name: "office" time_zone: "UTC"
      weekly { day: WEEKDAY_MONDAY intervals { start: "09:00" end: "17:00" } } }
    escalation_levels { level: 1 name: "team lead" users: "sue" calendar: "office" off_hours_level: 9 }
    escalation_levels { level: 9 name: "on duty" users: "tom" }
    escalation_rules { name: "breach" condition: ESCALATION_CONDITION_SLA_BREACH level: 1 urgent: true }
    escalation_rules { name: "warning" condition: ESCALATION_CONDITION_SLA_WARNING level: 1 }
  )pb", &config));
  auto calendars = SlaPolicySet::Create(config.calendars(), config.sla_policies(),
                                        absl::CivilDay(2023, 1, 1), absl::CivilDay(2025, 12, 31));
  ASSERT_THAT(calendars, IsOk());
  UserDirectory users({kAlice, kTom, kSue, kRoot});
  auto policy = EscalationPolicy::Create(config.escalation_levels(), config.escalation_rules(), users,
                                         std::shared_ptr<const SlaPolicySet>(*std::move(calendars)));
  ASSERT_THAT(policy, IsOk());
  auto raise = [&](const std::string& field, const std::string& value, absl::Time now) {
    v1::Ticket ticket;
    ticket.set_id("T-1");
    v1::TicketEvent event;
    RecordChange(event, field, value == "BREACHED" ? "RUNNING" : "", value);
    std::vector<v1::Alert> alerts = *(*policy)->OnEvent(ticket, event, now);
    EXPECT_EQ(alerts.size(), 1u);
    return alerts.empty() ? v1::Alert() : alerts[0];
  };
  const absl::Time monday_noon = absl::FromCivil(absl::CivilHour(2024, 1, 1, 12), absl::UTCTimeZone());
  const absl::Time monday_night = absl::FromCivil(absl::CivilHour(2024, 1, 1, 23), absl::UTCTimeZone());
  EXPECT_EQ(raise("sla.resolution.warning", "x", monday_noon).level(), 1);
  const v1::Alert night_warning = raise("sla.resolution.warning", "x", monday_night);
  EXPECT_EQ(night_warning.level(), 9);
  EXPECT_EQ(night_warning.quiet_hours_level(), 1);
  EXPECT_THAT(night_warning.recipients(), ElementsAre("tom"));
  const v1::Alert night_breach = raise("sla.resolution", "BREACHED", monday_night);  // urgent
  EXPECT_EQ(night_breach.level(), 1);
  EXPECT_THAT(night_breach.recipients(), ElementsAre("sue"));
  config.mutable_escalation_levels(0)->set_calendar("nowhere");
  EXPECT_THAT(EscalationPolicy::Create(config.escalation_levels(), config.escalation_rules(), users),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("escalation_levels[0].calendar")));
}

TEST_F(EscalationTest, BadEscalationConfigNamesTheField) {
  v1::ServerConfig bad = config_;
  bad.mutable_escalation_rules(1)->set_level(7);
  EXPECT_THAT(EscalationPolicy::Create(bad.escalation_levels(), bad.escalation_rules(), users_),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("escalation_rules[1].level")));
  bad = config_;
  bad.mutable_escalation_rules(0)->set_chase_count(0);
  EXPECT_THAT(EscalationPolicy::Create(bad.escalation_levels(), bad.escalation_rules(), users_),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("escalation_rules[0].chase_count")));
  bad = config_;
  bad.mutable_escalation_levels(1)->add_users("nobody");
  EXPECT_THAT(EscalationPolicy::Create(bad.escalation_levels(), bad.escalation_rules(), users_),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("escalation_levels[1].users")));
}

TEST_F(EscalationTest, ManyTicketsFallingDueTogetherAreFiredOnceEachInBatchesWithGapFreeAlerts) {
  constexpr int kTickets = 1200;  // more than one batch of the monitor
  for (int i = 0; i < kTickets; ++i) Create(v1::PRIORITY_P3);
  clock_.Advance(absl::Minutes(61));
  ASSERT_THAT(monitor_->RunOnce(), IsOkAndHolds(kTickets));
  ASSERT_THAT(monitor_->RunOnce(), IsOkAndHolds(0));
  std::vector<v1::Alert> alerts;
  v1::ListAlertsRequest page;
  page.set_page_size(500);
  for (bool more = true; more;) {
    auto response = alerts_->List(kSue, page);
    ASSERT_THAT(response, IsOk());
    alerts.insert(alerts.end(), response->alerts().begin(), response->alerts().end());
    page.set_after_sequence(response->last_sequence());
    more = response->more();
  }
  ASSERT_EQ(alerts.size(), static_cast<size_t>(kTickets));  // one breach alert each
  std::set<std::string> tickets;
  for (size_t i = 0; i < alerts.size(); ++i) {
    EXPECT_EQ(alerts[i].sequence(), static_cast<int64_t>(i) + 1);
    tickets.insert(alerts[i].ticket_id());
  }
  EXPECT_EQ(tickets.size(), static_cast<size_t>(kTickets));
  auto report = store_->Verify();
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->problem_count, 0);
  EXPECT_EQ(report->timers, 2 * kTickets) << "only the resolution clocks' timers remain";
}

}  // namespace
}  // namespace ticketing::domain
