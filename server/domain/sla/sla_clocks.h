#ifndef TICKETING_SERVER_DOMAIN_SLA_SLA_CLOCKS_H_
#define TICKETING_SERVER_DOMAIN_SLA_SLA_CLOCKS_H_

#include <memory>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/domain/sla/sla_policy.h"
#include "ticketing/v1/ticket.pb.h"

namespace ticketing::domain {

// Keeps a ticket's SLA clocks in step with its history. Pure: every method maps (ticket,
// event, time) to new clock values, so replaying a ticket's events gives the same clocks.
// The rules (docs/sla.md):
//   - first response starts at creation; met by the first customer-visible event.
//   - next update starts when the first response is met and restarts with every
//     customer-visible event while the ticket is open; resolution stops it.
//   - resolution starts at creation; met at RESOLVED; runs on after REOPENED.
//   - all clocks stand still in the policy's pause statuses; CLOSED/CANCELLED stop them.
//   - when priority, kind, region, product or service tier change, the policy is chosen
//     again and each running clock takes the smaller of its target and the new one: an
//     upgrade tightens the promise, a downgrade never loosens it. Elapsed time and past
//     pauses are kept; a clock that already used more than its new target is due when
//     that ran out (found in its counted segments), and an overdue due time never moves.
//   - a warning / breach is recorded (Fire) once its instant has passed.
// Every clock state change is recorded in the event as a FieldChange "sla.<clock>".
// A ticket whose policy is no longer in the set takes the first matching one at its next
// change. Thread-safe; each call works on one snapshot of the policy set.
class SlaClocks {
 public:
  explicit SlaClocks(std::shared_ptr<const SlaPolicySet> policies)
      : policies_(std::move(policies)) {}

  // Chooses the policy of a new ticket and starts its clocks at `now`.
  absl::Status Start(v1::Ticket& ticket, v1::TicketEvent& event, absl::Time now) const;

  // Updates `after`'s clocks for the change before -> after described by `event` at `now`.
  absl::Status Update(const v1::Ticket& before, v1::Ticket& after, v1::TicketEvent& event,
                      absl::Time now) const;

  // Records every warning and breach whose instant is at or before `now`.
  absl::Status Fire(v1::Ticket& ticket, v1::TicketEvent& event, absl::Time now) const;

  // Starts (a new cycle of) the committed-date clock, due at `committed` (> now). Its
  // warning comes at the policy's warning_percent (default 75) of the span from now.
  void SetCommittedDate(v1::Ticket& ticket, absl::Time committed, v1::TicketEvent& event,
                        absl::Time now) const;

  // The clocks `policy` would start at `start` (first response, next update, resolution),
  // each with its due and warning instants.
  absl::StatusOr<std::vector<v1::SlaClock>> Preview(const SlaPolicy& policy,
                                                    absl::Time start) const;

  // The policy set in force; hold the pointer while using what it returns.
  std::shared_ptr<const SlaPolicySet> policies() const {
    absl::MutexLock lock(&mu_);
    return policies_;
  }
  // Puts a new policy set in force for every later call.
  void Replace(std::shared_ptr<const SlaPolicySet> policies) {
    absl::MutexLock lock(&mu_);
    policies_ = std::move(policies);
  }

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const SlaPolicySet> policies_ ABSL_GUARDED_BY(mu_);
};

// "first_response", "next_update", "resolution".
std::string ClockName(v1::SlaClockKind kind);
// "RUNNING", "MET_LATE", ...
std::string ClockStateName(v1::SlaClockState state);

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_SLA_SLA_CLOCKS_H_
