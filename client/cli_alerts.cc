// The `alerts` subcommand: dispatch, `alerts list`, `alerts ack` and the renderings of an
// alert (the watch loop is in cli_alerts_watch.cc).
#include "client/cli_alerts.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "client/cli_flags.h"
#include "client/cli_format.h"
#include "google/protobuf/util/json_util.h"

namespace ticketing::client {
namespace {

constexpr char kAlertsSynopsis[] = "alerts list | alerts ack SEQ | alerts watch";

// "0s", "10m", "1h30m": how far past the clock's target.
std::string PastTarget(const v1::Alert& alert) {
  const absl::Duration past = absl::Seconds(alert.past_target().seconds()) +
                              absl::Nanoseconds(alert.past_target().nanos());
  return past == absl::ZeroDuration() ? "0s" : absl::FormatDuration(past);
}

// "sue, tim +tom": the recipients, then the assignee when not one of them already.
std::string Recipients(const v1::Alert& alert) {
  std::string text = absl::StrJoin(alert.recipients(), ", ");
  if (alert.assignee().empty()) return text.empty() ? "-" : text;
  return absl::StrCat(text, text.empty() ? "+" : " +", alert.assignee());
}

std::string Acknowledgement(const v1::Alert& alert) {
  if (!alert.acknowledged()) return "-";
  return alert.acknowledged_by().empty() ? "yes" : alert.acknowledged_by();
}

absl::StatusOr<v1::ListAlertsRequest> BuildListAlertsRequest() {
  absl::StatusOr<v1::AlertFilter> filter = AlertFilterFromFlags();
  if (!filter.ok()) return filter.status();
  if (absl::GetFlag(FLAGS_after) < 0) return UsageError("--after must not be negative");
  v1::ListAlertsRequest request;
  request.set_after_sequence(absl::GetFlag(FLAGS_after));
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  *request.mutable_filter() = *std::move(filter);
  return request;
}

void PrintAlertTable(const std::vector<v1::Alert>& alerts, std::ostream& out) {
  Table table({"SEQ", "TIME", "LEVEL", "TICKET", "CONDITION", "PAST", "RECIPIENTS", "ACK"});
  for (const v1::Alert& alert : alerts) {
    table.AddRow({absl::StrCat(alert.sequence()), FormatTime(alert.time(), false),
                  absl::StrCat(alert.level(), " ", alert.level_name()), alert.ticket_id(),
                  AlertCondition(alert), PastTarget(alert),
                  Recipients(alert), Acknowledgement(alert)});
  }
  table.Print(out);
}

// Reads one page, or every page with --all. `*more` tells whether alerts remain after
// `*last` (the sequence to continue after).
absl::StatusOr<std::vector<v1::Alert>> ReadAlerts(const CommandContext& ctx,
                                                  v1::ListAlertsRequest request, int64_t* last,
                                                  bool* more) {
  std::vector<v1::Alert> alerts;
  do {
    absl::StatusOr<v1::ListAlertsResponse> page = ctx.client.ListAlerts(request);
    if (!page.ok()) return page.status();
    for (v1::Alert& alert : *page->mutable_alerts()) alerts.push_back(std::move(alert));
    *last = page->last_sequence();
    *more = page->more();
    request.set_after_sequence(page->last_sequence());
  } while (*more && absl::GetFlag(FLAGS_all));
  return alerts;
}

absl::Status RunAlertsList(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 1, 1, "alerts list [flags]"); !s.ok()) return s;
  absl::StatusOr<v1::ListAlertsRequest> request = BuildListAlertsRequest();
  if (!request.ok()) return request.status();
  int64_t last = 0;
  bool more = false;
  absl::StatusOr<std::vector<v1::Alert>> alerts = ReadAlerts(ctx, *request, &last, &more);
  if (!alerts.ok()) return alerts.status();
  if (ctx.json) {
    for (const v1::Alert& alert : *alerts) {
      if (absl::Status s = PrintJsonLine(alert, ctx.out); !s.ok()) return s;
    }
    return absl::OkStatus();
  }
  if (alerts->empty()) ctx.out << "no alerts found\n";
  else PrintAlertTable(*alerts, ctx.out);
  if (more) ctx.out << "more: --after=" << last << " (or --all)\n";
  return absl::OkStatus();
}

absl::Status RunAlertsAck(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 2, 2, "alerts ack SEQ [--note=TEXT]"); !s.ok()) return s;
  int64_t sequence = 0;
  if (!absl::SimpleAtoi(ctx.args.positional[2], &sequence) || sequence <= 0) {
    return UsageError(absl::StrCat("alerts ack: '", ctx.args.positional[2],
                                   "' is not an alert sequence number (1, 2, ...)"));
  }
  v1::AckAlertRequest request;
  request.set_sequence(sequence);
  request.set_note(absl::GetFlag(FLAGS_note));
  absl::StatusOr<v1::Alert> alert = ctx.client.AckAlert(request);
  if (!alert.ok()) return alert.status();
  if (ctx.json) return PrintJsonLine(*alert, ctx.out);
  ctx.out << AlertLine(*alert) << "\n";
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::AlertFilter> AlertFilterFromFlags() {
  v1::AlertFilter filter;
  const std::string levels = absl::GetFlag(FLAGS_level);
  for (absl::string_view text : absl::StrSplit(levels, ',', absl::SkipWhitespace())) {
    int level = 0;
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &level) || level <= 0) {
      return UsageError(absl::StrCat("--level: '", text, "' is not a level (1, 2, ...)"));
    }
    filter.add_levels(level);
  }
  if (const std::string queue = absl::GetFlag(FLAGS_queue); !queue.empty()) {
    filter.add_queues(queue);
  }
  filter.set_mine(absl::GetFlag(FLAGS_mine));
  filter.set_unacknowledged_only(absl::GetFlag(FLAGS_unacked));
  return filter;
}

std::string AlertCondition(const v1::Alert& alert) {
  std::string condition;
  switch (alert.condition()) {
    case v1::ESCALATION_CONDITION_SLA_WARNING: condition = "warning"; break;
    case v1::ESCALATION_CONDITION_SLA_BREACH: condition = "breach"; break;
    default: condition = ShortName(alert.condition());
  }
  if (alert.clock() == v1::SLA_CLOCK_KIND_UNSPECIFIED) return condition;
  return absl::StrCat(condition, " ", ShortName(alert.clock()));
}

std::string AlertLine(const v1::Alert& alert) {
  std::string line = absl::StrCat(
      "#", alert.sequence(), "  ", FormatTime(alert.time(), false), "  L", alert.level(), " ",
      alert.level_name(), "  ", alert.ticket_id(), "  ", AlertCondition(alert), "  past ",
      PastTarget(alert), "  to ", Recipients(alert), "  [", alert.rule(),
      "]");
  if (!alert.summary().empty()) absl::StrAppend(&line, "  ", Truncate(alert.summary(), 100));
  if (alert.acknowledged()) absl::StrAppend(&line, "  acked by ", Acknowledgement(alert));
  return line;
}

absl::Status PrintJsonLine(const v1::Alert& alert, std::ostream& out) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  options.preserve_proto_field_names = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(alert, &json, options);
  if (!status.ok()) return absl::InternalError(std::string(status.message()));
  out << json << "\n";
  return absl::OkStatus();
}

absl::Status RunAlerts(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 1, 2, kAlertsSynopsis); !s.ok()) return s;
  const std::string& verb = ctx.args.positional[1];
  if (verb == "list") return RunAlertsList(ctx);
  if (verb == "ack") return RunAlertsAck(ctx);
  if (verb == "watch") {
    if (absl::Status s = ExpectArgs(ctx, 1, 1, "alerts watch [flags]"); !s.ok()) return s;
    return RunAlertsWatch(ctx);
  }
  return UsageError(absl::StrCat("unknown alerts action '", verb, "'; usage: tktctl ",
                                 kAlertsSynopsis));
}

}  // namespace ticketing::client
