// Text conversions for tktctl: parses what a user types (enum names, times) and
// renders API messages as aligned tables, field lists or protobuf JSON.
#ifndef TICKETING_CLIENT_CLI_FORMAT_H_
#define TICKETING_CLIENT_CLI_FORMAT_H_

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/generated_enum_reflection.h>
#include <google/protobuf/message.h>
#include <google/protobuf/duration.pb.h>
#include <google/protobuf/timestamp.pb.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ticketing/v1/admin_service.pb.h"
#include "ticketing/v1/ticket.pb.h"
#include "ticketing/v1/ticket_service.pb.h"

namespace ticketing::client {

// A mistake on the command line (exit code 2), as opposed to an error the server
// returned. Returns an INVALID_ARGUMENT status carrying a "usage" mark.
absl::Status UsageError(absl::string_view message);
// True when `status` came from UsageError().
bool IsUsageError(const absl::Status& status);

// Short lowercase name of an enum value: "in_progress" for
// TICKET_STATUS_IN_PROGRESS, "p1" for PRIORITY_P1. The prefix is the name of the
// enum's zero value without "UNSPECIFIED". Unknown numbers print as digits.
std::string ShortEnumName(const google::protobuf::EnumDescriptor& type, int number);

// Parses a user-typed enum value: the short name in any case ("in_progress",
// "In-Progress") or the full proto name ("TICKET_STATUS_IN_PROGRESS"). The zero
// (UNSPECIFIED) value is refused. Returns a UsageError naming `flag` and the
// accepted names on failure.
absl::StatusOr<int> ParseEnumName(const google::protobuf::EnumDescriptor& type,
                                  absl::string_view flag, absl::string_view text);

template <typename E>
std::string ShortName(E value) {
  return ShortEnumName(*google::protobuf::GetEnumDescriptor<E>(), static_cast<int>(value));
}

template <typename E>
absl::StatusOr<E> ParseEnum(absl::string_view flag, absl::string_view text) {
  absl::StatusOr<int> number =
      ParseEnumName(*google::protobuf::GetEnumDescriptor<E>(), flag, text);
  if (!number.ok()) return number.status();
  return static_cast<E>(*number);
}

// Parses RFC 3339 ("2024-05-01T08:00:00+08:00", "2024-05-01T00:00:00Z") or a bare
// date "2024-05-01" (midnight, local time zone). UsageError naming `flag` otherwise.
absl::StatusOr<google::protobuf::Timestamp> ParseTimestamp(absl::string_view flag,
                                                           absl::string_view text);

// ParseTimestamp, or "+DURATION" (+48h, +1h30m): `now` (cut to whole seconds) plus the
// duration. UsageError
// naming `flag` otherwise.
absl::StatusOr<google::protobuf::Timestamp> ParseTimeOrOffset(absl::string_view flag,
                                                              absl::string_view text,
                                                              absl::Time now);

// Parses a duration >= 0 in absl syntax ("2h", "90m", "1h30m"). UsageError naming
// `flag` otherwise: "<flag>: 'soon' is not a duration >= 0 such as 2h, 90m or 1h30m".
absl::StatusOr<google::protobuf::Duration> ParseDurationArg(absl::string_view flag,
                                                            absl::string_view text);

google::protobuf::Timestamp ToTimestampProto(absl::Time time);

// Renders a timestamp in the local time zone; "-" when unset (zero).
// Long: "2024-05-01 08:00:00 +0800"; short: "2024-05-01 08:00".
std::string FormatTime(const google::protobuf::Timestamp& time, bool long_form);

// Cuts `text` to at most `max_width` display columns (CJK characters count two),
// ending with "..." when cut. Newlines become spaces.
std::string Truncate(absl::string_view text, int max_width);

// Prints rows as columns separated by two spaces, each as wide as its widest
// cell. The first row is the header.
class Table {
 public:
  explicit Table(std::vector<std::string> header);
  void AddRow(std::vector<std::string> row);
  void Print(std::ostream& out) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// Prints `message` as indented protobuf JSON (proto field names) plus a newline.
absl::Status PrintJson(const google::protobuf::Message& message, std::ostream& out);

// Prints "name:" padded to a common width, then the value, one field a line;
// continuation lines of a multi-line value are indented under the first.
void PrintFields(const std::vector<std::pair<std::string, std::string>>& fields,
                 std::ostream& out);

// Human-readable renderings used by the subcommands.
void PrintTicket(const v1::Ticket& ticket, std::ostream& out);        // one field a line
void PrintTicketTable(const std::vector<v1::Ticket>& tickets, std::ostream& out);
void PrintEvents(const std::vector<v1::TicketEvent>& events, std::ostream& out);
void PrintVerify(const v1::VerifyStoreResponse& response, std::ostream& out);

// SLA renderings (cli_sla_format.cc). Times are in the local time zone, to the minute.
//
// One line per clock of `ticket`, indented by two spaces; nothing when it has none:
//   "  first_response  BREACHED  target 1h  due 2026-01-05 10:00 +0000  warned  breached"
// The last column lists only what applies: warned, breached, "breaches N" (when earlier
// cycles breached too), "cycle N" (N > 1) and "ended TIME".
void PrintSlaClocks(const v1::Ticket& ticket, std::ostream& out);
// The same lines for any clocks (e.g. those of PreviewDeadline).
void PrintSlaClockLines(const google::protobuf::RepeatedPtrField<v1::SlaClock>& clocks,
                        std::ostream& out);
// The answer of `explain`: the ticket's policy and calendar, then per clock its kind and
// state, the due time's derivation and one line per segment:
//   "  2026-01-05 09:00 - 2026-01-05 09:30  RUNNING  created by alice"
// The open segment of a counting clock ends "now"; the final state of an ended clock
// (MET, MET_LATE, STOPPED) shows only its start.
void PrintSlaExplanation(const v1::SlaExplanation& explanation, std::ostream& out);
// Prints `table` without its (blank) header row.
void PrintWithoutHeader(const Table& table, std::ostream& out);
// The SLA column of `list`: the worst clock state, where BREACHED > RUNNING > PAUSED >
// MET_LATE > MET > STOPPED, except that RUNNING shows the earliest due time of a running
// clock ("due 01-05 10:00"). "-" for a ticket without clocks.
std::string SlaSummary(const v1::Ticket& ticket);
// The answer of `clock advance|set`: the test clock's new time and tickets_changed.
void PrintTestClock(const v1::AdvanceTestClockResponse& response, std::ostream& out);

}  // namespace ticketing::client

#endif  // TICKETING_CLIENT_CLI_FORMAT_H_
