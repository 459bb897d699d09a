// FieldWorkService: field visits and the customer's satisfaction survey.
#include "server/domain/fieldwork/field_work_service.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "proto/base/status_macros.h"
#include "server/domain/tickets/state_machine.h"
#include "server/domain/base/ticket_events.h"
#include "server/domain/base/validation.h"

namespace ticketing::domain {
namespace {

// The six dimensions customers judge after-sales service by (docs/fieldwork.md,
// "Satisfaction survey"), in the order CheckSurvey lists the scores: keep the two in step.
constexpr const char* kDimensions[] = {"skill", "charges", "timeliness",
                                       "attitude", "parts", "facilities"};

// History text is in UTC whatever the server's zone, so it reads the same everywhere.
std::string Rfc3339(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_full, t, absl::UTCTimeZone());
}

std::string ReasonName(v1::NotFixedReason reason) {
  return std::string(absl::StripPrefix(v1::NotFixedReason_Name(reason), "NOT_FIXED_REASON_"));
}

absl::Status CheckVisitRecord(const v1::RecordVisitRequest& r) {
  if (r.visit_number() < 1) return absl::InvalidArgumentError("visit_number: must be 1 or more");
  if (!r.has_arrive_time()) return absl::InvalidArgumentError("arrive_time: required");
  if (!r.has_leave_time()) return absl::InvalidArgumentError("leave_time: required");
  if (FromTimestamp(r.leave_time()) < FromTimestamp(r.arrive_time())) {
    return absl::InvalidArgumentError("leave_time: must not be before arrive_time");
  }
  if (r.outcome() == v1::VISIT_OUTCOME_UNSPECIFIED || !v1::VisitOutcome_IsValid(r.outcome())) {
    return absl::InvalidArgumentError("outcome: must be FIXED or NOT_FIXED");
  }
  // "Fixed or not, and why": a reason exactly when not fixed, and OTHER needs its text, as
  // the reason alone then says nothing (docs/fieldwork.md, "Visits").
  const bool not_fixed = r.outcome() == v1::VISIT_OUTCOME_NOT_FIXED;
  if (not_fixed != (r.not_fixed_reason() != v1::NOT_FIXED_REASON_UNSPECIFIED) ||
      !v1::NotFixedReason_IsValid(r.not_fixed_reason())) {
    return absl::InvalidArgumentError(
        "not_fixed_reason: required when the outcome is NOT_FIXED, and only then");
  }
  TKT_RETURN_IF_ERROR(CheckLine("reason_text", r.reason_text(), kMaxReasonChars,
                                r.not_fixed_reason() == v1::NOT_FIXED_REASON_OTHER));
  TKT_RETURN_IF_ERROR(CheckText("diagnosis", r.diagnosis(), kMaxLongTextChars, false));
  return CheckText("notes", r.notes(), kMaxLongTextChars, false);
}

absl::Status CheckSurvey(const v1::Survey& s) {
  const int scores[] = {s.skill(), s.charges(), s.timeliness(), s.attitude(), s.parts(),
                        s.facilities()};
  // 0: the dimension was not asked; only the overall score is required.
  for (int i = 0; i < 6; ++i) {
    if (scores[i] < 0 || scores[i] > 5) {
      return absl::InvalidArgumentError(
          absl::StrCat("survey.", kDimensions[i], ": must be 1-5 (0: not asked)"));
    }
  }
  // Declined counts as the survey attempt (the customer was asked) but carries no scores.
  if (s.declined() && s.overall() != 0) {
    return absl::InvalidArgumentError("survey.overall: a declined survey has no scores");
  }
  if (!s.declined() && (s.overall() < 1 || s.overall() > 5)) {
    return absl::InvalidArgumentError("survey.overall: required, 1-5 (or declined)");
  }
  TKT_RETURN_IF_ERROR(CheckText("survey.comment", s.comment(), kMaxLongTextChars, false));
  // A ranking, not more ratings: each dimension at most once. Ranking tells what matters
  // when every score is a 9 or 10.
  std::vector<std::string> seen;
  for (const std::string& name : s.importance()) {
    const bool known = std::find(std::begin(kDimensions), std::end(kDimensions), name) !=
                       std::end(kDimensions);
    if (!known || std::find(seen.begin(), seen.end(), name) != seen.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "survey.importance: '", name,
          "' is not a dimension or appears twice (skill, charges, timeliness, attitude, "
          "parts, facilities)"));
    }
    seen.push_back(name);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::Ticket> FieldWorkService::ScheduleVisit(const Principal& actor,
                                                        const v1::ScheduleVisitRequest& request) {
  if (!request.has_window_start() || !request.has_window_end() ||
      FromTimestamp(request.window_end()) <= FromTimestamp(request.window_start())) {
    return absl::InvalidArgumentError(
        "window_end: window_start and window_end are required, the end after the start");
  }
  TKT_RETURN_IF_ERROR(CheckText("note", request.note(), kMaxLongTextChars, false));
  // No version: a visit is appended to whatever is stored, under the ticket's lock, so two
  // schedules get numbers 1 and 2 instead of one overwriting the other.
  const TicketEdit edit = TicketEdit::Latest("ticket_id", request.ticket_id(), Action::kUpdate);
  auto mutate = [&](const v1::Ticket& current, TicketDraft& draft) {
    v1::Ticket& next = draft.next;
    v1::TicketEvent& event = draft.event;
    TKT_RETURN_IF_ERROR(CheckOpen(current, "schedule a visit for"));
    const std::string technician =
        request.technician().empty() ? current.assignee() : request.technician();
    const std::optional<Principal> who = users_.Find(technician);
    if (!who || who->role != v1::ROLE_TECHNICIAN) {
      return absl::InvalidArgumentError(absl::StrCat(
          "technician: '", technician, "' is not a configured technician",
          technician.empty() ? " (the ticket has no assignee to default to)" : ""));
    }
    v1::Visit& visit = *next.add_visits();
    // Numbered by position from 1 and never removed, so RecordVisit finds it by number.
    visit.set_number(next.visits_size());
    visit.set_technician(technician);
    *visit.mutable_window_start() = request.window_start();
    *visit.mutable_window_end() = request.window_end();
    event.set_type(v1::EVENT_TYPE_VISIT);
    RecordChange(event, absl::StrCat("visit.", visit.number()), "",
                 absl::StrCat("scheduled ", technician, " ",
                              Rfc3339(FromTimestamp(request.window_start())), " - ",
                              Rfc3339(FromTimestamp(request.window_end()))));
    event.set_comment(request.note());
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(auto result, core_.Edit(actor, edit, mutate));
  return std::move(result.ticket);
}

absl::StatusOr<v1::Ticket> FieldWorkService::RecordVisit(const Principal& actor,
                                                      const v1::RecordVisitRequest& request) {
  TKT_RETURN_IF_ERROR(CheckVisitRecord(request));
  const TicketEdit edit = TicketEdit::Latest("ticket_id", request.ticket_id(), Action::kUpdate);
  auto mutate = [&](const v1::Ticket& current, TicketDraft& draft) {
    v1::Ticket& next = draft.next;
    v1::TicketEvent& event = draft.event;
    TKT_RETURN_IF_ERROR(CheckOpen(current, "record a visit of"));
    if (request.visit_number() > current.visits_size()) {
      return absl::NotFoundError(absl::StrCat("visit_number: ticket ", current.id(), " has ",
                                              current.visits_size(), " visits scheduled"));
    }
    v1::Visit& visit = *next.mutable_visits(request.visit_number() - 1);
    // Recorded once: a retried RecordVisit (no version tells it from a new one) gets
    // FAILED_PRECONDITION instead of a second outcome and a second escalation. Another
    // attempt is another visit.
    if (visit.outcome() != v1::VISIT_OUTCOME_UNSPECIFIED) {
      return absl::FailedPreconditionError(absl::StrCat(
          "visit ", visit.number(), " of ", current.id(), " is already recorded; schedule a new one"));
    }
    *visit.mutable_arrive_time() = request.arrive_time();
    *visit.mutable_leave_time() = request.leave_time();
    visit.set_diagnosis(request.diagnosis());
    visit.set_outcome(request.outcome());
    visit.set_not_fixed_reason(request.not_fixed_reason());
    visit.set_reason_text(request.reason_text());
    visit.set_notes(request.notes());
    const bool fixed = request.outcome() == v1::VISIT_OUTCOME_FIXED;
    event.set_type(v1::EVENT_TYPE_VISIT);
    // The escalator raises VISIT_NOT_FIXED on this field ("visit.N.outcome") with a value
    // starting "NOT_FIXED" (escalation/escalation_policy.cc): keep the format.
    RecordChange(event, absl::StrCat("visit.", visit.number(), ".outcome"), "",
                 fixed ? "FIXED" : absl::StrCat("NOT_FIXED: ", ReasonName(request.not_fixed_reason()),
                                                request.reason_text().empty() ? "" : " (" + request.reason_text() + ")"));
    // First-time fix is the first visit's outcome; later visits never change it
    // (docs/fieldwork.md, "Visits").
    if (visit.number() == 1) {
      next.set_first_time_fix(fixed);
      RecordChange(event, "first_time_fix", "", fixed ? "true" : "false");
    }
    event.set_comment(request.diagnosis());
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(auto result, core_.Edit(actor, edit, mutate));
  return std::move(result.ticket);
}

absl::StatusOr<v1::Ticket> FieldWorkService::SubmitSurvey(const Principal& actor,
                                                       const v1::SubmitSurveyRequest& request) {
  TKT_RETURN_IF_ERROR(CheckSurvey(request.survey()));
  // Surveys are the desk's (Action::kSurvey): the desk deals with the customer.
  const TicketEdit edit = TicketEdit::Latest("ticket_id", request.ticket_id(), Action::kSurvey);
  auto mutate = [&](const v1::Ticket& current, TicketDraft& draft) {
    v1::Ticket& next = draft.next;
    v1::TicketEvent& event = draft.event;
    const absl::Time now = draft.now;
    if (current.status() != v1::TICKET_STATUS_RESOLVED &&
        current.status() != v1::TICKET_STATUS_CLOSED) {
      return absl::FailedPreconditionError(absl::StrCat(
          "ticket ", current.id(), " is ", StatusName(current.status()),
          ": a survey follows the resolution"));
    }
    // Once per ticket: the customer's first answer stands (a reopened and resolved ticket
    // keeps it).
    if (current.has_survey()) {
      return absl::FailedPreconditionError(
          absl::StrCat("ticket ", current.id(), " already has its survey"));
    }
    v1::Survey& survey = *next.mutable_survey();
    survey = request.survey();
    ToTimestamp(now, survey.mutable_submit_time());
    survey.set_recorded_by(actor.name);
    // A declined survey scored nothing, so it is never dissatisfied.
    survey.set_dissatisfied(!survey.declined() && survey.overall() < options_.dissatisfied_below);
    event.set_type(v1::EVENT_TYPE_SURVEY);
    RecordChange(event, "survey.overall", "",
                 survey.declined() ? "declined" : absl::StrCat(survey.overall()));
    // The escalator raises DISSATISFIED_SURVEY on "survey" = "dissatisfied".
    if (survey.dissatisfied()) RecordChange(event, "survey", "", "dissatisfied");
    event.set_comment(survey.comment());
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(auto result, core_.Edit(actor, edit, mutate));
  return std::move(result.ticket);
}

}  // namespace ticketing::domain
