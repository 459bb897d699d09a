#include "server/domain/escalation/alert_service.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "proto/base/status_macros.h"
#include "server/domain/base/authz.h"
#include "server/domain/base/selectors.h"
#include "server/domain/base/ticket_events.h"
#include "server/domain/base/validation.h"
#include "storage/ticket_id.h"

namespace ticketing::domain {
namespace {

// The number of the ticket an alert is about. A stored alert names a well-formed ticket;
// one that does not is corrupt (DATA_LOSS), never "ticket 0".
absl::StatusOr<uint64_t> TicketOf(const v1::Alert& alert) {
  const std::optional<uint64_t> id = ParseTicketId(alert.ticket_id());
  if (!id) {
    return absl::DataLossError(absl::StrCat("alert ", alert.sequence(), " names no valid ticket ('",
                                            alert.ticket_id(), "')"));
  }
  return *id;
}

}  // namespace

bool IsAlertRecipient(const Principal& who, const v1::Alert& alert) {
  return who.name == alert.assignee() ||
         std::find(alert.recipients().begin(), alert.recipients().end(), who.name) !=
             alert.recipients().end();
}

bool AlertPasses(const v1::AlertFilter& filter, const Principal& who, const v1::Alert& alert) {
  if (!Accepts(filter.levels(), alert.level()) || !Accepts(filter.tiers(), alert.tier()) ||
      !Accepts(filter.queues(), alert.queue()) || !AcceptsRegion(filter.regions(), alert.region())) {
    return false;
  }
  if (filter.mine() && !IsAlertRecipient(who, alert)) return false;
  return !(filter.unacknowledged_only() && alert.acknowledged());
}

absl::StatusOr<v1::Alert> AlertService::Ack(const Principal& actor,
                                            const v1::AckAlertRequest& request) {
  TKT_RETURN_IF_ERROR(CheckLine("note", request.note(), kMaxReasonChars, false));
  // Read once to find the ticket, whose lock serialises this with re-escalation, and again
  // under it: a re-escalation may have rewritten the alert in between.
  TKT_ASSIGN_OR_RETURN(std::optional<v1::Alert> found, store_.GetAlert(request.sequence()));
  if (!found) return absl::NotFoundError(absl::StrCat("alert ", request.sequence(), " not found"));
  TKT_ASSIGN_OR_RETURN(const uint64_t ticket_id, TicketOf(*found));
  v1::Alert after;
  TKT_RETURN_IF_ERROR(tickets_.WithLock(ticket_id, [&]() -> absl::Status {
    TKT_ASSIGN_OR_RETURN(std::optional<v1::Alert> before, store_.GetAlert(request.sequence()));
    const bool oversight = actor.role == v1::ROLE_SUPERVISOR || actor.role == v1::ROLE_ADMIN;
    // Whoever owns the ticket now may answer for it, as well as the alert's own addressees.
    TKT_ASSIGN_OR_RETURN(std::optional<v1::Ticket> ticket, tickets_.store().GetTicket(ticket_id));
    const bool owner = ticket && !ticket->assignee().empty() && ticket->assignee() == actor.name;
    if (!oversight && !owner && !IsAlertRecipient(actor, *before)) {
      return absl::PermissionDeniedError(absl::StrCat("user ", actor.name, " (", RoleName(actor.role),
                                                      ") is not a recipient of alert ", before->sequence()));
    }
    // Idempotent: a second acknowledgement keeps the first one's who, when and note.
    after = *before;
    if (before->acknowledged()) return absl::OkStatus();
    after.set_acknowledged(true);
    after.set_acknowledged_by(actor.name);
    ToTimestamp(tickets_.clock().Now(), after.mutable_acknowledge_time());
    after.set_acknowledge_note(request.note());
    // The re-escalation timer is derived from the alert (storage AlertTimerKeys), so this
    // write removes it; under the ticket's lock, an alert acknowledged at the last moment
    // never re-escalates (docs/escalation.md, Re-escalation).
    return store_.UpdateAlert(*before, after);
  }));
  return after;
}

absl::StatusOr<bool> AlertService::Reescalate(int64_t sequence) {
  TKT_ASSIGN_OR_RETURN(std::optional<v1::Alert> found, store_.GetAlert(sequence));
  if (!found) return absl::NotFoundError(absl::StrCat("alert ", sequence, " not found"));
  TKT_ASSIGN_OR_RETURN(const uint64_t ticket_id, TicketOf(*found));
  auto reescalate = [&](const v1::Ticket&, TicketDraft& draft) -> absl::Status {
    TKT_ASSIGN_OR_RETURN(std::optional<v1::Alert> before, store_.GetAlert(sequence));  // under the lock
    // Acknowledged or re-escalated meanwhile, or not due yet: the event stays empty and
    // Edit stores nothing.
    if (before->acknowledged() || before->escalated_to_sequence() != 0 ||
        !before->has_reescalate_time() || FromTimestamp(before->reescalate_time()) > draft.now) {
      return absl::OkStatus();  // acknowledged meanwhile: nothing to do
    }
    draft.event.set_type(v1::EVENT_TYPE_SLA);
    v1::Alert after = *before;
    // Clearing the time removes the old alert's timer in this write, also when no level is
    // higher: each timer fires once.
    after.clear_reescalate_time();
    std::optional<v1::Alert> raised = rules_.Get()->Reescalate(*before, draft.next, draft.now);
    RecordChange(draft.event, "escalation", absl::StrCat("level ", before->level()),
                 raised ? absl::StrCat("level ", raised->level(), ": alert ", sequence, " unacknowledged")
                        : absl::StrCat("alert ", sequence, " unacknowledged; no higher level"));
    if (raised) draft.alerts.push_back(*std::move(raised));
    draft.alert_updates.emplace_back(*std::move(before), std::move(after));
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(TicketCommit commit,
                       tickets_.Edit(Principal{kSystemActor, v1::ROLE_UNSPECIFIED},
                                     TicketEdit::Internal("ticket_id", found->ticket_id()),
                                     reescalate));
  if (!commit.alerts.empty()) {
    // Link the old alert to its successor now that the successor's sequence is known (the
    // successor's escalated_from_sequence was committed with it). A crash before this write
    // leaves only the forward link missing: the old alert's timer is already gone.
    TKT_RETURN_IF_ERROR(tickets_.WithLock(ticket_id, [&]() -> absl::Status {
      TKT_ASSIGN_OR_RETURN(std::optional<v1::Alert> old, store_.GetAlert(sequence));
      v1::Alert linked = *old;
      linked.set_escalated_to_sequence(commit.alerts.front().sequence());
      return store_.UpdateAlert(*old, linked);
    }));
  }
  return commit.changed();
}

absl::StatusOr<v1::ListAlertsResponse> AlertService::List(const Principal& actor,
                                                          const v1::ListAlertsRequest& request) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kRead, nullptr));
  if (request.page_size() < 0 || request.after_sequence() < 0) {
    return absl::InvalidArgumentError("page_size, after_sequence: must not be negative");
  }
  const int page_size = request.page_size() == 0 ? 100 : std::min(request.page_size(), 500);
  // Scan at most 10 pages' worth so a narrow filter cannot make one call read everything.
  TKT_ASSIGN_OR_RETURN(std::vector<v1::Alert> alerts,
                       store_.ListAlerts(request.after_sequence(), page_size * 10));
  v1::ListAlertsResponse response;
  // last_sequence advances over the alerts the filter skipped too, so the next page starts
  // after everything examined, not only after what matched.
  response.set_last_sequence(request.after_sequence());
  for (v1::Alert& alert : alerts) {
    if (response.alerts_size() == page_size) break;
    response.set_last_sequence(alert.sequence());
    if (AlertPasses(request.filter(), actor, alert)) *response.add_alerts() = std::move(alert);
  }
  // Against the last stored alert, not the last match: `more` may lead to empty pages.
  response.set_more(response.last_sequence() < store_.LastAlertSequence());
  return response;
}

absl::Status AlertService::Watch(const Principal& actor, const v1::WatchAlertsRequest& request,
                                 const std::function<bool(const v1::Alert&)>& send,
                                 const std::function<bool()>& cancelled) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kRead, nullptr));
  if (request.from_sequence() < 0) {
    return absl::InvalidArgumentError("from_sequence: must not be negative");
  }
  TKT_RETURN_IF_ERROR(TakeWatch(actor));
  absl::Status result = Stream(actor, request, send, cancelled);
  ReleaseWatch(actor);
  return result;
}

namespace {
bool HoldsReservedWatches(const Principal& who) {
  return who.role == v1::ROLE_SUPERVISOR || who.role == v1::ROLE_ADMIN;
}
}  // namespace

absl::Status AlertService::TakeWatch(const Principal& actor) {
  absl::MutexLock lock(&watch_mu_);
  const auto held = watches_by_user_.find(actor.name);
  const int mine = held == watches_by_user_.end() ? 0 : held->second;
  if (mine >= watch_limits_.per_user) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "user ", actor.name, " already has ", mine, " alert watches open, the most one user may; "
        "close one first"));
  }
  if (watches_ >= watch_limits_.total) {
    return absl::ResourceExhaustedError(
        absl::StrCat("too many alert watches (", watch_limits_.total, "); retry later"));
  }
  const bool reserved = HoldsReservedWatches(actor);
  if (!reserved &&
      unreserved_watches_ >= watch_limits_.total - watch_limits_.reserved_for_supervisors) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "too many alert watches: the remaining ", watch_limits_.total - watches_,
        " are kept for supervisors; retry later"));
  }
  ++watches_by_user_[actor.name];
  ++watches_;
  if (!reserved) ++unreserved_watches_;
  return absl::OkStatus();
}

void AlertService::ReleaseWatch(const Principal& actor) {
  absl::MutexLock lock(&watch_mu_);
  if (--watches_by_user_[actor.name] == 0) watches_by_user_.erase(actor.name);
  --watches_;
  if (!HoldsReservedWatches(actor)) --unreserved_watches_;
}

absl::Status AlertService::Stream(const Principal& actor, const v1::WatchAlertsRequest& request,
                                  const std::function<bool(const v1::Alert&)>& send,
                                  const std::function<bool()>& cancelled) {
  // The store is the buffer: reading from its own cursor, the watcher meets the live alerts
  // without a gap or a duplicate. The cursor passes filtered alerts too.
  int64_t cursor = request.from_sequence();
  while (true) {
    TKT_ASSIGN_OR_RETURN(std::vector<v1::Alert> batch, store_.ListAlerts(cursor, 200));
    for (const v1::Alert& alert : batch) {
      if (AlertPasses(request.filter(), actor, alert) && !send(alert)) return absl::OkStatus();
      cursor = alert.sequence();
    }
    if (!batch.empty()) continue;
    if (cancelled()) return absl::CancelledError("watch cancelled");
    if (publisher_.closed()) {
      return absl::UnavailableError(
          absl::StrCat("server shutting down; reconnect with from_sequence=", cursor));
    }
    // Bounded: nothing wakes the wait when the client goes away, so cancellation is
    // checked at least once a second.
    publisher_.WaitForAlertAfter(cursor, absl::Seconds(1));
  }
}

}  // namespace ticketing::domain
