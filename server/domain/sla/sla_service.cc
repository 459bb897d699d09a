// SlaService: the date promised to the customer, the explanation of every clock, deadline
// previews.
#include "server/domain/sla/sla_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "proto/base/status_macros.h"
#include "server/domain/sla/sla_clocks.h"
#include "server/domain/tickets/state_machine.h"
#include "server/domain/base/ticket_events.h"
#include "server/domain/base/validation.h"
#include "storage/ticket_id.h"

namespace ticketing::domain {
namespace {

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime(absl::RFC3339_full, t, absl::UTCTimeZone());
}

// One line on what an event did, for segment causes.
std::string Describe(const v1::TicketEvent& event) {
  std::vector<std::string> parts;
  for (const v1::FieldChange& change : event.changes()) {
    if (change.field() == "status") {
      parts.push_back(absl::StrCat("status ", change.old_value().empty() ? "" : change.old_value() + " -> ",
                                   change.new_value()));
    }
  }
  if (event.type() == v1::EVENT_TYPE_CREATED) parts.push_back("created");
  if (event.type() == v1::EVENT_TYPE_SLA) parts.push_back("SLA monitor");
  if (event.type() == v1::EVENT_TYPE_COMMITTED_DATE) parts.push_back("date promised");
  if (event.visibility() == v1::VISIBILITY_CUSTOMER) parts.push_back("customer-visible update");
  if (parts.empty()) parts.push_back(absl::StrCat("event ", event.sequence()));
  return absl::StrCat(absl::StrJoin(parts, "; "), " by ", event.actor());
}

std::string Derivation(const v1::SlaClock& c, absl::string_view calendar) {
  const auto d = [](const google::protobuf::Duration& p) { return absl::FormatDuration(FromDurationProto(p)); };
  switch (c.state()) {
    case v1::SLA_CLOCK_STATE_PAUSED:
      return absl::StrCat("paused since ", Rfc3339(FromTimestamp(c.segment_start())),
                          " with ", d(c.elapsed()), " of ", d(c.target()), " used: no due time while paused");
    case v1::SLA_CLOCK_STATE_RUNNING:
    case v1::SLA_CLOCK_STATE_BREACHED:
      if (c.kind() == v1::SLA_CLOCK_KIND_COMMITTED_DATE) {
        return absl::StrCat("the date promised at ", Rfc3339(FromTimestamp(c.start_time())), ": ",
                            Rfc3339(FromTimestamp(c.due_time())));
      }
      // For a clock whose (re-targeted) target was used up before this segment the sum is
      // negative: its due time comes from the counted segments, not from this subtraction.
      return absl::StrCat("target ", d(c.target()), " - elapsed ", d(c.elapsed()), " = ",
                          absl::FormatDuration(FromDurationProto(c.target()) - FromDurationProto(c.elapsed())),
                          " of business time from ", Rfc3339(FromTimestamp(c.segment_start())),
                          " on calendar ", calendar, " -> ", Rfc3339(FromTimestamp(c.due_time())));
    default:
      return absl::StrCat("ended ", Rfc3339(FromTimestamp(c.end_time())), " (",
                          ClockStateName(c.state()), "); it was due ", Rfc3339(FromTimestamp(c.due_time())));
  }
}

// The segments of clock `name` from the "sla.<name>" changes of the history.
std::vector<v1::SlaSegment> Segments(absl::string_view name, const std::vector<v1::TicketEvent>& events) {
  std::vector<v1::SlaSegment> segments;
  const std::string field = absl::StrCat("sla.", name);
  for (const v1::TicketEvent& event : events) {
    for (const v1::FieldChange& change : event.changes()) {
      v1::SlaClockState state;
      // The exact field with a state as its value: "sla.<name>.warning" and the breach-age
      // records are not segments.
      if (change.field() != field ||
          !v1::SlaClockState_Parse(absl::StrCat("SLA_CLOCK_STATE_", change.new_value()), &state)) {
        continue;
      }
      if (!segments.empty()) *segments.back().mutable_end_time() = event.time();
      v1::SlaSegment& segment = segments.emplace_back();
      *segment.mutable_start_time() = event.time();
      segment.set_state(state);
      segment.set_event_sequence(event.sequence());
      segment.set_cause(Describe(event));
    }
  }
  return segments;
}

}  // namespace

absl::StatusOr<v1::Ticket> SlaService::SetCommittedDate(
    const Principal& actor, const v1::SetCommittedDateRequest& request) {
  TKT_RETURN_IF_ERROR(CheckLine("reason", request.reason(), kMaxReasonChars, true));
  if (!request.has_committed_time()) {
    return absl::InvalidArgumentError("committed_time: required");
  }
  const absl::Time committed = FromTimestamp(request.committed_time());
  const TicketEdit edit = TicketEdit::AtVersion("id", request.id(), request.version(), Action::kCommitDate);
  auto mutate = [&](const v1::Ticket& current, TicketDraft& draft) {
    v1::Ticket& next = draft.next;
    v1::TicketEvent& event = draft.event;
    const absl::Time now = draft.now;
    // RESOLVED counts as open (it may reopen) but leaves no work to promise a date for.
    if (!IsOpen(current.status()) || current.status() == v1::TICKET_STATUS_RESOLVED) {
      return absl::FailedPreconditionError(absl::StrCat(
          "ticket ", current.id(), " is ", StatusName(current.status()), ": promise a date only for open work"));
    }
    // A date already past would start the clock warned and breached at once.
    if (committed <= now) {
      return absl::InvalidArgumentError(absl::StrCat("committed_time: must be in the future (now ",
                                                     Rfc3339(now), ")"));
    }
    RecordChange(event, "committed_time",
                 current.has_committed_time() ? Rfc3339(FromTimestamp(current.committed_time())) : "",
                 Rfc3339(committed));
    ToTimestamp(committed, next.mutable_committed_time());
    event.set_type(v1::EVENT_TYPE_COMMITTED_DATE);
    // Telling the customer a date is a customer-visible event: SlaRule then meets a first
    // response still running and restarts next update, in this same change.
    event.set_visibility(v1::VISIBILITY_CUSTOMER);
    event.set_reason(request.reason());
    clocks_.SetCommittedDate(next, committed, event, now);
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(auto result, core_.Edit(actor, edit, mutate));
  return std::move(result.ticket);
}

absl::StatusOr<v1::SlaExplanation> SlaService::ExplainSla(const Principal& actor,
                                                             const v1::ExplainSlaRequest& request,
                                                             const Interrupt& interrupt) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kRead, nullptr));
  TKT_ASSIGN_OR_RETURN(const v1::Ticket ticket, core_.Load("id", request.id()));
  std::vector<v1::TicketEvent> events;
  const uint64_t id = *ParseTicketId(ticket.id());
  // The whole history (at most kMaxTicketChanges events), a page at a time, checking between
  // pages whether the caller still waits.
  for (int64_t after = 0;;) {
    TKT_RETURN_IF_ERROR(interrupt.Check());
    TKT_ASSIGN_OR_RETURN(std::vector<v1::TicketEvent> page, core_.store().ListEvents(id, after, 1000));
    if (page.empty()) break;
    after = page.back().sequence();
    for (v1::TicketEvent& event : page) events.push_back(std::move(event));
  }
  v1::SlaExplanation explanation;
  explanation.set_ticket_id(ticket.id());
  explanation.set_sla_policy(ticket.sla_policy());
  const std::shared_ptr<const SlaPolicySet> policies = clocks_.policies();
  const SlaPolicy* policy = policies->Find(ticket.sla_policy());
  // The calendar of the policy as it reads now; earlier segments may have counted on
  // another (each clock's counted segments name theirs).
  if (policy != nullptr) explanation.set_calendar(policy->spec.calendar());
  for (const v1::SlaClock& clock : ticket.sla_clocks()) {
    v1::ClockExplanation* out = explanation.add_clocks();
    *out->mutable_clock() = clock;
    for (v1::SlaSegment& segment : Segments(ClockName(clock.kind()), events)) {
      *out->add_segments() = std::move(segment);
    }
    out->set_due_time_derivation(Derivation(clock, explanation.calendar()));
  }
  return explanation;
}

absl::StatusOr<v1::PreviewDeadlineResponse> SlaService::PreviewDeadline(
    const Principal& actor, const v1::PreviewDeadlineRequest& request) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kRead, nullptr));
  const absl::Time start = request.has_start_time() ? FromTimestamp(request.start_time()) : core_.clock().Now();
  v1::PreviewDeadlineResponse response;
  const std::shared_ptr<const SlaPolicySet> policies = clocks_.policies();
  if (request.on_case() == v1::PreviewDeadlineRequest::kSlaPolicy) {
    const SlaPolicy* policy = policies->Find(request.sla_policy());
    if (policy == nullptr) return absl::NotFoundError(absl::StrCat("sla_policy: no policy named '", request.sla_policy(), "'"));
    TKT_ASSIGN_OR_RETURN(std::vector<v1::SlaClock> clocks, clocks_.Preview(*policy, start));
    for (v1::SlaClock& clock : clocks) *response.add_clocks() = std::move(clock);
    return response;
  }
  if (request.on_case() != v1::PreviewDeadlineRequest::kCalendar) {
    return absl::InvalidArgumentError("calendar: name a calendar or an sla_policy");
  }
  const BusinessCalendar* calendar = policies->FindCalendar(request.calendar());
  if (calendar == nullptr) return absl::NotFoundError(absl::StrCat("calendar: no calendar named '", request.calendar(), "'"));
  const absl::Duration business = FromDurationProto(request.business_time());
  if (!request.has_business_time() || business < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("business_time: required, not negative");
  }
  TKT_ASSIGN_OR_RETURN(absl::Time due, calendar->Add(start, business));
  ToTimestamp(due, response.mutable_due_time());
  return response;
}

}  // namespace ticketing::domain
