// ticketd: the ticket server. Owns everything and wires it (see docs/architecture.md).
#include <pthread.h>
#include <signal.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "server/api/authenticator.h"
#include "server/api/grpc_services.h"
#include "server/common/clock.h"
#include "server/common/files.h"
#include "server/common/log.h"
#include "server/config/server_config.h"
#include "server/domain/dispatch.h"
#include "server/domain/alert_service.h"
#include "server/domain/escalation.h"
#include "server/domain/sla_clocks.h"
#include "server/domain/sla_config_service.h"
#include "server/domain/sla_monitor.h"
#include "server/domain/sla_policy.h"
#include "server/domain/ticket_service.h"
#include "server/exec/commit_publisher.h"
#include "server/exec/write_executor.h"
#include "storage/batching_ticket_store.h"
#include "storage/rocksdb_ticket_store.h"

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

namespace ticketing {
namespace {

absl::StatusOr<v1::ServerConfig> ConfigFromFlags() {
  v1::ServerConfig config;
  if (const std::string path = absl::GetFlag(FLAGS_config); !path.empty()) {
    absl::StatusOr<v1::ServerConfig> loaded = config::LoadServerConfig(path);
    if (!loaded.ok()) return loaded.status();
    config = *std::move(loaded);
  }
  if (const std::string listen = absl::GetFlag(FLAGS_listen); !listen.empty()) {
    config.set_listen_address(listen);
  }
  if (const std::string dir = absl::GetFlag(FLAGS_data_dir); !dir.empty()) config.set_data_dir(dir);
  if (absl::GetFlag(FLAGS_unsafe_disable_wal_sync)) config.set_unsafe_disable_wal_sync(true);
  config::ApplyDefaults(config);
  if (absl::Status s = config::ValidateServerConfig(config); !s.ok()) return s;
  return config;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(
    const v1::ServerConfig& config) {
  if (!config.has_tls()) return grpc::InsecureServerCredentials();
  absl::StatusOr<std::string> cert = ReadFileToString(config.tls().cert_file());
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadFileToString(config.tls().key_file());
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back({*key, *cert});
  return grpc::SslServerCredentials(options);
}

std::vector<domain::Principal> Principals(const v1::ServerConfig& config) {
  std::vector<domain::Principal> users;
  for (const v1::User& user : config.users()) users.push_back({user.name(), user.role()});
  return users;
}

std::map<std::string, domain::TechnicianProfile> TechnicianProfiles(const v1::ServerConfig& config) {
  std::map<std::string, domain::TechnicianProfile> profiles;
  for (const v1::User& user : config.users()) {
    profiles[user.name()] = {{user.regions().begin(), user.regions().end()},
                             {user.skills().begin(), user.skills().end()}};
  }
  return profiles;
}

// Moves an account's tickets through the writer (AccountService calls it from its own
// threads after a tier change).
class RetierThroughWriter final : public domain::TicketRetier {
 public:
  RetierThroughWriter(domain::TicketService& tickets, exec::WriteRunner& writer)
      : tickets_(tickets), writer_(writer) {}
  absl::StatusOr<int> RetierAccountTickets(const std::string& account_id,
                                           const domain::Principal& actor) override {
    return exec::RunWrite<int>(writer_,
                               [&] { return tickets_.RetierAccountTickets(account_id, actor); });
  }

 private:
  domain::TicketService& tickets_;
  exec::WriteRunner& writer_;
};

// Blocks SIGTERM and SIGINT in this and every later thread; WaitForStopSignal takes them.
sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

int Fail(const absl::Status& status) {
  LogError("cannot start", {{"status", status.ToString()}});
  return 1;
}

// Builds and starts the gRPC server with health checking and reflection on; writes the
// port file. Returns null (after logging) when it cannot listen.
std::unique_ptr<grpc::Server> StartServer(const v1::ServerConfig& config,
                                          std::shared_ptr<grpc::ServerCredentials> credentials,
                                          const std::vector<grpc::Service*>& services) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config.listen_address(), std::move(credentials), &port);
  builder.SetMaxReceiveMessageSize(config.max_request_bytes());
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    Fail(absl::UnavailableError(absl::StrCat("cannot listen on ", config.listen_address())));
    return nullptr;
  }
  if (const std::string path = absl::GetFlag(FLAGS_port_file); !path.empty()) {
    if (absl::Status s = WriteFileAtomically(path, absl::StrCat(port, "\n")); !s.ok()) {
      Fail(s);
      return nullptr;
    }
  }
  LogInfo("serving", {{"addr", config.listen_address()}, {"port", std::to_string(port)},
                      {"data_dir", config.data_dir()},
                      {"wal_sync", config.unsafe_disable_wal_sync() ? "OFF (unsafe)" : "on"},
                      {"users", std::to_string(config.users_size())}});
  return server;
}

// Serves until SIGTERM/SIGINT, then drains in-flight calls for the grace period. Unless
// the test clock is on, a monitor thread fires due SLA timers every second meanwhile.
// Stopping closes the commit publisher first so streaming watchers end promptly.
void ServeUntilStopSignal(grpc::Server& server, domain::SlaMonitor& monitor,
                          exec::CommitPublisher& publisher, bool run_monitor,
                          const sigset_t& stop_signals, int grace_seconds) {
  absl::Notification stopping;
  std::thread monitor_thread([&] {
    while (run_monitor && !stopping.WaitForNotificationWithTimeout(absl::Seconds(1))) {
      if (absl::StatusOr<int> fired = monitor.RunOnce(); !fired.ok()) {
        LogError("SLA monitor run failed", {{"status", fired.status().ToString()}});
      }
    }
  });
  std::thread stopper([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    LogInfo("stopping: draining in-flight calls", {{"signal", std::to_string(signal)}});
    stopping.Notify();
    publisher.Close();  // alert watchers end with UNAVAILABLE and the sequence to resume from
    server.Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(grace_seconds));
  });
  server.Wait();
  stopper.join();
  monitor_thread.join();
}

absl::StatusOr<std::unique_ptr<SettableClock>> TestClockFromFlags() {
  if (!absl::GetFlag(FLAGS_test_clock)) return nullptr;
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

// The SLA set stored in the database wins over the config file's (see SlaConfigService).
absl::StatusOr<std::unique_ptr<domain::SlaConfigService>> LoadSlaConfig(
    const v1::ServerConfig& config, storage::TicketStore& store, const Clock& clock,
    const domain::UserDirectory& users) {
  v1::SlaConfig from_file;
  *from_file.mutable_calendars() = config.calendars();
  *from_file.mutable_sla_policies() = config.sla_policies();
  *from_file.mutable_escalation_levels() = config.escalation_levels();
  *from_file.mutable_escalation_rules() = config.escalation_rules();
  auto service = domain::SlaConfigService::Load(store, clock, users, from_file);
  if (!service.ok()) return service.status();
  const v1::SlaConfig current = *(*service)->Get(domain::Principal{"system", v1::ROLE_ADMIN});
  LogInfo("SLA policies in force",
          {{"source", current.version() == 0 ? "config file" : "database"},
           {"version", std::to_string(current.version())},
           {"policies", std::to_string(current.sla_policies_size())},
           {"escalation_rules", std::to_string(current.escalation_rules_size())},
           {"calendars", std::to_string(current.calendars_size())}});
  return service;
}

absl::StatusOr<std::unique_ptr<storage::RocksDbTicketStore>> OpenStore(
    const v1::ServerConfig& config, storage::CommitObserver& observer) {
  std::error_code error;
  std::filesystem::create_directories(config.data_dir(), error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create ", config.data_dir(), ": ", error.message()));
  }
  storage::StoreOptions options;
  options.sync_writes = !config.unsafe_disable_wal_sync();
  options.observer = &observer;
  return storage::RocksDbTicketStore::Open(config.data_dir(), options);
}

int Run(const sigset_t& stop_signals) {
  absl::StatusOr<v1::ServerConfig> config = ConfigFromFlags();
  if (!config.ok()) return Fail(config.status());
  auto test_clock = TestClockFromFlags();
  if (!test_clock.ok()) return Fail(test_clock.status());
  // Every durable write is announced here, for whoever follows the commits.
  exec::CommitPublisher publisher;
  auto store = OpenStore(*config, publisher);
  if (!store.ok()) return Fail(store.status());
  auto credentials = Credentials(*config);
  if (!credentials.ok()) return Fail(credentials.status());

  RealClock real_clock;
  const Clock& clock = *test_clock ? static_cast<const Clock&>(**test_clock) : real_clock;
  // Every service reads and writes through the batching store; once the writer starts,
  // ticket writes run on its thread, many requests to one WAL sync (docs/performance.md).
  storage::BatchingTicketStore batching(**store);
  exec::WriteExecutor writer(batching);
  domain::UserDirectory users(Principals(*config));
  auto sla_config = LoadSlaConfig(*config, batching, clock, users);
  if (!sla_config.ok()) return Fail(sla_config.status());
  auto account_settings = config::AccountSettingsOf(*config);
  if (!account_settings.ok()) return Fail(account_settings.status());
  domain::TicketService tickets(batching, clock, users, (*sla_config)->clocks());
  domain::AccountService accounts(batching, clock, users, account_settings->classification);
  RetierThroughWriter retier(tickets, writer);
  accounts.SetRetier(&retier);
  tickets.EnableAccounts(&accounts, account_settings->priority,
                         account_settings->key_account_margin);
  if (config->dissatisfied_below() != 0) tickets.SetDissatisfiedBelow(config->dissatisfied_below());
  if (absl::Duration within; absl::ParseDuration(config->verify_within(), &within)) {
    tickets.SetVerifyWithin(within);  // validated with the config
  }
  tickets.EnableEscalation(&(*sla_config)->escalation());
  writer.Start();
  if (absl::Status resumed = accounts.ResumeRetierJobs(); !resumed.ok()) return Fail(resumed);
  domain::AlertService alerts(batching, publisher, tickets);
  domain::SlaMonitor monitor(tickets, batching, clock, test_clock->get(), writer);
  api::Authenticator auth({config->users().begin(), config->users().end()});
  domain::Dispatcher dispatcher(tickets, batching, clock, users, TechnicianProfiles(*config));
  api::TicketGrpcService ticket_service(tickets, dispatcher, writer, auth);
  api::AdminGrpcService admin_service(tickets, monitor, **sla_config, auth);
  api::AlertGrpcService alert_service(alerts, writer, auth);
  api::AccountGrpcService account_service(accounts, auth);
  domain::ReportService reports(batching, clock);
  api::ReportGrpcService report_service(reports, auth);
  // Catch up before serving: record what came due while the server was down.
  if (absl::StatusOr<int> fired = monitor.RunOnce(); fired.ok()) {
    LogInfo("SLA timers due while stopped recorded", {{"tickets", std::to_string(*fired)}});
  } else {
    return Fail(fired.status());
  }
  std::unique_ptr<grpc::Server> server =
      StartServer(*config, *credentials, {&ticket_service, &admin_service, &alert_service, &account_service,
                     &report_service});
  if (server == nullptr) return 1;
  ServeUntilStopSignal(*server, monitor, publisher, /*run_monitor=*/!*test_clock, stop_signals,
                       config->shutdown_grace_seconds());
  server.reset();
  writer.Stop();  // every call has been answered; nothing is queued
  const exec::WriteExecutor::Stats stats = writer.stats();
  LogInfo("writes", {{"batches", std::to_string(stats.batches)},
                     {"requests", std::to_string(stats.jobs)},
                     {"largest_batch", std::to_string(stats.largest_batch)}});
  store->reset();  // flushes and closes the database
  LogInfo("stopped");
  return 0;
}

}  // namespace
}  // namespace ticketing

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "ticketd: the complaint and repair ticket server.\n"
      "  ticketd --config=deploy/config.example.textproto [--listen=127.0.0.1:50051] "
      "[--data_dir=./data]");
  absl::ParseCommandLine(argc, argv);
  // Debian's Abseil checks every lock order at run time; it costs ~20% throughput.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  const sigset_t stop_signals = ticketing::BlockStopSignals();
  return ticketing::Run(stop_signals);
}
