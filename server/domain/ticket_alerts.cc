// TicketService: acknowledging and re-escalating alerts, under the alert's ticket lock.
#include "absl/strings/str_cat.h"
#include "proto/base/status_macros.h"
#include "server/domain/alert_service.h"
#include "server/domain/ticket_events.h"
#include "server/domain/ticket_service.h"
#include "server/domain/validation.h"
#include "storage/ticket_id.h"

namespace ticketing::domain {

absl::StatusOr<v1::Alert> TicketService::AckAlert(const Principal& actor,
                                                  const v1::AckAlertRequest& request) {
  TKT_RETURN_IF_ERROR(CheckLine("note", request.note(), kMaxReasonChars, false));
  TKT_ASSIGN_OR_RETURN(std::optional<v1::Alert> found, store_.GetAlert(request.sequence()));
  if (!found) return absl::NotFoundError(absl::StrCat("alert ", request.sequence(), " not found"));
  absl::MutexLock lock(&LockFor(ParseTicketId(found->ticket_id()).value_or(0)));
  TKT_ASSIGN_OR_RETURN(std::optional<v1::Alert> before, store_.GetAlert(request.sequence()));
  const bool oversight = actor.role == v1::ROLE_SUPERVISOR || actor.role == v1::ROLE_ADMIN;
  // Whoever owns the ticket now may answer for it, as well as the alert's own addressees.
  TKT_ASSIGN_OR_RETURN(std::optional<v1::Ticket> ticket,
                       store_.GetTicket(ParseTicketId(before->ticket_id()).value_or(0)));
  const bool owner = ticket && !ticket->assignee().empty() && ticket->assignee() == actor.name;
  if (!oversight && !owner && !IsAlertRecipient(actor, *before)) {
    return absl::PermissionDeniedError(absl::StrCat("user ", actor.name, " (", RoleName(actor.role),
                                                    ") is not a recipient of alert ", before->sequence()));
  }
  if (before->acknowledged()) return *std::move(before);
  v1::Alert after = *before;
  after.set_acknowledged(true);
  after.set_acknowledged_by(actor.name);
  ToTimestamp(clock_.Now(), after.mutable_acknowledge_time());
  after.set_acknowledge_note(request.note());
  TKT_RETURN_IF_ERROR(store_.UpdateAlert(*before, after));
  return after;
}

absl::StatusOr<bool> TicketService::ReescalateAlert(int64_t sequence) {
  TKT_ASSIGN_OR_RETURN(std::optional<v1::Alert> found, store_.GetAlert(sequence));
  if (!found) return absl::NotFoundError(absl::StrCat("alert ", sequence, " not found"));
  std::vector<v1::Alert> alerts;
  std::vector<std::pair<v1::Alert, v1::Alert>> updates;
  MutationSpec spec{"ticket_id", found->ticket_id(), 0, false, Action::kInternal};
  spec.alerts = &alerts;
  spec.alert_updates = &updates;
  auto reescalate = [&](const v1::Ticket&, absl::Time now, v1::Ticket& next, v1::TicketEvent& event) {
    TKT_ASSIGN_OR_RETURN(std::optional<v1::Alert> before, store_.GetAlert(sequence));  // under the lock
    if (before->acknowledged() || before->escalated_to_sequence() != 0 ||
        !before->has_reescalate_time() || FromTimestamp(before->reescalate_time()) > now) {
      return absl::OkStatus();  // acknowledged meanwhile: nothing to do
    }
    event.set_type(v1::EVENT_TYPE_SLA);
    v1::Alert after = *before;
    after.clear_reescalate_time();
    std::optional<v1::Alert> raised;
    if (escalation_ != nullptr) raised = escalation_->Get()->Reescalate(*before, next, now);
    RecordChange(event, "escalation", absl::StrCat("level ", before->level()),
                 raised ? absl::StrCat("level ", raised->level(), ": alert ", sequence, " unacknowledged")
                        : absl::StrCat("alert ", sequence, " unacknowledged; no higher level"));
    if (raised) alerts.push_back(*std::move(raised));
    updates.emplace_back(*std::move(before), std::move(after));
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(auto result, Mutate(Principal{kSystemActor, v1::ROLE_UNSPECIFIED}, spec, reescalate));
  if (!alerts.empty()) {
    // Link the old alert to its successor now that the successor's sequence is known (the
    // successor's escalated_from_sequence was committed with it).
    absl::MutexLock lock(&LockFor(ParseTicketId(found->ticket_id()).value_or(0)));
    TKT_ASSIGN_OR_RETURN(std::optional<v1::Alert> old, store_.GetAlert(sequence));
    v1::Alert linked = *old;
    linked.set_escalated_to_sequence(alerts.front().sequence());
    TKT_RETURN_IF_ERROR(store_.UpdateAlert(*old, linked));
  }
  return result.second.sequence() != 0;
}

}  // namespace ticketing::domain
