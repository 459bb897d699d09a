// What the `alerts` subcommands share: cli_alerts.cc (dispatch, list, ack and the
// renderings) and cli_alerts_watch.cc (watch).
#ifndef TICKETING_CLIENT_CLI_ALERTS_H_
#define TICKETING_CLIENT_CLI_ALERTS_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/cli_commands.h"
#include "ticketing/v1/alert.pb.h"

namespace ticketing::client {

// The filter given by --level, --mine, --unacked and --queue. UsageError for a level
// that is not a positive number.
absl::StatusOr<v1::AlertFilter> AlertFilterFromFlags();

// "breach first_response", "warning resolution", "chase_count" (no clock).
std::string AlertCondition(const v1::Alert& alert);

// One line for people, without a newline:
//   "#7  2026-01-05 10:00  L2 service manager  T-2  breach first_response  past 0s
//    to root +tom  [p1-breach]  <summary>"
// (+USER is the ticket's assignee; "acked by sue" is appended once acknowledged).
std::string AlertLine(const v1::Alert& alert);

// Prints `alert` as compact protobuf JSON (proto field names) on one line.
absl::Status PrintJsonLine(const v1::Alert& alert, std::ostream& out);

// `alerts watch` (cli_alerts_watch.cc).
absl::Status RunAlertsWatch(CommandContext& ctx);

}  // namespace ticketing::client

#endif  // TICKETING_CLIENT_CLI_ALERTS_H_
