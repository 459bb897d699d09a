#include "server/exec/commit_publisher.h"

#include <pthread.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "server/common/log.h"

namespace ticketing::exec {

void CommitPublisher::Committed(const storage::CommitRecord& record) {
  absl::MutexLock lock(&mu_);  // held for a few instructions: waiters only read under it
  last_commit_ = std::max(last_commit_, record.sequence());
  last_alert_ = std::max(last_alert_, record.last_alert());
}

bool CommitPublisher::WaitForCommitAfter(int64_t after, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return last_commit_ > after || closed_; };
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
    pthread_setname_np(pthread_self(), name_.substr(0, 15).c_str());
    Loop();
  });
}

FollowerThread::~FollowerThread() {
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

void FollowerThread::Loop() {
  constexpr int kReadAtOnce = 256;
  while (!stop_.HasBeenNotified() && !publisher_.closed()) {
    absl::StatusOr<std::vector<storage::CommitRecord>> records =
        log_.ReadCommits(applied(), kReadAtOnce);
    absl::Status failed = records.status();
    if (failed.ok()) {
      for (const storage::CommitRecord& record : *records) {
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
      stop_.WaitForNotificationWithTimeout(retry_after_);
      continue;
    }
    // Everything read: sleep until the next commit (the timeout only rechecks stop_).
    if (records->size() < static_cast<size_t>(kReadAtOnce)) {
      publisher_.WaitForCommitAfter(applied(), absl::Milliseconds(200));
    }
  }
}

}  // namespace ticketing::exec
