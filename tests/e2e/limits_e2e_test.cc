// End-to-end tests of the limits (docs/security.md, "Transport" and "Fairness"): what a
// client, with or without a token, can make the real ticketd hold. Each test starts its own
// server and fails on a server without the limit it tests.

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/e2e/alert_helpers.h"
#include "tests/e2e/e2e_client.h"
#include "tests/e2e/e2e_helpers.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "ticketing/v1/admin_service.grpc.pb.h"

namespace ticketing::testing {
namespace {

#ifndef TICKETD_PATH
#error "TICKETD_PATH must name the ticketd binary (see tests/e2e/CMakeLists.txt)"
#endif

// Threads of process `pid` now, from /proc; -1 when unreadable.
int ThreadCount(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (absl::StartsWith(line, "Threads:")) {
      int n = -1;
      return absl::SimpleAtoi(line.substr(8), &n) ? n : -1;
    }
  }
  return -1;
}

// A channel with a connection of its own: gRPC shares one connection between channels of
// equal arguments, so each gets a distinct (meaningless) argument.
std::shared_ptr<grpc::Channel> OwnConnection(const std::string& address, int n) {
  grpc::ChannelArguments args;
  args.SetInt("ticketing.test.connection", n);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

// Calls that were started (headers sent, no token) and then say nothing: the idle streams an
// attacker opens by the thousand. Their contexts stay alive until the object dies.
class IdleStreams {
 public:
  // Opens `n` streams of `method` on `channel` and waits until each has been sent.
  void Open(const std::shared_ptr<grpc::Channel>& channel, const std::string& method, int n) {
    stubs_.push_back(std::make_unique<grpc::GenericStub>(channel));
    for (int i = 0; i < n; ++i) {
      contexts_.push_back(std::make_unique<grpc::ClientContext>());
      contexts_.back()->set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(2));
      calls_.push_back(stubs_.back()->PrepareCall(contexts_.back().get(), method, &cq_));
      calls_.back()->StartCall(reinterpret_cast<void*>(1));
    }
    void* tag;
    bool ok;
    for (int i = 0; i < n; ++i) cq_.Next(&tag, &ok);  // each start is a completion
  }
  ~IdleStreams() {
    for (auto& context : contexts_) context->TryCancel();
    for (auto& call : calls_) call->Finish(&status_, reinterpret_cast<void*>(2));
    void* tag;
    bool ok;
    for (size_t i = 0; i < calls_.size(); ++i) cq_.Next(&tag, &ok);
    cq_.Shutdown();
    while (cq_.Next(&tag, &ok)) {
    }
  }

 private:
  grpc::CompletionQueue cq_;
  grpc::Status status_;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs_;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts_;
  std::vector<std::unique_ptr<grpc::GenericClientAsyncReaderWriter>> calls_;
};

constexpr char kReflection[] = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";
constexpr char kWatchAlerts[] = "/ticketing.v1.AlertService/WatchAlerts";
constexpr char kCreateTicket[] = "/ticketing.v1.TicketService/CreateTicket";

// The p99 of `n` GetTicket calls, in milliseconds.
double GetTicketP99Millis(const E2eClient& client, const std::string& id, int n) {
  std::vector<double> millis;
  for (int i = 0; i < n; ++i) {
    const absl::Time start = absl::Now();
    EXPECT_THAT(client.Get(id), IsOk());
    millis.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
  }
  std::sort(millis.begin(), millis.end());
  return millis[static_cast<size_t>(n * 99 / 100)];
}

TEST(LimitsE2eTest, AThousandIdleUnauthenticatedStreamsHoldNoThreads) {
  ServerProcess server(TICKETD_PATH);
  ASSERT_THAT(server.Start(), IsOk());
  const E2eClient alice(server.Channel(), kAgentToken);
  absl::StatusOr<v1::Ticket> ticket = alice.Create(NewTicketRequest(UniqueName("acct")));
  ASSERT_THAT(ticket, IsOk());
  // Warm up first: gRPC starts its pollers and executor threads as calls come.
  EXPECT_LT(GetTicketP99Millis(alice, ticket->id(), 50), 1000.0);
  const int before = ThreadCount(server.pid());
  ASSERT_GT(before, 0);

  // 1,000 streams over 10 connections (100 each, the default per connection), a third each
  // on reflection (which held a thread per stream), the alert watch and a unary call. After
  // each connection's streams, a call on it with a token: the server has seen every stream
  // before it answers that call, which comes after them on the connection.
  IdleStreams idle;
  for (int c = 0; c < 10; ++c) {
    auto channel = OwnConnection(server.address(), c);
    idle.Open(channel, kReflection, 33);
    idle.Open(channel, kWatchAlerts, 33);
    idle.Open(channel, kCreateTicket, 33);
    EXPECT_THAT(E2eClient(channel, kAgentToken).Get(ticket->id()), IsOk()) << "connection " << c;
  }
  const int during = ThreadCount(server.pid());
  // docs/security.md: idle streams hold no thread; a few may come and go with gRPC's own
  // pollers and executor (a thread per stream would be hundreds).
  EXPECT_LE(during, before + 16) << "threads before " << before << ", with 1,000 idle streams "
                                << during;

  // Meanwhile a user with a token is served at once. Best of three rounds, so that a moment's
  // load on the test machine does not decide it; a starved server fails all three.
  double best = 1e9;
  for (int round = 0; round < 3 && best >= 10; ++round) {
    best = std::min(best, GetTicketP99Millis(alice, ticket->id(), 200));
  }
  EXPECT_LT(best, 10.0) << "GetTicket p99 with 1,000 idle streams held";
}

TEST(LimitsE2eTest, EnabledReflectionIsBoundedByMaxThreads) {
  ServerProcess server(TICKETD_PATH, "enable_reflection: true\nlimits { max_threads: 8 max_alert_watches: 4 alert_watches_reserved_for_supervisors: 1 }");
  ASSERT_THAT(server.Start(), IsOk());
  const int before = ThreadCount(server.pid());
  IdleStreams idle;
  auto channel = OwnConnection(server.address(), 0);
  idle.Open(channel, kReflection, 60);
  ASSERT_THAT(E2eClient(channel, kAgentToken).WhoAmI(), IsOk());
  // Reflection streams each hold a thread until the quota is spent; later ones are refused.
  EXPECT_LE(ThreadCount(server.pid()), before + 8 + 2);
}

TEST(LimitsE2eTest, CallsBeyondTheStreamsPerConnectionWaitAtTheClient) {
  ServerProcess server(TICKETD_PATH, "limits { max_streams_per_connection: 4 }");
  ASSERT_THAT(server.Start(), IsOk());
  auto channel = OwnConnection(server.address(), 0);
  ASSERT_THAT(E2eClient(channel, kAgentToken).WhoAmI(), IsOk());  // the limit is now known
  IdleStreams idle;
  idle.Open(channel, kWatchAlerts, 4);
  // The connection's four streams are taken: a fifth call waits for one of them, here in vain.
  EXPECT_THAT(E2eClient(channel, kAgentToken, absl::Milliseconds(500)).WhoAmI(),
              StatusIs(absl::StatusCode::kDeadlineExceeded, ::testing::_));
  // Another connection is not held up.
  EXPECT_THAT(E2eClient(OwnConnection(server.address(), 1), kAgentToken).WhoAmI(), IsOk());
}

TEST(LimitsE2eTest, AnIdleConnectionIsClosed) {
  ServerProcess server(TICKETD_PATH, "limits { max_connection_idle: \"1s\" }");
  ASSERT_THAT(server.Start(), IsOk());
  auto channel = OwnConnection(server.address(), 0);
  ASSERT_THAT(E2eClient(channel, kAgentToken).WhoAmI(), IsOk());
  ASSERT_EQ(channel->GetState(false), GRPC_CHANNEL_READY);
  // The server closes the connection a second after its last call; the channel goes idle.
  const auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(15);
  grpc_connectivity_state state = GRPC_CHANNEL_READY;
  while (state == GRPC_CHANNEL_READY && channel->WaitForStateChange(state, deadline)) {
    state = channel->GetState(false);
  }
  EXPECT_NE(state, GRPC_CHANNEL_READY);
}

TEST(LimitsE2eTest, AConnectionOlderThanItsMaximumAgeIsClosedEvenWhileWatching) {
  ServerProcess server(TICKETD_PATH,
                       "limits { max_connection_age: \"1s\" max_connection_age_grace: \"1s\" }");
  ASSERT_THAT(server.Start(), IsOk());
  auto channel = OwnConnection(server.address(), 0);
  auto stub = v1::AlertService::NewStub(channel);
  auto context = MakeClientContext(kSupervisorToken, absl::Seconds(30));
  v1::WatchAlertsRequest request;
  auto stream = stub->WatchAlerts(context.get(), request);
  v1::Alert alert;
  const absl::Time start = absl::Now();
  while (stream->Read(&alert)) {
  }
  // Ended by the server, well before the call's own 30 s deadline; a watcher resumes from
  // the last sequence it saw (docs/alerts.md).
  EXPECT_THAT(ToAbslStatus(stream->Finish()), StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
  EXPECT_LT(absl::Now() - start, absl::Seconds(15));
}

TEST(LimitsE2eTest, PlaintextBeyondLoopbackIsRefusedAtStart) {
  // The refusal comes before anything listens, so nothing is opened beyond loopback here.
  ServerProcess server(TICKETD_PATH, "", {"--listen=0.0.0.0:0"});
  EXPECT_FALSE(server.Start().ok());
  EXPECT_THAT(server.LogTail(), ::testing::HasSubstr("listen_address: 0.0.0.0:0"));
  EXPECT_THAT(server.LogTail(), ::testing::HasSubstr("unsafe_allow_plaintext_on_network"));
}

TEST(LimitsE2eTest, ATechnicianHoldsAtMostFourWatchesAndASupervisorStillWatches) {
  ServerProcess server(TICKETD_PATH, kAlertsConfig, AlertsServerFlags());
  ASSERT_THAT(server.Start(), IsOk());
  CreateTicketForTom(server.Channel(), v1::PRIORITY_P1);
  ASSERT_THAT(AdvanceClock(server.Channel(), absl::Hours(1)), IsOk());  // alerts to watch
  // Every admitted watch is sent the alerts from the start; a refused one ends at once.
  std::vector<std::unique_ptr<AlertWatch>> tom;
  for (int i = 0; i < 4; ++i) {
    tom.push_back(std::make_unique<AlertWatch>(server.Channel(), kTechnicianTomToken, 0));
    EXPECT_THAT(tom.back()->WaitFor(1), ::testing::Not(::testing::IsEmpty())) << "watch " << i;
  }
  AlertWatch fifth(server.Channel(), kTechnicianTomToken, 0);
  EXPECT_THAT(fifth.WaitForEnd(absl::Seconds(10)),
              StatusIs(absl::StatusCode::kResourceExhausted, ::testing::HasSubstr("tom")));
  AlertWatch sue(server.Channel(), kSupervisorToken, 0);
  EXPECT_THAT(sue.WaitFor(1), ::testing::Not(::testing::IsEmpty()));
}

}  // namespace
}  // namespace ticketing::testing

namespace ticketing::testing {
namespace {

// WhoAmI as `token`; the status and the server's retry pushback trailer (-1 when none).
std::pair<grpc::Status, int64_t> WhoAmIWithPushback(grpc::Channel& channel,
                                                    absl::string_view token) {
  auto stub = v1::AdminService::NewStub(std::shared_ptr<grpc::Channel>(&channel, [](auto*) {}));
  std::unique_ptr<grpc::ClientContext> context = MakeClientContext(token, absl::Seconds(10));
  v1::WhoAmIResponse response;
  const grpc::Status status = stub->WhoAmI(context.get(), v1::WhoAmIRequest(), &response);
  int64_t pushback = -1;
  const auto& trailers = context->GetServerTrailingMetadata();
  if (auto it = trailers.find("grpc-retry-pushback-ms"); it != trailers.end()) {
    EXPECT_TRUE(absl::SimpleAtoi(absl::string_view(it->second.data(), it->second.size()),
                                 &pushback));
  }
  return {status, pushback};
}

TEST(LimitsE2eTest, ARateLimitedUserIsToldWhenToRetryWhileOthersAreNotSlowed) {
  // rita's own limit: bursts of 5, then 2 calls a second.
  ServerProcess server(TICKETD_PATH, R"pb(users {
    name: "rita" role: ROLE_AGENT token: "rita-agent-token-0099"
    rate_limit { requests_per_second: 2 burst: 5 } })pb");
  ASSERT_THAT(server.Start(), IsOk());
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(WhoAmIWithPushback(*server.Channel(), "rita-agent-token-0099").first.ok()) << i;
  }
  const auto [refused, pushback] = WhoAmIWithPushback(*server.Channel(), "rita-agent-token-0099");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.error_message(), ::testing::HasSubstr("rate limit of rita"));
  EXPECT_GT(pushback, 0);
  EXPECT_LE(pushback, 500);  // one call's worth at 2 a second
  // Alice, another agent, has a bucket of her own.
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(WhoAmIWithPushback(*server.Channel(), kAgentToken).first.ok()) << i;
  }
  // That waiting as told is enough is shown on a fake clock (RateLimiterTest).
}

TEST(LimitsE2eTest, ARateLimitThatIsNotPositiveIsRefusedAtStartNamingTheField) {
  ServerProcess server(TICKETD_PATH, R"pb(users {
    name: "rita" role: ROLE_AGENT token: "rita-agent-token-0099"
    rate_limit { requests_per_second: 0 burst: 5 } })pb");
  EXPECT_FALSE(server.Start().ok());
  EXPECT_THAT(server.LogTail(), ::testing::HasSubstr("users[5].rate_limit.requests_per_second"));
}

}  // namespace
}  // namespace ticketing::testing
