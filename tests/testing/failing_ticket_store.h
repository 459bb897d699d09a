#ifndef TICKETING_TESTS_TESTING_FAILING_TICKET_STORE_H_
#define TICKETING_TESTS_TESTING_FAILING_TICKET_STORE_H_

#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "storage/ticket_store.h"

namespace ticketing::testing {

// A TicketStore that forwards to a real one, except that ticket commits (Commit,
// CommitMany, UpdateAlert) fail with UNAVAILABLE ("disk gone") while `fail_commits` is set,
// writing nothing: the write failures a real disk gives, on demand. Commits can also be
// held (a slow disk: HoldCommits, then ReleaseCommits). Counts the commits it let through.
// Account reads fail with UNAVAILABLE while `fail_account_reads` is set, and scans of the
// accounts can be held like commits (HoldAccountScans).
class FailingTicketStore final : public storage::Store {
 public:
  explicit FailingTicketStore(storage::Store& real) : real_(real) {}

  std::atomic<bool> fail_commits{false};
  std::atomic<bool> fail_account_reads{false};
  std::atomic<int> commits{0};

  // From now on commits wait until ReleaseCommits().
  void HoldCommits() {
    absl::MutexLock lock(&mu_);
    held_ = true;
  }
  void ReleaseCommits() {
    absl::MutexLock lock(&mu_);
    held_ = false;
  }
  // Waits until a commit is waiting on the hold.
  void AwaitHeldCommit() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&waiting_));
  }
  // From now on scans of the accounts wait until ReleaseAccountScans().
  void HoldAccountScans() {
    absl::MutexLock lock(&mu_);
    scans_held_ = true;
  }
  void ReleaseAccountScans() {
    absl::MutexLock lock(&mu_);
    scans_held_ = false;
  }
  // Waits until a scan of the accounts is waiting on the hold.
  void AwaitHeldAccountScan() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&scan_waiting_));
  }

  uint64_t AllocateTicketId() override { return real_.AllocateTicketId(); }
  absl::StatusOr<std::optional<v1::Ticket>> GetTicket(uint64_t id) override {
    return real_.GetTicket(id);
  }
  absl::StatusOr<std::optional<storage::RequestRecord>> GetRequest(
      const std::string& request_id) override {
    return real_.GetRequest(request_id);
  }
  absl::Status Commit(const storage::TicketChange& change) override {
    return CommitMany({&change});
  }
  absl::Status CommitMany(const std::vector<const storage::TicketChange*>& changes) override {
    {
      absl::MutexLock lock(&mu_);
      waiting_ = held_;
      mu_.Await(absl::Condition(
          +[](bool* held) { return !*held; }, &held_));
      waiting_ = false;
    }
    if (fail_commits) return absl::UnavailableError("disk gone");
    ++commits;
    return real_.CommitMany(changes);
  }
  absl::StatusOr<storage::TicketListResult> ListTickets(
      const storage::TicketListRequest& request) override {
    return real_.ListTickets(request);
  }
  absl::StatusOr<std::vector<v1::TicketEvent>> ListEvents(uint64_t ticket_id,
                                                          int64_t after_sequence,
                                                          int limit) override {
    return real_.ListEvents(ticket_id, after_sequence, limit);
  }
  absl::StatusOr<std::vector<uint64_t>> DueTimers(absl::Time now, int limit) override {
    return real_.DueTimers(now, limit);
  }
  absl::StatusOr<std::optional<absl::Time>> NextTimerDue() override {
    return real_.NextTimerDue();
  }
  absl::StatusOr<std::vector<v1::Alert>> ListAlerts(int64_t after_sequence, int limit) override {
    return real_.ListAlerts(after_sequence, limit);
  }
  absl::StatusOr<std::optional<v1::Alert>> GetAlert(int64_t sequence) override {
    return real_.GetAlert(sequence);
  }
  absl::Status UpdateAlert(const v1::Alert& before, const v1::Alert& after) override {
    return Commit(storage::TicketChange::AlertUpdate(before, after));
  }
  absl::StatusOr<std::vector<int64_t>> DueAlertTimers(absl::Time now, int limit) override {
    return real_.DueAlertTimers(now, limit);
  }
  int64_t LastAlertSequence() override { return real_.LastAlertSequence(); }
  absl::StatusOr<std::optional<v1::SlaConfig>> GetSlaConfig() override {
    return real_.GetSlaConfig();
  }
  absl::StatusOr<std::optional<v1::SlaConfig>> GetSlaConfigVersion(int64_t version) override {
    return real_.GetSlaConfigVersion(version);
  }
  absl::Status PutSlaConfig(const v1::SlaConfig& config) override {
    return real_.PutSlaConfig(config);
  }
  absl::StatusOr<std::optional<v1::TechnicianAvailability>> GetAvailability(
      const std::string& technician) override {
    return real_.GetAvailability(technician);
  }
  absl::Status PutAvailability(const v1::TechnicianAvailability& availability) override {
    return real_.PutAvailability(availability);
  }
  absl::StatusOr<std::optional<v1::Account>> GetAccount(const std::string& id) override {
    if (fail_account_reads) return absl::UnavailableError("account read failed");
    return real_.GetAccount(id);
  }
  absl::Status CommitAccounts(const std::vector<storage::AccountChange>& changes,
                              const std::vector<storage::RetierJob>& started,
                              const std::vector<storage::RetierJob>& done) override {
    return real_.CommitAccounts(changes, started, done);
  }
  absl::StatusOr<std::vector<v1::Account>> ScanAccounts(const std::string& after_id,
                                                        int limit) override {
    {
      absl::MutexLock lock(&mu_);
      scan_waiting_ = scans_held_;
      mu_.Await(absl::Condition(+[](bool* held) { return !*held; }, &scans_held_));
      scan_waiting_ = false;
    }
    return real_.ScanAccounts(after_id, limit);
  }
  absl::StatusOr<std::vector<v1::AccountEvent>> ListAccountEvents(const std::string& account_id,
                                                                  int64_t after_sequence,
                                                                  int limit) override {
    return real_.ListAccountEvents(account_id, after_sequence, limit);
  }
  absl::StatusOr<std::vector<storage::RetierJob>> ListRetierJobs() override {
    return real_.ListRetierJobs();
  }
  absl::StatusOr<storage::WorkQueuePage> ListWorkQueue(const storage::WorkQueueScope& scope,
                                                       const std::string& after,
                                                       int limit) override {
    return real_.ListWorkQueue(scope, after, limit);
  }
  absl::StatusOr<int64_t> CountOpenAssigned(const std::string& user, int64_t limit) override {
    return real_.CountOpenAssigned(user, limit);
  }
  absl::Status ScanFacts(absl::Time from, absl::Time to,
                         const std::function<absl::Status(const v1::TicketFacts&)>& fn) override {
    return real_.ScanFacts(from, to, fn);
  }
  absl::StatusOr<storage::VerifyReport> Verify() override { return real_.Verify(); }

 private:
  storage::Store& real_;
  absl::Mutex mu_;
  bool held_ ABSL_GUARDED_BY(mu_) = false;
  bool waiting_ ABSL_GUARDED_BY(mu_) = false;
  bool scans_held_ ABSL_GUARDED_BY(mu_) = false;
  bool scan_waiting_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace ticketing::testing

#endif  // TICKETING_TESTS_TESTING_FAILING_TICKET_STORE_H_
