#ifndef TICKETING_STORAGE_ROCKSDB_TICKET_STORE_H_
#define TICKETING_STORAGE_ROCKSDB_TICKET_STORE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "storage/commit_log.h"
#include "storage/ticket_store.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class Iterator;
class Snapshot;
class WriteBatch;
}  // namespace rocksdb

namespace ticketing::storage {

struct StoreOptions {
  // Sync the write-ahead log before Commit() returns. Turning it off is unsafe: a crash or
  // power loss can lose acknowledged changes.
  bool sync_writes = true;
  // The block cache shared by every column family (storage/rocksdb_options.h).
  size_t block_cache_bytes = 256 * 1024 * 1024;
  // Told of every durable write (ticket changes, alerts, accounts), in commit order. Null:
  // nobody. Must outlive the store.
  CommitObserver* observer = nullptr;
  // The commit log keeps about this many of the latest records (trimmed every 1,024); at
  // least 1 (Open refuses less with INVALID_ARGUMENT).
  int64_t commit_log_retention = 100000;
  // The audit log keeps about this many of the latest records (trimmed every 1,024); at
  // least 1.
  int64_t audit_retention = 1000000;
  // Sets on a version 1 ticket what schema version 2 added to every ticket: its tier and
  // its work order, which the domain decides (queues/work_order.h). Needed only to open a
  // version 1 database (it is upgraded on open); without it such a database is refused.
  std::function<void(v1::Ticket&)> upgrade_v1_ticket;
};

// The store on an embedded RocksDB database (layout in storage/keys.h), with the log of its
// commits. Thread-safe.
class RocksDbTicketStore final : public Store,
                                 public CommitLog,
                                 public AuditStore,
                                 public IdentityStore {
 public:
  // Opens (creating if needed) the database in directory `path`.
  static absl::StatusOr<std::unique_ptr<RocksDbTicketStore>> Open(const std::string& path,
                                                                  StoreOptions options = {});
  // Flushes memtables and closes the database.
  ~RocksDbTicketStore() override;

  // TicketStore.
  uint64_t AllocateTicketId() override;
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

  // AccountStore.
  absl::StatusOr<std::optional<v1::Account>> GetAccount(const std::string& id) override;
  absl::Status CommitAccounts(const std::vector<AccountChange>& changes,
                              const std::vector<RetierJob>& started,
                              const std::vector<RetierJob>& done) override;
  absl::StatusOr<std::vector<v1::Account>> ScanAccounts(const std::string& after_id,
                                                        int limit) override;
  absl::StatusOr<std::vector<v1::AccountEvent>> ListAccountEvents(const std::string& account_id,
                                                                  int64_t after_sequence,
                                                                  int limit) override;
  absl::StatusOr<std::vector<RetierJob>> ListRetierJobs() override;

  // SettingStore.
  absl::StatusOr<std::optional<v1::SlaConfig>> GetSlaConfig() override;
  absl::StatusOr<std::optional<v1::SlaConfig>> GetSlaConfigVersion(int64_t version) override;
  absl::Status PutSlaConfig(const v1::SlaConfig& config) override;
  absl::StatusOr<std::optional<v1::TechnicianAvailability>> GetAvailability(
      const std::string& technician) override;
  absl::Status PutAvailability(const v1::TechnicianAvailability& availability) override;

  // Raw access to the default family's keys (keys.h): for the schema upgrade and storage's
  // own tests; nothing above storage uses keys.
  absl::StatusOr<std::optional<std::string>> GetSetting(const std::string& key);
  absl::Status PutSettings(const std::vector<std::pair<std::string, std::string>>& settings);

  // CommitLog.
  absl::StatusOr<std::vector<CommitRecord>> ReadCommits(int64_t after, int limit) override;
  int64_t LastCommitSequence() override;

  // AuditStore (rocksdb_audit.cc).
  absl::Status AppendAudit(std::vector<v1::AuditRecord>& records) override;
  absl::StatusOr<std::vector<v1::AuditRecord>> ReadAudit(int64_t start, bool newest_first,
                                                         int limit) override;

  // IdentityStore (rocksdb_identity.cc).
  absl::StatusOr<Identities> ReadIdentities() override;
  absl::Status WriteIdentities(const Identities& changes) override;

 private:
  RocksDbTicketStore(std::unique_ptr<rocksdb::DB> db,
                     std::vector<rocksdb::ColumnFamilyHandle*> handles, StoreOptions options);
  // Reads the schema version (upgrading from 1) and the last ticket id, alert and commit.
  absl::Status LoadNextTicketId();
  // Reads the last audit sequence.
  absl::Status LoadLastAuditSequence();
  // Rederives what schema version 2 added for every ticket, then records version 2.
  absl::Status UpgradeFromVersion1();
  absl::StatusOr<std::optional<v1::Ticket>> ReadTicket(uint64_t id,
                                                       const rocksdb::Snapshot* snapshot);
  // The stored bytes of ticket `id` into `value`; false when there is no such ticket.
  absl::StatusOr<bool> ReadTicketRecord(uint64_t id, const rocksdb::Snapshot* snapshot,
                                        std::string* value);
  std::vector<std::string> DrivingPrefixes(const TicketFilter& filter) const;
  // Compares the entries of a derived family (indexes, timers) with `expected`; returns the
  // number of entries read.
  int64_t VerifyDerived(const rocksdb::Snapshot* snapshot, rocksdb::ColumnFamilyHandle* family,
                        absl::string_view what, std::vector<std::string> expected,
                        VerifyReport* report);
  void VerifyAlerts(const rocksdb::Snapshot* snapshot, VerifyReport* report);
  absl::Status AddAlertUpdates(const TicketChange& change, rocksdb::WriteBatch& batch);
  // Everything of `change` but its new alerts (which need sequences) into `batch`.
  absl::Status AddChange(const TicketChange& change, rocksdb::WriteBatch& batch);
  // Writes `batch` (synced unless the store was opened without sync), its operations put in
  // key order first when `sort` (a batch of many changes).
  absl::Status Write(rocksdb::WriteBatch& batch, bool sort);
  // Adds `record`, numbered next, to `batch`, writes it and tells the observer. A write
  // that fails uses no sequence.
  absl::Status WriteLogged(rocksdb::WriteBatch& batch, CommitRecord& record, bool sort)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(commit_mu_);
  // Deletes the log records older than the retention (every 1,024 commits).
  void TrimCommitLog(int64_t last) ABSL_EXCLUSIVE_LOCKS_REQUIRED(commit_mu_);
  void VerifyAccounts(const rocksdb::Snapshot* snapshot, VerifyReport* report);
  // The identity family: every user and token record parses under a key of its form, and
  // no two tokens share an id.
  void VerifyIdentities(const rocksdb::Snapshot* snapshot, VerifyReport* report);
  // The audit family: records parse under their sequence, which has no gap (trimming
  // removes the oldest only).
  void VerifyAudit(const rocksdb::Snapshot* snapshot, VerifyReport* report);
  // The message stored under setting `key`, or nullopt; DATA_LOSS naming `what` if corrupt.
  template <typename Message>
  absl::StatusOr<std::optional<Message>> ReadSetting(const std::string& key, absl::string_view what);
  void VerifyFacts(const rocksdb::Snapshot* snapshot, VerifyReport* report);
  void VerifyEvents(const rocksdb::Snapshot* snapshot,
                    const std::vector<std::pair<uint64_t, int64_t>>& versions,
                    VerifyReport* report);

  std::unique_ptr<rocksdb::DB> db_;
  // Owned; destroyed before db_. Order: default, tickets, events, requests, indexes, timers,
  // alerts, alert_timers, accounts, account_events, report_facts, commits, audit, identity.
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* tickets_;
  rocksdb::ColumnFamilyHandle* events_;
  rocksdb::ColumnFamilyHandle* requests_;
  rocksdb::ColumnFamilyHandle* indexes_;
  rocksdb::ColumnFamilyHandle* timers_;
  rocksdb::ColumnFamilyHandle* alerts_;
  rocksdb::ColumnFamilyHandle* alert_timers_;
  rocksdb::ColumnFamilyHandle* accounts_;
  rocksdb::ColumnFamilyHandle* account_events_;
  rocksdb::ColumnFamilyHandle* report_facts_;
  rocksdb::ColumnFamilyHandle* commits_;
  rocksdb::ColumnFamilyHandle* audit_;
  rocksdb::ColumnFamilyHandle* identity_;
  StoreOptions options_;
  std::atomic<uint64_t> next_ticket_id_{1};
  // Logged writes (tickets, alerts, accounts) are serialised so that commit and alert
  // sequences are assigned in write order, a failed write leaves no gap, and the observer
  // hears of the writes in order. Under the write executor one thread writes tickets, so
  // this is uncontended on the hot path.
  absl::Mutex commit_mu_;
  int64_t last_alert_sequence_ ABSL_GUARDED_BY(commit_mu_) = 0;
  int64_t last_commit_sequence_ ABSL_GUARDED_BY(commit_mu_) = 0;
  // Audit appends have a sequence of their own and are never part of a ticket write.
  absl::Mutex audit_mu_;
  int64_t last_audit_sequence_ ABSL_GUARDED_BY(audit_mu_) = 0;
};

}  // namespace ticketing::storage

#endif  // TICKETING_STORAGE_ROCKSDB_TICKET_STORE_H_
