#ifndef TICKETING_SERVER_DOMAIN_ESCALATION_ESCALATOR_H_
#define TICKETING_SERVER_DOMAIN_ESCALATION_ESCALATOR_H_

#include "absl/status/status.h"
#include "server/domain/accounts/account_directory.h"
#include "server/domain/escalation/escalation_policy.h"
#include "server/domain/tickets/ticket_rules.h"

namespace ticketing::domain {

// Escalation's part in every change of a ticket (docs/escalation.md): what the change's
// event records (SLA warnings, breaches and breach ages, chases, a KEY account's
// complaint, a failed visit, an overdue verification, a dissatisfied survey) raises alerts
// by the rules in force, stored in the same write; the rules' actions (raise the
// priority, move the queue) apply to the ticket; a breach schedules its breach-age
// escalations. Runs before the clocks move, so a raised priority re-targets them in the
// same change.
class Escalator final : public TicketRule {
 public:
  // Both must outlive the rule. `accounts` null: no account to notify (unit tests that do
  // not need accounts).
  Escalator(const EscalationRules& rules, const AccountDirectory* accounts)
      : rules_(rules), accounts_(accounts) {}

  absl::Status OnCreate(TicketDraft& draft) const override { return Raise(draft); }
  absl::Status OnChange(const v1::Ticket&, TicketDraft& draft) const override {
    return Raise(draft);
  }

 private:
  absl::Status Raise(TicketDraft& draft) const;

  const EscalationRules& rules_;
  const AccountDirectory* const accounts_;
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_ESCALATION_ESCALATOR_H_
