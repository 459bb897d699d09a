#ifndef TICKETING_STORAGE_BATCHING_TICKET_STORE_H_
#define TICKETING_STORAGE_BATCHING_TICKET_STORE_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "storage/group_commit.h"
#include "storage/ticket_store.h"

namespace ticketing::storage {

class BatchingTicketStore;

// The ticket writes of one batch of requests, written with ONE CommitMany (one WAL sync).
// Built on the writer thread; once sealed, read-only for the writer and written by the
// committer (see BatchingTicketStore).
struct BatchWrite final : public GroupCommit::Batch {
  explicit BatchWrite(BatchingTicketStore& store) : store(store) {}

  // GroupCommit::Batch.
  absl::Status Write() override;
  absl::Status OutcomeOf(size_t first, size_t last) const override;

  BatchingTicketStore& store;
  std::deque<TicketChange> changes;  // each owning its new alerts (below); stable addresses
  std::deque<std::vector<v1::Alert>> alerts;
  // What the changes make of tickets and requests (pointers into `changes`), and copies of
  // the alerts they add or rewrite (the committer numbers `alerts` in place while the
  // writer may read these).
  std::map<uint64_t, const v1::Ticket*> tickets;
  std::map<std::string, const RequestRecord*> requests;
  std::map<int64_t, v1::Alert> alert_records;
  // The inner store's last alert sequence before the staged changes are written, and
  // after (both checked, so a number handed out is the number stored).
  int64_t base_alert_sequence = 0;
  int64_t last_alert_sequence = 0;
  // A request that must scan (a listing, a count) first writes what is staged: each such
  // early write ends a segment of the batch and records its status here. The sealed
  // remainder is the last segment, whose status is `status`.
  std::vector<absl::Status> flushed;
  // The last segment's write. Not OK also when an early write failed (nothing more of the
  // batch is written) or when the batch was built on one whose write failed (`doomed`).
  absl::Status status;
  // Built on a failed batch (it read what was never stored): every request fails.
  bool doomed = false;
  bool written = false;  // set by the committer, under the store's mutex
  // (OutcomeOf: the first failure among the segments, since a request that only read may
  // have read staged changes; else OK.)
};

// A TicketStore that gathers the ticket writes of many requests into one atomic, durable
// write: group commit done by the server itself, pipelined on two threads.
//
// The write executor (server/exec/write_executor.h) owns the one thread that may write
// tickets once it called BindWriter(). It opens a batch, runs queued requests one after
// another (their writes are staged, not written), seals the batch and hands it to its
// committer thread, which writes it with one CommitMany on the inner store and only then
// answers the requests. While the committer writes batch k, the writer already runs batch
// k+1, reading through both: nothing is acknowledged before it is durable, and the disk
// wait and the memtable inserts are off the writer's path. At most one batch is in flight.
//
// On the writer thread, in a batch:
//   - Commit, CommitMany and UpdateAlert stage the change. New alerts get their sequence
//     numbers at once, exactly as the inner store will assign them (all alert writes pass
//     here, in order).
//   - GetTicket, GetRequest, GetAlert and LastAlertSequence see the open batch, then the
//     one in flight, then the inner store.
//   - Every other read of ticket data (listings, indexes, timers, events, Verify) and an
//     account write first wait for the batch in flight and write what is staged (ending a
//     segment of the batch, see BatchWrite), so nothing reads around the batch and nothing
//     overtakes it. Account and setting reads need no flush, nor do setting writes: batches
//     hold only tickets, requests and alerts, and no setting depends on a ticket.
// A failed write dooms the batch built on it (it read what was never stored): none of its
// writes happen and all its requests fail.
// Elsewhere, reads go to the inner store. Ticket writes from another thread while a writer
// is bound are refused (INTERNAL): they would race the batches.
class BatchingTicketStore final : public Store, public GroupCommit {
 public:
  // `inner` must outlive this store.
  explicit BatchingTicketStore(Store& inner) : inner_(inner) {}

  // GroupCommit (see there).
  void BindWriter() override;
  void UnbindWriter() override;
  bool OnWriterThread() const override;
  void BeginBatch() override;
  // The segment now being staged (the early writes of the open batch so far).
  size_t segment() const override { return open_->flushed.size(); }
  // Makes the open batch the one in flight; its Write() is the committer's.
  std::shared_ptr<GroupCommit::Batch> Seal() override;

  // Writer thread. True when no batch is in flight, or its write has finished.
  bool InFlightDone() const;

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
  absl::StatusOr<WorkQueuePage> ListWorkQueue(const WorkQueueScope& scope, const std::string& after,
                                              int limit) override;
  absl::StatusOr<int64_t> CountOpenAssigned(const std::string& user, int64_t limit) override;
  absl::Status ScanFacts(absl::Time from, absl::Time to,
                         const std::function<absl::Status(const v1::TicketFacts&)>& fn) override;
  absl::StatusOr<VerifyReport> Verify() override;

  // AlertLog.
  absl::StatusOr<std::vector<v1::Alert>> ListAlerts(int64_t after_sequence, int limit) override;
  absl::StatusOr<std::optional<v1::Alert>> GetAlert(int64_t sequence) override;
  absl::Status UpdateAlert(const v1::Alert& before, const v1::Alert& after) override;
  absl::StatusOr<std::vector<int64_t>> DueAlertTimers(absl::Time now, int limit) override;
  int64_t LastAlertSequence() override;

  // AccountStore: reads pass through (batches hold no accounts); a write first writes what
  // is staged, so it never overtakes a batch.
  absl::StatusOr<std::optional<v1::Account>> GetAccount(const std::string& id) override {
    return inner_.GetAccount(id);
  }
  absl::Status CommitAccounts(const std::vector<AccountChange>& changes,
                              const std::vector<RetierJob>& started,
                              const std::vector<RetierJob>& done) override;
  absl::StatusOr<std::vector<v1::Account>> ScanAccounts(const std::string& after_id,
                                                        int limit) override {
    return inner_.ScanAccounts(after_id, limit);
  }
  absl::StatusOr<std::vector<v1::AccountEvent>> ListAccountEvents(const std::string& account_id,
                                                                  int64_t after_sequence,
                                                                  int limit) override {
    return inner_.ListAccountEvents(account_id, after_sequence, limit);
  }
  absl::StatusOr<std::vector<RetierJob>> ListRetierJobs() override {
    return inner_.ListRetierJobs();
  }

  // SettingStore: straight through (no setting depends on a staged ticket).
  absl::StatusOr<std::optional<v1::SlaConfig>> GetSlaConfig() override {
    return inner_.GetSlaConfig();
  }
  absl::StatusOr<std::optional<v1::SlaConfig>> GetSlaConfigVersion(int64_t version) override {
    return inner_.GetSlaConfigVersion(version);
  }
  absl::Status PutSlaConfig(const v1::SlaConfig& config) override {
    return inner_.PutSlaConfig(config);
  }
  absl::StatusOr<std::optional<v1::TechnicianAvailability>> GetAvailability(
      const std::string& technician) override {
    return inner_.GetAvailability(technician);
  }
  absl::Status PutAvailability(const v1::TechnicianAvailability& availability) override {
    return inner_.PutAvailability(availability);
  }

 private:
  // On the writer thread with a batch open: the batches are visible and writes join them.
  bool Batching() const { return OnWriterThread() && open_ != nullptr; }
  friend struct BatchWrite;
  // Committer thread. Writes a sealed batch (unless doomed) and records the outcome in it.
  absl::Status WriteSealed(BatchWrite& batch);
  // Batching(): waits for the batch in flight, then writes what is staged, so the inner
  // store holds everything (before reads that cannot see batches and writes that must not
  // overtake them).
  absl::Status FlushIfPending();
  // Waits until the batch in flight is written, then forgets it; a failure dooms the open
  // batch.
  void RetireInFlight();
  // A ticket write from a thread that may not write now: INTERNAL.
  absl::Status CheckWriter() const;
  // Aborts unless on the bound writer thread: the batches below are the writer's alone.
  void CheckOnWriter() const;
  void Stage(const TicketChange& change);
  // What the open batch, else the one in flight, holds for `key` in `map` (null: neither
  // touched it).
  template <typename Map>
  const typename Map::mapped_type* Staged(Map BatchWrite::*map,
                                          const typename Map::key_type& key) const;

  Store& inner_;
  std::atomic<std::thread::id> writer_{};
  // Writer thread only: the open batch, the sealed one in flight (until retired), and the
  // alert sequences handed out so far (staged and in flight included).
  std::shared_ptr<BatchWrite> open_;
  std::shared_ptr<BatchWrite> in_flight_;
  int64_t last_alert_sequence_ = 0;

  // Guards each batch's `written` flag, which the committer sets and the writer awaits.
  mutable absl::Mutex mu_;
};

}  // namespace ticketing::storage

#endif  // TICKETING_STORAGE_BATCHING_TICKET_STORE_H_
