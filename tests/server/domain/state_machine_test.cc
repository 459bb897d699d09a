#include "server/domain/tickets/state_machine.h"

#include <map>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::domain {
namespace {

using ::testing::HasSubstr;
using ::ticketing::testing::IsOk;
using ::ticketing::testing::StatusIs;

constexpr v1::TicketStatus NEW = v1::TICKET_STATUS_NEW;
constexpr v1::TicketStatus ASSIGNED = v1::TICKET_STATUS_ASSIGNED;
constexpr v1::TicketStatus IN_PROGRESS = v1::TICKET_STATUS_IN_PROGRESS;
constexpr v1::TicketStatus WAITING_CUSTOMER = v1::TICKET_STATUS_WAITING_CUSTOMER;
constexpr v1::TicketStatus WAITING_PARTS = v1::TICKET_STATUS_WAITING_PARTS;
constexpr v1::TicketStatus RESOLVED = v1::TICKET_STATUS_RESOLVED;
constexpr v1::TicketStatus CLOSED = v1::TICKET_STATUS_CLOSED;
constexpr v1::TicketStatus REOPENED = v1::TICKET_STATUS_REOPENED;
constexpr v1::TicketStatus CANCELLED = v1::TICKET_STATUS_CANCELLED;

// The documented state machine, spelled out independently of the implementation.
const std::map<v1::TicketStatus, std::set<v1::TicketStatus>>& Legal() {
  static const auto* legal = new std::map<v1::TicketStatus, std::set<v1::TicketStatus>>{
      {NEW, {ASSIGNED, CANCELLED}},
      {ASSIGNED, {IN_PROGRESS, CANCELLED}},
      {IN_PROGRESS, {WAITING_CUSTOMER, WAITING_PARTS, RESOLVED, CANCELLED}},
      {WAITING_CUSTOMER, {IN_PROGRESS, RESOLVED, CANCELLED}},
      {WAITING_PARTS, {IN_PROGRESS, CANCELLED}},
      {RESOLVED, {CLOSED, REOPENED}},
      {CLOSED, {REOPENED}},
      {REOPENED, {ASSIGNED, IN_PROGRESS, CANCELLED}},
      {CANCELLED, {}},
  };
  return *legal;
}

TEST(StateMachineTest, EveryPairOfStatusesIsLegalExactlyWhenDocumented) {
  int legal_moves = 0;
  for (const auto& [from, targets] : Legal()) {
    for (int to = 0; to <= 9; ++to) {
      const auto target = static_cast<v1::TicketStatus>(to);
      SCOPED_TRACE(StatusName(from) + " -> " + StatusName(target));
      if (targets.count(target) > 0) {
        ++legal_moves;
        EXPECT_THAT(CheckTransition(from, target), IsOk());
      } else {
        EXPECT_THAT(CheckTransition(from, target),
                    StatusIs(absl::StatusCode::kFailedPrecondition,
                             HasSubstr("from " + StatusName(from) + " to " + StatusName(target))));
      }
    }
  }
  EXPECT_EQ(legal_moves, 19);
}

TEST(StateMachineTest, AllowedTransitionsListsTheLegalTargets) {
  for (const auto& [from, targets] : Legal()) {
    const std::vector<v1::TicketStatus> allowed = AllowedTransitions(from);
    EXPECT_EQ(std::set<v1::TicketStatus>(allowed.begin(), allowed.end()), targets);
  }
}

TEST(StateMachineTest, IllegalMoveMessageListsWhereTheTicketMayGo) {
  EXPECT_THAT(CheckTransition(NEW, RESOLVED),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("ASSIGNED, CANCELLED")));
  EXPECT_THAT(CheckTransition(CANCELLED, REOPENED),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("terminal")));
}

TEST(StateMachineTest, OnlyClosedAndCancelledAreNotOpen) {
  for (const auto& [status, unused] : Legal()) {
    EXPECT_EQ(IsOpen(status), status != CLOSED && status != CANCELLED) << StatusName(status);
  }
}

TEST(StateMachineTest, AssigningNewOrActiveWorkMakesItAssignedAndClearingMakesItNew) {
  for (v1::TicketStatus s : {NEW, ASSIGNED, IN_PROGRESS, REOPENED}) {
    EXPECT_EQ(StatusAfterAssignment(s, true), ASSIGNED) << StatusName(s);
    EXPECT_EQ(StatusAfterAssignment(s, false), NEW) << StatusName(s);
  }
  for (v1::TicketStatus s : {WAITING_CUSTOMER, WAITING_PARTS, RESOLVED}) {
    EXPECT_EQ(StatusAfterAssignment(s, true), s) << StatusName(s);
    EXPECT_EQ(StatusAfterAssignment(s, false), s) << StatusName(s);
  }
}

TEST(StateMachineTest, StatusNamesDropThePrefix) {
  EXPECT_EQ(StatusName(WAITING_PARTS), "WAITING_PARTS");
  EXPECT_EQ(StatusName(static_cast<v1::TicketStatus>(42)), "STATUS_42");
}

}  // namespace
}  // namespace ticketing::domain
