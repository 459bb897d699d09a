// End-to-end tests of tktctl's SLA subcommands (commit, explain, preview, sla) against a
// real ticketd on a test clock that starts Monday 2026-01-05 09:00 UTC. Exact instants are
// checked in --json output; tables only for what a person reads there.

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_helpers.h"
#include "tests/e2e/tktctl_runner.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "ticketing/v1/admin_service.pb.h"
#include "ticketing/v1/ticket.pb.h"
#include "ticketing/v1/ticket_service.pb.h"

namespace ticketing::testing {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kStart[] = "2026-01-05T09:00:00Z";

// A 24x7 calendar, an office calendar in Shanghai open on Mondays 08:30-12:00 and
// 13:30-18:00, and one policy on the 24x7 calendar.
constexpr char kSlaConfig[] = R"(
  calendars { name: "always" time_zone: "UTC" always_open: true }
  calendars { name: "office" time_zone: "Asia/Shanghai"
              weekly { day: WEEKDAY_MONDAY intervals { start: "08:30" end: "12:00" }
                                           intervals { start: "13:30" end: "18:00" } } }
  sla_policies { name: "standard" first_response: "1h" resolution: "8h" calendar: "always" })";

absl::Time ParseRfc3339(const std::string& text) {
  absl::Time time;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, text, &time, &error)) << error;
  return time;
}

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

const v1::SlaClock* FindClock(const v1::Ticket& ticket, v1::SlaClockKind kind) {
  for (const v1::SlaClock& clock : ticket.sla_clocks()) {
    if (clock.kind() == kind) return &clock;
  }
  return nullptr;
}

class TktctlSlaE2eTest : public TktctlServerTest {
 protected:
  TktctlSlaE2eTest()
      : TktctlServerTest(kSlaConfig,
                         {"--test_clock", absl::StrCat("--test_clock_start=", kStart)}) {}

  // A new repair ticket, assigned to tom when `assigned`.
  v1::Ticket Create(bool assigned = false) {
    std::vector<std::string> args = {"create", "--kind=repair", "--account=" + account_,
                                     "--summary=Washer leaks", "--contact_name=Ann Customer"};
    if (assigned) args.push_back(absl::StrCat("--assignee=", kTechnicianTomName));
    return TktctlJson<v1::Ticket>(kAgentToken, args);
  }

  // Writes `text` to a new file in the server's directory and returns its path.
  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = server_.dir() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  const std::string account_ = UniqueName("acct");
};

TEST_F(TktctlSlaE2eTest, CommitInFortyEightHoursStartsACommittedDateClockAndTellsTheCustomer) {
  const std::string id = Create().id();
  // tktctl counts +48h from the current whole second.
  const absl::Time before = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()));
  const CliResult result =
      Tktctl(kAgentToken, {"commit", id, "+48h", "--reason=part arrives Wednesday"});
  ASSERT_THAT(result, ExitsWith(0));
  EXPECT_THAT(result.out, ContainsRegex("\n  committed_date +RUNNING +target "));
  EXPECT_THAT(result.out, ContainsRegex("\ncommitted: +[0-9]{4}-"));

  const v1::Ticket ticket = TktctlJson<v1::Ticket>(kAgentToken, {"get", id});
  const absl::Time committed = FromProto(ticket.committed_time());
  EXPECT_GE(committed, before + absl::Hours(48));
  EXPECT_LE(committed, absl::Now() + absl::Hours(48));
  const v1::SlaClock* clock = FindClock(ticket, v1::SLA_CLOCK_KIND_COMMITTED_DATE);
  ASSERT_NE(clock, nullptr);
  EXPECT_EQ(clock->state(), v1::SLA_CLOCK_STATE_RUNNING);
  EXPECT_EQ(FromProto(clock->due_time()), committed);
  EXPECT_THAT(Tktctl(kAgentToken, {"history", id}).out,
              ContainsRegex("\n2 +[^\n]* alice +committed_date +[^\n]*committed_time: - -> "
                            "[^\n]*\\[customer\\] reason: part arrives Wednesday\n"));
}

TEST_F(TktctlSlaE2eTest, TechnicianCommitIsPermissionDenied) {
  const std::string id = Create(/*assigned=*/true).id();
  const CliResult result =
      Tktctl(kTechnicianTomToken, {"commit", id, "+48h", "--reason=I promise"});
  EXPECT_THAT(result, ExitsWith(ExitCodeOf(absl::StatusCode::kPermissionDenied)));
  EXPECT_THAT(result.err, HasSubstr("PERMISSION_DENIED"));
}

TEST_F(TktctlSlaE2eTest, CommitToAPastTimeIsInvalidArgumentAndAMissingReasonAUsageError) {
  const std::string id = Create().id();
  const CliResult past =
      Tktctl(kAgentToken, {"commit", id, "2026-01-05T08:00:00Z", "--reason=too late"});
  EXPECT_THAT(past, ExitsWith(ExitCodeOf(absl::StatusCode::kInvalidArgument)));
  EXPECT_THAT(past.err, HasSubstr("INVALID_ARGUMENT: committed_time: must be in the future"));

  EXPECT_THAT(Tktctl(kAgentToken, {"commit", id, "+48h"}), ExitsWith(kExitUsage));
  const CliResult bad = Tktctl(kAgentToken, {"commit", id, "+soon", "--reason=x"});
  EXPECT_THAT(bad, ExitsWith(kExitUsage));
  EXPECT_THAT(bad.err, HasSubstr("'+soon' is not an offset from now"));
}

TEST_F(TktctlSlaE2eTest, ExplainAfterWaitingOnTheCustomerShowsThePausedSegmentAndItsCause) {
  const std::string id = Create(/*assigned=*/true).id();
  ASSERT_THAT(Tktctl(kTechnicianTomToken, {"transition", id, "in_progress"}), ExitsWith(0));
  ASSERT_THAT(Tktctl(kAdminToken, {"clock", "advance", "30m"}), ExitsWith(0));
  ASSERT_THAT(Tktctl(kTechnicianTomToken, {"transition", id, "waiting_customer"}),
              ExitsWith(0));

  const CliResult result = Tktctl(kAgentToken, {"explain", id});
  ASSERT_THAT(result, ExitsWith(0));
  EXPECT_THAT(result.out, ContainsRegex("\npolicy: +standard\ncalendar: +always\n"));
  EXPECT_THAT(result.out,
              ContainsRegex("\nresolution +PAUSED\n  paused since [^\n]*\n"
                            "  [-0-9: ]+ - [-0-9: ]+ +RUNNING +[^\n]*created by alice\n"
                            "  [-0-9: ]+ - now +PAUSED +status IN_PROGRESS -> WAITING_CUSTOMER "
                            "by tom\n"));

  const v1::SlaExplanation json = TktctlJson<v1::SlaExplanation>(kAgentToken, {"explain", id});
  EXPECT_EQ(json.ticket_id(), id);
  bool found_pause = false;
  for (const v1::ClockExplanation& clock : json.clocks()) {
    for (const v1::SlaSegment& segment : clock.segments()) {
      if (segment.state() != v1::SLA_CLOCK_STATE_PAUSED) continue;
      found_pause = true;
      EXPECT_EQ(FromProto(segment.start_time()), ParseRfc3339(kStart) + absl::Minutes(30));
      EXPECT_FALSE(segment.has_end_time());
    }
  }
  EXPECT_TRUE(found_pause);
}

TEST_F(TktctlSlaE2eTest, PreviewOnTheOfficeCalendarSkipsTheLunchBreak) {
  const std::vector<std::string> args = {"preview", "--calendar=office", "--business_time=1h",
                                         "--start=2026-01-05T11:30:00+08:00"};
  const v1::PreviewDeadlineResponse json = TktctlJson<v1::PreviewDeadlineResponse>(
      kAgentToken, args);
  const absl::Time due = ParseRfc3339("2026-01-05T14:00:00+08:00");
  EXPECT_EQ(FromProto(json.due_time()), due);

  const CliResult text = Tktctl(kAgentToken, args);
  ASSERT_THAT(text, ExitsWith(0));
  EXPECT_EQ(text.out, absl::StrCat("due: ", absl::FormatTime("%Y-%m-%d %H:%M:%S %z", due,
                                                              absl::LocalTimeZone()),
                                   "\n"));
}

TEST_F(TktctlSlaE2eTest, PreviewOfAPolicyListsTheClocksItWouldStart) {
  const CliResult result =
      Tktctl(kAgentToken, {"preview", "--policy=standard", absl::StrCat("--start=", kStart)});
  ASSERT_THAT(result, ExitsWith(0));
  EXPECT_THAT(result.out, ContainsRegex("^  first_response +RUNNING +target 1h +due "));
  EXPECT_THAT(result.out, ContainsRegex("\n  resolution +RUNNING +target 8h +due "));

  const v1::PreviewDeadlineResponse json =
      TktctlJson<v1::PreviewDeadlineResponse>(kAgentToken, {"preview", "--policy=standard"});
  ASSERT_THAT(json.clocks(), SizeIs(2));
  EXPECT_EQ(FromProto(json.clocks(1).due_time()), ParseRfc3339(kStart) + absl::Hours(8));

  EXPECT_THAT(Tktctl(kAgentToken, {"preview", "--policy=standard", "--calendar=office"}),
              ExitsWith(kExitUsage));
  EXPECT_THAT(Tktctl(kAgentToken, {"preview", "--policy=gold"}),
              ExitsWith(ExitCodeOf(absl::StatusCode::kNotFound)));
}

TEST_F(TktctlSlaE2eTest, SlaShowPrintsTheConfigFilesCalendarsAndPolicies) {
  const CliResult result = Tktctl(kAgentToken, {"sla", "show"});
  ASSERT_THAT(result, ExitsWith(0));
  EXPECT_THAT(result.out, ContainsRegex("^version: +0\n"));
  EXPECT_THAT(result.out, ContainsRegex("\n  office +Asia/Shanghai +"));
  EXPECT_THAT(result.out, ContainsRegex("\n  standard +match all tickets +first_response 1h +"
                                        "resolution 8h +calendar always\n"));
  const v1::SlaConfig json = TktctlJson<v1::SlaConfig>(kAgentToken, {"sla", "show"});
  EXPECT_THAT(json.calendars(), SizeIs(2));
  EXPECT_THAT(json.sla_policies(), SizeIs(1));
}

TEST_F(TktctlSlaE2eTest, SlaReplaceStoresVersionOneThatHistoryListsWithItsReason) {
  const std::string file = WriteFile("sla.textproto", R"(
      calendars { name: "always" time_zone: "UTC" always_open: true }
      sla_policies { name: "gold" first_response: "30m" calendar: "always" })");
  const v1::SlaConfig stored = TktctlJson<v1::SlaConfig>(
      kAdminToken, {"sla", "replace", file, "--reason=gold for everyone"});
  EXPECT_EQ(stored.version(), 1);
  EXPECT_EQ(stored.updated_by(), kAdminName);

  const CliResult history = Tktctl(kAgentToken, {"sla", "history"});
  ASSERT_THAT(history, ExitsWith(0));
  EXPECT_THAT(history.out, ContainsRegex("\n1 +[-0-9: ]+ +root +1 +1 +gold for everyone\n"));

  const CliResult stale = Tktctl(
      kAdminToken, {"sla", "replace", file, "--reason=again", "--expected_version=0"});
  EXPECT_THAT(stale, ExitsWith(ExitCodeOf(absl::StatusCode::kAborted)));
}

TEST_F(TktctlSlaE2eTest, SlaReplaceWithAnUnknownCalendarNamesTheFieldAndChangesNothing) {
  const std::string file = WriteFile("bad.textproto", R"(
      calendars { name: "always" time_zone: "UTC" always_open: true }
      sla_policies { name: "gold" first_response: "30m" calendar: "nowhere" })");
  const CliResult result = Tktctl(kAdminToken, {"sla", "replace", file, "--reason=typo"});
  EXPECT_THAT(result, ExitsWith(ExitCodeOf(absl::StatusCode::kInvalidArgument)));
  EXPECT_THAT(result.err, HasSubstr("sla_policies[0].calendar"));
  EXPECT_EQ(TktctlJson<v1::SlaConfig>(kAgentToken, {"sla", "show"}).version(), 0);

  const std::string garbled = WriteFile("garbled.textproto", "calendars { name: ");
  const CliResult parse = Tktctl(kAdminToken, {"sla", "replace", garbled, "--reason=x"});
  EXPECT_THAT(parse, ExitsWith(kExitUsage));
  EXPECT_THAT(parse.err, HasSubstr("garbled.textproto:1:"));
}

}  // namespace
}  // namespace ticketing::testing

namespace ticketing::testing {
namespace {

TEST_F(TktctlSlaE2eTest, ContactCountsEachChaseAndRefusesAnUnknownChannel) {
  const std::string id = Create().id();
  ASSERT_THAT(Tktctl(kAgentToken, {"contact", id, "phone", "where", "is", "my", "printer?"}),
              ExitsWith(0));
  ASSERT_THAT(Tktctl(kAgentToken, {"contact", id, "in_person"}), ExitsWith(0));
  const v1::Ticket ticket = TktctlJson<v1::Ticket>(kAgentToken, {"get", id});
  EXPECT_EQ(ticket.chase_count(), 2);
  EXPECT_THAT(Tktctl(kAgentToken, {"history", id}).out, HasSubstr("where is my printer?"));
  EXPECT_THAT(Tktctl(kAgentToken, {"contact", id, "pigeon"}), ExitsWith(kExitUsage));
  EXPECT_EQ(TktctlJson<v1::Ticket>(kAgentToken, {"get", id}).chase_count(), 2);
}

}  // namespace
}  // namespace ticketing::testing
