#include "server/exec/write_executor.h"

#include <filesystem>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/tickets/lifecycle_service.h"
#include "server/domain/tickets/ticket_queries.h"
#include "storage/batching_ticket_store.h"
#include "storage/rocksdb_ticket_store.h"
#include "storage/ticket_id.h"
#include "tests/testing/failing_ticket_store.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::domain {
namespace {

using ::testing::Each;
using ::ticketing::exec::RunWrite;
using ::ticketing::exec::WriteExecutor;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::ticketing::testing::FakeClock;
using ::ticketing::testing::IsOk;
using ::ticketing::testing::StatusIs;

const Principal kAlice{"alice", v1::ROLE_AGENT};

v1::CreateTicketRequest Request(const std::string& request_id,
                                const std::string& summary = "Printer jams") {
  v1::CreateTicketRequest request;
  request.set_request_id(request_id);
  v1::Ticket* t = request.mutable_ticket();
  t->set_kind(v1::TICKET_KIND_REPAIR);
  t->set_account_id("ACME");
  t->set_summary(summary);
  t->mutable_contact()->set_name("Li Wei");
  return request;
}

// Completions gathered from the answerer thread.
class Answers {
 public:
  std::function<void(absl::StatusOr<v1::Ticket>)> Callback() {
    return [this](absl::StatusOr<v1::Ticket> result) {
      absl::MutexLock lock(&mu_);
      results_.push_back(std::move(result));
    };
  }
  // Waits for `n` answers and returns them in the order given.
  std::vector<absl::StatusOr<v1::Ticket>> Wait(size_t n) {
    absl::MutexLock lock(&mu_);
    auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return results_.size() >= n; };
    mu_.Await(absl::Condition(&ready));
    return results_;
  }
  size_t count() {
    absl::MutexLock lock(&mu_);
    return results_.size();
  }

 private:
  absl::Mutex mu_;
  std::vector<absl::StatusOr<v1::Ticket>> results_ ABSL_GUARDED_BY(mu_);
};

class WriteExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(WriteExecutor::Options()); }
  void Open(WriteExecutor::Options options) {
    dir_ = ::testing::TempDir() + "/write_executor_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    auto real = storage::RocksDbTicketStore::Open(dir_);
    ASSERT_THAT(real, IsOk());
    real_ = *std::move(real);
    failing_ = std::make_unique<testing::FailingTicketStore>(*real_);
    store_ = std::make_unique<storage::BatchingTicketStore>(*failing_);
    core_ = std::make_unique<TicketCore>(*store_, clock_, rules_, nullptr);
    tickets_ = std::make_unique<LifecycleService>(*core_, users_, LifecycleService::Options());
    queries_ = std::make_unique<TicketQueries>(*core_);
    executor_ = std::make_unique<WriteExecutor>(*store_, options);
    executor_->Start();
  }
  void TearDown() override {
    executor_->Stop();
    auto report = real_->Verify();
    ASSERT_THAT(report, IsOk());
    EXPECT_THAT(report->problems, IsEmpty()) << "store inconsistent after the test";
  }

  // Holds the writer inside a piece of work until Release(): what is submitted meanwhile
  // waits, and then runs as one batch.
  void HoldWriter() {
    auto entered = std::make_shared<absl::Notification>();
    executor_->Submit<int>(
        [this, entered]() -> absl::StatusOr<int> {
          entered->Notify();
          release_.WaitForNotification();
          return 0;
        },
        [](absl::StatusOr<int>) {});
    entered->WaitForNotification();
  }
  void Release() { release_.Notify(); }

  void SubmitCreate(const v1::CreateTicketRequest& request, Answers& answers) {
    executor_->Submit<v1::Ticket>([this, request] { return tickets_->Create(kAlice, request); },
                                  answers.Callback());
  }

  std::string dir_;
  FakeClock clock_;
  UserDirectory users_{{kAlice}};
  TicketRules rules_;  // no SLA, no escalation: the executor's behaviour alone
  std::unique_ptr<storage::RocksDbTicketStore> real_;
  std::unique_ptr<testing::FailingTicketStore> failing_;
  std::unique_ptr<storage::BatchingTicketStore> store_;
  std::unique_ptr<TicketCore> core_;
  std::unique_ptr<LifecycleService> tickets_;
  std::unique_ptr<TicketQueries> queries_;
  std::unique_ptr<WriteExecutor> executor_;
  absl::Notification release_;
};

TEST_F(WriteExecutorTest, RequestsArrivingWhileTheDiskIsBusyShareOneDurableWrite) {
  failing_->HoldCommits();  // a slow disk: the committer is busy with the first batch
  Answers answers;
  SubmitCreate(Request("first"), answers);
  failing_->AwaitHeldCommit();
  absl::Mutex mu;
  int ran = 0;
  for (int i = 0; i < 50; ++i) {
    executor_->Submit<v1::Ticket>(
        [this, i, &mu, &ran] {
          auto created = tickets_->Create(kAlice, Request(absl::StrCat("r", i)));
          absl::MutexLock lock(&mu);
          ++ran;
          return created;
        },
        answers.Callback());
  }
  {
    absl::MutexLock lock(&mu);  // the writer has run (staged) all 50
    mu.Await(absl::Condition(+[](int* n) { return *n == 50; }, &ran));
  }
  EXPECT_EQ(answers.count(), 0u) << "nothing is answered before it is written";
  failing_->ReleaseCommits();
  std::vector<absl::StatusOr<v1::Ticket>> results = answers.Wait(51);
  std::set<std::string> ids;
  for (const auto& result : results) {
    ASSERT_THAT(result, IsOk());
    ids.insert(result->id());
  }
  EXPECT_THAT(ids, SizeIs(51));
  EXPECT_EQ(failing_->commits, 2) << "the first create, then the 50 together";
  EXPECT_EQ(executor_->stats().largest_batch, 50);
}

TEST_F(WriteExecutorTest, AnAnswerMeansTheTicketIsStored) {
  std::atomic<int> stored{0};
  std::atomic<int> answered{0};
  std::vector<std::thread> agents;
  for (int a = 0; a < 4; ++a) {
    agents.emplace_back([&, a] {
      for (int i = 0; i < 100; ++i) {
        absl::Notification done;
        executor_->Submit<v1::Ticket>(
            [&, a, i] { return tickets_->Create(kAlice, Request(absl::StrCat(a, "-", i))); },
            [&](absl::StatusOr<v1::Ticket> ticket) {
              if (ticket.ok() && (*real_->GetTicket(*ParseTicketId(ticket->id())))) {
                ++stored;
              }
              ++answered;
              done.Notify();
            });
        done.WaitForNotification();
      }
    });
  }
  for (std::thread& agent : agents) agent.join();
  EXPECT_EQ(answered, 400);
  EXPECT_EQ(stored, 400) << "every answered ticket was already in the store";
}

TEST_F(WriteExecutorTest, ALaterRequestReadsWhatAnEarlierOneInTheSameBatchWrote) {
  HoldWriter();
  Answers answers;
  SubmitCreate(Request("same"), answers);
  SubmitCreate(Request("same"), answers);  // a retry: must return the first ticket
  SubmitCreate(Request("same", "Another summary"), answers);  // the id reused for other content
  Release();
  std::vector<absl::StatusOr<v1::Ticket>> results = answers.Wait(3);
  ASSERT_THAT(results[0], IsOk());
  ASSERT_THAT(results[1], IsOk());
  EXPECT_EQ(results[1]->id(), results[0]->id());
  EXPECT_THAT(results[2], StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("same")));
  EXPECT_EQ(failing_->commits, 1);
}

TEST_F(WriteExecutorTest, AFailedWriteFailsEveryRequestOfItsBatchAndStoresNothing) {
  HoldWriter();
  Answers answers;
  for (int i = 0; i < 3; ++i) SubmitCreate(Request(absl::StrCat("r", i)), answers);
  failing_->fail_commits = true;
  Release();
  std::vector<absl::StatusOr<v1::Ticket>> results = answers.Wait(3);
  EXPECT_THAT(results, Each(StatusIs(absl::StatusCode::kUnavailable, HasSubstr("disk gone"))));
  auto listed = real_->ListTickets(storage::TicketListRequest{});
  ASSERT_THAT(listed, IsOk());
  EXPECT_THAT(listed->tickets, IsEmpty());

  failing_->fail_commits = false;  // the disk is back: the same requests succeed
  Answers retried;
  SubmitCreate(Request("r0"), retried);
  ASSERT_THAT(retried.Wait(1)[0], IsOk());
}

TEST_F(WriteExecutorTest, RequestsWrittenByAnEarlyWriteSucceedWhenTheRestOfTheBatchFails) {
  HoldWriter();
  Answers answers;
  SubmitCreate(Request("before"), answers);
  executor_->Submit<v1::Ticket>(
      [this]() -> absl::StatusOr<v1::Ticket> {
        // A listing inside a request writes what is staged first (the early write)...
        auto listed = queries_->List(kAlice, v1::ListTicketsRequest());
        if (!listed.ok()) return listed.status();
        auto created = tickets_->Create(kAlice, Request("during"));
        failing_->fail_commits = true;  // ...and the batch's own write fails
        return created;
      },
      answers.Callback());
  SubmitCreate(Request("after"), answers);
  Release();
  std::vector<absl::StatusOr<v1::Ticket>> results = answers.Wait(3);
  failing_->fail_commits = false;
  EXPECT_THAT(results[0], IsOk()) << "written by the early write: durable";
  EXPECT_THAT(results[1], StatusIs(absl::StatusCode::kUnavailable, HasSubstr("disk gone")));
  EXPECT_THAT(results[2], StatusIs(absl::StatusCode::kUnavailable, HasSubstr("disk gone")));
  EXPECT_NE(*real_->GetRequest("before"), std::nullopt);
  EXPECT_EQ(*real_->GetRequest("during"), std::nullopt);
  EXPECT_EQ(*real_->GetRequest("after"), std::nullopt);
}

TEST_F(WriteExecutorTest, WorkSubmittedByWorkIsAnsweredWithItsBatch) {
  std::atomic<bool> stored_when_answered{false};
  absl::Notification answered;
  absl::StatusOr<v1::Ticket> outer = RunWrite<v1::Ticket>(*executor_, [&] {
    executor_->Submit<v1::Ticket>(
        [&] { return tickets_->Create(kAlice, Request("nested")); },
        [&](absl::StatusOr<v1::Ticket> ticket) {
          stored_when_answered = ticket.ok() && (*real_->GetRequest("nested")).has_value();
          answered.Notify();
        });
    return tickets_->Create(kAlice, Request("outer"));
  });
  ASSERT_THAT(outer, IsOk());
  answered.WaitForNotification();
  EXPECT_TRUE(stored_when_answered) << "not answered before its batch was written";
  EXPECT_EQ(failing_->commits, 1);
}

TEST_F(WriteExecutorTest, WorkBeyondTheQueueLimitIsRefusedAtOnce) {
  executor_->Stop();
  executor_ = std::make_unique<WriteExecutor>(*store_, WriteExecutor::Options{1024, 2});
  executor_->Start();
  HoldWriter();
  Answers answers;
  SubmitCreate(Request("a"), answers);
  SubmitCreate(Request("b"), answers);
  SubmitCreate(Request("c"), answers);
  std::vector<absl::StatusOr<v1::Ticket>> refused = answers.Wait(1);
  EXPECT_THAT(refused[0], StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("busy")));
  Release();
  std::vector<absl::StatusOr<v1::Ticket>> all = answers.Wait(3);
  EXPECT_THAT(all[1], IsOk());
  EXPECT_THAT(all[2], IsOk());
  EXPECT_EQ(*real_->GetRequest("c"), std::nullopt) << "the refused work never ran";
}

TEST_F(WriteExecutorTest, RunWaitsUntilDurableAndRunsNestedWorkInTheSameBatch) {
  absl::StatusOr<v1::Ticket> inner;
  absl::StatusOr<v1::Ticket> outer = RunWrite<v1::Ticket>(*executor_, [&] {
    inner = RunWrite<v1::Ticket>(*executor_, [&] { return tickets_->Create(kAlice, Request("in")); });
    return tickets_->Create(kAlice, Request("out"));
  });
  ASSERT_THAT(outer, IsOk());
  ASSERT_THAT(inner, IsOk());
  EXPECT_NE(*real_->GetRequest("in"), std::nullopt);
  EXPECT_NE(*real_->GetRequest("out"), std::nullopt);
  EXPECT_EQ(failing_->commits, 1);
}

TEST_F(WriteExecutorTest, StopAnswersEverythingQueuedThenWorkRunsOnTheCaller) {
  HoldWriter();
  Answers answers;
  for (int i = 0; i < 10; ++i) SubmitCreate(Request(absl::StrCat("r", i)), answers);
  std::thread stopper([&] { executor_->Stop(); });
  Release();
  stopper.join();
  EXPECT_EQ(answers.count(), 10u);
  EXPECT_THAT(answers.Wait(10), Each(IsOk()));

  Answers after;
  SubmitCreate(Request("after-stop"), after);
  EXPECT_EQ(after.count(), 1u) << "ran on the caller's thread";
  EXPECT_NE(*real_->GetRequest("after-stop"), std::nullopt);
}

TEST_F(WriteExecutorTest, WorkSubmittedWhileStopWaitsForTheLastWriteIsStillAnswered) {
  failing_->HoldCommits();  // the last batch stays on the disk while Stop() waits for it
  Answers first;
  SubmitCreate(Request("last-batch"), first);
  failing_->AwaitHeldCommit();
  std::thread stopper([&] { executor_->Stop(); });
  // Stop() has the writer wait for the committer; work queued meanwhile must not be left
  // in a queue nobody takes once the writer exits.
  while (!executor_->draining()) std::this_thread::yield();
  Answers late;
  SubmitCreate(Request("while-stopping"), late);
  failing_->ReleaseCommits();
  stopper.join();
  EXPECT_THAT(first.Wait(1), Each(IsOk()));
  EXPECT_EQ(late.count(), 1u) << "answered by the time Stop() returned";
  EXPECT_NE(*real_->GetRequest("while-stopping"), std::nullopt);
}

}  // namespace
}  // namespace ticketing::domain
