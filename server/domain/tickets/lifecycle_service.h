#ifndef TICKETING_SERVER_DOMAIN_TICKETS_LIFECYCLE_SERVICE_H_
#define TICKETING_SERVER_DOMAIN_TICKETS_LIFECYCLE_SERVICE_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/domain/base/principal.h"
#include "server/domain/tickets/priority.h"
#include "server/domain/tickets/ticket_core.h"
#include "ticketing/v1/ticket_service.pb.h"

namespace ticketing::domain {

// A ticket's life from opening to closing: creation (with the priority its impact, urgency
// and account decide), descriptive updates, the state machine, assignment, comments and
// replies, and the customer's chases (docs/api.md). Every change goes through the ticket
// core. Thread-safe.
class LifecycleService {
 public:
  struct Options {
    PriorityRules priority;
    // A resolved ticket not verified with the customer within this time is overdue
    // (VERIFICATION_OVERDUE, see VerificationRule); nullopt: no deadline.
    std::optional<absl::Duration> verify_within;
  };

  // Both must outlive the service.
  LifecycleService(TicketCore& core, const UserDirectory& users, Options options);

  // Opens a ticket (NEW, or ASSIGNED when created with an assignee) with its account's
  // tier. A retry with a known request_id returns the ticket it created; other content
  // under that id: ALREADY_EXISTS.
  absl::StatusOr<v1::Ticket> Create(const Principal& actor, const v1::CreateTicketRequest& request);
  absl::StatusOr<v1::Ticket> Update(const Principal& actor, const v1::UpdateTicketRequest& request);
  absl::StatusOr<v1::Ticket> Transition(const Principal& actor,
                                        const v1::TransitionTicketRequest& request);
  absl::StatusOr<v1::Ticket> Assign(const Principal& actor, const v1::AssignTicketRequest& request);
  absl::StatusOr<v1::AddCommentResponse> AddComment(const Principal& actor,
                                                    const v1::AddCommentRequest& request);
  // Records an inbound customer contact: chase_count + 1, an internal event, and whatever
  // escalation rules watch the count.
  absl::StatusOr<v1::Ticket> RecordContact(const Principal& actor,
                                           const v1::RecordContactRequest& request);

 private:
  absl::Status CheckAssignee(absl::string_view field, absl::string_view assignee) const;
  // Fills the new ticket of `draft` from the request's fields, for an account of `tier`.
  void FillNewTicket(const Principal& actor, const v1::Ticket& fields, v1::ServiceTier tier,
                     TicketDraft& draft) const;

  TicketCore& core_;
  const UserDirectory& users_;
  const Options options_;
};

// Records the verification deadline of a resolved ticket once it passes (a service
// omission, kept on the ticket for reports; it escalates). Each resolution's deadline
// fires once: a later resolution sets a new one.
class VerificationRule final : public TicketRule {
 public:
  absl::Status OnDue(TicketDraft& draft) const override;
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_TICKETS_LIFECYCLE_SERVICE_H_
