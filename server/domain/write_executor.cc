#include "server/domain/write_executor.h"

#include <pthread.h>

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"

namespace ticketing::domain {

WriteExecutor::WriteExecutor(storage::BatchingTicketStore& store, Options options)
    : store_(store), options_(options) {}

WriteExecutor::~WriteExecutor() { Stop(); }

void WriteExecutor::Start() {
  absl::Notification bound;
  {
    absl::MutexLock lock(&mu_);
    if (running_) return;
    stopping_ = false;
    running_ = true;
  }
  thread_ = std::thread([this, &bound] {
    pthread_setname_np(pthread_self(), "tkt-writer");  // as tools (top, perf) show it
    store_.BindWriter();
    published_ = store_.LastAlertSequence();
    bound.Notify();
    Loop();
  });
  bound.WaitForNotification();
}

void WriteExecutor::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

bool WriteExecutor::InlineOnCaller() const {
  return !running_.load() || store_.OnWriterThread();
}

void WriteExecutor::Enqueue(Job job, bool bounded) {
  size_t waiting = 0;
  bool refused = false;
  {
    absl::MutexLock lock(&mu_);
    if (running_.load() && !store_.OnWriterThread()) {
      waiting = queue_.size();
      if (!bounded || static_cast<int>(waiting) < options_.max_queued) {
        queue_.push_back(std::move(job));
        return;
      }
      refused = true;
    }
  }
  if (refused) {
    job.finish(absl::ResourceExhaustedError(
        absl::StrCat("server busy: ", waiting, " writes waiting; retry later")));
    return;
  }
  // Not running (or called from the executor's own work): run here, writing straight
  // through; the store's own result says whether it is durable.
  job.run();
  job.finish(absl::OkStatus());
}

void WriteExecutor::Loop() {
  std::deque<Job> batch;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](WriteExecutor* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
            return !self->queue_.empty() || self->stopping_;
          },
          this));
      if (queue_.empty()) {  // stopping, and nothing left to run
        store_.UnbindWriter();
        running_ = false;
        return;
      }
      const size_t take = std::min(queue_.size(), static_cast<size_t>(options_.max_batch));
      for (size_t i = 0; i < take; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      ++stats_.batches;
      stats_.jobs += static_cast<int64_t>(take);
      stats_.largest_batch = std::max<int64_t>(stats_.largest_batch, static_cast<int64_t>(take));
    }
    RunBatch(batch);
    batch.clear();
  }
}

void WriteExecutor::RunBatch(std::deque<Job>& batch) {
  std::vector<std::pair<int64_t, int64_t>> writes;  // each job's (first, last] write numbers
  writes.reserve(batch.size());
  store_.BeginBatch();
  for (Job& job : batch) {
    const int64_t first = store_.writes();
    job.run();
    writes.emplace_back(first, store_.writes());
  }
  store_.EndBatch().IgnoreError();  // each job learns its own flush's outcome below
  if (const int64_t last = store_.LastAlertSequence(); feed_ != nullptr && last > published_) {
    feed_->Published(last);
    published_ = last;
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    const auto [first, last] = writes[i];
    batch[i].finish(first == last ? absl::OkStatus() : store_.OutcomeOf(first, last));
  }
}

WriteExecutor::Stats WriteExecutor::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

}  // namespace ticketing::domain
