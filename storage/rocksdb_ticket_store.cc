#include "absl/strings/string_view.h"
#include "storage/rocksdb_ticket_store.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/utilities/options_util.h"
#include "rocksdb/write_batch.h"
#include "proto/base/status_macros.h"
#include "storage/report_facts.h"
#include "storage/rocksdb_options.h"
#include "storage/rocksdb_status.h"
#include "storage/sorted_batch.h"
#include "storage/ticket_id.h"

namespace ticketing::storage {
namespace {

// The order is the order of handles_ (the constructor picks each family by its index): add a
// family at the end, and there too. RocksDB opens a database only if every family it holds
// is named, so a family is never removed from this list.
const std::vector<std::string>& FamilyNames() {
  static const auto* names = new std::vector<std::string>{
      rocksdb::kDefaultColumnFamilyName, kTicketsFamily, kEventsFamily, kRequestsFamily,
      kIndexesFamily, kTimersFamily, kAlertsFamily, kAlertTimersFamily, kAccountsFamily,
      kAccountEventsFamily, kReportFactsFamily, kCommitsFamily, kAuditFamily,
      kIdentityFamily};
  return *names;
}

// Fixed 16 bytes, so GetRequest can tell a corrupt record by its size.
std::string EncodeRequestValue(const RequestRecord& record) {
  std::string value;
  AppendBigEndian64(record.ticket_id, &value);
  AppendBigEndian64(record.fingerprint, &value);
  return value;
}

// Deletes the derived entries (index or timer keys) only `before` has and puts the ones only
// `after` has. A change usually moves a few entries (a new status, an assignee), so writing
// the difference keeps the batch and the memtable inserts small. Sorted for set_difference
// (IndexKeys returns its keys unsorted).
absl::Status WriteDerivedChanges(rocksdb::ColumnFamilyHandle* family,
                                 std::vector<std::string> before, std::vector<std::string> after,
                                 rocksdb::WriteBatch& batch) {
  std::sort(before.begin(), before.end());
  std::sort(after.begin(), after.end());
  std::vector<std::string> removed, added;
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(),
                      std::back_inserter(removed));
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                      std::back_inserter(added));
  for (const std::string& key : removed) {
    TKT_RETURN_IF_ERROR(FromRocks(batch.Delete(family, key), "batch"));
  }
  for (const std::string& key : added) {
    TKT_RETURN_IF_ERROR(FromRocks(batch.Put(family, key, rocksdb::Slice()), "batch"));
  }
  return absl::OkStatus();
}

// One index walk of a listing: all keys under `prefix`, from a start position on.
struct IndexCursor {
  std::string prefix;
  std::unique_ptr<rocksdb::Iterator> it;
  // The indexes share one family, so an iterator runs on into the next prefix's keys; the
  // prefix check is what ends this walk.
  bool Valid() const { return it->Valid() && it->key().starts_with(prefix); }
  Position position() const {
    const rocksdb::Slice key = it->key();
    return DecodePositionSuffix(absl::string_view(key.data(), key.size()));
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<RocksDbTicketStore>> RocksDbTicketStore::Open(
    const std::string& path, StoreOptions options) {
  // At 0 a trim would delete the newest record too, and the sequences (read back from the
  // last record at open) would start again from 1 after a restart.
  if (options.commit_log_retention < 1 || options.audit_retention < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "commit_log_retention and audit_retention must be at least 1, not ",
        options.commit_log_retention, " and ", options.audit_retention));
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  const std::shared_ptr<rocksdb::Cache> cache = NewBlockCache(options.block_cache_bytes);
  for (const std::string& name : FamilyNames()) {
    families.emplace_back(name, FamilyOptions(name, cache));
  }
  rocksdb::DB* raw = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::Status s = rocksdb::DB::Open(DatabaseOptions(), path, families, &handles, &raw);
  if (!s.ok()) return FromRocks(s, absl::StrCat("opening database ", path));
  // Owned at once, so that an error below closes the database and destroys the handles.
  std::unique_ptr<RocksDbTicketStore> store(new RocksDbTicketStore(
      std::unique_ptr<rocksdb::DB>(raw), std::move(handles), options));
  TKT_RETURN_IF_ERROR(store->LoadNextTicketId());
  TKT_RETURN_IF_ERROR(store->LoadLastAuditSequence());
  return store;
}

RocksDbTicketStore::RocksDbTicketStore(std::unique_ptr<rocksdb::DB> db,
                                       std::vector<rocksdb::ColumnFamilyHandle*> handles,
                                       StoreOptions options)
    : db_(std::move(db)),
      handles_(std::move(handles)),
      tickets_(handles_[1]),
      events_(handles_[2]),
      requests_(handles_[3]),
      indexes_(handles_[4]),
      timers_(handles_[5]),
      alerts_(handles_[6]),
      alert_timers_(handles_[7]),
      accounts_(handles_[8]),
      account_events_(handles_[9]),
      report_facts_(handles_[10]),
      commits_(handles_[11]),
      audit_(handles_[12]),
      identity_(handles_[13]),
      options_(options) {}

RocksDbTicketStore::~RocksDbTicketStore() {
  // Everything acknowledged is already in the synced WAL; flushing makes the next open fast.
  // Errors are ignored: nothing acknowledged depends on the flush, and a destructor has no one
  // to tell. RocksDB wants every column family handle destroyed before the database closes.
  db_->Flush(rocksdb::FlushOptions(), handles_).PermitUncheckedError();
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
  db_->Close().PermitUncheckedError();
}

absl::Status RocksDbTicketStore::LoadNextTicketId() {
  std::string version;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), kSchemaVersionKey, &version);
  if (s.IsNotFound()) {
    // No version yet: a new database. Not synced: if a crash loses it, the next open finds no
    // version and writes it again.
    s = db_->Put(rocksdb::WriteOptions(), kSchemaVersionKey, kSchemaVersion);
  } else if (s.ok() && version == "1") {
    if (!options_.upgrade_v1_ticket) {
      return absl::FailedPreconditionError(
          "database schema version 1 must be upgraded: open it with ticketd");
    }
    TKT_RETURN_IF_ERROR(UpgradeFromVersion1());
  } else if (s.ok() && version != kSchemaVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("database schema version ", version, " is not ", kSchemaVersion));
  }
  TKT_RETURN_IF_ERROR(FromRocks(s, "reading schema version"));
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), tickets_));
  // Keys are big-endian ids, so the last key is the largest id committed: numbers continue after
  // it across restarts. A number handed to a create that failed was never stored and may be
  // handed out again after a restart; no reader ever saw it.
  it->SeekToLast();
  TKT_RETURN_IF_ERROR(FromRocks(it->status(), "reading last ticket"));
  if (it->Valid()) {
    next_ticket_id_ = TicketIdFromKey(absl::string_view(it->key().data(), it->key().size())) + 1;
  }
  // Likewise the alert and commit sequences continue from their last keys (trimming removes
  // only the oldest commit records, never the newest).
  std::unique_ptr<rocksdb::Iterator> alerts(db_->NewIterator(rocksdb::ReadOptions(), alerts_));
  alerts->SeekToLast();
  TKT_RETURN_IF_ERROR(FromRocks(alerts->status(), "reading last alert"));
  std::unique_ptr<rocksdb::Iterator> commits(db_->NewIterator(rocksdb::ReadOptions(), commits_));
  commits->SeekToLast();
  TKT_RETURN_IF_ERROR(FromRocks(commits->status(), "reading last commit"));
  absl::MutexLock lock(&commit_mu_);
  if (alerts->Valid()) last_alert_sequence_ = static_cast<int64_t>(ReadBigEndian64(alerts->key().data()));
  if (commits->Valid()) {
    last_commit_sequence_ = static_cast<int64_t>(ReadBigEndian64(commits->key().data()));
  }
  return absl::OkStatus();
}

absl::Status RocksDbTicketStore::UpgradeFromVersion1() {
  // Version 2 added the tier and the work order to the ticket record and derived entries
  // (work-queue index keys, report facts): set them for every ticket (the domain's
  // upgrade_v1_ticket), then the new version, each batch synced. Rerunnable: a crash
  // before the version is written repeats it.
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), tickets_));
  rocksdb::WriteBatch batch;
  rocksdb::WriteOptions write;
  write.sync = true;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    v1::Ticket ticket;
    if (!ticket.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("a ticket record is corrupt; cannot upgrade the database");
    }
    options_.upgrade_v1_ticket(ticket);
    TKT_RETURN_IF_ERROR(FromRocks(batch.Put(tickets_, it->key(), ticket.SerializeAsString()), "batch"));
    TKT_RETURN_IF_ERROR(WriteDerivedChanges(indexes_, {}, IndexKeys(ticket), batch));
    TKT_RETURN_IF_ERROR(FromRocks(
        batch.Put(report_facts_, FactsKey(ticket), FactsOf(ticket).SerializeAsString()), "batch"));
    // Written in slices so that a large database does not build its whole upgrade in memory.
    if (batch.Count() > 10000) {
      TKT_RETURN_IF_ERROR(FromRocks(db_->Write(write, &batch), "upgrading the database"));
      batch.Clear();
    }
  }
  TKT_RETURN_IF_ERROR(FromRocks(it->status(), "upgrading the database"));
  // The version last, with the final slice: until it is stored, the upgrade is not done.
  TKT_RETURN_IF_ERROR(FromRocks(batch.Put(kSchemaVersionKey, kSchemaVersion), "batch"));
  return FromRocks(db_->Write(write, &batch), "upgrading the database");
}

// Lock-free: creates on any thread take numbers without the commit lock. Numbers are unique,
// not gap-free (a create that fails after allocating leaves a gap).
uint64_t RocksDbTicketStore::AllocateTicketId() { return next_ticket_id_.fetch_add(1); }

absl::StatusOr<std::optional<v1::Ticket>> RocksDbTicketStore::GetTicket(uint64_t id) {
  return ReadTicket(id, nullptr);
}

absl::StatusOr<std::optional<v1::Ticket>> RocksDbTicketStore::ReadTicket(
    uint64_t id, const rocksdb::Snapshot* snapshot) {
  std::string value;
  TKT_ASSIGN_OR_RETURN(bool found, ReadTicketRecord(id, snapshot, &value));
  if (!found) return std::nullopt;
  v1::Ticket ticket;
  if (!ticket.ParseFromString(value)) {
    return absl::DataLossError(absl::StrCat("ticket ", FormatTicketId(id), " is corrupt"));
  }
  return ticket;
}

absl::StatusOr<bool> RocksDbTicketStore::ReadTicketRecord(uint64_t id,
                                                         const rocksdb::Snapshot* snapshot,
                                                         std::string* value) {
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  rocksdb::Status s = db_->Get(read, tickets_, TicketKey(id), value);
  if (s.IsNotFound()) return false;
  TKT_RETURN_IF_ERROR(FromRocks(s, "reading ticket"));
  return true;
}

absl::StatusOr<std::optional<RequestRecord>> RocksDbTicketStore::GetRequest(
    const std::string& request_id) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), requests_, request_id, &value);
  if (s.IsNotFound()) return std::nullopt;
  TKT_RETURN_IF_ERROR(FromRocks(s, "reading request record"));
  if (value.size() != 16) return absl::DataLossError("request record is corrupt");
  return RequestRecord{request_id, ReadBigEndian64(value.data()),
                       ReadBigEndian64(value.data() + 8)};
}

absl::Status RocksDbTicketStore::AddChange(const TicketChange& change, rocksdb::WriteBatch& batch) {
  // An acknowledgement touches no ticket: no record, event, index, timer or facts to write.
  if (change.alerts_only()) return AddAlertUpdates(change, batch);
  const std::optional<uint64_t> id = ParseTicketId(change.after.id());
  if (!id) return absl::InternalError("commit of a ticket without a valid id");
  TKT_RETURN_IF_ERROR(
      FromRocks(batch.Put(tickets_, TicketKey(*id), change.after.SerializeAsString()), "batch"));
  TKT_RETURN_IF_ERROR(FromRocks(batch.Put(events_, EventKey(*id, change.event.sequence()),
                                          change.event.SerializeAsString()),
                                "batch"));
  TKT_RETURN_IF_ERROR(WriteDerivedChanges(
      indexes_, change.before ? IndexKeys(*change.before) : std::vector<std::string>(),
      IndexKeys(change.after), batch));
  TKT_RETURN_IF_ERROR(WriteDerivedChanges(
      timers_, change.before ? TimerKeys(*change.before) : std::vector<std::string>(),
      TimerKeys(change.after), batch));
  TKT_RETURN_IF_ERROR(AddAlertUpdates(change, batch));
  // The facts' key is the ticket's position (creation time and id), which never changes, so
  // this Put replaces the previous facts without a delete.
  TKT_RETURN_IF_ERROR(FromRocks(batch.Put(report_facts_, FactsKey(change.after),
                                          FactsOf(change.after).SerializeAsString()),
                                "batch"));
  // Only a create carries a request record: a retry of the same request_id finds this ticket.
  if (change.request) {
    TKT_RETURN_IF_ERROR(FromRocks(
        batch.Put(requests_, change.request->request_id, EncodeRequestValue(*change.request)),
        "batch"));
  }
  return absl::OkStatus();
}

absl::Status RocksDbTicketStore::Commit(const TicketChange& change) {
  return CommitMany({&change});
}

// Builds the batch outside the commit lock (serializing, index and timer differences), then
// under it numbers the new alerts, writes and advances the counters. The counters move only
// after the write succeeded, so a failed write leaves no gap in either sequence; the alerts
// keep the numbers they were given, which the next successful write reuses.
absl::Status RocksDbTicketStore::CommitMany(const std::vector<const TicketChange*>& changes) {
  rocksdb::WriteBatch batch;
  CommitRecord record;
  for (const TicketChange* change : changes) {
    TKT_RETURN_IF_ERROR(AddChange(*change, batch));
    if (!change->alerts_only()) {
      CommitRecord::TicketChange* logged = record.add_tickets();
      logged->set_ticket_id(*ParseTicketId(change->after.id()));  // checked by AddChange
      logged->set_event_sequence(change->event.sequence());
    }
    for (const auto& update : change->alert_updates) {
      record.add_updated_alerts(update.second.sequence());
    }
  }
  absl::MutexLock lock(&commit_mu_);
  int64_t sequence = last_alert_sequence_;
  for (const TicketChange* change : changes) {
    if (change->alerts == nullptr) continue;
    for (v1::Alert& alert : *change->alerts) {
      alert.set_sequence(++sequence);
      TKT_RETURN_IF_ERROR(
          FromRocks(batch.Put(alerts_, AlertKey(sequence), alert.SerializeAsString()), "batch"));
      TKT_RETURN_IF_ERROR(WriteDerivedChanges(alert_timers_, {}, AlertTimerKeys(alert), batch));
    }
  }
  if (sequence > last_alert_sequence_) {
    record.set_first_alert(last_alert_sequence_ + 1);
    record.set_last_alert(sequence);
  }
  // Sorting pays off when many tickets' keys interleave in each family (sorted_batch.h).
  TKT_RETURN_IF_ERROR(WriteLogged(batch, record, changes.size() > 1));
  last_alert_sequence_ = sequence;
  return absl::OkStatus();
}

absl::Status RocksDbTicketStore::WriteLogged(rocksdb::WriteBatch& batch, CommitRecord& record,
                                             bool sort) {
  // Under commit_mu_ from here to the observer: the record's sequence, the write and the
  // announcement happen in one order, so sequences are in write order and gap-free, and the
  // observer (the commit publisher) hears of the commits in sequence. The lock is held across
  // the WAL sync: under the write executor the committer writes every ticket and alert, so
  // only account writes ever wait for it.
  const int64_t sequence = last_commit_sequence_ + 1;
  record.set_sequence(sequence);
  TKT_RETURN_IF_ERROR(
      FromRocks(batch.Put(commits_, CommitKey(sequence),
                          record.SerializeAsString()),
                "batch"));
  TKT_RETURN_IF_ERROR(Write(batch, sort));
  last_commit_sequence_ = sequence;
  // After the write returned: a follower woken by the observer finds the record in the log.
  if (options_.observer != nullptr) options_.observer->Committed(record);
  // A range deletion per commit would pile up tombstones; one per 1,024 commits keeps the log
  // at most 1,023 records over the retention.
  if (sequence % 1024 == 0) TrimCommitLog(sequence);
  return absl::OkStatus();
}

void RocksDbTicketStore::TrimCommitLog(int64_t last) {
  const int64_t keep_from = last - options_.commit_log_retention + 1;
  if (keep_from <= 1) return;
  // Not synced and not atomic with the commit: a trim lost in a crash is redone later.
  const rocksdb::Status s = db_->DeleteRange(rocksdb::WriteOptions(), commits_, CommitKey(0),
                                             CommitKey(keep_from));
  if (!s.ok()) {
    // Only the log's size suffers; the next trim tries again.
    s.PermitUncheckedError();
  }
}

absl::StatusOr<std::vector<CommitRecord>> RocksDbTicketStore::ReadCommits(int64_t after,
                                                                          int limit) {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), commits_));
  std::vector<CommitRecord> records;
  it->Seek(CommitKey(std::max<int64_t>(0, after) + 1));
  for (; it->Valid() && static_cast<int>(records.size()) < limit; it->Next()) {
    CommitRecord record;
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("a commit log record is corrupt");
    }
    // The log is gap-free from 1 and trimmed only at its start, so a first record beyond
    // after + 1 means the ones between were trimmed: the caller would silently miss them.
    if (records.empty() && record.sequence() > after + 1) {
      return absl::OutOfRangeError(
          absl::StrCat("commit log: records after ", after, " were trimmed (the oldest kept is ",
                       record.sequence(), ")"));
    }
    records.push_back(std::move(record));
  }
  TKT_RETURN_IF_ERROR(FromRocks(it->status(), "reading the commit log"));
  return records;
}

int64_t RocksDbTicketStore::LastCommitSequence() {
  absl::MutexLock lock(&commit_mu_);
  return last_commit_sequence_;
}

absl::Status RocksDbTicketStore::Write(rocksdb::WriteBatch& batch, bool sort) {
  rocksdb::WriteOptions write;
  write.sync = options_.sync_writes;
  if (!sort) return FromRocks(db_->Write(write, &batch), "committing ticket change");
  // Many tickets' changes: keys in order make the memtable inserts cheap (sorted_batch.h).
  // handles_ holds every family, as SortedBatch requires.
  TKT_ASSIGN_OR_RETURN(rocksdb::WriteBatch sorted, SortedBatch(batch, handles_));
  return FromRocks(db_->Write(write, &sorted), "committing ticket changes");
}

absl::StatusOr<std::vector<v1::Alert>> RocksDbTicketStore::ListAlerts(int64_t after_sequence,
                                                                      int limit) {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), alerts_));
  std::vector<v1::Alert> alerts;
  for (it->Seek(AlertKey(std::max<int64_t>(0, after_sequence) + 1));
       it->Valid() && static_cast<int>(alerts.size()) < limit; it->Next()) {
    v1::Alert alert;
    if (!alert.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("an alert record is corrupt");
    }
    alerts.push_back(std::move(alert));
  }
  TKT_RETURN_IF_ERROR(FromRocks(it->status(), "reading alerts"));
  return alerts;
}

absl::StatusOr<std::optional<v1::Alert>> RocksDbTicketStore::GetAlert(int64_t sequence) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), alerts_, AlertKey(sequence), &value);
  if (s.IsNotFound()) return std::nullopt;
  TKT_RETURN_IF_ERROR(FromRocks(s, "reading alert"));
  v1::Alert alert;
  if (!alert.ParseFromString(value)) return absl::DataLossError("an alert record is corrupt");
  return alert;
}

absl::Status RocksDbTicketStore::AddAlertUpdates(const TicketChange& change,
                                                 rocksdb::WriteBatch& batch) {
  for (const auto& [before, after] : change.alert_updates) {
    TKT_RETURN_IF_ERROR(
        FromRocks(batch.Put(alerts_, AlertKey(after.sequence()), after.SerializeAsString()), "batch"));
    TKT_RETURN_IF_ERROR(
        WriteDerivedChanges(alert_timers_, AlertTimerKeys(before), AlertTimerKeys(after), batch));
  }
  return absl::OkStatus();
}

absl::Status RocksDbTicketStore::UpdateAlert(const v1::Alert& before, const v1::Alert& after) {
  // As a change like any other: logged (updated_alerts) and ordered with new alerts under the
  // commit lock.
  return Commit(TicketChange::AlertUpdate(before, after));
}

absl::StatusOr<std::vector<int64_t>> RocksDbTicketStore::DueAlertTimers(absl::Time now, int limit) {
  const int64_t now_ms = absl::ToUnixMillis(now);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), alert_timers_));
  std::vector<int64_t> due;
  for (it->SeekToFirst(); it->Valid() && static_cast<int>(due.size()) < limit; it->Next()) {
    const absl::string_view key(it->key().data(), it->key().size());
    // Keys run in due order (big-endian <due ms><sequence>): the first one not yet due ends the
    // scan, everything after it is later.
    if (key.size() != 16 || TimerDueMs(key) > now_ms) break;
    due.push_back(AlertTimerSequence(key));
  }
  TKT_RETURN_IF_ERROR(FromRocks(it->status(), "scanning alert timers"));
  return due;
}

int64_t RocksDbTicketStore::LastAlertSequence() {
  absl::MutexLock lock(&commit_mu_);
  return last_alert_sequence_;
}

std::vector<std::string> RocksDbTicketStore::DrivingPrefixes(const TicketFilter& filter) const {
  // Equality on a name is usually the most selective; then the status set; then the rest.
  if (!filter.assignee.empty()) return {AssigneePrefix(filter.assignee)};
  if (!filter.account_id.empty()) return {AccountPrefix(filter.account_id)};
  if (!filter.queue.empty()) return {QueuePrefix(filter.queue)};
  if (!filter.statuses.empty()) {
    std::vector<std::string> prefixes;
    for (v1::TicketStatus status : filter.statuses) prefixes.push_back(StatusPrefix(status));
    std::sort(prefixes.begin(), prefixes.end());
    // A status named twice would get two cursors over the same entries and list each ticket twice.
    prefixes.erase(std::unique(prefixes.begin(), prefixes.end()), prefixes.end());
    return prefixes;
  }
  if (filter.priority != v1::PRIORITY_UNSPECIFIED) return {PriorityPrefix(filter.priority)};
  if (filter.kind != v1::TICKET_KIND_UNSPECIFIED) return {KindPrefix(filter.kind)};
  return {AllTicketsPrefix()};
}

absl::StatusOr<TicketListResult> RocksDbTicketStore::ListTickets(
    const TicketListRequest& request) {
  const TicketFilter& filter = request.filter;
  // One snapshot for the index walk and the record reads: an entry and its record were written
  // in one batch, so they agree, and a commit landing meanwhile cannot move a ticket under the
  // walk (seen twice, or neither in its old place nor its new one).
  rocksdb::ManagedSnapshot snapshot(db_.get());
  rocksdb::ReadOptions read;
  read.snapshot = snapshot.snapshot();

  Position start;
  if (filter.created_from) {
    start.create_ms = std::max<int64_t>(0, absl::ToUnixMillis(*filter.created_from));
  }
  // Resume from the later of the range start and the previous page's end.
  if (request.after && start < *request.after) start = *request.after;
  // A coarse bound in whole ms, inclusive, that only ends the walk early; the exact, exclusive
  // created_to is checked by filter.Matches on each candidate.
  const int64_t last_ms = filter.created_to ? absl::ToUnixMillis(*filter.created_to)
                                            : std::numeric_limits<int64_t>::max();

  std::vector<IndexCursor> cursors;
  for (std::string& prefix : DrivingPrefixes(filter)) {
    IndexCursor cursor{std::move(prefix),
                       std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(read, indexes_))};
    cursor.it->Seek(cursor.prefix + EncodePosition(start));
    // Strictly after the previous page's last position (positions are unique: they end in the id).
    if (request.after && cursor.Valid() && cursor.position() == *request.after) cursor.it->Next();
    cursors.push_back(std::move(cursor));
  }

  TicketListResult result;
  int examined = 0;
  size_t bytes = 0;  // of the tickets taken
  Position last_examined;
  std::string record;
  v1::Ticket ticket;    // reused: parsing into it again reuses its allocations
  TicketHeader header;  // what the filter needs, when the caller wants the bytes
  while (true) {
    // Merge the cursors (several for a status set) by position: a linear pick is enough for a
    // handful of cursors, and the page comes out in position order as ListTickets promises.
    IndexCursor* next = nullptr;
    for (IndexCursor& cursor : cursors) {
      if (cursor.Valid() && (next == nullptr || cursor.position() < next->position())) {
        next = &cursor;
      }
    }
    if (next == nullptr || next->position().create_ms > last_ms) break;  // no more
    // Checked only once another entry exists, so a page that ends exactly at the end of the index
    // carries no resume position. Any limit resumes after the last entry examined, whether it
    // matched or not, so no entry is examined twice across pages.
    if (static_cast<int>(result.tickets.size() + result.records.size()) >= request.limit ||
        examined >= request.scan_budget || bytes >= request.byte_budget) {
      result.resume_after = last_examined;
      break;
    }
    last_examined = next->position();
    next->it->Next();
    ++examined;
    TKT_ASSIGN_OR_RETURN(bool found, ReadTicketRecord(last_examined.id, read.snapshot, &record));
    // An entry without its record means a damaged store (they are written together); the listing
    // goes on without it and Verify() reports it as a stray entry.
    if (!found) continue;
    // For a serialized listing only the header is parsed (the fields the filter needs, same field
    // numbers as Ticket) and the stored bytes are answered as they are.
    const bool parsed = request.serialized ? header.ParseFromString(record)
                                           : ticket.ParseFromString(record);
    if (!parsed) {
      return absl::DataLossError(absl::StrCat("ticket ", FormatTicketId(last_examined.id),
                                              " is corrupt"));
    }
    if (request.serialized ? filter.Matches(header) : filter.Matches(ticket)) {
      bytes += record.size();
      if (request.serialized) {
        result.records.push_back(std::move(record));
      } else {
        result.tickets.push_back(std::move(ticket));
      }
    }
  }
  for (IndexCursor& cursor : cursors) {
    TKT_RETURN_IF_ERROR(FromRocks(cursor.it->status(), "scanning index"));
  }
  return result;
}

absl::StatusOr<std::vector<v1::TicketEvent>> RocksDbTicketStore::ListEvents(
    uint64_t ticket_id, int64_t after_sequence, int limit) {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), events_));
  const std::string prefix = EventPrefix(ticket_id);
  std::vector<v1::TicketEvent> events;
  // Events are keyed <id><sequence> with sequences from 1, so the seek lands on the first event
  // after `after_sequence`; the prefix check stops at the next ticket's events.
  for (it->Seek(EventKey(ticket_id, after_sequence + 1));
       it->Valid() && it->key().starts_with(prefix) && static_cast<int>(events.size()) < limit;
       it->Next()) {
    v1::TicketEvent event;
    if (!event.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("an event of ", FormatTicketId(ticket_id),
                                              " is corrupt"));
    }
    events.push_back(std::move(event));
  }
  TKT_RETURN_IF_ERROR(FromRocks(it->status(), "reading events"));
  return events;
}

absl::StatusOr<std::vector<uint64_t>> RocksDbTicketStore::DueTimers(absl::Time now, int limit) {
  const int64_t now_ms = absl::ToUnixMillis(now);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), timers_));
  std::vector<uint64_t> ids;
  for (it->SeekToFirst(); it->Valid() && static_cast<int>(ids.size()) < limit; it->Next()) {
    const absl::string_view key(it->key().data(), it->key().size());
    // Timer keys start with their due time: the first one not yet due ends the scan. A ticket with
    // several timers due is listed once, at its earliest.
    if (key.size() != kTimerKeySize || TimerDueMs(key) > now_ms) break;
    const uint64_t id = TimerTicketId(key);
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  TKT_RETURN_IF_ERROR(FromRocks(it->status(), "scanning timers"));
  return ids;
}

// Settings are not in the commit log (commit_log.h): their writes take no commit lock and
// use no sequence.
absl::StatusOr<std::optional<std::string>> RocksDbTicketStore::GetSetting(const std::string& key) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handles_[0], key, &value);
  if (s.IsNotFound()) return std::nullopt;
  TKT_RETURN_IF_ERROR(FromRocks(s, "reading setting"));
  return value;
}

absl::Status RocksDbTicketStore::PutSettings(
    const std::vector<std::pair<std::string, std::string>>& settings) {
  rocksdb::WriteBatch batch;
  for (const auto& [key, value] : settings) {
    TKT_RETURN_IF_ERROR(FromRocks(batch.Put(handles_[0], key, value), "batch"));
  }
  rocksdb::WriteOptions write;
  write.sync = options_.sync_writes;
  return FromRocks(db_->Write(write, &batch), "storing settings");
}

absl::StatusOr<std::optional<absl::Time>> RocksDbTicketStore::NextTimerDue() {
  std::optional<absl::Time> next;
  for (rocksdb::ColumnFamilyHandle* family : {timers_, alert_timers_}) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family));
    it->SeekToFirst();
    TKT_RETURN_IF_ERROR(FromRocks(it->status(), "reading timers"));
    if (!it->Valid() || it->key().size() < 8) continue;
    // Both families' keys start with <due ms:8>, so each one's first key is its earliest timer.
    const absl::Time due = absl::FromUnixMillis(TimerDueMs(absl::string_view(it->key().data(), 8)));
    if (!next || due < *next) next = due;
  }
  return next;
}

}  // namespace ticketing::storage
