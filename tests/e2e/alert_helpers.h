// Helpers for the end-to-end tests of alerts (alerts_e2e_test.cc, tktctl_alerts_e2e_test.cc):
// a server config with escalation levels and rules on a test clock, calls through the
// generated AlertService and AdminService stubs, and AlertWatch, which reads a
// WatchAlerts stream on its own thread so that a test can wait for alerts with a timeout.
#ifndef TICKETING_TESTS_E2E_ALERT_HELPERS_H_
#define TICKETING_TESTS_E2E_ALERT_HELPERS_H_

#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "tests/e2e/e2e_client.h"
#include "tests/e2e/e2e_helpers.h"
#include "tests/testing/server_process.h"
#include "ticketing/v1/admin_service.grpc.pb.h"
#include "ticketing/v1/alert.grpc.pb.h"

namespace ticketing::testing {

// One 24x7 policy (first response 1h, resolution 8h; warnings at 75%: 45m and 6h), level 1
// = the supervisors (sue), level 2 = root; P1 breaches start at level 2, other breaches and
// every warning at level 1.
inline constexpr char kAlertsConfig[] = R"pb(
  calendars { name: "always" time_zone: "UTC" always_open: true }
  sla_policies { name: "standard" first_response: "1h" resolution: "8h" calendar: "always" }
  escalation_levels { level: 1 name: "team lead" roles: ROLE_SUPERVISOR }
  escalation_levels { level: 2 name: "service manager" users: "root" }
  escalation_rules { name: "p1-breach" condition: ESCALATION_CONDITION_SLA_BREACH priorities: PRIORITY_P1 level: 2 }
  escalation_rules { name: "breach" condition: ESCALATION_CONDITION_SLA_BREACH level: 1 }
  escalation_rules { name: "warning" condition: ESCALATION_CONDITION_SLA_WARNING level: 1 }
)pb";

// The test clock starts on Monday 2026-01-05 09:00 UTC (again after every restart).
inline std::vector<std::string> AlertsServerFlags() {
  return {"--test_clock", "--test_clock_start=2026-01-05T09:00:00Z"};
}

// Creates a ticket of `priority` assigned to tom (as alice) and returns its id, "" on error
// (the current test fails).
inline std::string CreateTicketForTom(const std::shared_ptr<grpc::Channel>& channel,
                                      v1::Priority priority) {
  v1::CreateTicketRequest request = NewTicketRequest(UniqueName("acct"));
  request.mutable_ticket()->set_priority(priority); request.mutable_ticket()->set_priority_reason("test sets it");
  request.mutable_ticket()->set_assignee(kTechnicianTomName);
  absl::StatusOr<v1::Ticket> ticket = E2eClient(channel, kAgentToken).Create(request);
  EXPECT_THAT(ticket, IsOk());
  return ticket.ok() ? ticket->id() : "";
}

// Moves the server's test clock forward by `by` (as root), firing what falls due.
inline absl::Status AdvanceClock(const std::shared_ptr<grpc::Channel>& channel,
                                 absl::Duration by) {
  v1::AdvanceTestClockRequest request;
  request.mutable_advance()->set_seconds(absl::ToInt64Seconds(by));
  v1::AdvanceTestClockResponse response;
  return ToAbslStatus(v1::AdminService::NewStub(channel)->AdvanceTestClock(
      MakeClientContext(kAdminToken, absl::Seconds(60)).get(), request, &response));
}

// Every stored alert that passes `filter` for the user of `token`, following pages.
inline absl::StatusOr<std::vector<v1::Alert>> ListAllAlerts(
    const std::shared_ptr<grpc::Channel>& channel, absl::string_view token,
    const v1::AlertFilter& filter = v1::AlertFilter()) {
  auto stub = v1::AlertService::NewStub(channel);
  v1::ListAlertsRequest request;
  *request.mutable_filter() = filter;
  std::vector<v1::Alert> all;
  for (int page = 0; page < 1000; ++page) {
    v1::ListAlertsResponse response;
    grpc::Status status = stub->ListAlerts(MakeClientContext(token).get(), request, &response);
    if (!status.ok()) return ToAbslStatus(status);
    all.insert(all.end(), response.alerts().begin(), response.alerts().end());
    if (!response.more()) return all;
    request.set_after_sequence(response.last_sequence());
  }
  return absl::InternalError("ListAlerts did not end");
}

inline absl::StatusOr<v1::Alert> AckAlert(const std::shared_ptr<grpc::Channel>& channel,
                                          absl::string_view token, int64_t sequence,
                                          const std::string& note = "") {
  v1::AckAlertRequest request;
  request.set_sequence(sequence);
  request.set_note(note);
  v1::Alert alert;
  grpc::Status status = v1::AlertService::NewStub(channel)->AckAlert(
      MakeClientContext(token).get(), request, &alert);
  if (!status.ok()) return ToAbslStatus(status);
  return alert;
}

// Raises alerts after every alert stored so far: a new P1 ticket for tom whose first
// response runs out (the clock moves an hour: a level-1 warning, then the level-2 P1
// breach). Returns the last alert stored. The server streams alerts in sequence order, so
// a watcher whose next alert is this one received nothing else meanwhile: the condition
// tests wait for instead of sleeping to see that "nothing more came".
inline absl::StatusOr<v1::Alert> RaiseMarkerAlerts(const std::shared_ptr<grpc::Channel>& channel) {
  CreateTicketForTom(channel, v1::PRIORITY_P1);
  if (absl::Status moved = AdvanceClock(channel, absl::Hours(1)); !moved.ok()) return moved;
  absl::StatusOr<std::vector<v1::Alert>> all = ListAllAlerts(channel, kAdminToken);
  if (!all.ok()) return all.status();
  if (all->empty()) return absl::InternalError("no alert was raised");
  return all->back();
}

// The sequences of `alerts`, in order.
inline std::vector<int64_t> Sequences(const std::vector<v1::Alert>& alerts) {
  std::vector<int64_t> sequences;
  for (const v1::Alert& alert : alerts) sequences.push_back(alert.sequence());
  return sequences;
}

// first, first + 1, ..., last.
inline std::vector<int64_t> Range(int64_t first, int64_t last) {
  std::vector<int64_t> range;
  for (int64_t s = first; s <= last; ++s) range.push_back(s);
  return range;
}

// A WatchAlerts call read on its own thread. The call has a 120 s deadline as a safety net.
// Destroying the watch cancels the call and joins the thread. Thread-safe.
class AlertWatch {
 public:
  AlertWatch(const std::shared_ptr<grpc::Channel>& channel, absl::string_view token,
             int64_t from_sequence, const v1::AlertFilter& filter = v1::AlertFilter())
      : stub_(v1::AlertService::NewStub(channel)),
        context_(MakeClientContext(token, absl::Seconds(120))) {
    request_.set_from_sequence(from_sequence);
    *request_.mutable_filter() = filter;
    reader_thread_ = std::thread([this] { Read(); });
  }
  ~AlertWatch() { Cancel(); }

  // Waits until `count` alerts have arrived, the stream has ended or `timeout` has passed;
  // returns the alerts received so far.
  std::vector<v1::Alert> WaitFor(size_t count, absl::Duration timeout = absl::Seconds(10)) {
    absl::MutexLock lock(&mu_);
    auto done = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return alerts_.size() >= count || ended_;
    };
    mu_.AwaitWithTimeout(absl::Condition(&done), timeout);
    return alerts_;
  }

  // Waits up to `timeout` for the stream to end. Returns its status, or DEADLINE_EXCEEDED
  // from here when it is still open.
  absl::Status WaitForEnd(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    if (!mu_.AwaitWithTimeout(absl::Condition(&ended_), timeout)) {
      return absl::DeadlineExceededError("the stream is still open");
    }
    return status_;
  }
  // When the stream ended (InfiniteFuture while open).
  absl::Time end_time() {
    absl::MutexLock lock(&mu_);
    return end_time_;
  }

  // Cancels the call (as a client that goes away) and waits for the reader thread.
  void Cancel() {
    context_->TryCancel();
    if (reader_thread_.joinable()) reader_thread_.join();
  }

  std::vector<v1::Alert> received() {
    absl::MutexLock lock(&mu_);
    return alerts_;
  }

 private:
  void Read() {
    std::unique_ptr<grpc::ClientReader<v1::Alert>> reader =
        stub_->WatchAlerts(context_.get(), request_);
    v1::Alert alert;
    while (reader->Read(&alert)) {
      absl::MutexLock lock(&mu_);
      alerts_.push_back(alert);
    }
    const grpc::Status status = reader->Finish();
    absl::MutexLock lock(&mu_);
    status_ = ToAbslStatus(status);
    end_time_ = absl::Now();
    ended_ = true;
  }

  std::unique_ptr<v1::AlertService::Stub> stub_;
  std::unique_ptr<grpc::ClientContext> context_;
  v1::WatchAlertsRequest request_;
  absl::Mutex mu_;
  std::vector<v1::Alert> alerts_ ABSL_GUARDED_BY(mu_);
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
  absl::Time end_time_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
  std::thread reader_thread_;  // last: starts once the members above exist
};

}  // namespace ticketing::testing

#endif  // TICKETING_TESTS_E2E_ALERT_HELPERS_H_
