// Reports checked figure by figure against a small day of work computed by hand.
#include "server/domain/reports/report_service.h"

#include "server/domain/base/ticket_events.h"
#include "tests/server/domain/account_fixture.h"
#include "tests/testing/transitions.h"

namespace ticketing::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::ticketing::testing::IsOk;
using ::ticketing::testing::StatusIs;

int64_t Minutes(const google::protobuf::Duration& d) { return d.seconds() / 60; }

// The day (fake clock, 24x7 calendar; STANDARD: first response 1 h, resolution 8 h; KEY:
// 30 min / 4 h), all tickets created at 08:00:
//   A  STD repair, tom, LJ-5200: reply 08:20; visit fixed; resolved 10:00, closed, survey 5.
//   B  STD complaint, tom, LJ-5200: first response breached 09:00, reply 09:30; visit not
//      fixed; date promised at 10:00 for 11:00; resolved 12:00 (paper-feed); survey 2.
//   C  KEY repair, tim, LJ-6000: nothing done; first response breached 08:30, resolution
//      breached 12:00; still ASSIGNED.
//   D  STD inquiry, unassigned: cancelled at 08:10.
//   F  STD repair, tom, LJ-5200: reply 08:10; resolved and closed 09:00; no survey.
//   E  created at 13:00, the end of the period: not counted.
class ReportServiceTest : public AccountFixture {
 protected:
  void SetUp() override {
    AccountFixture::SetUp();
    reports_ = std::make_unique<ReportService>(*store_, *store_, clock_);
    for (const char* id : {"STD", "OTHER1", "OTHER2"}) AddAccount(NewAccount(id, v1::CHANNEL_TIER_CONSUMER, 1));
    AddAccount(NewAccount("KEYCO", v1::CHANNEL_TIER_DISTRIBUTOR, 1));
    MakeKey("KEYCO");
    start_ = clock_.Now();
    PlayTheDay();
  }
  v1::Ticket Open(const std::string& account, v1::TicketKind kind, const std::string& who,
                  const std::string& product) {
    v1::CreateTicketRequest request = TicketFor(account, kind);
    request.mutable_ticket()->set_assignee(who);
    request.mutable_ticket()->set_product(product);
    return *tickets_->Create(kAlice, request);
  }
  v1::Ticket Current(const v1::Ticket& t) {
    v1::GetTicketRequest get;
    get.set_id(t.id());
    return *queries_->Get(kSue, get);
  }
  void At(int minutes_after_eight) {
    clock_.Set(start_ + absl::Minutes(minutes_after_eight));
    ASSERT_THAT(monitor_->RunOnce(), IsOk());
  }
  void Reply(const v1::Ticket& t) {
    v1::AddCommentRequest reply;
    reply.set_ticket_id(t.id());
    reply.set_body("on our way");
    reply.set_visibility(v1::VISIBILITY_CUSTOMER);
    ASSERT_THAT(tickets_->AddComment(kAlice, reply), IsOk());
  }
  void Move(const v1::Ticket& t, v1::TicketStatus to, const v1::Resolution* resolution = nullptr) {
    v1::TransitionTicketRequest move;
    move.set_id(t.id());
    move.set_version(Current(t).version());
    move.set_status(to);
    move.set_reason("done");
    if (resolution != nullptr) *move.mutable_resolution() = *resolution;
    testing::AddCompletion(move);
    ASSERT_THAT(tickets_->Transition(kSue, move), IsOk());
  }
  void Visit(const v1::Ticket& t, v1::VisitOutcome outcome) {
    v1::ScheduleVisitRequest schedule;
    schedule.set_ticket_id(t.id());
    ToTimestamp(clock_.Now(), schedule.mutable_window_start());
    ToTimestamp(clock_.Now() + absl::Hours(1), schedule.mutable_window_end());
    ASSERT_THAT(field_work_->ScheduleVisit(kAlice, schedule), IsOk());
    v1::RecordVisitRequest visit;
    visit.set_ticket_id(t.id());
    visit.set_visit_number(1);
    ToTimestamp(clock_.Now(), visit.mutable_arrive_time());
    ToTimestamp(clock_.Now(), visit.mutable_leave_time());
    visit.set_outcome(outcome);
    if (outcome == v1::VISIT_OUTCOME_NOT_FIXED) visit.set_not_fixed_reason(v1::NOT_FIXED_REASON_MISSING_PART);
    ASSERT_THAT(field_work_->RecordVisit(kAlice, visit), IsOk());
  }
  void Survey(const v1::Ticket& t, int overall) {
    v1::SubmitSurveyRequest survey;
    survey.set_ticket_id(t.id());
    survey.mutable_survey()->set_overall(overall);
    ASSERT_THAT(field_work_->SubmitSurvey(kAlice, survey), IsOk());
  }
  void PlayTheDay() {
    const v1::Ticket a = Open("STD", v1::TICKET_KIND_REPAIR, "tom", "LJ-5200");
    const v1::Ticket b = Open("STD", v1::TICKET_KIND_COMPLAINT, "tom", "LJ-5200");
    const v1::Ticket c = Open("KEYCO", v1::TICKET_KIND_REPAIR, "tim", "LJ-6000");
    const v1::Ticket d = Open("STD", v1::TICKET_KIND_INQUIRY, "", "");
    const v1::Ticket f = Open("STD", v1::TICKET_KIND_REPAIR, "tom", "LJ-5200");
    At(10);
    Reply(f);
    Move(d, v1::TICKET_STATUS_CANCELLED);
    At(20);
    Reply(a);
    Visit(a, v1::VISIT_OUTCOME_FIXED);
    At(60);
    for (v1::TicketStatus s : {v1::TICKET_STATUS_IN_PROGRESS, v1::TICKET_STATUS_RESOLVED, v1::TICKET_STATUS_CLOSED}) Move(f, s);
    At(90);
    Reply(b);
    Visit(b, v1::VISIT_OUTCOME_NOT_FIXED);
    At(120);
    for (v1::TicketStatus s : {v1::TICKET_STATUS_IN_PROGRESS, v1::TICKET_STATUS_RESOLVED, v1::TICKET_STATUS_CLOSED}) Move(a, s);
    Survey(a, 5);
    v1::SetCommittedDateRequest promise;
    promise.set_id(b.id());
    promise.set_version(Current(b).version());
    ToTimestamp(clock_.Now() + absl::Hours(1), promise.mutable_committed_time());
    promise.set_reason("part arrives at eleven");
    ASSERT_THAT(sla_service_->SetCommittedDate(kAlice, promise), IsOk());
    At(180);
    At(240);
    v1::Resolution feed;
    feed.set_action_taken("new roller");
    feed.set_fault_category("paper-feed");
    feed.set_root_cause("roller worn");
    Move(b, v1::TICKET_STATUS_IN_PROGRESS);
    Move(b, v1::TICKET_STATUS_RESOLVED, &feed);
    Survey(b, 2);
    At(300);
    Open("STD", v1::TICKET_KIND_REPAIR, "tom", "LJ-5200");  // E: at the end, not counted
  }
  v1::ServiceReport Report(v1::ReportGroup group) {
    v1::ServiceReportRequest request;
    ToTimestamp(start_, request.mutable_from());
    ToTimestamp(start_ + absl::Hours(5), request.mutable_to());
    request.set_group_by(group);
    absl::StatusOr<v1::ServiceReport> report = reports_->GetServiceReport(kSue, request);
    EXPECT_THAT(report, IsOk());
    return report.ok() ? *report : v1::ServiceReport();
  }

  std::unique_ptr<ReportService> reports_;
  absl::Time start_;
};

TEST_F(ReportServiceTest, EveryFigureOfTheTotalMatchesTheHandCount) {
  const v1::ReportRow total = Report(v1::REPORT_GROUP_UNSPECIFIED).total();
  EXPECT_EQ(total.tickets(), 5);
  ASSERT_THAT(total.sla(), SizeIs(2));  // first response and resolution (no next-update target)
  const v1::ClockCompliance& fr = total.sla(0);
  EXPECT_EQ(fr.clock(), v1::SLA_CLOCK_KIND_FIRST_RESPONSE);
  EXPECT_EQ(fr.met_on_time(), 2);  // A, F
  EXPECT_EQ(fr.met_late(), 1);     // B
  EXPECT_EQ(fr.breached(), 1);     // C
  EXPECT_EQ(fr.stopped(), 1);      // D
  EXPECT_EQ(fr.open(), 0);
  EXPECT_DOUBLE_EQ(fr.compliance(), 0.5);
  const v1::ClockCompliance& res = total.sla(1);
  EXPECT_EQ(res.met_on_time(), 3);  // A, B, F
  EXPECT_EQ(res.breached(), 1);     // C
  EXPECT_EQ(res.stopped(), 1);      // D
  EXPECT_DOUBLE_EQ(res.compliance(), 0.75);
  // First response: F 10m, A 20m, B 90m. Resolution: F 1h, A 2h, B 4h.
  EXPECT_EQ(total.time_to_first_response().count(), 3);
  EXPECT_EQ(Minutes(total.time_to_first_response().mean()), 40);
  EXPECT_EQ(Minutes(total.time_to_first_response().p90()), 90);
  EXPECT_EQ(Minutes(total.time_to_resolution().mean()), 140);
  EXPECT_EQ(Minutes(total.time_to_resolution().p90()), 240);
  EXPECT_EQ(total.first_visits(), 2);
  EXPECT_EQ(total.first_time_fixes(), 1);
  EXPECT_DOUBLE_EQ(total.first_time_fix_rate(), 0.5);
  EXPECT_EQ(total.committed_kept(), 0);
  EXPECT_EQ(total.committed_missed(), 1);
  EXPECT_EQ(Minutes(total.committed_mean_delay()), 60);
  EXPECT_EQ(total.backlog(), 1);  // C; B is resolved
  EXPECT_THAT(total.backlog_by_age(), ElementsAre(1, 0, 0, 0, 0));
  EXPECT_EQ(total.complaints(), 1);
  EXPECT_EQ(total.accounts(), 4);
  EXPECT_DOUBLE_EQ(total.complaints_per_100_accounts(), 25.0);
  EXPECT_EQ(total.omissions(), 3);  // B and C first response, F closed without survey
  EXPECT_EQ(total.omitted_first_response(), 2);
  EXPECT_EQ(total.omitted_survey(), 1);
  EXPECT_EQ(total.omitted_verification(), 0);
  EXPECT_DOUBLE_EQ(total.omission_rate(), 0.6);
  EXPECT_EQ(total.surveyed(), 2);
  EXPECT_EQ(total.dissatisfied(), 1);
  EXPECT_DOUBLE_EQ(total.dissatisfaction_rate(), 0.5);
}

TEST_F(ReportServiceTest, GroupsSplitTheTotalsAndRatesUseTheirOwnAccounts) {
  const v1::ServiceReport by_tier = Report(v1::REPORT_GROUP_TIER);
  ASSERT_THAT(by_tier.rows(), SizeIs(2));
  EXPECT_EQ(by_tier.rows(0).group(), "KEY");
  EXPECT_EQ(by_tier.rows(0).tickets(), 1);
  EXPECT_EQ(by_tier.rows(0).accounts(), 1);
  EXPECT_EQ(by_tier.rows(0).backlog(), 1);
  EXPECT_EQ(by_tier.rows(1).group(), "STANDARD");
  EXPECT_EQ(by_tier.rows(1).tickets(), 4);
  EXPECT_EQ(by_tier.rows(1).accounts(), 3);
  EXPECT_NEAR(by_tier.rows(1).complaints_per_100_accounts(), 100.0 / 3, 1e-9);
  const v1::ServiceReport by_technician = Report(v1::REPORT_GROUP_TECHNICIAN);
  ASSERT_THAT(by_technician.rows(), SizeIs(3));
  EXPECT_EQ(by_technician.rows(0).group(), "(none)");
  EXPECT_EQ(by_technician.rows(1).group(), "tim");
  EXPECT_EQ(by_technician.rows(2).group(), "tom");
  EXPECT_EQ(by_technician.rows(2).tickets(), 3);
  EXPECT_DOUBLE_EQ(by_technician.rows(2).first_time_fix_rate(), 0.5);
  EXPECT_EQ(by_technician.total().tickets(), 5);
}

TEST_F(ReportServiceTest, APeriodLongerThanAYearAndADayIsRefused) {
  v1::ServiceReportRequest request;
  ToTimestamp(start_, request.mutable_from());
  ToTimestamp(start_ + kMaxReportPeriod, request.mutable_to());
  EXPECT_THAT(reports_->GetServiceReport(kSue, request), IsOk());
  ToTimestamp(start_ + kMaxReportPeriod + absl::Seconds(1), request.mutable_to());
  EXPECT_THAT(reports_->GetServiceReport(kSue, request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("366 days")));
  v1::ProductFeedbackRequest feedback;
  *feedback.mutable_from() = request.from();
  *feedback.mutable_to() = request.to();
  EXPECT_THAT(reports_->GetProductFeedback(kSue, feedback),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("366 days")));
}

TEST_F(ReportServiceTest, ProductFeedbackCountsFaultsAndRootCausesByProduct) {
  v1::ProductFeedbackRequest request;
  ToTimestamp(start_, request.mutable_from());
  ToTimestamp(start_ + absl::Hours(5), request.mutable_to());
  auto feedback = reports_->GetProductFeedback(kSue, request);
  ASSERT_THAT(feedback, IsOk());
  ASSERT_THAT(feedback->rows(), SizeIs(2));
  EXPECT_EQ(feedback->rows(0).product(), "LJ-5200");
  EXPECT_EQ(feedback->rows(0).fault_category(), "print-head");
  EXPECT_EQ(feedback->rows(0).count(), 2);  // A, F
  EXPECT_EQ(feedback->rows(1).fault_category(), "paper-feed");
  EXPECT_EQ(feedback->rows(1).root_cause(), "roller worn");
  EXPECT_THAT(reports_->GetProductFeedback(kAlice, request),
              StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  request.clear_to();
  EXPECT_THAT(reports_->GetProductFeedback(kSue, request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("to")));
}

}  // namespace
}  // namespace ticketing::domain
