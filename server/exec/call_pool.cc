#include "server/exec/call_pool.h"

#include <pthread.h>

#include <utility>

namespace ticketing::exec {

CallPool::CallPool(Options options) : options_(options) {
  // Every member is constructed before the body runs, so the threads may start at once.
  for (int i = 0; i < options_.threads; ++i) {
    threads_.emplace_back([this] {
      pthread_setname_np(pthread_self(), "tkt-calls");
      Loop();
    });
  }
}

CallPool::~CallPool() { Stop(); }

bool CallPool::TrySubmit(std::function<void()> work) {
  absl::MutexLock lock(&mu_);
  // Refused while stopping, under the same lock the threads check: nothing can be queued after
  // the last thread left, so every accepted call runs.
  if (stopping_ || static_cast<int>(queue_.size()) >= options_.max_queued) return false;
  queue_.push_back(std::move(work));
  return true;
}

void CallPool::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

void CallPool::Loop() {
  while (true) {
    std::function<void()> work;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !queue_.empty() || stopping_;
      };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // stopping, and everything queued has run
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    // Outside mu_: calls run in parallel, and a call may itself submit more.
    work();
  }
}

}  // namespace ticketing::exec
