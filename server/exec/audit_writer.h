#ifndef TICKETING_SERVER_EXEC_AUDIT_WRITER_H_
#define TICKETING_SERVER_EXEC_AUDIT_WRITER_H_

#include <cstdint>
#include <functional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "server/common/clock.h"
#include "storage/ticket_store.h"
#include "ticketing/v1/admin_service.pb.h"

namespace ticketing::exec {

// Writes audit records (docs/security.md, "Audit") from a thread of its own, everything
// queued meanwhile in one durable write: a flood of denied calls costs each caller a queue
// push, never a WAL sync of its own, and never slows the ticket write path. Thread-safe.
class AuditWriter {
 public:
  struct Options {
    // Records waiting to be written beyond which a record with no `then` is dropped (and
    // counted; the next write adds a record saying how many). Bounds the memory a flood of
    // denied calls can take. Records with a `then` (administrative actions, whose caller
    // waits) are never dropped.
    int max_pending = 10000;
  };

  // `store` and `clock` (which dates the record of dropped ones) must outlive the writer.
  // The thread starts at once.
  AuditWriter(storage::AuditStore& store, const Clock& clock, Options options);
  // Stop().
  ~AuditWriter();

  // Queues `record` (its sequence is set when written). `then`, when given, runs on the
  // writer's thread once the record is durable, with the write's status; it must not block.
  void Append(v1::AuditRecord record, std::function<void(absl::Status)> then = nullptr);

  // Writes what is queued, then ends the thread; later records are written by the caller's
  // thread, one write each (nothing is lost while the server stops).
  void Stop();

  // Records dropped so far because too many were waiting, or because their write failed.
  int64_t dropped() const;

 private:
  struct Pending {
    v1::AuditRecord record;
    std::function<void(absl::Status)> then;
  };
  void Loop();
  // Writes `batch` (plus a record of the drops since the last write) and runs the thens.
  void Write(std::vector<Pending> batch, int64_t dropped_before);

  storage::AuditStore& store_;
  const Clock& clock_;
  const Options options_;
  mutable absl::Mutex mu_;
  std::vector<Pending> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  int64_t dropped_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t dropped_reported_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace ticketing::exec

#endif  // TICKETING_SERVER_EXEC_AUDIT_WRITER_H_
