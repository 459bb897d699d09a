#include "server/domain/escalation/sla_monitor.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "proto/base/status_macros.h"
#include "server/domain/base/authz.h"
#include "server/domain/base/ticket_events.h"

namespace ticketing::domain {
namespace {

constexpr int kBatch = 2000;  // due tickets read per round
constexpr int kChunk = 500;   // tickets fired per piece of work (per write, under load)

}  // namespace

absl::StatusOr<int> SlaMonitor::RunOnce() {
  // Rounds until one comes back short, so a backlog (timers that fell due while the server
  // was down) is drained in one call, oldest first, a bounded batch at a time.
  int changed_total = 0;
  while (true) {
    TKT_ASSIGN_OR_RETURN(std::vector<uint64_t> due, store_.DueTimers(clock_.Now(), kBatch));
    // Many tickets per write: clocks falling due together cost one WAL sync per chunk, not
    // one per ticket; the chunks are pipelined (one is recorded while the last is written).
    int changed = 0;
    if (!due.empty()) {
      TKT_ASSIGN_OR_RETURN(changed, FireInChunks(due));
    }
    // Alerts nobody acknowledged in time go one level up, all in one write. On the write
    // runner like every ticket write: once the executor runs, the batching store refuses
    // ticket writes from any other thread.
    TKT_ASSIGN_OR_RETURN(std::vector<int64_t> unacknowledged,
                         alert_log_.DueAlertTimers(clock_.Now(), kBatch));
    if (!unacknowledged.empty()) {
      TKT_ASSIGN_OR_RETURN(int escalated,
                           exec::RunWrite<int>(writes_, [&]() -> absl::StatusOr<int> {
                             int n = 0;
                             for (int64_t sequence : unacknowledged) {
                               TKT_ASSIGN_OR_RETURN(bool done, alerts_.Reescalate(sequence));
                               n += done;
                             }
                             return n;
                           }));
      changed += escalated;
    }
    changed_total += changed;
    // Stop when a full batch changed nothing: reading again would return the same entries.
    // Keys round the due instant up to the millisecond and are read against now rounded
    // down, so that takes a clock stepping back (or a timer no rule acts on).
    const bool full = static_cast<int>(due.size()) == kBatch ||
                      static_cast<int>(unacknowledged.size()) == kBatch;
    if (!full || changed == 0) return changed_total;
  }
}

absl::StatusOr<int> SlaMonitor::FireInChunks(const std::vector<uint64_t>& due) {
  // All chunks handed over at once: the writer records one while the committer writes the
  // one before. Each chunk is one atomic write of its tickets' changes.
  std::vector<int> fired((due.size() + kChunk - 1) / kChunk, 0);
  std::vector<exec::WriteRunner::Piece> pieces;
  for (size_t i = 0; i < due.size(); i += kChunk) {
    pieces.push_back([this, &due, &fired, i]() -> absl::Status {
      const std::vector<uint64_t> chunk(due.begin() + i,
                                        due.begin() + std::min(due.size(), i + kChunk));
      // Each chunk is atomic (chunks may share a group commit): the changes of its tickets
      // and the removal of their timers commit together, so each warning and breach is
      // recorded exactly once. A chunk that fails changed nothing and keeps its timers: the
      // next run fires them.
      TKT_ASSIGN_OR_RETURN(fired[i / kChunk],
                           tickets_.EditMany(chunk, [this](const v1::Ticket&, TicketDraft& draft) {
                             draft.event.set_type(v1::EVENT_TYPE_SLA);
                             return tickets_.rules().OnDue(draft);
                           }));
      return absl::OkStatus();
    });
  }
  TKT_RETURN_IF_ERROR(writes_.RunAll(std::move(pieces)));
  int changed = 0;
  for (int n : fired) changed += n;
  return changed;
}

absl::StatusOr<v1::AdvanceTestClockResponse> SlaMonitor::AdvanceTestClock(
    const Principal& actor, const v1::AdvanceTestClockRequest& request) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kSetTestClock, nullptr));
  if (test_clock_ == nullptr) {
    return absl::FailedPreconditionError(
        "the test clock is off: start the server with --test_clock to move time");
  }
  const absl::Time now = test_clock_->Now();
  absl::Time target = now;
  if (request.has_advance()) target = now + FromDurationProto(request.advance());
  if (request.has_set_time()) target = FromTimestamp(request.set_time());
  if (target < now) {
    return absl::InvalidArgumentError(absl::StrCat(
        request.has_advance() ? "advance" : "set_time", ": the test clock only moves forward (now ",
        absl::FormatTime(absl::RFC3339_full, now, absl::UTCTimeZone()), ")"));
  }
  v1::AdvanceTestClockResponse response;
  int changed = 0;
  while (true) {
    TKT_ASSIGN_OR_RETURN(std::optional<absl::Time> next, store_.NextTimerDue());
    if (!next || *next > target) break;
    // A timer already overdue fires now: the clock never moves back.
    test_clock_->Set(std::max(*next, test_clock_->Now()));
    TKT_ASSIGN_OR_RETURN(int fired, RunOnce());
    // Nothing fired although a timer was due: stop rather than loop on it; the run at the
    // target below gets whatever it left.
    if (fired == 0) break;
    changed += fired;
  }
  test_clock_->Set(target);
  TKT_ASSIGN_OR_RETURN(int fired, RunOnce());
  response.set_tickets_changed(changed + fired);
  ToTimestamp(target, response.mutable_now());
  return response;
}

}  // namespace ticketing::domain
