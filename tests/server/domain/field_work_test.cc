// Field visits and surveys: first-time fix, failed visits and unhappy customers escalate.
#include "server/domain/base/ticket_events.h"
#include "server/domain/base/validation.h"
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

class FieldWorkTest : public AccountFixture {
 protected:
  void SetUp() override {
    AccountFixture::SetUp();
    v1::Account account = NewAccount("ACME", v1::CHANNEL_TIER_BUSINESS_END_CUSTOMER, 1);
    account.set_account_manager("mia");
    AddAccount(account);
  }
  absl::StatusOr<v1::Ticket> Schedule(const v1::Ticket& t, const std::string& technician = "") {
    v1::ScheduleVisitRequest request;
    request.set_ticket_id(t.id());
    request.set_technician(technician);
    ToTimestamp(clock_.Now() + absl::Hours(1), request.mutable_window_start());
    ToTimestamp(clock_.Now() + absl::Hours(3), request.mutable_window_end());
    return field_work_->ScheduleVisit(kAlice, request);
  }
  v1::RecordVisitRequest Outcome(const v1::Ticket& t, int number, v1::VisitOutcome outcome,
                                 v1::NotFixedReason reason = v1::NOT_FIXED_REASON_UNSPECIFIED) {
    v1::RecordVisitRequest request;
    request.set_ticket_id(t.id());
    request.set_visit_number(number);
    ToTimestamp(clock_.Now(), request.mutable_arrive_time());
    ToTimestamp(clock_.Now() + absl::Minutes(40), request.mutable_leave_time());
    request.set_diagnosis("print head broken");
    request.set_outcome(outcome);
    request.set_not_fixed_reason(reason);
    return request;
  }
  // Answers the customer (first response met), then works and resolves the ticket.
  v1::Ticket Resolved(v1::Ticket t) {
    v1::AddCommentRequest reply;
    reply.set_ticket_id(t.id());
    reply.set_body("we are on it");
    reply.set_visibility(v1::VISIBILITY_CUSTOMER);
    t = tickets_->AddComment(kTom, reply)->ticket();
    for (v1::TicketStatus s : {v1::TICKET_STATUS_IN_PROGRESS, v1::TICKET_STATUS_RESOLVED}) {
      v1::TransitionTicketRequest move;
      move.set_id(t.id());
      move.set_version(t.version());
      move.set_status(s);
      testing::AddCompletion(move);
      t = *tickets_->Transition(kTom, move);
    }
    return t;
  }
};

TEST_F(FieldWorkTest, AVisitThatEndsNotFixedEscalatesAndSpoilsTheFirstTimeFix) {
  const v1::Ticket t = CreateTicket("ACME", "tom");
  ASSERT_THAT(Schedule(t), IsOk());
  auto failed = field_work_->RecordVisit(kTom, Outcome(t, 1, v1::VISIT_OUTCOME_NOT_FIXED,
                                                    v1::NOT_FIXED_REASON_MISSING_PART));
  ASSERT_THAT(failed, IsOk());
  EXPECT_EQ(failed->visits(0).technician(), "tom");
  ASSERT_TRUE(failed->has_first_time_fix());
  EXPECT_FALSE(failed->first_time_fix());
  std::vector<v1::Alert> alerts = AllAlerts();
  ASSERT_THAT(alerts, SizeIs(1));
  EXPECT_EQ(alerts[0].condition(), v1::ESCALATION_CONDITION_VISIT_NOT_FIXED);
  EXPECT_EQ(alerts[0].rule(), "not-fixed");
  EXPECT_THAT(alerts[0].summary(), HasSubstr("visit 1 by tom not fixed: missing_part"));
  EXPECT_THAT(alerts[0].recipients(), ElementsAre("mia", "sue"));

  ASSERT_THAT(Schedule(*failed), IsOk());
  auto fixed = field_work_->RecordVisit(kTom, Outcome(t, 2, v1::VISIT_OUTCOME_FIXED));
  ASSERT_THAT(fixed, IsOk());
  EXPECT_FALSE(fixed->first_time_fix()) << "only the first visit decides it";
  EXPECT_THAT(AllAlerts(), SizeIs(1));
  EXPECT_THAT(field_work_->RecordVisit(kTom, Outcome(t, 2, v1::VISIT_OUTCOME_FIXED)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already recorded")));
}

TEST_F(FieldWorkTest, VisitRequestsAreCheckedNamingTheField) {
  const v1::Ticket t = CreateTicket("ACME");  // unassigned
  EXPECT_THAT(Schedule(t), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("technician")));
  EXPECT_THAT(Schedule(t, "sue"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("sue")));
  ASSERT_THAT(Schedule(t, "tim"), IsOk());
  v1::RecordVisitRequest no_reason = Outcome(t, 1, v1::VISIT_OUTCOME_NOT_FIXED);
  EXPECT_THAT(field_work_->RecordVisit(kAlice, no_reason),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not_fixed_reason")));
  v1::RecordVisitRequest other = Outcome(t, 1, v1::VISIT_OUTCOME_NOT_FIXED, v1::NOT_FIXED_REASON_OTHER);
  EXPECT_THAT(field_work_->RecordVisit(kAlice, other),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason_text")));
  EXPECT_THAT(field_work_->RecordVisit(kAlice, Outcome(t, 2, v1::VISIT_OUTCOME_FIXED)),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("visit_number")));
  v1::RecordVisitRequest backwards = Outcome(t, 1, v1::VISIT_OUTCOME_FIXED);
  ToTimestamp(clock_.Now() - absl::Hours(1), backwards.mutable_leave_time());
  EXPECT_THAT(field_work_->RecordVisit(kAlice, backwards),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("leave_time")));
  EXPECT_THAT(field_work_->RecordVisit(kTom, Outcome(t, 1, v1::VISIT_OUTCOME_FIXED)),
              StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_))
      << "tom is not assigned";
  auto fixed = field_work_->RecordVisit(kAlice, Outcome(t, 1, v1::VISIT_OUTCOME_FIXED));
  ASSERT_THAT(fixed, IsOk());
  EXPECT_TRUE(fixed->first_time_fix());
}

TEST_F(FieldWorkTest, ATicketHoldsAtMostFiftyVisitsAndAHundredPartRequests) {
  const v1::Ticket t = CreateTicket("ACME", "tom");
  for (int i = 0; i < kMaxVisitsPerTicket; ++i) ASSERT_THAT(Schedule(t), IsOk()) << "visit " << i;
  EXPECT_THAT(Schedule(t), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("visits:")));
  v1::RequestPartRequest part;
  part.set_ticket_id(t.id());
  part.set_part_number("PH-5200");
  part.set_description("print head");
  part.set_quantity(1);
  ToTimestamp(clock_.Now() + absl::Hours(48), part.mutable_promised_arrival());
  for (int i = 0; i < kMaxPartsPerTicket; ++i) {
    ASSERT_THAT(field_work_->RequestPart(kTom, part), IsOk()) << "part " << i;
  }
  EXPECT_THAT(field_work_->RequestPart(kTom, part),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("parts:")));
  // Work on what the ticket holds goes on.
  v1::UpdatePartRequest update;
  update.set_ticket_id(t.id());
  update.set_part(1);
  update.set_status(v1::PART_STATUS_SHIPPED);
  EXPECT_THAT(field_work_->UpdatePart(kTom, update), IsOk());
}

TEST_F(FieldWorkTest, ATicketStopsGrowingAtItsByteLimit) {
  const v1::Ticket t = CreateTicket("ACME", "tom");
  std::string notes;
  for (int i = 0; i < 10000; ++i) notes += "修";  // 10,000 characters, 30,000 bytes
  // Each visit recorded with the longest notes allowed: the ticket reaches 256 KiB by the
  // ninth, which is refused, naming the size.
  absl::Status refused;
  int recorded = 0;
  for (int n = 1; n <= 20 && refused.ok(); ++n) {
    ASSERT_THAT(Schedule(t), IsOk());
    v1::RecordVisitRequest visit = Outcome(t, n, v1::VISIT_OUTCOME_FIXED);
    visit.set_notes(notes);
    refused = field_work_->RecordVisit(kTom, visit).status();
    if (refused.ok()) ++recorded;
  }
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bytes")));
  v1::GetTicketRequest get;
  get.set_id(t.id());
  absl::StatusOr<v1::Ticket> stored = world_->queries->Get(kAlice, get);
  ASSERT_THAT(stored, IsOk());
  EXPECT_LE(stored->ByteSizeLong(), kMaxTicketBytes);
  EXPECT_GE(recorded, 7);
  // Nothing of the refused visit was stored.
  EXPECT_EQ(stored->visits(recorded).outcome(), v1::VISIT_OUTCOME_UNSPECIFIED);
}

TEST_F(FieldWorkTest, ADissatisfiedSurveyEscalatesAndASurveyIsTakenOnceAfterResolution) {
  v1::Ticket t = CreateTicket("ACME", "tom");
  v1::SubmitSurveyRequest request;
  request.set_ticket_id(t.id());
  request.mutable_survey()->set_overall(2);
  request.mutable_survey()->set_timeliness(1);
  request.mutable_survey()->set_charges(2);
  request.mutable_survey()->add_importance("timeliness");
  request.mutable_survey()->add_importance("charges");
  request.mutable_survey()->set_comment("twenty days for a print head");
  EXPECT_THAT(field_work_->SubmitSurvey(kAlice, request),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("resolution")));
  t = Resolved(t);
  EXPECT_THAT(field_work_->SubmitSurvey(kTom, request), StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  v1::SubmitSurveyRequest bad = request;
  bad.mutable_survey()->add_importance("timeliness");
  EXPECT_THAT(field_work_->SubmitSurvey(kAlice, bad),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("survey.importance")));
  bad = request;
  bad.mutable_survey()->set_overall(0);
  EXPECT_THAT(field_work_->SubmitSurvey(kAlice, bad),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("survey.overall")));
  auto surveyed = field_work_->SubmitSurvey(kAlice, request);
  ASSERT_THAT(surveyed, IsOk());
  EXPECT_TRUE(surveyed->survey().dissatisfied());
  EXPECT_EQ(surveyed->survey().recorded_by(), "alice");
  const std::vector<v1::Alert> alerts = AllAlerts();
  ASSERT_THAT(alerts, SizeIs(1));
  EXPECT_EQ(alerts[0].condition(), v1::ESCALATION_CONDITION_DISSATISFIED_SURVEY);
  EXPECT_EQ(alerts[0].level(), 2);
  EXPECT_THAT(alerts[0].summary(), HasSubstr("customer dissatisfied (overall 2 of 5)"));
  EXPECT_THAT(field_work_->SubmitSurvey(kAlice, request),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already")));
}

TEST_F(FieldWorkTest, ASatisfiedSurveyRaisesNothing) {
  const v1::Ticket t = Resolved(CreateTicket("ACME", "tom"));
  v1::SubmitSurveyRequest request;
  request.set_ticket_id(t.id());
  request.mutable_survey()->set_overall(3);  // the default threshold is "below 3"
  auto surveyed = field_work_->SubmitSurvey(kSue, request);
  ASSERT_THAT(surveyed, IsOk());
  EXPECT_FALSE(surveyed->survey().dissatisfied());
  EXPECT_THAT(AllAlerts(), IsEmpty());
}

TEST_F(FieldWorkTest, PartsMoveForwardOnlyAndShowWhatTheTicketWaitsFor) {
  const v1::Ticket t = CreateTicket("ACME", "tom");
  v1::RequestPartRequest request;
  request.set_ticket_id(t.id());
  request.set_part_number("PH-5200");
  request.set_description("print head");
  request.set_quantity(1);
  ToTimestamp(clock_.Now() + absl::Hours(48), request.mutable_promised_arrival());
  auto requested = field_work_->RequestPart(kTom, request);
  ASSERT_THAT(requested, IsOk());
  ASSERT_THAT(requested->parts(), SizeIs(1));
  EXPECT_EQ(requested->parts(0).status(), v1::PART_STATUS_REQUESTED);
  EXPECT_EQ(requested->parts(0).requested_by(), "tom");
  request.set_quantity(0);
  EXPECT_THAT(field_work_->RequestPart(kTom, request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("quantity")));

  v1::UpdatePartRequest update;
  update.set_ticket_id(t.id());
  update.set_part(1);
  update.set_status(v1::PART_STATUS_SHIPPED);
  ASSERT_THAT(field_work_->UpdatePart(kTom, update), IsOk());
  update.set_status(v1::PART_STATUS_ORDERED);
  EXPECT_THAT(field_work_->UpdatePart(kTom, update),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("SHIPPED")));
  clock_.Advance(absl::Hours(30));
  update.set_status(v1::PART_STATUS_ARRIVED);
  auto arrived = field_work_->UpdatePart(kTom, update);
  ASSERT_THAT(arrived, IsOk());
  EXPECT_EQ(FromTimestamp(arrived->parts(0).arrival_time()), clock_.Now());
  update.set_part(2);
  EXPECT_THAT(field_work_->UpdatePart(kTom, update), StatusIs(absl::StatusCode::kNotFound, HasSubstr("part")));
}

TEST_F(FieldWorkTest, AQuoteIsExplainedDecidedByTheCustomerAndPaid) {
  const v1::Ticket t = CreateTicket("ACME", "tom");
  v1::SetQuoteRequest quote;
  quote.set_ticket_id(t.id());
  quote.set_explanation("print head out of warranty; labour one hour");
  for (const auto& [kind, amount] : {std::pair<v1::ChargeKind, int64_t>{v1::CHARGE_KIND_PARTS, 18000},
                                     {v1::CHARGE_KIND_LABOUR, 8000}, {v1::CHARGE_KIND_TRAVEL, 2500}}) {
    v1::ChargeLine* line = quote.add_lines();
    line->set_kind(kind);
    line->set_description("item");
    line->set_amount(amount);
  }
  auto quoted = charges_->SetQuote(kTom, quote);
  ASSERT_THAT(quoted, IsOk());
  EXPECT_EQ(quoted->quote().total(), 28500);
  EXPECT_EQ(quoted->quote().revision(), 1);
  v1::SetPaymentStatusRequest pay;
  pay.set_ticket_id(t.id());
  pay.set_payment(v1::PAYMENT_STATUS_PAID);
  EXPECT_THAT(charges_->SetPaymentStatus(kAlice, pay),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("accepted")));
  v1::RecordQuoteDecisionRequest decision;
  decision.set_ticket_id(t.id());
  decision.set_revision(2);
  decision.set_decision(v1::QUOTE_DECISION_ACCEPTED);
  decision.set_decided_by("Li Wei");
  EXPECT_THAT(charges_->RecordQuoteDecision(kTom, decision), StatusIs(absl::StatusCode::kAborted, HasSubstr("revision 1")));
  decision.set_revision(1);
  auto accepted = charges_->RecordQuoteDecision(kTom, decision);
  ASSERT_THAT(accepted, IsOk());
  EXPECT_EQ(accepted->quote().payment(), v1::PAYMENT_STATUS_DUE);
  EXPECT_THAT(charges_->SetPaymentStatus(kTom, pay), StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  auto paid = charges_->SetPaymentStatus(kAlice, pay);
  ASSERT_THAT(paid, IsOk());
  EXPECT_EQ(paid->quote().payment(), v1::PAYMENT_STATUS_PAID);

  v1::SetQuoteRequest warranty;
  warranty.set_ticket_id(t.id());
  warranty.set_explanation("covered");
  warranty.set_warranty(true);
  EXPECT_THAT(charges_->SetQuote(kTom, warranty),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("warranty_reference")));
  warranty.set_warranty_reference("W-2024-118");
  *warranty.add_lines() = quote.lines(0);
  EXPECT_THAT(charges_->SetQuote(kTom, warranty),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("lines[0].amount")));
  warranty.mutable_lines(0)->set_amount(0);
  auto free = charges_->SetQuote(kTom, warranty);
  ASSERT_THAT(free, IsOk());
  EXPECT_EQ(free->quote().revision(), 2);
  EXPECT_EQ(free->quote().total(), 0);
  EXPECT_EQ(free->quote().decision(), v1::QUOTE_DECISION_UNSPECIFIED) << "a new quote needs a new decision";
}

TEST_F(FieldWorkTest, ResolvingNeedsAResolutionAndClosingTheCustomersConfirmation) {
  v1::Ticket t = CreateTicket("ACME", "tom");
  v1::TransitionTicketRequest move;
  move.set_id(t.id());
  move.set_version(t.version());
  move.set_status(v1::TICKET_STATUS_IN_PROGRESS);
  t = *tickets_->Transition(kTom, move);
  move.set_version(t.version());
  move.set_status(v1::TICKET_STATUS_RESOLVED);
  EXPECT_THAT(tickets_->Transition(kTom, move),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("resolution.action_taken")));
  testing::AddCompletion(move);
  t = *tickets_->Transition(kTom, move);
  EXPECT_EQ(t.resolution().fault_category(), "print-head");
  move.clear_resolution();
  move.set_version(t.version());
  move.set_status(v1::TICKET_STATUS_CLOSED);
  EXPECT_THAT(tickets_->Transition(kAlice, move),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("confirmed")));
  move.mutable_verification()->set_outcome(v1::VERIFICATION_OUTCOME_NOT_FIXED);
  move.mutable_verification()->set_customer_contact("Li Wei");
  EXPECT_THAT(tickets_->Transition(kAlice, move),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::_));
  move.set_status(v1::TICKET_STATUS_REOPENED);  // the customer says it still jams
  move.set_reason("still jams");
  auto reopened = tickets_->Transition(kAlice, move);
  ASSERT_THAT(reopened, IsOk());
  EXPECT_EQ(reopened->verification().outcome(), v1::VERIFICATION_OUTCOME_NOT_FIXED);
  EXPECT_EQ(reopened->verification().verified_by(), "alice");
}

TEST_F(FieldWorkTest, AResolutionNotVerifiedInTimeIsAnOmissionAndEscalates) {
  verify_within_ = absl::Hours(48);
  Open();
  v1::Ticket t = Resolved(CreateTicket("ACME", "tom"));
  ASSERT_TRUE(t.has_verify_by());
  EXPECT_EQ(FromTimestamp(t.verify_by()), clock_.Now() + absl::Hours(48));
  clock_.Advance(absl::Hours(47));
  ASSERT_THAT(monitor_->RunOnce(), IsOk());
  EXPECT_THAT(AllAlerts(), IsEmpty());
  clock_.Advance(absl::Hours(2));
  ASSERT_THAT(monitor_->RunOnce(), IsOk());
  ASSERT_THAT(monitor_->RunOnce(), IsOk());
  const std::vector<v1::Alert> alerts = AllAlerts();
  ASSERT_THAT(alerts, SizeIs(1));
  EXPECT_EQ(alerts[0].condition(), v1::ESCALATION_CONDITION_VERIFICATION_OVERDUE);
  v1::GetTicketRequest get;
  get.set_id(t.id());
  t = *queries_->Get(kSue, get);
  EXPECT_TRUE(t.verification_overdue());
  EXPECT_FALSE(t.has_verify_by()) << "the deadline fired";
  // Verified late: closed, and the omission stays on record.
  v1::TransitionTicketRequest close;
  close.set_id(t.id());
  close.set_version(t.version());
  close.set_status(v1::TICKET_STATUS_CLOSED);
  testing::AddCompletion(close);
  auto closed = tickets_->Transition(kAlice, close);
  ASSERT_THAT(closed, IsOk());
  EXPECT_TRUE(closed->verification_overdue());
  EXPECT_FALSE(closed->has_verify_by());
  // Reopened and resolved again: the new resolution has its own deadline, which fires too.
  v1::TransitionTicketRequest reopen;
  reopen.set_id(t.id());
  reopen.set_version(closed->version());
  reopen.set_status(v1::TICKET_STATUS_REOPENED);
  reopen.set_reason("jams again");
  t = *tickets_->Transition(kAlice, reopen);
  t = Resolved(t);
  ASSERT_TRUE(t.has_verify_by());
  clock_.Advance(absl::Hours(49));
  ASSERT_THAT(monitor_->RunOnce(), IsOk());
  int overdue = 0;
  for (const v1::Alert& a : AllAlerts()) {
    overdue += a.condition() == v1::ESCALATION_CONDITION_VERIFICATION_OVERDUE && a.escalated_from_sequence() == 0;
  }
  EXPECT_EQ(overdue, 2);
}

}  // namespace
}  // namespace ticketing::domain
