#ifndef TICKETING_SERVER_DOMAIN_DISPATCH_DISPATCH_H_
#define TICKETING_SERVER_DOMAIN_DISPATCH_DISPATCH_H_

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/statusor.h"
#include "server/common/clock.h"
#include "server/domain/base/principal.h"
#include "server/domain/tickets/lifecycle_service.h"
#include "server/domain/tickets/ticket_queries.h"
#include "storage/ticket_store.h"
#include "ticketing/v1/ticket_service.pb.h"

namespace ticketing::domain {

// Where a technician works and what they repair (ServerConfig.users[].regions, .skills).
struct TechnicianProfile {
  std::vector<std::string> regions;  // region prefixes; empty: anywhere
  std::vector<std::string> skills;   // product prefixes; empty: anything
};

// Proposes and assigns technicians (docs/fieldwork.md, "Dispatch"). Candidates are the
// configured technicians, ranked by:
//   1. available before unavailable;
//   2. region: one of their regions contains the ticket's region, before technicians
//      without regions (anywhere), before those whose regions do not contain it;
//   3. skill: likewise, one of their skills is a prefix of the ticket's product;
//   4. fewer open, unresolved tickets assigned to them (their work queue);
//   5. name.
// Availability is stored in the database (settings technicians/available/<name>), so it
// survives restarts. Thread-safe.
class Dispatcher {
 public:
  // All must outlive the dispatcher.
  Dispatcher(TicketQueries& tickets, LifecycleService& lifecycle, storage::TicketStore& store,
             storage::SettingStore& settings, const Clock& clock, const UserDirectory& users,
             std::map<std::string, TechnicianProfile> profiles)
      : tickets_(tickets), lifecycle_(lifecycle), store_(store), settings_(settings),
        clock_(clock), users_(users), profiles_(std::move(profiles)) {}

  // The ranked candidates; with request.assign also assigns the best available one.
  // Roles: agent, supervisor.
  absl::StatusOr<v1::ProposeTechniciansResponse> Propose(
      const Principal& actor, const v1::ProposeTechniciansRequest& request);

  // Marks a technician (un)available. Roles: supervisor; a technician for themselves.
  absl::StatusOr<v1::TechnicianAvailability> SetAvailability(
      const Principal& actor, const v1::SetTechnicianAvailabilityRequest& request);

 private:
  // A candidate with its sort key: (unavailable, -region level, -skill level, load, name),
  // levels 2 = match, 1 = none configured, 0 = other.
  struct Ranked {
    v1::TechnicianCandidate candidate;
    std::tuple<int, int, int, int64_t, std::string> key;
  };
  absl::StatusOr<Ranked> Candidate(const std::string& name, const v1::Ticket& ticket) const;

  TicketQueries& tickets_;
  LifecycleService& lifecycle_;
  storage::TicketStore& store_;
  storage::SettingStore& settings_;
  const Clock& clock_;
  const UserDirectory& users_;
  const std::map<std::string, TechnicianProfile> profiles_;
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_DISPATCH_DISPATCH_H_
