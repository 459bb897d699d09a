#include "server/domain/base/authz.h"

#include "absl/strings/str_cat.h"
#include "server/domain/base/ticket_events.h"

namespace ticketing::domain {
namespace {

bool IsDesk(const Principal& who) {
  return who.role == v1::ROLE_AGENT || who.role == v1::ROLE_SUPERVISOR;
}

absl::Status Deny(const Principal& who, absl::string_view what) {
  return absl::PermissionDeniedError(
      absl::StrCat("user ", who.name, " (", RoleName(who.role), ") may not ", what));
}

// Technicians work only on tickets assigned to them (docs/api.md, "Roles"). Without a ticket
// there is nothing they may do; with one, the refusal says it is not theirs.
absl::Status AuthorizeTicketWork(const Principal& who, const v1::Ticket* ticket,
                                 absl::string_view what) {
  if (IsDesk(who)) return absl::OkStatus();
  if (who.role == v1::ROLE_TECHNICIAN && ticket != nullptr && ticket->assignee() == who.name) {
    return absl::OkStatus();
  }
  if (who.role == v1::ROLE_TECHNICIAN && ticket != nullptr) {
    return Deny(who, absl::StrCat(what, " ", ticket->id(), ": it is not assigned to them"));
  }
  return Deny(who, what);
}

// Closing follows the customer's verification, which is the desk's job; cancelling and
// reopening are the desk's calls too (docs/api.md, "Roles").
bool TechnicianMayMoveTo(v1::TicketStatus target) {
  return target != v1::TICKET_STATUS_CLOSED && target != v1::TICKET_STATUS_CANCELLED &&
         target != v1::TICKET_STATUS_REOPENED;
}

}  // namespace

absl::Status Authorize(const Principal& who, Action action, const v1::Ticket* ticket,
                       v1::TicketStatus target) {
  switch (action) {
    // ROLE_UNSPECIFIED (a default Principal, or the server's own `system`) is refused whatever
    // a request can ask, so an unset role fails closed.
    case Action::kRead:
      return who.role == v1::ROLE_UNSPECIFIED ? Deny(who, "read tickets") : absl::OkStatus();
    case Action::kCreate:
      return IsDesk(who) ? absl::OkStatus() : Deny(who, "create tickets");
    case Action::kAssign:
      return IsDesk(who) ? absl::OkStatus() : Deny(who, "assign tickets");
    case Action::kCommitDate:
      return IsDesk(who) ? absl::OkStatus() : Deny(who, "promise dates to customers");
    case Action::kUpdate:
      return AuthorizeTicketWork(who, ticket, "update");
    case Action::kComment:
      return AuthorizeTicketWork(who, ticket, "comment on");
    case Action::kTransition:
      // The target first, so a technician closing their own ticket hears why.
      if (who.role == v1::ROLE_TECHNICIAN && !TechnicianMayMoveTo(target)) {
        return Deny(who, absl::StrCat("move a ticket to ", StatusName(target)));
      }
      return AuthorizeTicketWork(who, ticket, "change the status of");
    case Action::kSetTestClock:
      return who.role == v1::ROLE_ADMIN ? absl::OkStatus() : Deny(who, "set the test clock");
    case Action::kReplaceSlaConfig:
      return who.role == v1::ROLE_ADMIN ? absl::OkStatus() : Deny(who, "change SLA policies");
    case Action::kReports:
      return who.role == v1::ROLE_SUPERVISOR || who.role == v1::ROLE_ADMIN
                 ? absl::OkStatus()
                 : Deny(who, "read service reports");
    case Action::kSurvey:
      return IsDesk(who) ? absl::OkStatus() : Deny(who, "record surveys");
    case Action::kEditAccount:
      return IsDesk(who) || who.role == v1::ROLE_ADMIN ? absl::OkStatus()
                                                       : Deny(who, "edit accounts");
    case Action::kEditAccountFigures:
      return who.role == v1::ROLE_SUPERVISOR || who.role == v1::ROLE_ADMIN
                 ? absl::OkStatus()
                 : Deny(who, "set an account's sales and profit (they decide key accounts)");
    case Action::kReadKeyPersonContacts:
      return IsDesk(who) || who.role == v1::ROLE_ADMIN
                 ? absl::OkStatus()
                 : Deny(who, "read the contacts of this account's key persons");
    case Action::kSetTier:
      return who.role == v1::ROLE_SUPERVISOR || who.role == v1::ROLE_ADMIN
                 ? absl::OkStatus()
                 : Deny(who, "change service tiers");
    case Action::kImportAccounts:
      return who.role == v1::ROLE_ADMIN ? absl::OkStatus() : Deny(who, "import accounts");
    case Action::kReadAudit:
      return who.role == v1::ROLE_ADMIN ? absl::OkStatus() : Deny(who, "read the audit log");
    case Action::kManageUsers:
      return who.role == v1::ROLE_ADMIN ? absl::OkStatus() : Deny(who, "manage users and others' tokens");
    case Action::kReadQueueOf:
      return who.role == v1::ROLE_UNSPECIFIED || who.role == v1::ROLE_TECHNICIAN
                 ? Deny(who, "read another user's work queue")
                 : absl::OkStatus();
    // Only TicketEdit::Internal uses it: changes the server makes itself (tier moves).
    case Action::kInternal:
      return absl::OkStatus();
    case Action::kVerifyStore:
      return who.role == v1::ROLE_ADMIN || who.role == v1::ROLE_SUPERVISOR
                 ? absl::OkStatus()
                 : Deny(who, "verify the store");
  }
  // Not reached for a declared Action; a value outside the enum fails closed.
  return Deny(who, "do that");
}

}  // namespace ticketing::domain
