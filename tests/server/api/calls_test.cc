// The API's transport-neutral face: admission, and where each kind of call runs
// (server/api/calls.h), with a fake clock for deadlines and a held writer or pool for
// queueing, so that nothing sleeps.
#include "server/api/calls.h"

#include <atomic>
#include <memory>
#include <thread>

#include "absl/synchronization/notification.h"
#include "server/common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/server/api/api_fixture.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::api {
namespace {

using ::testing::HasSubstr;
using ::ticketing::testing::IsOk;
using ::ticketing::testing::StatusIs;

std::vector<v1::User> Users() {
  v1::User alice;
  alice.set_name("alice");
  alice.set_role(v1::ROLE_AGENT);
  alice.set_token("alice-token-0123456789");
  return {alice};
}

CallInfo Alice(absl::Time deadline = absl::InfiniteFuture()) {
  CallInfo info;
  info.authorization = "Bearer alice-token-0123456789";
  info.deadline = deadline;
  return info;
}

// Admission over the identities of `users` (kept alive by the returned object).
struct AdmissionOf {
  AdmissionOf(const std::vector<v1::User>& users, const Clock& clock)
      : identity(*domain::IdentityService::Load(users, store, directory, clock,
                                                domain::IdentityService::Options())),
        admission(*identity, clock) {}
  testing::MemoryIdentityStore store;
  domain::UserDirectory directory;
  std::unique_ptr<domain::IdentityService> identity;
  Admission admission;
};

TEST(AdmissionTest, TurnsAwayMissingMalformedAndUnknownTokensAndCallersThatLeft) {
  testing::FakeClock clock;
  const AdmissionOf of(Users(), clock);
  const Admission& admission = of.admission;
  CallInfo call = Alice();
  ASSERT_THAT(admission.Admit(call), IsOk());
  EXPECT_EQ(admission.Admit(call)->name, "alice");
  call.authorization.clear();
  EXPECT_THAT(admission.Admit(call),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("missing credentials")));
  call.authorization = "Basic alice-token-0123456789";
  EXPECT_THAT(admission.Admit(call),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("Bearer <token>")));
  call.authorization = "Bearer alice-token-0123456788";
  EXPECT_THAT(admission.Admit(call), StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("unknown token")));
  call = Alice(clock.Now() - absl::Milliseconds(1));
  EXPECT_THAT(admission.Admit(call),
              StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("before start")));
  call = Alice();
  call.cancelled = [] { return true; };
  EXPECT_THAT(admission.Admit(call), StatusIs(absl::StatusCode::kCancelled, HasSubstr("cancelled")));
}

TEST(AdmissionTest, KnowsTokensByTheirHashOnly) {
  testing::FakeClock clock;
  v1::User tom;
  tom.set_name("tom");
  tom.set_role(v1::ROLE_TECHNICIAN);
  tom.set_token_sha256(Sha256Hex("tom-token-0123456789"));  // as a config gives it
  const AdmissionOf of({tom}, clock);
  const Admission& admission = of.admission;
  CallInfo call;
  call.authorization = "Bearer tom-token-0123456789";
  ASSERT_THAT(admission.Admit(call), IsOk());
  EXPECT_EQ(admission.Admit(call)->name, "tom");
  // The hash itself is no token.
  call.authorization = "Bearer " + Sha256Hex("tom-token-0123456789");
  EXPECT_THAT(admission.Admit(call), StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("unknown token")));
}

// Calls wired like the server's, with a call pool of one thread and room for one waiting
// call.
class CallsTest : public ApiFixture {
 protected:
  void SetUp() override {
    testing::DomainWorld::Options options;
    options.users = {{"alice", v1::ROLE_AGENT}};
    Open(options, Users(), exec::CallPool::Options{1, 1});
  }

  // A create through Calls as `kind`; its outcome once answered.
  absl::StatusOr<v1::Ticket> Create(CallKind kind, const CallInfo& info, const std::string& id,
                                    std::atomic<bool>* ran = nullptr) {
    absl::Notification answered;
    absl::StatusOr<v1::Ticket> outcome;
    calls_->Run<v1::Ticket>(
        kind, info,
        [this, id, ran](const domain::Principal& who, const domain::Interrupt&) {
          if (ran != nullptr) *ran = true;
          return world_->lifecycle->Create(who, Request(id));
        },
        [&](absl::StatusOr<v1::Ticket> result) {
          outcome = std::move(result);
          answered.Notify();
        });
    answered.WaitForNotification();
    return outcome;
  }
  static v1::CreateTicketRequest Request(const std::string& id) {
    v1::CreateTicketRequest request;
    request.set_request_id(id);
    request.mutable_ticket()->set_kind(v1::TICKET_KIND_REPAIR);
    request.mutable_ticket()->set_account_id("ACME");
    request.mutable_ticket()->set_summary("Printer jams");
    request.mutable_ticket()->mutable_contact()->set_name("Li Wei");
    return request;
  }
  // Occupies the writer (or the pool's one thread) until the returned notification.
  std::shared_ptr<absl::Notification> HoldWriter() {
    auto release = std::make_shared<absl::Notification>();
    auto entered = std::make_shared<absl::Notification>();
    writes_->Submit<int>(
        [release, entered]() -> absl::StatusOr<int> {
          entered->Notify();
          release->WaitForNotification();
          return 0;
        },
        [](absl::StatusOr<int>) {});
    entered->WaitForNotification();
    return release;
  }
  std::shared_ptr<absl::Notification> HoldPool() {
    auto release = std::make_shared<absl::Notification>();
    auto entered = std::make_shared<absl::Notification>();
    EXPECT_TRUE(pool_->TrySubmit([release, entered] {
      entered->Notify();
      release->WaitForNotification();
    }));
    entered->WaitForNotification();
    return release;
  }

};

TEST_F(CallsTest, AReadOnlyTokenReadsButNoKindOfWriteRuns) {
  v1::IssueTokenRequest request;
  request.set_user("alice");
  request.set_read_only(true);
  absl::StatusOr<v1::IssueTokenResponse> issued =
      identity_->IssueToken(domain::Principal{"alice", v1::ROLE_AGENT}, request);
  ASSERT_THAT(issued, IsOk());
  CallInfo info;
  info.authorization = "Bearer " + issued->token();
  for (CallKind kind : {CallKind::kWrite, CallKind::kBlocking}) {
    std::atomic<bool> ran{false};
    EXPECT_THAT(Create(kind, info, "ro-1", &ran),
                StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("read-only token")));
    EXPECT_FALSE(ran);
  }
  // A read runs, and knows the token is read-only.
  absl::StatusOr<bool> read_only = absl::UnknownError("not answered");
  calls_->Run<bool>(
      CallKind::kRead, info,
      [](const domain::Principal& who, const domain::Interrupt&) -> absl::StatusOr<bool> {
        return who.read_only;
      },
      [&](absl::StatusOr<bool> result) { read_only = result; });
  ASSERT_THAT(read_only, IsOk());
  EXPECT_TRUE(*read_only);
}

TEST_F(CallsTest, AReadRunsAtOnceOnTheCallersThread) {
  std::thread::id ran_on;
  absl::StatusOr<int> outcome;
  calls_->Run<int>(
      CallKind::kRead, Alice(),
      [&](const domain::Principal&, const domain::Interrupt&) -> absl::StatusOr<int> {
        ran_on = std::this_thread::get_id();
        return 7;
      },
      [&](absl::StatusOr<int> result) { outcome = result; });
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  EXPECT_THAT(outcome, testing::IsOkAndHolds(7));
}

TEST_F(CallsTest, AWriteIsAnsweredOnceDurable) {
  ASSERT_THAT(Create(CallKind::kWrite, Alice(), "r1"), IsOk());
  EXPECT_NE(*world_->store->GetRequest("r1"), std::nullopt) << "stored before the answer";
}

TEST_F(CallsTest, AWriteWhoseDeadlinePassesWhileQueuedIsNotApplied) {
  std::shared_ptr<absl::Notification> release = HoldWriter();
  absl::Notification answered;
  absl::StatusOr<v1::Ticket> outcome;
  std::atomic<bool> ran{false};
  calls_->Run<v1::Ticket>(
      CallKind::kWrite, Alice(clock_.Now() + absl::Seconds(5)),
      [&](const domain::Principal& who, const domain::Interrupt&) {
        ran = true;
        return world_->lifecycle->Create(who, Request("late"));
      },
      [&](absl::StatusOr<v1::Ticket> result) {
        outcome = std::move(result);
        answered.Notify();
      });
  clock_.Advance(absl::Seconds(6));  // the caller's deadline passes while the write waits
  release->Notify();
  answered.WaitForNotification();
  EXPECT_THAT(outcome, StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("waiting to be written")));
  EXPECT_FALSE(ran);
  EXPECT_EQ(*world_->store->GetRequest("late"), std::nullopt);
}

TEST_F(CallsTest, AScanWhoseCallerLeftWhileItWaitedForAThreadNeverRuns) {
  std::shared_ptr<absl::Notification> release = HoldPool();
  std::atomic<bool> left{false};
  CallInfo info = Alice();
  info.cancelled = [&] { return left.load(); };
  absl::Notification answered;
  absl::StatusOr<int> outcome;
  std::atomic<bool> ran{false};
  calls_->Run<int>(
      CallKind::kScan, info,
      [&](const domain::Principal&, const domain::Interrupt&) -> absl::StatusOr<int> {
        ran = true;
        return 1;
      },
      [&](absl::StatusOr<int> result) {
        outcome = result;
        answered.Notify();
      });
  left = true;
  release->Notify();
  answered.WaitForNotification();
  EXPECT_THAT(outcome, StatusIs(absl::StatusCode::kCancelled, HasSubstr("cancelled")));
  EXPECT_FALSE(ran);
}

TEST_F(CallsTest, AScanSeesItsCallersDeadlineInsideItsLoop) {
  absl::StatusOr<int> outcome;
  absl::Notification answered;
  calls_->Run<int>(
      CallKind::kScan, Alice(clock_.Now() + absl::Seconds(1)),
      [&](const domain::Principal&, const domain::Interrupt& interrupt) -> absl::StatusOr<int> {
        for (int i = 0;; ++i) {  // a scan that checks as it goes
          if (absl::Status stop = interrupt.Check(); !stop.ok()) return stop;
          if (i == 3) clock_.Advance(absl::Seconds(2));
        }
      },
      [&](absl::StatusOr<int> result) {
        outcome = result;
        answered.Notify();
      });
  answered.WaitForNotification();
  EXPECT_THAT(outcome, StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("deadline")));
}

TEST_F(CallsTest, AFullCallPoolAnswersResourceExhaustedAtOnce) {
  std::shared_ptr<absl::Notification> release = HoldPool();
  ASSERT_TRUE(pool_->TrySubmit([] {}));  // the one waiting place
  std::atomic<bool> ran{false};
  absl::StatusOr<int> outcome;
  calls_->Run<int>(
      CallKind::kBlocking, Alice(),
      [&](const domain::Principal&, const domain::Interrupt&) -> absl::StatusOr<int> {
        ran = true;
        return 1;
      },
      [&](absl::StatusOr<int> result) { outcome = result; });
  EXPECT_THAT(outcome, StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("server busy")));
  release->Notify();
  pool_->Stop();
  EXPECT_FALSE(ran);
}

TEST_F(CallsTest, ACallThatIsNotAdmittedNeverReachesTheDomainWhateverItsKind) {
  CallInfo stranger;
  stranger.authorization = "Bearer nobody-0123456789";
  for (CallKind kind : {CallKind::kRead, CallKind::kScan, CallKind::kWrite, CallKind::kBlocking}) {
    std::atomic<bool> ran{false};
    EXPECT_THAT(Create(kind, stranger, "never", &ran),
                StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("unknown token")));
    EXPECT_FALSE(ran);
  }
  EXPECT_EQ(*world_->store->GetRequest("never"), std::nullopt);
}

TEST(RateLimiterTest, EachUserHasABucketOfTheirOwnRefilledInTimeAndIsToldHowLongToWait) {
  testing::FakeClock clock;
  RateLimiter limiter({{v1::ROLE_AGENT, RateLimit{2, 3}}}, {{"rita", RateLimit{1, 1}}}, clock);
  const domain::Principal alice{"alice", v1::ROLE_AGENT};
  const domain::Principal bob{"bob", v1::ROLE_AGENT};
  for (int i = 0; i < 3; ++i) EXPECT_THAT(limiter.Admit(alice), IsOk()) << i;
  const absl::Status refused = limiter.Admit(alice);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("rate limit of alice")));
  EXPECT_EQ(RetryDelayOf(refused), absl::Milliseconds(500));  // one call at 2 a second
  EXPECT_THAT(limiter.Admit(bob), IsOk());  // bob's bucket is his own
  clock.Advance(absl::Milliseconds(499));
  EXPECT_EQ(RetryDelayOf(limiter.Admit(alice)), absl::Milliseconds(1));
  clock.Advance(absl::Milliseconds(1));
  EXPECT_THAT(limiter.Admit(alice), IsOk());
  // A user's own limit wins over the role's.
  const domain::Principal rita{"rita", v1::ROLE_AGENT};
  EXPECT_THAT(limiter.Admit(rita), IsOk());
  EXPECT_EQ(RetryDelayOf(limiter.Admit(rita)), absl::Seconds(1));
  // A long pause refills to the burst, no more.
  clock.Advance(absl::Hours(1));
  for (int i = 0; i < 3; ++i) EXPECT_THAT(limiter.Admit(alice), IsOk()) << i;
  EXPECT_FALSE(limiter.Admit(alice).ok());
}

TEST(RateLimiterTest, RolesWithoutAConfiguredLimitTakeTheDocumentedDefaults) {
  testing::FakeClock clock;
  RateLimiter limiter({}, {}, clock);
  const std::pair<v1::Role, int> bursts[] = {
      {v1::ROLE_AGENT, 100}, {v1::ROLE_TECHNICIAN, 40}, {v1::ROLE_SUPERVISOR, 100},
      {v1::ROLE_ADMIN, 200}};
  for (const auto& [role, burst] : bursts) {
    const domain::Principal who{domain::RoleName(role), role};
    for (int i = 0; i < burst; ++i) ASSERT_THAT(limiter.Admit(who), IsOk()) << who.name << i;
    EXPECT_FALSE(limiter.Admit(who).ok()) << who.name;
  }
}

class HeavyCallsTest : public ApiFixture {
 protected:
  void SetUp() override {
    testing::DomainWorld::Options options;
    options.users = {{"alice", v1::ROLE_AGENT}};
    Open(options, Users(), exec::CallPool::Options{2, 10});
    CallGuards guards;
    guards.max_heavy_calls = 1;
    calls_ = std::make_unique<Calls>(*admission_, *writes_, *pool_, guards);
  }
};

TEST_F(HeavyCallsTest, OneHeavyCallAtATimeTheNextIsToldToRetryAndOthersStillRun) {
  absl::Notification release, entered, first_done;
  const CallSpec heavy(CallKind::kScan, false, true, nullptr);
  calls_->Run<int>(
      heavy, Alice(),
      [&](const domain::Principal&, const domain::Interrupt&) -> absl::StatusOr<int> {
        entered.Notify();
        release.WaitForNotification();
        return 1;
      },
      [&](absl::StatusOr<int>) { first_done.Notify(); });
  entered.WaitForNotification();
  absl::StatusOr<int> second;
  calls_->Run<int>(
      heavy, Alice(), [](const domain::Principal&, const domain::Interrupt&) -> absl::StatusOr<int> { return 2; },
      [&](absl::StatusOr<int> result) { second = result; });
  EXPECT_THAT(second, StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("heavy calls")));
  EXPECT_EQ(RetryDelayOf(second.status()), absl::Seconds(1));
  absl::StatusOr<int> light;
  absl::Notification light_done;
  calls_->Run<int>(
      CallKind::kScan, Alice(),
      [](const domain::Principal&, const domain::Interrupt&) -> absl::StatusOr<int> { return 3; },
      [&](absl::StatusOr<int> result) {
        light = result;
        light_done.Notify();
      });
  light_done.WaitForNotification();
  EXPECT_THAT(light, testing::IsOkAndHolds(3));
  release.Notify();
  first_done.WaitForNotification();
  // Its slot is free again once answered.
  absl::StatusOr<int> third;
  absl::Notification third_done;
  calls_->Run<int>(
      heavy, Alice(), [](const domain::Principal&, const domain::Interrupt&) -> absl::StatusOr<int> { return 4; },
      [&](absl::StatusOr<int> result) {
        third = result;
        third_done.Notify();
      });
  third_done.WaitForNotification();
  EXPECT_THAT(third, testing::IsOkAndHolds(4));
}

}  // namespace
}  // namespace ticketing::api
