// SLA clocks end to end inside the domain: TicketService + SlaMonitor on a real store, with a
// fake clock. No sleeps: the tests move time.
#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "server/domain/escalation/sla_monitor.h"
#include "server/domain/base/ticket_events.h"
#include "tests/testing/domain_world.h"
#include "storage/rocksdb_ticket_store.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/transitions.h"
#include "ticketing/v1/config.pb.h"

namespace ticketing::domain {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::ticketing::testing::FakeClock;
using ::ticketing::testing::IsOk;
using ::ticketing::testing::StatusIs;

const Principal kAlice{"alice", v1::ROLE_AGENT};
const Principal kTom{"tom", v1::ROLE_TECHNICIAN};
const Principal kRoot{"root", v1::ROLE_ADMIN};

// 24x7 in UTC so the arithmetic is plain; one office calendar in Shanghai.
constexpr char kPolicies[] = R"pb(
  calendars { name: "always" time_zone: "UTC" always_open: true }
  calendars {
    name: "office" time_zone: "Asia/Shanghai"
    weekly { day: WEEKDAY_MONDAY intervals { start: "08:30" end: "12:00" } intervals { start: "13:30" end: "18:00" } }
    weekly { day: WEEKDAY_TUESDAY intervals { start: "08:30" end: "12:00" } intervals { start: "13:30" end: "18:00" } }
    weekly { day: WEEKDAY_WEDNESDAY intervals { start: "08:30" end: "12:00" } intervals { start: "13:30" end: "18:00" } }
    weekly { day: WEEKDAY_THURSDAY intervals { start: "08:30" end: "12:00" } intervals { start: "13:30" end: "18:00" } }
    weekly { day: WEEKDAY_FRIDAY intervals { start: "08:30" end: "12:00" } intervals { start: "13:30" end: "18:00" } }
  }
  sla_policies {
    name: "docs-example" match { regions: "docs" }
    first_response: "30m" next_update: "2h" resolution: "8h" calendar: "always"
  }
  sla_policies {
    name: "urgent" match { priorities: PRIORITY_P1 }
    first_response: "1h" next_update: "2h" resolution: "8h" calendar: "always"
  }
  sla_policies {
    name: "office-inquiry" match { kinds: TICKET_KIND_INQUIRY }
    first_response: "2h" resolution: "16h" calendar: "office"
  }
  sla_policies {
    name: "standard" first_response: "4h" next_update: "8h" resolution: "40h" calendar: "always"
  }
)pb";

class SlaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/sla_" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    OpenStore();
  }
  void OpenStore() {
    world_.reset();
    testing::DomainWorld::Options options;
    options.config = kPolicies;
    options.users = {kAlice, kTom, kRoot};
    options.test_clock = true;
    auto world = testing::DomainWorld::Open(clock_, dir_, options);
    ASSERT_THAT(world, testing::IsOk());
    world_ = *std::move(world);
    store_ = world_->store.get();
    service_ = world_->lifecycle.get();
    queries_ = world_->queries.get();
    sla_service_ = world_->sla.get();
    monitor_ = world_->monitor.get();
  }
  void TearDown() override {
    auto report = store_->Verify();
    ASSERT_THAT(report, IsOk());
    EXPECT_THAT(report->problems, IsEmpty());
  }

  v1::Ticket Create(v1::Priority priority, v1::TicketKind kind = v1::TICKET_KIND_REPAIR,
                    const std::string& region = "") {
    v1::CreateTicketRequest request;
    request.set_request_id(absl::StrCat("r", ++requests_));
    request.mutable_ticket()->set_kind(kind);
    request.mutable_ticket()->set_account_id("ACME");
    request.mutable_ticket()->set_summary("Printer jams");
    request.mutable_ticket()->mutable_contact()->set_name("Li Wei");
    request.mutable_ticket()->set_priority(priority); request.mutable_ticket()->set_priority_reason("test sets it");
    request.mutable_ticket()->set_assignee("tom");
    request.mutable_ticket()->set_region(region);
    auto ticket = service_->Create(kAlice, request);
    EXPECT_THAT(ticket, IsOk());
    return ticket.ok() ? *ticket : v1::Ticket();
  }
  v1::Ticket Get(const v1::Ticket& t) {
    v1::GetTicketRequest request;
    request.set_id(t.id());
    return *queries_->Get(kAlice, request);
  }
  v1::Ticket Move(const v1::Ticket& t, v1::TicketStatus to, const std::string& reason = "") {
    v1::TransitionTicketRequest request;
    request.set_id(t.id());
    request.set_version(t.version());
    request.set_status(to);
    request.set_reason(reason);
    testing::AddCompletion(request);
    auto moved = service_->Transition(kAlice, request);
    EXPECT_THAT(moved, IsOk());
    return moved.ok() ? *moved : t;
  }
  v1::Ticket Reply(const v1::Ticket& t, v1::Visibility visibility = v1::VISIBILITY_CUSTOMER) {
    v1::AddCommentRequest request;
    request.set_ticket_id(t.id());
    request.set_body("We are on it.");
    request.set_visibility(visibility);
    auto replied = service_->AddComment(kAlice, request);
    EXPECT_THAT(replied, IsOk());
    return replied.ok() ? replied->ticket() : t;
  }
  int Run() {
    auto fired = monitor_->RunOnce();
    EXPECT_THAT(fired, IsOk());
    return fired.ok() ? *fired : -1;
  }
  static const v1::SlaClock& ClockOf(const v1::Ticket& t, v1::SlaClockKind kind) {
    for (const v1::SlaClock& c : t.sla_clocks()) {
      if (c.kind() == kind) return c;
    }
    static const v1::SlaClock* none = new v1::SlaClock();
    return *none;
  }
  std::vector<v1::TicketEvent> Events(const v1::Ticket& t) {
    v1::ListTicketEventsRequest request;
    request.set_ticket_id(t.id());
    auto events = queries_->ListEvents(kAlice, request);
    return {events->events().begin(), events->events().end()};
  }

  FakeClock clock_{absl::FromUnixSeconds(1704096000)};  // Mon 2024-01-01 08:00 UTC
  std::string dir_;
  std::unique_ptr<testing::DomainWorld> world_;
  storage::RocksDbTicketStore* store_ = nullptr;
  LifecycleService* service_ = nullptr;
  TicketQueries* queries_ = nullptr;
  SlaService* sla_service_ = nullptr;
  SlaMonitor* monitor_ = nullptr;
  int requests_ = 0;
};

constexpr auto kFirstResponse = v1::SLA_CLOCK_KIND_FIRST_RESPONSE;
constexpr auto kNextUpdate = v1::SLA_CLOCK_KIND_NEXT_UPDATE;
constexpr auto kResolution = v1::SLA_CLOCK_KIND_RESOLUTION;

TEST_F(SlaTest, NewTicketRunsTheFirstMatchingPolicysClocks) {
  const absl::Time created = clock_.Now();
  const v1::Ticket t = Create(v1::PRIORITY_P1);
  EXPECT_EQ(t.sla_policy(), "urgent");
  EXPECT_NE(t.sla_policy_version(), 0u);
  ASSERT_EQ(t.sla_clocks_size(), 2);  // next update starts with the first response
  const v1::SlaClock& fr = ClockOf(t, kFirstResponse);
  EXPECT_EQ(fr.state(), v1::SLA_CLOCK_STATE_RUNNING);
  EXPECT_EQ(FromTimestamp(fr.due_time()), created + absl::Hours(1));
  EXPECT_EQ(FromTimestamp(fr.warning_time()), created + absl::Minutes(45));  // 75%
  EXPECT_EQ(FromTimestamp(ClockOf(t, kResolution).due_time()), created + absl::Hours(8));
  EXPECT_EQ(Create(v1::PRIORITY_P3).sla_policy(), "standard");
  EXPECT_EQ(Create(v1::PRIORITY_P3, v1::TICKET_KIND_INQUIRY).sla_policy(), "office-inquiry");
}

TEST_F(SlaTest, WarningAndBreachAreRecordedExactlyOnceAtTheirInstants) {
  const v1::Ticket t = Create(v1::PRIORITY_P1);
  clock_.Advance(absl::Minutes(44));
  EXPECT_EQ(Run(), 0);
  clock_.Advance(absl::Minutes(1));
  EXPECT_EQ(Run(), 1);
  EXPECT_EQ(Run(), 0);  // nothing fires twice
  v1::Ticket warned = Get(t);
  EXPECT_TRUE(ClockOf(warned, kFirstResponse).warning_reached());
  EXPECT_EQ(ClockOf(warned, kFirstResponse).state(), v1::SLA_CLOCK_STATE_RUNNING);
  clock_.Advance(absl::Minutes(15));
  EXPECT_EQ(Run(), 1);
  const v1::Ticket breached = Get(t);
  EXPECT_EQ(ClockOf(breached, kFirstResponse).state(), v1::SLA_CLOCK_STATE_BREACHED);
  EXPECT_EQ(ClockOf(breached, kFirstResponse).breach_count(), 1);
  const std::vector<v1::TicketEvent> events = Events(t);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].type(), v1::EVENT_TYPE_SLA);
  EXPECT_EQ(events[1].actor(), "system");
  EXPECT_EQ(events[1].changes(0).field(), "sla.first_response.warning");
  EXPECT_EQ(events[2].changes(0).field(), "sla.first_response");
  EXPECT_EQ(events[2].changes(0).new_value(), "BREACHED");
}

TEST_F(SlaTest, CustomerVisibleReplyMeetsFirstResponseAndStartsNextUpdate) {
  v1::Ticket t = Create(v1::PRIORITY_P1);
  clock_.Advance(absl::Minutes(30));
  t = Reply(t, v1::VISIBILITY_INTERNAL);  // an internal note is not a response
  EXPECT_EQ(ClockOf(t, kFirstResponse).state(), v1::SLA_CLOCK_STATE_RUNNING);
  t = Reply(t);
  EXPECT_EQ(ClockOf(t, kFirstResponse).state(), v1::SLA_CLOCK_STATE_MET);
  const v1::SlaClock& nu = ClockOf(t, kNextUpdate);
  EXPECT_EQ(nu.state(), v1::SLA_CLOCK_STATE_RUNNING);
  EXPECT_EQ(FromTimestamp(nu.due_time()), clock_.Now() + absl::Hours(2));
  clock_.Advance(absl::Minutes(90));
  t = Reply(t);  // every customer-visible update restarts it
  EXPECT_EQ(FromTimestamp(ClockOf(t, kNextUpdate).due_time()), clock_.Now() + absl::Hours(2));
  EXPECT_EQ(ClockOf(t, kNextUpdate).cycle(), 2);
}

TEST_F(SlaTest, WaitingOnTheCustomerPausesButWaitingForPartsDoesNot) {
  v1::Ticket t = Create(v1::PRIORITY_P1);
  const absl::Time resolution_due = FromTimestamp(ClockOf(t, kResolution).due_time());
  t = Move(t, v1::TICKET_STATUS_IN_PROGRESS);
  clock_.Advance(absl::Hours(1));
  t = Move(t, v1::TICKET_STATUS_WAITING_CUSTOMER);
  EXPECT_EQ(ClockOf(t, kResolution).state(), v1::SLA_CLOCK_STATE_PAUSED);
  EXPECT_FALSE(ClockOf(t, kResolution).has_due_time());
  clock_.Advance(absl::Hours(3));
  EXPECT_EQ(Run(), 0);  // paused clocks have no timers
  t = Move(t, v1::TICKET_STATUS_IN_PROGRESS);
  EXPECT_EQ(FromTimestamp(ClockOf(t, kResolution).due_time()), resolution_due + absl::Hours(3));
  EXPECT_EQ(FromDurationProto(ClockOf(t, kResolution).paused()), absl::Hours(3));
  t = Move(t, v1::TICKET_STATUS_WAITING_PARTS);
  EXPECT_EQ(ClockOf(t, kResolution).state(), v1::SLA_CLOCK_STATE_RUNNING);
}

TEST_F(SlaTest, ResolvingLateIsMetLateAndTheBreachStaysRecorded) {
  v1::Ticket t = Create(v1::PRIORITY_P1);
  t = Move(t, v1::TICKET_STATUS_IN_PROGRESS);
  clock_.Advance(absl::Hours(9));
  t = Move(t, v1::TICKET_STATUS_RESOLVED);  // resolved before the monitor noticed the breach
  const v1::SlaClock& res = ClockOf(t, kResolution);
  EXPECT_EQ(res.state(), v1::SLA_CLOCK_STATE_MET_LATE);
  EXPECT_TRUE(res.breached());
  EXPECT_EQ(res.breach_count(), 1);
  EXPECT_EQ(FromDurationProto(res.elapsed()), absl::Hours(9));
}

TEST_F(SlaTest, ReopenedTicketsResolutionRunsOnWithTheTimeLeft) {
  v1::Ticket t = Create(v1::PRIORITY_P1);
  t = Move(t, v1::TICKET_STATUS_IN_PROGRESS);
  clock_.Advance(absl::Hours(5));
  t = Move(t, v1::TICKET_STATUS_RESOLVED);
  EXPECT_EQ(ClockOf(t, kResolution).state(), v1::SLA_CLOCK_STATE_MET);
  clock_.Advance(absl::Hours(24));  // resolved time does not count
  t = Move(t, v1::TICKET_STATUS_REOPENED, "jams again");
  const v1::SlaClock& res = ClockOf(t, kResolution);
  EXPECT_EQ(res.state(), v1::SLA_CLOCK_STATE_RUNNING);
  EXPECT_EQ(res.cycle(), 2);
  EXPECT_EQ(FromTimestamp(res.due_time()), clock_.Now() + absl::Hours(3));
}

TEST_F(SlaTest, RaisingPriorityTightensTheTargetsAndLoweringItNeverLoosensThem) {
  v1::Ticket t = Create(v1::PRIORITY_P3);  // standard: resolution 40h
  const absl::Time created = clock_.Now();
  clock_.Advance(absl::Hours(2));
  v1::UpdateTicketRequest raise;
  *raise.mutable_ticket() = t;
  raise.mutable_ticket()->set_priority(v1::PRIORITY_P1); raise.mutable_ticket()->set_priority_reason("test sets it");
  raise.mutable_update_mask()->add_paths("priority");
  t = *service_->Update(kAlice, raise);
  EXPECT_EQ(t.sla_policy(), "urgent");
  // Counted from creation: 2h used of the new 8h.
  EXPECT_EQ(FromTimestamp(ClockOf(t, kResolution).due_time()), created + absl::Hours(8));
  v1::UpdateTicketRequest lower = raise;
  *lower.mutable_ticket() = t;
  lower.mutable_ticket()->set_priority(v1::PRIORITY_P4); lower.mutable_ticket()->set_priority_reason("test sets it");
  t = *service_->Update(kAlice, lower);
  EXPECT_EQ(t.sla_policy(), "standard");
  EXPECT_EQ(FromTimestamp(ClockOf(t, kResolution).due_time()), created + absl::Hours(8));
}

TEST_F(SlaTest, ARaisedPriorityWhoseTargetRanOutBeforeAPauseIsDueWhenItRanOut) {
  v1::Ticket t = Create(v1::PRIORITY_P3);  // standard: first response 4h, 24x7
  const absl::Time created = clock_.Now();
  clock_.Advance(absl::Minutes(70));       // 1h10 counted
  t = Move(t, v1::TICKET_STATUS_IN_PROGRESS);
  t = Move(t, v1::TICKET_STATUS_WAITING_CUSTOMER);  // paused for 3 hours
  clock_.Advance(absl::Hours(3));
  t = Move(t, v1::TICKET_STATUS_IN_PROGRESS);
  clock_.Advance(absl::Minutes(20));       // 1h30 counted
  v1::UpdateTicketRequest raise;
  *raise.mutable_ticket() = t;
  raise.mutable_ticket()->set_priority(v1::PRIORITY_P1);
  raise.mutable_ticket()->set_priority_reason("line stopped");
  raise.mutable_update_mask()->add_paths("priority");
  t = *service_->Update(kAlice, raise);    // urgent: 1h, used up before the pause
  EXPECT_EQ(t.sla_policy(), "urgent");
  EXPECT_EQ(FromTimestamp(ClockOf(t, kFirstResponse).due_time()), created + absl::Hours(1));
  EXPECT_EQ(FromTimestamp(t.next_due_time()), created + absl::Hours(1));
  EXPECT_EQ(Run(), 1);  // breached, at the instant it ran out
  t = Get(t);
  EXPECT_EQ(ClockOf(t, kFirstResponse).state(), v1::SLA_CLOCK_STATE_BREACHED);
  EXPECT_EQ(FromTimestamp(ClockOf(t, kFirstResponse).due_time()), created + absl::Hours(1));
}

TEST_F(SlaTest, ABreachedClockKeepsItsDueTimeThroughPausesAndPriorityChanges) {
  v1::Ticket t = Create(v1::PRIORITY_P1);  // urgent: first response 1h
  const absl::Time due = clock_.Now() + absl::Hours(1);
  clock_.Advance(absl::Hours(2));
  EXPECT_EQ(Run(), 1);
  t = Move(Move(Get(t), v1::TICKET_STATUS_IN_PROGRESS), v1::TICKET_STATUS_WAITING_CUSTOMER);
  clock_.Advance(absl::Hours(5));
  t = Move(t, v1::TICKET_STATUS_IN_PROGRESS);
  EXPECT_EQ(ClockOf(t, kFirstResponse).state(), v1::SLA_CLOCK_STATE_BREACHED);
  EXPECT_EQ(FromTimestamp(ClockOf(t, kFirstResponse).due_time()), due) << "not the resume";
  v1::UpdateTicketRequest lower;
  *lower.mutable_ticket() = t;
  lower.mutable_ticket()->set_priority(v1::PRIORITY_P4);
  lower.mutable_ticket()->set_priority_reason("workaround found");
  lower.mutable_update_mask()->add_paths("priority");
  t = *service_->Update(kAlice, lower);
  EXPECT_EQ(FromTimestamp(ClockOf(t, kFirstResponse).due_time()), due) << "not the change";
  EXPECT_EQ(FromTimestamp(t.queue_rank_time()), due);
}

TEST_F(SlaTest, CancellingStopsEveryClockAndRemovesItsTimers) {
  v1::Ticket t = Create(v1::PRIORITY_P1);
  t = Move(t, v1::TICKET_STATUS_CANCELLED, "duplicate");
  for (const v1::SlaClock& c : t.sla_clocks()) EXPECT_EQ(c.state(), v1::SLA_CLOCK_STATE_STOPPED);
  auto report = store_->Verify();
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->timers, 0);
  clock_.Advance(absl::Hours(100));
  EXPECT_EQ(Run(), 0);
}

TEST_F(SlaTest, TimersDueWhileTheServerWasDownFireAfterRestartOldestFirst) {
  const v1::Ticket first = Create(v1::PRIORITY_P1);
  clock_.Advance(absl::Minutes(10));
  const v1::Ticket second = Create(v1::PRIORITY_P1);
  OpenStore();  // "restart"
  clock_.Advance(absl::Hours(30));
  EXPECT_EQ(Run(), 2);
  EXPECT_EQ(Run(), 0);
  for (const v1::Ticket& t : {first, second}) {
    const v1::Ticket now = Get(t);
    EXPECT_EQ(ClockOf(now, kFirstResponse).state(), v1::SLA_CLOCK_STATE_BREACHED);
    EXPECT_EQ(ClockOf(now, kResolution).state(), v1::SLA_CLOCK_STATE_BREACHED);
  }
}

TEST_F(SlaTest, BusinessHoursDeadlinesSkipNightsAndWeekends) {
  clock_.Set(absl::FromCivil(absl::CivilMinute(2024, 1, 5, 17, 0), *[] {  // Friday 17:00
    static absl::TimeZone zone;
    absl::LoadTimeZone("Asia/Shanghai", &zone);
    return &zone;
  }()));
  const v1::Ticket t = Create(v1::PRIORITY_P3, v1::TICKET_KIND_INQUIRY);  // 2h first response
  absl::TimeZone shanghai;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
  EXPECT_EQ(FromTimestamp(ClockOf(t, kFirstResponse).due_time()),
            absl::FromCivil(absl::CivilMinute(2024, 1, 8, 9, 30), shanghai));  // Monday
  // No reminder at midnight: the 75% warning is in working time too (1h Friday + 30m Monday).
  EXPECT_EQ(FromTimestamp(ClockOf(t, kFirstResponse).warning_time()),
            absl::FromCivil(absl::CivilMinute(2024, 1, 8, 9, 0), shanghai));
}

TEST_F(SlaTest, ChangingPriorityWhilePausedKeepsThePauseAndItsTime) {
  v1::Ticket t = Create(v1::PRIORITY_P3);  // standard: resolution 40h
  const absl::Time created = clock_.Now();
  t = Move(t, v1::TICKET_STATUS_IN_PROGRESS);
  clock_.Advance(absl::Hours(1));
  t = Move(t, v1::TICKET_STATUS_WAITING_CUSTOMER);
  clock_.Advance(absl::Hours(2));
  v1::UpdateTicketRequest raise;
  *raise.mutable_ticket() = t;
  raise.mutable_ticket()->set_priority(v1::PRIORITY_P1); raise.mutable_ticket()->set_priority_reason("test sets it");
  raise.mutable_update_mask()->add_paths("priority");
  t = *service_->Update(kAlice, raise);
  EXPECT_EQ(t.sla_policy(), "urgent");
  EXPECT_EQ(ClockOf(t, kResolution).state(), v1::SLA_CLOCK_STATE_PAUSED);  // still paused
  clock_.Advance(absl::Hours(1));
  t = Move(t, v1::TICKET_STATUS_IN_PROGRESS);
  EXPECT_EQ(FromDurationProto(ClockOf(t, kResolution).paused()), absl::Hours(3));
  // 8h target, 1h used before the pause: due 7h after resuming, 3 paused hours later.
  EXPECT_EQ(FromTimestamp(ClockOf(t, kResolution).due_time()), created + absl::Hours(4 + 7));
}

TEST_F(SlaTest, TestClockMovesOnlyForAdminsAndOnlyForward) {
  v1::AdvanceTestClockRequest request;
  request.mutable_advance()->set_seconds(-1);
  EXPECT_THAT(monitor_->AdvanceTestClock(kRoot, request), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("forward")));
  request.mutable_advance()->set_seconds(60);
  EXPECT_THAT(monitor_->AdvanceTestClock(kAlice, request), StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("test clock")));
  SlaMonitor without_test_clock(*world_->core, *world_->alerts, *world_->services_store, nullptr,
                                world_->writes);
  EXPECT_THAT(without_test_clock.AdvanceTestClock(kRoot, request),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("--test_clock")));
}

TEST_F(SlaTest, AdvancingTheTestClockRecordsEachTimerAtItsOwnInstant) {
  const absl::Time created = clock_.Now();
  const v1::Ticket t = Create(v1::PRIORITY_P1);
  v1::AdvanceTestClockRequest request;
  request.mutable_advance()->set_seconds(24 * 3600);
  auto moved = monitor_->AdvanceTestClock(kRoot, request);
  ASSERT_THAT(moved, IsOk());
  EXPECT_EQ(FromTimestamp(moved->now()), created + absl::Hours(24));
  std::vector<absl::Time> times;
  for (const v1::TicketEvent& e : Events(t)) {
    if (e.type() == v1::EVENT_TYPE_SLA) times.push_back(FromTimestamp(e.time()));
  }
  // first response warning 45m, breach 1h; resolution warning 6h, breach 8h.
  EXPECT_EQ(times, (std::vector<absl::Time>{created + absl::Minutes(45), created + absl::Hours(1),
                                            created + absl::Hours(6), created + absl::Hours(8)}));
}

absl::StatusOr<v1::Ticket> Promise(SlaService& service, const Principal& who,
                                   const v1::Ticket& t, absl::Time when, const std::string& reason) {
  v1::SetCommittedDateRequest request;
  request.set_id(t.id());
  request.set_version(t.version());
  ToTimestamp(when, request.mutable_committed_time());
  request.set_reason(reason);
  return service.SetCommittedDate(who, request);
}

TEST_F(SlaTest, CommittedDateIsAnAbsolutePromiseKeptOrBrokenAtResolution) {
  v1::Ticket t = Create(v1::PRIORITY_P3);
  const absl::Time promised = clock_.Now() + absl::Hours(48);
  auto promised_ticket = Promise(*sla_service_, kAlice, t, promised, "print head arrives Wednesday");
  ASSERT_THAT(promised_ticket, IsOk());
  t = *promised_ticket;
  const v1::SlaClock& committed = ClockOf(t, v1::SLA_CLOCK_KIND_COMMITTED_DATE);
  EXPECT_EQ(committed.state(), v1::SLA_CLOCK_STATE_RUNNING);
  EXPECT_EQ(FromTimestamp(committed.due_time()), promised);
  EXPECT_EQ(FromTimestamp(committed.warning_time()), clock_.Now() + absl::Hours(36));
  // Telling the customer a date is a response.
  EXPECT_EQ(ClockOf(t, kFirstResponse).state(), v1::SLA_CLOCK_STATE_MET);
  const v1::TicketEvent promise_event = Events(t).back();
  EXPECT_EQ(promise_event.type(), v1::EVENT_TYPE_COMMITTED_DATE);
  EXPECT_EQ(promise_event.reason(), "print head arrives Wednesday");
  EXPECT_EQ(promise_event.visibility(), v1::VISIBILITY_CUSTOMER);
  // Waiting on the customer does not move a promised date.
  t = Move(t, v1::TICKET_STATUS_IN_PROGRESS);
  t = Move(t, v1::TICKET_STATUS_WAITING_CUSTOMER);
  EXPECT_EQ(ClockOf(t, v1::SLA_CLOCK_KIND_COMMITTED_DATE).state(), v1::SLA_CLOCK_STATE_RUNNING);
  clock_.Advance(absl::Hours(49));
  Run();
  t = Get(t);
  EXPECT_EQ(ClockOf(t, v1::SLA_CLOCK_KIND_COMMITTED_DATE).state(), v1::SLA_CLOCK_STATE_BREACHED);
  t = Move(t, v1::TICKET_STATUS_RESOLVED);
  const v1::SlaClock& kept = ClockOf(t, v1::SLA_CLOCK_KIND_COMMITTED_DATE);
  EXPECT_EQ(kept.state(), v1::SLA_CLOCK_STATE_MET_LATE);
  EXPECT_EQ(FromTimestamp(kept.end_time()) - FromTimestamp(kept.due_time()), absl::Hours(1));
}

TEST_F(SlaTest, ANewCommittedDateStartsANewCycleAndOnlyTheDeskPromises) {
  v1::Ticket t = Create(v1::PRIORITY_P3);
  t = *Promise(*sla_service_, kAlice, t, clock_.Now() + absl::Hours(10), "first promise");
  t = *Promise(*sla_service_, kAlice, t, clock_.Now() + absl::Hours(20), "part delayed");
  EXPECT_EQ(ClockOf(t, v1::SLA_CLOCK_KIND_COMMITTED_DATE).cycle(), 2);
  EXPECT_THAT(Events(t).back().changes(0).field(), "committed_time");
  EXPECT_THAT(Promise(*sla_service_, kTom, t, clock_.Now() + absl::Hours(30), "x"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("promise")));
  EXPECT_THAT(Promise(*sla_service_, kAlice, t, clock_.Now() - absl::Hours(1), "x"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("committed_time")));
  EXPECT_THAT(Promise(*sla_service_, kAlice, t, clock_.Now() + absl::Hours(1), ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));
}

TEST_F(SlaTest, ExplanationShowsEachClocksSegmentsFromTheHistory) {
  v1::Ticket t = Create(v1::PRIORITY_P1);
  t = Move(t, v1::TICKET_STATUS_IN_PROGRESS);
  clock_.Advance(absl::Hours(1));
  t = Move(t, v1::TICKET_STATUS_WAITING_CUSTOMER);
  clock_.Advance(absl::Hours(2));
  t = Move(t, v1::TICKET_STATUS_IN_PROGRESS);
  v1::ExplainSlaRequest request;
  request.set_id(t.id());
  auto explanation = sla_service_->ExplainSla(kTom, request);
  ASSERT_THAT(explanation, IsOk());
  EXPECT_EQ(explanation->sla_policy(), "urgent");
  EXPECT_EQ(explanation->calendar(), "always");
  const v1::ClockExplanation* resolution = nullptr;
  for (const auto& c : explanation->clocks()) {
    if (c.clock().kind() == kResolution) resolution = &c;
  }
  ASSERT_NE(resolution, nullptr);
  ASSERT_EQ(resolution->segments_size(), 3);
  EXPECT_EQ(resolution->segments(0).state(), v1::SLA_CLOCK_STATE_RUNNING);
  EXPECT_EQ(resolution->segments(1).state(), v1::SLA_CLOCK_STATE_PAUSED);
  EXPECT_THAT(resolution->segments(1).cause(), HasSubstr("IN_PROGRESS -> WAITING_CUSTOMER by alice"));
  EXPECT_EQ(FromTimestamp(resolution->segments(1).end_time()) - FromTimestamp(resolution->segments(1).start_time()),
            absl::Hours(2));
  EXPECT_FALSE(resolution->segments(2).has_end_time());
  EXPECT_THAT(resolution->due_time_derivation(), HasSubstr("target 8h - elapsed 1h = 7h"));
}

TEST_F(SlaTest, PreviewComputesDeadlinesWithoutATicket) {
  v1::PreviewDeadlineRequest request;
  absl::TimeZone shanghai;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
  ToTimestamp(absl::FromCivil(absl::CivilMinute(2024, 1, 5, 17, 0), shanghai), request.mutable_start_time());
  request.set_calendar("office");
  request.mutable_business_time()->set_seconds(2 * 3600);
  auto due = sla_service_->PreviewDeadline(kTom, request);
  ASSERT_THAT(due, IsOk());
  EXPECT_EQ(FromTimestamp(due->due_time()), absl::FromCivil(absl::CivilMinute(2024, 1, 8, 9, 30), shanghai));
  request.set_sla_policy("urgent");
  auto clocks = sla_service_->PreviewDeadline(kTom, request);
  ASSERT_THAT(clocks, IsOk());
  ASSERT_EQ(clocks->clocks_size(), 3);
  EXPECT_EQ(FromDurationProto(clocks->clocks(1).target()), absl::Hours(2));  // next update
  request.set_sla_policy("nope");
  EXPECT_THAT(sla_service_->PreviewDeadline(kTom, request), StatusIs(absl::StatusCode::kNotFound, HasSubstr("nope")));
  request.set_calendar("nope");
  EXPECT_THAT(sla_service_->PreviewDeadline(kTom, request), StatusIs(absl::StatusCode::kNotFound, HasSubstr("calendar")));
}

TEST_F(SlaTest, TheWorkedExampleOfDocsSlaMd) {
  const absl::Time nine = clock_.Now() + absl::Hours(1);  // 09:00
  clock_.Set(nine);
  auto at = [&](int h, int m, int s = 0) {
    return nine + absl::Hours(h - 9) + absl::Minutes(m) + absl::Seconds(s);
  };
  auto state = [&](const v1::Ticket& t, v1::SlaClockKind kind) { return ClockOf(t, kind).state(); };
  v1::Ticket t = Create(v1::PRIORITY_P1, v1::TICKET_KIND_REPAIR, "docs");
  ASSERT_EQ(t.sla_policy(), "docs-example");
  EXPECT_EQ(FromTimestamp(ClockOf(t, kFirstResponse).due_time()), at(9, 30));
  EXPECT_EQ(FromTimestamp(ClockOf(t, kFirstResponse).warning_time()), at(9, 22, 30));
  EXPECT_EQ(FromTimestamp(ClockOf(t, kResolution).due_time()), at(17, 0));
  EXPECT_EQ(FromTimestamp(ClockOf(t, kResolution).warning_time()), at(15, 0));
  clock_.Set(at(9, 30));
  EXPECT_EQ(Run(), 1);  // warning and breach of the first response, one ticket
  t = Get(t);
  EXPECT_EQ(state(t, kFirstResponse), v1::SLA_CLOCK_STATE_BREACHED);
  clock_.Set(at(9, 40));
  t = Reply(t);
  EXPECT_EQ(state(t, kFirstResponse), v1::SLA_CLOCK_STATE_MET_LATE);
  EXPECT_EQ(FromTimestamp(ClockOf(t, kNextUpdate).due_time()), at(11, 40));
  t = Move(t, v1::TICKET_STATUS_IN_PROGRESS);
  clock_.Set(at(10, 0));
  t = Move(t, v1::TICKET_STATUS_WAITING_CUSTOMER);
  EXPECT_EQ(state(t, kResolution), v1::SLA_CLOCK_STATE_PAUSED);
  EXPECT_EQ(state(t, kNextUpdate), v1::SLA_CLOCK_STATE_PAUSED);
  clock_.Set(at(11, 0));
  t = Move(t, v1::TICKET_STATUS_IN_PROGRESS);
  EXPECT_EQ(FromTimestamp(ClockOf(t, kResolution).due_time()), at(18, 0));
  EXPECT_EQ(FromTimestamp(ClockOf(t, kNextUpdate).due_time()), at(12, 40));
  clock_.Set(at(12, 40));
  Run();
  t = Get(t);
  EXPECT_EQ(state(t, kNextUpdate), v1::SLA_CLOCK_STATE_BREACHED);
  clock_.Set(at(15, 0));
  t = Move(t, v1::TICKET_STATUS_RESOLVED);
  EXPECT_EQ(state(t, kResolution), v1::SLA_CLOCK_STATE_MET);
  EXPECT_EQ(FromDurationProto(ClockOf(t, kResolution).elapsed()), absl::Hours(5));
  EXPECT_EQ(FromDurationProto(ClockOf(t, kResolution).paused()), absl::Hours(1));
  EXPECT_EQ(state(t, kNextUpdate), v1::SLA_CLOCK_STATE_STOPPED);
}

}  // namespace
}  // namespace ticketing::domain
