#include "server/exec/write_executor.h"

#include <pthread.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "proto/base/check.h"

namespace ticketing::exec {

WriteExecutor::WriteExecutor(storage::GroupCommit& store, Options options)
    : store_(store), options_(options) {}

WriteExecutor::~WriteExecutor() { Stop(); }

void WriteExecutor::Start() {
  {
    absl::MutexLock lock(&mu_);
    if (running_) return;
    stopping_ = false;
    draining_ = false;
    writer_done_ = false;
    committer_done_ = false;
    running_ = true;  // from now on work queues for the writer
  }
  // Start returns only once the writer has bound itself to the store: from then on a ticket
  // write from any other thread is refused, with no window in which it could slip past the
  // batches. (`bound` is on this stack: the thread uses it only before the wait returns.)
  absl::Notification bound;
  writer_ = std::thread([this, &bound] {
    pthread_setname_np(pthread_self(), "tkt-writer");  // as tools (top, perf) show it
    store_.BindWriter();
    bound.Notify();
    WriterLoop();
  });
  committer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "tkt-committer");
    CommitterLoop();
  });
  answerer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "tkt-answerer");
    AnswererLoop();
  });
  bound.WaitForNotification();
}

bool WriteExecutor::draining() const {
  absl::MutexLock lock(&mu_);
  return draining_;
}

void WriteExecutor::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  // The writer exits first (everything queued run, sealed and written), then the committer
  // (nothing left to write), then the answerer (everything answered).
  if (writer_.joinable()) writer_.join();
  if (committer_.joinable()) committer_.join();
  if (answerer_.joinable()) answerer_.join();
}

bool WriteExecutor::InlineOnCaller() const {
  return !running_.load() || store_.OnWriterThread();
}

void WriteExecutor::Enqueue(Job job, bool bounded) {
  size_t waiting = 0;
  bool refused = false;
  {
    absl::MutexLock lock(&mu_);
    // Checked under mu_, where the writer clears running_ as it stops: a job that finds it
    // cleared runs below, on this thread, instead of waiting in a queue nobody takes.
    if (running_.load() && !store_.OnWriterThread()) {
      waiting = queue_.size();
      if (!bounded || static_cast<int>(waiting) < options_.max_queued) {
        queue_.push_back(std::move(job));
        return;
      }
      refused = true;
    }
  }
  // Outside mu_: a completion may submit work or take locks of its own.
  if (refused) {
    job.finish(absl::ResourceExhaustedError(
        absl::StrCat("server busy: ", waiting, " writes waiting; retry later")));
    return;
  }
  if (running_.load() && store_.OnWriterThread()) {
    // Submitted by work running in a batch: it joins that batch and is answered with it.
    job.run();
    nested_.push_back(std::move(job));
    return;
  }
  // Not running: run here, writing straight through; the store's own result says whether
  // it is durable.
  job.run();
  job.finish(absl::OkStatus());
}

void WriteExecutor::RunInBatch(Job job, std::vector<RunJob>& batch) {
  TKT_CHECK(store_.OnWriterThread(), "a write ran in a batch off the writer thread");
  // The segments the job ran during bound its outcome: an early write it caused (a scan) ends
  // a segment, and the job must fail if any write holding its changes or its reads fails.
  const size_t first = store_.segment();
  job.run();
  const size_t last = store_.segment();
  batch.push_back(RunJob{std::move(job), first, last});
  // Work the job submitted ran inside it, so it shares its segments and its answer's timing.
  for (Job& nested : nested_) batch.push_back(RunJob{std::move(nested), first, last});
  nested_.clear();
}

bool WriteExecutor::CommitterFree() const {
  absl::MutexLock lock(&mu_);
  return written_ == handed_;
}

void WriteExecutor::WriterLoop() {
  std::vector<RunJob> batch;  // run, staged in the open batch
  while (true) {
    std::vector<Job> taken;
    {
      absl::MutexLock lock(&mu_);
      const bool open = !batch.empty();
      // New work, the end (once nothing is open), or a free committer for the open batch.
      // The last clause matters when no new work comes: an open batch is sealed as soon as the
      // committer frees up, not left waiting for the next request.
      auto ready = [this, open]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !queue_.empty() || (stopping_ && !open) || (open && written_ == handed_);
      };
      mu_.Await(absl::Condition(&ready));
      if (!open && queue_.empty() && stopping_) {
        // Unbind only once the committer has written everything: until then a write
        // straight to the inner store could race the batch in flight.
        auto written = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return written_ == handed_; };
        draining_ = true;
        mu_.Await(absl::Condition(&written));
        // The wait released mu_: work queued meanwhile (running_ was still set) is run
        // before the writer leaves, or nobody would ever take it.
        if (!queue_.empty()) continue;
        store_.UnbindWriter();
        running_ = false;
        writer_done_ = true;
        return;
      }
      // A batch never holds more than max_batch jobs; the rest stays queued (and counts against
      // max_queued).
      const size_t room = static_cast<size_t>(options_.max_batch) - batch.size();
      const size_t take = std::min(queue_.size(), room);
      for (size_t i = 0; i < take; ++i) {
        taken.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    // Seal as soon as the committer has written the last batch (so it never idles while
    // work waits), or when the batch is full (Seal then waits for that write). So a batch grows
    // only while the disk is busy: under light load each request is written at once, with no
    // added wait; under load one WAL sync serves many.
    for (Job& job : taken) {
      if (batch.empty()) store_.BeginBatch();
      RunInBatch(std::move(job), batch);
      if (CommitterFree() || static_cast<int>(batch.size()) >= options_.max_batch) {
        SealAndHand(batch);
      }
    }
    if (!batch.empty() && CommitterFree()) SealAndHand(batch);
  }
}

void WriteExecutor::SealAndHand(std::vector<RunJob>& batch) {
  // Seal (which may wait for the write in flight) runs outside mu_, so Enqueue is never held up
  // by the disk.
  std::shared_ptr<storage::GroupCommit::Batch> write = store_.Seal();
  absl::MutexLock lock(&mu_);
  ++handed_;
  ++stats_.batches;
  stats_.jobs += static_cast<int64_t>(batch.size());
  stats_.largest_batch = std::max<int64_t>(stats_.largest_batch, batch.size());
  sealed_.push_back(Sealed{std::move(write), std::move(batch)});
  batch.clear();
}

void WriteExecutor::CommitterLoop() {
  while (true) {
    Sealed sealed;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !sealed_.empty() || writer_done_;
      };
      mu_.Await(absl::Condition(&ready));
      if (sealed_.empty()) {  // the writer is done and everything is written
        committer_done_ = true;
        return;
      }
      sealed = std::move(sealed_.front());
      sealed_.pop_front();
    }
    // Outside mu_: the writer keeps taking and running work during the WAL sync.
    sealed.write->Write().IgnoreError();  // each request learns its outcome from the batch
    absl::MutexLock lock(&mu_);
    ++written_;
    // Answered on another thread, so the next write never waits for completions (which finish
    // gRPC reactors and may take their own locks).
    answers_.push_back(std::move(sealed));
  }
}

void WriteExecutor::AnswererLoop() {
  while (true) {
    Sealed written;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !answers_.empty() || committer_done_;
      };
      mu_.Await(absl::Condition(&ready));
      if (answers_.empty()) return;  // everything is answered
      written = std::move(answers_.front());
      answers_.pop_front();
    }
    // Outside mu_: completions may submit more work (Enqueue takes mu_).
    for (RunJob& run : written.jobs) {
      run.job.finish(written.write->OutcomeOf(run.first_segment, run.last_segment));
    }
  }
}

absl::Status WriteExecutor::RunAll(std::vector<Piece> pieces) {
  // Inline when not running (straight through), and on the writer thread, where waiting for the
  // pieces to be durable would wait for the very thread that seals the batch: there the outer
  // job's answer carries the batch's outcome.
  if (InlineOnCaller()) {
    absl::Status first;
    for (Piece& piece : pieces) first.Update(piece());
    return first;
  }
  // Shared with the completions, which may still be unlocking it when the waiter returns.
  struct Waiting {
    absl::Mutex mu;
    size_t pending ABSL_GUARDED_BY(mu) = 0;
    absl::Status first ABSL_GUARDED_BY(mu);
  };
  auto waiting = std::make_shared<Waiting>();
  {
    absl::MutexLock lock(&waiting->mu);
    waiting->pending = pieces.size();
  }
  // All pieces are queued before waiting, so the writer runs one while the committer writes the
  // one before. Unbounded: the server's own work (due SLA timers, tier moves) is never dropped
  // because clients filled the queue.
  for (Piece& piece : pieces) {
    Enqueue(MakeJob<bool>(
                [piece = std::move(piece)]() -> absl::StatusOr<bool> {
                  if (absl::Status s = piece(); !s.ok()) return s;
                  return true;
                },
                [waiting](absl::StatusOr<bool> done) {
                  absl::MutexLock lock(&waiting->mu);
                  waiting->first.Update(done.status());
                  --waiting->pending;
                }),
            /*bounded=*/false);
  }
  absl::MutexLock lock(&waiting->mu);
  waiting->mu.Await(absl::Condition(
      +[](Waiting* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(w->mu) { return w->pending == 0; },
      waiting.get()));
  return waiting->first;
}

WriteExecutor::Stats WriteExecutor::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

}  // namespace ticketing::exec
