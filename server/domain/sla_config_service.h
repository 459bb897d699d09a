#ifndef TICKETING_SERVER_DOMAIN_SLA_CONFIG_SERVICE_H_
#define TICKETING_SERVER_DOMAIN_SLA_CONFIG_SERVICE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/common/clock.h"
#include "server/domain/escalation.h"
#include "server/domain/principal.h"
#include "server/domain/sla_clocks.h"
#include "storage/ticket_store.h"
#include "ticketing/v1/admin_service.pb.h"

namespace ticketing::domain {

// The calendars, SLA policies and escalation levels and rules in force, and their
// versioned, audited replacement as one set.
//
// At start the set stored in the database (if any) wins over the config file's: once an
// administrator replaced the set through the API, the database is the source. Each
// replacement is validated as a whole, stored as a new version (who, when, why) together
// with the "current" pointer in one durable write, and then put in force in SlaClocks.
// Thread-safe: replacements are serialised.
class SlaConfigService {
 public:
  // Loads the stored set, or takes `from_file` (version 0). `store` and `clock` must outlive
  // the service. Calendars cover local dates first..last.
  // `users` validate the escalation levels and must outlive the service.
  static absl::StatusOr<std::unique_ptr<SlaConfigService>> Load(
      storage::TicketStore& store, const Clock& clock, const UserDirectory& users,
      v1::SlaConfig from_file, absl::CivilDay first = BusinessCalendar::kDefaultFirstDay,
      absl::CivilDay last = BusinessCalendar::kDefaultLastDay);

  // The clocks, running on the set in force. Lives as long as the service.
  SlaClocks& clocks() { return clocks_; }
  // The escalation rules in force. Lives as long as the service.
  const EscalationRules& escalation() const { return escalation_; }

  absl::StatusOr<v1::SlaConfig> Get(const Principal& actor) const;
  // ABORTED when expected_version is not the version in force; INVALID_ARGUMENT naming the
  // field when the new set is invalid (nothing changes then).
  absl::StatusOr<v1::SlaConfig> Replace(const Principal& actor,
                                        const v1::ReplaceSlaConfigRequest& request);
  // Stored versions, newest first.
  absl::StatusOr<v1::ListSlaConfigVersionsResponse> ListVersions(
      const Principal& actor, const v1::ListSlaConfigVersionsRequest& request) const;

 private:
  // One compiled configuration.
  struct Compiled {
    std::shared_ptr<const SlaPolicySet> policies;
    std::shared_ptr<const EscalationPolicy> escalation;
  };
  static absl::StatusOr<Compiled> Compile(const v1::SlaConfig& config, const UserDirectory& users,
                                          absl::CivilDay first, absl::CivilDay last);
  SlaConfigService(storage::TicketStore& store, const Clock& clock, const UserDirectory& users,
                   v1::SlaConfig current, Compiled compiled, absl::CivilDay first,
                   absl::CivilDay last);

  storage::TicketStore& store_;
  const Clock& clock_;
  const UserDirectory& users_;
  const absl::CivilDay first_, last_;
  SlaClocks clocks_;
  EscalationRules escalation_;
  mutable absl::Mutex mu_;
  v1::SlaConfig current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_SLA_CONFIG_SERVICE_H_
