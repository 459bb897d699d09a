#ifndef TICKETING_TESTS_TESTING_DOMAIN_WORLD_H_
#define TICKETING_TESTS_TESTING_DOMAIN_WORLD_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/domain/accounts/account_directory.h"
#include "server/domain/accounts/account_service.h"
#include "server/domain/accounts/classification.h"
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
#include "server/domain/tickets/priority.h"
#include "server/domain/tickets/ticket_core.h"
#include "server/domain/tickets/ticket_queries.h"
#include "server/exec/commit_publisher.h"
#include "server/exec/write_runner.h"
#include "storage/rocksdb_ticket_store.h"
#include "tests/testing/fake_clock.h"

namespace ticketing::testing {

// The domain wired as main() wires it (server/app/ticket_server.cc), for the domain's
// tests: a real RocksDB store in a directory of the test's, the test's fake clock, writes
// run inline on the caller (no write executor), the commit publisher following the store.
// Every part is public; they live until Reopen() or destruction.
class DomainWorld {
 public:
  struct Options {
    // A ServerConfig in text format; its calendars, SLA policies and escalation levels and
    // rules are the SLA set in force.
    std::string config;
    std::vector<domain::Principal> users;
    // On: a ticket's account must exist and gives its tier (AccountDirectory); escalation
    // reads it for managers and key persons. Off: every ticket is STANDARD.
    bool accounts = false;
    // The local dates the calendars cover.
    absl::CivilDay first_day = absl::CivilDay(2023, 1, 1);
    absl::CivilDay last_day = absl::CivilDay(2025, 12, 31);
    domain::PriorityRules priority;
    absl::Duration key_margin = absl::Hours(1);
    domain::ClassificationRules classification;
    std::optional<absl::Duration> verify_within;
    int dissatisfied_below = 3;
    // The monitor may move the clock (AdminService.AdvanceTestClock), as with --test_clock.
    bool test_clock = false;
    // Sync the WAL on every write (off: preloads of the benchmarks).
    bool sync_writes = true;
    // Wraps the store every service uses (a test double over the real one); null: none.
    std::function<std::unique_ptr<storage::Store>(storage::Store& real)> wrap_store;
  };

  // Opens the store in `dir` (which the caller owns) and builds everything. `clock` must
  // outlive the world.
  static absl::StatusOr<std::unique_ptr<DomainWorld>> Open(FakeClock& clock, std::string dir,
                                                           Options options);
  ~DomainWorld();

  // Closes everything and builds it again on the same directory, like a restart.
  absl::Status Reopen();

  FakeClock& clock;
  const std::string dir;
  const Options options;
  domain::UserDirectory users;

  exec::CommitPublisher publisher;
  exec::InlineWrites writes;
  std::unique_ptr<storage::RocksDbTicketStore> store;
  std::unique_ptr<storage::Store> wrapped;  // options.wrap_store's, if any
  storage::Store* services_store = nullptr;  // the store the services use
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
  std::unique_ptr<domain::ReportService> reports;

 private:
  DomainWorld(FakeClock& clock, std::string dir, Options options);
  absl::Status Build();
  void Close();
};

}  // namespace ticketing::testing

#endif  // TICKETING_TESTS_TESTING_DOMAIN_WORLD_H_
