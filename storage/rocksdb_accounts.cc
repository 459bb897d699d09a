// RocksDbTicketStore: accounts and their histories, pending tier moves, settings (the SLA
// configuration's versions, technicians' availability) and work queues.
#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "proto/base/status_macros.h"
#include "storage/rocksdb_status.h"
#include "storage/rocksdb_ticket_store.h"

namespace ticketing::storage {
namespace {

template <typename Message>
absl::StatusOr<Message> Parse(const rocksdb::Slice& value, absl::string_view what) {
  Message message;
  if (!message.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError(absl::StrCat(what, " is corrupt"));
  }
  return message;
}

}  // namespace

template <typename Message>
absl::StatusOr<std::optional<Message>> RocksDbTicketStore::ReadSetting(const std::string& key,
                                                                       absl::string_view what) {
  TKT_ASSIGN_OR_RETURN(std::optional<std::string> bytes, GetSetting(key));
  if (!bytes) return std::nullopt;
  Message message;
  if (!message.ParseFromString(*bytes)) return absl::DataLossError(absl::StrCat(what, " is corrupt"));
  return message;
}

absl::StatusOr<std::optional<v1::Account>> RocksDbTicketStore::GetAccount(const std::string& id) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), accounts_, id, &value);
  if (s.IsNotFound()) return std::nullopt;
  TKT_RETURN_IF_ERROR(FromRocks(s, "reading account"));
  TKT_ASSIGN_OR_RETURN(v1::Account account,
                       Parse<v1::Account>(value, absl::StrCat("account ", id)));
  return account;
}

// The accounts, their events and the tier-move jobs go in one write, so a crash never leaves a
// tier change without the job that moves its tickets (docs/accounts.md).
absl::Status RocksDbTicketStore::CommitAccounts(const std::vector<AccountChange>& changes,
                                              const std::vector<RetierJob>& started,
                                              const std::vector<RetierJob>& done) {
  rocksdb::WriteBatch batch;
  CommitRecord record;
  for (const AccountChange& change : changes) {
    const std::string& id = change.after.id();
    TKT_RETURN_IF_ERROR(
        FromRocks(batch.Put(accounts_, id, change.after.SerializeAsString()), "batch"));
    TKT_RETURN_IF_ERROR(FromRocks(batch.Put(account_events_,
                                            AccountEventKey(id, change.event.sequence()),
                                            change.event.SerializeAsString()),
                                  "batch"));
    CommitRecord::AccountChange* logged = record.add_accounts();
    logged->set_account_id(id);
    logged->set_event_sequence(change.event.sequence());
  }
  for (const RetierJob& job : started) {
    TKT_RETURN_IF_ERROR(FromRocks(
        batch.Put(handles_[0], RetierJobKey(job.account_id, job.account_version), ""), "batch"));
  }
  for (const RetierJob& job : done) {
    TKT_RETURN_IF_ERROR(FromRocks(
        batch.Delete(handles_[0], RetierJobKey(job.account_id, job.account_version)), "batch"));
  }
  // A write of jobs alone has nothing for the log to name (a CommitRecord lists tickets, alerts
  // and accounts), so it takes no sequence; account changes are logged like ticket writes.
  if (changes.empty()) return Write(batch, /*sort=*/false);  // jobs only: not logged
  absl::MutexLock lock(&commit_mu_);
  return WriteLogged(batch, record, /*sort=*/false);
}

absl::StatusOr<std::vector<v1::Account>> RocksDbTicketStore::ScanAccounts(
    const std::string& after_id, int limit) {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), accounts_));
  std::vector<v1::Account> accounts;
  it->Seek(after_id);
  // Strictly after `after_id` (the previous page's last id).
  if (it->Valid() && !after_id.empty() && it->key() == rocksdb::Slice(after_id)) it->Next();
  for (; it->Valid() && static_cast<int>(accounts.size()) < limit; it->Next()) {
    TKT_ASSIGN_OR_RETURN(v1::Account account,
                         Parse<v1::Account>(it->value(), "an account record"));
    accounts.push_back(std::move(account));
  }
  TKT_RETURN_IF_ERROR(FromRocks(it->status(), "scanning accounts"));
  return accounts;
}

absl::StatusOr<std::vector<v1::AccountEvent>> RocksDbTicketStore::ListAccountEvents(
    const std::string& account_id, int64_t after_sequence, int limit) {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), account_events_));
  const std::string prefix = AccountEventPrefix(account_id);
  std::vector<v1::AccountEvent> events;
  // The prefix ends in 0x00, so the events of account "acme" stop before those of "acme2".
  for (it->Seek(AccountEventKey(account_id, after_sequence + 1));
       it->Valid() && it->key().starts_with(prefix) && static_cast<int>(events.size()) < limit;
       it->Next()) {
    TKT_ASSIGN_OR_RETURN(v1::AccountEvent event,
                         Parse<v1::AccountEvent>(it->value(), "an account event"));
    events.push_back(std::move(event));
  }
  TKT_RETURN_IF_ERROR(FromRocks(it->status(), "reading account events"));
  return events;
}

// In key order, which for one account is the versions' decimal text (see RetierJobKey).
absl::StatusOr<std::vector<RetierJob>> RocksDbTicketStore::ListRetierJobs() {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handles_[0]));
  std::vector<RetierJob> jobs;
  for (it->Seek(kRetierJobPrefix); it->Valid() && it->key().starts_with(kRetierJobPrefix);
       it->Next()) {
    std::optional<RetierJob> job = ParseRetierJobKey(absl::string_view(it->key().data(), it->key().size()));
    if (!job) return absl::DataLossError(absl::StrCat("a tier move is corrupt: ", it->key().ToString()));
    jobs.push_back(*std::move(job));
  }
  TKT_RETURN_IF_ERROR(FromRocks(it->status(), "scanning tier moves"));
  return jobs;
}

absl::StatusOr<std::optional<v1::SlaConfig>> RocksDbTicketStore::GetSlaConfig() {
  return ReadSetting<v1::SlaConfig>(kSlaConfigCurrentKey, "the SLA configuration in force");
}

absl::StatusOr<std::optional<v1::SlaConfig>> RocksDbTicketStore::GetSlaConfigVersion(
    int64_t version) {
  return ReadSetting<v1::SlaConfig>(SlaConfigVersionKey(version),
                                    absl::StrCat("SLA configuration version ", version));
}

absl::Status RocksDbTicketStore::PutSlaConfig(const v1::SlaConfig& config) {
  const std::string bytes = config.SerializeAsString();
  // The set in force and its version record in one write: the history never lacks the version
  // in force.
  return PutSettings({{kSlaConfigCurrentKey, bytes}, {SlaConfigVersionKey(config.version()), bytes}});
}

absl::StatusOr<std::optional<v1::TechnicianAvailability>> RocksDbTicketStore::GetAvailability(
    const std::string& technician) {
  return ReadSetting<v1::TechnicianAvailability>(AvailabilityKey(technician),
                                                 absl::StrCat("availability of ", technician));
}

absl::Status RocksDbTicketStore::PutAvailability(const v1::TechnicianAvailability& availability) {
  return PutSettings({{AvailabilityKey(availability.technician()), availability.SerializeAsString()}});
}

absl::StatusOr<WorkQueuePage> RocksDbTicketStore::ListWorkQueue(const WorkQueueScope& scope,
                                                                const std::string& after,
                                                                int limit) {
  const std::string prefix = scope.kind == WorkQueueScope::Kind::kAssignee
                                 ? WorkAssigneePrefix(scope.name)
                                 : WorkQueuePrefix(scope.name);
  // One snapshot for the keys and the records they name, so each record is the one its key was
  // derived from (a commit in between could move the ticket out of the queue). A key and its
  // record are written together and tickets are never deleted: a key alone is DATA_LOSS.
  rocksdb::ManagedSnapshot snapshot(db_.get());
  rocksdb::ReadOptions read;
  read.snapshot = snapshot.snapshot();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, indexes_));
  std::vector<std::string> keys;
  const std::string start = prefix + after;
  it->Seek(start);
  if (!after.empty() && it->Valid() && it->key() == rocksdb::Slice(start)) it->Next();
  // One key more than the page: if it exists, there is a next page (it is not returned).
  for (; it->Valid() && it->key().starts_with(prefix) && static_cast<int>(keys.size()) <= limit;
       it->Next()) {
    keys.push_back(it->key().ToString());
  }
  TKT_RETURN_IF_ERROR(FromRocks(it->status(), "scanning work queue"));
  WorkQueuePage page;
  const bool more = static_cast<int>(keys.size()) > limit;
  if (more) keys.pop_back();
  for (const std::string& key : keys) {
    std::string record;
    TKT_ASSIGN_OR_RETURN(bool found, ReadTicketRecord(WorkKeyTicketId(key), read.snapshot, &record));
    if (!found) return absl::DataLossError(absl::StrCat("work queue entry without a ticket"));
    page.records.push_back(std::move(record));
  }
  // The next page seeks to the last returned key's rank and skips that key; ranks are unique
  // (they end in the id). A ticket whose rank changed between pages may be skipped or seen
  // twice: a work queue is a live view, not a snapshot across pages.
  if (more) page.resume_after = keys.back().substr(prefix.size());  // the rank: opaque
  return page;
}

absl::StatusOr<int64_t> RocksDbTicketStore::CountOpenAssigned(const std::string& user,
                                                              int64_t limit) {
  const std::string prefix = WorkAssigneePrefix(user);
  // A count of keys: no records read, so no snapshot needed.
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), indexes_));
  int64_t count = 0;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix) && count < limit; it->Next()) {
    ++count;
  }
  TKT_RETURN_IF_ERROR(FromRocks(it->status(), "counting a work queue"));
  return count;
}

absl::Status RocksDbTicketStore::ScanFacts(
    absl::Time from, absl::Time to,
    const std::function<absl::Status(const v1::TicketFacts&)>& fn) {
  rocksdb::ManagedSnapshot snapshot(db_.get());
  rocksdb::ReadOptions read;
  read.snapshot = snapshot.snapshot();
  // Facts are keyed by position, so the range is one key range. {to ms, id 0} sorts before every
  // ticket created in that millisecond (ids start at 1): an exclusive upper bound.
  const std::string end = EncodePosition(Position{absl::ToUnixMillis(to), 0});
  const rocksdb::Slice upper(end);
  read.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, report_facts_));
  v1::TicketFacts facts;
  for (it->Seek(EncodePosition(Position{std::max<int64_t>(0, absl::ToUnixMillis(from)), 0}));
       it->Valid(); it->Next()) {
    if (!facts.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("a report facts record is corrupt");
    }
    TKT_RETURN_IF_ERROR(fn(facts));
  }
  return FromRocks(it->status(), "scanning report facts");
}

}  // namespace ticketing::storage
