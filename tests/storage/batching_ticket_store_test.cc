#include "storage/batching_ticket_store.h"

#include <filesystem>
#include <memory>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/rocksdb_ticket_store.h"
#include "storage/ticket_id.h"
#include "tests/testing/failing_ticket_store.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::storage {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Optional;
using ::testing::SizeIs;
using ::ticketing::testing::IsOk;
using ::ticketing::testing::StatusIs;

v1::Ticket MakeTicket(uint64_t id, int64_t version) {
  v1::Ticket t;
  t.set_id(FormatTicketId(id));
  t.set_kind(v1::TICKET_KIND_REPAIR);
  t.set_account_id("ACME");
  t.set_summary("Printer jams");
  t.set_status(v1::TICKET_STATUS_NEW);
  t.set_priority(v1::PRIORITY_P3);
  t.set_version(version);
  t.mutable_create_time()->set_seconds(1700000000 + static_cast<int64_t>(id));
  return t;
}

v1::Alert MakeAlert(uint64_t ticket) {
  v1::Alert alert;
  alert.set_ticket_id(FormatTicketId(ticket));
  alert.set_level(1);
  return alert;
}

// Ticket `id` created (version 1) with request "r<id>", raising `alerts`.
TicketChange Create(uint64_t id, std::vector<v1::Alert>* alerts = nullptr) {
  TicketChange change;
  change.after = MakeTicket(id, 1);
  change.event.set_ticket_id(change.after.id());
  change.event.set_sequence(1);
  change.request = RequestRecord{"r" + std::to_string(id), id, 42};
  change.alerts = alerts;
  return change;
}

// `before` moved to the next version with a new summary.
TicketChange Update(const v1::Ticket& before, std::vector<v1::Alert>* alerts = nullptr) {
  TicketChange change;
  change.before = before;
  change.after = before;
  change.after.set_version(before.version() + 1);
  change.after.set_summary("Printer jams again");
  change.event.set_ticket_id(before.id());
  change.event.set_sequence(change.after.version());
  change.alerts = alerts;
  return change;
}

class BatchingTicketStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/batching_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    auto real = RocksDbTicketStore::Open(dir_);
    ASSERT_THAT(real, IsOk());
    real_ = *std::move(real);
    failing_ = std::make_unique<testing::FailingTicketStore>(*real_);
    store_ = std::make_unique<BatchingTicketStore>(*failing_);
    store_->BindWriter();
  }
  void TearDown() override {
    auto report = real_->Verify();
    ASSERT_THAT(report, IsOk());
    EXPECT_THAT(report->problems, IsEmpty());
  }

  // What another thread (a gRPC reader) sees of ticket `id`.
  std::optional<v1::Ticket> SeenElsewhere(uint64_t id) {
    std::optional<v1::Ticket> seen;
    std::thread reader([&] { seen = *store_->GetTicket(id); });
    reader.join();
    return seen;
  }

  std::string dir_;
  std::unique_ptr<RocksDbTicketStore> real_;
  std::unique_ptr<testing::FailingTicketStore> failing_;
  std::unique_ptr<BatchingTicketStore> store_;
};

TEST_F(BatchingTicketStoreTest, StagedWritesAreSeenByTheWriterAloneUntilWritten) {
  store_->BeginBatch();
  std::vector<v1::Alert> alerts = {MakeAlert(1), MakeAlert(1)};
  ASSERT_THAT(store_->Commit(Create(1, &alerts)), IsOk());

  // The writer reads its batch: the ticket, the request, the alerts numbered as stored.
  EXPECT_EQ(alerts[0].sequence(), 1);
  EXPECT_EQ(alerts[1].sequence(), 2);
  EXPECT_THAT(*store_->GetTicket(1), Optional(::testing::_));
  EXPECT_EQ((*store_->GetRequest("r1"))->ticket_id, 1u);
  EXPECT_THAT(*store_->GetAlert(2), Optional(::testing::_));
  EXPECT_EQ(store_->LastAlertSequence(), 2);
  // Nothing is stored yet, and other threads read what is stored.
  EXPECT_EQ(*real_->GetTicket(1), std::nullopt);
  EXPECT_EQ(real_->LastAlertSequence(), 0);
  EXPECT_EQ(SeenElsewhere(1), std::nullopt);

  std::shared_ptr<GroupCommit::Batch> sealed = store_->Seal();
  ASSERT_THAT(sealed->Write(), IsOk());
  EXPECT_EQ(failing_->commits, 1) << "one batch, one write";
  EXPECT_THAT(*real_->GetTicket(1), Optional(::testing::_));
  EXPECT_EQ(real_->LastAlertSequence(), 2);
  EXPECT_EQ((*real_->GetAlert(2))->ticket_id(), "T-1");
  EXPECT_THAT(SeenElsewhere(1), Optional(::testing::_));
}

TEST_F(BatchingTicketStoreTest, TicketWritesFromAnotherThreadAreRefusedWhileAWriterIsBound) {
  absl::Status refused;
  std::thread other([&] { refused = store_->Commit(Create(1)); });
  other.join();
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kInternal, HasSubstr("write executor")));
  EXPECT_EQ(*real_->GetTicket(1), std::nullopt);

  store_->UnbindWriter();  // e.g. before the executor starts: writes go straight through
  absl::Status direct;
  std::thread again([&] { direct = store_->Commit(Create(1)); });
  again.join();
  EXPECT_THAT(direct, IsOk());
  EXPECT_THAT(*real_->GetTicket(1), Optional(::testing::_));
}

TEST_F(BatchingTicketStoreTest, AScanInsideABatchFirstWritesWhatIsStaged) {
  store_->BeginBatch();
  ASSERT_THAT(store_->Commit(Create(1)), IsOk());
  auto listed = store_->ListTickets(TicketListRequest{});
  ASSERT_THAT(listed, IsOk());
  EXPECT_THAT(listed->tickets, SizeIs(1)) << "the listing sees the staged ticket";
  EXPECT_THAT(*real_->GetTicket(1), Optional(::testing::_));
  ASSERT_THAT(store_->Commit(Create(2)), IsOk());
  std::shared_ptr<GroupCommit::Batch> sealed = store_->Seal();
  ASSERT_THAT(sealed->Write(), IsOk());
  EXPECT_EQ(failing_->commits, 2);
  EXPECT_THAT(*real_->GetTicket(2), Optional(::testing::_));
}

TEST_F(BatchingTicketStoreTest, TheNextBatchReadsTheOneInFlight) {
  store_->BeginBatch();
  std::vector<v1::Alert> first = {MakeAlert(1)};
  ASSERT_THAT(store_->Commit(Create(1, &first)), IsOk());
  std::shared_ptr<GroupCommit::Batch> in_flight = store_->Seal();  // handed to the committer

  store_->BeginBatch();
  const std::optional<v1::Ticket> current = *store_->GetTicket(1);
  ASSERT_TRUE(current.has_value()) << "read from the batch in flight";
  std::vector<v1::Alert> second = {MakeAlert(1)};
  ASSERT_THAT(store_->Commit(Update(*current, &second)), IsOk());
  EXPECT_EQ(second[0].sequence(), 2) << "numbered after the batch in flight";
  EXPECT_FALSE(store_->InFlightDone());

  ASSERT_THAT(in_flight->Write(), IsOk());  // the committer
  EXPECT_TRUE(store_->InFlightDone());
  std::shared_ptr<GroupCommit::Batch> next = store_->Seal();
  ASSERT_THAT(next->Write(), IsOk());
  EXPECT_EQ((*real_->GetTicket(1))->version(), 2);
  EXPECT_EQ(real_->LastAlertSequence(), 2);
}

TEST_F(BatchingTicketStoreTest, AFailedWriteFailsTheBatchBuiltOnItAndLeavesNoGap) {
  store_->BeginBatch();
  std::vector<v1::Alert> first = {MakeAlert(1)};
  ASSERT_THAT(store_->Commit(Create(1, &first)), IsOk());
  std::shared_ptr<GroupCommit::Batch> in_flight = store_->Seal();
  store_->BeginBatch();
  std::vector<v1::Alert> second = {MakeAlert(1)};
  ASSERT_THAT(store_->Commit(Update(**store_->GetTicket(1), &second)), IsOk());

  failing_->fail_commits = true;
  EXPECT_THAT(in_flight->Write(), StatusIs(absl::StatusCode::kUnavailable, HasSubstr("disk gone")));
  failing_->fail_commits = false;
  // The open batch read ticket 1 from the failed one: it must not be written.
  std::shared_ptr<GroupCommit::Batch> doomed = store_->Seal();
  EXPECT_THAT(static_cast<BatchWrite&>(*doomed).status, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("disk gone")));
  EXPECT_THAT(doomed->Write(), StatusIs(absl::StatusCode::kUnavailable, HasSubstr("disk gone")));
  EXPECT_EQ(failing_->commits, 0);
  EXPECT_EQ(*real_->GetTicket(1), std::nullopt);

  // The next batch starts from what is stored: alert sequences stay gap-free.
  store_->BeginBatch();
  std::vector<v1::Alert> third = {MakeAlert(7)};
  ASSERT_THAT(store_->Commit(Create(7, &third)), IsOk());
  EXPECT_EQ(third[0].sequence(), 1);
  std::shared_ptr<GroupCommit::Batch> sealed = store_->Seal();
  ASSERT_THAT(sealed->Write(), IsOk());
  EXPECT_EQ(real_->LastAlertSequence(), 1);
  EXPECT_EQ(*real_->GetTicket(1), std::nullopt);
}

TEST_F(BatchingTicketStoreTest, AnEarlyWriteEndsASegmentWhoseRequestsKeepTheirOutcome) {
  store_->BeginBatch();
  ASSERT_THAT(store_->Commit(Create(1)), IsOk());  // segment 0
  EXPECT_EQ(store_->segment(), 0u);
  ASSERT_THAT(store_->ListTickets(TicketListRequest{}), IsOk());  // writes segment 0
  EXPECT_EQ(store_->segment(), 1u);
  ASSERT_THAT(store_->Commit(Create(2)), IsOk());  // segment 1
  std::shared_ptr<GroupCommit::Batch> sealed = store_->Seal();
  failing_->fail_commits = true;
  EXPECT_THAT(sealed->Write(), StatusIs(absl::StatusCode::kUnavailable, HasSubstr("disk gone")));
  failing_->fail_commits = false;

  EXPECT_THAT(sealed->OutcomeOf(0, 0), IsOk()) << "stored by the early write";
  EXPECT_THAT(sealed->OutcomeOf(1, 1), StatusIs(absl::StatusCode::kUnavailable, HasSubstr("disk gone")));
  EXPECT_THAT(sealed->OutcomeOf(0, 1), StatusIs(absl::StatusCode::kUnavailable, HasSubstr("disk gone")))
      << "a request spanning both read what failed";
  EXPECT_THAT(*real_->GetTicket(1), Optional(::testing::_));
  EXPECT_EQ(*real_->GetTicket(2), std::nullopt);
}

TEST_F(BatchingTicketStoreTest, AlertUpdatesJoinTheBatch) {
  store_->UnbindWriter();
  std::vector<v1::Alert> raised = {MakeAlert(1)};
  ASSERT_THAT(store_->Commit(Create(1, &raised)), IsOk());  // straight through
  store_->BindWriter();
  store_->BeginBatch();
  v1::Alert acknowledged = raised[0];
  acknowledged.set_acknowledged(true);
  ASSERT_THAT(store_->UpdateAlert(raised[0], acknowledged), IsOk());
  EXPECT_TRUE((*store_->GetAlert(1))->acknowledged());
  EXPECT_FALSE((*real_->GetAlert(1))->acknowledged());
  std::shared_ptr<GroupCommit::Batch> sealed = store_->Seal();
  ASSERT_THAT(sealed->Write(), IsOk());
  EXPECT_TRUE((*real_->GetAlert(1))->acknowledged());
}

}  // namespace
}  // namespace ticketing::storage
