// The gRPC transport on the endpoints, called directly through gRPC's test peer for the
// callback API (no network): what it checks before the domain is reached.
#include "server/api/grpc/ticket_grpc_service.h"

#include <map>
#include <memory>

#include "gmock/gmock.h"
#include "grpcpp/test/default_reactor_test_peer.h"
#include "gtest/gtest.h"
#include "server/api/endpoints.h"
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
    endpoints_ = std::make_unique<Endpoints>(Services{
        *world_->lifecycle, *world_->queries, *world_->sla, *world_->field_work,
        *world_->charges, *world_->work_queues, *dispatcher_, *world_->alerts,
        *world_->accounts, *world_->reports, *world_->sla_config, *world_->monitor});
    service_ = std::make_unique<TicketGrpcService>(*calls_, *endpoints_);
  }

  std::unique_ptr<domain::Dispatcher> dispatcher_;
  std::unique_ptr<Endpoints> endpoints_;
  std::unique_ptr<TicketGrpcService> service_;
};

TEST_F(GrpcCallTest, AMalformedRawListingIsInvalidArgumentNamingTheMessage) {
  grpc::CallbackServerContext context;
  grpc::testing::DefaultReactorTestPeer peer(&context);
  grpc::Slice garbage(std::string("\xff\xff\xff"));
  grpc::ByteBuffer request(&garbage, 1);
  grpc::ByteBuffer response;
  service_->ListTickets(&context, &request, &response);
  ASSERT_TRUE(peer.test_status_set());
  EXPECT_EQ(peer.test_status().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(peer.test_status().error_message(),
              HasSubstr("not a valid ticketing.v1.ListTicketsRequest"));
}

TEST_F(GrpcCallTest, ACallWithoutATokenIsUnauthenticatedAndWritesNothing) {
  grpc::CallbackServerContext context;
  grpc::testing::DefaultReactorTestPeer peer(&context);
  v1::CreateTicketRequest request;
  request.set_request_id("anonymous");
  request.mutable_ticket()->set_kind(v1::TICKET_KIND_REPAIR);
  request.mutable_ticket()->set_account_id("ACME");
  request.mutable_ticket()->set_summary("Printer jams");
  request.mutable_ticket()->mutable_contact()->set_name("Li Wei");
  v1::Ticket response;
  service_->CreateTicket(&context, &request, &response);
  ASSERT_TRUE(peer.test_status_set());
  EXPECT_EQ(peer.test_status().error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(peer.test_status().error_message(), HasSubstr("missing credentials"));
  EXPECT_EQ(*world_->store->GetRequest("anonymous"), std::nullopt);
}

}  // namespace
}  // namespace ticketing::api
