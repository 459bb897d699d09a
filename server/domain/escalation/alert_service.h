#ifndef TICKETING_SERVER_DOMAIN_ESCALATION_ALERT_SERVICE_H_
#define TICKETING_SERVER_DOMAIN_ESCALATION_ALERT_SERVICE_H_

#include <atomic>
#include <cstdint>
#include <functional>

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
class AlertService {
 public:
  static constexpr int kMaxWatchers = 64;

  // All must outlive the service. An alert belongs to its ticket: the ticket's lock (in the
  // core) serialises its acknowledgement and re-escalation.
  AlertService(TicketCore& tickets, storage::AlertLog& alerts, exec::CommitPublisher& publisher,
               const EscalationRules& rules)
      : tickets_(tickets), store_(alerts), publisher_(publisher), rules_(rules) {}

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
  // publisher closes (UNAVAILABLE naming the sequence to resume from). RESOURCE_EXHAUSTED beyond
  // kMaxWatchers concurrent watches.
  absl::Status Watch(const Principal& actor, const v1::WatchAlertsRequest& request,
                     const std::function<bool(const v1::Alert&)>& send,
                     const std::function<bool()>& cancelled);

 private:
  // The loop of Watch, once admitted.
  absl::Status Stream(const Principal& actor, const v1::WatchAlertsRequest& request,
                      const std::function<bool(const v1::Alert&)>& send,
                      const std::function<bool()>& cancelled);

  TicketCore& tickets_;
  storage::AlertLog& store_;
  exec::CommitPublisher& publisher_;
  const EscalationRules& rules_;
  std::atomic<int> watchers_{0};
};

// True when `who` is a recipient of `alert` or its ticket's assignee.
bool IsAlertRecipient(const Principal& who, const v1::Alert& alert);

// True when `alert` passes `filter` for `who`.
bool AlertPasses(const v1::AlertFilter& filter, const Principal& who, const v1::Alert& alert);

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_ESCALATION_ALERT_SERVICE_H_
