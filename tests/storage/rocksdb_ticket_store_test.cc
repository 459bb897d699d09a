#include "storage/rocksdb_ticket_store.h"

#include <algorithm>
#include <filesystem>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/ticket_id.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::storage {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::ticketing::testing::IsOk;
using ::ticketing::testing::IsOkAndHolds;
using ::ticketing::testing::StatusIs;

constexpr int64_t kBaseMs = 1700000000000;

v1::Ticket MakeTicket(uint64_t id, int64_t create_ms) {
  v1::Ticket t;
  t.set_id(FormatTicketId(id));
  t.set_kind(v1::TICKET_KIND_REPAIR);
  t.set_account_id("ACME");
  t.set_summary("Printer jams");
  t.set_status(v1::TICKET_STATUS_NEW);
  t.set_priority(v1::PRIORITY_P3);
  t.set_version(1);
  t.mutable_create_time()->set_seconds(create_ms / 1000);
  t.mutable_create_time()->set_nanos(static_cast<int32_t>(create_ms % 1000) * 1000000);
  return t;
}

// A filter with one field set: Filter([](TicketFilter& f) { f.queue = "q"; }).
template <typename Set>
TicketFilter Filter(Set set) {
  TicketFilter filter;
  set(filter);
  return filter;
}

v1::TicketEvent EventFor(const v1::Ticket& t) {
  v1::TicketEvent e;
  e.set_ticket_id(t.id());
  e.set_sequence(t.version());
  return e;
}

class RocksDbTicketStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/store_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    Reopen();
  }
  void Reopen() {
    store_.reset();
    auto store = RocksDbTicketStore::Open(dir_);
    ASSERT_THAT(store, IsOk());
    store_ = *std::move(store);
  }
  void Create(const v1::Ticket& t) {
    ASSERT_THAT(store_->Commit(TicketChange{std::nullopt, t, EventFor(t), std::nullopt}), IsOk());
  }
  // Applies `edit` to the stored ticket as the next version.
  template <typename Edit>
  void Change(uint64_t id, Edit edit) {
    auto before = store_->GetTicket(id);
    ASSERT_THAT(before, IsOk());
    ASSERT_TRUE(before->has_value());
    v1::Ticket after = **before;
    edit(after);
    after.set_version(after.version() + 1);
    ASSERT_THAT(store_->Commit(TicketChange{**before, after, EventFor(after), std::nullopt}), IsOk());
  }
  void ExpectConsistent() {
    auto report = store_->Verify();
    ASSERT_THAT(report, IsOk());
    EXPECT_THAT(report->problems, IsEmpty());
    EXPECT_EQ(report->problem_count, 0);
  }
  std::vector<uint64_t> Ids(const TicketFilter& filter, int limit = 1000) {
    TicketListRequest request{filter, std::nullopt, limit};
    std::vector<uint64_t> ids;
    do {
      auto result = store_->ListTickets(request);
      EXPECT_THAT(result, IsOk());
      if (!result.ok()) break;
      for (const v1::Ticket& t : result->tickets) ids.push_back(*ParseTicketId(t.id()));
      request.after = result->resume_after;
    } while (request.after);
    return ids;
  }

  std::string dir_;
  std::unique_ptr<RocksDbTicketStore> store_;
};

TEST_F(RocksDbTicketStoreTest, CommittedTicketReadsBackWithItsEventAndRequest) {
  const v1::Ticket t = MakeTicket(store_->AllocateTicketId(), kBaseMs);
  ASSERT_THAT(store_->Commit(TicketChange{std::nullopt, t, EventFor(t), RequestRecord{"req-1", 1, 99}}),
              IsOk());
  auto read = store_->GetTicket(1);
  ASSERT_THAT(read, IsOk());
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ((*read)->SerializeAsString(), t.SerializeAsString());
  auto request = store_->GetRequest("req-1");
  ASSERT_THAT(request, IsOk());
  ASSERT_TRUE(request->has_value());
  EXPECT_EQ((*request)->ticket_id, 1u);
  EXPECT_EQ((*request)->fingerprint, 99u);
  auto unknown_request = store_->GetRequest("req-2");
  ASSERT_THAT(unknown_request, IsOk());
  EXPECT_FALSE(unknown_request->has_value());
  auto unknown_ticket = store_->GetTicket(2);
  ASSERT_THAT(unknown_ticket, IsOk());
  EXPECT_FALSE(unknown_ticket->has_value());
  auto events = store_->ListEvents(1, 0, 10);
  ASSERT_THAT(events, IsOk());
  EXPECT_THAT(*events, SizeIs(1));
}

TEST_F(RocksDbTicketStoreTest, IndexesFollowEveryKindOfChange) {
  Create(MakeTicket(1, kBaseMs));
  Create(MakeTicket(2, kBaseMs + 1));
  ExpectConsistent();
  Change(1, [](v1::Ticket& t) { t.set_assignee("tom"); t.set_status(v1::TICKET_STATUS_ASSIGNED); });
  ExpectConsistent();
  EXPECT_EQ(Ids(Filter([](TicketFilter& f) { f.assignee = "tom"; })), std::vector<uint64_t>{1});
  EXPECT_EQ(Ids(Filter([](TicketFilter& f) { f.statuses = {v1::TICKET_STATUS_NEW}; })), std::vector<uint64_t>{2});
  Change(1, [](v1::Ticket& t) { t.set_assignee("tim"); t.set_queue("field-east"); });
  Change(2, [](v1::Ticket& t) { t.set_priority(v1::PRIORITY_P1); t.set_queue("field-east"); });
  ExpectConsistent();
  EXPECT_THAT(Ids(Filter([](TicketFilter& f) { f.assignee = "tom"; })), IsEmpty());
  EXPECT_EQ(Ids(Filter([](TicketFilter& f) { f.queue = "field-east"; })), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(Ids(Filter([](TicketFilter& f) { f.priority = v1::PRIORITY_P1; })), std::vector<uint64_t>{2});
  Change(1, [](v1::Ticket& t) { t.clear_assignee(); t.clear_queue(); t.set_status(v1::TICKET_STATUS_NEW); });
  ExpectConsistent();
  EXPECT_EQ(Ids(Filter([](TicketFilter& f) { f.statuses = {v1::TICKET_STATUS_NEW}; })), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(Ids(Filter([](TicketFilter& f) { f.queue = "field-east"; })), std::vector<uint64_t>{2});
}

TEST_F(RocksDbTicketStoreTest, VerifyReportsStrayIndexEntriesAndHistoryGaps) {
  Create(MakeTicket(1, kBaseMs));
  v1::Ticket moved = MakeTicket(1, kBaseMs);
  moved.set_status(v1::TICKET_STATUS_CANCELLED);
  moved.set_version(3);  // skips version 2's event
  // A change committed without its `before` leaves the old status entry behind.
  ASSERT_THAT(store_->Commit(TicketChange{std::nullopt, moved, EventFor(moved), std::nullopt}), IsOk());
  auto report = store_->Verify();
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->problem_count, 2);
  EXPECT_THAT(absl::StrJoin(report->problems, "\n"), HasSubstr("stray index entry"));
  EXPECT_THAT(absl::StrJoin(report->problems, "\n"), HasSubstr("history jumps from 1 to 3"));
}

TEST_F(RocksDbTicketStoreTest, ReopenKeepsEverythingAndNeverReusesATicketNumber) {
  for (int i = 0; i < 5; ++i) Create(MakeTicket(store_->AllocateTicketId(), kBaseMs + i));
  Change(3, [](v1::Ticket& t) { t.set_assignee("tom"); });
  Reopen();
  ExpectConsistent();
  EXPECT_EQ(store_->AllocateTicketId(), 6u);
  auto t3 = store_->GetTicket(3);
  ASSERT_THAT(t3, IsOk());
  EXPECT_EQ((*t3)->assignee(), "tom");
  EXPECT_EQ(Ids(TicketFilter{}), (std::vector<uint64_t>{1, 2, 3, 4, 5}));
}

TEST_F(RocksDbTicketStoreTest, AVersion1DatabaseIsUpgradedOnOpenAndAnUnknownOneRefused) {
  for (int i = 0; i < 3; ++i) Create(MakeTicket(store_->AllocateTicketId(), kBaseMs + i));
  ASSERT_THAT(store_->PutSettings({{kSchemaVersionKey, "1"}}), IsOk());
  Reopen();
  EXPECT_THAT(store_->GetSetting(kSchemaVersionKey), IsOkAndHolds(std::optional<std::string>("2")));
  ExpectConsistent();
  EXPECT_EQ(Ids(TicketFilter{}), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ((*store_->GetTicket(2))->service_tier(), v1::SERVICE_TIER_STANDARD);
  ASSERT_THAT(store_->PutSettings({{kSchemaVersionKey, "9"}}), IsOk());
  store_.reset();
  EXPECT_THAT(RocksDbTicketStore::Open(dir_),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("schema version 9")));
}

TEST_F(RocksDbTicketStoreTest, ListingsMatchABruteForceScanForRandomFilters) {
  std::mt19937 rng(20261123);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  const std::vector<std::string> people = {"", "tom", "tim", "ann"};
  std::vector<v1::Ticket> all;
  for (uint64_t id = 1; id <= 400; ++id) {
    v1::Ticket t = MakeTicket(id, kBaseMs + pick(200));  // many equal times
    t.set_status(static_cast<v1::TicketStatus>(1 + pick(9)));
    t.set_priority(static_cast<v1::Priority>(1 + pick(4)));
    t.set_kind(static_cast<v1::TicketKind>(1 + pick(3)));
    t.set_account_id(absl::StrCat("acct-", pick(5)));
    t.set_assignee(people[pick(4)]);
    t.set_queue(people[pick(4)].empty() ? "" : absl::StrCat("q", pick(3)));
    Create(t);
    all.push_back(t);
  }
  std::sort(all.begin(), all.end(), [](const v1::Ticket& a, const v1::Ticket& b) {
    return PositionOf(a) < PositionOf(b);
  });
  for (int round = 0; round < 200; ++round) {
    TicketFilter filter;
    if (pick(3) == 0) filter.assignee = people[1 + pick(3)];
    if (pick(3) == 0) filter.account_id = absl::StrCat("acct-", pick(5));
    if (pick(4) == 0) filter.queue = absl::StrCat("q", pick(3));
    for (int n = pick(3); n > 0; --n) filter.statuses.push_back(static_cast<v1::TicketStatus>(1 + pick(9)));
    if (pick(4) == 0) filter.priority = static_cast<v1::Priority>(1 + pick(4));
    if (pick(4) == 0) filter.kind = static_cast<v1::TicketKind>(1 + pick(3));
    if (pick(3) == 0) filter.created_from = absl::FromUnixMillis(kBaseMs + pick(200));
    if (pick(3) == 0) filter.created_to = absl::FromUnixMillis(kBaseMs + pick(200));
    std::vector<uint64_t> expected;
    for (const v1::Ticket& t : all) {
      if (filter.Matches(t)) expected.push_back(*ParseTicketId(t.id()));
    }
    EXPECT_EQ(Ids(filter, 1 + pick(40)), expected) << "round " << round;
  }
}

TEST_F(RocksDbTicketStoreTest, ScanBudgetCutsAPageShortButPagingStillFindsEverything) {
  for (uint64_t id = 1; id <= 100; ++id) {
    v1::Ticket t = MakeTicket(id, kBaseMs + static_cast<int64_t>(id));
    if (id % 30 == 0) t.set_kind(v1::TICKET_KIND_COMPLAINT);
    Create(t);
  }
  TicketListRequest request;
  request.filter.statuses = {v1::TICKET_STATUS_NEW};
  request.filter.kind = v1::TICKET_KIND_COMPLAINT;
  request.limit = 50;
  request.scan_budget = 10;
  std::vector<std::string> found;
  int pages = 0;
  do {
    auto result = store_->ListTickets(request);
    ASSERT_THAT(result, IsOk());
    for (const v1::Ticket& t : result->tickets) found.push_back(t.id());
    request.after = result->resume_after;
    ++pages;
  } while (request.after);
  EXPECT_EQ(found, (std::vector<std::string>{"T-30", "T-60", "T-90"}));
  EXPECT_GE(pages, 10);
}

}  // namespace
}  // namespace ticketing::storage
