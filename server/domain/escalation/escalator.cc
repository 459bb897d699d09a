#include "server/domain/escalation/escalator.h"

#include <optional>
#include <utility>

#include "proto/base/status_macros.h"

namespace ticketing::domain {

absl::Status Escalator::Raise(TicketDraft& draft) const {
  // Held for the whole change: a set replaced meanwhile applies from the next change on,
  // never halfway through this one.
  const std::shared_ptr<const EscalationPolicy> policy = rules_.Get();
  const std::string account_id = draft.next.account_id();
  // Called only when a rule notifies the account's people; an error fails the change.
  auto account = [&]() -> absl::StatusOr<std::optional<v1::Account>> {
    if (accounts_ == nullptr) return std::nullopt;
    return accounts_->Find(account_id);
  };
  TKT_ASSIGN_OR_RETURN(std::vector<v1::Alert> raised,
                       policy->OnEvent(draft.next, draft.event, draft.now, account));
  for (v1::Alert& alert : raised) draft.alerts.push_back(std::move(alert));
  return absl::OkStatus();
}

}  // namespace ticketing::domain
