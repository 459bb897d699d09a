// End-to-end tests of AlertService against a real ticketd on a test clock: what a watcher
// receives when SLA clocks warn and breach, resuming after a disconnect and after a
// restart, listing and acknowledging, the end of a stream on SIGTERM, and that each alert
// is raised exactly once.
//
// Two tickets assigned to tom are created at 09:00: T-1 (P3) and T-2 (P1). Advancing the
// clock 10 hours raises eight alerts: per ticket the first-response warning (09:45) and
// breach (10:00) and the resolution warning (15:00) and breach (17:00).
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/alert_helpers.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::testing {
namespace {

#ifndef TICKETD_PATH
#error "TICKETD_PATH must name the ticketd binary (see tests/e2e/CMakeLists.txt)"
#endif

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr size_t kAlertsOfTwoTickets = 8;

// What identifies an alert of these tests: ticket, condition, clock.
using AlertKey = std::tuple<std::string, v1::EscalationCondition, v1::SlaClockKind>;

// What an alert of `key` must say: level, recipients, rule.
struct Expected {
  int level;
  std::vector<std::string> recipients;
  std::string rule;
};

std::map<AlertKey, Expected> ExpectedAlerts(const std::string& p3, const std::string& p1) {
  constexpr auto kWarning = v1::ESCALATION_CONDITION_SLA_WARNING;
  constexpr auto kBreach = v1::ESCALATION_CONDITION_SLA_BREACH;
  std::map<AlertKey, Expected> expected;
  for (v1::SlaClockKind clock : {v1::SLA_CLOCK_KIND_FIRST_RESPONSE, v1::SLA_CLOCK_KIND_RESOLUTION}) {
    expected[{p3, kWarning, clock}] = {1, {"sue"}, "warning"};
    expected[{p3, kBreach, clock}] = {1, {"sue"}, "breach"};
    expected[{p1, kWarning, clock}] = {1, {"sue"}, "warning"};
    expected[{p1, kBreach, clock}] = {2, {"root"}, "p1-breach"};
  }
  return expected;
}

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

class AlertsE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_THAT(server_.Start(), IsOk()); }

  // Creates T-1 (P3) and T-2 (P1), both assigned to tom.
  void CreateTwoTickets() {
    p3_ = CreateTicketForTom(server_.Channel(), v1::PRIORITY_P3);
    p1_ = CreateTicketForTom(server_.Channel(), v1::PRIORITY_P1);
  }

  absl::Status Advance(absl::Duration by) { return AdvanceClock(server_.Channel(), by); }

  std::vector<v1::Alert> List(absl::string_view token, const v1::AlertFilter& filter = {}) {
    absl::StatusOr<std::vector<v1::Alert>> alerts = ListAllAlerts(server_.Channel(), token, filter);
    EXPECT_THAT(alerts, IsOk());
    return alerts.ok() ? *alerts : std::vector<v1::Alert>();
  }

  ServerProcess server_{TICKETD_PATH, kAlertsConfig, AlertsServerFlags()};
  std::string p3_;
  std::string p1_;
};

TEST_F(AlertsE2eTest, AWatcherFromZeroReceivesEveryWarningAndBreachInSequenceOrderWithoutGaps) {
  AlertWatch watch(server_.Channel(), kSupervisorToken, /*from_sequence=*/0);
  CreateTwoTickets();
  ASSERT_THAT(Advance(absl::Hours(10)), IsOk());

  const std::vector<v1::Alert> alerts = watch.WaitFor(kAlertsOfTwoTickets);
  ASSERT_THAT(Sequences(alerts), ElementsAreArray(Range(1, kAlertsOfTwoTickets)));
  std::map<AlertKey, Expected> expected = ExpectedAlerts(p3_, p1_);
  absl::Time previous = absl::InfinitePast();
  for (const v1::Alert& alert : alerts) {
    SCOPED_TRACE(alert.ShortDebugString());
    auto it = expected.find({alert.ticket_id(), alert.condition(), alert.clock()});
    ASSERT_NE(it, expected.end()) << "unexpected or repeated alert";
    EXPECT_EQ(alert.level(), it->second.level);
    EXPECT_THAT(alert.recipients(), ElementsAreArray(it->second.recipients));
    EXPECT_EQ(alert.rule(), it->second.rule);
    EXPECT_EQ(alert.assignee(), kTechnicianTomName);
    EXPECT_EQ(alert.priority(), alert.ticket_id() == p1_ ? v1::PRIORITY_P1 : v1::PRIORITY_P3);
    EXPECT_FALSE(alert.level_name().empty());
    EXPECT_GE(alert.past_target().seconds(), 0);
    EXPECT_GE(alert.past_target().nanos(), 0);
    EXPECT_GE(FromProto(alert.time()), previous) << "alerts are stored in time order";
    previous = FromProto(alert.time());
    expected.erase(it);
  }
  EXPECT_THAT(expected, IsEmpty()) << "alerts that never came";
}

TEST_F(AlertsE2eTest, AWatcherThatReconnectsWithItsLastSequenceReceivesEveryAlertOnce) {
  CreateTwoTickets();
  ASSERT_THAT(Advance(absl::Hours(1)), IsOk());  // first response: 2 warnings, 2 breaches
  std::vector<v1::Alert> first;
  {
    AlertWatch watch(server_.Channel(), kSupervisorToken, 0);
    first = watch.WaitFor(2);
    watch.Cancel();  // leaves in the middle of the backlog
    first = watch.received();
  }
  ASSERT_GE(first.size(), 2u);
  ASSERT_THAT(Sequences(first), ElementsAreArray(Range(1, first.size())));
  ASSERT_THAT(Advance(absl::Hours(9)), IsOk());  // resolution: 4 more

  AlertWatch resumed(server_.Channel(), kSupervisorToken, first.back().sequence());
  const std::vector<v1::Alert> rest = resumed.WaitFor(kAlertsOfTwoTickets - first.size());
  EXPECT_THAT(Sequences(rest), ElementsAreArray(Range(first.size() + 1, kAlertsOfTwoTickets)));
  // Nothing twice, nothing more: the next alerts the watcher gets are the markers raised now.
  absl::StatusOr<v1::Alert> marker = RaiseMarkerAlerts(server_.Channel());
  ASSERT_THAT(marker, IsOk());
  EXPECT_THAT(Sequences(resumed.WaitFor(rest.size() + 2)),
              ElementsAreArray(Range(first.size() + 1, marker->sequence())));
}

TEST_F(AlertsE2eTest, AWatcherResumesAcrossARestartOnTheSameDataWithoutGapOrDuplicate) {
  CreateTwoTickets();
  ASSERT_THAT(Advance(absl::Hours(10)), IsOk());
  int64_t last = 0;
  {
    AlertWatch watch(server_.Channel(), kSupervisorToken, 0);
    ASSERT_THAT(watch.WaitFor(5), SizeIs(::testing::Ge(5u)));
    watch.Cancel();
    last = watch.received().back().sequence();
  }
  ASSERT_THAT(server_.Terminate(), IsOkAndHolds(0));
  ASSERT_THAT(server_.Restart(), IsOk());  // the test clock is back at 09:00
  CreateTicketForTom(server_.Channel(), v1::PRIORITY_P3);
  ASSERT_THAT(Advance(absl::Hours(10)), IsOk());  // four more: 9..12

  AlertWatch resumed(server_.Channel(), kSupervisorToken, last);
  const std::vector<v1::Alert> rest = resumed.WaitFor(12 - last);
  EXPECT_THAT(Sequences(rest), ElementsAreArray(Range(last + 1, 12)));
  absl::StatusOr<v1::Alert> marker = RaiseMarkerAlerts(server_.Channel());
  ASSERT_THAT(marker, IsOk());
  EXPECT_THAT(Sequences(resumed.WaitFor(rest.size() + 2)),
              ElementsAreArray(Range(last + 1, marker->sequence())));
}

TEST_F(AlertsE2eTest, ListAlertsFiltersByLevelRecipientAndAcknowledgement) {
  CreateTwoTickets();
  ASSERT_THAT(Advance(absl::Hours(10)), IsOk());
  ASSERT_THAT(List(kAgentToken), SizeIs(kAlertsOfTwoTickets)) << "every role may list";

  v1::AlertFilter level2;
  level2.add_levels(2);
  const std::vector<v1::Alert> breaches = List(kSupervisorToken, level2);
  ASSERT_THAT(breaches, SizeIs(2));
  for (const v1::Alert& alert : breaches) EXPECT_EQ(alert.ticket_id(), p1_);

  v1::AlertFilter mine;
  mine.set_mine(true);
  EXPECT_THAT(Sequences(List(kAdminToken, mine)), ElementsAreArray(Sequences(breaches)));
  EXPECT_THAT(List(kSupervisorToken, mine), SizeIs(6)) << "every level 1 alert";
  EXPECT_THAT(List(kTechnicianTomToken, mine), SizeIs(8)) << "tom is the assignee of both";
  EXPECT_THAT(List(kTechnicianTimToken, mine), IsEmpty());

  ASSERT_THAT(AckAlert(server_.Channel(), kAdminToken, breaches[0].sequence()), IsOk());
  v1::AlertFilter unacknowledged = level2;
  unacknowledged.set_unacknowledged_only(true);
  EXPECT_THAT(Sequences(List(kSupervisorToken, unacknowledged)),
              ElementsAre(breaches[1].sequence()));
}

TEST_F(AlertsE2eTest, ARecipientOrTheAssigneeMayAcknowledgeTwiceButAnOutsiderMayNot) {
  CreateTwoTickets();
  ASSERT_THAT(Advance(absl::Hours(10)), IsOk());
  v1::AlertFilter level1;
  level1.add_levels(1);
  const std::vector<v1::Alert> level1_alerts = List(kSupervisorToken, level1);
  ASSERT_THAT(level1_alerts, SizeIs(6));
  const int64_t sequence = level1_alerts[0].sequence();

  absl::StatusOr<v1::Alert> acked = AckAlert(server_.Channel(), kSupervisorToken, sequence, "on it");
  ASSERT_THAT(acked, IsOk());
  EXPECT_TRUE(acked->acknowledged());
  EXPECT_EQ(acked->acknowledged_by(), kSupervisorName);
  EXPECT_EQ(acked->acknowledge_note(), "on it");
  absl::StatusOr<v1::Alert> again = AckAlert(server_.Channel(), kSupervisorToken, sequence);
  ASSERT_THAT(again, IsOk()) << "idempotent";
  EXPECT_EQ(again->acknowledged_by(), kSupervisorName);
  EXPECT_EQ(FromProto(again->acknowledge_time()), FromProto(acked->acknowledge_time()));

  const int64_t other = level1_alerts[1].sequence();
  EXPECT_THAT(AckAlert(server_.Channel(), kAgentToken, other),
              StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  absl::StatusOr<v1::Alert> by_tom = AckAlert(server_.Channel(), kTechnicianTomToken, other);
  ASSERT_THAT(by_tom, IsOk()) << "the assignee counts as a recipient";
  EXPECT_EQ(by_tom->acknowledged_by(), kTechnicianTomName);
  EXPECT_THAT(AckAlert(server_.Channel(), kTechnicianTimToken, level1_alerts[2].sequence()),
              StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  EXPECT_THAT(AckAlert(server_.Channel(), kSupervisorToken, 999),
              StatusIs(absl::StatusCode::kNotFound, ::testing::_));
}

TEST_F(AlertsE2eTest, SigtermEndsAnOpenStreamWithUnavailableNamingTheSequenceToResumeFrom) {
  CreateTwoTickets();
  ASSERT_THAT(Advance(absl::Hours(10)), IsOk());
  AlertWatch watch(server_.Channel(), kSupervisorToken, 0);
  ASSERT_THAT(watch.WaitFor(kAlertsOfTwoTickets), SizeIs(kAlertsOfTwoTickets));

  const absl::Time sigterm = absl::Now();
  ASSERT_THAT(server_.Terminate(), IsOkAndHolds(0));
  EXPECT_THAT(watch.WaitForEnd(absl::Seconds(5)),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("from_sequence=8")));
  EXPECT_LT(watch.end_time() - sigterm, absl::Seconds(2));
}

TEST_F(AlertsE2eTest, EachWarningAndBreachRaisesExactlyOneAlertHoweverOftenTheClockMoves) {
  AlertWatch watch(server_.Channel(), kSupervisorToken, 0);
  CreateTwoTickets();
  ASSERT_THAT(Advance(absl::Hours(10)), IsOk());
  ASSERT_THAT(watch.WaitFor(kAlertsOfTwoTickets), SizeIs(kAlertsOfTwoTickets));

  ASSERT_THAT(Advance(absl::ZeroDuration()), IsOk());
  ASSERT_THAT(Advance(absl::Hours(30)), IsOk());  // nothing else is due
  EXPECT_THAT(List(kSupervisorToken), SizeIs(kAlertsOfTwoTickets));
  absl::StatusOr<v1::Alert> marker = RaiseMarkerAlerts(server_.Channel());
  ASSERT_THAT(marker, IsOk());
  EXPECT_THAT(Sequences(watch.WaitFor(kAlertsOfTwoTickets + 2)),
              ElementsAreArray(Range(1, marker->sequence())))
      << "the watcher got nothing twice before the markers";
  absl::StatusOr<v1::VerifyStoreResponse> report =
      E2eClient(server_.Channel(), kAdminToken).VerifyStore();
  ASSERT_THAT(report, IsOk());
  EXPECT_THAT(report->problems(), IsEmpty());
  EXPECT_EQ(report->problem_count(), 0);
}

}  // namespace
}  // namespace ticketing::testing
