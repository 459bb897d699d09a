// End-to-end tests of `tktctl alerts` (list, ack, watch) against a real ticketd on a test
// clock (config and tickets as in alerts_e2e_test.cc: T-1 P3 and T-2 P1, both assigned to
// tom; 1 hour raises four first-response alerts, 10 hours eight alerts in all).
//
// `alerts watch` runs in the background (BackgroundTktctl) with its output in files, so a
// test can move the clock, stop the server or send a signal while it runs.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/alert_helpers.h"
#include "tests/e2e/tktctl_runner.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::testing {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// The complete lines of `text` (a last line without "\n" is still being written).
std::vector<std::string> CompleteLines(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  lines.pop_back();  // after the last "\n": empty or incomplete
  return lines;
}

// tktctl running in the background (posix_spawn, no shell, TKT_* removed), stdout and
// stderr going to files in `dir`. The destructor SIGKILLs it if it still runs.
class BackgroundTktctl {
 public:
  BackgroundTktctl(const std::string& dir, const std::string& address, absl::string_view token,
                   const std::vector<std::string>& args)
      : out_path_(UniqueName(dir + "/tktctl-out")), err_path_(out_path_ + ".err") {
    std::vector<std::string> argv = {TKTCTL_PATH, "--addr=" + address,
                                     absl::StrCat("--token=", token)};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> c_args;
    for (std::string& a : argv) c_args.push_back(a.data());
    c_args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> env = EnvironmentWithoutTkt();
    EXPECT_EQ(posix_spawn(&pid_, c_args[0], &actions, nullptr, c_args.data(), env.data()), 0);
    posix_spawn_file_actions_destroy(&actions);
  }
  ~BackgroundTktctl() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      WaitForExit(pid_);
    }
  }

  std::string out() const { return ReadFileOrEmpty(out_path_); }
  std::string err() const { return ReadFileOrEmpty(err_path_); }

  // Waits until stdout has `count` complete lines (or more); returns them.
  std::vector<std::string> WaitForLines(size_t count, absl::Duration timeout = absl::Seconds(15)) {
    const absl::Time deadline = absl::Now() + timeout;
    while (CompleteLines(out()).size() < count && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(20));
    }
    return CompleteLines(out());
  }
  // Waits until stderr contains `text` `times` times.
  bool WaitForErr(absl::string_view text, int times = 1,
                  absl::Duration timeout = absl::Seconds(15)) {
    const absl::Time deadline = absl::Now() + timeout;
    while (Count(err(), text) < times && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(20));
    }
    return Count(err(), text) >= times;
  }

  void Signal(int signal) { kill(pid_, signal); }

  // The exit code (128 + signal number when killed), or -1 when it still runs after
  // `timeout`.
  int Exit(absl::Duration timeout = absl::Seconds(15)) {
    const absl::Time deadline = absl::Now() + timeout;
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (absl::Now() >= deadline) return -1;
      absl::SleepFor(absl::Milliseconds(20));
    }
    pid_ = -1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
  }

 private:
  static int Count(absl::string_view haystack, absl::string_view needle) {
    int n = 0;
    for (size_t at = haystack.find(needle); at != absl::string_view::npos;
         at = haystack.find(needle, at + needle.size())) {
      ++n;
    }
    return n;
  }

  const std::string out_path_;
  const std::string err_path_;
  pid_t pid_ = -1;
};

// A port that was free a moment ago (bind to port 0, read it back, close), for a server
// that must come back on the same address after a restart. 0 on error.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = 0;
  if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  if (fd >= 0) close(fd);
  return port;
}

class TktctlAlertsE2eTest : public TktctlServerTest {
 protected:
  TktctlAlertsE2eTest() : TktctlServerTest(kAlertsConfig, AlertsServerFlags()) {}

  void SetUp() override {
    TktctlServerTest::SetUp();
    if (HasFatalFailure()) return;
    CreateTicketForTom(server_.Channel(), v1::PRIORITY_P3);
    CreateTicketForTom(server_.Channel(), v1::PRIORITY_P1);
  }

  std::unique_ptr<BackgroundTktctl> Watch(const std::vector<std::string>& args) {
    std::vector<std::string> all = {"alerts", "watch"};
    all.insert(all.end(), args.begin(), args.end());
    return std::make_unique<BackgroundTktctl>(server_.dir(), server_.address(), kSupervisorToken,
                                              all);
  }
  void Advance(absl::Duration by) { ASSERT_THAT(AdvanceClock(server_.Channel(), by), IsOk()); }
};

TEST_F(TktctlAlertsE2eTest, WatchWithMaxPrintsThatManyJsonLinesWithConsecutiveSequencesAndExitsZero) {
  Advance(absl::Hours(1));  // four alerts stored before the watch starts
  std::unique_ptr<BackgroundTktctl> watch = Watch({"--from=0", "--max=8", "--json"});
  ASSERT_THAT(watch->WaitForLines(4), SizeIs(4)) << watch->err();
  Advance(absl::Hours(9));  // four more while it watches
  ASSERT_EQ(watch->Exit(), 0) << watch->err();

  const std::vector<std::string> lines = CompleteLines(watch->out());
  ASSERT_THAT(lines, SizeIs(8));
  for (size_t i = 0; i < lines.size(); ++i) {
    absl::StatusOr<v1::Alert> alert = ParseJson<v1::Alert>(lines[i]);
    ASSERT_THAT(alert, IsOk());
    EXPECT_EQ(alert->sequence(), static_cast<int64_t>(i + 1));
    EXPECT_EQ(alert->assignee(), kTechnicianTomName);
  }
}

TEST_F(TktctlAlertsE2eTest, WatchFromNPrintsOneLinePerLaterAlertAndExitsZeroOnSigterm) {
  Advance(absl::Hours(10));
  std::unique_ptr<BackgroundTktctl> watch = Watch({"--from=5", "--level=2"});
  // Of 6, 7 and 8 only the P1 breach is at level 2. A new P1 ticket's breach (level 2) is
  // the next line once it is raised: the watch printed nothing else in between.
  ASSERT_THAT(RaiseMarkerAlerts(server_.Channel()), IsOk());
  ASSERT_THAT(watch->WaitForLines(2), SizeIs(2)) << watch->err();
  watch->Signal(SIGTERM);
  ASSERT_EQ(watch->Exit(), 0) << watch->err();
  const std::vector<std::string> lines = CompleteLines(watch->out());
  ASSERT_THAT(lines, SizeIs(2)) << watch->out();  // the P1 resolution breach, the marker
  EXPECT_THAT(lines[0], ContainsRegex("^#[678]  .*  L2 service manager  T-2  breach resolution  "
                                      "past .*  to root \\+tom  \\[p1-breach\\]"));
  EXPECT_THAT(lines[1], ContainsRegex("  T-3  breach first_response  "));
}

TEST_F(TktctlAlertsE2eTest, WatchOnceExitsWithUnavailableWhenTheServerStops) {
  Advance(absl::Hours(1));
  std::unique_ptr<BackgroundTktctl> watch = Watch({"--once"});
  ASSERT_THAT(watch->WaitForLines(4), SizeIs(4)) << watch->err();
  ASSERT_THAT(server_.Terminate(), IsOkAndHolds(0));
  EXPECT_EQ(watch->Exit(), ExitCodeOf(absl::StatusCode::kUnavailable)) << watch->err();
  EXPECT_THAT(watch->err(), HasSubstr("from_sequence=4"));
}

TEST_F(TktctlAlertsE2eTest, WatchKeepsReconnectingWhileTheServerIsDownAndExitsZeroOnSigint) {
  std::unique_ptr<BackgroundTktctl> watch = Watch({});
  ASSERT_THAT(server_.Terminate(), IsOkAndHolds(0));
  ASSERT_TRUE(watch->WaitForErr("reconnecting from sequence 0")) << watch->err();
  // Failed attempts later, still running.
  ASSERT_TRUE(watch->WaitForErr("reconnecting from sequence 0", 3)) << watch->err();
  EXPECT_EQ(watch->Exit(absl::ZeroDuration()), -1) << watch->err();
  watch->Signal(SIGINT);
  EXPECT_EQ(watch->Exit(), 0) << watch->err();
}

TEST_F(TktctlAlertsE2eTest, WatchWithABadTokenExitsAtOnceWithUnauthenticatedInsteadOfRetrying) {
  const CliResult result = Tktctl("not-a-token-of-anyone", {"alerts", "watch"});
  EXPECT_THAT(result, ExitsWith(ExitCodeOf(absl::StatusCode::kUnauthenticated)));
  EXPECT_THAT(result.err, HasSubstr("UNAUTHENTICATED"));
}

TEST_F(TktctlAlertsE2eTest, ListPrintsATableOrOneJsonLinePerAlertAndFilters) {
  Advance(absl::Hours(10));
  const CliResult table = Tktctl(kSupervisorToken, {"alerts", "list"});
  ASSERT_THAT(table, ExitsWith(0));
  EXPECT_THAT(table.out, ContainsRegex("^SEQ +TIME +LEVEL +TICKET +CONDITION +PAST +RECIPIENTS +ACK\n"));
  EXPECT_THAT(table.out, ContainsRegex("\n[0-9] +2026-01-05 [0-9:]+ +2 service manager +T-2 +"
                                       "breach first_response +[0-9a-z.]+ +root \\+tom +-\n"));
  EXPECT_THAT(CompleteLines(table.out), SizeIs(9));

  const CliResult json = Tktctl(kAdminToken, {"alerts", "list", "--mine", "--json"});
  ASSERT_THAT(json, ExitsWith(0));
  const std::vector<std::string> lines = CompleteLines(json.out);
  ASSERT_THAT(lines, SizeIs(2)) << "root receives the two level-2 alerts";
  for (const std::string& line : lines) {
    absl::StatusOr<v1::Alert> alert = ParseJson<v1::Alert>(line);
    ASSERT_THAT(alert, IsOk());
    EXPECT_EQ(alert->level(), 2);
  }
  EXPECT_THAT(Tktctl(kTechnicianTimToken, {"alerts", "list", "--mine"}).out,
              HasSubstr("no alerts found"));
  EXPECT_THAT(Tktctl(kSupervisorToken, {"alerts", "list", "--level=x"}), ExitsWith(kExitUsage));
}

TEST_F(TktctlAlertsE2eTest, AckByARecipientSucceedsAndByAnOutsiderExitsWithPermissionDenied) {
  Advance(absl::Hours(1));
  const CliResult acked = Tktctl(kSupervisorToken, {"alerts", "ack", "1", "--note=calling"});
  ASSERT_THAT(acked, ExitsWith(0));
  EXPECT_THAT(acked.out, ContainsRegex("^#1  .*acked by sue\n$"));
  EXPECT_THAT(Tktctl(kSupervisorToken, {"alerts", "ack", "1"}), ExitsWith(0));

  const CliResult denied = Tktctl(kAgentToken, {"alerts", "ack", "2"});
  EXPECT_THAT(denied, ExitsWith(ExitCodeOf(absl::StatusCode::kPermissionDenied)));
  EXPECT_EQ(ExitCodeOf(absl::StatusCode::kPermissionDenied), 8);
  EXPECT_THAT(denied.err, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(Tktctl(kSupervisorToken, {"alerts", "ack", "999"}),
              ExitsWith(ExitCodeOf(absl::StatusCode::kNotFound)));
  EXPECT_THAT(Tktctl(kSupervisorToken, {"alerts", "ack", "one"}), ExitsWith(kExitUsage));

  const CliResult unacked = Tktctl(kSupervisorToken, {"alerts", "list", "--unacked", "--json"});
  ASSERT_THAT(unacked, ExitsWith(0));
  EXPECT_THAT(CompleteLines(unacked.out), SizeIs(3));
}

TEST(TktctlAlertsRestartE2eTest, WatchReconnectsAfterAServerRestartAndPrintsEveryAlertOnce) {
  const int port = FreePort();
  ASSERT_GT(port, 0);
  std::vector<std::string> flags = AlertsServerFlags();
  flags.push_back(absl::StrCat("--listen=127.0.0.1:", port));  // the same address every run
  ServerProcess server(TICKETD_PATH, kAlertsConfig, flags);
  ASSERT_THAT(server.Start(), IsOk());
  CreateTicketForTom(server.Channel(), v1::PRIORITY_P3);
  CreateTicketForTom(server.Channel(), v1::PRIORITY_P1);
  ASSERT_THAT(AdvanceClock(server.Channel(), absl::Hours(1)), IsOk());  // alerts 1..4
  BackgroundTktctl watch(server.dir(), server.address(), kSupervisorToken,
                         {"alerts", "watch", "--max=8", "--json"});
  ASSERT_THAT(watch.WaitForLines(4), SizeIs(4)) << watch.err();

  ASSERT_THAT(server.Terminate(), IsOkAndHolds(0));
  ASSERT_THAT(server.Restart(), IsOk());
  ASSERT_EQ(server.port(), port);
  ASSERT_THAT(AdvanceClock(server.Channel(), absl::Hours(10)), IsOk());  // resolution: 5..8
  ASSERT_EQ(watch.Exit(absl::Seconds(20)), 0) << watch.err();
  EXPECT_THAT(watch.err(), HasSubstr("reconnecting from sequence 4"));
  const std::vector<std::string> lines = CompleteLines(watch.out());
  ASSERT_THAT(lines, SizeIs(8));
  for (size_t i = 0; i < lines.size(); ++i) {
    absl::StatusOr<v1::Alert> alert = ParseJson<v1::Alert>(lines[i]);
    ASSERT_THAT(alert, IsOk());
    EXPECT_EQ(alert->sequence(), static_cast<int64_t>(i + 1)) << "no gap, nothing twice";
  }
}

}  // namespace
}  // namespace ticketing::testing
