// Runs the tktctl binary as a child process for end-to-end tests (posix_spawn, no shell,
// stdin from /dev/null, TKT_* removed from the environment) and captures its exit code,
// stdout and stderr:
//
//   CliResult r = RunTktctl(TKTCTL_PATH, server.address(), kAgentToken, {"get", "T-1"});
//   EXPECT_THAT(r, ExitsWith(0));   // on failure gtest prints stdout and stderr
//   v1::Ticket t = RunTktctlJson<v1::Ticket>(TKTCTL_PATH, server.address(), kAgentToken,
//                                            {"get", "T-1"});
#ifndef TICKETING_TESTS_E2E_TKTCTL_RUNNER_H_
#define TICKETING_TESTS_E2E_TKTCTL_RUNNER_H_

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_client.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"

// Every test that includes this header runs the real binaries (tests/e2e/CMakeLists.txt,
// ticketing_tktctl_e2e_test, defines both).
#ifndef TICKETD_PATH
#error "TICKETD_PATH must name the ticketd binary (see tests/e2e/CMakeLists.txt)"
#endif
#ifndef TKTCTL_PATH
#error "TKTCTL_PATH must name the tktctl binary (see tests/e2e/CMakeLists.txt)"
#endif

namespace ticketing::testing {

// tktctl's exit codes (client/tktctl.cc): 2 for usage errors, 1 + the gRPC code otherwise.
inline constexpr int kExitUsage = 2;
constexpr int ExitCodeOf(absl::StatusCode code) { return 1 + static_cast<int>(code); }

// What a finished tktctl run left behind.
struct CliResult {
  int exit_code = -1;  // 128 + signal number when it died of a signal
  std::string out;
  std::string err;
};

inline void PrintTo(const CliResult& r, std::ostream* os) {
  *os << "exit " << r.exit_code << "\n--- stdout ---\n" << r.out << "--- stderr ---\n" << r.err;
}

// EXPECT_THAT(result, ExitsWith(0)); on failure gtest prints stdout and stderr (PrintTo).
MATCHER_P(ExitsWith, code, "") { return arg.exit_code == code; }

// The environment minus TKT_* so that only the flags we pass choose server and token.
inline std::vector<char*> EnvironmentWithoutTkt() {
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!absl::StartsWith(*e, "TKT_")) env.push_back(*e);
  }
  env.push_back(nullptr);
  return env;
}

// Reads both pipes until EOF or `deadline`. Returns false when the deadline passed first.
inline bool DrainPipes(int out_fd, int err_fd, absl::Time deadline, CliResult& result) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  while (open_fds > 0) {
    const int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (ms <= 0) return false;
    const int ready = poll(fds, 2, static_cast<int>(ms));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // timeout: the loop re-checks the deadline
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[4096];
      const ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;  // poll ignores negative fds
        --open_fds;
      }
    }
  }
  return true;
}

inline int WaitForExit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Runs argv[0] with `argv` (no shell), stdin from /dev/null, the environment without TKT_*
// plus `extra_env` ("NAME=value"). SIGKILLs it after `timeout` and returns DeadlineExceeded
// with whatever it had printed.
inline absl::StatusOr<CliResult> RunProcess(const std::vector<std::string>& argv,
                                            absl::Duration timeout,
                                            const std::vector<std::string>& extra_env = {}) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return absl::InternalError("pipe2 failed");
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return absl::InternalError("pipe2 failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);  // dup2 drops O_CLOEXEC
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> env = EnvironmentWithoutTkt();
  env.pop_back();  // the terminating nullptr
  for (const std::string& e : extra_env) env.push_back(const_cast<char*>(e.c_str()));
  env.push_back(nullptr);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  CliResult result;
  const bool finished =
      spawned == 0 && DrainPipes(out_pipe[0], err_pipe[0], absl::Now() + timeout, result);
  close(out_pipe[0]);
  close(err_pipe[0]);
  if (spawned != 0) {
    return absl::InternalError(absl::StrCat("posix_spawn ", argv[0], ": ", strerror(spawned)));
  }
  if (!finished) kill(pid, SIGKILL);
  result.exit_code = WaitForExit(pid);
  if (!finished) {
    return absl::DeadlineExceededError(absl::StrCat(
        "tktctl ran longer than ", absl::FormatDuration(timeout), "; ",
        ::testing::PrintToString(result)));
  }
  return result;
}

// Parses protobuf JSON as printed by tktctl --json (unknown fields are an error).
template <typename M>
absl::StatusOr<M> ParseJson(const std::string& json) {
  M message;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &message);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(status.ToString(), " in:\n", json));
  }
  return message;
}

// Runs `binary --addr=<address> --token=<token> --timeout=10 args...`; a run that cannot
// be started or outlives 30 s fails the current test and returns exit_code -1.
inline CliResult RunTktctl(const std::string& binary, const std::string& address,
                           absl::string_view token, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {binary, "--addr=" + address,
                                   absl::StrCat("--token=", token), "--timeout=10"};
  argv.insert(argv.end(), args.begin(), args.end());
  absl::StatusOr<CliResult> result = RunProcess(argv, absl::Seconds(30));
  EXPECT_THAT(result, IsOk());
  return result.ok() ? *std::move(result) : CliResult{};
}

// RunTktctl with --json appended; the run must exit 0 and stdout must parse as M (else
// the current test fails and M() is returned).
template <typename M>
M RunTktctlJson(const std::string& binary, const std::string& address,
                absl::string_view token, std::vector<std::string> args) {
  args.push_back("--json");
  const CliResult result = RunTktctl(binary, address, token, args);
  EXPECT_THAT(result, ExitsWith(0));
  absl::StatusOr<M> message = ParseJson<M>(result.out);
  EXPECT_THAT(message, IsOk());
  return message.ok() ? *std::move(message) : M();
}

// A fixture: a real ticketd started per test (with `extra_config` / `extra_flags`, see
// ServerProcess) and tktctl run against it.
class TktctlServerTest : public ::testing::Test {
 protected:
  explicit TktctlServerTest(std::string extra_config = "",
                            std::vector<std::string> extra_flags = {})
      : server_(TICKETD_PATH, std::move(extra_config), std::move(extra_flags)) {}

  void SetUp() override { ASSERT_THAT(server_.Start(), IsOk()); }

  // Runs `tktctl --addr=<server> --token=<token> args...`; a run that cannot be started
  // or outlives its timeout fails the test and returns exit_code -1.
  // A `create` with --account=X first creates account X if it does not exist yet, so tests
  // about tickets need not set up accounts (tests of accounts create them themselves).
  CliResult Tktctl(absl::string_view token, const std::vector<std::string>& args) {
    EnsureAccountOf(args);
    return RunTktctl(TKTCTL_PATH, server_.address(), token, args);
  }

  // Runs tktctl with --json and parses stdout as M; the run must exit 0.
  template <typename M>
  M TktctlJson(absl::string_view token, std::vector<std::string> args) {
    EnsureAccountOf(args);
    return RunTktctlJson<M>(TKTCTL_PATH, server_.address(), token, std::move(args));
  }

  void EnsureAccountOf(const std::vector<std::string>& args) {
    if (args.empty() || args[0] != "create") return;
    for (const std::string& arg : args) {
      if (absl::StartsWith(arg, "--account=")) {
        E2eClient(server_.Channel(), kAgentToken).EnsureAccount(arg.substr(10));
      }
    }
  }

  ServerProcess server_;
};

}  // namespace ticketing::testing

#endif  // TICKETING_TESTS_E2E_TKTCTL_RUNNER_H_
