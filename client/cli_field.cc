// tktctl visit, part, quote and survey: a repair in the field, its parts and charges, and
// the customer's judgement of the service.
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "client/cli_accounts_csv.h"
#include "client/cli_commands.h"
#include "client/cli_flags.h"
#include "client/cli_format.h"

namespace ticketing::client {
namespace {

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

absl::Status PrintOrFail(CommandContext& ctx, const absl::StatusOr<v1::Ticket>& ticket) {
  if (!ticket.ok()) return ticket.status();
  return PrintTicketResult(ctx, *ticket);
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
  return PrintOrFail(ctx, ctx.client.ScheduleVisit(request));
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
  return PrintOrFail(ctx, ctx.client.RecordVisit(request));
}

absl::StatusOr<std::vector<v1::ChargeLine>> ParseLines(const std::string& text) {
  std::vector<v1::ChargeLine> lines;
  for (absl::string_view item : absl::StrSplit(text, ';', absl::SkipWhitespace())) {
    std::vector<std::string> fields = absl::StrSplit(item, absl::MaxSplits(':', 2));
    if (fields.size() != 3) {
      return UsageError(absl::StrCat("--lines: '", item, "' is not KIND:AMOUNT:TEXT"));
    }
    absl::StatusOr<v1::ChargeKind> kind = ParseEnum<v1::ChargeKind>("--lines", fields[0]);
    if (!kind.ok()) return kind.status();
    absl::StatusOr<int64_t> amount = ParseMoney(fields[1], /*allow_negative=*/false);
    if (!amount.ok()) return UsageError(absl::StrCat("--lines: ", amount.status().message()));
    v1::ChargeLine line;
    line.set_kind(*kind);
    line.set_amount(*amount);
    line.set_description(fields[2]);
    lines.push_back(std::move(line));
  }
  return lines;
}

absl::Status RunPartRequest(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 4, 4, "part request ID PART_NUMBER QUANTITY"); !s.ok()) return s;
  v1::RequestPartRequest request;
  request.set_ticket_id(Arg(ctx, 1));
  request.set_part_number(Arg(ctx, 2));
  int quantity = 0;
  if (!absl::SimpleAtoi(Arg(ctx, 3), &quantity)) {
    return UsageError(absl::StrCat("QUANTITY '", Arg(ctx, 3), "' is not a number"));
  }
  request.set_quantity(quantity);
  request.set_description(absl::GetFlag(FLAGS_description));
  if (const std::string promised = absl::GetFlag(FLAGS_promised); !promised.empty()) {
    absl::StatusOr<google::protobuf::Timestamp> at = TimeFlag("--promised", promised, false);
    if (!at.ok()) return at.status();
    *request.mutable_promised_arrival() = *at;
  }
  request.set_note(absl::GetFlag(FLAGS_note));
  return PrintOrFail(ctx, ctx.client.RequestPart(request));
}

absl::Status RunPartUpdate(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 4, 4, "part update ID N STATUS"); !s.ok()) return s;
  v1::UpdatePartRequest request;
  request.set_ticket_id(Arg(ctx, 1));
  int number = 0;
  if (!absl::SimpleAtoi(Arg(ctx, 2), &number)) {
    return UsageError(absl::StrCat("N '", Arg(ctx, 2), "' is not a part number on the ticket"));
  }
  request.set_part(number);
  absl::StatusOr<v1::PartStatus> status = ParseEnum<v1::PartStatus>("STATUS", Arg(ctx, 3));
  if (!status.ok()) return status.status();
  request.set_status(*status);
  if (const std::string promised = absl::GetFlag(FLAGS_promised); !promised.empty()) {
    absl::StatusOr<google::protobuf::Timestamp> at = TimeFlag("--promised", promised, false);
    if (!at.ok()) return at.status();
    *request.mutable_promised_arrival() = *at;
  }
  if (const std::string arrived = absl::GetFlag(FLAGS_arrived); !arrived.empty()) {
    absl::StatusOr<google::protobuf::Timestamp> at = TimeFlag("--arrived", arrived, false);
    if (!at.ok()) return at.status();
    *request.mutable_arrival_time() = *at;
  }
  request.set_note(absl::GetFlag(FLAGS_note));
  return PrintOrFail(ctx, ctx.client.UpdatePart(request));
}

absl::Status RunQuoteSet(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 2, 2, "quote set ID"); !s.ok()) return s;
  v1::SetQuoteRequest request;
  request.set_ticket_id(Arg(ctx, 1));
  absl::StatusOr<std::vector<v1::ChargeLine>> lines = ParseLines(absl::GetFlag(FLAGS_lines));
  if (!lines.ok()) return lines.status();
  for (v1::ChargeLine& line : *lines) *request.add_lines() = std::move(line);
  request.set_explanation(absl::GetFlag(FLAGS_explanation));
  request.set_warranty_reference(absl::GetFlag(FLAGS_warranty));
  request.set_warranty(!request.warranty_reference().empty());
  return PrintOrFail(ctx, ctx.client.SetQuote(request));
}

absl::Status RunQuoteDecide(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 4, 4, "quote decide ID REVISION accepted|declined"); !s.ok()) return s;
  v1::RecordQuoteDecisionRequest request;
  request.set_ticket_id(Arg(ctx, 1));
  int revision = 0;
  if (!absl::SimpleAtoi(Arg(ctx, 2), &revision)) {
    return UsageError(absl::StrCat("REVISION '", Arg(ctx, 2), "' is not a number"));
  }
  request.set_revision(revision);
  absl::StatusOr<v1::QuoteDecision> decision = ParseEnum<v1::QuoteDecision>("decision", Arg(ctx, 3));
  if (!decision.ok()) return decision.status();
  request.set_decision(*decision);
  request.set_decided_by(absl::GetFlag(FLAGS_by));
  request.set_note(absl::GetFlag(FLAGS_note));
  return PrintOrFail(ctx, ctx.client.RecordQuoteDecision(request));
}

absl::Status RunQuotePay(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 3, 3, "quote pay ID due|paid|waived"); !s.ok()) return s;
  v1::SetPaymentStatusRequest request;
  request.set_ticket_id(Arg(ctx, 1));
  absl::StatusOr<v1::PaymentStatus> payment = ParseEnum<v1::PaymentStatus>("payment", Arg(ctx, 2));
  if (!payment.ok()) return payment.status();
  request.set_payment(*payment);
  request.set_note(absl::GetFlag(FLAGS_note));
  return PrintOrFail(ctx, ctx.client.SetPaymentStatus(request));
}

// The subcommand word after the command ("visit schedule"), or "".
std::string Sub(const CommandContext& ctx) {
  return ctx.args.positional.size() >= 2 ? ctx.args.positional[1] : "";
}

}  // namespace

absl::Status RunDispatch(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 1, 1, "dispatch ID"); !s.ok()) return s;
  v1::ProposeTechniciansRequest request;
  request.set_ticket_id(Arg(ctx, 0));
  request.set_assign(absl::GetFlag(FLAGS_assign));
  absl::StatusOr<v1::ProposeTechniciansResponse> response = ctx.client.ProposeTechnicians(request);
  if (!response.ok()) return response.status();
  if (ctx.json) return PrintJson(*response, ctx.out);
  Table table({"RANK", "TECHNICIAN", "AVAILABLE", "REGION", "SKILL", "OPEN", "WHY"});
  int rank = 0;
  for (const v1::TechnicianCandidate& c : response->candidates()) {
    table.AddRow({absl::StrCat(++rank), c.technician(), c.available() ? "yes" : "no",
                  c.region_match() ? "yes" : "-", c.skill_match() ? "yes" : "-",
                  absl::StrCat(c.open_tickets()), c.explanation()});
  }
  table.Print(ctx.out);
  if (response->has_ticket()) {
    ctx.out << "assigned " << response->ticket().id() << " to " << response->ticket().assignee() << "\n";
  }
  return absl::OkStatus();
}

absl::Status RunAvailability(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 2, 2, "availability USER on|off"); !s.ok()) return s;
  const std::string& state = Arg(ctx, 1);
  if (state != "on" && state != "off") return UsageError("availability: say on or off");
  v1::SetTechnicianAvailabilityRequest request;
  request.set_technician(Arg(ctx, 0));
  request.set_available(state == "on");
  request.set_note(absl::GetFlag(FLAGS_note));
  absl::StatusOr<v1::TechnicianAvailability> set = ctx.client.SetTechnicianAvailability(request);
  if (!set.ok()) return set.status();
  if (ctx.json) return PrintJson(*set, ctx.out);
  ctx.out << set->technician() << (set->available() ? " available" : " unavailable")
          << (set->note().empty() ? "" : ": " + set->note()) << "\n";
  return absl::OkStatus();
}

absl::Status RunPart(CommandContext& ctx) {
  if (Sub(ctx) == "request") return RunPartRequest(ctx);
  if (Sub(ctx) == "update") return RunPartUpdate(ctx);
  return UsageError("part needs 'request ID PART_NUMBER QUANTITY' or 'update ID N STATUS'");
}

absl::Status RunQuote(CommandContext& ctx) {
  if (Sub(ctx) == "set") return RunQuoteSet(ctx);
  if (Sub(ctx) == "decide") return RunQuoteDecide(ctx);
  if (Sub(ctx) == "pay") return RunQuotePay(ctx);
  return UsageError("quote needs 'set ID', 'decide ID REVISION DECISION' or 'pay ID STATUS'");
}

absl::Status RunVisit(CommandContext& ctx) {
  if (Sub(ctx) == "schedule") return RunSchedule(ctx);
  if (Sub(ctx) == "record") return RunRecord(ctx);
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
  return PrintOrFail(ctx, ctx.client.SubmitSurvey(request));
}

}  // namespace ticketing::client
