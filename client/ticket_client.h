// A small synchronous client for the ticket server: TicketService, AdminService,
// AlertService and AccountService behind one object whose methods return absl::StatusOr
// instead of grpc::Status.
//
// Example:
//   absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
//       ticketing::client::MakeChannel("127.0.0.1:50051", /*tls=*/false, /*ca_file=*/"");
//   if (!channel.ok()) return channel.status();
//   ticketing::client::TicketClient client(*channel, token);
//   absl::StatusOr<ticketing::v1::Ticket> ticket = client.GetTicket("T-1");
#ifndef TICKETING_CLIENT_TICKET_CLIENT_H_
#define TICKETING_CLIENT_TICKET_CLIENT_H_

#include <functional>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ticketing/v1/account.grpc.pb.h"
#include "ticketing/v1/admin_service.grpc.pb.h"
#include "ticketing/v1/alert.grpc.pb.h"
#include "ticketing/v1/report.grpc.pb.h"
#include "ticketing/v1/ticket_service.grpc.pb.h"

namespace ticketing::client {

// Deadline applied to every call unless the caller sets another one.
inline constexpr absl::Duration kDefaultCallTimeout = absl::Seconds(10);
// How long a call that could not connect waits for a connection before it is sent once
// more (TicketClient): covers a server restarting and a spurious connect failure.
inline constexpr absl::Duration kConnectRetryWait = absl::Seconds(2);

// The largest message a channel made by MakeChannel sends or receives (gRPC's default
// receive limit is 4 MiB): an ImportAccounts request carries a whole CSV file.
inline constexpr int kMaxMessageBytes = 64 << 20;

// Converts a gRPC status to an absl::Status with the same code (both use the
// google.rpc numbering) and message. grpc::Status::OK becomes absl::OkStatus().
absl::Status FromGrpcStatus(const grpc::Status& status);

// Creates a channel to `address` ("host:port"). With `tls` false the channel is
// plaintext and `ca_file` is ignored. With `tls` true the server certificate is
// checked against the PEM roots in `ca_file`, or against the system roots when
// `ca_file` is empty. Returns NOT_FOUND / INVALID_ARGUMENT when `ca_file` cannot be
// read or is empty. `cert_file` and `key_file` (both or neither, tls only) are the
// client's own PEM certificate chain and key, for a server that requires client
// certificates (mutual TLS). The channel connects lazily: an unreachable server shows up as
// UNAVAILABLE on the first call, not here. After a lost connection it tries again at
// most a second apart (gRPC's default backoff grows to 2 minutes). Messages of up to
// kMaxMessageBytes pass both ways (the server may still refuse large requests).
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(absl::string_view address, bool tls,
                                                           absl::string_view ca_file,
                                                           absl::string_view cert_file = "",
                                                           absl::string_view key_file = "");

// Wraps the TicketService, AdminService, AlertService and AccountService stubs. Every call sends
// "authorization: Bearer <token>" (nothing when the token is empty, which the server
// answers with UNAUTHENTICATED) and gets a deadline of `timeout` from the moment
// the call starts; a call that runs out of time fails with DEADLINE_EXCEEDED.
//
// A call that fails because no connection could be made (the request never left the
// client) waits up to kConnectRetryWait (at most `timeout`) for a connection and is then
// sent once more, with a fresh deadline; otherwise it fails with UNAVAILABLE.
//
// Errors are the server's status (code and message unchanged) or a transport
// status such as UNAVAILABLE. Thread-safe: calls may run concurrently.
class TicketClient {
 public:
  // Shares ownership of `channel`. `token` is the bearer token of the caller.
  TicketClient(std::shared_ptr<grpc::Channel> channel, std::string token,
               absl::Duration timeout = kDefaultCallTimeout);

  TicketClient(const TicketClient&) = delete;
  TicketClient& operator=(const TicketClient&) = delete;

  // TicketService. Each returns the server's response message.
  absl::StatusOr<v1::Ticket> CreateTicket(const v1::CreateTicketRequest& request) const;
  absl::StatusOr<v1::Ticket> GetTicket(absl::string_view id) const;
  absl::StatusOr<v1::ListTicketsResponse> ListTickets(
      const v1::ListTicketsRequest& request) const;
  absl::StatusOr<v1::Ticket> UpdateTicket(const v1::UpdateTicketRequest& request) const;
  absl::StatusOr<v1::Ticket> TransitionTicket(
      const v1::TransitionTicketRequest& request) const;
  absl::StatusOr<v1::Ticket> AssignTicket(const v1::AssignTicketRequest& request) const;
  absl::StatusOr<v1::AddCommentResponse> AddComment(
      const v1::AddCommentRequest& request) const;
  absl::StatusOr<v1::Ticket> RecordContact(const v1::RecordContactRequest& request) const;
  absl::StatusOr<v1::Ticket> ScheduleVisit(const v1::ScheduleVisitRequest& request) const;
  absl::StatusOr<v1::Ticket> RecordVisit(const v1::RecordVisitRequest& request) const;
  absl::StatusOr<v1::Ticket> SubmitSurvey(const v1::SubmitSurveyRequest& request) const;
  absl::StatusOr<v1::Ticket> RequestPart(const v1::RequestPartRequest& request) const;
  absl::StatusOr<v1::Ticket> UpdatePart(const v1::UpdatePartRequest& request) const;
  absl::StatusOr<v1::Ticket> SetQuote(const v1::SetQuoteRequest& request) const;
  absl::StatusOr<v1::Ticket> RecordQuoteDecision(const v1::RecordQuoteDecisionRequest& request) const;
  absl::StatusOr<v1::Ticket> SetPaymentStatus(const v1::SetPaymentStatusRequest& request) const;
  absl::StatusOr<v1::ProposeTechniciansResponse> ProposeTechnicians(
      const v1::ProposeTechniciansRequest& request) const;
  absl::StatusOr<v1::TechnicianAvailability> SetTechnicianAvailability(
      const v1::SetTechnicianAvailabilityRequest& request) const;
  absl::StatusOr<v1::ServiceReport> GetServiceReport(const v1::ServiceReportRequest& request) const;
  absl::StatusOr<v1::ProductFeedback> GetProductFeedback(
      const v1::ProductFeedbackRequest& request) const;
  absl::StatusOr<v1::ListTicketEventsResponse> ListTicketEvents(
      const v1::ListTicketEventsRequest& request) const;
  // Promises the customer a date (agents and supervisors; the time must be in the
  // future and the reason non-empty, else INVALID_ARGUMENT).
  absl::StatusOr<v1::Ticket> SetCommittedDate(
      const v1::SetCommittedDateRequest& request) const;
  absl::StatusOr<v1::SlaExplanation> ExplainSla(absl::string_view id) const;
  absl::StatusOr<v1::PreviewDeadlineResponse> PreviewDeadline(
      const v1::PreviewDeadlineRequest& request) const;
  // One page of the open tickets of the caller, a user or a team queue (request.scope), in
  // working order: breached first, then by the nearest due instant. PERMISSION_DENIED when
  // a technician asks for someone else's queue.
  absl::StatusOr<v1::ListWorkQueueResponse> ListWorkQueue(
      const v1::ListWorkQueueRequest& request) const;

  // AdminService.
  absl::StatusOr<v1::VerifyStoreResponse> VerifyStore() const;
  absl::StatusOr<v1::WhoAmIResponse> WhoAmI() const;
  // Moves the server's test clock; FAILED_PRECONDITION unless the server runs with
  // --test_clock, INVALID_ARGUMENT for a move backwards. Admins only.
  absl::StatusOr<v1::AdvanceTestClockResponse> AdvanceTestClock(
      const v1::AdvanceTestClockRequest& request) const;
  // The calendars and SLA policies in force, with the version that holds them.
  absl::StatusOr<v1::SlaConfig> GetSlaConfig() const;
  // Stores a new version (admins only): ABORTED when request.expected_version is not
  // the current version, INVALID_ARGUMENT naming the field for an invalid set.
  absl::StatusOr<v1::SlaConfig> ReplaceSlaConfig(
      const v1::ReplaceSlaConfigRequest& request) const;
  // One page of the stored versions, newest first.
  absl::StatusOr<v1::ListSlaConfigVersionsResponse> ListSlaConfigVersions(
      const v1::ListSlaConfigVersionsRequest& request) const;
  // One page of the audit log (admins only): newest first, or oldest first after
  // request.after_sequence.
  absl::StatusOr<v1::ListAuditRecordsResponse> ListAuditRecords(
      const v1::ListAuditRecordsRequest& request) const;
  // Users and tokens. Admins create, disable and enable users and manage anyone's
  // tokens; every user lists, issues and revokes their own. IssueToken's answer holds
  // the token itself, the only time the server shows it.
  absl::StatusOr<v1::UserInfo> CreateUser(const v1::CreateUserRequest& request) const;
  absl::StatusOr<v1::UserInfo> SetUserDisabled(const v1::SetUserDisabledRequest& request) const;
  absl::StatusOr<v1::ListUsersResponse> ListUsers() const;
  absl::StatusOr<v1::IssueTokenResponse> IssueToken(const v1::IssueTokenRequest& request) const;
  absl::StatusOr<v1::ListTokensResponse> ListTokens(const v1::ListTokensRequest& request) const;
  absl::StatusOr<v1::TokenInfo> RevokeToken(const v1::RevokeTokenRequest& request) const;

  // AlertService.
  // One page of stored alerts after request.after_sequence, oldest first; continue with
  // after_sequence = response.last_sequence while response.more.
  absl::StatusOr<v1::ListAlertsResponse> ListAlerts(const v1::ListAlertsRequest& request) const;
  // Acknowledges an alert (idempotent): NOT_FOUND for an unknown sequence,
  // PERMISSION_DENIED unless the caller is a supervisor, an admin, a recipient of the
  // alert or its ticket's assignee.
  absl::StatusOr<v1::Alert> AckAlert(const v1::AckAlertRequest& request) const;
  // Runs AlertService.WatchAlerts on `context`, a fresh context owned by the caller, who
  // may TryCancel() it from another thread to end the watch. The call has no deadline (a
  // watch runs until it ends); the token is added here. Calls `on_alert` for every alert
  // received, in order, on the calling thread; when it returns false the call is
  // cancelled and OK returned. Otherwise returns how the stream ended: UNAVAILABLE when
  // the server shuts down ("reconnect with from_sequence=N") or the connection is lost,
  // CANCELLED when the caller cancelled `context`, the server's error else (OK when the
  // server ended the stream without one).
  absl::Status WatchAlerts(grpc::ClientContext& context, const v1::WatchAlertsRequest& request,
                           const std::function<bool(const v1::Alert&)>& on_alert) const;

  // AccountService. Each returns the server's response message.
  // ALREADY_EXISTS for a taken id; INVALID_ARGUMENT naming the field ("account.name: ...").
  absl::StatusOr<v1::Account> CreateAccount(const v1::CreateAccountRequest& request) const;
  // NOT_FOUND for an unknown id.
  absl::StatusOr<v1::Account> GetAccount(absl::string_view id) const;
  // One page, ordered by id; continue with response.next_page_token until it is empty.
  absl::StatusOr<v1::ListAccountsResponse> ListAccounts(
      const v1::ListAccountsRequest& request) const;
  // Version-checked: ABORTED when request.account.version is not the current one.
  absl::StatusOr<v1::Account> UpdateAccount(const v1::UpdateAccountRequest& request) const;
  absl::StatusOr<v1::ListAccountEventsResponse> ListAccountEvents(
      const v1::ListAccountEventsRequest& request) const;
  // Sets or clears (tier UNSPECIFIED) the manual tier override; supervisors and admins;
  // version-checked like UpdateAccount.
  absl::StatusOr<v1::Account> SetServiceTier(const v1::SetServiceTierRequest& request) const;
  // Classifies every account; with request.apply, commits the moves. Supervisors, admins.
  absl::StatusOr<v1::ReclassifyAccountsResponse> ReclassifyAccounts(
      const v1::ReclassifyAccountsRequest& request) const;
  // Upserts many accounts at once (admins). Without skip_invalid any bad row fails the
  // call with INVALID_ARGUMENT listing "accounts[i].field: ..." lines and nothing is
  // written; with it the bad rows come back in response.errors.
  absl::StatusOr<v1::ImportAccountsResponse> ImportAccounts(
      const v1::ImportAccountsRequest& request) const;

 private:
  // Adds the authorization metadata and the deadline to `context`.
  void Prepare(grpc::ClientContext* context) const;
  // Waits up to kConnectRetryWait (at most timeout_) for the channel to connect.
  bool WaitForConnection() const;

  // Runs `call(context, response)` on a prepared context and converts the status.
  template <typename Response, typename Call>
  absl::StatusOr<Response> Invoke(Call call) const;

  const std::shared_ptr<grpc::Channel> channel_;
  const std::unique_ptr<v1::TicketService::Stub> tickets_;
  const std::unique_ptr<v1::AdminService::Stub> admin_;
  const std::unique_ptr<v1::AlertService::Stub> alerts_;
  const std::unique_ptr<v1::AccountService::Stub> accounts_;
  const std::unique_ptr<v1::ReportService::Stub> reports_;
  const std::string token_;
  const absl::Duration timeout_;
};

}  // namespace ticketing::client

#endif  // TICKETING_CLIENT_TICKET_CLIENT_H_
