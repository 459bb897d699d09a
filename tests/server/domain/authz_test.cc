#include "server/domain/base/authz.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::domain {
namespace {

using ::testing::HasSubstr;
using ::ticketing::testing::IsOk;
using ::ticketing::testing::StatusIs;

const Principal kAgent{"alice", v1::ROLE_AGENT};
const Principal kTom{"tom", v1::ROLE_TECHNICIAN};
const Principal kTim{"tim", v1::ROLE_TECHNICIAN};
const Principal kSupervisor{"sue", v1::ROLE_SUPERVISOR};
const Principal kAdmin{"root", v1::ROLE_ADMIN};

v1::Ticket AssignedTo(const std::string& who) {
  v1::Ticket ticket;
  ticket.set_id("T-1");
  ticket.set_assignee(who);
  return ticket;
}

TEST(AuthzTest, OnlyTheDeskCreatesAndAssignsTickets) {
  for (Action action : {Action::kCreate, Action::kAssign}) {
    EXPECT_THAT(Authorize(kAgent, action, nullptr), IsOk());
    EXPECT_THAT(Authorize(kSupervisor, action, nullptr), IsOk());
    EXPECT_THAT(Authorize(kTom, action, nullptr), StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("tom")));
    EXPECT_THAT(Authorize(kAdmin, action, nullptr), StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("admin")));
  }
}

TEST(AuthzTest, EveryRoleReads) {
  for (const Principal& p : {kAgent, kTom, kSupervisor, kAdmin}) {
    EXPECT_THAT(Authorize(p, Action::kRead, nullptr), IsOk()) << p.name;
  }
  EXPECT_THAT(Authorize(Principal{"x", v1::ROLE_UNSPECIFIED}, Action::kRead, nullptr),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("x")));
}

TEST(AuthzTest, TechniciansWorkOnlyTheirOwnTickets) {
  const v1::Ticket toms = AssignedTo("tom");
  for (Action action : {Action::kUpdate, Action::kComment, Action::kTransition}) {
    EXPECT_THAT(Authorize(kTom, action, &toms, v1::TICKET_STATUS_IN_PROGRESS), IsOk());
    EXPECT_THAT(Authorize(kTim, action, &toms, v1::TICKET_STATUS_IN_PROGRESS),
                StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("not assigned to them")));
    EXPECT_THAT(Authorize(kAgent, action, &toms, v1::TICKET_STATUS_IN_PROGRESS), IsOk());
    EXPECT_THAT(Authorize(kAdmin, action, &toms, v1::TICKET_STATUS_IN_PROGRESS),
                StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("root")));
  }
}

TEST(AuthzTest, TechniciansMayNotCloseCancelOrReopenEvenTheirOwnTickets) {
  const v1::Ticket toms = AssignedTo("tom");
  for (v1::TicketStatus target :
       {v1::TICKET_STATUS_CLOSED, v1::TICKET_STATUS_CANCELLED, v1::TICKET_STATUS_REOPENED}) {
    EXPECT_THAT(Authorize(kTom, Action::kTransition, &toms, target),
                StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("move a ticket to")));
    EXPECT_THAT(Authorize(kSupervisor, Action::kTransition, &toms, target), IsOk());
  }
  for (v1::TicketStatus target : {v1::TICKET_STATUS_WAITING_PARTS, v1::TICKET_STATUS_RESOLVED}) {
    EXPECT_THAT(Authorize(kTom, Action::kTransition, &toms, target), IsOk());
  }
}

TEST(AuthzTest, OnlyAdminsAndSupervisorsVerifyTheStore) {
  EXPECT_THAT(Authorize(kAdmin, Action::kVerifyStore, nullptr), IsOk());
  EXPECT_THAT(Authorize(kSupervisor, Action::kVerifyStore, nullptr), IsOk());
  EXPECT_THAT(Authorize(kAgent, Action::kVerifyStore, nullptr),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("verify")));
}

}  // namespace
}  // namespace ticketing::domain
