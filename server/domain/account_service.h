#ifndef TICKETING_SERVER_DOMAIN_ACCOUNT_SERVICE_H_
#define TICKETING_SERVER_DOMAIN_ACCOUNT_SERVICE_H_

#include <array>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/common/clock.h"
#include "server/domain/classification.h"
#include "server/domain/principal.h"
#include "storage/ticket_store.h"
#include "ticketing/v1/account.pb.h"

namespace ticketing::domain {

// What ticket handling needs from accounts.
class AccountDirectory {
 public:
  virtual ~AccountDirectory() = default;
  // Runs `fn` with account `id` while no tier change can commit (a shared lock), so a ticket
  // created inside `fn` either carries the new tier or is moved by the tier change.
  // NOT_FOUND naming `field` when the account does not exist.
  virtual absl::Status WithAccount(
      absl::string_view field, absl::string_view id,
      const std::function<absl::Status(const v1::Account&)>& fn) const = 0;
  // The account, or nullopt.
  virtual absl::StatusOr<std::optional<v1::Account>> Find(absl::string_view id) const = 0;
};

// Moves the open tickets of an account to the account's new tier (TicketService does).
class TicketRetier {
 public:
  virtual ~TicketRetier() = default;
  // Moves each open ticket of `account_id` to the account's tier in force when the ticket
  // is changed. Returns how many tickets changed.
  virtual absl::StatusOr<int> RetierAccountTickets(const std::string& account_id,
                                                   const Principal& actor) = 0;
};

// Accounts: records, history, manual tier overrides, classification and bulk import
// (docs/accounts.md). Every change of an account appends one AccountEvent in the same write.
//
// Thread-safe. `tier_mu_` is shared by ticket creation (WithAccount) and account edits, and
// held exclusively by changes that span accounts or move tiers (Reclassify, Import,
// SetServiceTier); edits of one account are serialised by a striped lock.
class AccountService final : public AccountDirectory {
 public:
  // The four must outlive the service.
  AccountService(storage::TicketStore& store, const Clock& clock, const UserDirectory& users,
                 ClassificationRules rules);

  // Turns on moving open tickets when an account's tier changes. Call before use.
  void SetRetier(TicketRetier* retier) { retier_ = retier; }

  absl::StatusOr<v1::Account> Create(const Principal& actor,
                                     const v1::CreateAccountRequest& request);
  absl::StatusOr<v1::Account> Get(const Principal& actor, const v1::GetAccountRequest& request);
  absl::StatusOr<v1::ListAccountsResponse> List(const Principal& actor,
                                                const v1::ListAccountsRequest& request);
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
      const Principal& actor, const v1::ReclassifyAccountsRequest& request);
  // Upserts many accounts in one write; INVALID_ARGUMENT listing the bad rows unless
  // skip_invalid.
  absl::StatusOr<v1::ImportAccountsResponse> Import(const Principal& actor,
                                                    const v1::ImportAccountsRequest& request);

  // Finishes ticket moves that a crash interrupted (jobs/retier/* settings). Call at start,
  // after SetRetier.
  absl::Status ResumeRetierJobs();

  absl::Status WithAccount(absl::string_view field, absl::string_view id,
                           const std::function<absl::Status(const v1::Account&)>& fn)
      const override;
  absl::StatusOr<std::optional<v1::Account>> Find(absl::string_view id) const override;

 private:
  // Checks every settable field of `account`; errors name fields under `prefix`.
  absl::Status CheckAccount(const v1::Account& account, absl::string_view prefix) const;
  absl::StatusOr<v1::Account> Load(absl::string_view field, absl::string_view id) const;
  // A new version of `before` (or a new account) as `after`, with its event; false when
  // nothing changed.
  bool MakeChange(const std::optional<v1::Account>& before, v1::Account after,
                  const Principal& actor, v1::AccountEventType type, absl::string_view reason,
                  absl::Time now, storage::AccountChange& change) const;
  // Moves the open tickets of every (job key, account id) in `jobs` and deletes the jobs.
  absl::Status RunRetierJobs(const std::vector<std::pair<std::string, std::string>>& jobs,
                             const Principal& actor, int* tickets_moved);
  absl::StatusOr<std::vector<v1::Account>> AllAccounts() const;
  absl::Mutex& LockFor(absl::string_view id);

  storage::TicketStore& store_;
  const Clock& clock_;
  const UserDirectory& users_;
  const ClassificationRules rules_;  // (see MakeChange for the audited fields)
  TicketRetier* retier_ = nullptr;
  mutable absl::Mutex tier_mu_;
  std::array<absl::Mutex, 64> locks_;
};

// Copies the fields a client may set (CreateAccountRequest) from `from` into `to`.
void CopySettableAccountFields(const v1::Account& from, v1::Account& to);

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_ACCOUNT_SERVICE_H_
