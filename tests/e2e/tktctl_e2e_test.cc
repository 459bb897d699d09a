// End-to-end tests of the tktctl binary: each test starts its own ticketd and runs the
// real tktctl as a child process (tktctl_runner.h), checking its exit code, stdout and
// stderr. Output is parsed with --json wherever a table would make the test brittle.

#include <algorithm>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_helpers.h"
#include "tests/e2e/tktctl_runner.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "ticketing/v1/admin_service.pb.h"
#include "ticketing/v1/report.pb.h"
#include "ticketing/v1/ticket.pb.h"
#include "ticketing/v1/ticket_service.pb.h"

namespace ticketing::testing {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::ContainsRegex;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

std::vector<std::string> IdsOf(const v1::ListTicketsResponse& response) {
  std::vector<std::string> ids;
  for (const v1::Ticket& t : response.tickets()) ids.push_back(t.id());
  return ids;
}

class TktctlE2eTest : public TktctlServerTest {
 protected:
  using TktctlServerTest::TktctlServerTest;

  // The flags of a valid repair ticket of `account`, plus `extra`.
  static std::vector<std::string> CreateArgs(const std::string& account,
                                             std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"create", "--kind=repair", "--account=" + account,
                                     "--summary=Washer leaks", "--contact_name=Ann Customer",
                                     "--contact_phone=+86 571 5550100"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  v1::Ticket Create(const std::string& account) {
    return TktctlJson<v1::Ticket>(kAgentToken, CreateArgs(account));
  }

  v1::ListTicketsResponse List(std::vector<std::string> filters) {
    filters.insert(filters.begin(), "list");
    return TktctlJson<v1::ListTicketsResponse>(kAgentToken, filters);
  }

  const std::string account_ = UniqueName("acct");
};

TEST_F(TktctlE2eTest, CreatePrintsTheNewTicketAndExitsZero) {
  const CliResult result = Tktctl(kAgentToken, CreateArgs(account_));
  ASSERT_THAT(result, ExitsWith(0));
  EXPECT_THAT(result.out, ContainsRegex("(^|\n)id: +T-[0-9]+\n"));
  EXPECT_THAT(result.out, ContainsRegex("\nsummary: +Washer leaks\n"));
  EXPECT_THAT(result.out, ContainsRegex("\nstatus: +new\n"));
  EXPECT_THAT(result.out, HasSubstr(account_));
  EXPECT_THAT(result.err, IsEmpty());
}

TEST_F(TktctlE2eTest, CreateWithJsonPrintsATicketWithTheGivenFields) {
  const v1::Ticket t = TktctlJson<v1::Ticket>(
      kAgentToken, CreateArgs(account_, {"--description=Water on the floor", "--product=WM-100",
                                         "--serial=SN-42", "--impact=high", "--urgency=low",
                                         "--priority=p2", "--priority_reason=line down", "--queue=repairs", "--region=cn/hz"}));
  EXPECT_GT(TicketNumber(t.id()), 0) << t.id();
  EXPECT_EQ(t.kind(), v1::TICKET_KIND_REPAIR);
  EXPECT_EQ(t.account_id(), account_);
  EXPECT_EQ(t.summary(), "Washer leaks");
  EXPECT_EQ(t.description(), "Water on the floor");
  EXPECT_EQ(t.contact().name(), "Ann Customer");
  EXPECT_EQ(t.contact().phone(), "+86 571 5550100");
  EXPECT_EQ(t.product(), "WM-100");
  EXPECT_EQ(t.serial_number(), "SN-42");
  EXPECT_EQ(t.impact(), v1::IMPACT_HIGH);
  EXPECT_EQ(t.urgency(), v1::URGENCY_LOW);
  EXPECT_EQ(t.priority(), v1::PRIORITY_P2);
  EXPECT_EQ(t.queue(), "repairs");
  EXPECT_EQ(t.region(), "cn/hz");
  EXPECT_EQ(t.status(), v1::TICKET_STATUS_NEW);
  EXPECT_EQ(t.version(), 1);
  EXPECT_EQ(t.created_by(), kAgentName);
}

TEST_F(TktctlE2eTest, RepeatingTheRequestIdReturnsTheSameTicket) {
  const std::vector<std::string> args = CreateArgs(account_, {"--request_id=retry-me-1"});
  const v1::Ticket first = TktctlJson<v1::Ticket>(kAgentToken, args);
  const v1::Ticket second = TktctlJson<v1::Ticket>(kAgentToken, args);
  ASSERT_FALSE(first.id().empty());
  EXPECT_EQ(second.id(), first.id());
  EXPECT_THAT(IdsOf(List({"--account=" + account_})), ElementsAre(first.id()));
}

TEST_F(TktctlE2eTest, GetPrintsTheTicketThatCreatePrinted) {
  const v1::Ticket created = Create(account_);
  const v1::Ticket got = TktctlJson<v1::Ticket>(kAgentToken, {"get", created.id()});
  EXPECT_TRUE(MessageDifferencer::Equals(got, created)) << got.DebugString();

  const CliResult missing = Tktctl(kAgentToken, {"get", "T-999999"});
  EXPECT_THAT(missing, ExitsWith(ExitCodeOf(absl::StatusCode::kNotFound)));
  EXPECT_THAT(missing.err, HasSubstr("NOT_FOUND"));
}

TEST_F(TktctlE2eTest, ListFiltersByStatusAccountAndAssignee) {
  const std::string other_account = UniqueName("acct");
  const v1::Ticket a1 = Create(account_);
  const v1::Ticket a2 = Create(account_);
  const v1::Ticket a3 = Create(account_);
  const v1::Ticket b1 = Create(other_account);
  ASSERT_THAT(Tktctl(kAgentToken, {"assign", a2.id(), kTechnicianTomName}), ExitsWith(0));

  EXPECT_THAT(IdsOf(List({"--account=" + account_})), ElementsAre(a1.id(), a2.id(), a3.id()));
  EXPECT_THAT(IdsOf(List({"--account=" + other_account})), ElementsAre(b1.id()));
  EXPECT_THAT(IdsOf(List({"--status=new"})), UnorderedElementsAre(a1.id(), a3.id(), b1.id()));
  EXPECT_THAT(IdsOf(List({"--status=new,assigned", "--account=" + account_})),
              ElementsAre(a1.id(), a2.id(), a3.id()));
  EXPECT_THAT(IdsOf(List({"--assignee=tom"})), ElementsAre(a2.id()));
  EXPECT_THAT(IdsOf(List({"--assignee=tim"})), IsEmpty());
  EXPECT_THAT(IdsOf(List({"--account=nobody-here"})), IsEmpty());
}

TEST_F(TktctlE2eTest, ListAllFollowsEveryPage) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(Create(account_).id());

  const v1::ListTicketsResponse first = List({"--account=" + account_, "--page_size=2"});
  EXPECT_THAT(IdsOf(first), ElementsAre(ids[0], ids[1]));
  ASSERT_FALSE(first.next_page_token().empty());
  const v1::ListTicketsResponse second =
      List({"--account=" + account_, "--page_size=2", "--page_token=" + first.next_page_token()});
  EXPECT_THAT(IdsOf(second), ElementsAre(ids[2], ids[3]));

  const v1::ListTicketsResponse all = List({"--account=" + account_, "--page_size=2", "--all"});
  EXPECT_THAT(IdsOf(all), ElementsAre(ids[0], ids[1], ids[2], ids[3], ids[4]));
  EXPECT_THAT(all.next_page_token(), IsEmpty());

  const CliResult table =
      Tktctl(kAgentToken, {"list", "--account=" + account_, "--page_size=2", "--all"});
  ASSERT_THAT(table, ExitsWith(0));
  for (const std::string& id : ids) EXPECT_THAT(table.out, HasSubstr(id + " "));
  EXPECT_THAT(table.out, Not(HasSubstr("more:")));
}

TEST_F(TktctlE2eTest, AssignTransitionCommentAndUpdateShowUpInHistoryInOrder) {
  const std::string id = Create(account_).id();
  const v1::Ticket assigned =
      TktctlJson<v1::Ticket>(kAgentToken, {"assign", id, kTechnicianTomName});
  EXPECT_EQ(assigned.assignee(), kTechnicianTomName);
  EXPECT_EQ(assigned.status(), v1::TICKET_STATUS_ASSIGNED);

  const v1::Ticket started =
      TktctlJson<v1::Ticket>(kTechnicianTomToken, {"transition", id, "in_progress"});
  EXPECT_EQ(started.status(), v1::TICKET_STATUS_IN_PROGRESS);

  const v1::AddCommentResponse commented = TktctlJson<v1::AddCommentResponse>(
      kAgentToken, {"comment", id, "pump", "replaced", "--customer"});
  EXPECT_EQ(commented.event().comment(), "pump replaced");
  EXPECT_EQ(commented.event().visibility(), v1::VISIBILITY_CUSTOMER);

  // No --version: tktctl reads the current version (4) first.
  const v1::Ticket updated =
      TktctlJson<v1::Ticket>(kAgentToken, {"update", id, "--summary=Washer leaks badly"});
  EXPECT_EQ(updated.summary(), "Washer leaks badly");
  EXPECT_EQ(updated.version(), 5);

  const v1::ListTicketEventsResponse history =
      TktctlJson<v1::ListTicketEventsResponse>(kAgentToken, {"history", id});
  std::vector<int64_t> sequences;
  std::vector<v1::EventType> types;
  std::vector<std::string> actors;
  for (const v1::TicketEvent& e : history.events()) {
    sequences.push_back(e.sequence());
    types.push_back(e.type());
    actors.push_back(e.actor());
  }
  EXPECT_THAT(sequences, ElementsAre(1, 2, 3, 4, 5));
  EXPECT_THAT(types, ElementsAre(v1::EVENT_TYPE_CREATED, v1::EVENT_TYPE_ASSIGNED,
                                 v1::EVENT_TYPE_TRANSITIONED, v1::EVENT_TYPE_COMMENTED,
                                 v1::EVENT_TYPE_UPDATED));
  EXPECT_THAT(actors, ElementsAre("alice", "alice", "tom", "alice", "alice"));

  const CliResult table = Tktctl(kAgentToken, {"history", id});
  ASSERT_THAT(table, ExitsWith(0));
  EXPECT_THAT(table.out, ContainsRegex("\n1 +[^\n]*created[^\n]*\n2 +[^\n]*assigned[^\n]*\n"
                                       "3 +[^\n]*transitioned[^\n]*\n4 +[^\n]*commented[^\n]*"
                                       "pump replaced\n5 +[^\n]*updated"));
}

TEST_F(TktctlE2eTest, WrongTokenExitsWithUnauthenticated) {
  const CliResult result = Tktctl("not-a-valid-token-0000", {"list"});
  EXPECT_THAT(result, ExitsWith(ExitCodeOf(absl::StatusCode::kUnauthenticated)));
  EXPECT_THAT(result.err, HasSubstr("UNAUTHENTICATED"));
  EXPECT_THAT(result.out, IsEmpty());
}

TEST_F(TktctlE2eTest, TheTokenComesFromAFileOrTheEnvironmentNeverNeedingTheCommandLine) {
  const std::string file = server_.dir() + "/alice.token";
  ASSERT_THAT(WriteFile(file, absl::StrCat(kAgentToken, "\n")), IsOk());
  const std::vector<std::string> base = {TKTCTL_PATH, "--addr=" + server_.address(),
                                         "--timeout=10"};
  auto run = [&](std::vector<std::string> args, std::vector<std::string> env) {
    std::vector<std::string> argv = base;
    argv.insert(argv.end(), args.begin(), args.end());
    absl::StatusOr<CliResult> result = RunProcess(argv, absl::Seconds(30), env);
    EXPECT_THAT(result, IsOk());
    return result.ok() ? *result : CliResult{};
  };
  CliResult from_flag = run({"--token_file=" + file, "whoami"}, {});
  EXPECT_THAT(from_flag, ExitsWith(0));
  EXPECT_THAT(from_flag.out, HasSubstr("user: alice"));
  EXPECT_THAT(run({"whoami"}, {"TKT_TOKEN_FILE=" + file}).out, HasSubstr("user: alice"));
  EXPECT_THAT(run({"whoami"}, {absl::StrCat("TKT_TOKEN=", kSupervisorToken)}).out,
              HasSubstr("user: sue"));
  // --token_file wins over $TKT_TOKEN; a file that cannot be read is a usage error.
  EXPECT_THAT(run({"--token_file=" + file, "whoami"},
                  {absl::StrCat("TKT_TOKEN=", kSupervisorToken)}).out,
              HasSubstr("user: alice"));
  CliResult missing = run({"--token_file=" + file + ".missing", "whoami"}, {});
  EXPECT_THAT(missing, ExitsWith(kExitUsage));
  EXPECT_THAT(missing.err, HasSubstr("cannot read the token file"));
}

TEST_F(TktctlE2eTest, IllegalTransitionExitsWithFailedPreconditionNamingBothStates) {
  const std::string id = Create(account_).id();
  const CliResult result = Tktctl(kAgentToken, {"transition", id, "closed"});
  EXPECT_THAT(result, ExitsWith(ExitCodeOf(absl::StatusCode::kFailedPrecondition)));
  EXPECT_EQ(result.exit_code, 10);
  EXPECT_THAT(result.err, HasSubstr("FAILED_PRECONDITION"));
  EXPECT_THAT(result.err, HasSubstr("NEW"));
  EXPECT_THAT(result.err, HasSubstr("CLOSED"));
  EXPECT_EQ(TktctlJson<v1::Ticket>(kAgentToken, {"get", id}).status(), v1::TICKET_STATUS_NEW);
}

TEST_F(TktctlE2eTest, TechnicianCreateIsPermissionDeniedAndCreatesNothing) {
  const CliResult result = Tktctl(kTechnicianTomToken, CreateArgs(account_));
  EXPECT_THAT(result, ExitsWith(ExitCodeOf(absl::StatusCode::kPermissionDenied)));
  EXPECT_THAT(result.err, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(IdsOf(List({"--account=" + account_})), IsEmpty());
}

TEST_F(TktctlE2eTest, UnknownSubcommandExitsTwoWithAUsageHint) {
  const CliResult result = Tktctl(kAgentToken, {"frobnicate"});
  EXPECT_THAT(result, ExitsWith(kExitUsage));
  EXPECT_THAT(result.err, HasSubstr("unknown subcommand 'frobnicate'"));
  EXPECT_THAT(result.err, HasSubstr("tktctl help"));
}

TEST_F(TktctlE2eTest, BadEnumValuesExitTwoAndListTheAcceptedValues) {
  const CliResult status = Tktctl(kAgentToken, {"list", "--status=bogus"});
  EXPECT_THAT(status, ExitsWith(kExitUsage));
  EXPECT_THAT(status.err, HasSubstr("--status: unknown value 'bogus'"));
  EXPECT_THAT(status.err, HasSubstr("in_progress"));

  const CliResult kind = Tktctl(kAgentToken, CreateArgs(account_, {"--kind=toaster"}));
  EXPECT_THAT(kind, ExitsWith(kExitUsage));
  EXPECT_THAT(kind.err, HasSubstr("--kind: unknown value 'toaster'"));

  const CliResult target = Tktctl(kAgentToken, {"transition", "T-1", "sideways"});
  EXPECT_THAT(target, ExitsWith(kExitUsage));
  EXPECT_THAT(target.err, HasSubstr("unknown value 'sideways'"));
  EXPECT_THAT(IdsOf(List({"--account=" + account_})), IsEmpty());
}

TEST_F(TktctlE2eTest, VerifySucceedsForAdminAndIsPermissionDeniedForAgent) {
  Create(account_);
  const CliResult as_root = Tktctl(kAdminToken, {"verify"});
  EXPECT_THAT(as_root, ExitsWith(0));
  EXPECT_THAT(as_root.out, HasSubstr("store is consistent"));

  const CliResult as_alice = Tktctl(kAgentToken, {"verify"});
  EXPECT_THAT(as_alice, ExitsWith(ExitCodeOf(absl::StatusCode::kPermissionDenied)));
  EXPECT_THAT(as_alice.err, HasSubstr("PERMISSION_DENIED"));
}

TEST_F(TktctlE2eTest, ClockAdvanceWithoutTestClockExitsWithFailedPrecondition) {
  const CliResult result = Tktctl(kAdminToken, {"clock", "advance", "1h"});
  EXPECT_THAT(result, ExitsWith(ExitCodeOf(absl::StatusCode::kFailedPrecondition)));
  EXPECT_EQ(result.exit_code, 10);
  EXPECT_THAT(result.err, HasSubstr("FAILED_PRECONDITION"));

  const CliResult bad = Tktctl(kAdminToken, {"clock", "advance", "soon"});
  EXPECT_THAT(bad, ExitsWith(kExitUsage));
  EXPECT_THAT(bad.err, HasSubstr("'soon' is not a duration"));
}

// A server on a test clock that starts Monday 2026-01-05 09:00 UTC, with one 24x7 policy.
class TktctlTestClockE2eTest : public TktctlE2eTest {
 protected:
  static constexpr char kStart[] = "2026-01-05T09:00:00Z";

  TktctlTestClockE2eTest()
      : TktctlE2eTest(R"(calendars { name: "always" time_zone: "UTC" always_open: true }
                         sla_policies { name: "standard" first_response: "1h"
                                        resolution: "8h" calendar: "always" })",
                      {"--test_clock", absl::StrCat("--test_clock_start=", kStart)}) {}

  // "10:00" for kStart + `offset`, in the time zone that tktctl prints (the local one).
  static std::string LocalHourMinute(absl::Duration offset) {
    absl::Time start;
    std::string error;
    EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, kStart, &start, &error)) << error;
    return absl::FormatTime("%H:%M", start + offset, absl::LocalTimeZone());
  }
};

TEST_F(TktctlTestClockE2eTest, AdvancingPastTheTargetBreachesFirstResponseAndRecordsIt) {
  const std::string id = Create(account_).id();
  const CliResult before = Tktctl(kAgentToken, {"get", id});
  ASSERT_THAT(before, ExitsWith(0));
  EXPECT_THAT(before.out, ContainsRegex("\nsla: +standard\n"));
  EXPECT_THAT(before.out, ContainsRegex("\n  first_response +RUNNING +target 1h +due [-0-9]+ " +
                                        LocalHourMinute(absl::Hours(1))));

  const CliResult advanced = Tktctl(kAdminToken, {"clock", "advance", "2h"});
  ASSERT_THAT(advanced, ExitsWith(0));
  EXPECT_THAT(advanced.out, HasSubstr(LocalHourMinute(absl::Hours(2))));
  // Two recordings on the one ticket: the warning at 09:45 (75%) and the breach at 10:00.
  EXPECT_THAT(advanced.out, ContainsRegex("tickets changed: +2\n"));

  const CliResult after = Tktctl(kAgentToken, {"get", id});
  ASSERT_THAT(after, ExitsWith(0));
  EXPECT_THAT(after.out, ContainsRegex("\n  first_response +BREACHED +target 1h +due [^\n]*"
                                       "warned +breached\n"));
  EXPECT_THAT(after.out, ContainsRegex("\n  resolution +RUNNING +target 8h"));
  EXPECT_THAT(Tktctl(kAgentToken, {"list"}).out, ContainsRegex(id + " [^\n]* BREACHED "));
  EXPECT_THAT(Tktctl(kAgentToken, {"history", id}).out,
              ContainsRegex("\n3 +[^\n]* system +sla +sla.first_response: RUNNING -> BREACHED"));

  const v1::AdvanceTestClockResponse set = TktctlJson<v1::AdvanceTestClockResponse>(
      kAdminToken, {"clock", "set", "2026-01-05T12:00:00Z"});
  EXPECT_EQ(set.now().seconds(), absl::ToUnixSeconds(absl::FromCivil(
                                     absl::CivilHour(2026, 1, 5, 12), absl::UTCTimeZone())));
  EXPECT_EQ(set.tickets_changed(), 0);
}

TEST_F(TktctlTestClockE2eTest, ClockAdvanceAsNonAdminIsPermissionDeniedAndVerifyCountsTimers) {
  Create(account_);
  const CliResult result = Tktctl(kAgentToken, {"clock", "advance", "1h"});
  EXPECT_THAT(result, ExitsWith(ExitCodeOf(absl::StatusCode::kPermissionDenied)));
  EXPECT_THAT(result.err, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(Tktctl(kAdminToken, {"verify"}).out, ContainsRegex("\ntimers: +[1-9][0-9]*\n"));
}

TEST_F(TktctlE2eTest, VisitAndSurveyCommandsRecordTheRepairAndItsJudgement) {
  const v1::Ticket t = TktctlJson<v1::Ticket>(
      kAgentToken, CreateArgs(account_, {absl::StrCat("--assignee=", kTechnicianTomName)}));
  ASSERT_THAT(Tktctl(kAgentToken, {"visit", "schedule", t.id(), "--window_start=+1h",
                                   "--window_end=+3h"}),
              ExitsWith(0));
  EXPECT_THAT(Tktctl(kTechnicianTomToken, {"visit", "record", t.id(), "1", "--outcome=not_fixed"}),
              ExitsWith(4))
      << "not fixed needs --why";
  const CliResult failed =
      Tktctl(kTechnicianTomToken, {"visit", "record", t.id(), "1", "--outcome=not_fixed",
                                   "--why=missing_part", "--diagnosis=print head broken"});
  ASSERT_THAT(failed, ExitsWith(0));
  EXPECT_THAT(failed.out, HasSubstr("visit 1: tom"));
  EXPECT_THAT(failed.out, HasSubstr("not_fixed missing_part  print head broken"));
  EXPECT_THAT(failed.out, HasSubstr("first_time_fix: no"));
  EXPECT_THAT(Tktctl(kAgentToken, {"survey", t.id(), "--overall=2"}), ExitsWith(10))
      << "not resolved yet: FAILED_PRECONDITION";
  const CliResult part = Tktctl(kTechnicianTomToken, {"part", "request", t.id(), "PH-5200", "1",
                                                     "--description=print head", "--promised=+48h"});
  ASSERT_THAT(part, ExitsWith(0));
  EXPECT_THAT(part.out, HasSubstr("part 1: 1 x PH-5200 (print head)  requested since"));
  ASSERT_THAT(Tktctl(kTechnicianTomToken, {"part", "update", t.id(), "1", "arrived"}), ExitsWith(0));
  EXPECT_THAT(Tktctl(kTechnicianTomToken, {"part", "update", t.id(), "1", "ordered"}), ExitsWith(10));
  const CliResult quote = Tktctl(kTechnicianTomToken,
                                 {"quote", "set", t.id(), "--lines=parts:180.00:print head;labour:80:one hour",
                                  "--explanation=head out of warranty"});
  ASSERT_THAT(quote, ExitsWith(0));
  EXPECT_THAT(quote.out, HasSubstr("quote 1: total 260.00  undecided"));
  EXPECT_THAT(Tktctl(kTechnicianTomToken, {"quote", "set", t.id(), "--lines=parts:1,80:x",
                                           "--explanation=x"}),
              ExitsWith(2));
  ASSERT_THAT(Tktctl(kTechnicianTomToken, {"quote", "decide", t.id(), "1", "accepted", "--by=Li Wei"}),
              ExitsWith(0));
  const CliResult paid = Tktctl(kAgentToken, {"quote", "pay", t.id(), "paid"});
  ASSERT_THAT(paid, ExitsWith(0));
  EXPECT_THAT(paid.out, HasSubstr("accepted by Li Wei  payment paid"));
  ASSERT_THAT(Tktctl(kTechnicianTomToken, {"transition", t.id(), "in_progress"}), ExitsWith(0));
  EXPECT_THAT(Tktctl(kTechnicianTomToken, {"transition", t.id(), "resolved"}), ExitsWith(4))
      << "resolving needs the resolution";
  ASSERT_THAT(Tktctl(kTechnicianTomToken,
                     {"transition", t.id(), "resolved", "--action_taken=replaced the head",
                      "--fault_category=print-head", "--root_cause=worn head"}),
              ExitsWith(0));
  const CliResult survey = Tktctl(kAgentToken, {"survey", t.id(), "--overall=2", "--timeliness=1",
                                                "--importance=timeliness,parts",
                                                "--note=twenty days"});
  ASSERT_THAT(survey, ExitsWith(0));
  EXPECT_THAT(survey.out, HasSubstr("survey: overall 2 (dissatisfied)"));
  EXPECT_THAT(survey.out, HasSubstr("importance timeliness>parts"));
  EXPECT_THAT(Tktctl(kAgentToken, {"transition", t.id(), "closed"}), ExitsWith(10))
      << "closing needs the customer's confirmation";
  const CliResult closed = Tktctl(kAgentToken, {"transition", t.id(), "closed", "--confirmed_by=Li Wei"});
  ASSERT_THAT(closed, ExitsWith(0));
  EXPECT_THAT(closed.out, HasSubstr("verification: confirmed_fixed by Li Wei (alice)"));
  EXPECT_THAT(closed.out, HasSubstr("resolution: print-head: replaced the head (root cause: worn head)"));
  EXPECT_THAT(Tktctl(kAgentToken, {"visit", "record", t.id(), "x"}), ExitsWith(2));
}

TEST_F(TktctlE2eTest, ReportPrintsTheServiceFiguresAsTableCsvAndJson) {
  const v1::Ticket a = TktctlJson<v1::Ticket>(
      kAgentToken, CreateArgs(account_, {absl::StrCat("--assignee=", kTechnicianTomName),
                                         "--product=LJ-5200"}));
  TktctlJson<v1::Ticket>(kAgentToken, CreateArgs(account_, {"--kind=complaint"}));
  ASSERT_THAT(Tktctl(kTechnicianTomToken, {"transition", a.id(), "in_progress"}), ExitsWith(0));
  ASSERT_THAT(Tktctl(kTechnicianTomToken,
                     {"transition", a.id(), "resolved", "--action_taken=new head",
                      "--fault_category=print-head", "--root_cause=worn"}),
              ExitsWith(0));
  // A report covers at most 366 days: from yesterday to tomorrow holds both tickets.
  const auto day = [](absl::Duration from_now) {
    return absl::FormatTime("%Y-%m-%d", absl::Now() + from_now, absl::UTCTimeZone());
  };
  const std::vector<std::string> period = {"--created_from=" + day(-absl::Hours(24)),
                                           "--created_to=" + day(absl::Hours(48))};
  std::vector<std::string> args = {"report", "service", "--group=technician", "--csv"};
  args.insert(args.end(), period.begin(), period.end());
  const CliResult csv = Tktctl(kSupervisorToken, args);
  ASSERT_THAT(csv, ExitsWith(0));
  EXPECT_THAT(csv.out, StartsWith("GROUP,TICKETS,FR_OK%,RES_OK%,"));
  EXPECT_THAT(csv.out, HasSubstr("\r\n(none),1,"));
  EXPECT_THAT(csv.out, HasSubstr("\r\ntom,1,"));
  EXPECT_THAT(csv.out, HasSubstr("\r\nTOTAL,2,"));
  args.erase(std::find(args.begin(), args.end(), "--csv"));  // the table
  EXPECT_THAT(Tktctl(kSupervisorToken, args).out, ContainsRegex("TOTAL +2 "));
  args.insert(args.begin(), "--json");
  const CliResult json = Tktctl(kSupervisorToken, args);
  ASSERT_THAT(json, ExitsWith(0));
  v1::ServiceReport report;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &report).ok()) << json.out;
  EXPECT_EQ(report.total().tickets(), 2);
  EXPECT_EQ(report.total().complaints(), 1);
  std::vector<std::string> feedback = {"report", "feedback"};
  feedback.insert(feedback.end(), period.begin(), period.end());
  EXPECT_THAT(Tktctl(kSupervisorToken, feedback).out, ContainsRegex("LJ-5200 +print-head +worn +1"));
  EXPECT_THAT(Tktctl(kAgentToken, feedback), ExitsWith(8));
  EXPECT_THAT(Tktctl(kSupervisorToken, {"report", "service"}), ExitsWith(2));
}

TEST_F(TktctlE2eTest, DispatchProposesAndAssignsTheBestAvailableTechnician) {
  const v1::Ticket t = TktctlJson<v1::Ticket>(kAgentToken, CreateArgs(account_));
  // No profiles configured: equal matches, equal loads, so by name: tim, then tom.
  const CliResult proposed = Tktctl(kAgentToken, {"dispatch", t.id()});
  ASSERT_THAT(proposed, ExitsWith(0));
  EXPECT_THAT(proposed.out, ContainsRegex("1 +tim +yes"));
  EXPECT_THAT(Tktctl(kTechnicianTomToken, {"availability", "tim", "off"}), ExitsWith(8));
  ASSERT_THAT(Tktctl(kSupervisorToken, {"availability", "tim", "off", "--note=on leave"}),
              ExitsWith(0));
  const CliResult assigned = Tktctl(kAgentToken, {"dispatch", t.id(), "--assign"});
  ASSERT_THAT(assigned, ExitsWith(0));
  EXPECT_THAT(assigned.out, ContainsRegex("1 +tom +yes"));
  EXPECT_THAT(assigned.out, ContainsRegex("2 +tim +no"));
  EXPECT_THAT(assigned.out, HasSubstr("assigned " + t.id() + " to tom"));
}

}  // namespace
}  // namespace ticketing::testing
