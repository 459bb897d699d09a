#include "server/exec/audit_writer.h"

#include <pthread.h>

#include "absl/strings/str_cat.h"
#include "proto/base/proto_time.h"
#include "server/common/log.h"

namespace ticketing::exec {

AuditWriter::AuditWriter(storage::AuditStore& store, const Clock& clock, Options options)
    : store_(store), clock_(clock), options_(options) {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "tkt-audit");
    Loop();
  });
}

AuditWriter::~AuditWriter() { Stop(); }

void AuditWriter::Append(v1::AuditRecord record, std::function<void(absl::Status)> then) {
  {
    absl::MutexLock lock(&mu_);
    if (!stopped_) {
      if (then == nullptr && static_cast<int>(queue_.size()) >= options_.max_pending) {
        ++dropped_;
        return;
      }
      queue_.push_back({std::move(record), std::move(then)});
      return;
    }
  }
  // The thread has ended (the server is stopping): written here, one write each.
  std::vector<Pending> one;
  one.push_back({std::move(record), std::move(then)});
  Write(std::move(one), 0);
}

void AuditWriter::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

int64_t AuditWriter::dropped() const {
  absl::MutexLock lock(&mu_);
  return dropped_;
}

void AuditWriter::Loop() {
  while (true) {
    std::vector<Pending> batch;
    int64_t dropped_since = 0;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !queue_.empty() || stopping_;
      };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) {
        stopped_ = true;  // under the lock Append checks: nothing queued after this is missed
        return;
      }
      batch.swap(queue_);
      dropped_since = dropped_ - dropped_reported_;
      dropped_reported_ = dropped_;
    }
    Write(std::move(batch), dropped_since);
  }
}

void AuditWriter::Write(std::vector<Pending> batch, int64_t dropped_before) {
  std::vector<v1::AuditRecord> records;
  records.reserve(batch.size() + 1);
  if (dropped_before > 0) {
    // The log says itself where it has a hole, so that a reader knows records are missing.
    v1::AuditRecord gap;
    ToTimestamp(clock_.Now(), gap.mutable_time());
    gap.set_kind(v1::AuditRecord::KIND_DENIAL);
    gap.set_actor("system");
    gap.set_method("audit");
    gap.set_code("RESOURCE_EXHAUSTED");
    gap.set_message(absl::StrCat(dropped_before,
                                 " denial records were dropped: they came faster than the "
                                 "log could write them"));
    records.push_back(std::move(gap));
  }
  for (Pending& p : batch) records.push_back(std::move(p.record));
  const absl::Status written = store_.AppendAudit(records);
  if (!written.ok()) {
    LogError("cannot write audit records",
             {{"status", written.ToString()}, {"records", std::to_string(records.size())}});
    absl::MutexLock lock(&mu_);
    dropped_ += static_cast<int64_t>(batch.size());
  }
  for (Pending& p : batch) {
    if (p.then != nullptr) p.then(written);
  }
}

}  // namespace ticketing::exec
