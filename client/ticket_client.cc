#include "client/ticket_client.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ticketing::client {
namespace {

absl::StatusOr<std::string> ReadFile(absl::string_view path) {
  std::ifstream in{std::string(path), std::ios::binary};
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::ostringstream contents;
  contents << in.rdbuf();
  if (contents.str().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is empty"));
  }
  return contents.str();
}

bool NeverSent(const grpc::Status& status) {
  // gRPC's picker fails a call this way when no connection is ready: the request never
  // left this process, so sending it again cannot apply a write twice.
  return status.error_code() == grpc::StatusCode::UNAVAILABLE &&
         absl::StartsWith(status.error_message(), "failed to connect to all addresses");
}

}  // namespace

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  // grpc::StatusCode and absl::StatusCode both follow google.rpc.Code.
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(absl::string_view address, bool tls,
                                                           absl::string_view ca_file,
                                                           absl::string_view cert_file,
                                                           absl::string_view key_file) {
  if (cert_file.empty() != key_file.empty()) {
    return absl::InvalidArgumentError("--cert_file and --key_file go together");
  }
  if (!tls && !cert_file.empty()) {
    return absl::InvalidArgumentError("--cert_file and --key_file need --tls");
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (!tls) {
    credentials = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions options;
    if (!ca_file.empty()) {
      absl::StatusOr<std::string> roots = ReadFile(ca_file);
      if (!roots.ok()) return roots.status();
      options.pem_root_certs = *std::move(roots);
    }
    if (!cert_file.empty()) {
      absl::StatusOr<std::string> chain = ReadFile(cert_file);
      if (!chain.ok()) return chain.status();
      absl::StatusOr<std::string> key = ReadFile(key_file);
      if (!key.ok()) return key.status();
      options.pem_cert_chain = *std::move(chain);
      options.pem_private_key = *std::move(key);
    }
    credentials = grpc::SslCredentials(options);
  }
  // gRPC backs off up to 2 minutes between reconnection attempts by default; a watch
  // that reconnects every second would otherwise wait that long for a restarted server.
  // The first retry comes sooner (250 ms, growing to 1 s) so that TicketClient's one wait
  // for a connection (kConnectRetryWait) sees a second attempt well within it.
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 250);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  arguments.SetMaxSendMessageSize(kMaxMessageBytes);
  arguments.SetMaxReceiveMessageSize(kMaxMessageBytes);
  return grpc::CreateCustomChannel(std::string(address), credentials, arguments);
}

TicketClient::TicketClient(std::shared_ptr<grpc::Channel> channel, std::string token,
                           absl::Duration timeout)
    : channel_(std::move(channel)),
      tickets_(v1::TicketService::NewStub(channel_)),
      admin_(v1::AdminService::NewStub(channel_)),
      alerts_(v1::AlertService::NewStub(channel_)),
      accounts_(v1::AccountService::NewStub(channel_)),
      reports_(v1::ReportService::NewStub(channel_)),
      token_(std::move(token)),
      timeout_(timeout) {}

void TicketClient::Prepare(grpc::ClientContext* context) const {
  if (!token_.empty()) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", token_));
  }
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
}

bool TicketClient::WaitForConnection() const {
  return channel_->WaitForConnected(
      absl::ToChronoTime(absl::Now() + std::min(timeout_, kConnectRetryWait)));
}

template <typename Response, typename Call>
absl::StatusOr<Response> TicketClient::Invoke(Call call) const {
  // A call that could not connect is sent once more if a connection comes up within
  // kConnectRetryWait. Besides a server that is just restarting, this covers a defect of
  // Debian's gRPC 1.51: connect()'s errno is read after Abseil may have overwritten it
  // (with ENOENT, from probing the CPU's frequency the first time a mutex is contended),
  // so a connect that was only in progress is taken for a failure ("ipv4:...: No such
  // file or directory"). Fixed upstream in grpc/grpc#35064 (1.60).
  for (int attempt = 1;; ++attempt) {
    grpc::ClientContext context;
    Prepare(&context);
    Response response;
    const grpc::Status status = call(&context, &response);
    if (status.ok()) return response;
    if (attempt == 1 && NeverSent(status) && WaitForConnection()) continue;
    return FromGrpcStatus(status);
  }
}

absl::StatusOr<v1::Ticket> TicketClient::CreateTicket(
    const v1::CreateTicketRequest& request) const {
  return Invoke<v1::Ticket>([&](grpc::ClientContext* context, v1::Ticket* response) {
    return tickets_->CreateTicket(context, request, response);
  });
}

absl::StatusOr<v1::Ticket> TicketClient::GetTicket(absl::string_view id) const {
  v1::GetTicketRequest request;
  request.set_id(std::string(id));
  return Invoke<v1::Ticket>([&](grpc::ClientContext* context, v1::Ticket* response) {
    return tickets_->GetTicket(context, request, response);
  });
}

absl::StatusOr<v1::ListTicketsResponse> TicketClient::ListTickets(
    const v1::ListTicketsRequest& request) const {
  return Invoke<v1::ListTicketsResponse>(
      [&](grpc::ClientContext* context, v1::ListTicketsResponse* response) {
        return tickets_->ListTickets(context, request, response);
      });
}

absl::StatusOr<v1::Ticket> TicketClient::UpdateTicket(
    const v1::UpdateTicketRequest& request) const {
  return Invoke<v1::Ticket>([&](grpc::ClientContext* context, v1::Ticket* response) {
    return tickets_->UpdateTicket(context, request, response);
  });
}

absl::StatusOr<v1::Ticket> TicketClient::TransitionTicket(
    const v1::TransitionTicketRequest& request) const {
  return Invoke<v1::Ticket>([&](grpc::ClientContext* context, v1::Ticket* response) {
    return tickets_->TransitionTicket(context, request, response);
  });
}

absl::StatusOr<v1::Ticket> TicketClient::AssignTicket(
    const v1::AssignTicketRequest& request) const {
  return Invoke<v1::Ticket>([&](grpc::ClientContext* context, v1::Ticket* response) {
    return tickets_->AssignTicket(context, request, response);
  });
}

absl::StatusOr<v1::Ticket> TicketClient::RecordContact(
    const v1::RecordContactRequest& request) const {
  return Invoke<v1::Ticket>([&](grpc::ClientContext* context, v1::Ticket* response) {
    return tickets_->RecordContact(context, request, response);
  });
}

absl::StatusOr<v1::Ticket> TicketClient::ScheduleVisit(const v1::ScheduleVisitRequest& request) const {
  return Invoke<v1::Ticket>([&](grpc::ClientContext* context, v1::Ticket* response) {
    return tickets_->ScheduleVisit(context, request, response);
  });
}

absl::StatusOr<v1::Ticket> TicketClient::RecordVisit(const v1::RecordVisitRequest& request) const {
  return Invoke<v1::Ticket>([&](grpc::ClientContext* context, v1::Ticket* response) {
    return tickets_->RecordVisit(context, request, response);
  });
}

absl::StatusOr<v1::Ticket> TicketClient::SubmitSurvey(const v1::SubmitSurveyRequest& request) const {
  return Invoke<v1::Ticket>([&](grpc::ClientContext* context, v1::Ticket* response) {
    return tickets_->SubmitSurvey(context, request, response);
  });
}

absl::StatusOr<v1::Ticket> TicketClient::RequestPart(const v1::RequestPartRequest& request) const {
  return Invoke<v1::Ticket>([&](grpc::ClientContext* context, v1::Ticket* response) {
    return tickets_->RequestPart(context, request, response);
  });
}

absl::StatusOr<v1::Ticket> TicketClient::UpdatePart(const v1::UpdatePartRequest& request) const {
  return Invoke<v1::Ticket>([&](grpc::ClientContext* context, v1::Ticket* response) {
    return tickets_->UpdatePart(context, request, response);
  });
}

absl::StatusOr<v1::Ticket> TicketClient::SetQuote(const v1::SetQuoteRequest& request) const {
  return Invoke<v1::Ticket>([&](grpc::ClientContext* context, v1::Ticket* response) {
    return tickets_->SetQuote(context, request, response);
  });
}

absl::StatusOr<v1::Ticket> TicketClient::RecordQuoteDecision(const v1::RecordQuoteDecisionRequest& request) const {
  return Invoke<v1::Ticket>([&](grpc::ClientContext* context, v1::Ticket* response) {
    return tickets_->RecordQuoteDecision(context, request, response);
  });
}

absl::StatusOr<v1::Ticket> TicketClient::SetPaymentStatus(const v1::SetPaymentStatusRequest& request) const {
  return Invoke<v1::Ticket>([&](grpc::ClientContext* context, v1::Ticket* response) {
    return tickets_->SetPaymentStatus(context, request, response);
  });
}

absl::StatusOr<v1::ProposeTechniciansResponse> TicketClient::ProposeTechnicians(
    const v1::ProposeTechniciansRequest& request) const {
  return Invoke<v1::ProposeTechniciansResponse>(
      [&](grpc::ClientContext* context, v1::ProposeTechniciansResponse* response) {
        return tickets_->ProposeTechnicians(context, request, response);
      });
}

absl::StatusOr<v1::TechnicianAvailability> TicketClient::SetTechnicianAvailability(
    const v1::SetTechnicianAvailabilityRequest& request) const {
  return Invoke<v1::TechnicianAvailability>(
      [&](grpc::ClientContext* context, v1::TechnicianAvailability* response) {
        return tickets_->SetTechnicianAvailability(context, request, response);
      });
}

absl::StatusOr<v1::ServiceReport> TicketClient::GetServiceReport(
    const v1::ServiceReportRequest& request) const {
  return Invoke<v1::ServiceReport>([&](grpc::ClientContext* context, v1::ServiceReport* response) {
    return reports_->GetServiceReport(context, request, response);
  });
}

absl::StatusOr<v1::ProductFeedback> TicketClient::GetProductFeedback(
    const v1::ProductFeedbackRequest& request) const {
  return Invoke<v1::ProductFeedback>([&](grpc::ClientContext* context, v1::ProductFeedback* response) {
    return reports_->GetProductFeedback(context, request, response);
  });
}

absl::StatusOr<v1::AddCommentResponse> TicketClient::AddComment(
    const v1::AddCommentRequest& request) const {
  return Invoke<v1::AddCommentResponse>(
      [&](grpc::ClientContext* context, v1::AddCommentResponse* response) {
        return tickets_->AddComment(context, request, response);
      });
}

absl::StatusOr<v1::ListTicketEventsResponse> TicketClient::ListTicketEvents(
    const v1::ListTicketEventsRequest& request) const {
  return Invoke<v1::ListTicketEventsResponse>(
      [&](grpc::ClientContext* context, v1::ListTicketEventsResponse* response) {
        return tickets_->ListTicketEvents(context, request, response);
      });
}

absl::StatusOr<v1::Ticket> TicketClient::SetCommittedDate(
    const v1::SetCommittedDateRequest& request) const {
  return Invoke<v1::Ticket>([&](grpc::ClientContext* context, v1::Ticket* response) {
    return tickets_->SetCommittedDate(context, request, response);
  });
}

absl::StatusOr<v1::SlaExplanation> TicketClient::ExplainSla(absl::string_view id) const {
  v1::ExplainSlaRequest request;
  request.set_id(std::string(id));
  return Invoke<v1::SlaExplanation>(
      [&](grpc::ClientContext* context, v1::SlaExplanation* response) {
        return tickets_->ExplainSla(context, request, response);
      });
}

absl::StatusOr<v1::PreviewDeadlineResponse> TicketClient::PreviewDeadline(
    const v1::PreviewDeadlineRequest& request) const {
  return Invoke<v1::PreviewDeadlineResponse>(
      [&](grpc::ClientContext* context, v1::PreviewDeadlineResponse* response) {
        return tickets_->PreviewDeadline(context, request, response);
      });
}

absl::StatusOr<v1::ListWorkQueueResponse> TicketClient::ListWorkQueue(
    const v1::ListWorkQueueRequest& request) const {
  return Invoke<v1::ListWorkQueueResponse>(
      [&](grpc::ClientContext* context, v1::ListWorkQueueResponse* response) {
        return tickets_->ListWorkQueue(context, request, response);
      });
}

absl::StatusOr<v1::VerifyStoreResponse> TicketClient::VerifyStore() const {
  return Invoke<v1::VerifyStoreResponse>(
      [&](grpc::ClientContext* context, v1::VerifyStoreResponse* response) {
        return admin_->VerifyStore(context, v1::VerifyStoreRequest(), response);
      });
}

absl::StatusOr<v1::WhoAmIResponse> TicketClient::WhoAmI() const {
  return Invoke<v1::WhoAmIResponse>(
      [&](grpc::ClientContext* context, v1::WhoAmIResponse* response) {
        return admin_->WhoAmI(context, v1::WhoAmIRequest(), response);
      });
}

absl::StatusOr<v1::AdvanceTestClockResponse> TicketClient::AdvanceTestClock(
    const v1::AdvanceTestClockRequest& request) const {
  return Invoke<v1::AdvanceTestClockResponse>(
      [&](grpc::ClientContext* context, v1::AdvanceTestClockResponse* response) {
        return admin_->AdvanceTestClock(context, request, response);
      });
}

absl::StatusOr<v1::SlaConfig> TicketClient::GetSlaConfig() const {
  return Invoke<v1::SlaConfig>([&](grpc::ClientContext* context, v1::SlaConfig* response) {
    return admin_->GetSlaConfig(context, v1::GetSlaConfigRequest(), response);
  });
}

absl::StatusOr<v1::SlaConfig> TicketClient::ReplaceSlaConfig(
    const v1::ReplaceSlaConfigRequest& request) const {
  return Invoke<v1::SlaConfig>([&](grpc::ClientContext* context, v1::SlaConfig* response) {
    return admin_->ReplaceSlaConfig(context, request, response);
  });
}

absl::StatusOr<v1::ListSlaConfigVersionsResponse> TicketClient::ListSlaConfigVersions(
    const v1::ListSlaConfigVersionsRequest& request) const {
  return Invoke<v1::ListSlaConfigVersionsResponse>(
      [&](grpc::ClientContext* context, v1::ListSlaConfigVersionsResponse* response) {
        return admin_->ListSlaConfigVersions(context, request, response);
      });
}

absl::StatusOr<v1::ListAuditRecordsResponse> TicketClient::ListAuditRecords(
    const v1::ListAuditRecordsRequest& request) const {
  return Invoke<v1::ListAuditRecordsResponse>(
      [&](grpc::ClientContext* context, v1::ListAuditRecordsResponse* response) {
        return admin_->ListAuditRecords(context, request, response);
      });
}

absl::StatusOr<v1::UserInfo> TicketClient::CreateUser(const v1::CreateUserRequest& request) const {
  return Invoke<v1::UserInfo>([&](grpc::ClientContext* context, v1::UserInfo* response) {
    return admin_->CreateUser(context, request, response);
  });
}

absl::StatusOr<v1::UserInfo> TicketClient::SetUserDisabled(
    const v1::SetUserDisabledRequest& request) const {
  return Invoke<v1::UserInfo>([&](grpc::ClientContext* context, v1::UserInfo* response) {
    return admin_->SetUserDisabled(context, request, response);
  });
}

absl::StatusOr<v1::ListUsersResponse> TicketClient::ListUsers() const {
  return Invoke<v1::ListUsersResponse>(
      [&](grpc::ClientContext* context, v1::ListUsersResponse* response) {
        return admin_->ListUsers(context, v1::ListUsersRequest(), response);
      });
}

absl::StatusOr<v1::IssueTokenResponse> TicketClient::IssueToken(
    const v1::IssueTokenRequest& request) const {
  return Invoke<v1::IssueTokenResponse>(
      [&](grpc::ClientContext* context, v1::IssueTokenResponse* response) {
        return admin_->IssueToken(context, request, response);
      });
}

absl::StatusOr<v1::ListTokensResponse> TicketClient::ListTokens(
    const v1::ListTokensRequest& request) const {
  return Invoke<v1::ListTokensResponse>(
      [&](grpc::ClientContext* context, v1::ListTokensResponse* response) {
        return admin_->ListTokens(context, request, response);
      });
}

absl::StatusOr<v1::TokenInfo> TicketClient::RevokeToken(
    const v1::RevokeTokenRequest& request) const {
  return Invoke<v1::TokenInfo>([&](grpc::ClientContext* context, v1::TokenInfo* response) {
    return admin_->RevokeToken(context, request, response);
  });
}

absl::StatusOr<v1::ListAlertsResponse> TicketClient::ListAlerts(
    const v1::ListAlertsRequest& request) const {
  return Invoke<v1::ListAlertsResponse>(
      [&](grpc::ClientContext* context, v1::ListAlertsResponse* response) {
        return alerts_->ListAlerts(context, request, response);
      });
}

absl::StatusOr<v1::Alert> TicketClient::AckAlert(const v1::AckAlertRequest& request) const {
  return Invoke<v1::Alert>([&](grpc::ClientContext* context, v1::Alert* response) {
    return alerts_->AckAlert(context, request, response);
  });
}

absl::StatusOr<v1::Account> TicketClient::CreateAccount(
    const v1::CreateAccountRequest& request) const {
  return Invoke<v1::Account>([&](grpc::ClientContext* context, v1::Account* response) {
    return accounts_->CreateAccount(context, request, response);
  });
}

absl::StatusOr<v1::Account> TicketClient::GetAccount(absl::string_view id) const {
  v1::GetAccountRequest request;
  request.set_id(std::string(id));
  return Invoke<v1::Account>([&](grpc::ClientContext* context, v1::Account* response) {
    return accounts_->GetAccount(context, request, response);
  });
}

absl::StatusOr<v1::ListAccountsResponse> TicketClient::ListAccounts(
    const v1::ListAccountsRequest& request) const {
  return Invoke<v1::ListAccountsResponse>(
      [&](grpc::ClientContext* context, v1::ListAccountsResponse* response) {
        return accounts_->ListAccounts(context, request, response);
      });
}

absl::StatusOr<v1::Account> TicketClient::UpdateAccount(
    const v1::UpdateAccountRequest& request) const {
  return Invoke<v1::Account>([&](grpc::ClientContext* context, v1::Account* response) {
    return accounts_->UpdateAccount(context, request, response);
  });
}

absl::StatusOr<v1::ListAccountEventsResponse> TicketClient::ListAccountEvents(
    const v1::ListAccountEventsRequest& request) const {
  return Invoke<v1::ListAccountEventsResponse>(
      [&](grpc::ClientContext* context, v1::ListAccountEventsResponse* response) {
        return accounts_->ListAccountEvents(context, request, response);
      });
}

absl::StatusOr<v1::Account> TicketClient::SetServiceTier(
    const v1::SetServiceTierRequest& request) const {
  return Invoke<v1::Account>([&](grpc::ClientContext* context, v1::Account* response) {
    return accounts_->SetServiceTier(context, request, response);
  });
}

absl::StatusOr<v1::ReclassifyAccountsResponse> TicketClient::ReclassifyAccounts(
    const v1::ReclassifyAccountsRequest& request) const {
  return Invoke<v1::ReclassifyAccountsResponse>(
      [&](grpc::ClientContext* context, v1::ReclassifyAccountsResponse* response) {
        return accounts_->ReclassifyAccounts(context, request, response);
      });
}

absl::StatusOr<v1::ImportAccountsResponse> TicketClient::ImportAccounts(
    const v1::ImportAccountsRequest& request) const {
  return Invoke<v1::ImportAccountsResponse>(
      [&](grpc::ClientContext* context, v1::ImportAccountsResponse* response) {
        return accounts_->ImportAccounts(context, request, response);
      });
}

absl::Status TicketClient::WatchAlerts(
    grpc::ClientContext& context, const v1::WatchAlertsRequest& request,
    const std::function<bool(const v1::Alert&)>& on_alert) const {
  if (!token_.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", token_));
  std::unique_ptr<grpc::ClientReader<v1::Alert>> reader = alerts_->WatchAlerts(&context, request);
  v1::Alert alert;
  bool stopped = false;
  while (!stopped && reader->Read(&alert)) stopped = !on_alert(alert);
  if (stopped) {
    context.TryCancel();
    while (reader->Read(&alert)) {
    }
  }
  const grpc::Status status = reader->Finish();
  return stopped ? absl::OkStatus() : FromGrpcStatus(status);
}

}  // namespace ticketing::client
