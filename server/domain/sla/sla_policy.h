#ifndef TICKETING_SERVER_DOMAIN_SLA_SLA_POLICY_H_
#define TICKETING_SERVER_DOMAIN_SLA_SLA_POLICY_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "server/domain/sla/business_calendar.h"
#include "ticketing/v1/calendar.pb.h"
#include "ticketing/v1/sla.pb.h"
#include "ticketing/v1/ticket.pb.h"

namespace ticketing::domain {

// One validated SLA policy, with its targets parsed and its calendar resolved.
struct SlaPolicy {
  v1::SlaPolicy spec;
  uint64_t version = 0;  // fingerprint of `spec`: changes whenever the policy does
  const BusinessCalendar* calendar = nullptr;
  std::optional<absl::Duration> first_response;
  std::optional<absl::Duration> next_update;
  std::optional<absl::Duration> resolution;
  int warning_percent = 75;
  std::vector<v1::TicketStatus> pause_statuses;

  // The target of clock `kind`, or nullopt when this policy has no such clock.
  std::optional<absl::Duration> Target(v1::SlaClockKind kind) const;
  // True when clocks stand still while a ticket is in `status`.
  bool Pauses(v1::TicketStatus status) const;
  // True when the selector accepts the ticket (of an account of `tier`).
  bool Matches(const v1::Ticket& ticket, v1::ServiceTier tier) const;
};

// The calendars and the ordered SLA policies of a config. Immutable; thread-safe.
class SlaPolicySet {
 public:
  // An empty set: no ticket gets clocks.
  SlaPolicySet() = default;

  // Validates and compiles. INVALID_ARGUMENT naming the field ("sla_policies[2].calendar").
  // Calendars cover local dates first..last.
  static absl::StatusOr<std::unique_ptr<SlaPolicySet>> Create(
      const google::protobuf::RepeatedPtrField<v1::BusinessCalendar>& calendars,
      const google::protobuf::RepeatedPtrField<v1::SlaPolicy>& policies,
      absl::CivilDay first = BusinessCalendar::kDefaultFirstDay,
      absl::CivilDay last = BusinessCalendar::kDefaultLastDay);

  // OK when every policy's calendar has the working time to meet its longest target from
  // `now` (else every ticket matching the policy could not be created: its clocks would
  // have no due time). INVALID_ARGUMENT naming the policy's calendar field and the calendar.
  absl::Status CheckWorkingTime(absl::Time now) const;

  // The first policy (in config order) matching the ticket, or nullptr.
  const SlaPolicy* Select(const v1::Ticket& ticket, v1::ServiceTier tier) const;
  // The policy called `name`, or nullptr.
  const SlaPolicy* Find(absl::string_view name) const;
  // The calendar called `name`, or nullptr.
  const BusinessCalendar* FindCalendar(absl::string_view name) const;
  const std::vector<SlaPolicy>& policies() const { return policies_; }

 private:
  std::map<std::string, std::unique_ptr<BusinessCalendar>, std::less<>> calendars_;
  std::vector<SlaPolicy> policies_;
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_SLA_SLA_POLICY_H_
