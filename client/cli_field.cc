// tktctl visit (schedule, record) and survey: a technician's visits and the customer's
// judgement of the service.
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "client/cli_commands.h"
#include "client/cli_flags.h"
#include "client/cli_format.h"

namespace ticketing::client {
namespace {

const std::string& Arg(const CommandContext& ctx, size_t i) { return ctx.args.positional[i + 1]; }

// --flag as a time (RFC 3339 or +DURATION), or now when empty and `default_now`.
absl::StatusOr<google::protobuf::Timestamp> TimeFlag(absl::string_view flag,
                                                     const std::string& value,
                                                     bool default_now) {
  if (value.empty()) {
    if (default_now) return ToTimestampProto(absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now())));
    return UsageError(absl::StrCat(flag, " is required"));
  }
  return ParseTimeOrOffset(flag, value, absl::Now());
}

absl::Status RunSchedule(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 2, 2, "visit schedule ID"); !s.ok()) return s;
  v1::ScheduleVisitRequest request;
  request.set_ticket_id(Arg(ctx, 1));
  request.set_technician(absl::GetFlag(FLAGS_technician));
  absl::StatusOr<google::protobuf::Timestamp> start =
      TimeFlag("--window_start", absl::GetFlag(FLAGS_window_start), false);
  if (!start.ok()) return start.status();
  absl::StatusOr<google::protobuf::Timestamp> end =
      TimeFlag("--window_end", absl::GetFlag(FLAGS_window_end), false);
  if (!end.ok()) return end.status();
  *request.mutable_window_start() = *start;
  *request.mutable_window_end() = *end;
  request.set_note(absl::GetFlag(FLAGS_note));
  absl::StatusOr<v1::Ticket> ticket = ctx.client.ScheduleVisit(request);
  if (!ticket.ok()) return ticket.status();
  return PrintTicketResult(ctx, *ticket);
}

absl::Status RunRecord(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 3, 3, "visit record ID N"); !s.ok()) return s;
  v1::RecordVisitRequest request;
  request.set_ticket_id(Arg(ctx, 1));
  int number = 0;
  if (!absl::SimpleAtoi(Arg(ctx, 2), &number) || number < 1) {
    return UsageError(absl::StrCat("visit number '", Arg(ctx, 2), "' is not 1, 2, ..."));
  }
  request.set_visit_number(number);
  absl::StatusOr<v1::VisitOutcome> outcome =
      ParseEnum<v1::VisitOutcome>("--outcome", absl::GetFlag(FLAGS_outcome));
  if (!outcome.ok()) return outcome.status();
  request.set_outcome(*outcome);
  if (const std::string why = absl::GetFlag(FLAGS_why); !why.empty()) {
    absl::StatusOr<v1::NotFixedReason> reason = ParseEnum<v1::NotFixedReason>("--why", why);
    if (!reason.ok()) return reason.status();
    request.set_not_fixed_reason(*reason);
  }
  request.set_reason_text(absl::GetFlag(FLAGS_reason));
  absl::StatusOr<google::protobuf::Timestamp> arrived =
      TimeFlag("--arrived", absl::GetFlag(FLAGS_arrived), true);
  if (!arrived.ok()) return arrived.status();
  absl::StatusOr<google::protobuf::Timestamp> left =
      TimeFlag("--left", absl::GetFlag(FLAGS_left), true);
  if (!left.ok()) return left.status();
  *request.mutable_arrive_time() = *arrived;
  *request.mutable_leave_time() = *left;
  request.set_diagnosis(absl::GetFlag(FLAGS_diagnosis));
  request.set_notes(absl::GetFlag(FLAGS_note));
  absl::StatusOr<v1::Ticket> ticket = ctx.client.RecordVisit(request);
  if (!ticket.ok()) return ticket.status();
  return PrintTicketResult(ctx, *ticket);
}

}  // namespace

absl::Status RunVisit(CommandContext& ctx) {
  if (ctx.args.positional.size() >= 2 && ctx.args.positional[1] == "schedule") return RunSchedule(ctx);
  if (ctx.args.positional.size() >= 2 && ctx.args.positional[1] == "record") return RunRecord(ctx);
  return UsageError("visit needs 'schedule ID' or 'record ID N'");
}

absl::Status RunSurvey(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 1, 1, "survey ID"); !s.ok()) return s;
  v1::SubmitSurveyRequest request;
  request.set_ticket_id(Arg(ctx, 0));
  v1::Survey& survey = *request.mutable_survey();
  survey.set_overall(absl::GetFlag(FLAGS_overall));
  survey.set_skill(absl::GetFlag(FLAGS_skill));
  survey.set_charges(absl::GetFlag(FLAGS_charges));
  survey.set_timeliness(absl::GetFlag(FLAGS_timeliness));
  survey.set_attitude(absl::GetFlag(FLAGS_attitude));
  survey.set_parts(absl::GetFlag(FLAGS_parts));
  survey.set_facilities(absl::GetFlag(FLAGS_facilities));
  survey.set_comment(absl::GetFlag(FLAGS_note));
  for (absl::string_view name :
       absl::StrSplit(absl::GetFlag(FLAGS_importance), ',', absl::SkipWhitespace())) {
    survey.add_importance(std::string(name));
  }
  absl::StatusOr<v1::Ticket> ticket = ctx.client.SubmitSurvey(request);
  if (!ticket.ok()) return ticket.status();
  return PrintTicketResult(ctx, *ticket);
}

}  // namespace ticketing::client
