#include "storage/rocksdb_ticket_store.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "server/domain/queues/work_order.h"
#include "storage/keys.h"
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
    StoreOptions options;
    options.upgrade_v1_ticket = [](v1::Ticket& t) { domain::UpgradeVersion1Ticket(t); };
    auto store = RocksDbTicketStore::Open(dir_, options);
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

TEST_F(RocksDbTicketStoreTest, AByteBudgetEndsAPageOfLargeTicketsButPagingStillFindsEverything) {
  for (uint64_t id = 1; id <= 10; ++id) {
    v1::Ticket t = MakeTicket(id, kBaseMs + static_cast<int64_t>(id));
    t.set_description(std::string(10000, 'd'));
    Create(t);
  }
  for (bool serialized : {true, false}) {
    TicketListRequest request;
    request.limit = 50;
    request.byte_budget = 25000;  // reached with the third ticket
    request.serialized = serialized;
    std::vector<size_t> page_sizes;
    do {
      auto result = store_->ListTickets(request);
      ASSERT_THAT(result, IsOk());
      page_sizes.push_back(serialized ? result->records.size() : result->tickets.size());
      request.after = result->resume_after;
    } while (request.after);
    EXPECT_EQ(page_sizes, (std::vector<size_t>{3, 3, 3, 1})) << "serialized " << serialized;
  }
}

// Remembers every record it is told of.
class RecordingObserver final : public CommitObserver {
 public:
  void Committed(const CommitRecord& record) override { records.push_back(record); }
  std::vector<CommitRecord> records;
};

TEST(CommitLogTest, EveryWriteIsLoggedInOrderWithWhatItChangedAndTheObserverHearsOfIt) {
  const std::string dir = ::testing::TempDir() + "/commit_log_order";
  std::filesystem::remove_all(dir);
  RecordingObserver observer;
  StoreOptions options;
  options.observer = &observer;
  auto store = RocksDbTicketStore::Open(dir, options);
  ASSERT_THAT(store, IsOk());
  // 1: a ticket created with an alert; 2: two tickets in one write, one of them changed.
  v1::Ticket t1 = MakeTicket(1, kBaseMs), t2 = MakeTicket(2, kBaseMs + 1);
  std::vector<v1::Alert> raised(1);
  raised[0].set_ticket_id("T-1");
  TicketChange create1{std::nullopt, t1, EventFor(t1), std::nullopt, &raised};
  ASSERT_THAT((*store)->Commit(create1), IsOk());
  v1::Ticket t1b = t1;
  t1b.set_version(2);
  TicketChange change1{t1, t1b, EventFor(t1b), std::nullopt};
  TicketChange create2{std::nullopt, t2, EventFor(t2), std::nullopt};
  ASSERT_THAT((*store)->CommitMany({&change1, &create2}), IsOk());
  // 3: the alert acknowledged; 4: an account.
  v1::Alert acked = raised[0];
  acked.set_acknowledged(true);
  ASSERT_THAT((*store)->UpdateAlert(raised[0], acked), IsOk());
  AccountChange account;
  account.after.set_id("ACME");
  account.after.set_version(1);
  account.event.set_sequence(1);
  ASSERT_THAT((*store)->CommitAccounts({account}, {}, {}), IsOk());
  // Settings are not followed: no record.
  ASSERT_THAT((*store)->PutSettings({{"k", "v"}}), IsOk());

  auto records = (*store)->ReadCommits(0, 100);
  ASSERT_THAT(records, IsOk());
  ASSERT_THAT(*records, SizeIs(4));
  EXPECT_EQ((*records)[0].sequence(), 1);
  ASSERT_THAT((*records)[0].tickets(), SizeIs(1));
  EXPECT_EQ((*records)[0].tickets(0).ticket_id(), 1u);
  EXPECT_EQ((*records)[0].tickets(0).event_sequence(), 1);
  EXPECT_EQ((*records)[0].first_alert(), 1);
  EXPECT_EQ((*records)[0].last_alert(), 1);
  ASSERT_THAT((*records)[1].tickets(), SizeIs(2));
  EXPECT_EQ((*records)[1].tickets(0).event_sequence(), 2);
  EXPECT_EQ((*records)[1].tickets(1).ticket_id(), 2u);
  EXPECT_EQ((*records)[1].last_alert(), 0) << "no alert in that write";
  EXPECT_THAT((*records)[2].tickets(), IsEmpty());
  EXPECT_THAT((*records)[2].updated_alerts(), ::testing::ElementsAre(1));
  ASSERT_THAT((*records)[3].accounts(), SizeIs(1));
  EXPECT_EQ((*records)[3].accounts(0).account_id(), "ACME");
  ASSERT_THAT(observer.records, SizeIs(4));
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(observer.records[i].SerializeAsString(), (*records)[i].SerializeAsString());
  }
  EXPECT_EQ((*store)->LastCommitSequence(), 4);
  auto from_three = (*store)->ReadCommits(2, 100);
  ASSERT_THAT(from_three, IsOk());
  ASSERT_THAT(*from_three, SizeIs(2));
  EXPECT_EQ((*from_three)[0].sequence(), 3);

  // Reopened, the log goes on where it was.
  store->reset();
  store = RocksDbTicketStore::Open(dir, options);
  ASSERT_THAT(store, IsOk());
  EXPECT_EQ((*store)->LastCommitSequence(), 4);
  v1::Ticket t3 = MakeTicket(3, kBaseMs + 2);
  ASSERT_THAT((*store)->Commit(TicketChange{std::nullopt, t3, EventFor(t3), std::nullopt}), IsOk());
  EXPECT_EQ(observer.records.back().sequence(), 5);
}

TEST(CommitLogTest, ARetentionBelowOneIsRefused) {
  const std::string dir = ::testing::TempDir() + "/commit_log_retention_0";
  std::filesystem::remove_all(dir);
  StoreOptions options;
  options.commit_log_retention = 0;
  EXPECT_THAT(RocksDbTicketStore::Open(dir, options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("commit_log_retention")));
}

TEST(CommitLogTest, RecordsBeyondTheRetentionAreTrimmedAndReadingThemIsOutOfRange) {
  const std::string dir = ::testing::TempDir() + "/commit_log_trim";
  std::filesystem::remove_all(dir);
  StoreOptions options;
  options.sync_writes = false;  // 2,048 writes
  options.commit_log_retention = 100;
  auto store = RocksDbTicketStore::Open(dir, options);
  ASSERT_THAT(store, IsOk());
  for (uint64_t id = 1; id <= 2048; ++id) {
    const v1::Ticket t = MakeTicket(id, kBaseMs + static_cast<int64_t>(id));
    ASSERT_THAT((*store)->Commit(TicketChange{std::nullopt, t, EventFor(t), std::nullopt}), IsOk());
  }
  // Trimmed at 2,048: everything before 2,048 - 100 + 1 is gone.
  EXPECT_THAT((*store)->ReadCommits(0, 10), StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("trimmed")));
  EXPECT_THAT((*store)->ReadCommits(1947, 10), StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("oldest kept is 1949")));
  auto kept = (*store)->ReadCommits(1948, 1000);
  ASSERT_THAT(kept, IsOk());
  ASSERT_THAT(*kept, SizeIs(100));
  EXPECT_EQ(kept->front().sequence(), 1949);
  EXPECT_EQ(kept->back().sequence(), 2048);
  auto at_end = (*store)->ReadCommits(2048, 10);
  ASSERT_THAT(at_end, IsOk());
  EXPECT_THAT(*at_end, IsEmpty());
}

TEST(AuditStoreTest, RecordsAreNumberedReadBothWaysKeptAcrossReopenAndTrimmedBeyondRetention) {
  const std::string dir = ::testing::TempDir() + "/audit_store";
  std::filesystem::remove_all(dir);
  StoreOptions options;
  options.sync_writes = false;  // 2,100 records
  options.audit_retention = 1000;
  {
    auto store = RocksDbTicketStore::Open(dir, options);
    ASSERT_THAT(store, IsOk());
    std::vector<v1::AuditRecord> records(3);
    for (v1::AuditRecord& r : records) r.set_actor("anonymous");
    ASSERT_THAT((*store)->AppendAudit(records), IsOk());
    EXPECT_EQ(records[0].sequence(), 1);
    EXPECT_EQ(records[2].sequence(), 3);
  }
  auto store = RocksDbTicketStore::Open(dir, options);
  ASSERT_THAT(store, IsOk());
  for (int i = 0; i < 21; ++i) {
    std::vector<v1::AuditRecord> batch(100);
    ASSERT_THAT((*store)->AppendAudit(batch), IsOk());
  }
  // Numbering goes on after the reopen: 3 + 2,100.
  auto newest = (*store)->ReadAudit(std::numeric_limits<int64_t>::max(), true, 2);
  ASSERT_THAT(newest, IsOk());
  ASSERT_THAT(*newest, SizeIs(2));
  EXPECT_EQ((*newest)[0].sequence(), 2103);
  EXPECT_EQ((*newest)[1].sequence(), 2102);
  // Trimmed by the append that passed 2,048 (the one ending at 2,103): everything before
  // 2,103 - 1,000 + 1 is gone.
  auto oldest = (*store)->ReadAudit(0, false, 1);
  ASSERT_THAT(oldest, IsOk());
  ASSERT_THAT(*oldest, SizeIs(1));
  EXPECT_EQ((*oldest)[0].sequence(), 1104);
  auto around = (*store)->ReadAudit(1500, true, 3);
  ASSERT_THAT(around, IsOk());
  ASSERT_THAT(*around, SizeIs(3));
  EXPECT_EQ((*around)[2].sequence(), 1498);
}

// Writes `value` under `key` of `family` straight into the closed store at `dir`: a record
// the store itself would never write, as a disk fault or a bad tool might leave.
void PutRaw(const std::string& dir, const std::string& family, const std::string& key,
            const std::string& value) {
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& name : names) families.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir, families, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == family) EXPECT_TRUE(db->Put(rocksdb::WriteOptions(), handles[i], key, value).ok());
  }
  for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
}

TEST_F(RocksDbTicketStoreTest, UsersAndTokensAreStoredReplacedAndDeletedInOneWrite) {
  IdentityStore::Identities changes;
  v1::UserInfo carol;
  carol.set_name("carol");
  carol.set_role(v1::ROLE_AGENT);
  changes.users.push_back(carol);
  v1::TokenInfo token;
  token.set_id("0123456789ab");
  token.set_user("carol");
  const std::string hash(32, 'h'), other(32, 'o');
  changes.tokens.emplace_back(hash, token);
  token.set_id("ba9876543210");
  changes.tokens.emplace_back(other, token);
  ASSERT_THAT(store_->WriteIdentities(changes), IsOk());
  IdentityStore::Identities purge;
  purge.deleted_tokens.push_back(other);
  carol.set_disabled(true);
  purge.users.push_back(carol);
  ASSERT_THAT(store_->WriteIdentities(purge), IsOk());
  Reopen();
  absl::StatusOr<IdentityStore::Identities> read = store_->ReadIdentities();
  ASSERT_THAT(read, IsOk());
  ASSERT_THAT(read->users, SizeIs(1));
  EXPECT_TRUE(read->users[0].disabled());
  ASSERT_THAT(read->tokens, SizeIs(1));
  EXPECT_EQ(read->tokens[0].first, hash);
  EXPECT_EQ(read->tokens[0].second.id(), "0123456789ab");
  ExpectConsistent();
  IdentityStore::Identities gone;
  gone.deleted_users.push_back("carol");
  gone.deleted_tokens.push_back(hash);
  ASSERT_THAT(store_->WriteIdentities(gone), IsOk());
  read = store_->ReadIdentities();
  ASSERT_THAT(read, IsOk());
  EXPECT_THAT(read->users, IsEmpty());
  EXPECT_THAT(read->tokens, IsEmpty());
  IdentityStore::Identities bad;
  bad.deleted_tokens.push_back("short");
  EXPECT_THAT(store_->WriteIdentities(bad), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
}

TEST_F(RocksDbTicketStoreTest, VerifyFindsBadIdentityRecordsAndGapsInTheAuditLog) {
  IdentityStore::Identities changes;
  v1::TokenInfo token;
  token.set_id("0123456789ab");
  token.set_user("carol");
  changes.tokens.emplace_back(std::string(32, 'a'), token);
  changes.tokens.emplace_back(std::string(32, 'b'), token);  // the same id twice
  ASSERT_THAT(store_->WriteIdentities(changes), IsOk());
  std::vector<v1::AuditRecord> records(3);
  ASSERT_THAT(store_->AppendAudit(records), IsOk());
  store_.reset();
  PutRaw(dir_, "identity", "ucarol", "\xff\xff not a user");
  PutRaw(dir_, "identity", "x?", "");
  v1::AuditRecord later;
  later.set_sequence(5);  // 4 is missing
  PutRaw(dir_, "audit", AuditKey(5), later.SerializeAsString());
  Reopen();
  absl::StatusOr<VerifyReport> report = store_->Verify();
  ASSERT_THAT(report, IsOk());
  const std::string problems = absl::StrJoin(report->problems, "\n");
  EXPECT_EQ(report->problem_count, 4) << problems;
  EXPECT_THAT(problems, HasSubstr("unreadable user record at key ucarol"));
  EXPECT_THAT(problems, HasSubstr("identity record with a key of unknown form x?"));
  EXPECT_THAT(problems, HasSubstr("two token records have id 0123456789ab"));
  EXPECT_THAT(problems, HasSubstr("audit sequence jumps to 5 where 4 was due"));
  EXPECT_THAT(problems, Not(HasSubstr("aaaa")));  // token hashes are never shown
}

}  // namespace
}  // namespace ticketing::storage
