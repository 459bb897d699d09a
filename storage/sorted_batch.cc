#include "storage/sorted_batch.h"

#include <algorithm>
#include <cstdint>
#include <map>

#include "absl/strings/str_cat.h"
#include "storage/rocksdb_status.h"

namespace ticketing::storage {
namespace {

struct Operation {
  uint32_t family;
  rocksdb::Slice key;
  rocksdb::Slice value;
  bool put;
};

// Reads a batch's operations (slices into the batch, which outlives them).
class Collector final : public rocksdb::WriteBatch::Handler {
 public:
  rocksdb::Status PutCF(uint32_t family, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    operations.push_back({family, key, value, true});
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(uint32_t family, const rocksdb::Slice& key) override {
    operations.push_back({family, key, rocksdb::Slice(), false});
    return rocksdb::Status::OK();
  }
  std::vector<Operation> operations;
};

}  // namespace

absl::StatusOr<rocksdb::WriteBatch> SortedBatch(
    const rocksdb::WriteBatch& batch, const std::vector<rocksdb::ColumnFamilyHandle*>& families) {
  Collector collector;
  // Any other record type (merge, single delete, ranges) fails here as NotSupported.
  if (rocksdb::Status s = batch.Iterate(&collector); !s.ok()) return FromRocks(s, "sorting batch");
  std::map<uint32_t, rocksdb::ColumnFamilyHandle*> by_id;
  for (rocksdb::ColumnFamilyHandle* family : families) by_id[family->GetID()] = family;
  std::vector<Operation>& ops = collector.operations;
  // Stable, so that operations on one key keep their order: in a group commit one change may
  // put an index entry that a later change of the same ticket deletes. Keys compare bytewise,
  // as every family's default comparator does.
  std::stable_sort(ops.begin(), ops.end(), [](const Operation& a, const Operation& b) {
    if (a.family != b.family) return a.family < b.family;
    return a.key.compare(b.key) < 0;
  });
  // The same operations, so the same size: reserved once. Put copies each slice into `sorted`.
  rocksdb::WriteBatch sorted(static_cast<size_t>(batch.GetDataSize()));
  for (const Operation& op : ops) {
    auto family = by_id.find(op.family);
    if (family == by_id.end()) {
      return absl::InternalError(absl::StrCat("batch writes unknown column family ", op.family));
    }
    rocksdb::Status s = op.put ? sorted.Put(family->second, op.key, op.value)
                               : sorted.Delete(family->second, op.key);
    if (!s.ok()) return FromRocks(s, "sorting batch");
  }
  return sorted;
}

}  // namespace ticketing::storage
