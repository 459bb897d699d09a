#ifndef TICKETING_SERVER_EXEC_CALL_POOL_H_
#define TICKETING_SERVER_EXEC_CALL_POOL_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace ticketing::exec {

// A bounded set of threads for calls that may take long or wait (listings, work queues,
// reports, the store check; account and setting writes, which wait for the disk), so that
// they never run on a transport's reactor threads (gRPC's callback API must not block).
// At most Options::max_queued calls wait; beyond that TrySubmit refuses, and the caller
// answers RESOURCE_EXHAUSTED rather than queueing without bound. Thread-safe.
class CallPool {
 public:
  struct Options {
    int threads = 4;
    int max_queued = 1000;
  };

  explicit CallPool(Options options);
  // Runs what is queued, then stops the threads.
  ~CallPool();

  // Queues `work` for a pool thread; false (and `work` never runs) when the queue is full
  // or the pool is stopping.
  bool TrySubmit(std::function<void()> work);

  // Runs what is queued and stops; later TrySubmit calls are refused.
  void Stop();

 private:
  void Loop();

  const Options options_;
  std::vector<std::thread> threads_;
  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace ticketing::exec

#endif  // TICKETING_SERVER_EXEC_CALL_POOL_H_
