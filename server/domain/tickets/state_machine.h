#ifndef TICKETING_SERVER_DOMAIN_TICKETS_STATE_MACHINE_H_
#define TICKETING_SERVER_DOMAIN_TICKETS_STATE_MACHINE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "server/domain/base/ticket_events.h"  // StatusName
#include "ticketing/v1/ticket.pb.h"

namespace ticketing::domain {

// The ticket state machine. Legal moves (TransitionTicket):
//   NEW              -> ASSIGNED, CANCELLED
//   ASSIGNED         -> IN_PROGRESS, CANCELLED
//   IN_PROGRESS      -> WAITING_CUSTOMER, WAITING_PARTS, RESOLVED, CANCELLED
//   WAITING_CUSTOMER -> IN_PROGRESS, RESOLVED, CANCELLED
//   WAITING_PARTS    -> IN_PROGRESS, CANCELLED
//   RESOLVED         -> CLOSED, REOPENED
//   CLOSED           -> REOPENED
//   REOPENED         -> ASSIGNED, IN_PROGRESS, CANCELLED
//   CANCELLED        -> (none: terminal)
// AssignTicket also moves NEW/REOPENED to ASSIGNED and back to NEW when cleared (see
// StatusAfterAssignment).

// True for every status from which work can still happen (all but CLOSED and CANCELLED).
bool IsOpen(v1::TicketStatus status);

// OK when `ticket` is open; else FAILED_PRECONDITION "cannot <what> ticket T-1: it is CLOSED".
absl::Status CheckOpen(const v1::Ticket& ticket, absl::string_view what);

// The statuses `from` may move to, in enum order.
std::vector<v1::TicketStatus> AllowedTransitions(v1::TicketStatus from);

// OK when from -> to is legal; else FAILED_PRECONDITION naming both states and the legal
// targets.
absl::Status CheckTransition(v1::TicketStatus from, v1::TicketStatus to);

// The status after the assignee of a ticket in `status` changes (`has_new_assignee`: to
// someone; false: cleared): a new owner of NEW / ASSIGNED / IN_PROGRESS / REOPENED work starts at ASSIGNED;
// clearing the owner of such work returns it to NEW; waiting and resolved tickets keep
// their status.
v1::TicketStatus StatusAfterAssignment(v1::TicketStatus status, bool has_new_assignee);

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_TICKETS_STATE_MACHINE_H_
