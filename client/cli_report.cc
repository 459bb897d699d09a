// tktctl report service|feedback: the service report (table, --csv, --json) and product
// feedback. Definitions of every figure: docs/reports.md.
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "client/cli_accounts_csv.h"
#include "client/cli_commands.h"
#include "client/cli_flags.h"
#include "client/cli_format.h"

namespace ticketing::client {
namespace {

const char* const kColumns[] = {
    "GROUP",     "TICKETS",  "FR_OK%",   "RES_OK%",  "FR_MEAN",   "FR_P90",   "RES_MEAN",
    "RES_P90",   "FTF%",     "KEPT",     "MISSED",   "MISS_MEAN", "BACKLOG",  "BACKLOG_AGE",
    "COMPL/100", "OMISSION%", "DISSAT%"};

std::string Percent(double share) { return absl::StrFormat("%.1f", 100.0 * share); }

std::string Hours(const google::protobuf::Duration& d) {
  return absl::StrFormat("%.2fh", static_cast<double>(d.seconds()) / 3600.0);
}

std::string Compliance(const v1::ReportRow& row, v1::SlaClockKind kind) {
  for (const v1::ClockCompliance& c : row.sla()) {
    if (c.clock() == kind) return Percent(c.compliance());
  }
  return "-";
}

std::vector<std::string> Cells(const v1::ReportRow& row, const std::string& group) {
  std::vector<std::string> ages;
  for (int64_t n : row.backlog_by_age()) ages.push_back(absl::StrCat(n));
  return {group,
          absl::StrCat(row.tickets()),
          Compliance(row, v1::SLA_CLOCK_KIND_FIRST_RESPONSE),
          Compliance(row, v1::SLA_CLOCK_KIND_RESOLUTION),
          Hours(row.time_to_first_response().mean()),
          Hours(row.time_to_first_response().p90()),
          Hours(row.time_to_resolution().mean()),
          Hours(row.time_to_resolution().p90()),
          Percent(row.first_time_fix_rate()),
          absl::StrCat(row.committed_kept()),
          absl::StrCat(row.committed_missed()),
          Hours(row.committed_mean_delay()),
          absl::StrCat(row.backlog()),
          absl::StrJoin(ages, "/"),
          absl::StrFormat("%.1f", row.complaints_per_100_accounts()),
          Percent(row.omission_rate()),
          Percent(row.dissatisfaction_rate())};
}

absl::StatusOr<std::pair<google::protobuf::Timestamp, google::protobuf::Timestamp>> Period() {
  const std::string from = absl::GetFlag(FLAGS_created_from), to = absl::GetFlag(FLAGS_created_to);
  if (from.empty() || to.empty()) {
    return UsageError("report needs --created_from=DATE and --created_to=DATE (the period)");
  }
  absl::StatusOr<google::protobuf::Timestamp> f = ParseTimestamp("--created_from", from);
  if (!f.ok()) return f.status();
  absl::StatusOr<google::protobuf::Timestamp> t = ParseTimestamp("--created_to", to);
  if (!t.ok()) return t.status();
  return std::make_pair(*f, *t);
}

absl::Status RunServiceReport(CommandContext& ctx) {
  auto period = Period();
  if (!period.ok()) return period.status();
  v1::ServiceReportRequest request;
  *request.mutable_from() = period->first;
  *request.mutable_to() = period->second;
  if (const std::string group = absl::GetFlag(FLAGS_group); !group.empty()) {
    absl::StatusOr<v1::ReportGroup> by = ParseEnum<v1::ReportGroup>("--group", group);
    if (!by.ok()) return by.status();
    request.set_group_by(*by);
  }
  absl::StatusOr<v1::ServiceReport> report = ctx.client.GetServiceReport(request);
  if (!report.ok()) return report.status();
  if (ctx.json) return PrintJson(*report, ctx.out);
  std::vector<std::vector<std::string>> rows;
  for (const v1::ReportRow& row : report->rows()) rows.push_back(Cells(row, row.group()));
  rows.push_back(Cells(report->total(), "TOTAL"));
  if (absl::GetFlag(FLAGS_csv)) {
    ctx.out << CsvLine({std::begin(kColumns), std::end(kColumns)});
    for (const auto& row : rows) ctx.out << CsvLine(row);
    return absl::OkStatus();
  }
  Table table({std::begin(kColumns), std::end(kColumns)});
  for (auto& row : rows) table.AddRow(std::move(row));
  table.Print(ctx.out);
  return absl::OkStatus();
}

absl::Status RunFeedback(CommandContext& ctx) {
  auto period = Period();
  if (!period.ok()) return period.status();
  v1::ProductFeedbackRequest request;
  *request.mutable_from() = period->first;
  *request.mutable_to() = period->second;
  absl::StatusOr<v1::ProductFeedback> feedback = ctx.client.GetProductFeedback(request);
  if (!feedback.ok()) return feedback.status();
  if (ctx.json) return PrintJson(*feedback, ctx.out);
  const std::vector<std::string> header = {"PRODUCT", "FAULT", "ROOT_CAUSE", "COUNT"};
  if (absl::GetFlag(FLAGS_csv)) ctx.out << CsvLine(header);
  Table table(header);
  for (const v1::FeedbackRow& r : feedback->rows()) {
    std::vector<std::string> cells = {r.product(), r.fault_category(), r.root_cause(), absl::StrCat(r.count())};
    if (absl::GetFlag(FLAGS_csv)) {
      ctx.out << CsvLine(cells);
    } else {
      table.AddRow(std::move(cells));
    }
  }
  if (!absl::GetFlag(FLAGS_csv)) table.Print(ctx.out);
  return absl::OkStatus();
}

}  // namespace

absl::Status RunReport(CommandContext& ctx) {
  const std::string sub = ctx.args.positional.size() >= 2 ? ctx.args.positional[1] : "";
  if (absl::Status s = ExpectArgs(ctx, 1, 1, "report service|feedback"); !s.ok()) return s;
  if (sub == "service") return RunServiceReport(ctx);
  if (sub == "feedback") return RunFeedback(ctx);
  return UsageError("report needs 'service' or 'feedback'");
}

}  // namespace ticketing::client
