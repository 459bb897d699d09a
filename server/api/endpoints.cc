// The table of every RPC: where its calls run and what they call (endpoints.h).
#include "server/api/endpoints.h"

namespace ticketing::api {
namespace {

using domain::Interrupt;
using domain::Principal;

// An endpoint whose calls always run as `kind`; `fn(who, request, interrupt)` is the call.
template <typename Request, typename Response, typename Fn>
Endpoint<Request, Response> Make(CallKind kind, Fn fn) {
  return Endpoint<Request, Response>{
      [kind](const Request&) { return kind; },
      [fn](const Principal& who, const Request& request, const Interrupt& interrupt)
          -> absl::StatusOr<Response> { return fn(who, request, interrupt); }};
}

// `service.*method(who, request)` for methods that do not scan.
// (Each lambda holds the service itself: `services` is gone once the table is built.)
#define TKT_CALL(service, method) \
  [&svc = services.service](const Principal& who, const auto& request, const Interrupt&) { \
    return svc.method(who, request);                                                     \
  }
// `service.*method(who, request, interrupt)` for methods that check the interrupt.
#define TKT_SCAN(service, method)                                                    \
  [&svc = services.service](const Principal& who, const auto& request,               \
                            const Interrupt& interrupt) {                            \
    return svc.method(who, request, interrupt);                                      \
  }

// `endpoint`, marked an administrative action (audited whatever its outcome).
template <typename Request, typename Response>
Endpoint<Request, Response> Administrative(Endpoint<Request, Response> endpoint) {
  endpoint.administrative = true;
  return endpoint;
}

// `endpoint`, marked heavy (at most a few run at once, whoever calls).
template <typename Request, typename Response>
Endpoint<Request, Response> Heavy(Endpoint<Request, Response> endpoint) {
  endpoint.heavy = true;
  return endpoint;
}

}  // namespace

// Choosing a kind: kRead only for a point read that takes microseconds and never waits for
// a lock held across a commit (it runs on the transport's thread, a gRPC reactor); kScan for
// anything whose cost grows with the data; kWrite for ticket and alert writes (once the
// executor runs, only its writer may make them); kBlocking for other writes, which wait for
// their own WAL sync or for the executor.
Endpoints::Endpoints(const Services& services)
    : create_ticket(Make<v1::CreateTicketRequest, v1::Ticket>(
          CallKind::kWrite, TKT_CALL(lifecycle, Create))),
      get_ticket(Make<v1::GetTicketRequest, v1::Ticket>(CallKind::kRead, TKT_CALL(queries, Get))),
      list_tickets(Make<v1::ListTicketsRequest, domain::TicketPage>(
          CallKind::kScan, TKT_CALL(queries, ListPage))),
      update_ticket(Make<v1::UpdateTicketRequest, v1::Ticket>(
          CallKind::kWrite, TKT_CALL(lifecycle, Update))),
      transition_ticket(Make<v1::TransitionTicketRequest, v1::Ticket>(
          CallKind::kWrite, TKT_CALL(lifecycle, Transition))),
      assign_ticket(Make<v1::AssignTicketRequest, v1::Ticket>(
          CallKind::kWrite, TKT_CALL(lifecycle, Assign))),
      add_comment(Make<v1::AddCommentRequest, v1::AddCommentResponse>(
          CallKind::kWrite, TKT_CALL(lifecycle, AddComment))),
      // A history can be long, and a page of it is a range read: a scan.
      list_ticket_events(Make<v1::ListTicketEventsRequest, v1::ListTicketEventsResponse>(
          CallKind::kScan, TKT_CALL(queries, ListEvents))),
      record_contact(Make<v1::RecordContactRequest, v1::Ticket>(
          CallKind::kWrite, TKT_CALL(lifecycle, RecordContact))),
      set_committed_date(Make<v1::SetCommittedDateRequest, v1::Ticket>(
          CallKind::kWrite, TKT_CALL(sla, SetCommittedDate))),
      // Reads the ticket's whole history to explain its clocks: a scan.
      explain_sla(Make<v1::ExplainSlaRequest, v1::SlaExplanation>(
          CallKind::kScan, TKT_SCAN(sla, ExplainSla))),
      // Calendar arithmetic on the SLA set in memory: no store read at all.
      preview_deadline(Make<v1::PreviewDeadlineRequest, v1::PreviewDeadlineResponse>(
          CallKind::kRead, TKT_CALL(sla, PreviewDeadline))),
      list_work_queue(Make<v1::ListWorkQueueRequest, domain::WorkPage>(
          CallKind::kScan, TKT_CALL(work_queues, ListWorkPage))),
      schedule_visit(Make<v1::ScheduleVisitRequest, v1::Ticket>(
          CallKind::kWrite, TKT_CALL(field_work, ScheduleVisit))),
      record_visit(Make<v1::RecordVisitRequest, v1::Ticket>(
          CallKind::kWrite, TKT_CALL(field_work, RecordVisit))),
      submit_survey(Make<v1::SubmitSurveyRequest, v1::Ticket>(
          CallKind::kWrite, TKT_CALL(field_work, SubmitSurvey))),
      request_part(Make<v1::RequestPartRequest, v1::Ticket>(
          CallKind::kWrite, TKT_CALL(field_work, RequestPart))),
      update_part(Make<v1::UpdatePartRequest, v1::Ticket>(
          CallKind::kWrite, TKT_CALL(field_work, UpdatePart))),
      set_quote(Make<v1::SetQuoteRequest, v1::Ticket>(CallKind::kWrite,
                                                      TKT_CALL(charges, SetQuote))),
      record_quote_decision(Make<v1::RecordQuoteDecisionRequest, v1::Ticket>(
          CallKind::kWrite, TKT_CALL(charges, RecordQuoteDecision))),
      set_payment_status(Make<v1::SetPaymentStatusRequest, v1::Ticket>(
          CallKind::kWrite, TKT_CALL(charges, SetPaymentStatus))),
      // Proposing counts each technician's queue (a scan); assigning the best writes.
      propose_technicians{
          [](const v1::ProposeTechniciansRequest& request) {
            return request.assign() ? CallKind::kWrite : CallKind::kScan;
          },
          TKT_CALL(dispatcher, Propose)},
      set_technician_availability(
          // A setting, not a ticket: its own synced write on a pool thread, so that it
          // never holds the writer's batches up for a WAL sync.
          Make<v1::SetTechnicianAvailabilityRequest, v1::TechnicianAvailability>(
              CallKind::kBlocking, TKT_CALL(dispatcher, SetAvailability))),

      // Reads every record of the store: heavy.
      verify_store(Heavy(Make<v1::VerifyStoreRequest, v1::VerifyStoreResponse>(
          CallKind::kScan,
          [&queries = services.queries](const Principal& who, const v1::VerifyStoreRequest&,
                                        const Interrupt& interrupt) {
            return queries.VerifyStore(who, interrupt);
          }))),
      who_am_i(Make<v1::WhoAmIRequest, v1::WhoAmIResponse>(
          CallKind::kRead,
          [](const Principal& who, const v1::WhoAmIRequest&,
             const Interrupt&) -> absl::StatusOr<v1::WhoAmIResponse> {
            v1::WhoAmIResponse me;
            me.set_user(who.name);
            me.set_role(domain::RoleName(who.role));
            me.set_read_only(who.read_only);
            return me;
          })),
      // Moving the test clock fires what falls due, through the write executor: it waits.
      advance_test_clock(Administrative(Make<v1::AdvanceTestClockRequest, v1::AdvanceTestClockResponse>(
          CallKind::kBlocking, TKT_CALL(monitor, AdvanceTestClock)))),
      get_sla_config(Make<v1::GetSlaConfigRequest, v1::SlaConfig>(
          CallKind::kRead,
          // The set in force is held in memory: a point read.
          [&sla_config = services.sla_config](const Principal& who, const v1::GetSlaConfigRequest&,
                                              const Interrupt&) { return sla_config.Get(who); })),
      // A settings write, not batched: it waits for its own WAL sync, on the pool.
      replace_sla_config(Administrative(Make<v1::ReplaceSlaConfigRequest, v1::SlaConfig>(
          CallKind::kBlocking, TKT_CALL(sla_config, Replace)))),
      list_sla_config_versions(
          Make<v1::ListSlaConfigVersionsRequest, v1::ListSlaConfigVersionsResponse>(
              CallKind::kScan, TKT_CALL(sla_config, ListVersions))),
      list_audit_records(Make<v1::ListAuditRecordsRequest, v1::ListAuditRecordsResponse>(
          CallKind::kScan, TKT_SCAN(audit, List))),
      // Users and tokens: every change is audited and waits for its own synced write; the
      // listings read memory but grow with the users, so they are scans.
      create_user(Administrative(Make<v1::CreateUserRequest, v1::UserInfo>(
          CallKind::kBlocking, TKT_CALL(identity, CreateUser)))),
      set_user_disabled(Administrative(Make<v1::SetUserDisabledRequest, v1::UserInfo>(
          CallKind::kBlocking, TKT_CALL(identity, SetUserDisabled)))),
      list_users(Make<v1::ListUsersRequest, v1::ListUsersResponse>(
          CallKind::kScan, TKT_CALL(identity, ListUsers))),
      issue_token(Administrative(Make<v1::IssueTokenRequest, v1::IssueTokenResponse>(
          CallKind::kBlocking, TKT_CALL(identity, IssueToken)))),
      list_tokens(Make<v1::ListTokensRequest, v1::ListTokensResponse>(
          CallKind::kScan, TKT_CALL(identity, ListTokens))),
      revoke_token(Administrative(Make<v1::RevokeTokenRequest, v1::TokenInfo>(
          CallKind::kBlocking, TKT_CALL(identity, RevokeToken)))),

      list_alerts(Make<v1::ListAlertsRequest, v1::ListAlertsResponse>(CallKind::kScan,
                                                                       TKT_CALL(alerts, List))),
      // An alert rewrite is a ticket-side write (a TicketChange): once the executor runs, only its
      // writer may make it.
      ack_alert(Make<v1::AckAlertRequest, v1::Alert>(CallKind::kWrite, TKT_CALL(alerts, Ack))),
      // A stream, not a unary call: the transport serves it itself (AlertService::Watch).
      watch_alerts(services.alerts),

      // Account writes are not batched: each waits for its own synced write, on the pool; a change
      // of tier then also waits for its tickets' moves through the write executor.
      create_account(Make<v1::CreateAccountRequest, v1::Account>(
          CallKind::kBlocking, TKT_CALL(accounts, Create))),
      // A technician's read looks up the accounts of their tickets (key persons' contacts):
      // a scan.
      get_account(Make<v1::GetAccountRequest, v1::Account>(CallKind::kScan,
                                                           TKT_SCAN(accounts, Get))),
      list_accounts(Make<v1::ListAccountsRequest, v1::ListAccountsResponse>(
          CallKind::kScan, TKT_SCAN(accounts, List))),
      update_account(Make<v1::UpdateAccountRequest, v1::Account>(
          CallKind::kBlocking, TKT_CALL(accounts, Update))),
      list_account_events(Make<v1::ListAccountEventsRequest, v1::ListAccountEventsResponse>(
          CallKind::kScan, TKT_CALL(accounts, ListEvents))),
      // Overrides, reclassification and imports decide who is a key account: audited.
      set_service_tier(Administrative(Make<v1::SetServiceTierRequest, v1::Account>(
          CallKind::kBlocking, TKT_CALL(accounts, SetServiceTier)))),
      // Reads every account (checking the interrupt), then writes: blocking rather than a scan.
      reclassify_accounts(Heavy(Administrative(
          Make<v1::ReclassifyAccountsRequest, v1::ReclassifyAccountsResponse>(
              CallKind::kBlocking, TKT_SCAN(accounts, Reclassify))))),
      import_accounts(Heavy(Administrative(
          Make<v1::ImportAccountsRequest, v1::ImportAccountsResponse>(
              CallKind::kBlocking, TKT_CALL(accounts, Import))))),

      // Reports scan a period's facts: heavy.
      get_service_report(Heavy(Make<v1::ServiceReportRequest, v1::ServiceReport>(
          CallKind::kScan, TKT_SCAN(reports, GetServiceReport)))),
      get_product_feedback(Heavy(Make<v1::ProductFeedbackRequest, v1::ProductFeedback>(
          CallKind::kScan, TKT_SCAN(reports, GetProductFeedback)))) {}

#undef TKT_CALL
#undef TKT_SCAN

}  // namespace ticketing::api
