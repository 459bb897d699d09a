// End-to-end tests of the ticket API: a real ticketd process (ServerProcess) spoken to
// through the generated stubs. One server serves a whole suite when the binary runs alone;
// under ctest every test runs in its own process, so each test makes its own tickets
// under its own account ids and never relies on another test's data.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_client.h"
#include "tests/e2e/e2e_helpers.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::testing {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::StrEq;

#ifndef TICKETD_PATH
#error "TICKETD_PATH must name the ticketd binary (see tests/e2e/CMakeLists.txt)"
#endif

class TicketApiE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess(TICKETD_PATH);
    start_status_ = new absl::Status(server_->Start());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete start_status_;
    server_ = nullptr;
    start_status_ = nullptr;
  }
  void SetUp() override { ASSERT_THAT(*start_status_, IsOk()); }

  static E2eClient As(const char* token) { return E2eClient(server_->Channel(), token); }

  // Creates a ticket as alice under a new account; the test fails if that does not work.
  static v1::Ticket CreateTicket(v1::CreateTicketRequest request) {
    absl::StatusOr<v1::Ticket> t = As(kAgentToken).Create(request);
    EXPECT_THAT(t, IsOk());
    return t.ok() ? *t : v1::Ticket();
  }
  static v1::Ticket CreateAssignedToTom() {
    v1::Ticket t = CreateTicket(NewTicketRequest(UniqueName("acct")));
    v1::AssignTicketRequest assign;
    assign.set_id(t.id());
    assign.set_version(t.version());
    assign.set_assignee(kTechnicianTomName);
    absl::StatusOr<v1::Ticket> assigned = As(kAgentToken).Assign(assign);
    EXPECT_THAT(assigned, IsOk());
    return assigned.ok() ? *assigned : t;
  }

  static ServerProcess* server_;
  static absl::Status* start_status_;
};

ServerProcess* TicketApiE2eTest::server_ = nullptr;
absl::Status* TicketApiE2eTest::start_status_ = nullptr;

// The lifecycle of the brief: create, assign tom, tom works it through waiting for parts to
// resolved, alice closes, reopens and cancels. Returns every ticket state seen, in order.
std::vector<v1::Ticket> RunFullLifecycle(const E2eClient& alice, const E2eClient& tom,
                                         const std::string& account) {
  std::vector<v1::Ticket> seen;
  auto step = [&seen](absl::StatusOr<v1::Ticket> t) {
    EXPECT_THAT(t, IsOk());
    if (t.ok()) seen.push_back(*t);
    return t.ok();
  };
  if (!step(alice.Create(NewTicketRequest(account, "Fridge does not cool")))) return seen;
  v1::AssignTicketRequest assign;
  assign.set_id(seen.back().id());
  assign.set_version(seen.back().version());
  assign.set_assignee(kTechnicianTomName);
  if (!step(alice.Assign(assign))) return seen;
  const std::string id = seen.back().id();
  struct Move {
    const E2eClient* who;
    v1::TicketStatus to;
    const char* reason;
  };
  const Move moves[] = {
      {&tom, v1::TICKET_STATUS_IN_PROGRESS, ""},
      {&tom, v1::TICKET_STATUS_WAITING_PARTS, ""},
      {&tom, v1::TICKET_STATUS_IN_PROGRESS, ""},
      {&tom, v1::TICKET_STATUS_RESOLVED, ""},
      {&alice, v1::TICKET_STATUS_CLOSED, ""},
      {&alice, v1::TICKET_STATUS_REOPENED, "customer says it is warm again"},
      {&alice, v1::TICKET_STATUS_CANCELLED, "customer bought a new fridge"},
  };
  for (const Move& m : moves) {
    if (!step(m.who->Move(id, seen.back().version(), m.to, m.reason))) break;
  }
  return seen;
}

TEST_F(TicketApiE2eTest, TicketGoesThroughTheWholeLifecycle) {
  const std::vector<v1::Ticket> seen =
      RunFullLifecycle(As(kAgentToken), As(kTechnicianTomToken), UniqueName("acct"));
  ASSERT_THAT(seen, SizeIs(9));
  const std::vector<v1::TicketStatus> want = {
      v1::TICKET_STATUS_NEW,           v1::TICKET_STATUS_ASSIGNED,    v1::TICKET_STATUS_IN_PROGRESS,
      v1::TICKET_STATUS_WAITING_PARTS, v1::TICKET_STATUS_IN_PROGRESS, v1::TICKET_STATUS_RESOLVED,
      v1::TICKET_STATUS_CLOSED,        v1::TICKET_STATUS_REOPENED,    v1::TICKET_STATUS_CANCELLED};
  for (size_t i = 0; i < seen.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("step ", i));
    EXPECT_EQ(seen[i].status(), want[i]);
    EXPECT_EQ(seen[i].version(), static_cast<int64_t>(i + 1));
    EXPECT_EQ(seen[i].id(), seen[0].id());
  }
  const v1::Ticket& last = seen.back();
  EXPECT_THAT(last.id(), ::testing::StartsWith("T-"));
  EXPECT_EQ(last.assignee(), kTechnicianTomName);
  EXPECT_EQ(last.created_by(), kAgentName);
  EXPECT_EQ(last.status_reason(), "customer bought a new fridge");
  EXPECT_TRUE(last.has_resolve_time());
  EXPECT_TRUE(last.has_close_time());
  absl::StatusOr<v1::Ticket> stored = As(kSupervisorToken).Get(last.id());
  ASSERT_THAT(stored, IsOk());
  EXPECT_TRUE(MessageDifferencer::Equals(*stored, last)) << stored->DebugString();
}

TEST_F(TicketApiE2eTest, HistoryHasOneEventPerChangeWithActorsAndOldAndNewValues) {
  const std::vector<v1::Ticket> seen =
      RunFullLifecycle(As(kAgentToken), As(kTechnicianTomToken), UniqueName("acct"));
  ASSERT_THAT(seen, SizeIs(9));
  absl::StatusOr<std::vector<v1::TicketEvent>> events =
      As(kTechnicianTimToken).AllEvents(seen.back().id());
  ASSERT_THAT(events, IsOk());
  ASSERT_THAT(*events, SizeIs(9));
  const char* actors[] = {"alice", "alice", "tom", "tom", "tom", "tom", "alice", "alice", "alice"};
  for (size_t i = 0; i < events->size(); ++i) {
    const v1::TicketEvent& e = (*events)[i];
    SCOPED_TRACE(e.DebugString());
    EXPECT_EQ(e.sequence(), static_cast<int64_t>(i + 1));
    EXPECT_EQ(e.ticket_id(), seen.back().id());
    EXPECT_EQ(e.actor(), actors[i]);
    EXPECT_GT(e.time().seconds(), 0);
    if (i > 0) {
      EXPECT_THAT(e.changes(),
                  Contains(ChangeOf("status", IsStatusNamed(ShortStatusName(seen[i - 1].status())),
                                    IsStatusNamed(ShortStatusName(seen[i].status())))));
    }
  }
  const std::vector<v1::TicketEvent>& h = *events;
  EXPECT_EQ(h[0].type(), v1::EVENT_TYPE_CREATED);
  EXPECT_EQ(h[1].type(), v1::EVENT_TYPE_ASSIGNED);
  EXPECT_THAT(h[1].changes(), Contains(ChangeOf("assignee", StrEq(""), StrEq("tom"))));
  for (size_t i = 2; i < h.size(); ++i) EXPECT_EQ(h[i].type(), v1::EVENT_TYPE_TRANSITIONED);
  EXPECT_EQ(h[7].reason(), "customer says it is warm again");
  EXPECT_EQ(h[8].reason(), "customer bought a new fridge");
}

TEST_F(TicketApiE2eTest, UpdateRecordsEachChangedFieldWithOldAndNewValue) {
  v1::Ticket t = CreateTicket(NewTicketRequest(UniqueName("acct"), "Oven too hot"));
  v1::UpdateTicketRequest update;
  *update.mutable_ticket() = t;
  update.mutable_ticket()->set_summary("Oven far too hot");
  update.mutable_ticket()->mutable_contact()->set_email("ann@example.com");
  update.mutable_update_mask()->add_paths("summary");
  update.mutable_update_mask()->add_paths("contact.email");
  update.set_note("customer called again");
  absl::StatusOr<v1::Ticket> updated = As(kAgentToken).Update(update);
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->version(), 2);
  EXPECT_EQ(updated->summary(), "Oven far too hot");
  EXPECT_EQ(updated->contact().email(), "ann@example.com");
  EXPECT_EQ(updated->description(), t.description());  // not in the mask
  absl::StatusOr<std::vector<v1::TicketEvent>> events = As(kAgentToken).AllEvents(t.id());
  ASSERT_THAT(events, IsOk());
  ASSERT_THAT(*events, SizeIs(2));
  const v1::TicketEvent& e = (*events)[1];
  EXPECT_EQ(e.type(), v1::EVENT_TYPE_UPDATED);
  EXPECT_EQ(e.sequence(), 2);
  EXPECT_EQ(e.actor(), kAgentName);
  EXPECT_EQ(e.comment(), "customer called again");
  EXPECT_THAT(e.changes(),
              Contains(ChangeOf("summary", StrEq("Oven too hot"), StrEq("Oven far too hot"))));
  EXPECT_THAT(e.changes(),
              Contains(ChangeOf("contact.email", StrEq(""), StrEq("ann@example.com"))));
}

TEST_F(TicketApiE2eTest, CommentsAreRecordedAsInternalOrCustomerVisible) {
  const v1::Ticket t = CreateAssignedToTom();
  v1::AddCommentRequest internal;
  internal.set_ticket_id(t.id());
  internal.set_body("checked stock: pump on back order");
  internal.set_visibility(v1::VISIBILITY_INTERNAL);
  absl::StatusOr<v1::AddCommentResponse> first = As(kTechnicianTomToken).Comment(internal);
  ASSERT_THAT(first, IsOk());
  v1::AddCommentRequest reply = internal;
  reply.set_body("We will visit on Monday.");
  reply.set_visibility(v1::VISIBILITY_CUSTOMER);
  reply.set_version(first->ticket().version());
  absl::StatusOr<v1::AddCommentResponse> second = As(kAgentToken).Comment(reply);
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(first->ticket().version(), t.version() + 1);
  EXPECT_EQ(second->ticket().version(), t.version() + 2);
  EXPECT_EQ(second->event().sequence(), second->ticket().version());

  absl::StatusOr<std::vector<v1::TicketEvent>> events = As(kAgentToken).AllEvents(t.id());
  ASSERT_THAT(events, IsOk());
  ASSERT_THAT(*events, SizeIs(t.version() + 2));
  const v1::TicketEvent& a = (*events)[t.version()];
  const v1::TicketEvent& b = (*events)[t.version() + 1];
  EXPECT_EQ(a.type(), v1::EVENT_TYPE_COMMENTED);
  EXPECT_EQ(a.visibility(), v1::VISIBILITY_INTERNAL);
  EXPECT_EQ(a.comment(), "checked stock: pump on back order");
  EXPECT_EQ(a.actor(), kTechnicianTomName);
  EXPECT_EQ(b.type(), v1::EVENT_TYPE_COMMENTED);
  EXPECT_EQ(b.visibility(), v1::VISIBILITY_CUSTOMER);
  EXPECT_EQ(b.comment(), "We will visit on Monday.");
  EXPECT_EQ(b.actor(), kAgentName);
}

TEST_F(TicketApiE2eTest, CallsWithoutTokenAreUnauthenticated) {
  const E2eClient anonymous(server_->Channel(), "");
  EXPECT_THAT(anonymous.Get("T-1"), StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_));
  EXPECT_THAT(anonymous.Create(NewTicketRequest(UniqueName("acct"))),
              StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_));
  EXPECT_THAT(anonymous.List(v1::ListTicketsRequest()),
              StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_));
  EXPECT_THAT(anonymous.WhoAmI(), StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_));
}

TEST_F(TicketApiE2eTest, CallsWithUnknownOrMalformedTokenAreUnauthenticated) {
  const E2eClient stranger(server_->Channel(), "not-a-configured-token-123");
  EXPECT_THAT(stranger.WhoAmI(), StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_));
  EXPECT_THAT(stranger.Create(NewTicketRequest(UniqueName("acct"))),
              StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_));
  // The right token without the "Bearer " scheme is not accepted either.
  auto stub = v1::AdminService::NewStub(server_->Channel());
  grpc::ClientContext context;
  context.AddMetadata("authorization", kAgentToken);
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  v1::WhoAmIResponse response;
  EXPECT_EQ(stub->WhoAmI(&context, v1::WhoAmIRequest(), &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(TicketApiE2eTest, WhoAmIReportsUserAndRoleOfEveryToken) {
  const std::pair<const char*, std::pair<const char*, const char*>> cases[] = {
      {kAgentToken, {"alice", "agent"}},
      {kTechnicianTomToken, {"tom", "technician"}},
      {kTechnicianTimToken, {"tim", "technician"}},
      {kSupervisorToken, {"sue", "supervisor"}},
      {kAdminToken, {"root", "admin"}}};
  for (const auto& [token, want] : cases) {
    absl::StatusOr<v1::WhoAmIResponse> me = As(token).WhoAmI();
    ASSERT_THAT(me, IsOk());
    EXPECT_EQ(me->user(), want.first);
    EXPECT_EQ(me->role(), want.second);
  }
}

TEST_F(TicketApiE2eTest, TechniciansAndAdminsCannotCreateTickets) {
  for (const char* token : {kTechnicianTomToken, kAdminToken}) {
    EXPECT_THAT(As(token).Create(NewTicketRequest(UniqueName("acct"))),
                StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  }
  EXPECT_THAT(As(kSupervisorToken).Create(NewTicketRequest(UniqueName("acct"))), IsOk());
}

TEST_F(TicketApiE2eTest, TechnicianCannotChangeATicketAssignedToSomeoneElse) {
  const v1::Ticket t = CreateAssignedToTom();
  const E2eClient tim = As(kTechnicianTimToken);
  v1::UpdateTicketRequest update;
  *update.mutable_ticket() = t;
  update.mutable_ticket()->set_summary("tim was here");
  update.mutable_update_mask()->add_paths("summary");
  EXPECT_THAT(tim.Update(update), StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  EXPECT_THAT(tim.Move(t.id(), t.version(), v1::TICKET_STATUS_IN_PROGRESS),
              StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  v1::AddCommentRequest comment;
  comment.set_ticket_id(t.id());
  comment.set_body("hello");
  EXPECT_THAT(tim.Comment(comment), StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  v1::AssignTicketRequest grab;
  grab.set_id(t.id());
  grab.set_version(t.version());
  grab.set_assignee(kTechnicianTimName);
  EXPECT_THAT(tim.Assign(grab), StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  // Tom, the assignee, may do what tim may not; nothing tim tried was stored.
  absl::StatusOr<v1::Ticket> updated = As(kTechnicianTomToken).Update(update);
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->version(), t.version() + 1);
}

TEST_F(TicketApiE2eTest, TechnicianCannotCloseCancelOrReopen) {
  const v1::Ticket t = CreateAssignedToTom();
  const E2eClient tom = As(kTechnicianTomToken);
  absl::StatusOr<v1::Ticket> working = tom.Move(t.id(), t.version(), v1::TICKET_STATUS_IN_PROGRESS);
  ASSERT_THAT(working, IsOk());
  EXPECT_THAT(tom.Move(t.id(), working->version(), v1::TICKET_STATUS_CANCELLED, "no parts"),
              StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  absl::StatusOr<v1::Ticket> resolved =
      tom.Move(t.id(), working->version(), v1::TICKET_STATUS_RESOLVED);
  ASSERT_THAT(resolved, IsOk());
  EXPECT_THAT(tom.Move(t.id(), resolved->version(), v1::TICKET_STATUS_CLOSED),
              StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  absl::StatusOr<v1::Ticket> closed =
      As(kAgentToken).Move(t.id(), resolved->version(), v1::TICKET_STATUS_CLOSED);
  ASSERT_THAT(closed, IsOk());
  EXPECT_THAT(tom.Move(t.id(), closed->version(), v1::TICKET_STATUS_REOPENED, "broke again"),
              StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
}

TEST_F(TicketApiE2eTest, VerifyStoreIsCleanAndOnlyForAdminsAndSupervisors) {
  RunFullLifecycle(As(kAgentToken), As(kTechnicianTomToken), UniqueName("acct"));
  for (const char* token : {kAdminToken, kSupervisorToken}) {
    absl::StatusOr<v1::VerifyStoreResponse> report = As(token).VerifyStore();
    ASSERT_THAT(report, IsOk());
    EXPECT_THAT(report->problems(), IsEmpty());
    EXPECT_EQ(report->problem_count(), 0);
    EXPECT_GE(report->tickets(), 1);
    EXPECT_GE(report->events(), 9);
  }
  for (const char* token : {kAgentToken, kTechnicianTomToken}) {
    EXPECT_THAT(As(token).VerifyStore(),
                StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  }
}

TEST_F(TicketApiE2eTest, CreateRetriedWithSameRequestIdReturnsTheSameTicket) {
  const std::string account = UniqueName("acct");
  const v1::CreateTicketRequest request = NewTicketRequest(account);
  absl::StatusOr<v1::Ticket> first = As(kAgentToken).Create(request);
  absl::StatusOr<v1::Ticket> second = As(kAgentToken).Create(request);
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->id(), first->id());
  EXPECT_EQ(second->version(), 1);
  v1::ListTicketsRequest list;
  list.set_account_id(account);
  absl::StatusOr<std::vector<v1::Ticket>> all = As(kAgentToken).ListAll(list);
  ASSERT_THAT(all, IsOk());
  ASSERT_THAT(*all, SizeIs(1));
  EXPECT_EQ((*all)[0].id(), first->id());
}

TEST_F(TicketApiE2eTest, CreateReusingRequestIdForOtherContentIsAlreadyExists) {
  v1::CreateTicketRequest request = NewTicketRequest(UniqueName("acct"));
  ASSERT_THAT(As(kAgentToken).Create(request), IsOk());
  request.mutable_ticket()->set_summary("a different problem");
  EXPECT_THAT(As(kAgentToken).Create(request),
              StatusIs(absl::StatusCode::kAlreadyExists, ::testing::_));
}

TEST_F(TicketApiE2eTest, ChangesBasedOnAStaleVersionAreAbortedAndNotStored) {
  const v1::Ticket v2 = CreateAssignedToTom();
  ASSERT_EQ(v2.version(), 2);
  const E2eClient alice = As(kAgentToken);
  v1::UpdateTicketRequest update;
  *update.mutable_ticket() = v2;
  update.mutable_ticket()->set_version(1);
  update.mutable_ticket()->set_summary("stale edit");
  update.mutable_update_mask()->add_paths("summary");
  EXPECT_THAT(alice.Update(update), StatusIs(absl::StatusCode::kAborted, ::testing::_));
  EXPECT_THAT(alice.Move(v2.id(), 1, v1::TICKET_STATUS_IN_PROGRESS),
              StatusIs(absl::StatusCode::kAborted, ::testing::_));
  v1::AssignTicketRequest assign;
  assign.set_id(v2.id());
  assign.set_version(1);
  assign.set_assignee(kTechnicianTimName);
  EXPECT_THAT(alice.Assign(assign), StatusIs(absl::StatusCode::kAborted, ::testing::_));
  v1::AddCommentRequest comment;
  comment.set_ticket_id(v2.id());
  comment.set_version(1);
  comment.set_body("stale comment");
  EXPECT_THAT(alice.Comment(comment), StatusIs(absl::StatusCode::kAborted, ::testing::_));
  absl::StatusOr<v1::Ticket> stored = alice.Get(v2.id());
  ASSERT_THAT(stored, IsOk());
  EXPECT_TRUE(MessageDifferencer::Equals(*stored, v2)) << stored->DebugString();
}

TEST_F(TicketApiE2eTest, IllegalTransitionIsFailedPreconditionNamingBothStates) {
  const v1::Ticket t = CreateTicket(NewTicketRequest(UniqueName("acct")));
  EXPECT_THAT(As(kAgentToken).Move(t.id(), t.version(), v1::TICKET_STATUS_RESOLVED),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("NEW"), HasSubstr("RESOLVED"))));
  absl::StatusOr<v1::Ticket> cancelled =
      As(kAgentToken).Move(t.id(), t.version(), v1::TICKET_STATUS_CANCELLED, "duplicate");
  ASSERT_THAT(cancelled, IsOk());
  EXPECT_THAT(
      As(kAgentToken).Move(t.id(), cancelled->version(), v1::TICKET_STATUS_REOPENED, "try again"),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               AllOf(HasSubstr("CANCELLED"), HasSubstr("REOPENED"))));
}

TEST_F(TicketApiE2eTest, CancelAndReopenWithoutReasonAreInvalidArgumentNamingReason) {
  const v1::Ticket t = CreateAssignedToTom();
  EXPECT_THAT(As(kAgentToken).Move(t.id(), t.version(), v1::TICKET_STATUS_CANCELLED),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));
  const E2eClient tom = As(kTechnicianTomToken);
  absl::StatusOr<v1::Ticket> working = tom.Move(t.id(), t.version(), v1::TICKET_STATUS_IN_PROGRESS);
  ASSERT_THAT(working, IsOk());
  absl::StatusOr<v1::Ticket> resolved =
      tom.Move(t.id(), working->version(), v1::TICKET_STATUS_RESOLVED);
  ASSERT_THAT(resolved, IsOk());
  EXPECT_THAT(As(kAgentToken).Move(t.id(), resolved->version(), v1::TICKET_STATUS_REOPENED),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));
}

TEST_F(TicketApiE2eTest, AssigningToAnUnknownOrAdminUserIsInvalidArgumentNamingAssignee) {
  const v1::Ticket t = CreateTicket(NewTicketRequest(UniqueName("acct")));
  for (const char* who : {"nobody", kAdminName}) {
    v1::AssignTicketRequest assign;
    assign.set_id(t.id());
    assign.set_version(t.version());
    assign.set_assignee(who);
    EXPECT_THAT(As(kAgentToken).Assign(assign),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("assignee")))
        << who;
  }
}

TEST_F(TicketApiE2eTest, InvalidCreateRequestsAreInvalidArgumentNamingTheField) {
  struct Case {
    const char* field;
    void (*spoil)(v1::CreateTicketRequest*);
  };
  const Case cases[] = {
      {"summary", [](v1::CreateTicketRequest* r) { r->mutable_ticket()->clear_summary(); }},
      {"account_id",
       [](v1::CreateTicketRequest* r) { r->mutable_ticket()->set_account_id("bad id!"); }},
      {"description",
       [](v1::CreateTicketRequest* r) {
         r->mutable_ticket()->set_description(std::string(10001, 'x'));
       }},
      {"kind",
       [](v1::CreateTicketRequest* r) {
         r->mutable_ticket()->set_kind(static_cast<v1::TicketKind>(99));
       }},
      {"request_id", [](v1::CreateTicketRequest* r) { r->clear_request_id(); }},
      {"contact.name",
       [](v1::CreateTicketRequest* r) { r->mutable_ticket()->mutable_contact()->clear_name(); }},
  };
  for (const Case& c : cases) {
    v1::CreateTicketRequest request = NewTicketRequest(UniqueName("acct"));
    c.spoil(&request);
    EXPECT_THAT(As(kAgentToken).Create(request),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.field)))
        << "spoiled field " << c.field;
  }
  v1::CreateTicketRequest ok = NewTicketRequest(UniqueName("acct"));
  ok.mutable_ticket()->set_description(std::string(10000, 'x'));
  EXPECT_THAT(As(kAgentToken).Create(ok), IsOk()) << "10,000 characters are allowed";
}

TEST_F(TicketApiE2eTest, NegativePageSizeIsInvalidArgumentNamingPageSize) {
  v1::ListTicketsRequest list;
  list.set_page_size(-1);
  EXPECT_THAT(As(kAgentToken).List(list),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
}

TEST_F(TicketApiE2eTest, GarbagePageTokenIsInvalidArgumentNamingPageToken) {
  v1::ListTicketsRequest list;
  list.set_page_token("xyz");
  EXPECT_THAT(As(kAgentToken).List(list),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
}

TEST_F(TicketApiE2eTest, PageTokenReusedWithOtherFiltersIsInvalidArgument) {
  const std::string account = UniqueName("acct");
  for (int i = 0; i < 3; ++i) CreateTicket(NewTicketRequest(account));
  v1::ListTicketsRequest list;
  list.set_account_id(account);
  list.set_page_size(1);
  absl::StatusOr<v1::ListTicketsResponse> page = As(kAgentToken).List(list);
  ASSERT_THAT(page, IsOk());
  ASSERT_THAT(page->tickets(), SizeIs(1));
  ASSERT_FALSE(page->next_page_token().empty());
  list.set_page_token(page->next_page_token());
  list.set_account_id(UniqueName("acct"));
  EXPECT_THAT(As(kAgentToken).List(list),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
}

TEST_F(TicketApiE2eTest, GetOfUnknownTicketIsNotFound) {
  EXPECT_THAT(As(kAgentToken).Get("T-987654321"),
              StatusIs(absl::StatusCode::kNotFound, ::testing::_));
}

}  // namespace
}  // namespace ticketing::testing
