#ifndef TICKETING_SERVER_DOMAIN_WRITE_EXECUTOR_H_
#define TICKETING_SERVER_DOMAIN_WRITE_EXECUTOR_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <thread>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "server/domain/alert_feed.h"
#include "storage/batching_ticket_store.h"

namespace ticketing::domain {

// Runs every ticket write of the server on ONE thread, in batches, and answers each only
// once its changes are durable: the shape of a fast durable server on few cores
// (docs/performance.md). Callers hand it work (a domain call) and a completion:
//
//   executor.Submit<v1::Ticket>([&] { return tickets.Create(who, request); },
//                               [reactor](absl::StatusOr<v1::Ticket> t) { ...Finish... });
//
// The thread takes everything queued (up to Options::max_batch), runs each piece of work
// in order through the BatchingTicketStore (a later piece reads what an earlier one wrote),
// commits all their changes with one atomic write and one WAL sync, tells the alert feed,
// then calls every completion: with the work's own result, or with the commit's error if
// that write failed. So no request is answered before it is durable, a batch is all or
// nothing, and requests are applied in the order they were taken.
//
// The domain services stay synchronous and unaware of this; the per-ticket locks they take
// are uncontended on this thread. Thread-safe.
class WriteExecutor {
 public:
  struct Options {
    // Most pieces of work gathered into one write.
    int max_batch = 1024;
    // Submit refuses work (RESOURCE_EXHAUSTED) while this many wait: the server is
    // overloaded, and the caller should back off rather than queue without bound.
    int max_queued = 20000;
  };
  struct Stats {
    int64_t batches = 0;  // batches run
    int64_t jobs = 0;     // pieces of work run
    int64_t largest_batch = 0;
  };

  // `store` must outlive the executor and be the store the domain services write through.
  explicit WriteExecutor(storage::BatchingTicketStore& store) : WriteExecutor(store, Options()) {}
  WriteExecutor(storage::BatchingTicketStore& store, Options options);
  // Stops (running what is queued).
  ~WriteExecutor();

  // The feed told of new alerts after each durable batch. Call before Start.
  void SetAlertFeed(AlertFeed* feed) { feed_ = feed; }
  // Starts the thread; from then on ticket writes must go through it.
  void Start();
  // Runs everything queued, then stops the thread. Afterwards work runs on the caller's
  // thread, as before Start.
  void Stop();

  // Queues `work`; `done` gets its result once the batch holding it is durable (on the
  // executor's thread: it must not block). Before Start or after Stop both run at once on
  // the caller's thread. When Options::max_queued pieces wait already, `done` gets
  // RESOURCE_EXHAUSTED at once and `work` never runs.
  template <typename T>
  void Submit(std::function<absl::StatusOr<T>()> work,
              std::function<void(absl::StatusOr<T>)> done) {
    Enqueue(MakeJob<T>(std::move(work), std::move(done)), /*bounded=*/true);
  }

  // Runs `work` through the executor and waits until it is durable: for the server's own
  // threads (SLA monitor, account jobs, sync RPCs). Never refused for load. On the
  // executor's own thread (work that calls other work) it runs inline, in the same batch.
  template <typename T>
  absl::StatusOr<T> Run(std::function<absl::StatusOr<T>()> work) {
    if (InlineOnCaller()) return work();
    absl::StatusOr<T> result = absl::UnknownError("not run");
    absl::Notification finished;
    Enqueue(MakeJob<T>(std::move(work),
                       [&](absl::StatusOr<T> r) {
                         result = std::move(r);
                         finished.Notify();
                       }),
            /*bounded=*/false);
    finished.WaitForNotification();
    return result;
  }

  Stats stats() const;

 private:
  struct Job {
    std::function<void()> run;                 // computes and keeps the result
    std::function<void(absl::Status)> finish;  // answers: the result, or the commit's error
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
  // the executor's thread.
  bool InlineOnCaller() const;
  void Enqueue(Job job, bool bounded);
  void Loop();
  // Runs one batch: every job, one durable write, the feed, the completions.
  void RunBatch(std::deque<Job>& batch);

  storage::BatchingTicketStore& store_;
  const Options options_;
  AlertFeed* feed_ = nullptr;
  int64_t published_ = 0;  // executor thread only
  std::thread thread_;
  std::atomic<bool> running_{false};

  mutable absl::Mutex mu_;
  std::deque<Job> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  Stats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_WRITE_EXECUTOR_H_
