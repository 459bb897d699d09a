#ifndef TICKETING_SERVER_DOMAIN_SLA_SLA_RULE_H_
#define TICKETING_SERVER_DOMAIN_SLA_SLA_RULE_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/domain/sla/sla_clocks.h"
#include "server/domain/tickets/ticket_rules.h"
#include "ticketing/v1/ticket.pb.h"

namespace ticketing::domain {

// The SLA's part in every change of a ticket: the clocks move with the change (SlaClocks
// chooses the policy at creation, starts, pauses, re-targets and ends clocks), and when
// time passes the timers that fell due fire: warnings and breaches, and the breach-age
// escalations the escalation rules scheduled on breached clocks
// (ticket.pending_escalations), which go when their clock is no longer breached.
class SlaRule final : public TicketRule {
 public:
  // `clocks` must outlive the rule.
  explicit SlaRule(const SlaClocks& clocks) : clocks_(clocks) {}

  absl::Status OnCreate(TicketDraft& draft) const override;
  absl::Status OnChange(const v1::Ticket& before, TicketDraft& draft) const override;
  absl::Status OnDue(TicketDraft& draft) const override;

 private:
  const SlaClocks& clocks_;
};

// Records each pending breach-age escalation of `ticket` due by `now` as a change
// "sla.<clock>.breach_age" -> rule name in `event` (which the escalation rules turn into
// the rule's alert) and removes it from the ticket.
void FirePendingEscalations(v1::Ticket& ticket, v1::TicketEvent& event, absl::Time now);

// Drops the pending escalations whose clock is no longer breached (met, stopped, restarted).
void PrunePendingEscalations(v1::Ticket& ticket);

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_SLA_SLA_RULE_H_
