// The SLA subcommands on tickets and deadlines: commit, explain, preview.
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/cli_commands.h"
#include "client/cli_format.h"

namespace ticketing::client {
namespace {

// --start, when given; the server takes its own now otherwise (which differs from ours
// on a server with --test_clock).
absl::Status SetStart(v1::PreviewDeadlineRequest& request) {
  const std::string text = absl::GetFlag(FLAGS_start);
  if (text.empty()) return absl::OkStatus();
  absl::StatusOr<google::protobuf::Timestamp> start =
      ParseTimeOrOffset("--start", text, absl::Now());
  if (!start.ok()) return start.status();
  *request.mutable_start_time() = *start;
  return absl::OkStatus();
}

absl::StatusOr<v1::PreviewDeadlineRequest> BuildPreviewRequest() {
  const std::string calendar = absl::GetFlag(FLAGS_calendar);
  const std::string policy = absl::GetFlag(FLAGS_policy);
  const std::string business_time = absl::GetFlag(FLAGS_business_time);
  if (calendar.empty() == policy.empty()) {
    return UsageError("preview needs exactly one of --calendar=NAME and --policy=NAME");
  }
  v1::PreviewDeadlineRequest request;
  if (!policy.empty()) {
    if (!business_time.empty()) return UsageError("--business_time goes with --calendar");
    request.set_sla_policy(policy);
  } else {
    if (business_time.empty()) return UsageError("--calendar needs --business_time=DURATION");
    absl::StatusOr<google::protobuf::Duration> duration =
        ParseDurationArg("--business_time", business_time);
    if (!duration.ok()) return duration.status();
    request.set_calendar(calendar);
    *request.mutable_business_time() = *duration;
  }
  if (absl::Status s = SetStart(request); !s.ok()) return s;
  return request;
}

}  // namespace

absl::Status RunCommit(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 2, 2, "commit ID TIME --reason=TEXT"); !s.ok()) return s;
  // Checked here so that a forgotten reason costs no round trip; the server checks too.
  if (absl::GetFlag(FLAGS_reason).empty()) {
    return UsageError("commit needs --reason=TEXT: why the customer may count on this date");
  }
  absl::StatusOr<google::protobuf::Timestamp> time =
      ParseTimeOrOffset("TIME", Arg(ctx, 1), absl::Now());
  if (!time.ok()) return time.status();
  absl::StatusOr<int64_t> version = ResolveVersion(ctx, Arg(ctx, 0));
  if (!version.ok()) return version.status();
  v1::SetCommittedDateRequest request;
  request.set_id(Arg(ctx, 0));
  request.set_version(*version);
  *request.mutable_committed_time() = *time;
  request.set_reason(absl::GetFlag(FLAGS_reason));
  absl::StatusOr<v1::Ticket> ticket = ctx.client.SetCommittedDate(request);
  if (!ticket.ok()) return ticket.status();
  return PrintTicketResult(ctx, *ticket);
}

absl::Status RunExplain(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 1, 1, "explain ID"); !s.ok()) return s;
  absl::StatusOr<v1::SlaExplanation> explanation = ctx.client.ExplainSla(Arg(ctx, 0));
  if (!explanation.ok()) return explanation.status();
  if (ctx.json) return PrintJson(*explanation, ctx.out);
  PrintSlaExplanation(*explanation, ctx.out);
  return absl::OkStatus();
}

absl::Status RunPreview(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 0, 0, "preview --calendar=NAME|--policy=NAME");
      !s.ok()) {
    return s;
  }
  absl::StatusOr<v1::PreviewDeadlineRequest> request = BuildPreviewRequest();
  if (!request.ok()) return request.status();
  absl::StatusOr<v1::PreviewDeadlineResponse> response = ctx.client.PreviewDeadline(*request);
  if (!response.ok()) return response.status();
  if (ctx.json) return PrintJson(*response, ctx.out);
  if (request->on_case() == v1::PreviewDeadlineRequest::kCalendar) {
    ctx.out << "due: " << FormatTime(response->due_time(), /*long_form=*/true) << "\n";
  } else if (response->clocks().empty()) {
    ctx.out << "policy " << request->sla_policy() << " starts no clocks\n";
  } else {
    PrintSlaClockLines(response->clocks(), ctx.out);
  }
  return absl::OkStatus();
}

}  // namespace ticketing::client
