#include "server/api/grpc/wire.h"
#include "tests/testing/domain_world.h"

#include <atomic>
#include <filesystem>
#include <memory>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/base/ticket_events.h"
#include "storage/rocksdb_ticket_store.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/transitions.h"

namespace ticketing::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::ticketing::testing::FakeClock;
using ::ticketing::testing::IsOk;
using ::ticketing::testing::StatusIs;

const Principal kAlice{"alice", v1::ROLE_AGENT};
const Principal kTom{"tom", v1::ROLE_TECHNICIAN};
const Principal kTim{"tim", v1::ROLE_TECHNICIAN};
const Principal kSue{"sue", v1::ROLE_SUPERVISOR};
const Principal kRoot{"root", v1::ROLE_ADMIN};

class TicketServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/ticket_service_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    testing::DomainWorld::Options options;
    options.users = {kAlice, kTom, kTim, kSue, kRoot};
    auto world = testing::DomainWorld::Open(clock_, dir_, options);
    ASSERT_THAT(world, testing::IsOk());
    world_ = *std::move(world);
    store_ = world_->store.get();
    service_ = world_->lifecycle.get();
    queries_ = world_->queries.get();
  }
  void TearDown() override {
    if (store_ != nullptr) {
      auto report = store_->Verify();
      ASSERT_THAT(report, IsOk());
      EXPECT_THAT(report->problems, IsEmpty()) << "store inconsistent after the test";
    }
  }

  static v1::CreateTicketRequest Request(const std::string& request_id,
                                         const std::string& account = "ACME") {
    v1::CreateTicketRequest request;
    request.set_request_id(request_id);
    v1::Ticket* t = request.mutable_ticket();
    t->set_kind(v1::TICKET_KIND_REPAIR);
    t->set_account_id(account);
    t->set_summary("Printer jams");
    t->mutable_contact()->set_name("Li Wei");
    t->set_impact(v1::IMPACT_HIGH);
    t->set_urgency(v1::URGENCY_MEDIUM);
    return request;
  }
  v1::Ticket CreateOrDie(const std::string& request_id, const std::string& account = "ACME") {
    absl::StatusOr<v1::Ticket> t = service_->Create(kAlice, Request(request_id, account));
    EXPECT_THAT(t, IsOk());
    return t.ok() ? *t : v1::Ticket();
  }
  absl::StatusOr<v1::Ticket> Move(const Principal& who, const v1::Ticket& t, v1::TicketStatus to,
                                  const std::string& reason = "") {
    v1::TransitionTicketRequest request;
    request.set_id(t.id());
    request.set_version(t.version());
    request.set_status(to);
    request.set_reason(reason);
    testing::AddCompletion(request);
    return service_->Transition(who, request);
  }
  absl::StatusOr<v1::Ticket> AssignTo(const v1::Ticket& t, const std::string& who,
                                      const std::string& queue = "") {
    v1::AssignTicketRequest request;
    request.set_id(t.id());
    request.set_version(t.version());
    request.set_assignee(who);
    request.set_queue(queue);
    return service_->Assign(kAlice, request);
  }
  std::vector<v1::TicketEvent> History(const v1::Ticket& t) {
    v1::ListTicketEventsRequest request;
    request.set_ticket_id(t.id());
    std::vector<v1::TicketEvent> events;
    do {
      auto response = queries_->ListEvents(kAlice, request);
      EXPECT_THAT(response, IsOk());
      if (!response.ok()) break;
      events.insert(events.end(), response->events().begin(), response->events().end());
      request.set_page_token(response->next_page_token());
    } while (!request.page_token().empty());
    return events;
  }
  v1::Ticket Fetch(const v1::Ticket& t) {
    v1::GetTicketRequest request;
    request.set_id(t.id());
    auto fetched = queries_->Get(kAlice, request);
    EXPECT_THAT(fetched, IsOk());
    return fetched.ok() ? *fetched : v1::Ticket();
  }

  std::string dir_;
  FakeClock clock_;
  std::unique_ptr<testing::DomainWorld> world_;
  storage::RocksDbTicketStore* store_ = nullptr;
  LifecycleService* service_ = nullptr;
  TicketQueries* queries_ = nullptr;
};

TEST_F(TicketServiceTest, CreateOpensANewTicketWithMatrixPriorityAndAFirstEvent) {
  const v1::Ticket t = CreateOrDie("r1");
  EXPECT_EQ(t.id(), "T-1");
  EXPECT_EQ(t.status(), v1::TICKET_STATUS_NEW);
  EXPECT_EQ(t.priority(), v1::PRIORITY_P2);  // HIGH impact x MEDIUM urgency
  EXPECT_EQ(t.version(), 1);
  EXPECT_EQ(t.created_by(), "alice");
  EXPECT_EQ(FromTimestamp(t.create_time()), clock_.Now());
  const std::vector<v1::TicketEvent> events = History(t);
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].type(), v1::EVENT_TYPE_CREATED);
  EXPECT_EQ(events[0].sequence(), 1);
  EXPECT_EQ(events[0].actor(), "alice");
}

TEST_F(TicketServiceTest, CreateTimeIsKeptInWholeMillisecondsTheListingOrder) {
  clock_.Set(absl::FromUnixNanos(1700000000123456789));
  const v1::Ticket t = CreateOrDie("r1");
  EXPECT_EQ(FromTimestamp(t.create_time()), absl::FromUnixMillis(1700000000123));
}

TEST_F(TicketServiceTest, ExplicitPriorityWinsOverTheMatrix) {
  v1::CreateTicketRequest request = Request("r1");
  request.mutable_ticket()->set_priority(v1::PRIORITY_P4); request.mutable_ticket()->set_priority_reason("test sets it");
  auto t = service_->Create(kAlice, request);
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(t->priority(), v1::PRIORITY_P4);
}

TEST_F(TicketServiceTest, TicketCreatedWithAnAssigneeStartsAssigned) {
  v1::CreateTicketRequest request = Request("r1");
  request.mutable_ticket()->set_assignee("tom");
  auto t = service_->Create(kAlice, request);
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(t->status(), v1::TICKET_STATUS_ASSIGNED);
  request.set_request_id("r2");
  request.mutable_ticket()->set_assignee("root");
  EXPECT_THAT(service_->Create(kAlice, request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ticket.assignee")));
  request.mutable_ticket()->set_assignee("nobody");
  EXPECT_THAT(service_->Create(kAlice, request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown user nobody")));
}

TEST_F(TicketServiceTest, RetriedCreateReturnsTheFirstTicketNotASecond) {
  const v1::Ticket first = CreateOrDie("retry-me");
  clock_.Advance(absl::Minutes(5));
  const v1::Ticket again = CreateOrDie("retry-me");
  EXPECT_EQ(again.id(), first.id());
  EXPECT_EQ(again.create_time().seconds(), first.create_time().seconds());
  auto list = queries_->List(kAlice, v1::ListTicketsRequest());
  ASSERT_THAT(list, IsOk());
  EXPECT_THAT(list->tickets(), SizeIs(1));
}

TEST_F(TicketServiceTest, ReusedRequestIdWithOtherContentIsRefused) {
  CreateOrDie("r1");
  v1::CreateTicketRequest other = Request("r1");
  other.mutable_ticket()->set_summary("Something else");
  EXPECT_THAT(service_->Create(kAlice, other),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("T-1")));
}

TEST_F(TicketServiceTest, OnlyTheDeskCreates) {
  EXPECT_THAT(service_->Create(kTom, Request("r1")),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("create")));
  EXPECT_THAT(service_->Create(kRoot, Request("r1")),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("create")));
  EXPECT_THAT(service_->Create(kSue, Request("r1")), IsOk());
}

TEST_F(TicketServiceTest, FullLifecycleRecordsOneEventPerChangeWithOldAndNewValues) {
  v1::Ticket t = CreateOrDie("r1");
  auto step = [&](absl::StatusOr<v1::Ticket> next) {
    ASSERT_THAT(next, IsOk());
    EXPECT_EQ(next->version(), t.version() + 1);
    t = *next;
    clock_.Advance(absl::Minutes(10));
  };
  step(AssignTo(t, "tom", "field-east"));
  EXPECT_EQ(t.status(), v1::TICKET_STATUS_ASSIGNED);
  step(Move(kTom, t, v1::TICKET_STATUS_IN_PROGRESS));
  step(Move(kTom, t, v1::TICKET_STATUS_WAITING_PARTS, "print head on order"));
  step(Move(kTom, t, v1::TICKET_STATUS_IN_PROGRESS));
  const absl::Time resolved_at = clock_.Now();
  step(Move(kTom, t, v1::TICKET_STATUS_RESOLVED));
  EXPECT_EQ(FromTimestamp(t.resolve_time()), resolved_at);
  step(Move(kAlice, t, v1::TICKET_STATUS_CLOSED));
  step(Move(kAlice, t, v1::TICKET_STATUS_REOPENED, "customer says it jams again"));
  step(Move(kSue, t, v1::TICKET_STATUS_CANCELLED, "replaced the printer instead"));
  EXPECT_EQ(t.status_reason(), "replaced the printer instead");

  const std::vector<v1::TicketEvent> events = History(t);
  ASSERT_THAT(events, SizeIs(9));
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].sequence(), i + 1);
  EXPECT_EQ(events[1].type(), v1::EVENT_TYPE_ASSIGNED);
  EXPECT_EQ(events[2].actor(), "tom");
  ASSERT_THAT(events[2].changes(), SizeIs(1));
  EXPECT_EQ(events[2].changes(0).field(), "status");
  EXPECT_EQ(events[2].changes(0).old_value(), "ASSIGNED");
  EXPECT_EQ(events[2].changes(0).new_value(), "IN_PROGRESS");
  EXPECT_EQ(events[3].reason(), "print head on order");
  EXPECT_EQ(events[8].actor(), "sue");
  EXPECT_EQ(FromTimestamp(events[8].time()), FromTimestamp(t.update_time()));
}

TEST_F(TicketServiceTest, StaleVersionIsAbortedAndChangesNothing) {
  v1::Ticket t = CreateOrDie("r1");
  ASSERT_THAT(AssignTo(t, "tom"), IsOk());  // t is now one version behind
  EXPECT_THAT(AssignTo(t, "tim"), StatusIs(absl::StatusCode::kAborted, HasSubstr("version 2, not 1")));
  const v1::Ticket stored = Fetch(t);
  EXPECT_EQ(stored.assignee(), "tom");
  EXPECT_EQ(stored.version(), 2);
  EXPECT_THAT(History(t), SizeIs(2));
}

TEST_F(TicketServiceTest, MissingVersionIsInvalid) {
  v1::Ticket t = CreateOrDie("r1");
  t.set_version(0);
  EXPECT_THAT(AssignTo(t, "tom"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("version")));
}

TEST_F(TicketServiceTest, IllegalTransitionNamesBothStatesAndChangesNothing) {
  const v1::Ticket t = CreateOrDie("r1");
  EXPECT_THAT(Move(kAlice, t, v1::TICKET_STATUS_CLOSED),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("from NEW to CLOSED")));
  EXPECT_EQ(Fetch(t).version(), 1);
  EXPECT_THAT(Move(kAlice, t, static_cast<v1::TicketStatus>(77)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("status")));
}

TEST_F(TicketServiceTest, CancellingAndReopeningNeedAReason) {
  const v1::Ticket t = CreateOrDie("r1");
  EXPECT_THAT(Move(kAlice, t, v1::TICKET_STATUS_CANCELLED),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));
  EXPECT_THAT(Move(kAlice, t, v1::TICKET_STATUS_CANCELLED, "duplicate of T-9"), IsOk());
}

TEST_F(TicketServiceTest, WorkCannotStartWithoutAnAssignee) {
  v1::Ticket t = CreateOrDie("r1");
  EXPECT_THAT(Move(kAlice, t, v1::TICKET_STATUS_ASSIGNED),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no assignee")));
}

TEST_F(TicketServiceTest, ReassignmentAndUnassignmentMoveTheStatus) {
  v1::Ticket t = CreateOrDie("r1");
  t = *AssignTo(t, "tom");
  t = *Move(kTom, t, v1::TICKET_STATUS_IN_PROGRESS);
  t = *AssignTo(t, "tim");  // a new owner has not started yet
  EXPECT_EQ(t.status(), v1::TICKET_STATUS_ASSIGNED);
  t = *AssignTo(t, "");
  EXPECT_EQ(t.status(), v1::TICKET_STATUS_NEW);
  EXPECT_EQ(t.assignee(), "");
  const v1::Ticket same = *AssignTo(t, "");  // no change: no new version
  EXPECT_EQ(same.version(), t.version());
}

TEST_F(TicketServiceTest, UpdateChangesOnlyTheMaskedFields) {
  const v1::Ticket t = CreateOrDie("r1");
  v1::UpdateTicketRequest request;
  *request.mutable_ticket() = t;
  request.mutable_ticket()->set_summary("Printer jams and smokes");
  request.mutable_ticket()->set_description("not in the mask: ignored");
  request.mutable_ticket()->mutable_contact()->set_phone("+86 21 5555 0000");
  request.mutable_update_mask()->add_paths("summary");
  request.mutable_update_mask()->add_paths("contact.phone");
  request.set_note("customer called back");
  auto updated = service_->Update(kAlice, request);
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->summary(), "Printer jams and smokes");
  EXPECT_EQ(updated->description(), "");
  EXPECT_EQ(updated->contact().name(), "Li Wei");
  EXPECT_EQ(updated->contact().phone(), "+86 21 5555 0000");
  const v1::TicketEvent last = History(t).back();
  EXPECT_EQ(last.type(), v1::EVENT_TYPE_UPDATED);
  EXPECT_EQ(last.comment(), "customer called back");
  ASSERT_THAT(last.changes(), SizeIs(2));
  EXPECT_EQ(last.changes(0).field(), "summary");
  EXPECT_EQ(last.changes(0).old_value(), "Printer jams");
}

TEST_F(TicketServiceTest, UpdateThatChangesNothingKeepsTheVersion) {
  const v1::Ticket t = CreateOrDie("r1");
  v1::UpdateTicketRequest request;
  *request.mutable_ticket() = t;
  request.mutable_update_mask()->add_paths("summary");
  auto same = service_->Update(kAlice, request);
  ASSERT_THAT(same, IsOk());
  EXPECT_EQ(same->version(), 1);
}

TEST_F(TicketServiceTest, UpdateRefusesBadMasksAndClosedTickets) {
  v1::Ticket t = CreateOrDie("r1");
  v1::UpdateTicketRequest request;
  *request.mutable_ticket() = t;
  EXPECT_THAT(service_->Update(kAlice, request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("update_mask")));
  request.mutable_update_mask()->add_paths("status");
  EXPECT_THAT(service_->Update(kAlice, request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("TransitionTicket")));
  t = *Move(kAlice, t, v1::TICKET_STATUS_CANCELLED, "wrong account");
  *request.mutable_ticket() = t;
  request.mutable_update_mask()->set_paths(0, "summary");
  request.mutable_ticket()->set_summary("new");
  EXPECT_THAT(service_->Update(kAlice, request),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("CANCELLED")));
}

TEST_F(TicketServiceTest, TechniciansWorkOnlyTicketsAssignedToThem) {
  v1::Ticket t = CreateOrDie("r1");
  t = *AssignTo(t, "tom");
  EXPECT_THAT(Move(kTim, t, v1::TICKET_STATUS_IN_PROGRESS),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("not assigned to them")));
  t = *Move(kTom, t, v1::TICKET_STATUS_IN_PROGRESS);
  t = *Move(kTom, t, v1::TICKET_STATUS_RESOLVED);
  EXPECT_THAT(Move(kTom, t, v1::TICKET_STATUS_CLOSED),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("CLOSED")));
}

TEST_F(TicketServiceTest, CommentsKeepVisibilityAndCheckTheVersionOnlyWhenGiven) {
  const v1::Ticket t = CreateOrDie("r1");
  v1::AddCommentRequest request;
  request.set_ticket_id(t.id());
  request.set_body("We will send a technician tomorrow morning.");
  request.set_visibility(v1::VISIBILITY_CUSTOMER);
  auto first = service_->AddComment(kAlice, request);
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->event().visibility(), v1::VISIBILITY_CUSTOMER);
  EXPECT_EQ(first->ticket().version(), 2);
  request.set_visibility(v1::VISIBILITY_UNSPECIFIED);
  request.set_version(1);  // stale
  EXPECT_THAT(service_->AddComment(kAlice, request), StatusIs(absl::StatusCode::kAborted, HasSubstr("version")));
  request.set_version(0);
  auto second = service_->AddComment(kAlice, request);
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->event().visibility(), v1::VISIBILITY_INTERNAL);
  request.set_body("");
  EXPECT_THAT(service_->AddComment(kAlice, request), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("body")));
}

TEST_F(TicketServiceTest, UnknownTicketIsNotFoundAndMalformedIdIsInvalid) {
  v1::GetTicketRequest request;
  request.set_id("T-999");
  EXPECT_THAT(queries_->Get(kAlice, request), StatusIs(absl::StatusCode::kNotFound, HasSubstr("T-999")));
  request.set_id("999");
  EXPECT_THAT(queries_->Get(kAlice, request), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("id:")));
}

TEST_F(TicketServiceTest, ListingPagesEveryTicketOnceInCreationOrder) {
  std::vector<std::string> created;
  for (int i = 0; i < 150; ++i) {
    created.push_back(CreateOrDie(absl::StrCat("r", i), i % 3 == 0 ? "ACME" : "BETA").id());
    if (i % 4 == 0) clock_.Advance(absl::Milliseconds(1));  // ties on time are ordered by id
  }
  std::vector<std::string> seen;
  v1::ListTicketsRequest request;
  request.set_page_size(7);
  do {
    auto page = queries_->List(kAlice, request);
    ASSERT_THAT(page, IsOk());
    for (const v1::Ticket& t : page->tickets()) seen.push_back(t.id());
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  EXPECT_EQ(seen, created);
}

TEST_F(TicketServiceTest, ListingsSendTheStoredTicketsByteForByte) {
  for (int i = 0; i < 12; ++i) CreateOrDie(absl::StrCat("r", i), i % 2 == 0 ? "ACME" : "BETA");
  v1::ListTicketsRequest request;
  request.set_account_id("ACME");
  request.set_page_size(5);
  auto page = queries_->ListPage(kAlice, request);
  ASSERT_THAT(page, IsOk());
  // What the gRPC transport sends: the stored bytes as they are (server/api/grpc/wire.h).
  auto serialized = std::make_optional(api::EncodeTicketPage(*page));
  v1::ListTicketsResponse response;
  ASSERT_TRUE(response.ParseFromString(*serialized));
  // The same page, read as messages from the store.
  storage::TicketListRequest query;
  query.filter.account_id = "ACME";
  query.limit = 5;
  auto stored = store_->ListTickets(query);
  ASSERT_THAT(stored, IsOk());
  ASSERT_THAT(response.tickets(), SizeIs(5));
  ASSERT_THAT(stored->tickets, SizeIs(5));
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(response.tickets(i).SerializeAsString(), stored->tickets[i].SerializeAsString());
  }
  EXPECT_FALSE(response.next_page_token().empty());
  // A typed response built the ordinary way serializes to the same bytes.
  v1::ListTicketsResponse typed;
  for (const v1::Ticket& t : stored->tickets) *typed.add_tickets() = t;
  typed.set_next_page_token(response.next_page_token());
  EXPECT_EQ(typed.SerializeAsString(), *serialized);
}

TEST_F(TicketServiceTest, ListingRefusesBadPagingInput) {
  CreateOrDie("r1");
  v1::ListTicketsRequest request;
  request.set_page_size(-1);
  EXPECT_THAT(queries_->List(kAlice, request), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
  request.set_page_size(1);
  request.set_page_token("xyz");
  EXPECT_THAT(queries_->List(kAlice, request), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
  CreateOrDie("r2");
  request.clear_page_token();
  auto page = queries_->List(kAlice, request);
  ASSERT_THAT(page, IsOk());
  ASSERT_FALSE(page->next_page_token().empty());
  request.set_page_token(page->next_page_token());
  request.set_account_id("OTHER");
  EXPECT_THAT(queries_->List(kAlice, request), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("other filters")));
  request.clear_account_id();
  request.add_statuses(static_cast<v1::TicketStatus>(50));
  EXPECT_THAT(queries_->List(kAlice, request), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("statuses")));
}

TEST_F(TicketServiceTest, HistoryPagesWithoutGaps) {
  v1::Ticket t = CreateOrDie("r1");
  v1::AddCommentRequest comment;
  comment.set_ticket_id(t.id());
  comment.set_body("chased by phone");
  for (int i = 0; i < 11; ++i) ASSERT_THAT(service_->AddComment(kAlice, comment), IsOk());
  v1::ListTicketEventsRequest request;
  request.set_ticket_id(t.id());
  request.set_page_size(5);
  std::vector<int64_t> sequences;
  do {
    auto page = queries_->ListEvents(kTom, request);
    ASSERT_THAT(page, IsOk());
    for (const v1::TicketEvent& e : page->events()) sequences.push_back(e.sequence());
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  ASSERT_THAT(sequences, SizeIs(12));
  for (size_t i = 0; i < sequences.size(); ++i) EXPECT_EQ(sequences[i], i + 1);
}

TEST_F(TicketServiceTest, ConcurrentWritersOfOneTicketNeverLoseAVersion) {
  const v1::Ticket t = CreateOrDie("r1");
  std::atomic<int> successes{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 8; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 20; ++i) {
        v1::GetTicketRequest get;
        get.set_id(t.id());
        v1::Ticket current = *queries_->Get(kAlice, get);
        v1::UpdateTicketRequest request;
        *request.mutable_ticket() = current;
        request.mutable_ticket()->set_summary(absl::StrCat("writer ", w, " pass ", i));
        request.mutable_update_mask()->add_paths("summary");
        absl::StatusOr<v1::Ticket> updated = service_->Update(kAlice, request);
        if (updated.ok()) {
          ++successes;
        } else {
          EXPECT_EQ(updated.status().code(), absl::StatusCode::kAborted);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_GT(successes.load(), 0);
  EXPECT_EQ(Fetch(t).version(), 1 + successes.load());
  EXPECT_THAT(History(t), SizeIs(1 + successes.load()));
}

}  // namespace
}  // namespace ticketing::domain
