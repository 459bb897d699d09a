#ifndef TICKETING_SERVER_EXEC_COMMIT_PUBLISHER_H_
#define TICKETING_SERVER_EXEC_COMMIT_PUBLISHER_H_

#include <cstdint>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "storage/commit_log.h"

namespace ticketing::exec {

// The one way out for committed changes (docs/architecture.md, "Following commits"). The
// store tells it of every durable write (storage::CommitObserver, after the WAL sync, in
// commit order) and it wakes whoever follows the writes: alert streams today; delivery,
// search indexing, the change feed and metrics next.
//
// It holds no records and calls no follower: each follower reads the store's commit log
// (storage::CommitLog) from its own cursor, at its own pace, and waits here for more. So
// a follower that falls behind or restarts catches up from the store by sequence, and
// nothing a follower does can slow or block the committer. Thread-safe.
//
// Its sequences start at 0 and follow the commits it hears of; a follower starting up
// reads the log first and waits only once it has read everything.
class CommitPublisher final : public storage::CommitObserver {
 public:
  CommitPublisher() = default;

  // CommitObserver: records the record's sequences and wakes the waiters. Never blocks.
  void Committed(const storage::CommitRecord& record) override;

  // Waits until a write with commit sequence > `after` is durable, the publisher closes or
  // `timeout` passes. True when there is such a write.
  bool WaitForCommitAfter(int64_t after, absl::Duration timeout);
  // Waits until an alert with sequence > `after` is durable, the publisher closes or
  // `timeout` passes. True when there is such an alert.
  bool WaitForAlertAfter(int64_t after, absl::Duration timeout);

  // Ends every wait, now and later (the server is stopping).
  void Close();
  bool closed() const;

 private:
  mutable absl::Mutex mu_;
  int64_t last_commit_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t last_alert_ ABSL_GUARDED_BY(mu_) = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

// What a follower of the committed writes does with each one.
class CommitFollower {
 public:
  virtual ~CommitFollower() = default;
  // Applies one committed write. Records come in sequence order, each once per run of the
  // follower (a follower keeping durable state should store the last sequence it applied
  // with it, and start from there). An error is retried, with the same record, a little
  // later (FollowerThread's retry_after).
  virtual absl::Status Apply(const storage::CommitRecord& record) = 0;
  // Called instead of Apply when the records after the follower's cursor are no longer in
  // the log (it was further behind than the retention): rebuilds the follower's state from
  // the store as it is now and returns the commit sequence that state includes. Read
  // `log.LastCommitSequence()` before reading the store, so that nothing committed
  // meanwhile is skipped (it may be applied twice: Apply must bear that). An error is
  // retried like Apply's. The default cannot rebuild: FAILED_PRECONDITION, logged and
  // retried.
  virtual absl::StatusOr<int64_t> Rebuild(storage::CommitLog& log);
};

// Runs one follower on a thread of its own from `start_after`: reads the commit log after
// its cursor, applies each record, and when it has read everything waits on the publisher
// for more. Stops when destroyed or when the publisher closes.
class FollowerThread {
 public:
  // All must outlive the thread. `name` names the thread and the follower in logs. A
  // failed Apply is retried after `retry_after`.
  FollowerThread(std::string name, CommitFollower& follower, storage::CommitLog& log,
                 CommitPublisher& publisher, int64_t start_after,
                 absl::Duration retry_after = absl::Seconds(1));
  ~FollowerThread();

  // The sequence of the last record applied.
  int64_t applied() const;
  // Waits until every record up to `sequence` is applied or `timeout` passes; true if so.
  bool WaitForApplied(int64_t sequence, absl::Duration timeout) const;

 private:
  void Loop();

  const std::string name_;
  CommitFollower& follower_;
  storage::CommitLog& log_;
  CommitPublisher& publisher_;
  const absl::Duration retry_after_;
  mutable absl::Mutex mu_;
  int64_t applied_ ABSL_GUARDED_BY(mu_);
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace ticketing::exec

#endif  // TICKETING_SERVER_EXEC_COMMIT_PUBLISHER_H_
