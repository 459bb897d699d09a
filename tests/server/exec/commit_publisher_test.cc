#include "server/exec/commit_publisher.h"

#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/rocksdb_ticket_store.h"
#include "storage/ticket_id.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::exec {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::ticketing::testing::IsOk;

// Keeps the sequences it applied; can be made to fail once or to block in Apply.
class RecordingFollower final : public CommitFollower {
 public:
  absl::Status Apply(const storage::CommitRecord& record) override {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(+[](bool* blocked) { return !*blocked; }, &blocked_));
    if (fail_next_) {
      fail_next_ = false;
      failed_ = record.sequence();
      return absl::UnavailableError("index unavailable");
    }
    applied_.push_back(record.sequence());
    return absl::OkStatus();
  }
  void Block() { Set(&blocked_, true); }
  void Unblock() { Set(&blocked_, false); }
  void FailNext() { Set(&fail_next_, true); }
  std::vector<int64_t> applied() {
    absl::MutexLock lock(&mu_);
    return applied_;
  }
  int64_t failed() {
    absl::MutexLock lock(&mu_);
    return failed_;
  }

 private:
  void Set(bool* flag, bool value) {
    absl::MutexLock lock(&mu_);
    *flag = value;
  }
  absl::Mutex mu_;
  bool blocked_ ABSL_GUARDED_BY(mu_) = false;
  bool fail_next_ ABSL_GUARDED_BY(mu_) = false;
  int64_t failed_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<int64_t> applied_ ABSL_GUARDED_BY(mu_);
};

class CommitPublisherTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(storage::StoreOptions()); }
  void Open(storage::StoreOptions options) {
    store_.reset();
    dir_ = ::testing::TempDir() + "/publisher_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    options.observer = &publisher_;
    auto store = storage::RocksDbTicketStore::Open(dir_, options);
    ASSERT_THAT(store, IsOk());
    store_ = *std::move(store);
  }
  // Commits one new ticket: one record in the log.
  void Commit() {
    v1::Ticket t;
    t.set_id(FormatTicketId(store_->AllocateTicketId()));
    t.set_version(1);
    t.mutable_create_time()->set_seconds(1700000000);
    v1::TicketEvent event;
    event.set_sequence(1);
    ASSERT_THAT(store_->Commit(storage::TicketChange{std::nullopt, t, event, std::nullopt}), IsOk());
  }
  static std::vector<int64_t> Range(int64_t first, int64_t last) {
    std::vector<int64_t> range;
    for (int64_t i = first; i <= last; ++i) range.push_back(i);
    return range;
  }

  std::string dir_;
  CommitPublisher publisher_;
  std::unique_ptr<storage::RocksDbTicketStore> store_;
};

TEST_F(CommitPublisherTest, AFollowerAppliesEveryCommitOnceAndCatchesUpFromTheStoreAfterARestart) {
  RecordingFollower follower;
  for (int i = 0; i < 3; ++i) Commit();  // before the follower starts: read from the log
  int64_t saved = 0;
  {
    FollowerThread thread("test-follower", follower, *store_, publisher_, 0);
    for (int i = 0; i < 2; ++i) Commit();  // while it runs: woken by the publisher
    ASSERT_TRUE(thread.WaitForApplied(5, absl::Seconds(10)));
    saved = thread.applied();
  }
  EXPECT_EQ(saved, 5);
  for (int i = 0; i < 4; ++i) Commit();  // while it is stopped
  FollowerThread again("test-follower", follower, *store_, publisher_, saved);
  ASSERT_TRUE(again.WaitForApplied(9, absl::Seconds(10)));
  EXPECT_THAT(follower.applied(), ElementsAreArray(Range(1, 9)));
}

TEST_F(CommitPublisherTest, ASlowFollowerNeverHoldsUpTheWritesAndCatchesUpAfterwards) {
  RecordingFollower follower;
  follower.Block();
  FollowerThread thread("test-follower", follower, *store_, publisher_, 0, absl::Milliseconds(1));
  for (int i = 0; i < 50; ++i) Commit();  // every commit returns while the follower is stuck
  EXPECT_EQ(store_->LastCommitSequence(), 50);
  EXPECT_EQ(thread.applied(), 0);
  follower.Unblock();
  ASSERT_TRUE(thread.WaitForApplied(50, absl::Seconds(10)));
  EXPECT_THAT(follower.applied(), ElementsAreArray(Range(1, 50)));
}

TEST_F(CommitPublisherTest, AFailedApplyIsRetriedWithTheSameRecord) {
  RecordingFollower follower;
  Commit();
  follower.FailNext();
  FollowerThread thread("test-follower", follower, *store_, publisher_, 0, absl::Milliseconds(1));
  Commit();
  ASSERT_TRUE(thread.WaitForApplied(2, absl::Seconds(10)));
  EXPECT_EQ(follower.failed(), 1);
  EXPECT_THAT(follower.applied(), ElementsAre(1, 2));
}

// Rebuilds by taking the log's last sequence as its state (a real follower reads the store
// after it); counts its rebuilds.
class RebuildingFollower final : public CommitFollower {
 public:
  absl::Status Apply(const storage::CommitRecord& record) override {
    absl::MutexLock lock(&mu_);
    applied_.push_back(record.sequence());
    return absl::OkStatus();
  }
  absl::StatusOr<int64_t> Rebuild(storage::CommitLog& log) override {
    absl::MutexLock lock(&mu_);
    rebuilt_from_ = log.LastCommitSequence();
    return rebuilt_from_;
  }
  std::vector<int64_t> applied() {
    absl::MutexLock lock(&mu_);
    return applied_;
  }
  int64_t rebuilt_from() {
    absl::MutexLock lock(&mu_);
    return rebuilt_from_;
  }

 private:
  absl::Mutex mu_;
  std::vector<int64_t> applied_ ABSL_GUARDED_BY(mu_);
  int64_t rebuilt_from_ ABSL_GUARDED_BY(mu_) = -1;
};

TEST_F(CommitPublisherTest, AFollowerBehindTheRetentionRebuildsFromTheStoreThenFollowsOn) {
  storage::StoreOptions options;
  options.sync_writes = false;  // 1,100 writes
  options.commit_log_retention = 100;
  Open(options);
  for (int i = 0; i < 1100; ++i) Commit();  // trimmed at 1,024: records 1-924 are gone
  RebuildingFollower follower;
  FollowerThread thread("test-follower", follower, *store_, publisher_, 0, absl::Milliseconds(1));
  ASSERT_TRUE(thread.WaitForApplied(1100, absl::Seconds(10)));
  EXPECT_EQ(follower.rebuilt_from(), 1100);
  EXPECT_THAT(follower.applied(), ::testing::IsEmpty()) << "nothing before the rebuild applied";
  Commit();
  ASSERT_TRUE(thread.WaitForApplied(1101, absl::Seconds(10)));
  EXPECT_THAT(follower.applied(), ElementsAre(1101));
}

TEST_F(CommitPublisherTest, AFollowerThatCannotRebuildStaysWhereItWasAndAppliesNothing) {
  storage::StoreOptions options;
  options.sync_writes = false;
  options.commit_log_retention = 100;
  Open(options);
  for (int i = 0; i < 1100; ++i) Commit();
  RecordingFollower follower;  // no Rebuild: the default refuses
  FollowerThread thread("test-follower", follower, *store_, publisher_, 0, absl::Milliseconds(1));
  EXPECT_FALSE(thread.WaitForApplied(1, absl::Milliseconds(200)));
  EXPECT_EQ(thread.applied(), 0);
  EXPECT_THAT(follower.applied(), ::testing::IsEmpty());
}

TEST_F(CommitPublisherTest, WaitersWakeOnACommitOrAnAlertAndAllReturnOnceClosed) {
  EXPECT_FALSE(publisher_.WaitForCommitAfter(0, absl::Milliseconds(1)));
  Commit();
  EXPECT_TRUE(publisher_.WaitForCommitAfter(0, absl::ZeroDuration()));
  EXPECT_FALSE(publisher_.WaitForAlertAfter(0, absl::Milliseconds(1))) << "no alert yet";
  storage::CommitRecord with_alerts;
  with_alerts.set_sequence(2);
  with_alerts.set_first_alert(1);
  with_alerts.set_last_alert(3);
  publisher_.Committed(with_alerts);
  EXPECT_TRUE(publisher_.WaitForAlertAfter(2, absl::ZeroDuration()));
  EXPECT_FALSE(publisher_.WaitForAlertAfter(3, absl::Milliseconds(1)));

  absl::Notification woke;
  std::thread waiter([&] {
    publisher_.WaitForCommitAfter(100, absl::Hours(1));
    woke.Notify();
  });
  publisher_.Close();
  EXPECT_TRUE(woke.WaitForNotificationWithTimeout(absl::Seconds(10)));
  waiter.join();
  EXPECT_TRUE(publisher_.closed());
}

}  // namespace
}  // namespace ticketing::exec
