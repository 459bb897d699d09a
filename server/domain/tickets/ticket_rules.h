#ifndef TICKETING_SERVER_DOMAIN_TICKETS_TICKET_RULES_H_
#define TICKETING_SERVER_DOMAIN_TICKETS_TICKET_RULES_H_

#include <functional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ticketing/v1/alert.pb.h"
#include "ticketing/v1/ticket.pb.h"

namespace ticketing::domain {

// The small interfaces the ticket core owns, so that the features above it plug in
// instead of the core reaching up to them (docs/architecture.md, "The domain").

// One change of one ticket on its way to the store: what the edit made of it, and what
// the rules add.
struct TicketDraft {
  v1::Ticket next;        // the ticket as it will be stored
  v1::TicketEvent event;  // the one history event of the change
  absl::Time now;         // the instant of the change, read once
  // Alerts the change raises; the store numbers them in place when it writes them.
  std::vector<v1::Alert> alerts;
  // Stored alerts the change rewrites: (as read, as they must become).
  std::vector<std::pair<v1::Alert, v1::Alert>> alert_updates;
};

// A business rule that takes part in every change of a ticket and is decided by a feature
// above the ticket core: SLA clocks (sla/sla_rule.h), escalation (escalation/escalator.h),
// the work order (queues/work_order.h), the verification deadline
// (tickets/lifecycle_service.h). Each may change the draft and records in its event what
// it did. Implementations are immutable or thread-safe: changes of different tickets call
// them concurrently.
class TicketRule {
 public:
  virtual ~TicketRule() = default;
  // A new ticket, about to be stored.
  virtual absl::Status OnCreate(TicketDraft& draft) const;
  // A change of `before`, about to be stored (after the edit made its part).
  virtual absl::Status OnChange(const v1::Ticket& before, TicketDraft& draft) const;
  // Time passed: records in the draft what fell due on the ticket by draft.now. The change
  // then goes through OnChange like any other.
  virtual absl::Status OnDue(TicketDraft& draft) const;
};

// The rules of every change, in the order they run (main() and the tests' DomainWorld
// choose it). An error from any rule abandons the change: nothing is stored.
class TicketRules {
 public:
  TicketRules() = default;
  // The rules must outlive this.
  explicit TicketRules(std::vector<const TicketRule*> rules) : rules_(std::move(rules)) {}

  absl::Status OnCreate(TicketDraft& draft) const;
  absl::Status OnChange(const v1::Ticket& before, TicketDraft& draft) const;
  absl::Status OnDue(TicketDraft& draft) const;

 private:
  std::vector<const TicketRule*> rules_;
};

// Where a new ticket's service tier comes from: its account (accounts/ implements it).
class TierSource {
 public:
  virtual ~TierSource() = default;
  // Runs `fn` with the service tier in force of account `id` while no tier change of any
  // account can commit, so that a ticket created inside `fn` either carries the new tier
  // or is moved by the change. NOT_FOUND naming `field` when there is no such account.
  virtual absl::Status WithTier(absl::string_view field, absl::string_view id,
                                const std::function<absl::Status(v1::ServiceTier)>& fn) const = 0;
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_TICKETS_TICKET_RULES_H_
