#include "storage/keys.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/ticket_id.h"

namespace ticketing::storage {
namespace {

using ::testing::Contains;
using ::testing::Not;
using ::testing::SizeIs;

TEST(KeysTest, BigEndianKeysSortLikeTheirNumbers) {
  const uint64_t values[] = {0, 1, 255, 256, 65535, 1ull << 40, ~0ull};
  for (size_t i = 1; i < std::size(values); ++i) {
    EXPECT_LT(TicketKey(values[i - 1]), TicketKey(values[i]));
    EXPECT_EQ(TicketIdFromKey(TicketKey(values[i])), values[i]);
  }
  EXPECT_LT(EventKey(7, 9), EventKey(7, 10));
  EXPECT_LT(EventKey(7, 1000), EventKey(8, 1));
}

TEST(KeysTest, PositionsOrderByTimeThenId) {
  const Position a{1000, 9}, b{1000, 10}, c{1001, 1};
  EXPECT_LT(EncodePosition(a), EncodePosition(b));
  EXPECT_LT(EncodePosition(b), EncodePosition(c));
  EXPECT_EQ(DecodePositionSuffix(StatusPrefix(v1::TICKET_STATUS_NEW) + EncodePosition(b)), b);
}

TEST(KeysTest, TicketIdsHaveOneSpelling) {
  EXPECT_EQ(FormatTicketId(42), "T-42");
  EXPECT_EQ(ParseTicketId("T-42"), 42u);
  EXPECT_EQ(ParseTicketId("T-18446744073709551615"), 18446744073709551615ull);
  for (const char* bad : {"T-042", "T-0", "T-", "42", "T-1a", "T-18446744073709551616", " T-1"}) {
    EXPECT_EQ(ParseTicketId(bad), std::nullopt) << bad;
  }
}

TEST(KeysTest, IndexKeysCoverEveryFilterAndSkipEmptyNames) {
  v1::Ticket t;
  t.set_id("T-5");
  t.set_status(v1::TICKET_STATUS_NEW);
  t.set_priority(v1::PRIORITY_P2);
  t.set_kind(v1::TICKET_KIND_REPAIR);
  t.set_account_id("ACME");
  t.mutable_create_time()->set_seconds(1700000000);
  t.mutable_create_time()->set_nanos(999999999);
  const std::string suffix = EncodePosition(Position{1700000000999, 5});
  std::vector<std::string> keys = IndexKeys(t);
  EXPECT_THAT(keys, SizeIs(5));
  EXPECT_THAT(keys, Contains(AccountPrefix("ACME") + suffix));
  EXPECT_THAT(keys, Not(Contains(AssigneePrefix("") + suffix)));
  t.set_assignee("tom");
  t.set_queue("field");
  keys = IndexKeys(t);
  EXPECT_THAT(keys, SizeIs(9));  // and the two work queues
  EXPECT_THAT(keys, Contains(AssigneePrefix("tom") + suffix));
  EXPECT_THAT(keys, Contains(QueuePrefix("field") + suffix));
  t.set_status(v1::TICKET_STATUS_RESOLVED);
  EXPECT_THAT(IndexKeys(t), SizeIs(7)) << "resolved work leaves the work queues";
}

TEST(KeysTest, WorkQueueKeysOrderBreachedFirstThenByRankThenId) {
  const auto key = [](uint64_t id, bool breached, int64_t rank_seconds) {
    v1::Ticket t;
    t.set_id(absl::StrCat("T-", id));
    t.set_status(v1::TICKET_STATUS_ASSIGNED);
    t.set_queue("field");
    t.set_sla_breached(breached);
    if (rank_seconds >= 0) t.mutable_queue_rank_time()->set_seconds(rank_seconds);
    for (const std::string& k : IndexKeys(t)) {
      if (k.rfind(WorkQueuePrefix("field"), 0) == 0) {
        EXPECT_EQ(WorkKeyTicketId(k), id);
        return k;
      }
    }
    ADD_FAILURE() << "no work-queue key";
    return std::string();
  };
  const std::vector<std::string> ordered = {key(9, true, 5000), key(3, false, 100),
                                            key(4, false, 100), key(1, false, 200),
                                            key(2, false, -1)};
  EXPECT_TRUE(std::is_sorted(ordered.begin(), ordered.end()));
}

TEST(KeysTest, NamePrefixesDoNotCollide) {
  // "ab" must not be a prefix of "abc"'s entries: the 0x00 separator ends every name.
  EXPECT_NE(AccountPrefix("abc").rfind(AccountPrefix("ab"), 0), 0u);
}

}  // namespace
}  // namespace ticketing::storage
