#include "client/cli_format.h"

#include <algorithm>
#include <cstddef>
#include <utility>

#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"

namespace ticketing::client {
namespace {

constexpr absl::string_view kUsagePayload = "type.tktctl/usage_error";

// "TICKET_STATUS_" for TicketStatus: the zero value's name without "UNSPECIFIED".
std::string EnumPrefix(const google::protobuf::EnumDescriptor& type) {
  const google::protobuf::EnumValueDescriptor* zero = type.FindValueByNumber(0);
  if (zero == nullptr) return "";
  absl::string_view name = zero->name();
  absl::ConsumeSuffix(&name, "UNSPECIFIED");
  return std::string(name);
}

// Byte length of the UTF-8 sequence that starts with `lead` (1 for stray bytes).
int SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

char32_t DecodeAt(absl::string_view text, size_t pos, int length) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  if (length == 1) return byte(0);
  char32_t code = byte(0) & (0x7F >> length);
  for (int i = 1; i < length; ++i) code = (code << 6) | (byte(i) & 0x3F);
  return code;
}

// East Asian wide and fullwidth ranges: these take two terminal columns.
bool IsWide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1FAFF) ||
         (c >= 0x20000 && c <= 0x3FFFD);
}

// Calls visit(byte_offset, byte_length, columns) for each character of `text`.
template <typename Visit>
void ForEachGlyph(absl::string_view text, Visit visit) {
  for (size_t pos = 0; pos < text.size();) {
    int length = SequenceLength(static_cast<unsigned char>(text[pos]));
    if (pos + length > text.size()) length = 1;
    const int columns = IsWide(DecodeAt(text, pos, length)) ? 2 : 1;
    if (!visit(pos, length, columns)) return;
    pos += length;
  }
}

int DisplayWidth(absl::string_view text) {
  int width = 0;
  ForEachGlyph(text, [&](size_t, int, int columns) {
    width += columns;
    return true;
  });
  return width;
}

std::string OneLine(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"\r\n", " "}, {"\n", " "}, {"\r", " "}, {"\t", " "}});
}

std::string OrDash(absl::string_view text) { return text.empty() ? "-" : std::string(text); }

}  // namespace

absl::Status UsageError(absl::string_view message) {
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kUsagePayload, absl::Cord("1"));
  return status;
}

bool IsUsageError(const absl::Status& status) {
  return status.GetPayload(kUsagePayload).has_value();
}

std::string ShortEnumName(const google::protobuf::EnumDescriptor& type, int number) {
  const google::protobuf::EnumValueDescriptor* value = type.FindValueByNumber(number);
  if (value == nullptr) return absl::StrCat(number);
  absl::string_view name = value->name();
  const std::string prefix = EnumPrefix(type);
  absl::ConsumePrefix(&name, prefix);
  return absl::AsciiStrToLower(name);
}

absl::StatusOr<int> ParseEnumName(const google::protobuf::EnumDescriptor& type,
                                  absl::string_view flag, absl::string_view text) {
  const std::string key = absl::StrReplaceAll(absl::AsciiStrToUpper(text), {{"-", "_"}});
  const std::string prefix = EnumPrefix(type);
  std::vector<std::string> accepted;
  for (int i = 0; i < type.value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor* value = type.value(i);
    if (value->number() == 0) continue;
    if (key == value->name() || absl::StrCat(prefix, key) == value->name()) {
      return value->number();
    }
    accepted.push_back(ShortEnumName(type, value->number()));
  }
  return UsageError(absl::StrCat(flag, ": unknown value '", text,
                                 "'; expected one of: ", absl::StrJoin(accepted, ", ")));
}

absl::StatusOr<google::protobuf::Timestamp> ParseTimestamp(absl::string_view flag,
                                                           absl::string_view text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error) &&
      !absl::ParseTime("%Y-%m-%d", text, absl::LocalTimeZone(), &time, &error)) {
    return UsageError(absl::StrCat(flag, ": '", text,
                                   "' is not an RFC 3339 time (2024-05-01T08:00:00Z) "
                                   "or a date (2024-05-01)"));
  }
  return ToTimestampProto(time);
}

absl::StatusOr<google::protobuf::Timestamp> ParseTimeOrOffset(absl::string_view flag,
                                                              absl::string_view text,
                                                              absl::Time now) {
  if (!absl::StartsWith(text, "+")) return ParseTimestamp(flag, text);
  absl::StatusOr<google::protobuf::Duration> offset = ParseDurationArg(flag, text.substr(1));
  if (!offset.ok()) {
    return UsageError(absl::StrCat(flag, ": '", text,
                                   "' is not an offset from now such as +48h or +1h30m"));
  }
  // Whole seconds: a promise to the nanosecond only clutters what people read.
  const absl::Time second = absl::FromUnixSeconds(absl::ToUnixSeconds(now));
  return ToTimestampProto(second + absl::Seconds(offset->seconds()) +
                          absl::Nanoseconds(offset->nanos()));
}

absl::StatusOr<google::protobuf::Duration> ParseDurationArg(absl::string_view flag,
                                                            absl::string_view text) {
  absl::Duration duration;
  if (!absl::ParseDuration(text, &duration) || duration < absl::ZeroDuration() ||
      duration == absl::InfiniteDuration()) {
    return UsageError(absl::StrCat(flag, ": '", text,
                                   "' is not a duration >= 0 such as 2h, 90m or 1h30m"));
  }
  google::protobuf::Duration proto;
  const int64_t seconds = absl::ToInt64Seconds(duration);
  proto.set_seconds(seconds);
  proto.set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(duration - absl::Seconds(seconds))));
  return proto;
}

google::protobuf::Timestamp ToTimestampProto(absl::Time time) {
  google::protobuf::Timestamp timestamp;
  const int64_t seconds = absl::ToUnixSeconds(time);  // rounds towards -infinity
  timestamp.set_seconds(seconds);
  timestamp.set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(seconds))));
  return timestamp;
}

std::string FormatTime(const google::protobuf::Timestamp& time, bool long_form) {
  if (time.seconds() == 0 && time.nanos() == 0) return "-";
  const absl::Time t =
      absl::FromUnixSeconds(time.seconds()) + absl::Nanoseconds(time.nanos());
  return absl::FormatTime(long_form ? "%Y-%m-%d %H:%M:%S %z" : "%Y-%m-%d %H:%M", t,
                          absl::LocalTimeZone());
}

std::string Truncate(absl::string_view text, int max_width) {
  const std::string line = OneLine(text);
  if (DisplayWidth(line) <= max_width) return line;
  const int budget = std::max(0, max_width - 3);
  size_t cut = 0;
  int width = 0;
  ForEachGlyph(line, [&](size_t pos, int length, int columns) {
    if (width + columns > budget) return false;
    width += columns;
    cut = pos + length;
    return true;
  });
  return absl::StrCat(line.substr(0, cut), "...");
}

Table::Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }

void Table::AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

void Table::Print(std::ostream& out) const {
  std::vector<int> widths;
  for (const auto& row : rows_) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  }
  for (const auto& row : rows_) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line += "  ";
      line += row[i];
      if (i + 1 < row.size()) line.append(widths[i] - DisplayWidth(row[i]), ' ');
    }
    out << line << "\n";
  }
}

absl::Status PrintJson(const google::protobuf::Message& message, std::ostream& out) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) return absl::InternalError(std::string(status.message()));
  out << json;
  if (json.empty() || json.back() != '\n') out << "\n";
  return absl::OkStatus();
}

void PrintFields(const std::vector<std::pair<std::string, std::string>>& fields,
                 std::ostream& out) {
  size_t width = 0;
  for (const auto& field : fields) width = std::max(width, field.first.size());
  const std::string indent(width + 3, ' ');
  for (const auto& [name, value] : fields) {
    out << name << ":" << std::string(width - name.size() + 2, ' ')
        << absl::StrReplaceAll(value, {{"\n", "\n" + indent}}) << "\n";
  }
}

namespace {

std::string FormatContact(const v1::Contact& contact) {
  std::vector<std::string> parts;
  for (const std::string* part : {&contact.name(), &contact.phone(), &contact.email()}) {
    if (!part->empty()) parts.push_back(*part);
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, ", ");
}

std::string FormatChanges(const v1::TicketEvent& event) {
  std::vector<std::string> parts;
  for (const v1::FieldChange& change : event.changes()) {
    // Long values (a description) are cut; `get` and --json show them whole.
    parts.push_back(absl::StrCat(change.field(), ": ", OrDash(Truncate(change.old_value(), 40)),
                                 " -> ", OrDash(Truncate(change.new_value(), 40))));
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, "; ");
}

std::string FormatEventText(const v1::TicketEvent& event) {
  std::vector<std::string> parts;
  const bool customer = event.visibility() == v1::VISIBILITY_CUSTOMER;
  if (!event.reason().empty()) parts.push_back(absl::StrCat("reason: ", event.reason()));
  if (!event.comment().empty()) {
    parts.push_back(absl::StrCat(customer ? "[customer] " : "", event.comment()));
  } else if (customer) {
    // A customer-visible event without a comment (a promised date) is marked in front.
    parts.insert(parts.begin(), "[customer]");
    return OneLine(absl::StrJoin(parts, " "));
  }
  return parts.empty() ? "-" : OneLine(absl::StrJoin(parts, " | "));
}

}  // namespace

// One line per visit ("visit 1  tom  window ...  NOT_FIXED MISSING_PART"), then the survey.
void PrintVisitsAndSurvey(const v1::Ticket& t, std::ostream& out) {
  for (const v1::Visit& v : t.visits()) {
    out << "visit " << v.number() << ": " << v.technician() << "  window "
        << FormatTime(v.window_start(), false) << " - " << FormatTime(v.window_end(), false)
        << "  " << (v.outcome() == v1::VISIT_OUTCOME_UNSPECIFIED ? "scheduled" : ShortName(v.outcome()))
        << (v.not_fixed_reason() == v1::NOT_FIXED_REASON_UNSPECIFIED ? "" : " " + ShortName(v.not_fixed_reason()))
        << (v.diagnosis().empty() ? "" : "  " + OneLine(v.diagnosis())) << "\n";
  }
  if (t.has_first_time_fix()) out << "first_time_fix: " << (t.first_time_fix() ? "yes" : "no") << "\n";
  for (const v1::PartRequest& p : t.parts()) {
    out << "part " << p.number() << ": " << p.quantity() << " x " << p.part_number() << " ("
        << OneLine(p.description()) << ")  " << ShortName(p.status()) << " since "
        << FormatTime(p.status_time(), false) << "  requested " << FormatTime(p.request_time(), false)
        << "  promised " << FormatTime(p.promised_arrival(), false) << "\n";
  }
  if (t.has_quote()) {
    const v1::Quote& q = t.quote();
    out << "quote " << q.revision() << ": total " << q.total() / 100 << "." << (q.total() % 100 < 10 ? "0" : "")
        << q.total() % 100 << (q.warranty() ? " (warranty " + q.warranty_reference() + ")" : "")
        << "  " << (q.decision() == v1::QUOTE_DECISION_UNSPECIFIED ? "undecided" : ShortName(q.decision()) + " by " + q.decided_by())
        << "  payment " << ShortName(q.payment()) << "\n";
  }
  if (t.has_resolution()) {
    out << "resolution: " << t.resolution().fault_category() << ": " << OneLine(t.resolution().action_taken())
        << " (root cause: " << OneLine(t.resolution().root_cause()) << ")\n";
  }
  if (t.has_verification()) {
    out << "verification: " << ShortName(t.verification().outcome()) << " by "
        << t.verification().customer_contact() << " (" << t.verification().verified_by() << ")\n";
  }
  if (t.has_verify_by() || t.verification_overdue()) {
    out << "verify_by: " << FormatTime(t.verify_by(), false)
        << (t.verification_overdue() ? "  OVERDUE (service omission)" : "") << "\n";
  }
  if (t.has_survey()) {
    const v1::Survey& s = t.survey();
    out << "survey: overall " << s.overall() << (s.dissatisfied() ? " (dissatisfied)" : "")
        << "  skill " << s.skill() << " charges " << s.charges() << " timeliness "
        << s.timeliness() << " attitude " << s.attitude() << " parts " << s.parts()
        << " facilities " << s.facilities()
        << (s.importance().empty() ? "" : "  importance " + absl::StrJoin(s.importance(), ">"))
        << (s.comment().empty() ? "" : "  \"" + OneLine(s.comment()) + "\"") << "\n";
  }
}

void PrintTicket(const v1::Ticket& t, std::ostream& out) {
  PrintFields({{"id", t.id()},
               {"summary", t.summary()},
               {"kind", ShortName(t.kind())},
               {"status", ShortName(t.status())},
               {"status_reason", OrDash(t.status_reason())},
               {"priority", ShortName(t.priority())},
               {"priority_reason", OrDash(t.priority_reason())},
               {"impact", ShortName(t.impact())},
               {"urgency", ShortName(t.urgency())},
               {"account", t.account_id()},
               {"tier", ShortName(t.service_tier())},
               {"contact", FormatContact(t.contact())},
               {"product", OrDash(t.product())},
               {"serial_number", OrDash(t.serial_number())},
               {"assignee", OrDash(t.assignee())},
               {"queue", OrDash(t.queue())},
               {"region", OrDash(t.region())},
               {"created", absl::StrCat(FormatTime(t.create_time(), true), " by ",
                                        OrDash(t.created_by()))},
               {"updated", FormatTime(t.update_time(), true)},
               {"resolved", FormatTime(t.resolve_time(), true)},
               {"closed", FormatTime(t.close_time(), true)},
               {"version", absl::StrCat(t.version())},
               {"description", OrDash(t.description())},
               {"sla", OrDash(t.sla_policy())},
               {"committed", FormatTime(t.committed_time(), true)}},
              out);
  PrintSlaClocks(t, out);
  PrintVisitsAndSurvey(t, out);
}

void PrintTicketTable(const std::vector<v1::Ticket>& tickets, std::ostream& out) {
  Table table({"ID", "STATUS", "PRI", "KIND", "ACCOUNT", "ASSIGNEE", "QUEUE", "CREATED",
               "SLA", "SUMMARY"});
  for (const v1::Ticket& t : tickets) {
    table.AddRow({t.id(), ShortName(t.status()), ShortName(t.priority()),
                  ShortName(t.kind()), Truncate(t.account_id(), 24),
                  OrDash(t.assignee()), OrDash(t.queue()),
                  FormatTime(t.create_time(), false), SlaSummary(t),
                  Truncate(t.summary(), 48)});
  }
  table.Print(out);
}

void PrintEvents(const std::vector<v1::TicketEvent>& events, std::ostream& out) {
  Table table({"SEQ", "TIME", "ACTOR", "TYPE", "CHANGES", "COMMENT"});
  for (const v1::TicketEvent& e : events) {
    table.AddRow({absl::StrCat(e.sequence()), FormatTime(e.time(), false), e.actor(),
                  ShortName(e.type()), FormatChanges(e), FormatEventText(e)});
  }
  table.Print(out);
}

void PrintVerify(const v1::VerifyStoreResponse& response, std::ostream& out) {
  out << "tickets:        " << response.tickets() << "\n"
      << "index entries:  " << response.index_entries() << "\n"
      << "events:         " << response.events() << "\n"
      << "timers:         " << response.timers() << "\n"
      << "problems:       " << response.problem_count() << "\n";
  for (const std::string& problem : response.problems()) out << "  - " << problem << "\n";
  const int64_t unlisted = response.problem_count() - response.problems_size();
  if (unlisted > 0) out << "  ... and " << unlisted << " more\n";
  out << (response.problem_count() == 0 ? "store is consistent\n"
                                        : "store has problems\n");
}

}  // namespace ticketing::client
