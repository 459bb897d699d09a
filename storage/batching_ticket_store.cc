#include "storage/batching_ticket_store.h"

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "storage/ticket_id.h"

namespace ticketing::storage {

void BatchingTicketStore::BindWriter() { writer_.store(std::this_thread::get_id()); }

void BatchingTicketStore::UnbindWriter() { writer_.store(std::thread::id()); }

bool BatchingTicketStore::OnWriterThread() const {
  return writer_.load() == std::this_thread::get_id();
}

bool BatchingTicketStore::Batching() const { return open_ && OnWriterThread(); }

absl::Status BatchingTicketStore::CheckWriter() const {
  const std::thread::id writer = writer_.load();
  if (writer == std::thread::id() || writer == std::this_thread::get_id()) return absl::OkStatus();
  return absl::InternalError(
      "a ticket write bypassed the write executor (it must run on the writer thread)");
}

void BatchingTicketStore::BeginBatch() {
  open_ = true;
  writes_ = 0;
  flushes_.clear();
  last_alert_sequence_ = inner_.LastAlertSequence();
}

absl::Status BatchingTicketStore::EndBatch() {
  absl::Status status = Flush();
  open_ = false;
  return status;
}

absl::Status BatchingTicketStore::OutcomeOf(int64_t first, int64_t last) const {
  int64_t carried_before = 0;
  for (const auto& [carried, status] : flushes_) {
    if (!status.ok() && carried > first && carried_before < last) return status;
    carried_before = carried;
  }
  return absl::OkStatus();
}

absl::Status BatchingTicketStore::Flush() {
  if (pending_.empty()) return absl::OkStatus();
  std::vector<const TicketChange*> changes;
  changes.reserve(pending_.size());
  for (const TicketChange& change : pending_) changes.push_back(&change);
  absl::Status status = inner_.CommitMany(changes);
  if (status.ok() && inner_.LastAlertSequence() != last_alert_sequence_) {
    // Only possible if an alert was written around the batch: sequences handed out would
    // now name other alerts.
    status = absl::InternalError(absl::StrCat("alert sequences diverged: stored up to ",
                                              inner_.LastAlertSequence(), ", handed out up to ",
                                              last_alert_sequence_));
  }
  flushes_.emplace_back(writes_, status);
  pending_.clear();
  pending_alerts_.clear();
  tickets_.clear();
  requests_.clear();
  alerts_.clear();
  last_alert_sequence_ = inner_.LastAlertSequence();
  return status;
}

absl::Status BatchingTicketStore::FlushIfPending() {
  if (!Batching() || pending_.empty()) return absl::OkStatus();
  return Flush();
}

void BatchingTicketStore::Stage(const TicketChange& change) {
  pending_.push_back(change);
  TicketChange& staged = pending_.back();
  staged.alerts = nullptr;
  if (change.alerts != nullptr && !change.alerts->empty()) {
    for (v1::Alert& alert : *change.alerts) {
      alert.set_sequence(++last_alert_sequence_);  // as the inner store will number them
      alerts_[alert.sequence()] = alert;
    }
    pending_alerts_.push_back(*change.alerts);
    staged.alerts = &pending_alerts_.back();
  }
  for (const auto& [before, after] : change.alert_updates) alerts_[after.sequence()] = after;
  if (!change.alerts_only()) {
    tickets_[ParseTicketId(change.after.id()).value_or(0)] = change.after;
  }
  if (change.request) requests_[change.request->request_id] = *change.request;
  ++writes_;
}

absl::Status BatchingTicketStore::Commit(const TicketChange& change) {
  return CommitMany({&change});
}

absl::Status BatchingTicketStore::CommitMany(const std::vector<const TicketChange*>& changes) {
  TKT_RETURN_IF_ERROR(CheckWriter());
  if (!Batching()) return inner_.CommitMany(changes);
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

absl::StatusOr<std::optional<v1::Ticket>> BatchingTicketStore::GetTicket(uint64_t id) {
  if (Batching()) {
    if (auto it = tickets_.find(id); it != tickets_.end()) return it->second;
  }
  return inner_.GetTicket(id);
}

absl::StatusOr<std::optional<RequestRecord>> BatchingTicketStore::GetRequest(
    const std::string& request_id) {
  if (Batching()) {
    if (auto it = requests_.find(request_id); it != requests_.end()) return it->second;
  }
  return inner_.GetRequest(request_id);
}

absl::StatusOr<std::optional<v1::Alert>> BatchingTicketStore::GetAlert(int64_t sequence) {
  if (Batching()) {
    if (auto it = alerts_.find(sequence); it != alerts_.end()) return it->second;
  }
  return inner_.GetAlert(sequence);
}

int64_t BatchingTicketStore::LastAlertSequence() {
  return Batching() ? last_alert_sequence_ : inner_.LastAlertSequence();
}

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

absl::Status BatchingTicketStore::PutSettings(
    const std::vector<std::pair<std::string, std::string>>& settings) {
  TKT_RETURN_IF_ERROR(FlushIfPending());
  return inner_.PutSettings(settings);
}

absl::Status BatchingTicketStore::CommitAccounts(
    const std::vector<AccountChange>& changes,
    const std::vector<std::pair<std::string, std::string>>& settings,
    const std::vector<std::string>& deleted_settings) {
  TKT_RETURN_IF_ERROR(FlushIfPending());
  return inner_.CommitAccounts(changes, settings, deleted_settings);
}

absl::StatusOr<WorkQueuePage> BatchingTicketStore::ListWorkQueue(const std::string& prefix,
                                                                 const std::string& after,
                                                                 int limit) {
  TKT_RETURN_IF_ERROR(FlushIfPending());
  return inner_.ListWorkQueue(prefix, after, limit);
}

absl::StatusOr<int64_t> BatchingTicketStore::CountIndexEntries(const std::string& prefix,
                                                               int64_t limit) {
  TKT_RETURN_IF_ERROR(FlushIfPending());
  return inner_.CountIndexEntries(prefix, limit);
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
