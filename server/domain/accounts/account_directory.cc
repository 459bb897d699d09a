#include "server/domain/accounts/account_directory.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "proto/base/status_macros.h"
#include "server/domain/base/validation.h"

namespace ticketing::domain {

absl::StatusOr<std::optional<v1::Account>> AccountDirectory::Find(absl::string_view id) const {
  return store_.GetAccount(std::string(id));
}

absl::Status AccountDirectory::WithAccount(
    absl::string_view field, absl::string_view id,
    const std::function<absl::Status(const v1::Account&)>& fn) const {
  // Taken before the account is read: read outside the lock, a tier change could commit
  // between this read and the caller's write, and the new ticket would keep the old tier
  // with no mover left to find it (the change's mover may already have listed the tickets).
  absl::ReaderMutexLock tier_lock(&tier_mu_);
  TKT_RETURN_IF_ERROR(CheckIdentifier(field, id, true));
  TKT_ASSIGN_OR_RETURN(std::optional<v1::Account> account, Find(id));
  if (!account) return absl::NotFoundError(absl::StrCat(field, ": account ", id, " not found"));
  return fn(*account);
}

absl::Status AccountDirectory::WithTier(
    absl::string_view field, absl::string_view id,
    const std::function<absl::Status(v1::ServiceTier)>& fn) const {
  return WithAccount(field, id,
                     [&](const v1::Account& account) { return fn(account.service_tier()); });
}

}  // namespace ticketing::domain
