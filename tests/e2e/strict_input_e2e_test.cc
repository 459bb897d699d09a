// End-to-end tests of strict input on the real ticketd (docs/security.md, "Input"): requests
// sent as raw bytes, as an attacker would, never as the generated stubs would build them.

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpcpp/impl/client_unary_call.h"
#include "grpcpp/impl/rpc_method.h"
#include "grpcpp/support/byte_buffer.h"
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

// Calls unary `method` with `bytes` as the request, exactly as given; the status and the
// response's bytes.
std::pair<absl::Status, std::string> RawCall(grpc::Channel& channel, const char* method,
                                             const std::string& bytes, const char* token) {
  const grpc::internal::RpcMethod rpc(method, grpc::internal::RpcMethod::NORMAL_RPC);
  auto context = MakeClientContext(token);
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  const grpc::Status status = grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
      &channel, rpc, context.get(), request, &response);
  std::string out;
  if (status.ok()) {
    grpc::Slice joined;
    (void)response.TrySingleSlice(&joined);
    if (joined.size() == 0) (void)response.DumpToSingleSlice(&joined);
    out.assign(reinterpret_cast<const char*>(joined.begin()), joined.size());
  }
  return {ToAbslStatus(status), out};
}

TEST(StrictInputE2eTest, AnUnknownFieldIsNeverStoredNorServedBack) {
  ServerProcess server(TICKETD_PATH);
  ASSERT_THAT(server.Start(), IsOk());
  const E2eClient alice(server.Channel(), kAgentToken);
  v1::CreateTicketRequest request = NewTicketRequest(UniqueName("acct"));
  alice.EnsureAccount(request.ticket().account_id());
  // 900 KB of bytes in field 999 of ticket.contact: unknown to the server, valid protobuf.
  const std::string junk(900 * 1024, 'j');
  v1::Contact* contact = request.mutable_ticket()->mutable_contact();
  contact->GetReflection()->MutableUnknownFields(contact)->AddLengthDelimited(999, junk);
  auto [status, bytes] = RawCall(*server.Channel(), "/ticketing.v1.TicketService/CreateTicket",
                                 request.SerializeAsString(), kAgentToken);
  ASSERT_THAT(status, IsOk());
  v1::Ticket created;
  ASSERT_TRUE(created.ParseFromString(bytes));
  EXPECT_LT(bytes.size(), 16u * 1024) << "the answer carried the unknown field back";
  absl::StatusOr<v1::Ticket> stored = alice.Get(created.id());
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->contact().name(), request.ticket().contact().name());
  EXPECT_LT(stored->ByteSizeLong(), 16u * 1024) << "the unknown field was stored";
}

TEST(StrictInputE2eTest, InvalidUtf8IsInvalidArgumentAndDoesNotFloodTheLog) {
  ServerProcess server(TICKETD_PATH);
  ASSERT_THAT(server.Start(), IsOk());
  v1::GetTicketRequest request;
  request.set_id("T-1");
  std::string bytes = request.SerializeAsString();
  bytes.back() = '\xff';  // the id is no longer UTF-8
  for (int i = 0; i < 200; ++i) {
    // Without a token too: the bytes are refused before anything else.
    auto [status, unused] = RawCall(*server.Channel(), "/ticketing.v1.TicketService/GetTicket",
                                    bytes, i % 2 == 0 ? kAgentToken : "");
    ASSERT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                                 ::testing::HasSubstr("ticketing.v1.GetTicketRequest")))
        << "request " << i;
  }
  // libprotobuf complains of each; the log takes at most 10 a minute.
  const std::string log = ReadFileOrEmpty(server.log_path());
  int lines = 0;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (absl::StrContains(line, "UTF-8")) ++lines;
  }
  EXPECT_GE(lines, 1);
  EXPECT_LE(lines, 10) << log.substr(0, 4096);
}

}  // namespace
}  // namespace ticketing::testing
