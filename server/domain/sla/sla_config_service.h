#ifndef TICKETING_SERVER_DOMAIN_SLA_SLA_CONFIG_SERVICE_H_
#define TICKETING_SERVER_DOMAIN_SLA_SLA_CONFIG_SERVICE_H_

#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/common/clock.h"
#include "server/domain/base/principal.h"
#include "server/domain/sla/sla_clocks.h"
#include "storage/ticket_store.h"
#include "ticketing/v1/admin_service.pb.h"

namespace ticketing::domain {

// A part of the SLA configuration set that a feature above sla/ compiles and puts in
// force with the rest (the escalation levels and rules: escalation/escalation_policy.h).
class SlaConfigPart {
 public:
  virtual ~SlaConfigPart() = default;
  // Validates and compiles this part of `config` against the set's compiled calendars and
  // policies; INVALID_ARGUMENT naming the field ("escalation_rules[1].level"). Returns
  // what puts it in force: called only once every part compiled and the set is stored.
  virtual absl::StatusOr<std::function<void()>> Compile(
      const v1::SlaConfig& config, std::shared_ptr<const SlaPolicySet> policies) = 0;
};

// The calendars, SLA policies and escalation levels and rules in force, and their
// versioned, audited replacement as one set.
//
// At start the set stored in the database (if any) wins over the config file's: once an
// administrator replaced the set through the API, the database is the source. Each
// replacement is validated as a whole, stored as a new version (who, when, why) together
// with the "current" pointer in one durable write, and then put in force: the calendars and
// policies in SlaClocks, the other parts (SlaConfigPart) by themselves.
// Thread-safe: replacements are serialised.
class SlaConfigService {
 public:
  // Loads the stored set, or takes `from_file` (version 0), and puts it in force, `parts`
  // included. `store`, `clock` and the parts must outlive the service. Calendars cover local
  // dates first..last.
  static absl::StatusOr<std::unique_ptr<SlaConfigService>> Load(
      storage::SettingStore& store, const Clock& clock, v1::SlaConfig from_file,
      std::vector<SlaConfigPart*> parts,
      absl::CivilDay first = BusinessCalendar::kDefaultFirstDay,
      absl::CivilDay last = BusinessCalendar::kDefaultLastDay);

  // The clocks, running on the set in force. Lives as long as the service.
  SlaClocks& clocks() { return clocks_; }

  absl::StatusOr<v1::SlaConfig> Get(const Principal& actor) const;
  // ABORTED when expected_version is not the version in force; INVALID_ARGUMENT naming the
  // field when the new set is invalid (nothing changes then).
  absl::StatusOr<v1::SlaConfig> Replace(const Principal& actor,
                                        const v1::ReplaceSlaConfigRequest& request);
  // Stored versions, newest first.
  absl::StatusOr<v1::ListSlaConfigVersionsResponse> ListVersions(
      const Principal& actor, const v1::ListSlaConfigVersionsRequest& request) const;

 private:
  // One compiled configuration: the calendars and policies, and what puts each part in
  // force.
  struct Compiled {
    std::shared_ptr<const SlaPolicySet> policies;
    std::vector<std::function<void()>> install_parts;
  };
  static absl::StatusOr<Compiled> Compile(const v1::SlaConfig& config,
                                          const std::vector<SlaConfigPart*>& parts,
                                          absl::CivilDay first, absl::CivilDay last);
  SlaConfigService(storage::SettingStore& store, const Clock& clock,
                   std::vector<SlaConfigPart*> parts, v1::SlaConfig current,
                   Compiled compiled, absl::CivilDay first, absl::CivilDay last);

  storage::SettingStore& store_;
  const Clock& clock_;
  const std::vector<SlaConfigPart*> parts_;
  const absl::CivilDay first_, last_;
  SlaClocks clocks_;
  mutable absl::Mutex mu_;
  v1::SlaConfig current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_SLA_SLA_CONFIG_SERVICE_H_
