// The `clock` subcommand: moves the test clock of a server started with --test_clock.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/cli_commands.h"
#include "client/cli_format.h"

namespace ticketing::client {
namespace {

constexpr char kClockSynopsis[] = "clock advance DURATION | clock set TIME";

// "2h", "90m", "1h30m" (absl::ParseDuration); the test clock only moves forward.
absl::StatusOr<google::protobuf::Duration> ParseForwardDuration(const std::string& text) {
  absl::Duration duration;
  if (!absl::ParseDuration(text, &duration) || duration < absl::ZeroDuration() ||
      duration == absl::InfiniteDuration()) {
    return UsageError(absl::StrCat("clock advance: '", text,
                                   "' is not a duration >= 0 such as 2h, 90m or 1h30m"));
  }
  google::protobuf::Duration proto;
  const int64_t seconds = absl::ToInt64Seconds(duration);
  proto.set_seconds(seconds);
  proto.set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(duration - absl::Seconds(seconds))));
  return proto;
}

absl::StatusOr<v1::AdvanceTestClockRequest> BuildClockRequest(const std::string& verb,
                                                              const std::string& value) {
  v1::AdvanceTestClockRequest request;
  if (verb == "advance") {
    absl::StatusOr<google::protobuf::Duration> advance = ParseForwardDuration(value);
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
