#ifndef TICKETING_SERVER_APP_TICKET_SERVER_H_
#define TICKETING_SERVER_APP_TICKET_SERVER_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"
#include "server/api/calls.h"
#include "server/api/endpoints.h"
#include "server/api/grpc/grpc_services.h"
#include "server/common/clock.h"
#include "server/domain/accounts/account_directory.h"
#include "server/domain/accounts/account_service.h"
#include "server/domain/dispatch/dispatch.h"
#include "server/domain/escalation/alert_service.h"
#include "server/domain/escalation/escalation_policy.h"
#include "server/domain/escalation/escalator.h"
#include "server/domain/escalation/sla_monitor.h"
#include "server/domain/fieldwork/charges_service.h"
#include "server/domain/fieldwork/field_work_service.h"
#include "server/domain/queues/work_order.h"
#include "server/domain/queues/work_queue_service.h"
#include "server/domain/reports/report_service.h"
#include "server/domain/sla/sla_config_service.h"
#include "server/domain/sla/sla_rule.h"
#include "server/domain/sla/sla_service.h"
#include "server/domain/tickets/lifecycle_service.h"
#include "server/domain/tickets/ticket_core.h"
#include "server/domain/tickets/ticket_queries.h"
#include "server/domain/audit/audit_service.h"
#include "server/domain/identity/identity_service.h"
#include "server/exec/audit_writer.h"
#include "server/exec/call_pool.h"
#include "server/exec/commit_publisher.h"
#include "server/exec/write_executor.h"
#include "storage/batching_ticket_store.h"
#include "storage/rocksdb_ticket_store.h"
#include "ticketing/v1/config.pb.h"

namespace ticketing::app {

// Everything ticketd runs, wired once by Build() and run by Serve(). Members are declared
// in the order they are built, each from the ones above it, and destroyed in reverse: the
// transports first, the store last. Nothing is wired after construction.
struct TicketServer {
  v1::ServerConfig config;
  std::unique_ptr<SettableClock> test_clock;  // --test_clock only
  RealClock real_clock;
  const Clock* clock = nullptr;  // the test clock when there is one, else the real one

  // Storage and the write path.
  exec::CommitPublisher publisher;  // every durable write is announced here
  std::unique_ptr<storage::RocksDbTicketStore> store;
  std::unique_ptr<storage::BatchingTicketStore> batching;  // what every service reads and writes
  std::unique_ptr<exec::WriteExecutor> writer;
  std::unique_ptr<exec::CallPool> pool;
  std::unique_ptr<exec::AuditWriter> audit_writer;  // denials and administrative actions

  // The domain.
  std::unique_ptr<domain::UserDirectory> users;       // the config's and run-time users
  std::unique_ptr<domain::IdentityService> identity;  // keeps `users` current; the tokens
  std::unique_ptr<domain::EscalationRules> escalation_rules;
  std::unique_ptr<domain::SlaConfigService> sla_config;
  std::unique_ptr<domain::AccountDirectory> account_directory;
  std::unique_ptr<domain::VerificationRule> verification_rule;
  std::unique_ptr<domain::Escalator> escalator;
  std::unique_ptr<domain::SlaRule> sla_rule;
  std::unique_ptr<domain::WorkOrderRule> work_order_rule;
  std::unique_ptr<domain::TicketRules> rules;
  std::unique_ptr<domain::TicketCore> core;
  std::unique_ptr<domain::LifecycleService> lifecycle;
  std::unique_ptr<domain::TicketQueries> queries;
  std::unique_ptr<domain::SlaService> sla;
  std::unique_ptr<domain::FieldWorkService> field_work;
  std::unique_ptr<domain::ChargesService> charges;
  std::unique_ptr<domain::WorkQueueService> work_queues;
  std::unique_ptr<domain::AccountService> accounts;
  std::unique_ptr<domain::AlertService> alerts;
  std::unique_ptr<domain::SlaMonitor> monitor;
  std::unique_ptr<domain::Dispatcher> dispatcher;
  std::unique_ptr<domain::ReportService> reports;
  std::unique_ptr<domain::AuditService> audit;

  // The API and its gRPC transport.
  std::unique_ptr<api::Admission> admission;
  std::unique_ptr<api::RateLimiter> rate_limiter;
  std::unique_ptr<api::Calls> calls;
  std::unique_ptr<api::Endpoints> endpoints;
  std::vector<std::unique_ptr<api::GrpcService>> grpc_services;
};

// Opens the store and builds every part from `config` (defaults applied and validated),
// then starts the write path, finishes interrupted ticket moves and records the SLA timers
// that fell due while the server was stopped. `test_clock` (null unless --test_clock)
// replaces the real clock. The server does not listen yet.
absl::StatusOr<std::unique_ptr<TicketServer>> Build(v1::ServerConfig config,
                                                    std::unique_ptr<SettableClock> test_clock);

// Listens (writing the bound port to `port_file` when set), serves until SIGTERM or SIGINT
// (taken with sigwait from `stop_signals`, blocked in every thread), drains in-flight
// calls for the grace period, then stops the write path and closes the store. Unless the
// test clock is on, a monitor thread fires due SLA timers every second meanwhile. Returns
// the process's exit code.
int Serve(TicketServer& server, const std::string& port_file, const sigset_t& stop_signals);

}  // namespace ticketing::app

#endif  // TICKETING_SERVER_APP_TICKET_SERVER_H_
