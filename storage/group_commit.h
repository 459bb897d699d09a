#ifndef TICKETING_STORAGE_GROUP_COMMIT_H_
#define TICKETING_STORAGE_GROUP_COMMIT_H_

#include <cstddef>
#include <memory>

#include "absl/status/status.h"

namespace ticketing::storage {

// A store whose ticket writes are group-committed: one thread (the writer) stages the
// writes of many requests in an open batch, seals it, and another thread writes each
// sealed batch with one atomic, durable write. What a request reads on the writer thread
// includes what earlier requests staged. BatchingTicketStore implements it; the write
// executor (server/exec/write_executor.h) drives it:
//
//   writer thread:     BindWriter(); BeginBatch(); ...requests write...; Seal() -> batch
//   committer thread:  batch->Write();   then answer each request with batch->OutcomeOf(...)
//
// A request's writes all land in one segment range of its batch (see segment()), so each
// request learns its own outcome even when part of the batch was written early.
class GroupCommit {
 public:
  // A sealed batch: written once by the committer, then read by whoever answers.
  class Batch {
   public:
    virtual ~Batch() = default;
    // Committer thread: writes the batch (unless it is doomed) with one atomic, durable
    // write and records the outcome. Returns it.
    virtual absl::Status Write() = 0;
    // After Write: the outcome of a request that ran during segments first..last.
    virtual absl::Status OutcomeOf(size_t first, size_t last) const = 0;
  };

  virtual ~GroupCommit() = default;

  // From now on only the calling thread may write tickets (through batches); a write from
  // any other thread fails with INTERNAL instead of racing the batches.
  virtual void BindWriter() = 0;
  // Writes are allowed from any thread again, straight through.
  virtual void UnbindWriter() = 0;
  virtual bool OnWriterThread() const = 0;

  // Writer thread: opens a batch.
  virtual void BeginBatch() = 0;
  // Writer thread, in a batch: the segment now being staged. A request that must read what
  // the store holds (a scan) writes the staged part early, which ends a segment.
  virtual size_t segment() const = 0;
  // Writer thread: closes the open batch for the committer, first waiting until the
  // previous sealed batch is written (at most one is in flight).
  virtual std::shared_ptr<Batch> Seal() = 0;
};

}  // namespace ticketing::storage

#endif  // TICKETING_STORAGE_GROUP_COMMIT_H_
