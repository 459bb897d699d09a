#ifndef TICKETING_TESTS_TESTING_SERVER_PROCESS_H_
#define TICKETING_TESTS_TESTING_SERVER_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/status.h"

namespace ticketing::testing {

// The users every ServerProcess writes into its config file. Tokens are at least 16
// characters, as the server requires.
inline constexpr char kAgentName[] = "alice";        // ROLE_AGENT
inline constexpr char kTechnicianTomName[] = "tom";  // ROLE_TECHNICIAN
inline constexpr char kTechnicianTimName[] = "tim";  // ROLE_TECHNICIAN
inline constexpr char kSupervisorName[] = "sue";     // ROLE_SUPERVISOR
inline constexpr char kAdminName[] = "root";         // ROLE_ADMIN

inline constexpr char kAgentToken[] = "alice-agent-token-0001";
inline constexpr char kTechnicianTomToken[] = "tom-technician-token-0002";
inline constexpr char kTechnicianTimToken[] = "tim-technician-token-0003";
inline constexpr char kSupervisorToken[] = "sue-supervisor-token-0004";
inline constexpr char kAdminToken[] = "root-admin-token-0005";

// The whole file, bytes as they are; empty when it does not exist (yet).
std::string ReadFileOrEmpty(const std::string& path);
// Writes `contents` to `path`, mode 0600 (ticketd refuses a config others may read).
absl::Status WriteFile(const std::string& path, const std::string& contents);

// A real `ticketd` child process for end-to-end tests, listening on 127.0.0.1 on a port
// the server picks itself (port 0 + --port_file), so tests never race for ports.
//
// Each instance owns a fresh directory under ::testing::TempDir():
//   config.textproto  the five users above, listen 127.0.0.1:0
//   db/               the RocksDB data directory (kept across Restart())
//   port              written by the server once it listens
//   ticketd.log       stdout and stderr of every run, appended, with a banner per start
// The directory is deleted by the destructor unless some test of the program failed (then
// its path is printed so the log can be read).
//
//   ServerProcess server(TICKETD_PATH);
//   ASSERT_THAT(server.Start(), IsOk());
//   auto stub = v1::TicketService::NewStub(server.Channel());
//   auto context = MakeClientContext(kAgentToken);
//   ...
//   ASSERT_THAT(server.Terminate(), IsOkAndHolds(0));
//   ASSERT_THAT(server.Restart(), IsOk());   // same data, new port, new Channel()
//
// Not thread-safe: one thread starts and stops the process. Channel() and address() may
// be read by other threads while the process runs. The child is started with
// PR_SET_PDEATHSIG so it dies with the thread that started it; start it from the test's
// main thread.
class ServerProcess {
 public:
  // `binary` is the path of the ticketd executable. `extra_config` is appended verbatim
  // to the generated config.textproto (e.g. "max_request_bytes: 2048"); `extra_flags` are
  // appended to the command line (e.g. "--test_clock").
  explicit ServerProcess(std::string binary, std::string extra_config = "",
                         std::vector<std::string> extra_flags = {});
  ~ServerProcess();  // SIGKILLs the server if it still runs

  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts ticketd and waits up to 20 s until it has written its port file and answers
  // grpc.health.v1.Health/Check with SERVING. On failure the child is killed and the
  // error carries the tail of ticketd.log. FailedPrecondition if already running.
  absl::Status Start();

  // Stops the server gracefully if it still runs (as Terminate()) and starts it again on
  // the same data directory. The new run listens on a new port with a new Channel().
  absl::Status Restart();

  // SIGKILL and reap: a crash, nothing is flushed. FailedPrecondition if not running.
  absl::Status Kill9();

  // SIGTERM and reap, waiting up to `timeout`. Returns the exit code, or 128 + signal
  // number when the server died of a signal. If the server outlives `timeout` it is
  // SIGKILLed and DeadlineExceeded is returned.
  absl::StatusOr<int> Terminate(absl::Duration timeout = absl::Seconds(30));

  // The credentials of Channel() (and of Start()'s health check) from the next Start():
  // for a server configured with tls. Plaintext by default.
  void UseChannelCredentials(std::shared_ptr<grpc::ChannelCredentials> credentials) {
    channel_credentials_ = std::move(credentials);
  }

  // True between a successful Start() and Kill9()/Terminate(). Does not notice a server
  // that died on its own; see Exited().
  bool running() const { return pid_ > 0; }
  // The process id of the current run; -1 when not running.
  pid_t pid() const { return pid_; }

  // True when the started process has exited by itself (reaps it; running() turns false).
  bool Exited();

  // "127.0.0.1:<port>" of the current (or last) run; empty before the first Start().
  const std::string& address() const { return address_; }
  int port() const { return port_; }

  // A channel to the current run, created by Start(); null before the first Start() and
  // after Terminate(). Terminate() drops this reference first because gRPC's graceful
  // shutdown waits ~5 s for connected clients to leave; release your own stubs before
  // Terminate() for a fast stop.
  std::shared_ptr<grpc::Channel> Channel() const { return channel_; }

  const std::string& dir() const { return dir_; }
  std::string data_dir() const { return dir_ + "/db"; }
  std::string log_path() const { return dir_ + "/ticketd.log"; }

  // The last `max_bytes` of ticketd.log (all runs).
  std::string LogTail(size_t max_bytes = 4096) const;

 private:
  absl::Status PrepareDirectory();
  absl::Status Spawn();
  absl::Status WaitUntilServing(absl::Time deadline);
  absl::StatusOr<int> WaitForPortFile(absl::Time deadline);
  void KillAndReap();
  absl::Status WithLogTail(const absl::Status& status) const;

  const std::string binary_;
  const std::string extra_config_;
  const std::vector<std::string> extra_flags_;
  std::string dir_;  // empty until the first Start()
  pid_t pid_ = -1;   // > 0 while running
  int starts_ = 0;
  int port_ = 0;
  std::string address_;
  std::string last_exit_;  // how the process ended when it exited by itself
  std::shared_ptr<grpc::Channel> channel_;
  std::shared_ptr<grpc::ChannelCredentials> channel_credentials_;
};

// A ClientContext that sends "authorization: Bearer <token>" (nothing when `token` is
// empty) and gives up after `timeout`. ClientContext can be neither copied nor moved,
// hence the unique_ptr:
//   auto context = MakeClientContext(kAgentToken);
//   grpc::Status s = stub->GetTicket(context.get(), request, &ticket);
std::unique_ptr<grpc::ClientContext> MakeClientContext(absl::string_view token,
                                                       absl::Duration timeout = absl::Seconds(10));

// grpc::Status -> absl::Status; both use google.rpc code numbering.
absl::Status ToAbslStatus(const grpc::Status& status);

// Calls grpc.health.v1.Health/Check for `service` ("" = the whole server) and returns
// the serving status number (0 UNKNOWN, 1 SERVING, 2 NOT_SERVING, 3 SERVICE_UNKNOWN), or
// the RPC's error. Sends `token` as a bearer token when non-empty. The health protos are
// not installed on Debian, so the messages are encoded by hand.
absl::StatusOr<int> CheckHealth(grpc::Channel& channel, absl::string_view service = "",
                                absl::string_view token = "",
                                absl::Duration timeout = absl::Seconds(5));
inline constexpr int kHealthServing = 1;

}  // namespace ticketing::testing

#endif  // TICKETING_TESTS_TESTING_SERVER_PROCESS_H_
