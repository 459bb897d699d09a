// The `sla` subcommand: show, replace and list the versions of the SLA configuration
// (the calendars, SLA policies and escalation levels and rules in force), and how they
// are printed.
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/cli_commands.h"
#include "client/cli_format.h"

namespace ticketing::client {
namespace {

constexpr char kSlaSynopsis[] = "sla show | sla replace FILE --reason=TEXT | sla history";

// Keeps the first parse error of a text-format file, with its position.
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (error_.empty()) error_ = absl::StrCat(line + 1, ":", column + 1, ": ", message);
  }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
};

// The SlaConfig in protobuf text format at `path`. A file that cannot be read or parsed
// is a usage error: nothing was sent.
absl::StatusOr<v1::SlaConfig> ReadSlaConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return UsageError(absl::StrCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  google::protobuf::TextFormat::Parser parser;
  FirstError errors;
  parser.RecordErrorsTo(&errors);
  v1::SlaConfig config;
  if (!parser.ParseFromString(text.str(), &config)) {
    return UsageError(absl::StrCat(path, ":", errors.error(),
                                   " (expected an SlaConfig in protobuf text format)"));
  }
  return config;
}

template <typename E>
std::string EnumList(const google::protobuf::RepeatedField<int>& values) {
  std::vector<std::string> names;
  for (int value : values) names.push_back(ShortName(static_cast<E>(value)));
  return absl::StrJoin(names, ",");
}

// "kinds repair; priorities p1,p2", or "all tickets" for an empty selector.
std::string FormatSelector(const v1::SlaSelector& match) {
  std::vector<std::string> parts;
  if (!match.tiers().empty()) {
    parts.push_back("tiers " + EnumList<v1::ServiceTier>(match.tiers()));
  }
  if (!match.kinds().empty()) parts.push_back("kinds " + EnumList<v1::TicketKind>(match.kinds()));
  if (!match.priorities().empty()) {
    parts.push_back("priorities " + EnumList<v1::Priority>(match.priorities()));
  }
  if (!match.regions().empty()) {
    parts.push_back("regions " + absl::StrJoin(match.regions(), ","));
  }
  if (!match.products().empty()) {
    parts.push_back("products " + absl::StrJoin(match.products(), ","));
  }
  return parts.empty() ? "all tickets" : absl::StrJoin(parts, "; ");
}

// "first_response 1h  resolution 8h  warning 80%  pause waiting_customer": what is set.
std::string FormatTargets(const v1::SlaPolicy& policy) {
  std::vector<std::string> parts;
  if (!policy.first_response().empty()) {
    parts.push_back("first_response " + policy.first_response());
  }
  if (!policy.next_update().empty()) parts.push_back("next_update " + policy.next_update());
  if (!policy.resolution().empty()) parts.push_back("resolution " + policy.resolution());
  if (policy.warning_percent() != 0) {
    parts.push_back(absl::StrCat("warning ", policy.warning_percent(), "%"));
  }
  if (!policy.pause_statuses().empty()) {
    parts.push_back("pause " + EnumList<v1::TicketStatus>(policy.pause_statuses()));
  }
  return parts.empty() ? "no targets" : absl::StrJoin(parts, "  ");
}

// "always open", or the working days and how many dates differ: "days monday,friday
// exceptions 3". `sla show --json` has the hours themselves.
std::string FormatHours(const v1::BusinessCalendar& calendar) {
  std::string text = calendar.always_open() ? "always open" : "days ";
  if (!calendar.always_open()) {
    std::vector<std::string> days;
    for (const v1::WeekdayHours& day : calendar.weekly()) days.push_back(ShortName(day.day()));
    absl::StrAppend(&text, days.empty() ? "none" : absl::StrJoin(days, ","));
  }
  absl::StrAppend(&text, "  exceptions ", calendar.exceptions_size());
  return text;
}

void PrintSlaConfig(const v1::SlaConfig& config, std::ostream& out) {
  out << "version:  " << config.version() << "\n";
  if (config.updated_by().empty()) {
    out << "updated:  - (the server's config file)\n";
  } else {
    out << "updated:  " << FormatTime(config.update_time(), /*long_form=*/true) << " by "
        << config.updated_by() << "\n"
        << "reason:   " << config.reason() << "\n";
  }
  out << "calendars:\n";
  Table calendars({});
  for (const v1::BusinessCalendar& c : config.calendars()) {
    calendars.AddRow({"", c.name(), c.time_zone(), FormatHours(c)});
  }
  PrintWithoutHeader(calendars, out);
  out << "policies:\n";
  Table policies({});
  for (const v1::SlaPolicy& p : config.sla_policies()) {
    policies.AddRow({"", p.name(), "match " + FormatSelector(p.match()), FormatTargets(p),
                     "calendar " + p.calendar()});
  }
  PrintWithoutHeader(policies, out);
  out << "escalation levels:\n";
  Table levels({});
  for (const v1::EscalationLevel& l : config.escalation_levels()) {
    levels.AddRow({"", absl::StrCat("L", l.level()), l.name(),
                   l.reescalate_after().empty() ? "-" : "re-escalates after " + l.reescalate_after()});
  }
  PrintWithoutHeader(levels, out);
  out << "escalation rules:\n";
  Table rules({});
  for (const v1::EscalationRule& r : config.escalation_rules()) {
    rules.AddRow({"", r.name(), v1::EscalationCondition_Name(r.condition()), absl::StrCat("L", r.level())});
  }
  PrintWithoutHeader(rules, out);
}

void PrintSlaConfigVersions(const v1::ListSlaConfigVersionsResponse& response,
                            std::ostream& out) {
  Table table({"VERSION", "TIME", "USER", "CALENDARS", "POLICIES", "REASON"});
  for (const v1::SlaConfig& v : response.versions()) {
    table.AddRow({absl::StrCat(v.version()), FormatTime(v.update_time(), false),
                  v.updated_by().empty() ? "-" : v.updated_by(),
                  absl::StrCat(v.calendars_size()), absl::StrCat(v.sla_policies_size()),
                  v.reason().empty() ? "-" : Truncate(v.reason(), 60)});
  }
  table.Print(out);
}

absl::Status RunSlaShow(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 1, 1, "sla show"); !s.ok()) return s;
  absl::StatusOr<v1::SlaConfig> config = ctx.client.GetSlaConfig();
  if (!config.ok()) return config.status();
  if (ctx.json) return PrintJson(*config, ctx.out);
  PrintSlaConfig(*config, ctx.out);
  return absl::OkStatus();
}

// --expected_version when given, else the version in force now.
absl::StatusOr<int64_t> ExpectedVersion(const CommandContext& ctx) {
  if (Specified(ctx.args, "expected_version")) return absl::GetFlag(FLAGS_expected_version);
  absl::StatusOr<v1::SlaConfig> current = ctx.client.GetSlaConfig();
  if (!current.ok()) return current.status();
  return current->version();
}

absl::Status RunSlaReplace(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 2, 2, "sla replace FILE --reason=TEXT"); !s.ok()) {
    return s;
  }
  if (absl::GetFlag(FLAGS_reason).empty()) {
    return UsageError("sla replace needs --reason=TEXT: why the SLA changes");
  }
  absl::StatusOr<v1::SlaConfig> file = ReadSlaConfigFile(ctx.args.positional[2]);
  if (!file.ok()) return file.status();
  absl::StatusOr<int64_t> expected = ExpectedVersion(ctx);
  if (!expected.ok()) return expected.status();
  v1::ReplaceSlaConfigRequest request;
  request.set_expected_version(*expected);
  *request.mutable_calendars() = std::move(*file->mutable_calendars());
  *request.mutable_sla_policies() = std::move(*file->mutable_sla_policies());
  *request.mutable_escalation_levels() = std::move(*file->mutable_escalation_levels());
  *request.mutable_escalation_rules() = std::move(*file->mutable_escalation_rules());
  request.set_reason(absl::GetFlag(FLAGS_reason));
  absl::StatusOr<v1::SlaConfig> stored = ctx.client.ReplaceSlaConfig(request);
  if (!stored.ok()) return stored.status();
  if (ctx.json) return PrintJson(*stored, ctx.out);
  PrintSlaConfig(*stored, ctx.out);
  return absl::OkStatus();
}

absl::Status RunSlaHistory(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 1, 1, "sla history"); !s.ok()) return s;
  v1::ListSlaConfigVersionsRequest request;
  request.set_page_size(100);
  v1::ListSlaConfigVersionsResponse all;
  do {
    absl::StatusOr<v1::ListSlaConfigVersionsResponse> page =
        ctx.client.ListSlaConfigVersions(request);
    if (!page.ok()) return page.status();
    for (v1::SlaConfig& v : *page->mutable_versions()) *all.add_versions() = std::move(v);
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  if (ctx.json) return PrintJson(all, ctx.out);
  PrintSlaConfigVersions(all, ctx.out);
  return absl::OkStatus();
}

}  // namespace

absl::Status RunSla(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 1, 2, kSlaSynopsis); !s.ok()) return s;
  const std::string& action = ctx.args.positional[1];
  if (action == "show") return RunSlaShow(ctx);
  if (action == "replace") return RunSlaReplace(ctx);
  if (action == "history") return RunSlaHistory(ctx);
  return UsageError(
      absl::StrCat("unknown sla action '", action, "'; usage: tktctl ", kSlaSynopsis));
}

}  // namespace ticketing::client
