#ifndef TICKETING_STORAGE_COMMIT_LOG_H_
#define TICKETING_STORAGE_COMMIT_LOG_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "ticketing/storage/commit_record.pb.h"

namespace ticketing::storage {

// Told of every durable write of the store, right after its write-ahead log sync, on the
// thread that wrote, in commit order (one call per CommitRecord). It runs on the write
// path, under the store's commit lock: it must return at once and never block or call the
// store. The server's implementation is the commit publisher (server/exec/).
class CommitObserver {
 public:
  virtual ~CommitObserver() = default;
  virtual void Committed(const CommitRecord& record) = 0;
};

// The store's log of committed writes: one CommitRecord per durable write of tickets,
// alerts or accounts, written in the same atomic write as what it names, with gap-free
// sequences from 1. Followers read it to catch up after falling behind or restarting.
// Settings are not logged. Thread-safe.
class CommitLog {
 public:
  virtual ~CommitLog() = default;

  // Up to `limit` records with sequence > `after`, in sequence order (fewer, or none, at
  // the end of the log). OUT_OF_RANGE when records after `after` were already trimmed
  // (the log keeps the most recent StoreOptions::commit_log_retention records): a
  // follower that far behind must rebuild from the store.
  virtual absl::StatusOr<std::vector<CommitRecord>> ReadCommits(int64_t after, int limit) = 0;

  // The sequence of the last committed write, 0 when none.
  virtual int64_t LastCommitSequence() = 0;
};

}  // namespace ticketing::storage

#endif  // TICKETING_STORAGE_COMMIT_LOG_H_
