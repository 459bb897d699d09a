// `alerts watch`: follows AlertService.WatchAlerts, printing each alert as it comes and
// reconnecting from the last alert printed whenever the stream breaks.
#include <csignal>
#include <cstdint>
#include <iostream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/cli_alerts.h"
#include "client/cli_flags.h"
#include "client/cli_format.h"

namespace ticketing::client {
namespace {

constexpr absl::Duration kReconnectDelay = absl::Seconds(1);
constexpr absl::Duration kStopPollInterval = absl::Milliseconds(50);

// Set by the SIGINT/SIGTERM handler; only a flag, which is all a handler may safely do.
volatile std::sig_atomic_t g_stop_requested = 0;

extern "C" void RequestStop(int /*signal*/) { g_stop_requested = 1; }

// Turns SIGINT and SIGTERM into the end of the watch. ClientContext::TryCancel is not
// async-signal-safe, so a helper thread polls the flag the handler sets and cancels the
// call in progress. gRPC's own threads exist before this starts, so blocking the
// signals and taking them with sigwait() would not catch every delivery; a handler does.
class StopOnSignal {
 public:
  StopOnSignal() : poller_([this] { Poll(); }) {
    std::signal(SIGINT, RequestStop);
    std::signal(SIGTERM, RequestStop);
  }
  ~StopOnSignal() {
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
    }
    poller_.join();
  }

  // Cancels `context` when a signal arrives (at once if one already has). `context`
  // must stay alive until Attach(nullptr).
  void Attach(grpc::ClientContext* context) {
    absl::MutexLock lock(&mu_);
    context_ = context;
  }
  bool stop_requested() const { return g_stop_requested != 0; }

  // Sleeps for `delay` or until a signal arrives. Returns false when stopped.
  bool Sleep(absl::Duration delay) {
    const absl::Time end = absl::Now() + delay;
    while (!stop_requested() && absl::Now() < end) absl::SleepFor(kStopPollInterval);
    return !stop_requested();
  }

 private:
  void Poll() {
    absl::MutexLock lock(&mu_);
    while (!done_) {
      if (stop_requested() && context_ != nullptr) context_->TryCancel();
      mu_.AwaitWithTimeout(absl::Condition(&done_), kStopPollInterval);
    }
  }

  absl::Mutex mu_;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::thread poller_;  // last: starts after the members it reads
};

// Breaks worth reconnecting after; the rest (bad token, bad filter...) would fail again.
bool Retryable(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:  // the server ended the stream without an error
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kCancelled:  // not by us: we checked stop_requested first
      return true;
    default:
      return false;
  }
}

struct WatchState {
  int64_t last_sequence = 0;  // the last alert printed: the next connection starts after it
  int64_t printed = 0;
  int64_t max = 0;  // 0: no limit
};

// Prints `alert`, flushing so that a pipe sees it at once. False when --max is reached.
bool PrintAlert(CommandContext& ctx, WatchState& state, const v1::Alert& alert) {
  // A JSON conversion error (it cannot happen for a parsed message) costs the line its
  // format, never the alert.
  if (!ctx.json || !PrintJsonLine(alert, ctx.out).ok()) ctx.out << AlertLine(alert) << "\n";
  ctx.out.flush();
  state.last_sequence = alert.sequence();
  ++state.printed;
  return state.max == 0 || state.printed < state.max;
}

// One connection: streams from state.last_sequence until the stream ends.
absl::Status WatchOnce(CommandContext& ctx, StopOnSignal& stop, const v1::AlertFilter& filter,
                       WatchState& state) {
  v1::WatchAlertsRequest request;
  request.set_from_sequence(state.last_sequence);
  *request.mutable_filter() = filter;
  grpc::ClientContext context;
  stop.Attach(&context);
  absl::Status status = ctx.client.WatchAlerts(
      context, request, [&](const v1::Alert& alert) { return PrintAlert(ctx, state, alert); });
  stop.Attach(nullptr);
  return status;
}

}  // namespace

absl::Status RunAlertsWatch(CommandContext& ctx) {
  absl::StatusOr<v1::AlertFilter> filter = AlertFilterFromFlags();
  if (!filter.ok()) return filter.status();
  WatchState state{absl::GetFlag(FLAGS_from), 0, absl::GetFlag(FLAGS_max)};
  if (state.last_sequence < 0) return UsageError("--from must not be negative");
  if (state.max < 0) return UsageError("--max must not be negative");
  StopOnSignal stop;
  while (true) {
    absl::Status status = WatchOnce(ctx, stop, *filter, state);
    if (stop.stop_requested()) return absl::OkStatus();
    if (state.max > 0 && state.printed >= state.max) return absl::OkStatus();
    if (absl::GetFlag(FLAGS_once) || !Retryable(status)) return status;
    std::cerr << "alerts watch: stream ended (" << absl::StatusCodeToString(status.code())
              << (status.message().empty() ? "" : ": ") << status.message()
              << "); reconnecting from sequence " << state.last_sequence << " in "
              << absl::FormatDuration(kReconnectDelay) << std::endl;
    if (!stop.Sleep(kReconnectDelay)) return absl::OkStatus();
  }
}

}  // namespace ticketing::client
