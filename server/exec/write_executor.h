#ifndef TICKETING_SERVER_EXEC_WRITE_EXECUTOR_H_
#define TICKETING_SERVER_EXEC_WRITE_EXECUTOR_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "server/exec/write_runner.h"
#include "storage/group_commit.h"

namespace ticketing::exec {

// Runs every ticket write of the server on ONE thread, in batches, and answers each only
// once its changes are durable: the shape of a fast durable server on few cores
// (docs/performance.md). Callers hand it work (a domain call) and a completion:
//
//   executor.Submit<v1::Ticket>([&] { return tickets.Create(who, request); },
//                               [reactor](absl::StatusOr<v1::Ticket> t) { ...Finish... });
//
// Three threads, pipelined. The writer takes what is queued and runs each piece of work in
// order through the group-commit store (storage/group_commit.h; a later piece reads what
// an earlier one wrote); the committer writes the sealed batch with one atomic write and
// one WAL sync (the store then tells the commit publisher); the answerer calls every
// completion: with the work's own result, or with the write's error if it failed. While the committer writes a batch, the writer runs
// the next one and keeps adding work to it until the committer is free, so batches grow
// with the load; answering one batch overlaps writing the next.
// No request is answered before it is durable, a batch is all or nothing, and requests
// apply in the order taken.
//
// The domain services stay synchronous and unaware of this; the per-ticket locks they take
// are uncontended on the writer. Thread-safe.
class WriteExecutor final : public WriteRunner {
 public:
  struct Options {
    // Most pieces of work gathered into one write.
    int max_batch = 1024;
    // Submit refuses work (RESOURCE_EXHAUSTED) while this many wait: the server is
    // overloaded, and the caller should back off rather than queue without bound.
    int max_queued = 20000;
  };
  struct Stats {
    int64_t batches = 0;  // batches written
    int64_t jobs = 0;     // pieces of work run
    int64_t largest_batch = 0;
  };

  // `store` must outlive the executor and be the store the domain services write through.
  explicit WriteExecutor(storage::GroupCommit& store) : WriteExecutor(store, Options()) {}
  WriteExecutor(storage::GroupCommit& store, Options options);
  // Stops (running what is queued).
  ~WriteExecutor() override;

  // Starts the threads; from then on ticket writes must go through them.
  void Start();
  // Runs and answers everything queued, then stops the threads. Work submitted while Stop
  // runs is run and answered too. Afterwards work runs on the caller's thread, as before
  // Start.
  void Stop();
  // True once Stop() has begun and the writer has run everything queued until then: it
  // waits only for the last write to be durable (what is submitted now still runs).
  bool draining() const;

  // Queues `work`; `done` gets its result once the batch holding it is durable (on the
  // answerer thread: it must not block). Before Start or after Stop both run at once on
  // the caller's thread. When Options::max_queued pieces wait already, `done` gets
  // RESOURCE_EXHAUSTED at once and `work` never runs. Submitted from the writer's own work,
  // `work` runs at once in the same batch and `done` is called with the batch's outcome.
  template <typename T>
  void Submit(std::function<absl::StatusOr<T>()> work,
              std::function<void(absl::StatusOr<T>)> done) {
    Enqueue(MakeJob<T>(std::move(work), std::move(done)), /*bounded=*/true);
  }

  // WriteRunner: queues every piece at once (the writer runs one while the committer
  // writes the one before) and waits until all are durable: for the server's own threads
  // (SLA monitor, account jobs, sync RPCs). Never refused for load. On the writer thread
  // itself (work that runs other work) the pieces run inline, in the same batch. Must not
  // be called from a completion (it would wait for the thread that runs it).
  absl::Status RunAll(std::vector<Piece> pieces) override;

  Stats stats() const;

 private:
  struct Job {
    std::function<void()> run;                 // computes and keeps the result
    std::function<void(absl::Status)> finish;  // answers: the result, or the write's error
  };
  // A job run in the open batch, and the segments of the batch it ran during
  // (storage::GroupCommit::Batch::OutcomeOf).
  struct RunJob {
    Job job;
    size_t first_segment = 0;
    size_t last_segment = 0;
  };
  // A batch handed from the writer to the committer.
  struct Sealed {
    std::shared_ptr<storage::GroupCommit::Batch> write;
    std::vector<RunJob> jobs;
  };

  template <typename T>
  static Job MakeJob(std::function<absl::StatusOr<T>()> work,
                     std::function<void(absl::StatusOr<T>)> done) {
    auto result = std::make_shared<absl::StatusOr<T>>(absl::UnknownError("not run"));
    return Job{[result, work = std::move(work)] { *result = work(); },
               [result, done = std::move(done)](absl::Status durable) {
                 if (!durable.ok()) {
                   done(std::move(durable));
                 } else {
                   done(std::move(*result));
                 }
               }};
  }

  // True when work must run on the caller's thread: not started, stopped, or already on
  // the writer thread.
  bool InlineOnCaller() const;
  void Enqueue(Job job, bool bounded);
  void WriterLoop();
  // Writer thread: runs `job` in the open batch and appends it (and whatever it submitted)
  // to `batch`.
  void RunInBatch(Job job, std::vector<RunJob>& batch);
  // Writer thread: seals the open batch and hands it (and its jobs) to the committer.
  void SealAndHand(std::vector<RunJob>& batch);
  void CommitterLoop();
  void AnswererLoop();
  // Writer thread: true when the committer has written everything handed to it.
  bool CommitterFree() const;

  storage::GroupCommit& store_;
  const Options options_;
  // Writer thread only: jobs submitted by the job now running, answered with its batch.
  std::vector<Job> nested_;
  std::thread writer_;
  std::thread committer_;
  std::thread answerer_;
  std::atomic<bool> running_{false};

  mutable absl::Mutex mu_;
  std::deque<Job> queue_ ABSL_GUARDED_BY(mu_);
  std::deque<Sealed> sealed_ ABSL_GUARDED_BY(mu_);    // for the committer
  std::deque<Sealed> answers_ ABSL_GUARDED_BY(mu_);   // written, for the answerer
  bool committer_done_ ABSL_GUARDED_BY(mu_) = false;
  int64_t handed_ ABSL_GUARDED_BY(mu_) = 0;   // batches handed to the committer
  int64_t written_ ABSL_GUARDED_BY(mu_) = 0;  // of which written
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  bool writer_done_ ABSL_GUARDED_BY(mu_) = false;
  Stats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ticketing::exec

#endif  // TICKETING_SERVER_EXEC_WRITE_EXECUTOR_H_
