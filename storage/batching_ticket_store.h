#ifndef TICKETING_STORAGE_BATCHING_TICKET_STORE_H_
#define TICKETING_STORAGE_BATCHING_TICKET_STORE_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "storage/ticket_store.h"

namespace ticketing::storage {

// A TicketStore that gathers the ticket writes of many requests into one atomic, durable
// write (one WAL sync for the lot): group commit done by the server itself, on one thread.
//
// The write executor (server/domain/write_executor.h) owns the one thread that may write
// tickets once it has called BindWriter(). It opens a batch, runs queued requests one after
// another, then calls EndBatch(), which commits every change they made with ONE
// CommitMany on the inner store, and answers the requests only then: nothing is
// acknowledged before it is durable.
//
// Inside a batch, on the writer thread:
//   - Commit, CommitMany and UpdateAlert append to the batch instead of writing. New alerts
//     get their sequence numbers at once, exactly as the inner store will assign them
//     (every alert write goes through here, in order).
//   - GetTicket, GetRequest, GetAlert and LastAlertSequence see the batch (a later request
//     reads what an earlier one in the same batch wrote).
//   - Every other read of ticket data (listings, indexes, timers, events, Verify) and every
//     other write first flushes the batch to the inner store, so nothing reads around it
//     and nothing overtakes it. Account and setting reads need no flush: a batch holds
//     only tickets, requests and alerts.
// Outside a batch, or on any other thread, reads go to the inner store. Ticket writes from
// another thread while a writer is bound are refused (INTERNAL): they would race the batch.
//
// Thread-safe in that sense: the batch is touched only by the bound thread.
class BatchingTicketStore final : public TicketStore {
 public:
  // `inner` must outlive this store.
  explicit BatchingTicketStore(TicketStore& inner) : inner_(inner) {}

  // From now on only the calling thread may write tickets (through batches).
  void BindWriter();
  // Writes are allowed from any thread again, straight to the inner store.
  void UnbindWriter();
  bool OnWriterThread() const;

  // Opens a batch on the writer thread.
  void BeginBatch();
  // Ticket writes accepted in the open batch so far: a request's writes are those between
  // its before and after counts.
  int64_t writes() const { return writes_; }
  // Flushes what is pending and closes the batch. Returns the last flush's status.
  absl::Status EndBatch();
  // Whether the writes numbered (first, last] of the batch just ended are durable: the
  // status of the first failed flush that carried any of them, else OK.
  absl::Status OutcomeOf(int64_t first, int64_t last) const;

  // TicketStore.
  uint64_t AllocateTicketId() override { return inner_.AllocateTicketId(); }
  absl::StatusOr<std::optional<v1::Ticket>> GetTicket(uint64_t id) override;
  absl::StatusOr<std::optional<RequestRecord>> GetRequest(const std::string& request_id) override;
  absl::Status Commit(const TicketChange& change) override;
  absl::Status CommitMany(const std::vector<const TicketChange*>& changes) override;
  absl::StatusOr<TicketListResult> ListTickets(const TicketListRequest& request) override;
  absl::StatusOr<std::vector<v1::TicketEvent>> ListEvents(uint64_t ticket_id,
                                                          int64_t after_sequence,
                                                          int limit) override;
  absl::StatusOr<std::vector<uint64_t>> DueTimers(absl::Time now, int limit) override;
  absl::StatusOr<std::optional<absl::Time>> NextTimerDue() override;
  absl::StatusOr<std::vector<v1::Alert>> ListAlerts(int64_t after_sequence, int limit) override;
  absl::StatusOr<std::optional<v1::Alert>> GetAlert(int64_t sequence) override;
  absl::Status UpdateAlert(const v1::Alert& before, const v1::Alert& after) override;
  absl::StatusOr<std::vector<int64_t>> DueAlertTimers(absl::Time now, int limit) override;
  int64_t LastAlertSequence() override;
  absl::StatusOr<std::optional<std::string>> GetSetting(const std::string& key) override {
    return inner_.GetSetting(key);
  }
  absl::Status PutSettings(
      const std::vector<std::pair<std::string, std::string>>& settings) override;
  absl::StatusOr<std::optional<v1::Account>> GetAccount(const std::string& id) override {
    return inner_.GetAccount(id);
  }
  absl::Status CommitAccounts(const std::vector<AccountChange>& changes,
                              const std::vector<std::pair<std::string, std::string>>& settings,
                              const std::vector<std::string>& deleted_settings) override;
  absl::StatusOr<std::vector<v1::Account>> ScanAccounts(const std::string& after_id,
                                                        int limit) override {
    return inner_.ScanAccounts(after_id, limit);
  }
  absl::StatusOr<std::vector<v1::AccountEvent>> ListAccountEvents(const std::string& account_id,
                                                                  int64_t after_sequence,
                                                                  int limit) override {
    return inner_.ListAccountEvents(account_id, after_sequence, limit);
  }
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ListSettings(
      const std::string& prefix) override {
    return inner_.ListSettings(prefix);
  }
  absl::StatusOr<WorkQueuePage> ListWorkQueue(const std::string& prefix, const std::string& after,
                                              int limit) override;
  absl::StatusOr<int64_t> CountIndexEntries(const std::string& prefix, int64_t limit) override;
  absl::Status ScanFacts(absl::Time from, absl::Time to,
                         const std::function<absl::Status(const v1::TicketFacts&)>& fn) override;
  absl::StatusOr<VerifyReport> Verify() override;

 private:
  // True on the writer thread inside a batch: the batch is visible and writes join it.
  bool Batching() const;
  // Batching() and something is pending: write it now (called before reads that cannot
  // see the batch and before writes that must not overtake it).
  absl::Status FlushIfPending();
  absl::Status Flush();
  // A ticket write from a thread that may not write now: INTERNAL.
  absl::Status CheckWriter() const;
  void Stage(const TicketChange& change);

  TicketStore& inner_;
  std::atomic<std::thread::id> writer_{};
  bool open_ = false;
  int64_t writes_ = 0;
  // Pending changes, each owning its alerts (deque: stable addresses for the pointers).
  std::deque<TicketChange> pending_;
  std::deque<std::vector<v1::Alert>> pending_alerts_;
  // What the pending changes make of tickets, requests and alerts.
  std::map<uint64_t, v1::Ticket> tickets_;
  std::map<std::string, RequestRecord> requests_;
  std::map<int64_t, v1::Alert> alerts_;
  int64_t last_alert_sequence_ = 0;  // in the batch, including pending alerts
  // The flushes of the current batch: (writes carried up to, status).
  std::vector<std::pair<int64_t, absl::Status>> flushes_;
};

}  // namespace ticketing::storage

#endif  // TICKETING_STORAGE_BATCHING_TICKET_STORE_H_
