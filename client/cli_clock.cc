// The `clock` subcommand: moves the test clock of a server started with --test_clock.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/cli_commands.h"
#include "client/cli_format.h"

namespace ticketing::client {
namespace {

constexpr char kClockSynopsis[] = "clock advance DURATION | clock set TIME";

absl::StatusOr<v1::AdvanceTestClockRequest> BuildClockRequest(const std::string& verb,
                                                              const std::string& value) {
  v1::AdvanceTestClockRequest request;
  if (verb == "advance") {
    // The test clock only moves forward, so the duration must be >= 0.
    absl::StatusOr<google::protobuf::Duration> advance =
        ParseDurationArg("clock advance", value);
    if (!advance.ok()) return advance.status();
    *request.mutable_advance() = *advance;
  } else if (verb == "set") {
    absl::StatusOr<google::protobuf::Timestamp> time = ParseTimestamp("clock set", value);
    if (!time.ok()) return time.status();
    *request.mutable_set_time() = *time;
  } else {
    return UsageError(absl::StrCat("unknown clock action '", verb, "'; usage: tktctl ",
                                   kClockSynopsis));
  }
  return request;
}

}  // namespace

absl::Status RunClock(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 2, 2, kClockSynopsis); !s.ok()) return s;
  absl::StatusOr<v1::AdvanceTestClockRequest> request =
      BuildClockRequest(ctx.args.positional[1], ctx.args.positional[2]);
  if (!request.ok()) return request.status();
  absl::StatusOr<v1::AdvanceTestClockResponse> response =
      ctx.client.AdvanceTestClock(*request);
  if (!response.ok()) return response.status();
  if (ctx.json) return PrintJson(*response, ctx.out);
  PrintTestClock(*response, ctx.out);
  return absl::OkStatus();
}

}  // namespace ticketing::client
