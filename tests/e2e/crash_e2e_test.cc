// Crash test: kill -9 ticketd in the middle of concurrent writes, restart it on the same
// data directory and check that nothing acknowledged was lost, nothing unacknowledged was
// half-applied and no retried create made a duplicate. Three kill/restart cycles.
//
// Every ticket is owned by one worker thread, so the worker knows its exact state: the last
// acknowledged fields, plus at most one write that was sent and never answered (the worker
// stops at its first failure). After a restart the stored ticket must equal one of the two.
//
// The kill moment is random; the seed is printed and can be replayed with
// CRASH_TEST_SEED=<n> (the thread interleaving is not replayable, only the choices).

#include <stdlib.h>

#include <atomic>
#include <cstdint>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_client.h"
#include "tests/e2e/e2e_helpers.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::testing {
namespace {

#ifndef TICKETD_PATH
#error "TICKETD_PATH must name the ticketd binary (see tests/e2e/CMakeLists.txt)"
#endif

constexpr int kWorkers = 6;
constexpr int kCycles = 3;
constexpr int kMinKillMs = 300;
constexpr int kMaxKillMs = 1500;
constexpr size_t kMaxReportedProblems = 30;

// The fields the workers change, and the version they were stored at.
struct Fields {
  int64_t version = 0;
  std::string summary;
  std::string description;
  v1::Priority priority = v1::PRIORITY_UNSPECIFIED;
  v1::TicketStatus status = v1::TICKET_STATUS_UNSPECIFIED;

  static Fields Of(const v1::Ticket& t) {
    return {t.version(), t.summary(), t.description(), t.priority(), t.status()};
  }
  bool operator==(const Fields& o) const {
    return version == o.version && summary == o.summary && description == o.description &&
           priority == o.priority && status == o.status;
  }
  std::string ToString() const {
    return absl::StrCat("{v", version, " ", ShortStatusName(status), " P", priority, " \"", summary,
                        "\" \"", description, "\"}");
  }
};

struct OwnedTicket {
  std::string id;
  std::string account_id;         // unique to this ticket
  Fields acked;                   // the last acknowledged state
  std::optional<Fields> pending;  // a later write that was never acknowledged
};

// One worker thread's knowledge. Touched only by its own thread, and by the main thread
// after that thread has been joined.
struct Worker {
  int index = 0;
  std::mt19937 rng;
  std::vector<OwnedTicket> tickets;                      // all cycles
  std::vector<v1::CreateTicketRequest> unacked_creates;  // sent, never acknowledged
  int64_t acked_creates = 0;
  int64_t acked_changes = 0;
  std::string stop_reason;
  std::vector<std::string> problems;  // contract violations seen by this worker
};

bool IsDefiniteFailure(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kUnauthenticated:
      return true;
    default:
      return false;  // UNAVAILABLE, DEADLINE_EXCEEDED, ...: the write may or may not be in.
  }
}

v1::TicketStatus NextStatus(v1::TicketStatus s, std::mt19937& rng) {
  if (s == v1::TICKET_STATUS_IN_PROGRESS) {
    return rng() % 2 ? v1::TICKET_STATUS_WAITING_CUSTOMER : v1::TICKET_STATUS_WAITING_PARTS;
  }
  return v1::TICKET_STATUS_IN_PROGRESS;  // from ASSIGNED, WAITING_CUSTOMER, WAITING_PARTS
}

class LoadRunner {
 public:
  LoadRunner(Worker& w, const E2eClient& client) : w_(w), client_(client) {}

  // Writes until `stop` or the first failure; returns why it stopped.
  absl::Status Run(const std::atomic<bool>& stop) {
    while (!stop.load()) {
      const double r = std::uniform_real_distribution<double>(0, 1)(w_.rng);
      absl::Status s;
      if (w_.tickets.empty() || r < 0.25) {
        s = CreateOne();
      } else {
        OwnedTicket& t = w_.tickets[w_.rng() % w_.tickets.size()];
        s = r < 0.55 ? UpdateOne(t) : r < 0.8 ? TransitionOne(t) : CommentOne(t);
      }
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  absl::Status CreateOne() {
    v1::CreateTicketRequest request = NewTicketRequest(
        UniqueName(absl::StrCat("crash-w", w_.index)), absl::StrCat("w", w_.index, " new"));
    request.mutable_ticket()->set_priority(static_cast<v1::Priority>(1 + w_.rng() % 4)); request.mutable_ticket()->set_priority_reason("test sets it");
    request.mutable_ticket()->set_assignee(kTechnicianTomName);
    absl::StatusOr<v1::Ticket> t = client_.Create(request);
    if (!t.ok()) {
      w_.unacked_creates.push_back(request);
      return t.status();
    }
    ++w_.acked_creates;
    w_.tickets.push_back({t->id(), request.ticket().account_id(), Fields::Of(*t), std::nullopt});
    return absl::OkStatus();
  }

  absl::Status UpdateOne(OwnedTicket& t) {
    Fields want = t.acked;
    ++want.version;
    want.summary = absl::StrCat("w", w_.index, " edit ", w_.rng() % 100000);
    want.description = absl::StrCat("description ", w_.rng());
    want.priority = static_cast<v1::Priority>(1 + w_.rng() % 4);
    v1::UpdateTicketRequest request;
    request.mutable_ticket()->set_id(t.id);
    request.mutable_ticket()->set_version(t.acked.version);
    request.mutable_ticket()->set_summary(want.summary);
    request.mutable_ticket()->set_description(want.description);
    request.mutable_ticket()->set_priority(want.priority); request.mutable_ticket()->set_priority_reason("test sets it");
    for (const char* path : {"summary", "description", "priority"}) {
      request.mutable_update_mask()->add_paths(path);
    }
    return Record(t, want, client_.Update(request));
  }

  absl::Status TransitionOne(OwnedTicket& t) {
    Fields want = t.acked;
    ++want.version;
    want.status = NextStatus(t.acked.status, w_.rng);
    return Record(t, want, client_.Move(t.id, t.acked.version, want.status));
  }

  absl::Status CommentOne(OwnedTicket& t) {
    Fields want = t.acked;
    ++want.version;
    v1::AddCommentRequest request;
    request.set_ticket_id(t.id);
    request.set_version(t.acked.version);
    request.set_body(absl::StrCat("note ", w_.rng()));
    request.set_visibility(w_.rng() % 2 ? v1::VISIBILITY_INTERNAL : v1::VISIBILITY_CUSTOMER);
    absl::StatusOr<v1::AddCommentResponse> response = client_.Comment(request);
    if (!response.ok()) return Record(t, want, response.status());
    return Record(t, want, response->ticket());
  }

  // Remembers an answered write as acknowledged, an unanswered one as pending.
  absl::Status Record(OwnedTicket& t, const Fields& want, absl::StatusOr<v1::Ticket> got) {
    if (!got.ok()) {
      t.pending = want;
      return got.status();
    }
    const Fields stored = Fields::Of(*got);
    if (!(stored == want)) {
      w_.problems.push_back(absl::StrCat(t.id, ": write answered ", stored.ToString(),
                                         ", expected ", want.ToString()));
    }
    t.acked = stored;
    ++w_.acked_changes;
    return absl::OkStatus();
  }

  Worker& w_;
  const E2eClient& client_;
};

// Checks one ticket after a restart and makes its stored state the new acknowledged one.
class Verifier {
 public:
  Verifier(Worker& w, const E2eClient& client) : w_(w), client_(client) {}

  void Run() {
    for (OwnedTicket& t : w_.tickets) VerifyTicket(t);
    for (const v1::CreateTicketRequest& request : w_.unacked_creates) RetryCreate(request);
    w_.unacked_creates.clear();
  }

 private:
  void Problem(std::string text) { w_.problems.push_back(std::move(text)); }

  void VerifyTicket(OwnedTicket& t) {
    absl::StatusOr<v1::Ticket> stored = client_.Get(t.id);
    if (!stored.ok()) {
      return Problem(
          absl::StrCat("acknowledged ticket ", t.id, " unreadable: ", stored.status().ToString()));
    }
    const Fields got = Fields::Of(*stored);
    if (!(got == t.acked) && !(t.pending && got == *t.pending)) {
      Problem(absl::StrCat(t.id, ": stored ", got.ToString(), " but last acknowledged ",
                           t.acked.ToString(), " and unacknowledged ",
                           t.pending ? t.pending->ToString() : "none"));
    }
    if (stored->account_id() != t.account_id || stored->assignee() != kTechnicianTomName ||
        stored->contact().name() != "Ann Customer" || stored->kind() != v1::TICKET_KIND_REPAIR) {
      Problem(absl::StrCat(t.id, ": immutable fields changed: ", stored->ShortDebugString()));
    }
    t.acked = got;
    t.pending.reset();
    CheckHistory(t.id, got.version);
    CheckOnlyTicketOfAccount(t.account_id, t.id);
  }

  void RetryCreate(const v1::CreateTicketRequest& request) {
    absl::StatusOr<v1::Ticket> t = client_.Create(request);
    if (!t.ok()) {
      return Problem(absl::StrCat("retry of create ", request.request_id(),
                                  " failed: ", t.status().ToString()));
    }
    if (t->version() != 1 || t->account_id() != request.ticket().account_id() ||
        t->summary() != request.ticket().summary() ||
        t->priority() != request.ticket().priority()) {
      Problem(absl::StrCat("retry of create ", request.request_id(), " returned ",
                           t->ShortDebugString()));
    }
    CheckHistory(t->id(), t->version());
    CheckOnlyTicketOfAccount(request.ticket().account_id(), t->id());
    w_.tickets.push_back({t->id(), request.ticket().account_id(), Fields::Of(*t), std::nullopt});
  }

  void CheckHistory(const std::string& id, int64_t version) {
    absl::StatusOr<std::vector<v1::TicketEvent>> events = client_.AllEvents(id);
    if (!events.ok()) {
      return Problem(absl::StrCat(id, ": history unreadable: ", events.status().ToString()));
    }
    std::vector<int64_t> sequences;
    for (const v1::TicketEvent& e : *events) sequences.push_back(e.sequence());
    std::vector<int64_t> want;
    for (int64_t s = 1; s <= version; ++s) want.push_back(s);
    if (sequences != want) {
      Problem(absl::StrCat(id, " at version ", version, ": event sequences [",
                           absl::StrJoin(sequences, ","), "]"));
    }
  }

  void CheckOnlyTicketOfAccount(const std::string& account, const std::string& id) {
    v1::ListTicketsRequest list;
    list.set_account_id(account);
    absl::StatusOr<std::vector<v1::Ticket>> all = client_.ListAll(list);
    if (!all.ok()) {
      return Problem(absl::StrCat("list of ", account, " failed: ", all.status().ToString()));
    }
    std::vector<std::string> ids;
    for (const v1::Ticket& t : *all) ids.push_back(t.id());
    if (ids != std::vector<std::string>{id}) {
      Problem(absl::StrCat("account ", account, " should hold only ", id, " but lists [",
                           absl::StrJoin(ids, ","), "]"));
    }
  }

  Worker& w_;
  const E2eClient& client_;
};

uint32_t ChooseSeed() {
  const char* env = getenv("CRASH_TEST_SEED");
  uint32_t seed = 0;
  if (env != nullptr && absl::SimpleAtoi(env, &seed)) return seed;
  return std::random_device()();
}

// Runs load on every worker, kills the server after `kill_after`, and joins the workers.
void LoadAndKill(ServerProcess& server, std::vector<Worker>& workers, absl::Duration kill_after) {
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (Worker& w : workers) {
    threads.emplace_back([&w, &stop, channel = server.Channel()] {
      const E2eClient client(channel, w.index % 2 ? kAgentToken : kSupervisorToken,
                             absl::Seconds(5));
      absl::Status why = LoadRunner(w, client).Run(stop);
      w.stop_reason = why.ok() ? "stopped" : why.ToString();
      if (IsDefiniteFailure(why.code())) {
        w.problems.push_back(
            absl::StrCat("worker ", w.index, " got a definite error: ", why.ToString()));
      }
    });
  }
  absl::SleepFor(kill_after);
  EXPECT_FALSE(server.Exited()) << "ticketd died under load by itself:\n" << server.LogTail();
  if (server.running()) {
    EXPECT_THAT(server.Kill9(), IsOk());
  }
  stop = true;
  for (std::thread& t : threads) t.join();
}

void VerifyAll(ServerProcess& server, std::vector<Worker>& workers) {
  std::vector<std::thread> threads;
  for (Worker& w : workers) {
    threads.emplace_back([&w, channel = server.Channel()] {
      const E2eClient client(channel, kSupervisorToken, absl::Seconds(10));
      Verifier(w, client).Run();
    });
  }
  for (std::thread& t : threads) t.join();
}

// Fails the test with every worker's problems (the first few of each) and clears them.
void ReportProblems(std::vector<Worker>& workers, int cycle) {
  for (Worker& w : workers) {
    for (size_t i = 0; i < w.problems.size() && i < kMaxReportedProblems; ++i) {
      ADD_FAILURE() << "cycle " << cycle << " worker " << w.index << ": " << w.problems[i];
    }
    if (w.problems.size() > kMaxReportedProblems) {
      ADD_FAILURE() << "worker " << w.index << ": " << w.problems.size() - kMaxReportedProblems
                    << " more problems";
    }
    w.problems.clear();
  }
}

TEST(CrashE2eTest, AcknowledgedWritesSurviveKill9AndRetriedCreatesNeverDuplicate) {
  const uint32_t seed = ChooseSeed();
  std::cout << "crash test seed " << seed << " (replay with CRASH_TEST_SEED=" << seed << ")\n";
  ::testing::Test::RecordProperty("seed", std::to_string(seed));
  std::mt19937 rng(seed);
  std::vector<Worker> workers(kWorkers);
  for (int i = 0; i < kWorkers; ++i) {
    workers[i].index = i;
    workers[i].rng.seed(seed + 7919u * (i + 1));
  }
  ServerProcess server(TICKETD_PATH);
  ASSERT_THAT(server.Start(), IsOk());
  const absl::Time test_start = absl::Now();
  for (int cycle = 1; cycle <= kCycles; ++cycle) {
    const absl::Duration kill_after =
        absl::Milliseconds(std::uniform_int_distribution<int>(kMinKillMs, kMaxKillMs)(rng));
    LoadAndKill(server, workers, kill_after);
    int64_t creates = 0, changes = 0, unacked = 0, pending = 0;
    for (Worker& w : workers) {
      creates += w.acked_creates;
      changes += w.acked_changes;
      unacked += w.unacked_creates.size();
      for (const OwnedTicket& t : w.tickets) pending += t.pending.has_value();
      std::cout << "  worker " << w.index << ": " << w.stop_reason << "\n";
    }
    std::cout << "cycle " << cycle << ": killed after " << absl::FormatDuration(kill_after)
              << "; acknowledged so far: " << creates << " creates, " << changes
              << " changes; in flight at the kill: " << unacked << " creates, " << pending
              << " changes\n";
    EXPECT_GT(creates + changes, 0) << "the load never got a write acknowledged";
    ASSERT_THAT(server.Restart(), IsOk());
    VerifyAll(server, workers);
    ReportProblems(workers, cycle);
    absl::StatusOr<v1::VerifyStoreResponse> report =
        E2eClient(server.Channel(), kAdminToken, absl::Seconds(30)).VerifyStore();
    ASSERT_THAT(report, IsOk());
    EXPECT_THAT(report->problems(), ::testing::IsEmpty()) << "cycle " << cycle;
    std::cout << "cycle " << cycle << " verified: VerifyStore read " << report->tickets()
              << " tickets, " << report->events() << " events; elapsed "
              << absl::FormatDuration(absl::Now() - test_start) << "\n";
    if (::testing::Test::HasFatalFailure()) return;
  }
  EXPECT_THAT(server.Terminate(), IsOkAndHolds(0)) << server.LogTail();
}

}  // namespace
}  // namespace ticketing::testing
