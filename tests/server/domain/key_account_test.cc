// Key accounts first: priority, immediate complaint alerts, escalation and work-queue order.
#include "absl/strings/match.h"
#include "proto/base/proto_time.h"
#include "server/domain/tickets/priority.h"
#include "server/domain/queues/work_order.h"
#include "tests/server/domain/account_fixture.h"
#include "tests/testing/transitions.h"

namespace ticketing::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::ticketing::testing::IsOk;
using ::ticketing::testing::StatusIs;

class KeyAccountTest : public AccountFixture {
 protected:
  std::vector<std::string> QueueIds(const Principal& who, v1::ListWorkQueueRequest request) {
    std::vector<std::string> ids;
    for (int page = 0; page < 100; ++page) {
      auto response = work_queues_->ListWorkQueue(who, request);
      EXPECT_THAT(response, IsOk());
      if (!response.ok()) return ids;
      for (const v1::WorkItem& item : response->items()) ids.push_back(item.ticket().id());
      if (response->next_page_token().empty()) break;
      request.set_page_token(response->next_page_token());
    }
    return ids;
  }
  static v1::ListWorkQueueRequest Team(const std::string& queue, int page_size = 0) {
    v1::ListWorkQueueRequest request;
    request.set_queue(queue);
    request.set_page_size(page_size);
    return request;
  }
};

TEST(PriorityRulesTest, MatrixRaisesAndKeyComplaintsFollowTheConfig) {
  v1::PriorityConfig config;
  v1::PriorityCell* cell = config.add_matrix();
  cell->set_impact(v1::IMPACT_LOW);
  cell->set_urgency(v1::URGENCY_LOW);
  cell->set_priority(v1::PRIORITY_P3);  // instead of P4
  config.set_potential_key_raise(1);
  auto rules = PriorityRules::Create(config);
  ASSERT_THAT(rules, IsOk());
  const auto decide = [&](v1::Impact i, v1::Urgency u, v1::TicketKind k, v1::ServiceTier t) {
    return rules->Decide(i, u, k, t).priority;
  };
  EXPECT_EQ(decide(v1::IMPACT_LOW, v1::URGENCY_LOW, v1::TICKET_KIND_REPAIR, v1::SERVICE_TIER_STANDARD),
            v1::PRIORITY_P3);
  EXPECT_EQ(decide(v1::IMPACT_MEDIUM, v1::URGENCY_MEDIUM, v1::TICKET_KIND_REPAIR, v1::SERVICE_TIER_KEY),
            v1::PRIORITY_P2);
  EXPECT_EQ(decide(v1::IMPACT_MEDIUM, v1::URGENCY_MEDIUM, v1::TICKET_KIND_REPAIR,
                   v1::SERVICE_TIER_POTENTIAL_KEY),
            v1::PRIORITY_P2);
  EXPECT_EQ(decide(v1::IMPACT_HIGH, v1::URGENCY_HIGH, v1::TICKET_KIND_REPAIR, v1::SERVICE_TIER_KEY),
            v1::PRIORITY_P1);  // cannot go above P1
  EXPECT_EQ(decide(v1::IMPACT_LOW, v1::URGENCY_LOW, v1::TICKET_KIND_COMPLAINT, v1::SERVICE_TIER_KEY),
            v1::PRIORITY_P1);
  EXPECT_THAT(rules->Decide(v1::IMPACT_MEDIUM, v1::URGENCY_MEDIUM, v1::TICKET_KIND_REPAIR,
                            v1::SERVICE_TIER_KEY).reason,
              HasSubstr("raised 1 level for a KEY account"));
  config.set_key_complaint_top_priority(false);
  config.set_key_account_raise(0);
  rules = PriorityRules::Create(config);
  EXPECT_EQ(decide(v1::IMPACT_LOW, v1::URGENCY_LOW, v1::TICKET_KIND_COMPLAINT, v1::SERVICE_TIER_KEY),
            v1::PRIORITY_P3);
  config.mutable_matrix(0)->set_impact(v1::IMPACT_UNSPECIFIED);
  EXPECT_THAT(PriorityRules::Create(config),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("priority.matrix[0].impact")));
}

TEST_F(KeyAccountTest, AKeyAccountsTicketIsRaisedOneLevelAndRunsOnTheKeyPolicy) {
  AddAccount(NewAccount("STD", v1::CHANNEL_TIER_CONSUMER, 1));
  AddAccount(NewAccount("KEYCO", v1::CHANNEL_TIER_DISTRIBUTOR, 1));
  MakeKey("KEYCO");
  const v1::Ticket standard = CreateTicket("STD");
  const v1::Ticket key = CreateTicket("KEYCO");
  EXPECT_EQ(standard.priority(), v1::PRIORITY_P3);
  EXPECT_EQ(standard.service_tier(), v1::SERVICE_TIER_STANDARD);
  EXPECT_EQ(key.priority(), v1::PRIORITY_P2);
  EXPECT_EQ(key.service_tier(), v1::SERVICE_TIER_KEY);
  EXPECT_EQ(key.sla_policy(), "key");
  EXPECT_THAT(key.priority_reason(), HasSubstr("KEY account"));
  EXPECT_THAT(AllAlerts(), IsEmpty()) << "a repair is not a complaint";
}

TEST_F(KeyAccountTest, AKeyAccountsComplaintIsP1AndAlertsItsPeopleAtOnce) {
  v1::Account account = NewAccount("KEYCO", v1::CHANNEL_TIER_DISTRIBUTOR, 1);
  account.set_account_manager("mia");
  for (const auto& [name, notify] : {std::pair<const char*, bool>{"Zhang Wei", true}, {"Wang Fang", false}}) {
    v1::KeyPerson* person = account.add_key_persons();
    person->set_name(name);
    person->set_role(v1::KEY_PERSON_ROLE_DECISION_MAKER);
    person->set_phone("+86 571 5550199");
    person->set_notify_on_escalation(notify);
  }
  AddAccount(account);
  MakeKey("KEYCO");
  const v1::Ticket t = CreateTicket("KEYCO", "", v1::TICKET_KIND_COMPLAINT);
  EXPECT_EQ(t.priority(), v1::PRIORITY_P1);
  const std::vector<v1::Alert> alerts = AllAlerts();
  ASSERT_THAT(alerts, SizeIs(1));
  const v1::Alert& alert = alerts[0];
  EXPECT_EQ(alert.condition(), v1::ESCALATION_CONDITION_KEY_ACCOUNT_COMPLAINT);
  EXPECT_EQ(alert.ticket_id(), t.id());
  EXPECT_EQ(alert.tier(), v1::SERVICE_TIER_KEY);
  EXPECT_EQ(alert.level_name(), "key-account team");
  EXPECT_THAT(alert.recipients(), ElementsAre("mia", "root"));
  ASSERT_THAT(alert.key_persons(), SizeIs(1));
  EXPECT_EQ(alert.key_persons(0).name(), "Zhang Wei");
  EXPECT_THAT(alert.summary(), HasSubstr("new complaint from a KEY account"));
  // The creation event records the alert.
  v1::ListTicketEventsRequest history;
  history.set_ticket_id(t.id());
  auto events = queries_->ListEvents(kSue, history);
  ASSERT_THAT(events, IsOk());
  bool recorded = false;
  for (const v1::FieldChange& c : events->events(0).changes()) {
    recorded = recorded || (c.field() == "escalation" && absl::StrContains(c.new_value(), "key-complaint"));
  }
  EXPECT_TRUE(recorded);
  // A standard account's complaint raises nothing at creation.
  AddAccount(NewAccount("STD", v1::CHANNEL_TIER_CONSUMER, 1));
  EXPECT_EQ(CreateTicket("STD", "", v1::TICKET_KIND_COMPLAINT).priority(), v1::PRIORITY_P3);
  EXPECT_THAT(AllAlerts(), SizeIs(1));
}

TEST_F(KeyAccountTest, KeyAccountBreachesGoToTheirTeamAndReescalateSooner) {
  AddAccount(NewAccount("KEYCO", v1::CHANNEL_TIER_DISTRIBUTOR, 1));
  MakeKey("KEYCO");
  AddAccount(NewAccount("STD", v1::CHANNEL_TIER_CONSUMER, 1));
  CreateTicket("KEYCO", "tom");
  CreateTicket("STD", "tom");
  clock_.Advance(absl::Minutes(61));
  ASSERT_THAT(monitor_->RunOnce(), IsOk());
  std::vector<v1::Alert> alerts = AllAlerts();
  ASSERT_THAT(alerts, SizeIs(2));
  EXPECT_EQ(alerts[0].rule(), "key-breach");
  EXPECT_EQ(alerts[0].level(), 2);
  EXPECT_EQ(alerts[0].past_target().seconds(), 31 * 60);
  EXPECT_EQ(alerts[1].rule(), "breach");
  EXPECT_EQ(alerts[1].level(), 1);
  // The key rule's own delay (10 min) is kept on the alert; level 2 is the top here, so
  // only the level-1 standard alert re-escalates, after its level's 30 min.
  EXPECT_EQ(alerts[0].reescalate_after().seconds(), 600);
  EXPECT_FALSE(alerts[0].has_reescalate_time());
  EXPECT_EQ(alerts[1].reescalate_time().seconds(), alerts[1].time().seconds() + 30 * 60);
}

TEST_F(KeyAccountTest, AHandSetPriorityNeedsAReasonAndIsAudited) {
  AddAccount(NewAccount("STD", v1::CHANNEL_TIER_CONSUMER, 1));
  v1::CreateTicketRequest request = TicketFor("STD");
  request.mutable_ticket()->set_priority(v1::PRIORITY_P1);
  EXPECT_THAT(tickets_->Create(kAlice, request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ticket.priority_reason")));
  request.mutable_ticket()->set_priority_reason("production line stopped");
  auto t = tickets_->Create(kAlice, request);
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(t->priority(), v1::PRIORITY_P1);
  EXPECT_EQ(t->priority_reason(), "set by alice: production line stopped");

  v1::UpdateTicketRequest update;
  *update.mutable_ticket() = *t;
  update.mutable_ticket()->set_priority(v1::PRIORITY_P2);
  update.mutable_ticket()->clear_priority_reason();
  update.mutable_update_mask()->add_paths("priority");
  EXPECT_THAT(tickets_->Update(kAlice, update),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ticket.priority_reason")));
  update.mutable_ticket()->set_priority_reason("line running again");
  auto updated = tickets_->Update(kSue, update);
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->priority_reason(), "set by sue: line running again");
}

TEST_F(KeyAccountTest, WorkQueueRunsBreachedFirstThenByDueWithKeyAccountsAheadWithinTheMargin) {
  AddAccount(NewAccount("STD", v1::CHANNEL_TIER_CONSUMER, 1));
  AddAccount(NewAccount("KEYCO", v1::CHANNEL_TIER_DISTRIBUTOR, 1));
  MakeKey("KEYCO");
  // Standard first responses are due 1 h after creation, KEY ones 30 min.
  const v1::Ticket s1 = CreateTicket("STD", "tom");    // due 09:00
  clock_.Advance(absl::Minutes(20));
  const v1::Ticket s2 = CreateTicket("STD", "tom");    // due 09:20
  clock_.Advance(absl::Minutes(40));                    // 09:00: s1 breaches
  ASSERT_THAT(monitor_->RunOnce(), IsOk());
  const v1::Ticket k1 = CreateTicket("KEYCO", "tom");  // due 09:30, ranks as 08:30
  const v1::Ticket s3 = CreateTicket("STD", "tim");    // due 10:00, tim's
  v1::ListWorkQueueRequest mine;
  mine.set_mine(true);
  // s1 is breached; k1 (due 09:30) goes ahead of s2 (due 09:20): within the 1 h margin.
  EXPECT_THAT(QueueIds(kTom, mine), ElementsAre(s1.id(), k1.id(), s2.id()));
  EXPECT_THAT(QueueIds(kSue, Team("repairs", 1)), ElementsAre(s1.id(), k1.id(), s2.id(), s3.id()));
  auto page = work_queues_->ListWorkQueue(kTom, mine);
  ASSERT_THAT(page, IsOk());
  EXPECT_TRUE(page->items(0).ticket().sla_breached());
  EXPECT_EQ(page->items(0).business_time_left().seconds(), 0);  // due this instant
  EXPECT_EQ(page->items(1).business_time_left().seconds(), 30 * 60);
  // A technician sees only their own queue.
  v1::ListWorkQueueRequest tims;
  tims.set_assignee("tim");
  EXPECT_THAT(work_queues_->ListWorkQueue(kTom, tims), StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  EXPECT_THAT(QueueIds(kTim, tims), ElementsAre(s3.id()));
  // Resolved work leaves the queue.
  v1::TransitionTicketRequest resolve;
  resolve.set_id(s1.id());
  resolve.set_version(queries_->Get(kTom, [&] { v1::GetTicketRequest r; r.set_id(s1.id()); return r; }())->version());
  resolve.set_status(v1::TICKET_STATUS_IN_PROGRESS);
  auto moved = tickets_->Transition(kTom, resolve);
  ASSERT_THAT(moved, IsOk());
  resolve.set_version(moved->version());
  resolve.set_status(v1::TICKET_STATUS_RESOLVED);
  testing::AddCompletion(resolve);
  ASSERT_THAT(tickets_->Transition(kTom, resolve), IsOk());
  EXPECT_THAT(QueueIds(kTom, mine), ElementsAre(k1.id(), s2.id()));
  EXPECT_THAT(work_queues_->ListWorkQueue(kTom, v1::ListWorkQueueRequest()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("scope")));
}

TEST_F(KeyAccountTest, AClockStillBreachedAfterTheRulesBusinessTimeEscalatesOnceMore) {
  AddAccount(NewAccount("STD", v1::CHANNEL_TIER_CONSUMER, 1));
  const v1::Ticket late = CreateTicket("STD", "tom");
  const v1::Ticket answered = CreateTicket("STD", "tom");
  clock_.Advance(absl::Minutes(61));  // both first responses breached at 09:00
  ASSERT_THAT(monitor_->RunOnce(), IsOk());
  v1::GetTicketRequest get;
  get.set_id(late.id());
  ASSERT_THAT(queries_->Get(kSue, get)->pending_escalations(), SizeIs(1));
  v1::AddCommentRequest reply;  // the customer hears from us: first response met (late)
  reply.set_ticket_id(answered.id());
  reply.set_body("technician on the way");
  reply.set_visibility(v1::VISIBILITY_CUSTOMER);
  ASSERT_THAT(tickets_->AddComment(kTom, reply), IsOk());
  for (const v1::Alert& alert : AllAlerts()) {  // acknowledged: no re-escalations
    v1::AckAlertRequest ack;
    ack.set_sequence(alert.sequence());
    ASSERT_THAT(alerts_->Ack(kSue, ack), IsOk());
  }
  Open();  // a restart keeps the pending escalation
  clock_.Advance(absl::Minutes(118));  // 10:59: not yet
  ASSERT_THAT(monitor_->RunOnce(), IsOk());
  EXPECT_THAT(AllAlerts(), SizeIs(2));  // the two breaches
  clock_.Advance(absl::Minutes(2));   // 11:01: two hours past the breach
  ASSERT_THAT(monitor_->RunOnce(), IsOk());
  ASSERT_THAT(monitor_->RunOnce(), IsOk());
  const std::vector<v1::Alert> alerts = AllAlerts();
  ASSERT_THAT(alerts, SizeIs(3));
  EXPECT_EQ(alerts[2].ticket_id(), late.id());
  EXPECT_EQ(alerts[2].rule(), "still-breached");
  EXPECT_EQ(alerts[2].condition(), v1::ESCALATION_CONDITION_BREACH_AGE);
  EXPECT_EQ(alerts[2].level(), 2);
  EXPECT_EQ(alerts[2].past_target().seconds(), 2 * 3600 + 60);  // fired at 11:01
  EXPECT_THAT(alerts[2].summary(), HasSubstr("first_response still breached"));
  EXPECT_THAT(queries_->Get(kSue, get)->pending_escalations(), IsEmpty());
}

TEST(WorkOrderTest, PausedAndClocklessTicketsHaveNoRankAndKeyMarginShiftsTheRank) {
  v1::Ticket t;
  UpdateWorkOrder(t, absl::Hours(1));
  EXPECT_FALSE(t.has_queue_rank_time());
  v1::SlaClock* c = t.add_sla_clocks();
  c->set_state(v1::SLA_CLOCK_STATE_PAUSED);
  UpdateWorkOrder(t, absl::Hours(1));
  EXPECT_FALSE(t.has_next_due_time());
  c->set_state(v1::SLA_CLOCK_STATE_RUNNING);
  c->mutable_due_time()->set_seconds(10000);
  v1::SlaClock* d = t.add_sla_clocks();
  d->set_state(v1::SLA_CLOCK_STATE_BREACHED);
  d->mutable_due_time()->set_seconds(20000);
  t.set_service_tier(v1::SERVICE_TIER_KEY);
  UpdateWorkOrder(t, absl::Hours(1));
  EXPECT_TRUE(t.sla_breached());
  EXPECT_EQ(t.next_due_time().seconds(), 10000);
  EXPECT_EQ(t.queue_rank_time().seconds(), 10000 - 3600);
}

TEST_F(KeyAccountTest, AnAccountThatCannotBeReadFailsTheEscalationUntilItCanNotTheAlertsPeople) {
  v1::Account account = NewAccount("KEYCO", v1::CHANNEL_TIER_DISTRIBUTOR, 1);
  v1::KeyPerson* person = account.add_key_persons();
  person->set_name("Zhang Wei");
  person->set_role(v1::KEY_PERSON_ROLE_DECISION_MAKER);
  person->set_notify_on_escalation(true);
  AddAccount(account);
  MakeKey("KEYCO");
  const v1::Ticket t = CreateTicket("KEYCO", "tom");
  clock_.Advance(absl::Minutes(31));  // the KEY first response (30 min) breaches
  failing_->fail_account_reads = true;
  // The breach names the account's key persons: without the account, nothing goes out
  // (and nothing is recorded), rather than an alert that reaches nobody it should.
  EXPECT_THAT(monitor_->RunOnce(), StatusIs(absl::StatusCode::kUnavailable, HasSubstr("account read")));
  EXPECT_THAT(AllAlerts(), IsEmpty());
  v1::GetTicketRequest get;
  get.set_id(t.id());
  EXPECT_EQ(queries_->Get(kSue, get)->version(), t.version()) << "nothing half-applied";
  failing_->fail_account_reads = false;
  ASSERT_THAT(monitor_->RunOnce(), IsOk());  // the next run records it
  const std::vector<v1::Alert> alerts = AllAlerts();
  ASSERT_THAT(alerts, SizeIs(1));
  EXPECT_EQ(alerts[0].rule(), "key-breach");
  EXPECT_EQ(alerts[0].level(), 2);
  ASSERT_THAT(alerts[0].key_persons(), SizeIs(1));
  EXPECT_EQ(alerts[0].key_persons(0).name(), "Zhang Wei");
  EXPECT_EQ(alerts[0].past_target().seconds(), 60);
}

TEST_F(KeyAccountTest, AnUpgradePastItsNewTargetIsDueWhenThatRanOutAndTierChangesNeverMoveIt) {
  AddAccount(NewAccount("ACME", v1::CHANNEL_TIER_CONSUMER, 1));
  const absl::Time created = clock_.Now();
  const v1::Ticket t = CreateTicket("ACME", "tom");  // STANDARD: first response in 1 h
  v1::GetTicketRequest get;
  get.set_id(t.id());
  auto first_response_due = [&]() {
    const v1::Ticket now = *queries_->Get(kSue, get);
    for (const v1::SlaClock& c : now.sla_clocks()) {
      if (c.kind() == v1::SLA_CLOCK_KIND_FIRST_RESPONSE) return FromTimestamp(c.due_time());
    }
    return absl::InfinitePast();
  };
  clock_.Advance(absl::Minutes(45));
  MakeKey("ACME");  // KEY: 30 min, used up 15 min ago
  EXPECT_EQ(first_response_due(), created + absl::Minutes(30));
  const v1::Ticket upgraded = *queries_->Get(kSue, get);
  EXPECT_EQ(FromTimestamp(upgraded.next_due_time()), created + absl::Minutes(30));
  ASSERT_THAT(monitor_->RunOnce(), IsOk());  // breached at the 30-minute instant
  std::vector<v1::Alert> alerts = AllAlerts();
  ASSERT_THAT(alerts, SizeIs(1));
  EXPECT_EQ(alerts[0].past_target().seconds(), 15 * 60);
  const absl::Time rank = FromTimestamp(queries_->Get(kSue, get)->queue_rank_time());
  // Down and up again: the promise stays as tight as it was and its due time stays put.
  clock_.Advance(absl::Minutes(10));
  v1::SetServiceTierRequest clear;
  clear.set_account_id("ACME");
  clear.set_version(accounts_->Get(kSue, Named("ACME"))->version());
  clear.set_tier(v1::SERVICE_TIER_UNSPECIFIED);
  clear.set_reason("override removed");
  ASSERT_THAT(accounts_->SetServiceTier(kSue, clear), IsOk());
  EXPECT_EQ(queries_->Get(kSue, get)->service_tier(), v1::SERVICE_TIER_STANDARD);
  EXPECT_EQ(first_response_due(), created + absl::Minutes(30));
  clock_.Advance(absl::Minutes(10));
  MakeKey("ACME");
  EXPECT_EQ(first_response_due(), created + absl::Minutes(30));
  // The KEY margin moves the rank (tier changes), never the due time.
  EXPECT_EQ(FromTimestamp(queries_->Get(kSue, get)->queue_rank_time()), rank);
}

}  // namespace
}  // namespace ticketing::domain
