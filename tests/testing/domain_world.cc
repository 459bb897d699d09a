#include "tests/testing/domain_world.h"

#include <utility>

#include "google/protobuf/text_format.h"
#include "proto/base/status_macros.h"
#include "ticketing/v1/config.pb.h"

namespace ticketing::testing {

DomainWorld::DomainWorld(FakeClock& clock, std::string dir, Options options)
    : clock(clock), dir(std::move(dir)), options(std::move(options)), users(this->options.users) {}

absl::StatusOr<std::unique_ptr<DomainWorld>> DomainWorld::Open(FakeClock& clock, std::string dir,
                                                               Options options) {
  std::unique_ptr<DomainWorld> world(new DomainWorld(clock, std::move(dir), std::move(options)));
  TKT_RETURN_IF_ERROR(world->Build());
  return world;
}

DomainWorld::~DomainWorld() { Close(); }

absl::Status DomainWorld::Reopen() {
  Close();
  return Build();
}

void DomainWorld::Close() {
  reports.reset();
  monitor.reset();
  alerts.reset();
  accounts.reset();
  work_queues.reset();
  charges.reset();
  field_work.reset();
  sla.reset();
  queries.reset();
  lifecycle.reset();
  core.reset();
  rules.reset();
  work_order_rule.reset();
  sla_rule.reset();
  escalator.reset();
  verification_rule.reset();
  account_directory.reset();
  sla_config.reset();
  escalation_rules.reset();
  wrapped.reset();
  store.reset();
}

absl::Status DomainWorld::Build() {
  storage::StoreOptions store_options;
  store_options.observer = &publisher;
  store_options.sync_writes = options.sync_writes;
  store_options.upgrade_v1_ticket = [](v1::Ticket& t) { domain::UpgradeVersion1Ticket(t); };
  TKT_ASSIGN_OR_RETURN(store, storage::RocksDbTicketStore::Open(dir, store_options));
  services_store = store.get();
  if (options.wrap_store) {
    wrapped = options.wrap_store(*store);
    services_store = wrapped.get();
  }
  storage::Store& s = *services_store;

  v1::ServerConfig config;
  if (!google::protobuf::TextFormat::ParseFromString(options.config, &config)) {
    return absl::InvalidArgumentError("DomainWorld: options.config is not a ServerConfig");
  }
  v1::SlaConfig from_file;
  *from_file.mutable_calendars() = config.calendars();
  *from_file.mutable_sla_policies() = config.sla_policies();
  *from_file.mutable_escalation_levels() = config.escalation_levels();
  *from_file.mutable_escalation_rules() = config.escalation_rules();
  escalation_rules = std::make_unique<domain::EscalationRules>(users);
  TKT_ASSIGN_OR_RETURN(sla_config,
                       domain::SlaConfigService::Load(s, clock, from_file, {escalation_rules.get()},
                                                      options.first_day, options.last_day));

  if (options.accounts) account_directory = std::make_unique<domain::AccountDirectory>(s);
  verification_rule = std::make_unique<domain::VerificationRule>();
  escalator = std::make_unique<domain::Escalator>(*escalation_rules, account_directory.get());
  sla_rule = std::make_unique<domain::SlaRule>(sla_config->clocks());
  work_order_rule = std::make_unique<domain::WorkOrderRule>(options.key_margin);
  rules = std::make_unique<domain::TicketRules>(std::vector<const domain::TicketRule*>{
      verification_rule.get(), escalator.get(), sla_rule.get(), work_order_rule.get()});
  core = std::make_unique<domain::TicketCore>(s, clock, *rules, account_directory.get());
  lifecycle = std::make_unique<domain::LifecycleService>(
      *core, users, domain::LifecycleService::Options{options.priority, options.verify_within});
  queries = std::make_unique<domain::TicketQueries>(*core);
  sla = std::make_unique<domain::SlaService>(*core, sla_config->clocks());
  field_work = std::make_unique<domain::FieldWorkService>(
      *core, users, domain::FieldWorkService::Options{options.dissatisfied_below});
  charges = std::make_unique<domain::ChargesService>(*core);
  work_queues = std::make_unique<domain::WorkQueueService>(s, clock, sla_config->clocks());
  if (options.accounts) {
    accounts = std::make_unique<domain::AccountService>(
        *account_directory, *core, writes, s, clock, users,
        domain::AccountService::Options{options.classification});
  }
  alerts = std::make_unique<domain::AlertService>(*core, s, publisher, *escalation_rules);
  monitor = std::make_unique<domain::SlaMonitor>(
      *core, *alerts, s, options.test_clock ? &clock.settable() : nullptr, writes);
  reports = std::make_unique<domain::ReportService>(s, s, clock);
  return absl::OkStatus();
}

}  // namespace ticketing::testing
