#ifndef TICKETING_SERVER_DOMAIN_BASE_AUTHZ_H_
#define TICKETING_SERVER_DOMAIN_BASE_AUTHZ_H_

#include "absl/status/status.h"
#include "server/domain/base/principal.h"
#include "ticketing/v1/ticket.pb.h"

namespace ticketing::domain {

// What a caller wants to do. Who may (PERMISSION_DENIED otherwise):
//   kRead          everyone
//   kCreate        agent, supervisor
//   kAssign        agent, supervisor
//   kCommitDate    agent, supervisor (promising a date to the customer is the desk's call)
//   kUpdate        agent, supervisor; a technician on a ticket assigned to them
//   kComment       as kUpdate
//   kTransition    as kUpdate, but a technician may not move to CLOSED, CANCELLED or REOPENED
//                  (closing follows verification with the customer; that is the desk's job)
//   kVerifyStore   admin, supervisor
//   kSetTestClock  admin
//   kReplaceSlaConfig  admin
//   kReports       supervisor, admin
//   kSurvey        agent, supervisor (surveys and payments: the desk deals with the customer)
//   kEditAccount   agent, supervisor, admin (create and update accounts)
//   kSetTier       supervisor, admin (tier overrides, reclassification)
//   kEditAccountFigures  supervisor, admin (an account's sales and profit, which decide
//                  whether it is a key account)
//   kReadKeyPersonContacts  agent, supervisor, admin; a technician only for accounts of
//                  tickets assigned to them (the caller checks that: AccountService)
//   kImportAccounts admin
//   kReadAudit     admin (the audit log: who was denied what, and every administrative action)
//   kManageUsers   admin (users and everyone's tokens; each user manages their own tokens:
//                  IdentityService)
//   kReadQueueOf   everyone but technicians (another user's work queue)
//   kInternal      the server's own work (SLA timers); never reachable from a request
enum class Action {
  kRead, kCreate, kAssign, kCommitDate, kUpdate, kComment, kTransition, kVerifyStore, kSetTestClock, kReplaceSlaConfig,
  kEditAccount, kEditAccountFigures, kReadKeyPersonContacts, kSetTier, kImportAccounts, kReadQueueOf, kSurvey, kReports,
  kReadAudit, kManageUsers, kInternal
};

// OK when `who` may do `action` on `ticket` (nullptr when the action has no ticket yet).
// `target` is the status asked for by kTransition and ignored otherwise.
absl::Status Authorize(const Principal& who, Action action, const v1::Ticket* ticket,
                       v1::TicketStatus target = v1::TICKET_STATUS_UNSPECIFIED);

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_BASE_AUTHZ_H_
