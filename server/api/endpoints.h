#ifndef TICKETING_SERVER_API_ENDPOINTS_H_
#define TICKETING_SERVER_API_ENDPOINTS_H_

#include <functional>

#include "absl/status/statusor.h"
#include "server/api/calls.h"
#include "server/domain/accounts/account_service.h"
#include "server/domain/audit/audit_service.h"
#include "server/domain/identity/identity_service.h"
#include "server/domain/base/interrupt.h"
#include "server/domain/base/principal.h"
#include "server/domain/dispatch/dispatch.h"
#include "server/domain/escalation/alert_service.h"
#include "server/domain/escalation/sla_monitor.h"
#include "server/domain/fieldwork/charges_service.h"
#include "server/domain/fieldwork/field_work_service.h"
#include "server/domain/queues/work_queue_service.h"
#include "server/domain/reports/report_service.h"
#include "server/domain/sla/sla_config_service.h"
#include "server/domain/sla/sla_service.h"
#include "server/domain/tickets/lifecycle_service.h"
#include "server/domain/tickets/ticket_queries.h"
#include "ticketing/v1/account.pb.h"
#include "ticketing/v1/admin_service.pb.h"
#include "ticketing/v1/alert.pb.h"
#include "ticketing/v1/report.pb.h"
#include "ticketing/v1/ticket_service.pb.h"

namespace ticketing::api {

// One RPC, transport-neutral: how its calls run and what they call.
template <typename Request, typename Response>
struct Endpoint {
  std::function<CallKind(const Request&)> kind;
  std::function<absl::StatusOr<Response>(const domain::Principal& who, const Request& request,
                                         const domain::Interrupt& interrupt)>
      call;
  // An administrative action: every call is in the audit log, whatever its outcome
  // (docs/security.md, "Audit"). Denials of any endpoint are recorded too.
  bool administrative = false;
  // A heavy call, bounded in number across all users (Calls::Guards::max_heavy_calls).
  bool heavy = false;

  // How a call with `request` runs (Calls::Run).
  CallSpec Spec(std::shared_ptr<const Request> request) const {
    const CallKind call_kind = kind(*request);
    return CallSpec(call_kind, administrative, heavy, std::move(request));
  }
};

// The domain services the API serves. All must outlive the endpoints.
struct Services {
  domain::LifecycleService& lifecycle;
  domain::TicketQueries& queries;
  domain::SlaService& sla;
  domain::FieldWorkService& field_work;
  domain::ChargesService& charges;
  domain::WorkQueueService& work_queues;
  domain::Dispatcher& dispatcher;
  domain::AlertService& alerts;
  domain::AccountService& accounts;
  domain::ReportService& reports;
  domain::SlaConfigService& sla_config;
  domain::SlaMonitor& monitor;
  domain::AuditService& audit;
  domain::IdentityService& identity;
};

// Every RPC of ticketing.v1, declared once: its kind (CallKind: where it runs) and the
// domain call it makes. Transports (server/api/grpc/, the HTTP/JSON face next) serve these
// through Calls and translate requests and replies; none repeats what an RPC does. The
// listings answer with the tickets' stored bytes (TicketPage, WorkPage): each transport
// encodes them its way. Immutable; thread-safe.
struct Endpoints {
  explicit Endpoints(const Services& services);

  // ticketing.v1.TicketService
  Endpoint<v1::CreateTicketRequest, v1::Ticket> create_ticket;
  Endpoint<v1::GetTicketRequest, v1::Ticket> get_ticket;
  Endpoint<v1::ListTicketsRequest, domain::TicketPage> list_tickets;
  Endpoint<v1::UpdateTicketRequest, v1::Ticket> update_ticket;
  Endpoint<v1::TransitionTicketRequest, v1::Ticket> transition_ticket;
  Endpoint<v1::AssignTicketRequest, v1::Ticket> assign_ticket;
  Endpoint<v1::AddCommentRequest, v1::AddCommentResponse> add_comment;
  Endpoint<v1::ListTicketEventsRequest, v1::ListTicketEventsResponse> list_ticket_events;
  Endpoint<v1::RecordContactRequest, v1::Ticket> record_contact;
  Endpoint<v1::SetCommittedDateRequest, v1::Ticket> set_committed_date;
  Endpoint<v1::ExplainSlaRequest, v1::SlaExplanation> explain_sla;
  Endpoint<v1::PreviewDeadlineRequest, v1::PreviewDeadlineResponse> preview_deadline;
  Endpoint<v1::ListWorkQueueRequest, domain::WorkPage> list_work_queue;
  Endpoint<v1::ScheduleVisitRequest, v1::Ticket> schedule_visit;
  Endpoint<v1::RecordVisitRequest, v1::Ticket> record_visit;
  Endpoint<v1::SubmitSurveyRequest, v1::Ticket> submit_survey;
  Endpoint<v1::RequestPartRequest, v1::Ticket> request_part;
  Endpoint<v1::UpdatePartRequest, v1::Ticket> update_part;
  Endpoint<v1::SetQuoteRequest, v1::Ticket> set_quote;
  Endpoint<v1::RecordQuoteDecisionRequest, v1::Ticket> record_quote_decision;
  Endpoint<v1::SetPaymentStatusRequest, v1::Ticket> set_payment_status;
  Endpoint<v1::ProposeTechniciansRequest, v1::ProposeTechniciansResponse> propose_technicians;
  Endpoint<v1::SetTechnicianAvailabilityRequest, v1::TechnicianAvailability>
      set_technician_availability;

  // ticketing.v1.AdminService
  Endpoint<v1::VerifyStoreRequest, v1::VerifyStoreResponse> verify_store;
  Endpoint<v1::WhoAmIRequest, v1::WhoAmIResponse> who_am_i;
  Endpoint<v1::AdvanceTestClockRequest, v1::AdvanceTestClockResponse> advance_test_clock;
  Endpoint<v1::GetSlaConfigRequest, v1::SlaConfig> get_sla_config;
  Endpoint<v1::ReplaceSlaConfigRequest, v1::SlaConfig> replace_sla_config;
  Endpoint<v1::ListSlaConfigVersionsRequest, v1::ListSlaConfigVersionsResponse>
      list_sla_config_versions;
  Endpoint<v1::ListAuditRecordsRequest, v1::ListAuditRecordsResponse> list_audit_records;
  Endpoint<v1::CreateUserRequest, v1::UserInfo> create_user;
  Endpoint<v1::SetUserDisabledRequest, v1::UserInfo> set_user_disabled;
  Endpoint<v1::ListUsersRequest, v1::ListUsersResponse> list_users;
  Endpoint<v1::IssueTokenRequest, v1::IssueTokenResponse> issue_token;
  Endpoint<v1::ListTokensRequest, v1::ListTokensResponse> list_tokens;
  Endpoint<v1::RevokeTokenRequest, v1::TokenInfo> revoke_token;

  // ticketing.v1.AlertService (WatchAlerts streams: see AlertService::Watch)
  Endpoint<v1::ListAlertsRequest, v1::ListAlertsResponse> list_alerts;
  Endpoint<v1::AckAlertRequest, v1::Alert> ack_alert;
  domain::AlertService& watch_alerts;

  // ticketing.v1.AccountService
  Endpoint<v1::CreateAccountRequest, v1::Account> create_account;
  Endpoint<v1::GetAccountRequest, v1::Account> get_account;
  Endpoint<v1::ListAccountsRequest, v1::ListAccountsResponse> list_accounts;
  Endpoint<v1::UpdateAccountRequest, v1::Account> update_account;
  Endpoint<v1::ListAccountEventsRequest, v1::ListAccountEventsResponse> list_account_events;
  Endpoint<v1::SetServiceTierRequest, v1::Account> set_service_tier;
  Endpoint<v1::ReclassifyAccountsRequest, v1::ReclassifyAccountsResponse> reclassify_accounts;
  Endpoint<v1::ImportAccountsRequest, v1::ImportAccountsResponse> import_accounts;

  // ticketing.v1.ReportService
  Endpoint<v1::ServiceReportRequest, v1::ServiceReport> get_service_report;
  Endpoint<v1::ProductFeedbackRequest, v1::ProductFeedback> get_product_feedback;
};

}  // namespace ticketing::api

#endif  // TICKETING_SERVER_API_ENDPOINTS_H_
