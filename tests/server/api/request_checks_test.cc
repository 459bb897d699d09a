// CheckRequest: the shape every request must have before its endpoint runs.
#include "server/api/request_checks.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "ticketing/v1/account.pb.h"
#include "ticketing/v1/admin_service.pb.h"
#include "ticketing/v1/ticket_service.pb.h"

namespace ticketing::api {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using ::ticketing::testing::IsOk;
using ::ticketing::testing::StatusIs;

constexpr int64_t k2024 = 1704067200;  // 2024-01-01T00:00:00Z

v1::ScheduleVisitRequest Visit() {
  v1::ScheduleVisitRequest r;
  r.set_ticket_id("T-1");
  r.mutable_window_start()->set_seconds(k2024);
  r.mutable_window_end()->set_seconds(k2024 + 7200);
  return r;
}

TEST(RequestChecksTest, TimestampsInTheServersYearsPass) { EXPECT_THAT(CheckRequest(Visit()), IsOk()); }

TEST(RequestChecksTest, ATimestampOutsideTheYearsIsNamedByItsPath) {
  v1::ScheduleVisitRequest r = Visit();
  // Year 10000: past what RFC 3339 (and protobuf's JSON) can print.
  r.mutable_window_end()->set_seconds(253402300800);
  EXPECT_THAT(CheckRequest(r), StatusIs(absl::StatusCode::kInvalidArgument,
                                        StartsWith("window_end: seconds 253402300800")));
  r = Visit();
  r.mutable_window_start()->set_seconds(0);  // 1970
  EXPECT_THAT(CheckRequest(r), StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("window_start:")));
  r = Visit();
  r.mutable_window_start()->set_nanos(-1);
  EXPECT_THAT(CheckRequest(r),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("window_start: nanos")));
}

TEST(RequestChecksTest, NestedTimestampsAndDurationsAreFoundAtAnyDepth) {
  v1::UpdateTicketRequest r;
  v1::Visit* visit = r.mutable_ticket()->add_visits();
  visit->mutable_arrive_time()->set_seconds(k2024);
  EXPECT_THAT(CheckRequest(r), IsOk());
  r.mutable_ticket()->add_visits()->mutable_leave_time()->set_seconds(-62135596801);
  EXPECT_THAT(CheckRequest(r), StatusIs(absl::StatusCode::kInvalidArgument,
                                        StartsWith("ticket.visits[1].leave_time:")));

  v1::AdvanceTestClockRequest advance;
  advance.mutable_advance()->set_seconds(3600);
  EXPECT_THAT(CheckRequest(advance), IsOk());
  advance.mutable_advance()->set_nanos(-5);  // positive seconds, negative nanos
  EXPECT_THAT(CheckRequest(advance), StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("advance:")));
  advance.mutable_advance()->set_nanos(0);
  advance.mutable_advance()->set_seconds(int64_t{4000} * 24 * 3600);
  EXPECT_THAT(CheckRequest(advance),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at most 3660 days")));
}

TEST(RequestChecksTest, RepeatedFieldsAreCappedExceptTheBulkOnes) {
  v1::ListTicketsRequest list;
  for (int i = 0; i < kMaxRepeatedItems; ++i) list.add_statuses(v1::TICKET_STATUS_NEW);
  EXPECT_THAT(CheckRequest(list), IsOk());
  list.add_statuses(v1::TICKET_STATUS_NEW);
  EXPECT_THAT(CheckRequest(list), StatusIs(absl::StatusCode::kInvalidArgument,
                                           StartsWith("statuses: at most 1000 items (got 1001)")));

  // An import carries its rows in bulk: 5,000 is within its own limit.
  v1::ImportAccountsRequest import;
  for (int i = 0; i < 5000; ++i) import.add_accounts()->set_id("A");
  EXPECT_THAT(CheckRequest(import), IsOk());
}

}  // namespace
}  // namespace ticketing::api
