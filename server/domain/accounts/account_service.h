#ifndef TICKETING_SERVER_DOMAIN_ACCOUNTS_ACCOUNT_SERVICE_H_
#define TICKETING_SERVER_DOMAIN_ACCOUNTS_ACCOUNT_SERVICE_H_

#include <array>
#include <atomic>
#include <optional>
#include <set>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/common/clock.h"
#include "server/domain/accounts/account_directory.h"
#include "server/domain/accounts/classification.h"
#include "server/domain/base/interrupt.h"
#include "server/domain/base/principal.h"
#include "server/domain/tickets/ticket_core.h"
#include "server/exec/write_runner.h"
#include "storage/ticket_store.h"
#include "ticketing/v1/account.pb.h"

namespace ticketing::domain {

// Accounts: records, history, manual tier overrides, classification and bulk import
// (docs/accounts.md). Every change of an account appends one AccountEvent in the same write.
//
// When an account's tier in force changes, its open tickets move to the new tier (a new
// SLA policy, running clocks keeping the smaller target): one durable job per change
// (jobs/retier/<account>@<version>) written with the account, carried out through the
// ticket core and the write path, deleted when done, resumed at start after a crash.
//
// Thread-safe. The directory's tier lock is shared by ticket creation and edits of one
// account, and held exclusively by changes that span accounts or move tiers (Reclassify,
// Import, SetServiceTier); edits of one account are serialised by a striped lock.
class AccountService final {
 public:
  struct Options {
    ClassificationRules classification;
  };
  // All must outlive the service. Ticket moves run through `tickets` on `writes`.
  AccountService(AccountDirectory& directory, TicketCore& tickets, exec::WriteRunner& writes,
                 storage::AccountStore& store, const Clock& clock, const UserDirectory& users,
                 Options options);

  // Create and Update: the sales and profit figures, which decide key accounts, are set only
  // by supervisors and admins (PERMISSION_DENIED naming the field for others).
  absl::StatusOr<v1::Account> Create(const Principal& actor,
                                     const v1::CreateAccountRequest& request);
  // Technicians see the phone and e-mail of key persons only for accounts of open tickets
  // assigned to them (docs/security.md, "Least privilege"); elsewhere they are withheld,
  // here, in List and in ListEvents.
  absl::StatusOr<v1::Account> Get(const Principal& actor, const v1::GetAccountRequest& request,
                                  const Interrupt& interrupt = Interrupt::Never());
  absl::StatusOr<v1::ListAccountsResponse> List(const Principal& actor,
                                                const v1::ListAccountsRequest& request,
                                                const Interrupt& interrupt = Interrupt::Never());
  absl::StatusOr<v1::Account> Update(const Principal& actor,
                                     const v1::UpdateAccountRequest& request);
  absl::StatusOr<v1::ListAccountEventsResponse> ListEvents(
      const Principal& actor, const v1::ListAccountEventsRequest& request);
  // Sets or clears the manual override; moves the account's open tickets when the tier in
  // force changes.
  absl::StatusOr<v1::Account> SetServiceTier(const Principal& actor,
                                             const v1::SetServiceTierRequest& request);
  // Classifies every account; with apply, commits the moves atomically, then moves open
  // tickets.
  absl::StatusOr<v1::ReclassifyAccountsResponse> Reclassify(
      const Principal& actor, const v1::ReclassifyAccountsRequest& request,
      const Interrupt& interrupt = Interrupt::Never());
  // Upserts many accounts in one write; INVALID_ARGUMENT listing the bad rows unless
  // skip_invalid.
  absl::StatusOr<v1::ImportAccountsResponse> Import(const Principal& actor,
                                                    const v1::ImportAccountsRequest& request);

  // Finishes ticket moves that a crash interrupted (jobs/retier/* settings). Call at start,
  // once the write path runs.
  absl::Status ResumeRetierJobs();

  // Moves every open ticket of `account_id` to the account's tier in force, read as each
  // ticket is changed (an event each, by `actor`); the SLA policy is chosen again and
  // running clocks keep the smaller target. Returns how many tickets changed.
  absl::StatusOr<int> MoveTickets(const std::string& account_id, const Principal& actor);

 private:
  // Checks every settable field of `account`; errors name fields under `prefix`.
  absl::Status CheckAccount(const v1::Account& account, absl::string_view prefix) const;
  absl::StatusOr<v1::Account> Load(absl::string_view field, absl::string_view id) const;
  // A new version of `before` (or a new account) as `after`, with its event; false when
  // nothing changed.
  bool MakeChange(const std::optional<v1::Account>& before, v1::Account after,
                  const Principal& actor, v1::AccountEventType type, absl::string_view reason,
                  absl::Time now, storage::AccountChange& change) const;
  // Moves the open tickets of each job's account and deletes the job.
  absl::Status RunRetierJobs(const std::vector<storage::RetierJob>& jobs, const Principal& actor,
                             int* tickets_moved);
  absl::StatusOr<std::vector<v1::Account>> AllAccounts(const Interrupt& interrupt) const;

  // Account-wide work (Reclassify, Import) is planned from the accounts as read, without
  // the tier lock, and committed under it only if no account changed meanwhile: ticket
  // creation (which shares the lock) waits for one write, not for a scan of every account
  // (docs/performance.md, "Account work under load").
  template <typename Response>
  struct Plan {
    Response response;
    std::vector<storage::AccountChange> changes;
    std::vector<storage::RetierJob> jobs;
    int64_t generation = 0;  // of the accounts the plan was made from
  };
  absl::StatusOr<Plan<v1::ReclassifyAccountsResponse>> PlanReclassification(
      const Principal& actor, const Interrupt& interrupt) const;
  absl::StatusOr<Plan<v1::ImportAccountsResponse>> PlanImport(
      const Principal& actor, const v1::ImportAccountsRequest& request) const;
  // Makes a plan with `plan` and, when `commit`, writes its changes and jobs under the
  // exclusive tier lock if no account was written since the plan read them; else plans
  // again, the last of kPlanAttempts attempts holding the lock throughout (so it always
  // succeeds).
  template <typename Response>
  absl::StatusOr<Plan<Response>> PlanAndCommit(
      const std::function<absl::StatusOr<Plan<Response>>()>& plan, bool commit);
  // Every write of accounts: the store's, and the count of them (generation()).
  absl::Status CommitAccounts(const std::vector<storage::AccountChange>& changes,
                              const std::vector<storage::RetierJob>& started = {});
  int64_t generation() const { return generation_.load(); }
  // One ticket's move to the tier in force of `account_id` (nothing when it has it).
  absl::Status MoveToTierInForce(const std::string& account_id, const v1::Ticket& current,
                                 TicketDraft& draft) const;
  absl::Mutex& LockFor(absl::string_view id);
  // The accounts whose key persons' phone and e-mail `actor` may read: null when every
  // account's (agents, supervisors, admins); for a technician, the accounts of the open
  // tickets assigned to them.
  absl::StatusOr<std::optional<std::set<std::string>>> KeyPersonContactsReadable(
      const Principal& actor, const Interrupt& interrupt) const;
  // PERMISSION_DENIED naming the field when `after` changes a sales or profit figure of
  // `before` and `actor` may not (Action::kEditAccountFigures).
  static absl::Status CheckFigureEdit(const Principal& actor, const v1::Account& before,
                                      const v1::Account& after, absl::string_view prefix);

  AccountDirectory& directory_;
  TicketCore& tickets_;
  exec::WriteRunner& writes_;
  storage::AccountStore& store_;
  const Clock& clock_;
  const UserDirectory& users_;
  const ClassificationRules rules_;  // (see MakeChange for the audited fields)
  std::array<absl::Mutex, 64> locks_;
  // Account writes so far. Every writer holds the tier lock (shared or exclusive) while it
  // writes and counts, so under the exclusive lock an unchanged count means no account
  // changed since it was read.
  std::atomic<int64_t> generation_{0};
};

// Copies the fields a client may set (CreateAccountRequest) from `from` into `to`.
void CopySettableAccountFields(const v1::Account& from, v1::Account& to);

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_ACCOUNTS_ACCOUNT_SERVICE_H_
