#include "server/domain/tickets/state_machine.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace ticketing::domain {
namespace {

using v1::TicketStatus;

// The edges of the table in state_machine.h; docs/api.md repeats it: keep the three in
// step (state_machine_test.cc checks every pair).
std::vector<TicketStatus> Targets(TicketStatus from) {
  switch (from) {
    case v1::TICKET_STATUS_NEW:
      return {v1::TICKET_STATUS_ASSIGNED, v1::TICKET_STATUS_CANCELLED};
    case v1::TICKET_STATUS_ASSIGNED:
      return {v1::TICKET_STATUS_IN_PROGRESS, v1::TICKET_STATUS_CANCELLED};
    case v1::TICKET_STATUS_IN_PROGRESS:
      return {v1::TICKET_STATUS_WAITING_CUSTOMER, v1::TICKET_STATUS_WAITING_PARTS,
              v1::TICKET_STATUS_RESOLVED, v1::TICKET_STATUS_CANCELLED};
    case v1::TICKET_STATUS_WAITING_CUSTOMER:
      return {v1::TICKET_STATUS_IN_PROGRESS, v1::TICKET_STATUS_RESOLVED,
              v1::TICKET_STATUS_CANCELLED};
    case v1::TICKET_STATUS_WAITING_PARTS:
      return {v1::TICKET_STATUS_IN_PROGRESS, v1::TICKET_STATUS_CANCELLED};
    case v1::TICKET_STATUS_RESOLVED:
      return {v1::TICKET_STATUS_CLOSED, v1::TICKET_STATUS_REOPENED};
    case v1::TICKET_STATUS_CLOSED:
      return {v1::TICKET_STATUS_REOPENED};
    case v1::TICKET_STATUS_REOPENED:
      return {v1::TICKET_STATUS_ASSIGNED, v1::TICKET_STATUS_IN_PROGRESS,
              v1::TICKET_STATUS_CANCELLED};
    default:
      return {};
  }
}

}  // namespace


bool IsOpen(v1::TicketStatus status) {
  return status != v1::TICKET_STATUS_CLOSED && status != v1::TICKET_STATUS_CANCELLED &&
         status != v1::TICKET_STATUS_UNSPECIFIED;
}

std::vector<v1::TicketStatus> AllowedTransitions(v1::TicketStatus from) { return Targets(from); }

absl::Status CheckTransition(v1::TicketStatus from, v1::TicketStatus to) {
  const std::vector<TicketStatus> targets = Targets(from);
  if (std::find(targets.begin(), targets.end(), to) != targets.end()) return absl::OkStatus();
  std::vector<std::string> names;
  for (TicketStatus t : targets) names.push_back(StatusName(t));
  // The message lists the legal targets so the caller can correct the request without the
  // docs at hand.
  return absl::FailedPreconditionError(absl::StrCat(
      "illegal transition from ", StatusName(from), " to ", StatusName(to), "; from ",
      StatusName(from), " a ticket may move to: ",
      names.empty() ? "nothing (terminal)" : absl::StrJoin(names, ", ")));
}

v1::TicketStatus StatusAfterAssignment(v1::TicketStatus status, bool has_new_assignee) {
  // A new owner has not started yet: work in progress goes back to ASSIGNED (NEW without an
  // owner). Reassigning does not end a wait for the customer or for parts, and a resolved
  // ticket awaits verification, not work: those keep their status.
  switch (status) {
    case v1::TICKET_STATUS_NEW:
    case v1::TICKET_STATUS_ASSIGNED:
    case v1::TICKET_STATUS_IN_PROGRESS:
    case v1::TICKET_STATUS_REOPENED:
      return has_new_assignee ? v1::TICKET_STATUS_ASSIGNED : v1::TICKET_STATUS_NEW;
    default:
      return status;
  }
}

absl::Status CheckOpen(const v1::Ticket& ticket, absl::string_view what) {
  if (IsOpen(ticket.status())) return absl::OkStatus();
  // Only a CLOSED ticket can be reopened (CANCELLED is terminal), so only it gets the hint.
  return absl::FailedPreconditionError(absl::StrCat("cannot ", what, " ticket ", ticket.id(),
                                                    ": it is ", StatusName(ticket.status()),
                                                    ticket.status() == v1::TICKET_STATUS_CLOSED
                                                        ? "; reopen it first"
                                                        : ""));
}

}  // namespace ticketing::domain
