// The audit log of RocksDbTicketStore (AuditStore, ticket_store.h): the `audit` family,
// keyed by a gap-free sequence of its own.
#include <algorithm>
#include <limits>
#include <memory>

#include "absl/strings/str_cat.h"
#include "proto/base/status_macros.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/keys.h"
#include "storage/rocksdb_status.h"
#include "storage/rocksdb_ticket_store.h"

namespace ticketing::storage {

absl::Status RocksDbTicketStore::LoadLastAuditSequence() {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), audit_));
  it->SeekToLast();
  TKT_RETURN_IF_ERROR(FromRocks(it->status(), "reading the last audit record"));
  absl::MutexLock lock(&audit_mu_);
  if (it->Valid()) last_audit_sequence_ = static_cast<int64_t>(ReadBigEndian64(it->key().data()));
  return absl::OkStatus();
}

absl::Status RocksDbTicketStore::AppendAudit(std::vector<v1::AuditRecord>& records) {
  if (records.empty()) return absl::OkStatus();
  // Under audit_mu_ from numbering to the write: sequences are in write order, and a failed
  // write leaves no gap (the next append reuses its numbers).
  absl::MutexLock lock(&audit_mu_);
  rocksdb::WriteBatch batch;
  int64_t sequence = last_audit_sequence_;
  for (v1::AuditRecord& record : records) {
    record.set_sequence(++sequence);
    TKT_RETURN_IF_ERROR(
        FromRocks(batch.Put(audit_, AuditKey(sequence), record.SerializeAsString()), "batch"));
  }
  rocksdb::WriteOptions write;
  write.sync = options_.sync_writes;
  TKT_RETURN_IF_ERROR(FromRocks(db_->Write(write, &batch), "writing audit records"));
  const int64_t before = last_audit_sequence_;
  last_audit_sequence_ = sequence;
  // As the commit log: one range deletion per 1,024 records passed, so that at most 1,023
  // records over the retention are kept and tombstones do not pile up.
  if (sequence / 1024 != before / 1024) {
    const int64_t keep_from = sequence - options_.audit_retention + 1;
    if (keep_from > 1) {
      // Not synced: a trim lost in a crash is redone by the next one.
      db_->DeleteRange(rocksdb::WriteOptions(), audit_, AuditKey(0), AuditKey(keep_from))
          .PermitUncheckedError();
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::AuditRecord>> RocksDbTicketStore::ReadAudit(int64_t start,
                                                                           bool newest_first,
                                                                           int limit) {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), audit_));
  std::vector<v1::AuditRecord> records;
  const int64_t from = std::clamp<int64_t>(start, 0, std::numeric_limits<int64_t>::max());
  if (newest_first) {
    it->SeekForPrev(AuditKey(from));
  } else {
    it->Seek(AuditKey(from));
  }
  while (it->Valid() && static_cast<int>(records.size()) < limit) {
    v1::AuditRecord record;
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("an audit record is corrupt");
    }
    records.push_back(std::move(record));
    if (newest_first) {
      it->Prev();
    } else {
      it->Next();
    }
  }
  TKT_RETURN_IF_ERROR(FromRocks(it->status(), "reading the audit log"));
  return records;
}

}  // namespace ticketing::storage
