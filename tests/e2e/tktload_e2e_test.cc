// tktload against a real ticketd and the baseline servers: every scenario runs without
// errors and reports what it did as one JSON line.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/alert_helpers.h"
#include "tests/e2e/tktctl_runner.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::testing {
namespace {

using ::testing::HasSubstr;

// The value of "name": in a flat JSON line (numbers only), or -1.
double Field(const std::string& json, const std::string& name) {
  const std::string key = "\"" + name + "\":";
  const size_t at = json.find(key);
  if (at == std::string::npos) return -1;
  const size_t end = json.find_first_of(",}", at);
  double value = -1;
  return absl::SimpleAtod(json.substr(at + key.size(), end - at - key.size()), &value) ? value : -1;
}

CliResult Load(const std::string& address, const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {TKTLOAD_PATH, "--addr=" + address,
                                   std::string("--token=") + kAgentToken, "--duration=1",
                                   "--warmup=0.2", "--concurrency=8", "--channels=2",
                                   "--setup_tickets=20"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  absl::StatusOr<CliResult> result = RunProcess(argv, absl::Seconds(60));
  EXPECT_THAT(result, IsOk());
  return result.ok() ? *result : CliResult{};
}

TEST(TktloadE2eTest, EveryScenarioRunsCleanAgainstTicketd) {
  ServerProcess server(TICKETD_PATH);
  ASSERT_THAT(server.Start(), IsOk());
  for (const char* scenario : {"create", "comment", "list", "mixed"}) {
    const CliResult result = Load(server.address(), {std::string("--scenario=") + scenario});
    ASSERT_THAT(result, ExitsWith(0));
    SCOPED_TRACE(result.out);
    EXPECT_THAT(result.out, HasSubstr(std::string("\"scenario\":\"") + scenario + "\""));
    EXPECT_GT(Field(result.out, "ok"), 0);
    EXPECT_EQ(Field(result.out, "failed"), 0);
    EXPECT_GT(Field(result.out, "p99_ms"), 0);
  }
  absl::StatusOr<CliResult> verify = RunProcess(
      {TKTCTL_PATH, "--addr=" + server.address(), std::string("--token=") + kAdminToken, "verify"},
      absl::Seconds(30));
  ASSERT_THAT(verify, IsOk());
  EXPECT_THAT(*verify, ExitsWith(0)) << "the load left the store consistent";
}

TEST(TktloadE2eTest, TimersCountsEveryAlertStoredAndStreamedOnce) {
  ServerProcess server(TICKETD_PATH, kAlertsConfig, AlertsServerFlags());
  ASSERT_THAT(server.Start(), IsOk());
  // 40 tickets at 09:00; in 2 h each first response warns (09:45) and breaches (10:00).
  const CliResult result = Load(server.address(), {"--scenario=timers", "--tickets=40",
                                                   "--advance=2h",
                                                   std::string("--admin_token=") + kAdminToken});
  ASSERT_THAT(result, ExitsWith(0));
  EXPECT_THAT(result.out, HasSubstr("\"advance_ok\":true"));
  EXPECT_EQ(Field(result.out, "create_failed"), 0);
  EXPECT_EQ(Field(result.out, "alerts_streamed"), 80) << result.out;
  EXPECT_GT(Field(result.out, "stored_s"), 0);
}

// Starts `argv` in the background; returns its pid, or -1.
pid_t Spawn(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  return posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ) == 0 ? pid : -1;
}

// The port written to `file`, waiting up to 10 s; 0 if none.
int WaitForPort(const std::string& file) {
  for (absl::Time deadline = absl::Now() + absl::Seconds(10); absl::Now() < deadline;
       absl::SleepFor(absl::Milliseconds(20))) {
    int port = 0;
    if (std::ifstream(file) >> port && port > 0) return port;
  }
  return 0;
}

TEST(TktloadE2eTest, TheBaselineServersAnswerCreate) {
  for (const char* mode : {"noop", "durable"}) {
    const std::string dir = ::testing::TempDir() + "/baseline-" + mode;
    const std::string port_file = dir + ".port";
    std::remove(port_file.c_str());
    const pid_t server = Spawn({BASELINE_SERVER_PATH, std::string("--mode=") + mode,
                                "--listen=127.0.0.1:0", "--port_file=" + port_file,
                                "--data_dir=" + dir});
    ASSERT_GT(server, 0);
    const int port = WaitForPort(port_file);
    const CliResult result = port > 0 ? Load(absl::StrCat("127.0.0.1:", port), {"--scenario=create"})
                                      : CliResult{};
    kill(server, SIGTERM);
    int status = 0;
    waitpid(server, &status, 0);
    ASSERT_GT(port, 0) << mode << " server did not start";
    ASSERT_THAT(result, ExitsWith(0));
    EXPECT_GT(Field(result.out, "ok"), 0) << result.out;
    EXPECT_EQ(Field(result.out, "failed"), 0) << result.out;
  }
}

}  // namespace
}  // namespace ticketing::testing
