#ifndef TICKETING_SERVER_DOMAIN_ACCOUNTS_ACCOUNT_DIRECTORY_H_
#define TICKETING_SERVER_DOMAIN_ACCOUNTS_ACCOUNT_DIRECTORY_H_

#include <functional>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/domain/tickets/ticket_rules.h"
#include "storage/ticket_store.h"
#include "ticketing/v1/account.pb.h"

namespace ticketing::domain {

// The accounts as the rest of the domain reads them, and the tier lock that keeps a tier
// change and the creation of the account's tickets apart: a ticket created while the tier
// is held (shared) either carries the new tier or is moved by the change, which holds it
// exclusively (AccountService). Thread-safe.
class AccountDirectory final : public TierSource {
 public:
  // `store` must outlive the directory.
  explicit AccountDirectory(storage::AccountStore& store) : store_(store) {}

  // The account, or nullopt. A read error is an error, never "no account".
  absl::StatusOr<std::optional<v1::Account>> Find(absl::string_view id) const;

  // Runs `fn` with account `id` while no tier change can commit (the tier lock, shared).
  // NOT_FOUND naming `field` when the account does not exist.
  absl::Status WithAccount(absl::string_view field, absl::string_view id,
                           const std::function<absl::Status(const v1::Account&)>& fn) const;
  // TierSource: WithAccount, with the account's tier in force.
  absl::Status WithTier(absl::string_view field, absl::string_view id,
                        const std::function<absl::Status(v1::ServiceTier)>& fn) const override;

  // The tier lock: held shared by ticket creation (WithAccount) and edits of one account,
  // exclusively by the changes that move tiers (AccountService).
  absl::Mutex& tier_mutex() const { return tier_mu_; }

 private:
  storage::AccountStore& store_;
  mutable absl::Mutex tier_mu_;
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_ACCOUNTS_ACCOUNT_DIRECTORY_H_
