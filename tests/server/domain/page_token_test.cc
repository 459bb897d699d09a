#include "server/domain/base/page_token.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "ticketing/v1/ticket_service.pb.h"

namespace ticketing::domain {
namespace {

using ::testing::HasSubstr;
using ::testing::Pair;
using ::ticketing::testing::IsOk;
using ::ticketing::testing::StatusIs;

TEST(PageTokenTest, TokenRoundTripsItsCursor) {
  const std::string token = EncodePageToken(1700000000123, 42, 7);
  absl::StatusOr<std::pair<uint64_t, uint64_t>> cursor = DecodePageToken(token, 7);
  ASSERT_THAT(cursor, IsOk());
  EXPECT_THAT(*cursor, Pair(1700000000123u, 42u));
}

TEST(PageTokenTest, GarbageIsRefusedNamingPageToken) {
  for (const char* garbage : {"xyz", "", "!!!!", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}) {
    EXPECT_THAT(DecodePageToken(garbage, 7),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token"))) << garbage;
  }
}

TEST(PageTokenTest, TokenFromOtherFiltersIsRefused) {
  const std::string token = EncodePageToken(1, 2, 7);
  EXPECT_THAT(DecodePageToken(token, 8),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("other filters")));
}

TEST(PageTokenTest, FingerprintIsStableAndSeesEveryFilter) {
  v1::ListTicketsRequest a;
  a.set_account_id("ACME");
  a.add_statuses(v1::TICKET_STATUS_NEW);
  v1::ListTicketsRequest b = a;
  EXPECT_EQ(Fingerprint(a), Fingerprint(b));
  b.set_queue("field");
  EXPECT_NE(Fingerprint(a), Fingerprint(b));
  // FNV-1a of the deterministic bytes: the same value in every process and release.
  v1::ListTicketsRequest empty;
  EXPECT_EQ(Fingerprint(empty), 14695981039346656037ull);
}

}  // namespace
}  // namespace ticketing::domain
