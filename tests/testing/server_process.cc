#include "tests/testing/server_process.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/impl/client_unary_call.h"
#include "grpcpp/impl/rpc_method.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"

namespace ticketing::testing {
namespace {

constexpr absl::Duration kStartTimeout = absl::Seconds(20);
constexpr absl::Duration kPollInterval = absl::Milliseconds(20);

std::string ErrnoText(absl::string_view what) {
  return absl::StrCat(what, ": ", std::strerror(errno));
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return absl::StrCat("exit code ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return absl::StrCat("signal ", WTERMSIG(status));
  return absl::StrCat("wait status ", status);
}

int ExitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::string UserEntry(absl::string_view name, absl::string_view role, absl::string_view token) {
  return absl::StrCat("users {\n  name: \"", name, "\"\n  role: ", role, "\n  token: \"", token,
                      "\"\n  display_name: \"", name, " (test)\"\n}\n");
}

// --listen and --data_dir override the first two fields; they are here so that the file
// alone starts a working server when debugging by hand.
// Tests drive the server far faster than people do: the roles' rate limits are lifted (a
// test of the limits gives a user of its own a `rate_limit`, which wins).
constexpr char kUnlimitedRoles[] =
    "rate_limits { role: ROLE_AGENT limit { requests_per_second: 1e6 burst: 1000000 } }\n"
    "rate_limits { role: ROLE_TECHNICIAN limit { requests_per_second: 1e6 burst: 1000000 } }\n"
    "rate_limits { role: ROLE_SUPERVISOR limit { requests_per_second: 1e6 burst: 1000000 } }\n"
    "rate_limits { role: ROLE_ADMIN limit { requests_per_second: 1e6 burst: 1000000 } }\n";

std::string ConfigText(const std::string& data_dir, const std::string& extra) {
  return absl::StrCat("# Written by ticketing::testing::ServerProcess.\n",
                      "listen_address: \"127.0.0.1:0\"\n",
                      "data_dir: \"", absl::CEscape(data_dir), "\"\n",
                      UserEntry(kAgentName, "ROLE_AGENT", kAgentToken),
                      UserEntry(kTechnicianTomName, "ROLE_TECHNICIAN", kTechnicianTomToken),
                      UserEntry(kTechnicianTimName, "ROLE_TECHNICIAN", kTechnicianTimToken),
                      UserEntry(kSupervisorName, "ROLE_SUPERVISOR", kSupervisorToken),
                      UserEntry(kAdminName, "ROLE_ADMIN", kAdminToken), kUnlimitedRoles, extra,
                      "\n");
}

std::string Varint(uint64_t value) {
  std::string out;
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
  return out;
}

grpc::ByteBuffer ToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromByteBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return "";
  std::string out;
  for (const grpc::Slice& s : slices)
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

}  // namespace

absl::Status WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  // ticketd refuses a config other users may read (it holds tokens).
  if (chmod(path.c_str(), 0600) != 0) return absl::InternalError(absl::StrCat("cannot chmod ", path));
  return absl::OkStatus();
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

ServerProcess::ServerProcess(std::string binary, std::string extra_config,
                             std::vector<std::string> extra_flags)
    : binary_(std::move(binary)),
      extra_config_(std::move(extra_config)),
      extra_flags_(std::move(extra_flags)) {}

ServerProcess::~ServerProcess() {
  if (running()) KillAndReap();
  if (dir_.empty()) return;
  const bool failed = ::testing::Test::HasFailure() || ::testing::UnitTest::GetInstance()->Failed();
  if (failed || getenv("TICKETD_KEEP_TEST_DIR") != nullptr) {
    std::cerr << "ServerProcess: keeping " << dir_ << " (log: " << log_path() << ")\n";
    return;
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

absl::Status ServerProcess::PrepareDirectory() {
  std::string base = ::testing::TempDir();
  if (base.empty() || base.back() != '/') base.push_back('/');
  std::string pattern = base + "ticketd-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(ErrnoText(absl::StrCat("mkdtemp ", pattern)));
  }
  dir_ = pattern;
  return WriteFile(dir_ + "/config.textproto", ConfigText(data_dir(), extra_config_));
}

absl::Status ServerProcess::Start() {
  if (running()) return absl::FailedPreconditionError("ticketd is already running");
  if (access(binary_.c_str(), X_OK) != 0) {
    return absl::NotFoundError(ErrnoText(absl::StrCat("ticketd binary ", binary_)));
  }
  if (dir_.empty()) {
    if (absl::Status s = PrepareDirectory(); !s.ok()) return s;
  }
  // A port file left by the previous run would point at a dead port.
  unlink((dir_ + "/port").c_str());
  unlink((dir_ + "/port.tmp").c_str());
  if (absl::Status s = Spawn(); !s.ok()) return s;
  const absl::Time deadline = absl::Now() + kStartTimeout;
  absl::StatusOr<int> port = WaitForPortFile(deadline);
  if (!port.ok()) return WithLogTail(port.status());
  port_ = *port;
  address_ = absl::StrCat("127.0.0.1:", port_);
  channel_ = grpc::CreateChannel(address_, channel_credentials_ != nullptr
                                               ? channel_credentials_
                                               : grpc::InsecureChannelCredentials());
  if (absl::Status s = WaitUntilServing(deadline); !s.ok()) return WithLogTail(s);
  return absl::OkStatus();
}

absl::Status ServerProcess::Spawn() {
  std::vector<std::string> args = {
      binary_,
      "--config=" + dir_ + "/config.textproto",
      "--listen=127.0.0.1:0",
      "--data_dir=" + data_dir(),
      "--port_file=" + dir_ + "/port",
  };
  args.insert(args.end(), extra_flags_.begin(), extra_flags_.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const int log_fd = open(log_path().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return absl::InternalError(ErrnoText(absl::StrCat("open ", log_path())));
  const std::string banner = absl::StrCat("==== ServerProcess start #", ++starts_, " at ",
                                          absl::FormatTime(absl::Now()), " ====\n");
  (void)!write(log_fd, banner.data(), banner.size());

  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    return absl::InternalError(ErrnoText("fork"));
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until execv (the parent has threads).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(126);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    execv(argv[0], argv.data());
    static const char kMessage[] = "ServerProcess: execv failed\n";
    (void)!write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
    _exit(127);
  }
  close(log_fd);
  pid_ = pid;
  return absl::OkStatus();
}

bool ServerProcess::Exited() {
  if (!running()) return true;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == 0 || (r < 0 && errno == EINTR)) return false;
  pid_ = -1;
  last_exit_ = r > 0 ? DescribeWaitStatus(status) : "unknown status";
  std::cerr << "ServerProcess: ticketd exited by itself with " << last_exit_ << "\n";
  return true;
}

absl::StatusOr<int> ServerProcess::WaitForPortFile(absl::Time deadline) {
  const std::string path = dir_ + "/port";
  while (absl::Now() < deadline) {
    if (Exited())
      return absl::UnavailableError(
          absl::StrCat("ticketd exited with ", last_exit_, " before writing its port file"));
    const std::string text = ReadFileOrEmpty(path);
    int port = 0;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &port) && port > 0 && port < 65536) {
      return port;
    }
    absl::SleepFor(kPollInterval);
  }
  KillAndReap();
  return absl::DeadlineExceededError(absl::StrCat("ticketd wrote no port file to ", path,
                                                  " within ", absl::FormatDuration(kStartTimeout)));
}

absl::Status ServerProcess::WaitUntilServing(absl::Time deadline) {
  absl::Status last = absl::UnknownError("no health check made");
  while (absl::Now() < deadline) {
    if (Exited()) {
      return absl::UnavailableError(
          absl::StrCat("ticketd exited with ", last_exit_, " before serving"));
    }
    absl::StatusOr<int> health = CheckHealth(*channel_, "", kAdminToken, absl::Seconds(1));
    if (health.ok() && *health == kHealthServing) return absl::OkStatus();
    last = health.ok() ? absl::UnavailableError(absl::StrCat("health status ", *health))
                       : health.status();
    absl::SleepFor(kPollInterval);
  }
  KillAndReap();
  return absl::DeadlineExceededError(absl::StrCat("ticketd on ", address_, " not SERVING within ",
                                                  absl::FormatDuration(kStartTimeout),
                                                  "; last health check: ", last.ToString()));
}

absl::Status ServerProcess::Restart() {
  if (running()) {
    absl::StatusOr<int> code = Terminate();
    if (!code.ok()) return code.status();
  }
  return Start();
}

absl::Status ServerProcess::Kill9() {
  if (!running()) return absl::FailedPreconditionError("ticketd is not running");
  KillAndReap();
  return absl::OkStatus();
}

void ServerProcess::KillAndReap() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

absl::StatusOr<int> ServerProcess::Terminate(absl::Duration timeout) {
  if (!running()) return absl::FailedPreconditionError("ticketd is not running");
  // gRPC's graceful shutdown waits for connected clients to go away (about 5 s for an idle
  // channel), so drop ours first; callers holding another reference pay that wait.
  channel_.reset();
  if (kill(pid_, SIGTERM) != 0) return absl::InternalError(ErrnoText("kill(SIGTERM)"));
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return ExitCodeOf(status);
    }
    if (r < 0 && errno != EINTR) return absl::InternalError(ErrnoText("waitpid"));
    absl::SleepFor(absl::Milliseconds(10));
  }
  KillAndReap();
  return WithLogTail(absl::DeadlineExceededError(absl::StrCat(
      "ticketd still running ", absl::FormatDuration(timeout), " after SIGTERM; killed")));
}

std::string ServerProcess::LogTail(size_t max_bytes) const {
  if (dir_.empty()) return "";
  const std::string log = ReadFileOrEmpty(log_path());
  if (log.size() <= max_bytes) return log;
  return "..." + log.substr(log.size() - max_bytes);
}

absl::Status ServerProcess::WithLogTail(const absl::Status& status) const {
  return absl::Status(status.code(), absl::StrCat(status.message(), "\n--- tail of ", log_path(),
                                                  " ---\n", LogTail(), "\n--- end of log ---"));
}

std::unique_ptr<grpc::ClientContext> MakeClientContext(absl::string_view token,
                                                       absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

absl::Status ToAbslStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

absl::StatusOr<int> CheckHealth(grpc::Channel& channel, absl::string_view service,
                                absl::string_view token, absl::Duration timeout) {
  // HealthCheckRequest { string service = 1; }
  std::string request;
  if (!service.empty()) {
    request = absl::StrCat("\x0a", Varint(service.size()), service);
  }
  static const grpc::internal::RpcMethod kCheck("/grpc.health.v1.Health/Check",
                                                grpc::internal::RpcMethod::NORMAL_RPC);
  auto context = MakeClientContext(token, timeout);
  grpc::ByteBuffer response;
  grpc::Status status = grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
      &channel, kCheck, context.get(), ToByteBuffer(request), &response);
  if (!status.ok()) return ToAbslStatus(status);
  // HealthCheckResponse { ServingStatus status = 1; }
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromString(FromByteBuffer(response))) {
    return absl::DataLossError("unparsable HealthCheckResponse");
  }
  int serving = 0;
  for (int i = 0; i < fields.field_count(); ++i) {
    const google::protobuf::UnknownField& field = fields.field(i);
    if (field.number() == 1 && field.type() == google::protobuf::UnknownField::TYPE_VARINT) {
      serving = static_cast<int>(field.varint());
    }
  }
  return serving;
}

}  // namespace ticketing::testing
