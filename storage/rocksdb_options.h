#ifndef TICKETING_STORAGE_ROCKSDB_OPTIONS_H_
#define TICKETING_STORAGE_ROCKSDB_OPTIONS_H_

#include <cstddef>
#include <memory>
#include <string>

#include "rocksdb/cache.h"
#include "rocksdb/options.h"

namespace ticketing::storage {

// The RocksDB options of the ticket store. Each choice and its reason is in
// docs/performance.md ("RocksDB options"); in short:
//   - two background jobs (two cores), dynamic level sizes, memtables capped in total;
//   - one block cache shared by every column family;
//   - bloom filters, in the SST files and in the memtables, on the families read by key
//     (tickets, create requests, alerts, accounts), so a lookup skips the files and
//     memtables that cannot hold the key (every create looks up a request id that is new);
//   - none on the families only ever scanned (indexes, timers, events, facts).
rocksdb::Options DatabaseOptions();

// The options of column family `family` (a name from keys.h), using `cache`.
rocksdb::ColumnFamilyOptions FamilyOptions(const std::string& family,
                                           const std::shared_ptr<rocksdb::Cache>& cache);

// The block cache shared by all families.
std::shared_ptr<rocksdb::Cache> NewBlockCache(size_t bytes);

}  // namespace ticketing::storage

#endif  // TICKETING_STORAGE_ROCKSDB_OPTIONS_H_
