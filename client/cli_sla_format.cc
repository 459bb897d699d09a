// SLA renderings of tktctl: the clock lines of `get`, the SLA column of `list`, the
// answer of `clock advance|set` and the clock explanations of `explain`.
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/cli_format.h"

namespace ticketing::client {
namespace {

absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

absl::Duration ToDuration(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

bool IsSet(const google::protobuf::Timestamp& t) { return t.seconds() != 0 || t.nanos() != 0; }

// Minutes are what SLA targets are made of; seconds would only widen the column.
std::string FormatMinute(const google::protobuf::Timestamp& t, const char* format) {
  if (!IsSet(t)) return "-";
  return absl::FormatTime(format, ToTime(t), absl::LocalTimeZone());
}

std::string StateName(v1::SlaClockState state) {
  return absl::AsciiStrToUpper(ShortName(state));
}

// "warned", "breached", "breaches 3", "cycle 2": only what is not already plain.
std::string ClockFlags(const v1::SlaClock& clock) {
  std::vector<std::string> flags;
  if (clock.warning_reached()) flags.push_back("warned");
  if (clock.breached()) flags.push_back("breached");
  // One breach is the current one; earlier cycles' breaches are worth a count.
  if (clock.breach_count() > (clock.breached() ? 1 : 0)) {
    flags.push_back(absl::StrCat("breaches ", clock.breach_count()));
  }
  if (clock.cycle() > 1) flags.push_back(absl::StrCat("cycle ", clock.cycle()));
  if (IsSet(clock.end_time())) {
    flags.push_back(absl::StrCat("ended ", FormatMinute(clock.end_time(), "%Y-%m-%d %H:%M")));
  }
  return absl::StrJoin(flags, "  ");
}

// Higher is worse: what the SLA column of `list` reports first.
int Severity(v1::SlaClockState state) {
  switch (state) {
    case v1::SLA_CLOCK_STATE_BREACHED: return 5;
    case v1::SLA_CLOCK_STATE_RUNNING: return 4;
    case v1::SLA_CLOCK_STATE_PAUSED: return 3;
    case v1::SLA_CLOCK_STATE_MET_LATE: return 2;
    case v1::SLA_CLOCK_STATE_MET: return 1;
    default: return 0;
  }
}

// The running clock that breaches first, if any.
const v1::SlaClock* EarliestRunning(const v1::Ticket& ticket) {
  const v1::SlaClock* earliest = nullptr;
  for (const v1::SlaClock& clock : ticket.sla_clocks()) {
    if (clock.state() != v1::SLA_CLOCK_STATE_RUNNING || !IsSet(clock.due_time())) continue;
    if (earliest == nullptr || ToTime(clock.due_time()) < ToTime(earliest->due_time())) {
      earliest = &clock;
    }
  }
  return earliest;
}

// "start - end", "start - now" for the open segment of a counting clock, and only
// "start" for the final state of an ended one (MET, MET_LATE, STOPPED), which lasts.
std::string SegmentSpan(const v1::SlaSegment& segment) {
  const std::string start = FormatMinute(segment.start_time(), "%Y-%m-%d %H:%M");
  if (IsSet(segment.end_time())) {
    return absl::StrCat(start, " - ", FormatMinute(segment.end_time(), "%Y-%m-%d %H:%M"));
  }
  return Severity(segment.state()) >= Severity(v1::SLA_CLOCK_STATE_PAUSED)
             ? absl::StrCat(start, " - now")
             : start;
}

}  // namespace

// The header is blank and dropped: the words on each line say what the columns are.
void PrintWithoutHeader(const Table& table, std::ostream& out) {
  std::ostringstream text;
  table.Print(text);
  const std::string lines = text.str();
  out << lines.substr(lines.find('\n') + 1);
}

void PrintSlaClocks(const v1::Ticket& ticket, std::ostream& out) {
  PrintSlaClockLines(ticket.sla_clocks(), out);
}

void PrintSlaClockLines(const google::protobuf::RepeatedPtrField<v1::SlaClock>& clocks,
                        std::ostream& out) {
  if (clocks.empty()) return;
  // The empty first column indents every line by the table's two-space gap.
  Table table({});
  for (const v1::SlaClock& clock : clocks) {
    std::vector<std::string> row = {
        "", ShortName(clock.kind()), StateName(clock.state()),
        absl::StrCat("target ", absl::FormatDuration(ToDuration(clock.target()))),
        absl::StrCat("due ", FormatMinute(clock.due_time(), "%Y-%m-%d %H:%M %z"))};
    if (std::string flags = ClockFlags(clock); !flags.empty()) row.push_back(std::move(flags));
    table.AddRow(std::move(row));
  }
  PrintWithoutHeader(table, out);
}

std::string SlaSummary(const v1::Ticket& ticket) {
  if (ticket.sla_clocks().empty()) return "-";
  v1::SlaClockState worst = v1::SLA_CLOCK_STATE_UNSPECIFIED;
  for (const v1::SlaClock& clock : ticket.sla_clocks()) {
    if (Severity(clock.state()) > Severity(worst)) worst = clock.state();
  }
  if (worst == v1::SLA_CLOCK_STATE_RUNNING) {
    if (const v1::SlaClock* next = EarliestRunning(ticket)) {
      return absl::StrCat("due ", FormatMinute(next->due_time(), "%m-%d %H:%M"));
    }
  }
  return worst == v1::SLA_CLOCK_STATE_UNSPECIFIED ? "-" : StateName(worst);
}

void PrintSlaExplanation(const v1::SlaExplanation& explanation, std::ostream& out) {
  out << "ticket:    " << explanation.ticket_id() << "\n"
      << "policy:    " << (explanation.sla_policy().empty() ? "-" : explanation.sla_policy())
      << "\n"
      << "calendar:  " << (explanation.calendar().empty() ? "-" : explanation.calendar())
      << "\n";
  for (const v1::ClockExplanation& clock : explanation.clocks()) {
    out << "\n" << ShortName(clock.clock().kind()) << "  " << StateName(clock.clock().state())
        << "\n  " << clock.due_time_derivation() << "\n";
    Table segments({});
    for (const v1::SlaSegment& segment : clock.segments()) {
      segments.AddRow({"", SegmentSpan(segment), StateName(segment.state()), segment.cause()});
    }
    PrintWithoutHeader(segments, out);
  }
}

void PrintTestClock(const v1::AdvanceTestClockResponse& response, std::ostream& out) {
  out << "now:              " << FormatTime(response.now(), /*long_form=*/true) << "\n"
      << "tickets changed:  " << response.tickets_changed() << "\n";
}

}  // namespace ticketing::client
