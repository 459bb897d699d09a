// Field visits and surveys: first-time fix, failed visits and unhappy customers escalate.
#include "server/domain/ticket_events.h"
#include "tests/server/domain/account_fixture.h"

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
    return tickets_->ScheduleVisit(kAlice, request);
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
  v1::Ticket Resolved(v1::Ticket t) {
    for (v1::TicketStatus s : {v1::TICKET_STATUS_IN_PROGRESS, v1::TICKET_STATUS_RESOLVED}) {
      v1::TransitionTicketRequest move;
      move.set_id(t.id());
      move.set_version(t.version());
      move.set_status(s);
      t = *tickets_->Transition(kTom, move);
    }
    return t;
  }
};

TEST_F(FieldWorkTest, AVisitThatEndsNotFixedEscalatesAndSpoilsTheFirstTimeFix) {
  const v1::Ticket t = CreateTicket("ACME", "tom");
  ASSERT_THAT(Schedule(t), IsOk());
  auto failed = tickets_->RecordVisit(kTom, Outcome(t, 1, v1::VISIT_OUTCOME_NOT_FIXED,
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
  auto fixed = tickets_->RecordVisit(kTom, Outcome(t, 2, v1::VISIT_OUTCOME_FIXED));
  ASSERT_THAT(fixed, IsOk());
  EXPECT_FALSE(fixed->first_time_fix()) << "only the first visit decides it";
  EXPECT_THAT(AllAlerts(), SizeIs(1));
  EXPECT_THAT(tickets_->RecordVisit(kTom, Outcome(t, 2, v1::VISIT_OUTCOME_FIXED)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already recorded")));
}

TEST_F(FieldWorkTest, VisitRequestsAreCheckedNamingTheField) {
  const v1::Ticket t = CreateTicket("ACME");  // unassigned
  EXPECT_THAT(Schedule(t), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("technician")));
  EXPECT_THAT(Schedule(t, "sue"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("sue")));
  ASSERT_THAT(Schedule(t, "tim"), IsOk());
  v1::RecordVisitRequest no_reason = Outcome(t, 1, v1::VISIT_OUTCOME_NOT_FIXED);
  EXPECT_THAT(tickets_->RecordVisit(kAlice, no_reason),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not_fixed_reason")));
  v1::RecordVisitRequest other = Outcome(t, 1, v1::VISIT_OUTCOME_NOT_FIXED, v1::NOT_FIXED_REASON_OTHER);
  EXPECT_THAT(tickets_->RecordVisit(kAlice, other),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason_text")));
  EXPECT_THAT(tickets_->RecordVisit(kAlice, Outcome(t, 2, v1::VISIT_OUTCOME_FIXED)),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("visit_number")));
  v1::RecordVisitRequest backwards = Outcome(t, 1, v1::VISIT_OUTCOME_FIXED);
  ToTimestamp(clock_.Now() - absl::Hours(1), backwards.mutable_leave_time());
  EXPECT_THAT(tickets_->RecordVisit(kAlice, backwards),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("leave_time")));
  EXPECT_THAT(tickets_->RecordVisit(kTom, Outcome(t, 1, v1::VISIT_OUTCOME_FIXED)),
              StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_))
      << "tom is not assigned";
  auto fixed = tickets_->RecordVisit(kAlice, Outcome(t, 1, v1::VISIT_OUTCOME_FIXED));
  ASSERT_THAT(fixed, IsOk());
  EXPECT_TRUE(fixed->first_time_fix());
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
  EXPECT_THAT(tickets_->SubmitSurvey(kAlice, request),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("resolution")));
  t = Resolved(t);
  EXPECT_THAT(tickets_->SubmitSurvey(kTom, request), StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  v1::SubmitSurveyRequest bad = request;
  bad.mutable_survey()->add_importance("timeliness");
  EXPECT_THAT(tickets_->SubmitSurvey(kAlice, bad),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("survey.importance")));
  bad = request;
  bad.mutable_survey()->set_overall(0);
  EXPECT_THAT(tickets_->SubmitSurvey(kAlice, bad),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("survey.overall")));
  auto surveyed = tickets_->SubmitSurvey(kAlice, request);
  ASSERT_THAT(surveyed, IsOk());
  EXPECT_TRUE(surveyed->survey().dissatisfied());
  EXPECT_EQ(surveyed->survey().recorded_by(), "alice");
  const std::vector<v1::Alert> alerts = AllAlerts();
  ASSERT_THAT(alerts, SizeIs(1));
  EXPECT_EQ(alerts[0].condition(), v1::ESCALATION_CONDITION_DISSATISFIED_SURVEY);
  EXPECT_EQ(alerts[0].level(), 2);
  EXPECT_THAT(alerts[0].summary(), HasSubstr("customer dissatisfied (overall 2 of 5)"));
  EXPECT_THAT(tickets_->SubmitSurvey(kAlice, request),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already")));
}

TEST_F(FieldWorkTest, ASatisfiedSurveyRaisesNothing) {
  const v1::Ticket t = Resolved(CreateTicket("ACME", "tom"));
  v1::SubmitSurveyRequest request;
  request.set_ticket_id(t.id());
  request.mutable_survey()->set_overall(3);  // the default threshold is "below 3"
  auto surveyed = tickets_->SubmitSurvey(kSue, request);
  ASSERT_THAT(surveyed, IsOk());
  EXPECT_FALSE(surveyed->survey().dissatisfied());
  EXPECT_THAT(AllAlerts(), IsEmpty());
}

}  // namespace
}  // namespace ticketing::domain
