#ifndef TICKETING_STORAGE_SORTED_BATCH_H_
#define TICKETING_STORAGE_SORTED_BATCH_H_

#include <vector>

#include "absl/status/statusor.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace ticketing::storage {

// `batch` rewritten with its puts and deletes ordered by column family and key; operations on
// the same key keep their order, so the result writes exactly what `batch` writes.
//
// Why: RocksDB inserts every entry of a batch into a memtable skip list, and an insert next
// to the previous one starts from where that one ended (the memtable's splice), while one
// elsewhere searches from the top through cache misses. A batch of many tickets' changes
// interleaves keys all over each column family (index prefixes, timers, events); sorted,
// each ticket's new index entry lands beside the last. For group commits this roughly
// halves the commit's CPU (docs/performance.md). `families` must hold every family the
// batch writes. Only puts and deletes are supported (all the store writes).
absl::StatusOr<rocksdb::WriteBatch> SortedBatch(
    const rocksdb::WriteBatch& batch, const std::vector<rocksdb::ColumnFamilyHandle*>& families);

}  // namespace ticketing::storage

#endif  // TICKETING_STORAGE_SORTED_BATCH_H_
