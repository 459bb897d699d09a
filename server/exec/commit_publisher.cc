#include "server/exec/commit_publisher.h"

#include <pthread.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "server/common/log.h"

namespace ticketing::exec {

// Runs on the writing thread (the committer, for tickets) under the store's commit lock: it
// only records two numbers. Nobody is signalled by hand: absl::Mutex re-evaluates the
// waiters' conditions when it is released.
void CommitPublisher::Committed(const storage::CommitRecord& record) {
  absl::MutexLock lock(&mu_);  // held for a few instructions: waiters only read under it
  last_commit_ = std::max(last_commit_, record.sequence());
  // max: a record that appended no alerts carries last_alert 0.
  last_alert_ = std::max(last_alert_, record.last_alert());
}

bool CommitPublisher::WaitForCommitAfter(int64_t after, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return last_commit_ > after || closed_; };
  // The condition is on state, not on a signal: a commit that landed before this call (after
  // the caller last read the log) satisfies it at once, so no wake-up is lost.
  mu_.AwaitWithTimeout(absl::Condition(&ready), timeout);
  return last_commit_ > after;
}

bool CommitPublisher::WaitForAlertAfter(int64_t after, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return last_alert_ > after || closed_; };
  mu_.AwaitWithTimeout(absl::Condition(&ready), timeout);
  return last_alert_ > after;
}

void CommitPublisher::Close() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
}

bool CommitPublisher::closed() const {
  absl::MutexLock lock(&mu_);
  return closed_;
}

FollowerThread::FollowerThread(std::string name, CommitFollower& follower,
                               storage::CommitLog& log, CommitPublisher& publisher,
                               int64_t start_after, absl::Duration retry_after)
    : name_(std::move(name)),
      follower_(follower),
      log_(log),
      publisher_(publisher),
      retry_after_(retry_after),
      applied_(start_after) {
  thread_ = std::thread([this] {
    // Linux thread names are at most 15 characters; pthread_setname_np refuses longer ones.
    pthread_setname_np(pthread_self(), name_.substr(0, 15).c_str());
    Loop();
  });
}

FollowerThread::~FollowerThread() {
  // The loop checks stop_ between waits, which last at most 200 ms (retry_after after a
  // failure), so this join is prompt.
  stop_.Notify();
  thread_.join();
}

int64_t FollowerThread::applied() const {
  absl::MutexLock lock(&mu_);
  return applied_;
}

bool FollowerThread::WaitForApplied(int64_t sequence, absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto done = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return applied_ >= sequence; };
  return mu_.AwaitWithTimeout(absl::Condition(&done), timeout);
}

absl::StatusOr<int64_t> CommitFollower::Rebuild(storage::CommitLog&) {
  return absl::FailedPreconditionError(
      "the commit log no longer holds the records after this follower's cursor, and it "
      "cannot rebuild from the store");
}

void FollowerThread::Loop() {
  // Read in pages, so a follower far behind never holds more than this many records at once.
  constexpr int kReadAtOnce = 256;
  while (!stop_.HasBeenNotified() && !publisher_.closed()) {
    absl::StatusOr<std::vector<storage::CommitRecord>> records =
        log_.ReadCommits(applied(), kReadAtOnce);
    absl::Status failed = records.status();
    if (absl::IsOutOfRange(failed)) {
      // Trimmed past the cursor: only the store as it is now can bring the follower back.
      absl::StatusOr<int64_t> rebuilt = follower_.Rebuild(log_);
      if (rebuilt.ok()) {
        LogInfo("commit follower rebuilt from the store",
                {{"follower", name_}, {"after", std::to_string(*rebuilt)}});
        absl::MutexLock lock(&mu_);
        applied_ = *rebuilt;
        continue;
      }
      failed = rebuilt.status();
    } else if (failed.ok()) {
      for (const storage::CommitRecord& record : *records) {
        // The cursor moves only past a record applied, so a failure retries that same record.
        failed = follower_.Apply(record);
        if (!failed.ok()) break;
        absl::MutexLock lock(&mu_);
        applied_ = record.sequence();
      }
    }
    if (!failed.ok()) {
      LogError("commit follower failed; retrying",
               {{"follower", name_}, {"after", std::to_string(applied())},
                {"status", failed.ToString()}});
      // A failing follower waits before retrying: a persistent error (the store, or a
      // follower that cannot rebuild) is retried and logged at this pace, forever.
      stop_.WaitForNotificationWithTimeout(retry_after_);
      continue;
    }
    // Everything read: sleep until the next commit (the timeout only rechecks stop_).
    // A full read may have left more behind: read again without waiting.
    if (records->size() < static_cast<size_t>(kReadAtOnce)) {
      publisher_.WaitForCommitAfter(applied(), absl::Milliseconds(200));
    }
  }
}

}  // namespace ticketing::exec
