#include "storage/rocksdb_options.h"

#include "rocksdb/filter_policy.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "storage/keys.h"

namespace ticketing::storage {
namespace {

constexpr size_t kMiB = 1024 * 1024;

// Families read by key: a lookup of a key that is absent (a new request id) or only in an
// older file would otherwise search every memtable and level.
bool ReadByKey(const std::string& family) {
  return family == kTicketsFamily || family == kRequestsFamily || family == kAlertsFamily ||
         family == kAccountsFamily;
}

// The part of an index key before its 16-byte position (or work rank) suffix: "status NEW",
// "queue team-3", "work queue of tom, not breached". Used only as a memtable insert hint:
// new entries of one prefix usually land right after the previous one (positions grow with
// time), so each prefix keeps its own place in the skip list instead of a search from the
// top. It changes nothing about reads.
class IndexKeyPrefix final : public rocksdb::SliceTransform {
 public:
  static constexpr size_t kSuffixBytes = 16;
  const char* Name() const override { return "ticketing.IndexKeyPrefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), key.size() - kSuffixBytes);
  }
  // Every index key is longer than its suffix; anything shorter simply gets no hint.
  bool InDomain(const rocksdb::Slice& key) const override { return key.size() > kSuffixBytes; }
};

}  // namespace

rocksdb::Options DatabaseOptions() {
  rocksdb::Options options;
  options.create_if_missing = true;
  // A family added by a newer version is created when it opens an older database.
  options.create_missing_column_families = true;
  // Flushes and compactions: one each at a time on two cores.
  options.max_background_jobs = 2;
  // All memtables together; the fullest family is flushed beyond it. Bounds memory and the
  // write-ahead log replayed after a crash (restart time).
  options.db_write_buffer_size = 256 * kMiB;
  return options;
}

std::shared_ptr<rocksdb::Cache> NewBlockCache(size_t bytes) { return rocksdb::NewLRUCache(bytes); }

rocksdb::ColumnFamilyOptions FamilyOptions(const std::string& family,
                                           const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions options;
  // Level sizes follow the data: less space and write amplification as it grows.
  options.level_compaction_dynamic_level_bytes = true;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  if (ReadByKey(family)) {
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));  // ~1% false positives
    // A bloom over whole keys in each memtable too (2% of its size; no prefix extractor is set),
    // so a point lookup skips the memtables that cannot hold the key, as the SST filters do.
    options.memtable_whole_key_filtering = true;
    options.memtable_prefix_bloom_size_ratio = 0.02;
  }
  if (family == kIndexesFamily) {
    options.memtable_insert_with_hint_prefix_extractor = std::make_shared<IndexKeyPrefix>();
  }
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

}  // namespace ticketing::storage
