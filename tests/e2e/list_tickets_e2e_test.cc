// End-to-end tests of ListTickets paging and filters over 1,100 tickets on a real ticketd.
// The suite's server holds only the tickets made in SetUpTestSuite, so an unfiltered listing
// must return exactly them; every expectation is computed client-side from the tickets the
// server acknowledged.

#include <algorithm>
#include <functional>
#include <iostream>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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
using ::testing::SizeIs;

#ifndef TICKETD_PATH
#error "TICKETD_PATH must name the ticketd binary (see tests/e2e/CMakeLists.txt)"
#endif

constexpr int kTickets = 1100;
constexpr int kAccounts = 5;
constexpr int kWriterThreads = 4;

// Ticket i of the data set: attributes vary independently-ish with i so that every filter
// selects a different, non-trivial subset.
struct Dataset {
  std::string accounts[kAccounts];
  std::string queue_a, queue_b;
  std::vector<v1::Ticket> tickets;  // final states, sorted in list order
};

v1::CreateTicketRequest RequestFor(int i, const Dataset& d) {
  v1::CreateTicketRequest request =
      NewTicketRequest(d.accounts[i % kAccounts], absl::StrCat("ticket ", i));
  v1::Ticket* t = request.mutable_ticket();
  t->set_kind(static_cast<v1::TicketKind>(1 + i % 3));
  t->set_priority(static_cast<v1::Priority>(1 + (i / 3) % 4)); t->set_priority_reason("test sets it");
  if ((i / 2) % 3 == 1) t->set_queue(d.queue_a);
  if ((i / 2) % 3 == 2) t->set_queue(d.queue_b);
  const char* assignees[] = {kTechnicianTomName, kTechnicianTimName, kSupervisorName};
  if (i % 7 < 3) t->set_assignee(assignees[i % 7]);
  return request;
}

// Creates ticket i and applies its follow-up moves; returns its final state.
absl::StatusOr<v1::Ticket> MakeTicket(int i, const Dataset& d, const E2eClient& alice,
                                      const E2eClient& sue, const E2eClient& tom) {
  absl::StatusOr<v1::Ticket> t = (i % 2 ? alice : sue).Create(RequestFor(i, d));
  if (!t.ok()) return t;
  if (i % 7 == 0 && (i / 7) % 2 == 0) {
    t = tom.Move(t->id(), t->version(), v1::TICKET_STATUS_IN_PROGRESS);
  } else if (i % 7 >= 3 && i % 11 == 0) {
    t = alice.Move(t->id(), t->version(), v1::TICKET_STATUS_CANCELLED, "duplicate");
  }
  return t;
}

absl::Status BuildDataset(ServerProcess& server, Dataset* d) {
  for (int a = 0; a < kAccounts; ++a) d->accounts[a] = UniqueName(absl::StrCat("list", a));
  d->queue_a = UniqueName("qa");
  d->queue_b = UniqueName("qb");
  const E2eClient alice(server.Channel(), kAgentToken, absl::Seconds(30));
  const E2eClient sue(server.Channel(), kSupervisorToken, absl::Seconds(30));
  const E2eClient tom(server.Channel(), kTechnicianTomToken, absl::Seconds(30));
  std::mutex mu;
  absl::Status first_error;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriterThreads; ++w) {
    writers.emplace_back([&, w] {
      for (int i = w; i < kTickets; i += kWriterThreads) {
        absl::StatusOr<v1::Ticket> t = MakeTicket(i, *d, alice, sue, tom);
        std::lock_guard<std::mutex> lock(mu);
        if (!t.ok()) {
          if (first_error.ok()) first_error = t.status();
          return;
        }
        d->tickets.push_back(*t);
      }
    });
  }
  for (std::thread& w : writers) w.join();
  if (!first_error.ok()) return first_error;
  std::sort(d->tickets.begin(), d->tickets.end(), [](const v1::Ticket& a, const v1::Ticket& b) {
    return ListOrderKey(a) < ListOrderKey(b);
  });
  return absl::OkStatus();
}

class ListTicketsE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess(TICKETD_PATH);
    data_ = new Dataset;
    const absl::Time start = absl::Now();
    status_ = new absl::Status(server_->Start());
    if (status_->ok()) *status_ = BuildDataset(*server_, data_);
    std::cout << "created " << data_->tickets.size() << " tickets in "
              << absl::FormatDuration(absl::Now() - start) << "\n";
  }
  static void TearDownTestSuite() {
    delete server_;
    delete data_;
    delete status_;
  }
  void SetUp() override { ASSERT_THAT(*status_, IsOk()); }

  // The tickets that `keep` selects, in list order.
  static std::vector<v1::Ticket> Expected(const std::function<bool(const v1::Ticket&)>& keep) {
    std::vector<v1::Ticket> out;
    for (const v1::Ticket& t : data_->tickets) {
      if (keep(t)) out.push_back(t);
    }
    return out;
  }

  static ServerProcess* server_;
  static Dataset* data_;
  static absl::Status* status_;
};

ServerProcess* ListTicketsE2eTest::server_ = nullptr;
Dataset* ListTicketsE2eTest::data_ = nullptr;
absl::Status* ListTicketsE2eTest::status_ = nullptr;

std::vector<std::string> Ids(const std::vector<v1::Ticket>& tickets) {
  std::vector<std::string> ids;
  for (const v1::Ticket& t : tickets) ids.push_back(t.id());
  return ids;
}

// Explains the first difference between two id sequences: duplicates, missing, extra, order.
std::string DescribeDifference(const std::vector<std::string>& got,
                               const std::vector<std::string>& want) {
  std::set<std::string> seen, dups;
  for (const std::string& id : got) {
    if (!seen.insert(id).second) dups.insert(id);
  }
  const std::set<std::string> wanted(want.begin(), want.end());
  std::vector<std::string> missing, extra;
  for (const std::string& id : wanted) {
    if (!seen.count(id)) missing.push_back(id);
  }
  for (const std::string& id : seen) {
    if (!wanted.count(id)) extra.push_back(id);
  }
  size_t first = 0;
  while (first < got.size() && first < want.size() && got[first] == want[first]) ++first;
  return absl::StrCat(
      "got ", got.size(), " want ", want.size(), "; duplicates: ", absl::StrJoin(dups, ","),
      "; missing (", missing.size(), "): ",
      absl::StrJoin(missing.begin(), missing.begin() + std::min<size_t>(missing.size(), 20), ","),
      "; extra (", extra.size(), "); first difference at index ", first,
      first < got.size() ? absl::StrCat(" got ", got[first]) : "",
      first < want.size() ? absl::StrCat(" want ", want[first]) : "");
}

TEST_F(ListTicketsE2eTest, PagingVisitsEveryTicketExactlyOnceInCreateTimeAndIdOrder) {
  ASSERT_THAT(data_->tickets, SizeIs(kTickets));
  const std::vector<std::string> want = Ids(data_->tickets);
  const E2eClient sue(server_->Channel(), kSupervisorToken);
  for (int page_size : {7, 100, 500}) {
    SCOPED_TRACE(absl::StrCat("page_size ", page_size));
    v1::ListTicketsRequest request;
    request.set_page_size(page_size);
    std::vector<v1::Ticket> got;
    int pages = 0;
    while (pages < 2 * kTickets) {
      absl::StatusOr<v1::ListTicketsResponse> page = sue.List(request);
      ASSERT_THAT(page, IsOk());
      ++pages;
      EXPECT_LE(page->tickets_size(), page_size);
      got.insert(got.end(), page->tickets().begin(), page->tickets().end());
      if (page->next_page_token().empty()) break;
      request.set_page_token(page->next_page_token());
    }
    EXPECT_GE(pages, (kTickets + page_size - 1) / page_size);
    const std::vector<std::string> got_ids = Ids(got);
    ASSERT_EQ(got_ids, want) << DescribeDifference(got_ids, want);
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_TRUE(MessageDifferencer::Equals(got[i], data_->tickets[i]))
          << "listed " << got[i].DebugString() << "acknowledged "
          << data_->tickets[i].DebugString();
    }
  }
}

TEST_F(ListTicketsE2eTest, DefaultPageHoldsAtMostFiftyTickets) {
  absl::StatusOr<v1::ListTicketsResponse> page =
      E2eClient(server_->Channel(), kAgentToken).List(v1::ListTicketsRequest());
  ASSERT_THAT(page, IsOk());
  EXPECT_LE(page->tickets_size(), 50);
  EXPECT_GT(page->tickets_size(), 0);
  EXPECT_FALSE(page->next_page_token().empty());
}

struct FilterCase {
  std::string name;
  v1::ListTicketsRequest request;
  std::function<bool(const v1::Ticket&)> keep;
};

std::vector<FilterCase> FilterCases(const Dataset& d) {
  std::vector<FilterCase> cases;
  auto add = [&cases](std::string name, std::function<void(v1::ListTicketsRequest*)> set,
                      std::function<bool(const v1::Ticket&)> keep) {
    FilterCase c{std::move(name), {}, std::move(keep)};
    c.request.set_page_size(100);
    set(&c.request);
    cases.push_back(std::move(c));
  };
  using R = v1::ListTicketsRequest;
  using T = v1::Ticket;
  add(
      "status NEW", [](R* r) { r->add_statuses(v1::TICKET_STATUS_NEW); },
      [](const T& t) { return t.status() == v1::TICKET_STATUS_NEW; });
  add(
      "status IN_PROGRESS or CANCELLED",
      [](R* r) {
        r->add_statuses(v1::TICKET_STATUS_IN_PROGRESS);
        r->add_statuses(v1::TICKET_STATUS_CANCELLED);
      },
      [](const T& t) {
        return t.status() == v1::TICKET_STATUS_IN_PROGRESS ||
               t.status() == v1::TICKET_STATUS_CANCELLED;
      });
  for (const char* who : {kTechnicianTomName, kTechnicianTimName, kSupervisorName}) {
    add(
        absl::StrCat("assignee ", who), [who](R* r) { r->set_assignee(who); },
        [who](const T& t) { return t.assignee() == who; });
  }
  const std::string account = d.accounts[2];
  add(
      "account", [account](R* r) { r->set_account_id(account); },
      [account](const T& t) { return t.account_id() == account; });
  const std::string queue = d.queue_a;
  add(
      "queue", [queue](R* r) { r->set_queue(queue); },
      [queue](const T& t) { return t.queue() == queue; });
  for (v1::Priority p : {v1::PRIORITY_P1, v1::PRIORITY_P3}) {
    add(
        absl::StrCat("priority ", p), [p](R* r) { r->set_priority(p); },
        [p](const T& t) { return t.priority() == p; });
  }
  add(
      "kind COMPLAINT", [](R* r) { r->set_kind(v1::TICKET_KIND_COMPLAINT); },
      [](const T& t) { return t.kind() == v1::TICKET_KIND_COMPLAINT; });
  const v1::Ticket& from = d.tickets[300];
  const v1::Ticket& to = d.tickets[800];
  add(
      "created in [300th, 800th)",
      [&](R* r) {
        *r->mutable_create_time_from() = from.create_time();
        *r->mutable_create_time_to() = to.create_time();
      },
      [f = CreateNanos(from), e = CreateNanos(to)](const T& t) {
        return CreateNanos(t) >= f && CreateNanos(t) < e;
      });
  add(
      "created from the 1000th",
      [&](R* r) { *r->mutable_create_time_from() = d.tickets[1000].create_time(); },
      [f = CreateNanos(d.tickets[1000])](const T& t) { return CreateNanos(t) >= f; });
  add(
      "created before the 50th",
      [&](R* r) { *r->mutable_create_time_to() = d.tickets[50].create_time(); },
      [e = CreateNanos(d.tickets[50])](const T& t) { return CreateNanos(t) < e; });
  const std::string account1 = d.accounts[1];
  add(
      "account + status ASSIGNED + kind REPAIR",
      [account1](R* r) {
        r->set_account_id(account1);
        r->add_statuses(v1::TICKET_STATUS_ASSIGNED);
        r->set_kind(v1::TICKET_KIND_REPAIR);
      },
      [account1](const T& t) {
        return t.account_id() == account1 && t.status() == v1::TICKET_STATUS_ASSIGNED &&
               t.kind() == v1::TICKET_KIND_REPAIR;
      });
  add(
      "assignee tom + priority P2 + queue b",
      [q = d.queue_b](R* r) {
        r->set_assignee(kTechnicianTomName);
        r->set_priority(v1::PRIORITY_P2);
        r->set_queue(q);
      },
      [q = d.queue_b](const T& t) {
        return t.assignee() == kTechnicianTomName && t.priority() == v1::PRIORITY_P2 &&
               t.queue() == q;
      });
  return cases;
}

TEST_F(ListTicketsE2eTest, EveryFilterReturnsExactlyTheMatchingTicketsInOrder) {
  ASSERT_THAT(data_->tickets, SizeIs(kTickets));
  const E2eClient tim(server_->Channel(), kTechnicianTimToken);
  for (const FilterCase& c : FilterCases(*data_)) {
    SCOPED_TRACE(c.name);
    const std::vector<std::string> want = Ids(Expected(c.keep));
    EXPECT_FALSE(want.empty()) << "the data set should exercise this filter";
    absl::StatusOr<std::vector<v1::Ticket>> got = tim.ListAll(c.request);
    ASSERT_THAT(got, IsOk());
    const std::vector<std::string> got_ids = Ids(*got);
    EXPECT_EQ(got_ids, want) << DescribeDifference(got_ids, want);
  }
}

}  // namespace
}  // namespace ticketing::testing
