#ifndef TICKETING_SERVER_DOMAIN_ESCALATION_SLA_MONITOR_H_
#define TICKETING_SERVER_DOMAIN_ESCALATION_SLA_MONITOR_H_

#include "absl/status/statusor.h"
#include "server/common/clock.h"
#include "server/domain/escalation/alert_service.h"
#include "server/domain/tickets/ticket_core.h"
#include "server/exec/write_runner.h"
#include "storage/ticket_store.h"
#include "ticketing/v1/admin_service.pb.h"

namespace ticketing::domain {

// Time passing: fires the timers that fall due. The timers live in the store (ordered by
// due time), so the monitor holds nothing in memory per ticket: each run reads the due
// entries, records on each ticket what the rules say fell due (TicketRules::OnDue: SLA
// warnings and breaches, breach ages, verification deadlines) through the ticket core, and
// re-escalates the alerts nobody acknowledged in time (AlertService). One thread in main()
// calls RunOnce() every second; tests and the --test_clock mode call it (through
// AdvanceTestClock) instead. Thread-safe.
class SlaMonitor {
 public:
  // All must outlive the monitor. `test_clock` is null unless the server runs --test_clock.
  // The monitor's writes go through `writes` (the write executor in the server).
  SlaMonitor(TicketCore& tickets, AlertService& alerts, storage::AlertLog& alert_log,
             SettableClock* test_clock, exec::WriteRunner& writes)
      : tickets_(tickets), alerts_(alerts), store_(tickets.store()), alert_log_(alert_log),
        clock_(tickets.clock()), test_clock_(test_clock), writes_(writes) {}

  // Records every warning and breach due by now, earliest first. Returns how many tickets
  // changed.
  absl::StatusOr<int> RunOnce();

  // The AdminService.AdvanceTestClock RPC: steps the test clock through every timer due
  // before the target so each is recorded at its own instant. FAILED_PRECONDITION without
  // a test clock; INVALID_ARGUMENT for a move backwards.
  absl::StatusOr<v1::AdvanceTestClockResponse> AdvanceTestClock(
      const Principal& actor, const v1::AdvanceTestClockRequest& request);

 private:
  // Records what is due on `due` (ticket ids), in chunks of up to kChunk tickets per write.
  absl::StatusOr<int> FireInChunks(const std::vector<uint64_t>& due);

  TicketCore& tickets_;
  AlertService& alerts_;
  storage::TicketStore& store_;
  storage::AlertLog& alert_log_;
  const Clock& clock_;
  SettableClock* test_clock_;
  exec::WriteRunner& writes_;
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_ESCALATION_SLA_MONITOR_H_
