// The gRPC transport on the endpoints, called directly through gRPC's test peer for the
// callback API (no network): what it checks before the domain is reached.
#include "server/api/grpc/grpc_services.h"

#include <map>
#include <memory>

#include "gmock/gmock.h"
#include "grpcpp/test/default_reactor_test_peer.h"
#include "gtest/gtest.h"
#include "server/api/endpoints.h"
#include "server/api/grpc/wire.h"
#include "tests/server/api/api_fixture.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::api {
namespace {

using ::testing::HasSubstr;
using ::ticketing::testing::IsOk;

class GrpcCallTest : public ApiFixture {
 protected:
  void SetUp() override {
    testing::DomainWorld::Options options;
    options.users = {{"alice", v1::ROLE_AGENT}};
    options.accounts = true;
    Open(options, {}, exec::CallPool::Options());
    dispatcher_ = std::make_unique<domain::Dispatcher>(
        *world_->queries, *world_->lifecycle, *batching_, *batching_, clock_, world_->users,
        std::map<std::string, domain::TechnicianProfile>());
    audit_ = std::make_unique<domain::AuditService>(*world_->store);
    endpoints_ = std::make_unique<Endpoints>(Services{
        *world_->lifecycle, *world_->queries, *world_->sla, *world_->field_work,
        *world_->charges, *world_->work_queues, *dispatcher_, *world_->alerts,
        *world_->accounts, *world_->reports, *world_->sla_config, *world_->monitor, *audit_,
        *identity_});
  }

  // Runs `endpoint` on raw request `bytes` as the gRPC transport does; the status it
  // answered with.
  // (The test peer cannot give a callback context metadata: these calls carry no token.)
  template <typename Request, typename Response>
  grpc::Status Serve(const Endpoint<Request, Response>& endpoint, const std::string& bytes) {
    grpc::CallbackServerContext context;
    grpc::testing::DefaultReactorTestPeer peer(&context);
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    ServeUnary(*calls_, &context, "test.Service/Method", endpoint, request, &response,
               [](const Response& r) { return r.SerializeAsString(); });
    // Refused before admission or by it: answered on this thread, at once.
    EXPECT_TRUE(peer.test_status_set());
    return peer.test_status();
  }

  std::unique_ptr<domain::Dispatcher> dispatcher_;
  std::unique_ptr<domain::AuditService> audit_;
  std::unique_ptr<Endpoints> endpoints_;
};

TEST_F(GrpcCallTest, EveryMethodOfEveryServiceHasItsEndpoint) {
  // GrpcServices aborts on a method without a handler or a handler without a method.
  std::vector<std::unique_ptr<GrpcService>> services = GrpcServices(*calls_, *endpoints_);
  EXPECT_EQ(services.size(), 5u);
}

TEST_F(GrpcCallTest, AMalformedRequestIsInvalidArgumentNamingTheMessage) {
  grpc::CallbackServerContext context;
  grpc::testing::DefaultReactorTestPeer peer(&context);
  grpc::Slice garbage(std::string("\xff\xff\xff"));
  grpc::ByteBuffer request(&garbage, 1);
  grpc::ByteBuffer response;
  ServeUnary(*calls_, &context, "test.Service/Method", endpoints_->list_tickets, request, &response, EncodeTicketPage);
  ASSERT_TRUE(peer.test_status_set());
  EXPECT_EQ(peer.test_status().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(peer.test_status().error_message(),
              HasSubstr("not a valid ticketing.v1.ListTicketsRequest"));
}

TEST_F(GrpcCallTest, InvalidUtf8InAStringIsInvalidArgument) {
  v1::GetTicketRequest request;
  request.set_id("T-1");
  std::string bytes = request.SerializeAsString();
  bytes.back() = '\xff';  // "T-\xff"
  // Refused as bytes, before anything else (there is no token either).
  const grpc::Status status = Serve(endpoints_->get_ticket, bytes);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("not a valid ticketing.v1.GetTicketRequest"));
}

TEST(DecodeRequestTest, UnknownFieldsAtAnyDepthAreDropped) {
  v1::CreateTicketRequest request;
  request.set_request_id("smuggler");
  request.mutable_ticket()->set_summary("Printer jams");
  request.mutable_ticket()->mutable_contact()->set_name("Li Wei");
  // Field 999 (unknown) with 64 KiB of bytes, inside ticket.contact and at the top.
  const std::string junk(64 << 10, 'j');
  v1::Contact* contact = request.mutable_ticket()->mutable_contact();
  contact->GetReflection()->MutableUnknownFields(contact)->AddLengthDelimited(999, junk);
  request.GetReflection()->MutableUnknownFields(&request)->AddLengthDelimited(999, junk);
  ASSERT_GT(request.ByteSizeLong(), 2 * junk.size());
  grpc::Slice slice(request.SerializeAsString());
  absl::StatusOr<v1::CreateTicketRequest> decoded =
      DecodeRequest<v1::CreateTicketRequest>(grpc::ByteBuffer(&slice, 1));
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(decoded->ticket().contact().name(), "Li Wei");
  EXPECT_EQ(decoded->request_id(), "smuggler");
  EXPECT_LT(decoded->ByteSizeLong(), 1024u);
}

TEST_F(GrpcCallTest, ACallWithoutATokenIsUnauthenticatedAndWritesNothing) {
  v1::CreateTicketRequest request;
  request.set_request_id("anonymous");
  request.mutable_ticket()->set_kind(v1::TICKET_KIND_REPAIR);
  request.mutable_ticket()->set_account_id("ACME");
  request.mutable_ticket()->set_summary("Printer jams");
  request.mutable_ticket()->mutable_contact()->set_name("Li Wei");
  const grpc::Status status = Serve(endpoints_->create_ticket, request.SerializeAsString());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("missing credentials"));
  EXPECT_EQ(*world_->store->GetRequest("anonymous"), std::nullopt);
}

}  // namespace
}  // namespace ticketing::api
