// Build() wires the parts of ticketd once; Serve() runs them (see ticket_server.h).
#include "server/app/ticket_server.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "proto/base/status_macros.h"
#include "server/app/tls_credentials.h"
#include "server/common/files.h"
#include "server/common/log.h"
#include "server/config/server_config.h"

namespace ticketing::app {
namespace {

std::vector<domain::Principal> Principals(const v1::ServerConfig& config) {
  std::vector<domain::Principal> users;
  for (const v1::User& user : config.users()) users.push_back({user.name(), user.role()});
  return users;
}

std::map<std::string, domain::TechnicianProfile> TechnicianProfiles(
    const v1::ServerConfig& config) {
  std::map<std::string, domain::TechnicianProfile> profiles;
  for (const v1::User& user : config.users()) {
    profiles[user.name()] = {{user.regions().begin(), user.regions().end()},
                             {user.skills().begin(), user.skills().end()}};
  }
  return profiles;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(
    const v1::ServerConfig& config) {
  if (!config.has_tls()) return grpc::InsecureServerCredentials();
  return TlsServerCredentials(config.tls());
}

absl::Status OpenStore(TicketServer& s) {
  std::error_code error;
  const bool created = std::filesystem::create_directories(s.config.data_dir(), error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create ", s.config.data_dir(), ": ", error.message()));
  }
  // The database holds customers' contacts: its directory is the server user's alone. One
  // made here is set so whatever the umask; an existing one is the operator's to fix.
  namespace fs = std::filesystem;
  if (created) {
    fs::permissions(s.config.data_dir(), fs::perms::owner_all, fs::perm_options::replace, error);
  } else if ((fs::status(s.config.data_dir(), error).permissions() &
              (fs::perms::group_all | fs::perms::others_all)) != fs::perms::none) {
    Log("warning", "the data directory is open to other users; chmod 700 it",
        {{"data_dir", s.config.data_dir()}});
  }
  storage::StoreOptions options;
  options.sync_writes = !s.config.unsafe_disable_wal_sync();
  options.audit_retention = s.config.audit_retention();
  // The publisher is declared before the store in TicketServer, so it outlives it, as the
  // store's observer must.
  options.observer = &s.publisher;
  // Storage cannot depend on the domain; the domain's upgrade arrives as a function.
  options.upgrade_v1_ticket = [](v1::Ticket& ticket) { domain::UpgradeVersion1Ticket(ticket); };
  TKT_ASSIGN_OR_RETURN(s.store, storage::RocksDbTicketStore::Open(s.config.data_dir(), options));
  // Every service reads and writes through the batching store; once the writer starts,
  // ticket writes run on its thread, many requests to one WAL sync (docs/performance.md).
  s.batching = std::make_unique<storage::BatchingTicketStore>(*s.store);
  s.writer = std::make_unique<exec::WriteExecutor>(*s.batching);
  s.pool = std::make_unique<exec::CallPool>(exec::CallPool::Options());
  // Audit records are dated in real time, with or without --test_clock, like deadlines.
  s.audit_writer = std::make_unique<exec::AuditWriter>(*s.store, s.real_clock,
                                                       exec::AuditWriter::Options());
  return absl::OkStatus();
}

// The SLA set stored in the database wins over the config file's (see SlaConfigService).
absl::Status LoadSlaConfig(TicketServer& s) {
  v1::SlaConfig from_file;
  *from_file.mutable_calendars() = s.config.calendars();
  *from_file.mutable_sla_policies() = s.config.sla_policies();
  *from_file.mutable_escalation_levels() = s.config.escalation_levels();
  *from_file.mutable_escalation_rules() = s.config.escalation_rules();
  s.escalation_rules = std::make_unique<domain::EscalationRules>(*s.users);
  // The escalation rules are a part of the SLA set (SlaConfigPart): compiled and put in force
  // with it, at start and on every replacement.
  TKT_ASSIGN_OR_RETURN(s.sla_config, domain::SlaConfigService::Load(*s.batching, *s.clock, from_file,
                                                                    {s.escalation_rules.get()}));
  const v1::SlaConfig current = *s.sla_config->Get(domain::Principal{"system", v1::ROLE_ADMIN});
  LogInfo("SLA policies in force",
          {{"source", current.version() == 0 ? "config file" : "database"},
           {"version", std::to_string(current.version())},
           {"policies", std::to_string(current.sla_policies_size())},
           {"escalation_rules", std::to_string(current.escalation_rules_size())},
           {"calendars", std::to_string(current.calendars_size())}});
  return absl::OkStatus();
}

// The domain, from the ticket core up (docs/architecture.md, "The domain").
absl::Status BuildDomain(TicketServer& s) {
  TKT_ASSIGN_OR_RETURN(config::AccountSettings accounts, config::AccountSettingsOf(s.config));
  std::optional<absl::Duration> verify_within;
  if (absl::Duration within; absl::ParseDuration(s.config.verify_within(), &within)) {
    verify_within = within;  // validated with the config
  }
  s.account_directory = std::make_unique<domain::AccountDirectory>(*s.batching);
  // The rules of every ticket change, in order: the verification deadline, escalation
  // (before the clocks move, so a raised priority re-targets them), the SLA clocks, and
  // the work order (from the clocks as they end up).
  s.verification_rule = std::make_unique<domain::VerificationRule>();
  s.escalator = std::make_unique<domain::Escalator>(*s.escalation_rules, s.account_directory.get());
  s.sla_rule = std::make_unique<domain::SlaRule>(s.sla_config->clocks());
  s.work_order_rule = std::make_unique<domain::WorkOrderRule>(accounts.key_account_margin);
  s.rules = std::make_unique<domain::TicketRules>(std::vector<const domain::TicketRule*>{
      s.verification_rule.get(), s.escalator.get(), s.sla_rule.get(), s.work_order_rule.get()});
  s.core = std::make_unique<domain::TicketCore>(*s.batching, *s.clock, *s.rules,
                                                s.account_directory.get());
  s.lifecycle = std::make_unique<domain::LifecycleService>(
      *s.core, *s.users, domain::LifecycleService::Options{accounts.priority, verify_within});
  s.queries = std::make_unique<domain::TicketQueries>(*s.core);
  s.sla = std::make_unique<domain::SlaService>(*s.core, s.sla_config->clocks());
  domain::FieldWorkService::Options field_work;
  if (s.config.dissatisfied_below() != 0) field_work.dissatisfied_below = s.config.dissatisfied_below();
  s.field_work = std::make_unique<domain::FieldWorkService>(*s.core, *s.users, field_work);
  s.charges = std::make_unique<domain::ChargesService>(*s.core);
  s.work_queues = std::make_unique<domain::WorkQueueService>(*s.batching, *s.clock,
                                                             s.sla_config->clocks());
  s.accounts = std::make_unique<domain::AccountService>(
      *s.account_directory, *s.core, *s.writer, *s.batching, *s.clock, *s.users,
      domain::AccountService::Options{accounts.classification});
  TKT_ASSIGN_OR_RETURN(const config::TransportSettings limits, config::TransportSettingsOf(s.config));
  s.alerts = std::make_unique<domain::AlertService>(
      *s.core, *s.batching, s.publisher, *s.escalation_rules,
      domain::AlertService::WatchLimits{limits.max_alert_watches, limits.max_alert_watches_per_user,
                                        limits.alert_watches_reserved_for_supervisors});
  // With the test clock the monitor gets it to move (AdvanceTestClock); without, null.
  s.monitor = std::make_unique<domain::SlaMonitor>(*s.core, *s.alerts, *s.batching,
                                                   s.test_clock.get(), *s.writer);
  s.dispatcher = std::make_unique<domain::Dispatcher>(*s.queries, *s.lifecycle, *s.batching,
                                                      *s.batching, *s.clock, *s.users,
                                                      TechnicianProfiles(s.config));
  s.reports = std::make_unique<domain::ReportService>(*s.batching, *s.batching, *s.clock);
  s.audit = std::make_unique<domain::AuditService>(*s.store);
  return absl::OkStatus();
}

absl::Status BuildApi(TicketServer& s) {
  TKT_ASSIGN_OR_RETURN(const config::TransportSettings limits, config::TransportSettingsOf(s.config));
  // A caller's deadline is real time, with or without --test_clock.
  s.admission = std::make_unique<api::Admission>(*s.identity, s.real_clock);
  std::map<v1::Role, api::RateLimit> by_role;
  for (const v1::RoleRateLimit& r : s.config.rate_limits()) {
    by_role[r.role()] = {r.limit().requests_per_second(), static_cast<double>(r.limit().burst())};
  }
  std::map<std::string, api::RateLimit> by_user;
  for (const v1::User& user : s.config.users()) {
    if (!user.has_rate_limit()) continue;
    by_user[user.name()] = {user.rate_limit().requests_per_second(),
                            static_cast<double>(user.rate_limit().burst())};
  }
  // Buckets fill in real time, with or without --test_clock.
  s.rate_limiter = std::make_unique<api::RateLimiter>(std::move(by_role), std::move(by_user),
                                                      s.real_clock);
  api::Calls::Guards guards;
  guards.audit = s.audit_writer.get();
  guards.rate_limiter = s.rate_limiter.get();
  guards.max_heavy_calls = limits.max_heavy_calls;
  s.calls = std::make_unique<api::Calls>(*s.admission, *s.writer, *s.pool, guards);
  s.endpoints = std::make_unique<api::Endpoints>(api::Services{
      *s.lifecycle, *s.queries, *s.sla, *s.field_work, *s.charges, *s.work_queues, *s.dispatcher,
      *s.alerts, *s.accounts, *s.reports, *s.sla_config, *s.monitor, *s.audit, *s.identity});
  s.grpc_services = api::GrpcServices(*s.calls, *s.endpoints);
  return absl::OkStatus();
}

// gRPC's reflection library adds its plugin to every ServerBuilder once it is loaded (a static
// initializer); this option takes it out again.
class WithoutReflection final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->erase(std::remove_if(plugins->begin(), plugins->end(),
                                  [](const std::unique_ptr<grpc::ServerBuilderPlugin>& plugin) {
                                    return dynamic_cast<grpc::reflection::ProtoServerReflectionPlugin*>(
                                               plugin.get()) != nullptr;
                                  }),
                   plugins->end());
  }
};

// What one client, authenticated or not, can make the transport hold (docs/security.md).
void ApplyLimits(const config::TransportSettings& limits, int max_request_bytes,
                 grpc::ServerBuilder& builder) {
  const auto ms = [](absl::Duration d) {
    return static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(d), INT32_MAX));
  };
  // The threads of the synchronous API (alert watches, reflection): when all are taken, a new
  // call is answered RESOURCE_EXHAUSTED instead of starting another thread. The callback API
  // serving everything else holds no thread per call.
  grpc::ResourceQuota quota("ticketd");
  quota.SetMaxThreads(limits.max_threads);
  quota.Resize(static_cast<size_t>(limits.max_memory_bytes));
  builder.SetResourceQuota(quota);
  // Bounds what one request can make the server allocate before anything checks it.
  builder.SetMaxReceiveMessageSize(max_request_bytes);
  builder.SetMaxSendMessageSize(limits.max_response_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE, limits.max_metadata_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, limits.max_streams_per_connection);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, ms(limits.max_connection_idle));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, ms(limits.max_connection_age));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                             ms(limits.max_connection_age_grace));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, ms(limits.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, ms(limits.keepalive_timeout));
  builder.AddChannelArgument(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS, ms(limits.handshake_timeout));
}

// Builds and starts the gRPC server with health checking (and reflection when enabled), within
// the configured limits; writes the port file. Returns null (after logging) when it cannot listen.
std::unique_ptr<grpc::Server> Listen(TicketServer& s, const std::string& port_file) {
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials = Credentials(s.config);
  if (!credentials.ok()) {
    LogError("cannot start", {{"status", credentials.status().ToString()}});
    return nullptr;
  }
  absl::StatusOr<config::TransportSettings> limits = config::TransportSettingsOf(s.config);
  if (!limits.ok()) {
    LogError("cannot start", {{"status", limits.status().ToString()}});
    return nullptr;
  }
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // Reflection answers without a token and holds a thread per stream: only when asked for.
  if (!s.config.enable_reflection()) builder.SetOption(std::make_unique<WithoutReflection>());
  int port = 0;
  builder.AddListeningPort(s.config.listen_address(), *credentials, &port);
  ApplyLimits(*limits, s.config.max_request_bytes(), builder);
  for (const auto& service : s.grpc_services) builder.RegisterService(service.get());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  // `port` is set only once the address is bound; 0 means gRPC could not bind it.
  if (server == nullptr || port == 0) {
    LogError("cannot start", {{"status", absl::StrCat("cannot listen on ", s.config.listen_address())}});
    return nullptr;
  }
  if (!port_file.empty()) {
    // Written only once serving, and atomically: whoever polls for the file (tests, scripts with
    // --listen=...:0) never reads a partial port or one nobody listens on yet.
    if (absl::Status w = WriteFileAtomically(port_file, absl::StrCat(port, "\n")); !w.ok()) {
      LogError("cannot start", {{"status", w.ToString()}});
      return nullptr;
    }
  }
  LogInfo("serving", {{"addr", s.config.listen_address()}, {"port", std::to_string(port)},
                      {"data_dir", s.config.data_dir()},
                      {"wal_sync", s.config.unsafe_disable_wal_sync() ? "OFF (unsafe)" : "on"},
                      {"users", std::to_string(s.config.users_size())}});
  return server;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TicketServer>> Build(v1::ServerConfig config,
                                                    std::unique_ptr<SettableClock> test_clock) {
  auto s = std::make_unique<TicketServer>();
  s->config = std::move(config);
  s->test_clock = std::move(test_clock);
  s->clock = s->test_clock != nullptr ? static_cast<const Clock*>(s->test_clock.get())
                                      : &s->real_clock;
  s->users = std::make_unique<domain::UserDirectory>(Principals(s->config));
  TKT_RETURN_IF_ERROR(OpenStore(*s));
  // Before the SLA set, which names users: those created at run time are known by then.
  // Tokens expire on the server's clock (the test clock under --test_clock).
  TKT_ASSIGN_OR_RETURN(s->identity,
                       domain::IdentityService::Load(
                           std::vector<v1::User>(s->config.users().begin(), s->config.users().end()),
                           *s->store, *s->users, *s->clock, domain::IdentityService::Options()));
  TKT_RETURN_IF_ERROR(LoadSlaConfig(*s));
  TKT_RETURN_IF_ERROR(BuildDomain(*s));
  TKT_RETURN_IF_ERROR(BuildApi(*s));
  // The executor starts before the catch-up below so that its writes are pipelined and group
  // committed like any other; from here on ticket writes must go through it.
  s->writer->Start();
  // Tier moves a crash interrupted are finished before serving, so no ticket keeps an old tier
  // (docs/accounts.md).
  TKT_RETURN_IF_ERROR(s->accounts->ResumeRetierJobs());
  // Catch up before serving: record what came due while the server was down.
  TKT_ASSIGN_OR_RETURN(int fired, s->monitor->RunOnce());
  LogInfo("SLA timers due while stopped recorded", {{"tickets", std::to_string(fired)}});
  return s;
}

int Serve(TicketServer& s, const std::string& port_file, const sigset_t& stop_signals) {
  std::unique_ptr<grpc::Server> server = Listen(s, port_file);
  if (server == nullptr) return 1;
  absl::Notification stopping;
  const bool run_monitor = s.test_clock == nullptr;
  // A thread of its own, not the call pool: a run may take long when much falls due, and its
  // writes wait for the executor. With the test clock, only AdvanceTestClock moves time.
  std::thread monitor_thread([&] {
    while (run_monitor && !stopping.WaitForNotificationWithTimeout(absl::Seconds(1))) {
      if (absl::StatusOr<int> fired = s.monitor->RunOnce(); !fired.ok()) {
        LogError("SLA monitor run failed", {{"status", fired.status().ToString()}});
      }
    }
  });
  std::thread stopper([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    LogInfo("stopping: draining in-flight calls", {{"signal", std::to_string(signal)}});
    // Order matters. The monitor stops starting runs; the publisher closes first so that alert
    // streams end at once (they would otherwise hold Shutdown for the whole grace period); then
    // no new calls, and in-flight ones get the grace period before they are cancelled.
    stopping.Notify();
    s.publisher.Close();  // alert watchers end with UNAVAILABLE and the sequence to resume from
    server->Shutdown(std::chrono::system_clock::now() +
                     std::chrono::seconds(s.config.shutdown_grace_seconds()));
  });
  server->Wait();
  stopper.join();
  monitor_thread.join();
  server.reset();
  // Then the rest, in dependency order: the pool before the executor, since blocking calls on
  // the pool may wait for it; the executor last (Stop would still write and answer anything
  // queued). The store itself is closed by the TicketServer's destructor.
  s.pool->Stop();    // every call has been answered
  s.writer->Stop();  // nothing is queued
  s.audit_writer->Stop();  // every audit record is written
  const exec::WriteExecutor::Stats stats = s.writer->stats();
  LogInfo("writes", {{"batches", std::to_string(stats.batches)},
                     {"requests", std::to_string(stats.jobs)},
                     {"largest_batch", std::to_string(stats.largest_batch)}});
  return 0;
}

}  // namespace ticketing::app
