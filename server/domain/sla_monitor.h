#ifndef TICKETING_SERVER_DOMAIN_SLA_MONITOR_H_
#define TICKETING_SERVER_DOMAIN_SLA_MONITOR_H_

#include "absl/status/statusor.h"
#include "server/common/clock.h"
#include "server/domain/ticket_service.h"
#include "server/exec/write_runner.h"
#include "storage/ticket_store.h"
#include "ticketing/v1/admin_service.pb.h"

namespace ticketing::domain {

// Fires SLA timers. The timers live in the store (ordered by due time), so the monitor
// holds nothing in memory per ticket: each run reads the due entries and lets
// TicketService record them. One thread in main() calls RunOnce() every second; tests and
// the --test_clock mode call it (through AdvanceTestClock) instead. Thread-safe.
class SlaMonitor {
 public:
  // All must outlive the monitor. `test_clock` is null unless the server runs --test_clock.
  // The monitor's writes go through `writes` (the write executor in the server).
  SlaMonitor(TicketService& tickets, storage::TicketStore& store, const Clock& clock,
             SettableClock* test_clock, exec::WriteRunner& writes)
      : tickets_(tickets), store_(store), clock_(clock), test_clock_(test_clock),
        writes_(writes) {}

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

  TicketService& tickets_;
  storage::TicketStore& store_;
  const Clock& clock_;
  SettableClock* test_clock_;
  exec::WriteRunner& writes_;
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_SLA_MONITOR_H_
