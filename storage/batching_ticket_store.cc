#include "storage/batching_ticket_store.h"

#include "absl/strings/str_cat.h"
#include "proto/base/check.h"
#include "proto/base/status_macros.h"
#include "storage/ticket_id.h"

namespace ticketing::storage {
namespace {

// Writes the staged changes of `batch` with one CommitMany; checks that the inner store
// numbered the new alerts as they were handed out.
absl::Status WriteChanges(Store& inner, const BatchWrite& batch) {
  if (batch.changes.empty()) return absl::OkStatus();
  // The numbers were handed out when the changes were staged, counting on the inner store to be
  // at base_alert_sequence now: it numbers alerts itself, from its own last sequence.
  if (inner.LastAlertSequence() != batch.base_alert_sequence) {
    // Only possible if an alert was written around the batches: refuse rather than store
    // alerts under other numbers than those handed out.
    return absl::InternalError(absl::StrCat("alert sequences diverged: stored up to ",
                                            inner.LastAlertSequence(), ", expected ",
                                            batch.base_alert_sequence));
  }
  std::vector<const TicketChange*> changes;
  changes.reserve(batch.changes.size());
  for (const TicketChange& change : batch.changes) changes.push_back(&change);
  TKT_RETURN_IF_ERROR(inner.CommitMany(changes));
  if (inner.LastAlertSequence() != batch.last_alert_sequence) {
    // Only possible if an alert was written around the batches.
    return absl::InternalError(absl::StrCat("alert sequences diverged: stored up to ",
                                            inner.LastAlertSequence(), ", handed out up to ",
                                            batch.last_alert_sequence));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status BatchWrite::Write() { return store.WriteSealed(*this); }

// A doomed batch wrote nothing (it was doomed before its first early write could happen):
// built on what a failed write staged, every request of it fails with that write's error.
// Otherwise a request fails if any segment it ran during failed.
absl::Status BatchWrite::OutcomeOf(size_t first, size_t last) const {
  if (doomed) return status;
  for (size_t segment = first; segment <= last; ++segment) {
    const absl::Status& outcome = segment < flushed.size() ? flushed[segment] : status;
    if (!outcome.ok()) return outcome;
  }
  return absl::OkStatus();
}

// writer_ is atomic because any thread asks whether it is the writer (every read and write
// checks); the batches themselves are touched by the writer alone.
void BatchingTicketStore::BindWriter() { writer_.store(std::this_thread::get_id()); }

void BatchingTicketStore::UnbindWriter() { writer_.store(std::thread::id()); }

bool BatchingTicketStore::OnWriterThread() const {
  return writer_.load() == std::this_thread::get_id();
}

absl::Status BatchingTicketStore::CheckWriter() const {
  const std::thread::id writer = writer_.load();
  // No writer bound (before the executor starts, after it stops, in tests without one): writes
  // go straight through. From another thread while one is bound: INTERNAL, so a path that
  // bypasses the executor fails loudly in the tests instead of racing the batches.
  if (writer == std::thread::id() || writer == std::this_thread::get_id()) return absl::OkStatus();
  return absl::InternalError(
      "a ticket write bypassed the write executor (it must run on the writer thread)");
}

void BatchingTicketStore::CheckOnWriter() const {
  TKT_CHECK(OnWriterThread(),
            "the batching store's batches were touched off the thread bound with BindWriter()");
}

void BatchingTicketStore::BeginBatch() {
  CheckOnWriter();
  // A batch already written is forgotten first, so a new batch never builds on one that
  // failed (it would be doomed with it).
  if (InFlightDone()) RetireInFlight();
  open_ = std::make_shared<BatchWrite>(*this);
  // With nothing in flight the inner store is the truth (alerts may have been written while no
  // writer was bound); with a batch in flight its numbers are not stored yet, so the writer's
  // own count goes on from them.
  if (in_flight_ == nullptr) last_alert_sequence_ = inner_.LastAlertSequence();
  open_->base_alert_sequence = last_alert_sequence_;
  open_->last_alert_sequence = last_alert_sequence_;
}

bool BatchingTicketStore::InFlightDone() const {
  if (in_flight_ == nullptr) return true;
  absl::MutexLock lock(&mu_);
  // `written` is set by the committer under mu_; in_flight_ itself is the writer's alone.
  return in_flight_->written;
}

void BatchingTicketStore::RetireInFlight() {
  if (in_flight_ == nullptr) return;
  {
    absl::MutexLock lock(&mu_);
    // The committer sets `status`, then `written` under mu_: once the wait sees `written`, the
    // status read below is the write's.
    mu_.Await(absl::Condition(&in_flight_->written));
  }
  if (!in_flight_->status.ok()) {
    // The open batch may have read what the failed one staged: it must not be written.
    if (open_ != nullptr && !open_->doomed) {
      open_->doomed = true;
      if (open_->status.ok()) open_->status = in_flight_->status;
    }
    // The failed batch's numbers were never stored: count again from what the inner store holds,
    // so the next batch's alerts reuse them and the sequence stays gap-free.
    last_alert_sequence_ = inner_.LastAlertSequence();
  }
  in_flight_.reset();
}

std::shared_ptr<GroupCommit::Batch> BatchingTicketStore::Seal() {
  CheckOnWriter();
  RetireInFlight();
  // At most one batch in flight: sealing waits for the previous write (above), which also
  // settles whether this batch is doomed before the committer ever sees it.
  std::shared_ptr<BatchWrite> sealed = std::move(open_);
  if (!sealed->status.ok()) {
    // Doomed: nothing of it will be written, so nothing is in flight.
    last_alert_sequence_ = inner_.LastAlertSequence();
    return sealed;
  }
  // What the inner store must report after writing it (checked in WriteChanges).
  sealed->last_alert_sequence = last_alert_sequence_;
  in_flight_ = sealed;
  return sealed;
}

absl::Status BatchingTicketStore::WriteSealed(BatchWrite& batch) {
  // Committer thread. The write happens outside mu_: the writer reads the batch's maps meanwhile
  // (they are not modified once sealed) and takes mu_ only to ask whether it is done.
  if (batch.status.ok()) batch.status = WriteChanges(inner_, batch);
  absl::MutexLock lock(&mu_);
  batch.written = true;
  return batch.status;
}

absl::Status BatchingTicketStore::FlushIfPending() {
  if (!Batching()) return absl::OkStatus();
  // The batch in flight first: this early write must not overtake it, and the inner store must
  // hold its alerts for the sequence check in WriteChanges.
  RetireInFlight();
  BatchWrite& batch = *open_;
  if (!batch.status.ok()) return batch.status;
  if (batch.changes.empty()) return absl::OkStatus();
  batch.last_alert_sequence = last_alert_sequence_;
  const absl::Status written = WriteChanges(inner_, batch);
  // Ends a segment: the requests that ran during it learn this write's outcome, the later ones
  // that of the rest of the batch. The staged state is cleared either way: written, the inner
  // store holds it; failed, nothing more of the batch is written (below).
  batch.flushed.push_back(written);
  batch.changes.clear();
  batch.alerts.clear();
  batch.tickets.clear();
  batch.requests.clear();
  batch.alert_records.clear();
  batch.base_alert_sequence = last_alert_sequence_;
  if (!written.ok()) {
    // Nothing more of this batch is written: its later requests fail too.
    batch.status = written;
    last_alert_sequence_ = inner_.LastAlertSequence();
  }
  return written;
}

void BatchingTicketStore::Stage(const TicketChange& change) {
  CheckOnWriter();
  BatchWrite& batch = *open_;
  batch.changes.push_back(change);
  TicketChange& staged = batch.changes.back();
  // The staged copy must not point at the caller's vector, which dies with its request: the
  // batch keeps its own copy in `alerts` (a deque, so earlier addresses stay valid).
  staged.alerts = nullptr;
  if (change.alerts != nullptr && !change.alerts->empty()) {
    // Numbered on the caller's alerts too, so the request answers with the numbers that will be
    // stored.
    for (v1::Alert& alert : *change.alerts) {
      alert.set_sequence(++last_alert_sequence_);  // as the inner store will number them
    }
    staged.alerts = &batch.alerts.emplace_back(*change.alerts);
    for (const v1::Alert& alert : *change.alerts) batch.alert_records[alert.sequence()] = alert;
  }
  for (const auto& update : staged.alert_updates) {
    batch.alert_records[update.second.sequence()] = update.second;
  }
  if (!staged.alerts_only()) {
    batch.tickets[ParseTicketId(staged.after.id()).value_or(0)] = &staged.after;
  }
  if (staged.request) batch.requests[staged.request->request_id] = &*staged.request;
}

absl::Status BatchingTicketStore::Commit(const TicketChange& change) {
  return CommitMany({&change});
}

absl::Status BatchingTicketStore::CommitMany(const std::vector<const TicketChange*>& changes) {
  TKT_RETURN_IF_ERROR(CheckWriter());
  // Off the writer (unbound) or outside a batch: straight through, durable when it returns.
  if (!Batching()) return inner_.CommitMany(changes);
  if (!open_->status.ok()) return open_->status;  // doomed: the request fails anyway
  // Every id is checked before any change is staged, so a refused CommitMany stages nothing,
  // as the inner store would write nothing.
  for (const TicketChange* change : changes) {
    if (!change->alerts_only() && !ParseTicketId(change->after.id())) {
      return absl::InternalError("commit of a ticket without a valid id");
    }
  }
  for (const TicketChange* change : changes) Stage(*change);
  return absl::OkStatus();
}

absl::Status BatchingTicketStore::UpdateAlert(const v1::Alert& before, const v1::Alert& after) {
  return Commit(TicketChange::AlertUpdate(before, after));
}

template <typename Map>
const typename Map::mapped_type* BatchingTicketStore::Staged(
    Map BatchWrite::*map, const typename Map::key_type& key) const {
  // Newest first: the open batch may have changed again what the batch in flight holds.
  for (const BatchWrite* batch : {open_.get(), in_flight_.get()}) {
    if (batch == nullptr) continue;
    const Map& staged = batch->*map;
    if (auto it = staged.find(key); it != staged.end()) return &it->second;
  }
  return nullptr;
}

// Point reads look into the batches rather than writing them first: a retried create must
// find the first one's request record, a comment the ticket created just before it, and an
// early write per read would cost a write each.
absl::StatusOr<std::optional<v1::Ticket>> BatchingTicketStore::GetTicket(uint64_t id) {
  if (Batching()) {
    if (const auto* ticket = Staged(&BatchWrite::tickets, id)) return **ticket;
  }
  return inner_.GetTicket(id);
}

absl::StatusOr<std::optional<RequestRecord>> BatchingTicketStore::GetRequest(
    const std::string& request_id) {
  if (Batching()) {
    if (const auto* record = Staged(&BatchWrite::requests, request_id)) return **record;
  }
  return inner_.GetRequest(request_id);
}

absl::StatusOr<std::optional<v1::Alert>> BatchingTicketStore::GetAlert(int64_t sequence) {
  if (Batching()) {
    if (const v1::Alert* alert = Staged(&BatchWrite::alert_records, sequence)) return *alert;
  }
  return inner_.GetAlert(sequence);
}

int64_t BatchingTicketStore::LastAlertSequence() {
  // In a batch, the numbers handed out so far, staged and in flight included: what the inner
  // store will report once they are written.
  return Batching() ? last_alert_sequence_ : inner_.LastAlertSequence();
}

// Scans cannot merge staged changes into the inner store's iterators, so they write what is
// staged first (an early write: a segment ends) and then read the inner store alone.
absl::StatusOr<TicketListResult> BatchingTicketStore::ListTickets(const TicketListRequest& request) {
  TKT_RETURN_IF_ERROR(FlushIfPending());
  return inner_.ListTickets(request);
}

absl::StatusOr<std::vector<v1::TicketEvent>> BatchingTicketStore::ListEvents(
    uint64_t ticket_id, int64_t after_sequence, int limit) {
  TKT_RETURN_IF_ERROR(FlushIfPending());
  return inner_.ListEvents(ticket_id, after_sequence, limit);
}

absl::StatusOr<std::vector<uint64_t>> BatchingTicketStore::DueTimers(absl::Time now, int limit) {
  TKT_RETURN_IF_ERROR(FlushIfPending());
  return inner_.DueTimers(now, limit);
}

absl::StatusOr<std::optional<absl::Time>> BatchingTicketStore::NextTimerDue() {
  TKT_RETURN_IF_ERROR(FlushIfPending());
  return inner_.NextTimerDue();
}

absl::StatusOr<std::vector<v1::Alert>> BatchingTicketStore::ListAlerts(int64_t after_sequence,
                                                                       int limit) {
  TKT_RETURN_IF_ERROR(FlushIfPending());
  return inner_.ListAlerts(after_sequence, limit);
}

absl::StatusOr<std::vector<int64_t>> BatchingTicketStore::DueAlertTimers(absl::Time now,
                                                                         int limit) {
  TKT_RETURN_IF_ERROR(FlushIfPending());
  return inner_.DueAlertTimers(now, limit);
}

// Accounts are not batched; writing what is staged first keeps the writes in request order,
// so an account write never lands before ticket writes staged ahead of it.
absl::Status BatchingTicketStore::CommitAccounts(const std::vector<AccountChange>& changes,
                                               const std::vector<RetierJob>& started,
                                               const std::vector<RetierJob>& done) {
  TKT_RETURN_IF_ERROR(FlushIfPending());
  return inner_.CommitAccounts(changes, started, done);
}

absl::StatusOr<WorkQueuePage> BatchingTicketStore::ListWorkQueue(const WorkQueueScope& scope,
                                                                 const std::string& after,
                                                                 int limit) {
  TKT_RETURN_IF_ERROR(FlushIfPending());
  return inner_.ListWorkQueue(scope, after, limit);
}

absl::StatusOr<int64_t> BatchingTicketStore::CountOpenAssigned(const std::string& user,
                                                               int64_t limit) {
  TKT_RETURN_IF_ERROR(FlushIfPending());
  return inner_.CountOpenAssigned(user, limit);
}

absl::Status BatchingTicketStore::ScanFacts(
    absl::Time from, absl::Time to, const std::function<absl::Status(const v1::TicketFacts&)>& fn) {
  TKT_RETURN_IF_ERROR(FlushIfPending());
  return inner_.ScanFacts(from, to, fn);
}

absl::StatusOr<VerifyReport> BatchingTicketStore::Verify() {
  TKT_RETURN_IF_ERROR(FlushIfPending());
  return inner_.Verify();
}

}  // namespace ticketing::storage
