// ticketd: the ticket server. Reads the flags and the config, then builds the server's
// parts (server/app/ticket_server.h) and serves until SIGTERM (docs/architecture.md).
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/stubs/logging.h"
#include "server/app/ticket_server.h"
#include "server/common/clock.h"
#include "server/common/log.h"
#include "server/config/server_config.h"

ABSL_FLAG(std::string, config, "", "Path of the config file (ServerConfig, protobuf text format)");
ABSL_FLAG(std::string, listen, "", "host:port to listen on; overrides listen_address");
ABSL_FLAG(std::string, data_dir, "", "Database directory; overrides data_dir");
ABSL_FLAG(std::string, port_file, "",
          "When set, write the bound port here once serving (for --listen=...:0)");
ABSL_FLAG(bool, test_clock, false,
          "TESTS ONLY: time stands still and moves only by AdminService.AdvanceTestClock");
ABSL_FLAG(std::string, test_clock_start, "",
          "With --test_clock: the starting instant, RFC 3339 (default: the real time now)");
ABSL_FLAG(bool, unsafe_disable_wal_sync, false,
          "UNSAFE: acknowledge writes before the WAL reaches disk; a crash may lose them");
ABSL_FLAG(bool, unsafe_development_mode, false,
          "UNSAFE, development and benchmarks only: accept the sample tokens published in the "
          "repository");

namespace ticketing {
namespace {

absl::StatusOr<v1::ServerConfig> ConfigFromFlags() {
  v1::ServerConfig config;
  if (const std::string path = absl::GetFlag(FLAGS_config); !path.empty()) {
    // It holds the users' tokens (or their hashes): refused when anyone may read it.
    if (absl::Status private_file = config::CheckFileIsPrivate(path); !private_file.ok()) {
      return private_file;
    }
    absl::StatusOr<v1::ServerConfig> loaded = config::LoadServerConfig(path);
    if (!loaded.ok()) return loaded.status();
    config = *std::move(loaded);
  }
  if (const std::string listen = absl::GetFlag(FLAGS_listen); !listen.empty()) {
    config.set_listen_address(listen);
  }
  if (const std::string dir = absl::GetFlag(FLAGS_data_dir); !dir.empty()) config.set_data_dir(dir);
  if (absl::GetFlag(FLAGS_unsafe_disable_wal_sync)) config.set_unsafe_disable_wal_sync(true);
  if (absl::GetFlag(FLAGS_unsafe_development_mode)) config.set_unsafe_development_mode(true);
  // Flags override the file; defaults fill what both left unset; validation sees the result.
  config::ApplyDefaults(config);
  if (absl::Status s = config::ValidateServerConfig(config); !s.ok()) return s;
  if (config.unsafe_development_mode()) {
    Log("warning", "DEVELOPMENT MODE: the sample tokens published in the repository are accepted");
  }
  // From here on the server holds the tokens' hashes only.
  config::HashTokens(config);
  return config;
}

absl::StatusOr<std::unique_ptr<SettableClock>> TestClockFromFlags() {
  if (!absl::GetFlag(FLAGS_test_clock)) return nullptr;
  // The real time only picks where the test clock starts; it stands still from there.
  absl::Time start = absl::Now();
  const std::string text = absl::GetFlag(FLAGS_test_clock_start);
  std::string error;
  if (!text.empty() && !absl::ParseTime(absl::RFC3339_full, text, &start, &error)) {
    return absl::InvalidArgumentError(absl::StrCat("--test_clock_start: ", error));
  }
  LogInfo("TEST CLOCK ON: time moves only by AdminService.AdvanceTestClock",
          {{"start", absl::FormatTime(absl::RFC3339_full, start, absl::UTCTimeZone())}});
  return std::make_unique<SettableClock>(start);
}

// Blocks SIGTERM and SIGINT in this and every later thread; Serve takes them with sigwait.
sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// libprotobuf writes a line of its own log for every message it cannot parse (a string that
// is not UTF-8), and clients send those as fast as they like: its lines go through this
// server's log, at most 10 a minute, the rest counted.
void ProtobufLog(google::protobuf::LogLevel level, const char* filename, int line,
                 const std::string& message) {
  static LogRateLimiter* const limiter = new LogRateLimiter(10);
  int64_t suppressed = 0;
  // A FATAL line is always written: libprotobuf aborts right after it.
  if (level != google::protobuf::LOGLEVEL_FATAL && !limiter->Allow(&suppressed)) return;
  Log(level >= google::protobuf::LOGLEVEL_ERROR ? "error" : "warning", "libprotobuf",
      {{"detail", message},
       {"at", absl::StrCat(filename, ":", line)},
       {"suppressed_since_last", std::to_string(suppressed)}});
}

int Fail(const absl::Status& status) {
  LogError("cannot start", {{"status", status.ToString()}});
  return 1;
}

int Run(const sigset_t& stop_signals) {
  absl::StatusOr<v1::ServerConfig> config = ConfigFromFlags();
  if (!config.ok()) return Fail(config.status());
  absl::StatusOr<std::unique_ptr<SettableClock>> test_clock = TestClockFromFlags();
  if (!test_clock.ok()) return Fail(test_clock.status());
  absl::StatusOr<std::unique_ptr<app::TicketServer>> server =
      app::Build(*std::move(config), *std::move(test_clock));
  if (!server.ok()) return Fail(server.status());
  const int code = app::Serve(**server, absl::GetFlag(FLAGS_port_file), stop_signals);
  server->reset();  // flushes and closes the database
  LogInfo("stopped");
  return code;
}

}  // namespace
}  // namespace ticketing

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "ticketd: the complaint and repair ticket server.\n"
      "  ticketd --config=deploy/config.example.textproto [--listen=127.0.0.1:50051] "
      "[--data_dir=./data]");
  absl::ParseCommandLine(argc, argv);
  // Everything the server creates (the database directory and files, the port file) is its
  // user's alone: directories 0700, files 0600.
  umask(077);
  google::protobuf::SetLogHandler(&ticketing::ProtobufLog);
  // Debian's Abseil checks every lock order at run time; it costs ~20% throughput.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  // Before any thread exists (RocksDB's, gRPC's, the executor's inherit the mask): a stop signal
  // then reaches only the sigwait in Serve. Delivered to a thread that did not block it, its
  // default action would end the process without draining.
  const sigset_t stop_signals = ticketing::BlockStopSignals();
  return ticketing::Run(stop_signals);
}
