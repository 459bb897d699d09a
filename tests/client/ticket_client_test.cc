// The client library against an in-process gRPC server on loopback: what it does when it
// cannot connect (client/ticket_client.h).
#include "client/ticket_client.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "ticketing/v1/ticket_service.grpc.pb.h"

namespace ticketing::client {
namespace {

using ::testing::HasSubstr;
using ::ticketing::testing::StatusIs;

// A loopback port bound without listening: connections to it are refused until a server
// listens on it. SO_REUSEPORT lets that server bind while the port is still held, so no
// other process can take it in between.
class RefusingPort {
 public:
  RefusingPort() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    const int on = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) return;
    socklen_t length = sizeof(address);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~RefusingPort() { close(fd_); }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// Answers GetTicket with the ticket asked for, or with `fail` when set; counts the calls.
class CountingTickets final : public v1::TicketService::Service {
 public:
  grpc::Status GetTicket(grpc::ServerContext*, const v1::GetTicketRequest* request,
                         v1::Ticket* response) override {
    ++calls;
    if (!fail.ok()) return fail;
    response->set_id(request->id());
    return grpc::Status::OK;
  }
  std::atomic<int> calls{0};
  grpc::Status fail = grpc::Status::OK;
};

std::unique_ptr<grpc::Server> Serve(const std::string& address, CountingTickets& service) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  return builder.BuildAndStart();
}

std::shared_ptr<grpc::Channel> ChannelTo(const std::string& address) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = MakeChannel(address, false, "");
  EXPECT_TRUE(channel.ok());
  return *channel;
}

TEST(TicketClientTest, ACallThatCouldNotConnectIsSentOnceMoreWhenTheServerComesUp) {
  RefusingPort port;
  ASSERT_NE(port.port(), 0);
  std::shared_ptr<grpc::Channel> channel = ChannelTo(port.address());
  CountingTickets service;
  std::unique_ptr<grpc::Server> server;
  // The server starts only once the channel's first connect has been refused.
  std::thread starter([&] {
    const auto give_up = std::chrono::system_clock::now() + std::chrono::seconds(30);
    for (grpc_connectivity_state state = channel->GetState(false);
         state != GRPC_CHANNEL_TRANSIENT_FAILURE; state = channel->GetState(false)) {
      if (!channel->WaitForStateChange(state, give_up)) return;
    }
    server = Serve(port.address(), service);
  });
  const TicketClient client(channel, "token-0123456789abcdef");
  const absl::StatusOr<v1::Ticket> ticket = client.GetTicket("T-7");
  starter.join();
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(ticket.ok()) << ticket.status();
  EXPECT_EQ(ticket->id(), "T-7");
  EXPECT_EQ(service.calls, 1);
  server->Shutdown();
}

TEST(TicketClientTest, AServerThatNeverComesUpIsUnavailableAfterOneWait) {
  RefusingPort port;
  ASSERT_NE(port.port(), 0);
  const TicketClient client(ChannelTo(port.address()), "token-0123456789abcdef",
                            absl::Milliseconds(500));
  EXPECT_THAT(client.GetTicket("T-7"), StatusIs(absl::StatusCode::kUnavailable,
                                                HasSubstr("failed to connect to all addresses")));
}

TEST(TicketClientTest, AnUnavailableAnswerOfTheServerIsNotSentAgain) {
  RefusingPort port;
  ASSERT_NE(port.port(), 0);
  CountingTickets service;
  service.fail = grpc::Status(grpc::StatusCode::UNAVAILABLE, "storage is down");
  std::unique_ptr<grpc::Server> server = Serve(port.address(), service);
  ASSERT_NE(server, nullptr);
  const TicketClient client(ChannelTo(port.address()), "token-0123456789abcdef");
  EXPECT_THAT(client.GetTicket("T-7"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("storage is down")));
  EXPECT_EQ(service.calls, 1);
  server->Shutdown();
}

}  // namespace
}  // namespace ticketing::client
