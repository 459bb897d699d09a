// Dispatch: the technician in the region, with the skill, least loaded and available.
#include "server/domain/dispatch/dispatch.h"

#include "tests/server/domain/account_fixture.h"

namespace ticketing::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::ticketing::testing::IsOk;
using ::ticketing::testing::StatusIs;

class DispatchTest : public AccountFixture {
 protected:
  void SetUp() override {
    AccountFixture::SetUp();
    AddAccount(NewAccount("ACME", v1::CHANNEL_TIER_CONSUMER, 1));
    MakeDispatcher();
  }
  void MakeDispatcher() {
    dispatcher_ = std::make_unique<Dispatcher>(
        *queries_, *tickets_, *store_, *store_, clock_, users_,
        std::map<std::string, TechnicianProfile>{{"tom", {{"cn/zhejiang"}, {"LJ-"}}},
                                                 {"tim", {{"cn/jiangsu"}, {}}}});
  }
  v1::Ticket Unassigned(const std::string& region, const std::string& product) {
    v1::CreateTicketRequest request = TicketFor("ACME");
    request.mutable_ticket()->set_region(region);
    request.mutable_ticket()->set_product(product);
    return *tickets_->Create(kAlice, request);
  }
  std::vector<std::string> Ranking(const v1::Ticket& t) {
    v1::ProposeTechniciansRequest request;
    request.set_ticket_id(t.id());
    auto response = dispatcher_->Propose(kAlice, request);
    EXPECT_THAT(response, IsOk());
    std::vector<std::string> names;
    if (response.ok()) for (const auto& c : response->candidates()) names.push_back(c.technician());
    return names;
  }
  absl::Status SetAvailable(const Principal& who, const std::string& technician, bool available) {
    v1::SetTechnicianAvailabilityRequest request;
    request.set_technician(technician);
    request.set_available(available);
    request.set_note("on leave");
    return dispatcher_->SetAvailability(who, request).status();
  }
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(DispatchTest, RegionAndSkillComeBeforeLoad) {
  for (int i = 0; i < 3; ++i) CreateTicket("ACME", "tom");  // tom is busier
  EXPECT_THAT(Ranking(Unassigned("cn/zhejiang/hangzhou", "LJ-5200")), ElementsAre("tom", "tim"));
  EXPECT_THAT(Ranking(Unassigned("cn/jiangsu/nanjing", "LJ-5200")), ElementsAre("tim", "tom"));
  // Neither region: tim's "any product" beats tom's other skills.
  EXPECT_THAT(Ranking(Unassigned("cn/shanghai", "OVEN-1")), ElementsAre("tim", "tom"));
  v1::ProposeTechniciansRequest request;
  request.set_ticket_id(Unassigned("cn/zhejiang", "LJ-1").id());
  auto response = dispatcher_->Propose(kAlice, request);
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->candidates(0).open_tickets(), 3);
  EXPECT_EQ(response->candidates(0).explanation(), "region cn/zhejiang, skill LJ-, 3 open tickets");
}

TEST_F(DispatchTest, EqualMatchesGoToTheLeastLoaded) {
  dispatcher_ = std::make_unique<Dispatcher>(*queries_, *tickets_, *store_, *store_, clock_, users_,
                                             std::map<std::string, TechnicianProfile>{});
  CreateTicket("ACME", "tim");
  EXPECT_THAT(Ranking(Unassigned("cn/zhejiang", "LJ-1")), ElementsAre("tom", "tim"));
  CreateTicket("ACME", "tom");
  CreateTicket("ACME", "tom");
  EXPECT_THAT(Ranking(Unassigned("cn/zhejiang", "LJ-1")), ElementsAre("tim", "tom"));
}

TEST_F(DispatchTest, UnavailableTechniciansGoLastAndAssignTakesTheBestAvailable) {
  EXPECT_THAT(SetAvailable(kTim, "tom", false), StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  EXPECT_THAT(SetAvailable(kSue, "sue", false), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("technician")));
  ASSERT_THAT(SetAvailable(kSue, "tom", false), IsOk());
  Open();  // availability is stored
  MakeDispatcher();
  const v1::Ticket t = Unassigned("cn/zhejiang/hangzhou", "LJ-5200");
  EXPECT_THAT(Ranking(t), ElementsAre("tim", "tom"));
  v1::ProposeTechniciansRequest request;
  request.set_ticket_id(t.id());
  request.set_assign(true);
  EXPECT_THAT(dispatcher_->Propose(kTom, request), StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  auto assigned = dispatcher_->Propose(kAlice, request);
  ASSERT_THAT(assigned, IsOk());
  EXPECT_EQ(assigned->ticket().assignee(), "tim");
  ASSERT_THAT(SetAvailable(kTim, "tim", false), IsOk());  // a technician for themselves
  EXPECT_THAT(dispatcher_->Propose(kAlice, request),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no available technician")));
}

}  // namespace
}  // namespace ticketing::domain
