#ifndef TICKETING_SERVER_DOMAIN_ESCALATION_ALERT_SERVICE_H_
#define TICKETING_SERVER_DOMAIN_ESCALATION_ALERT_SERVICE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/common/clock.h"
#include "server/domain/base/principal.h"
#include "server/exec/commit_publisher.h"
#include "server/domain/escalation/escalation_policy.h"
#include "server/domain/tickets/ticket_core.h"
#include "storage/ticket_store.h"
#include "ticketing/v1/alert.pb.h"

namespace ticketing::domain {

// Listing, acknowledging, re-escalating and watching alerts (docs/escalation.md).
// Thread-safe.
// How many alert watches may stream at once; each holds a server thread (docs/security.md,
// "Fairness"). One user cannot take them all, and agents and technicians together never take
// the supervisors' share.
struct AlertWatchLimits {
  int total = 64;
  int per_user = 4;  // a wall screen, a phone, a laptop and one to spare
  int reserved_for_supervisors = 16;  // of `total`: supervisors' and admins' only
};

class AlertService {
 public:
  using WatchLimits = AlertWatchLimits;

  // All must outlive the service. An alert belongs to its ticket: the ticket's lock (in the
  // core) serialises its acknowledgement and re-escalation.
  AlertService(TicketCore& tickets, storage::AlertLog& alerts, exec::CommitPublisher& publisher,
               const EscalationRules& rules, WatchLimits watch_limits = WatchLimits())
      : tickets_(tickets),
        store_(alerts),
        publisher_(publisher),
        rules_(rules),
        watch_limits_(watch_limits) {}

  absl::StatusOr<v1::ListAlertsResponse> List(const Principal& actor,
                                              const v1::ListAlertsRequest& request);
  // Acknowledges an alert, which stops its re-escalation. Roles: supervisor, admin, a
  // recipient, the assignee named on the alert, or the ticket's current assignee.
  // Idempotent. Serialised with re-escalation by the ticket's lock.
  absl::StatusOr<v1::Alert> Ack(const Principal& actor, const v1::AckAlertRequest& request);

  // Re-escalates alert `sequence` if it is still unacknowledged: a new alert at the next
  // level, the old one marked, and a "system" event on the ticket, in one commit (then the
  // old one is linked to the new). Returns whether anything changed. The SLA monitor calls
  // it on the write path.
  absl::StatusOr<bool> Reescalate(int64_t sequence);

  // Sends every stored alert after request.from_sequence that passes the filter, then live
  // alerts as they are stored, in sequence order, each once. Reads from the store at the
  // watcher's own pace, so a slow watcher holds no buffer and blocks nobody else. Returns
  // when `send` fails (the client left: OK), `cancelled()` turns true (CANCELLED), or the
  // publisher closes (UNAVAILABLE naming the sequence to resume from). RESOURCE_EXHAUSTED, saying
  // which limit, when the watch would pass one of WatchLimits.
  absl::Status Watch(const Principal& actor, const v1::WatchAlertsRequest& request,
                     const std::function<bool(const v1::Alert&)>& send,
                     const std::function<bool()>& cancelled);

 private:
  // Takes a watch slot for `actor`, or says which limit is reached. ReleaseWatch gives it back.
  absl::Status TakeWatch(const Principal& actor) ABSL_LOCKS_EXCLUDED(watch_mu_);
  void ReleaseWatch(const Principal& actor) ABSL_LOCKS_EXCLUDED(watch_mu_);
  // The loop of Watch, once admitted.
  absl::Status Stream(const Principal& actor, const v1::WatchAlertsRequest& request,
                      const std::function<bool(const v1::Alert&)>& send,
                      const std::function<bool()>& cancelled);

  TicketCore& tickets_;
  storage::AlertLog& store_;
  exec::CommitPublisher& publisher_;
  const EscalationRules& rules_;
  const WatchLimits watch_limits_;
  absl::Mutex watch_mu_;
  int watches_ ABSL_GUARDED_BY(watch_mu_) = 0;
  int unreserved_watches_ ABSL_GUARDED_BY(watch_mu_) = 0;  // held by agents and technicians
  std::map<std::string, int> watches_by_user_ ABSL_GUARDED_BY(watch_mu_);
};

// True when `who` is a recipient of `alert` or its ticket's assignee.
bool IsAlertRecipient(const Principal& who, const v1::Alert& alert);

// True when `alert` passes `filter` for `who`.
bool AlertPasses(const v1::AlertFilter& filter, const Principal& who, const v1::Alert& alert);

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_ESCALATION_ALERT_SERVICE_H_
