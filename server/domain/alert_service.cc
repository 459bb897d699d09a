#include "server/domain/alert_service.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "proto/base/status_macros.h"
#include "server/domain/authz.h"
#include "server/domain/selectors.h"
#include "server/domain/ticket_events.h"
#include "server/domain/validation.h"

namespace ticketing::domain {
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
  response.set_last_sequence(request.after_sequence());
  for (v1::Alert& alert : alerts) {
    if (response.alerts_size() == page_size) break;
    response.set_last_sequence(alert.sequence());
    if (AlertPasses(request.filter(), actor, alert)) *response.add_alerts() = std::move(alert);
  }
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
  if (++watchers_ > kMaxWatchers) {
    --watchers_;
    return absl::ResourceExhaustedError(
        absl::StrCat("too many alert watchers (", kMaxWatchers, "); retry later"));
  }
  absl::Status result = Stream(actor, request, send, cancelled);
  --watchers_;
  return result;
}

absl::Status AlertService::Stream(const Principal& actor, const v1::WatchAlertsRequest& request,
                                  const std::function<bool(const v1::Alert&)>& send,
                                  const std::function<bool()>& cancelled) {
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
    publisher_.WaitForAlertAfter(cursor, absl::Seconds(1));
  }
}

}  // namespace ticketing::domain
