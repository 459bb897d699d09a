// The gRPC face of the endpoint table: one raw service per service of ticketing.v1.
#include "server/api/grpc/grpc_services.h"

#include "absl/strings/str_cat.h"
#include "proto/base/check.h"
#include "server/api/grpc/status_util.h"
#include "server/api/grpc/wire.h"
#include "ticketing/v1/account.pb.h"
#include "ticketing/v1/admin_service.pb.h"
#include "ticketing/v1/alert.pb.h"
#include "ticketing/v1/report.pb.h"
#include "ticketing/v1/ticket_service.pb.h"

namespace ticketing::api {

int GrpcService::Add(absl::string_view method, grpc::internal::RpcMethod::RpcType type,
                     const google::protobuf::Descriptor* request,
                     grpc::internal::MethodHandler* handler) {
  const google::protobuf::MethodDescriptor* m = service_.FindMethodByName(std::string(method));
  // The table below and the .proto files must agree: a name or type mismatch is a bug here.
  TKT_CHECK(m != nullptr, "the service has no method of this name");
  TKT_CHECK(m->input_type() == request, "the endpoint's request type is not the method's");
  TKT_CHECK(m->server_streaming() == (type == grpc::internal::RpcMethod::SERVER_STREAMING),
            "the method's streaming is not the handler's");
  TKT_CHECK(!m->client_streaming(), "client streams have no handler here");
  names_.push_back(absl::StrCat("/", service_.full_name(), "/", method));
  AddMethod(new grpc::internal::RpcServiceMethod(names_.back().c_str(), type, handler));
  return methods_++;
}

void GrpcService::AddWatchAlerts(domain::AlertService& alerts) {
  Add("WatchAlerts", grpc::internal::RpcMethod::SERVER_STREAMING,
      v1::WatchAlertsRequest::descriptor(),
      new grpc::internal::ServerStreamingHandler<GrpcService, grpc::ByteBuffer, grpc::ByteBuffer>(
          [&alerts](GrpcService* service, grpc::ServerContext* context,
                    const grpc::ByteBuffer* request, grpc::ServerWriter<grpc::ByteBuffer>* writer) {
            return service->WatchAlerts(alerts, *context, *request, *writer);
          },
          this));
}

// Authenticated, not admitted through Calls: the stream is long-lived and holds its own sync
// thread, never a reactor nor the call pool. It ends when the caller cancels (gRPC also cancels
// it when its deadline passes), which Watch checks while it waits, or when the publisher closes.
grpc::Status GrpcService::WatchAlerts(domain::AlertService& alerts, grpc::ServerContext& context,
                                      const grpc::ByteBuffer& request,
                                      grpc::ServerWriter<grpc::ByteBuffer>& writer) const {
  absl::StatusOr<v1::WatchAlertsRequest> decoded = DecodeRequest<v1::WatchAlertsRequest>(request);
  if (!decoded.ok()) return ToGrpcStatus(decoded.status());
  if (absl::Status shape = CheckRequest(*decoded); !shape.ok()) return ToGrpcStatus(shape);
  const CallInfo info = CallInfoOf(context, "ticketing.v1.AlertService/WatchAlerts");
  absl::StatusOr<domain::Principal> principal = calls_.admission().Authenticate(info.authorization);
  if (!principal.ok()) {
    calls_.Audit(CallKind::kScan, info, nullptr, principal.status(), nullptr);
    return ToGrpcStatus(principal.status());
  }
  return ToGrpcStatus(alerts.Watch(
      *principal, *decoded,
      // Write blocks this thread while the client is slow to read: that is the stream's own
      // thread.
      [&](const v1::Alert& alert) { return writer.Write(ToByteBuffer(alert.SerializeAsString())); },
      [&] { return context.IsCancelled(); }));
}

void GrpcService::CheckComplete() const {
  // Each Add matched one method of the descriptor, and names are unique there.
  TKT_CHECK(methods_ == service_.method_count(), "a method of the service has no handler");
}

std::vector<std::unique_ptr<GrpcService>> GrpcServices(const Calls& calls,
                                                       const Endpoints& e) {
  std::vector<std::unique_ptr<GrpcService>> services;
  auto add = [&](const char* name) -> GrpcService& {
    const google::protobuf::ServiceDescriptor* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    TKT_CHECK(descriptor != nullptr, "no such service in the generated descriptor pool");
    services.push_back(std::make_unique<GrpcService>(*descriptor, calls));
    return *services.back();
  };
  GrpcService& tickets = add("ticketing.v1.TicketService");
  tickets.AddUnary("CreateTicket", e.create_ticket);
  tickets.AddUnary("GetTicket", e.get_ticket);
  // The listings answer with the tickets' stored bytes, framed without parsing them.
  tickets.AddUnary("ListTickets", e.list_tickets, EncodeTicketPage);
  tickets.AddUnary("UpdateTicket", e.update_ticket);
  tickets.AddUnary("TransitionTicket", e.transition_ticket);
  tickets.AddUnary("AssignTicket", e.assign_ticket);
  tickets.AddUnary("AddComment", e.add_comment);
  tickets.AddUnary("ListTicketEvents", e.list_ticket_events);
  tickets.AddUnary("RecordContact", e.record_contact);
  tickets.AddUnary("SetCommittedDate", e.set_committed_date);
  tickets.AddUnary("ExplainSla", e.explain_sla);
  tickets.AddUnary("PreviewDeadline", e.preview_deadline);
  tickets.AddUnary("ListWorkQueue", e.list_work_queue, EncodeWorkPage);
  tickets.AddUnary("ProposeTechnicians", e.propose_technicians);
  tickets.AddUnary("SetTechnicianAvailability", e.set_technician_availability);
  tickets.AddUnary("ScheduleVisit", e.schedule_visit);
  tickets.AddUnary("RecordVisit", e.record_visit);
  tickets.AddUnary("SubmitSurvey", e.submit_survey);
  tickets.AddUnary("RequestPart", e.request_part);
  tickets.AddUnary("UpdatePart", e.update_part);
  tickets.AddUnary("SetQuote", e.set_quote);
  tickets.AddUnary("RecordQuoteDecision", e.record_quote_decision);
  tickets.AddUnary("SetPaymentStatus", e.set_payment_status);

  GrpcService& admin = add("ticketing.v1.AdminService");
  admin.AddUnary("VerifyStore", e.verify_store);
  admin.AddUnary("WhoAmI", e.who_am_i);
  admin.AddUnary("AdvanceTestClock", e.advance_test_clock);
  admin.AddUnary("GetSlaConfig", e.get_sla_config);
  admin.AddUnary("ReplaceSlaConfig", e.replace_sla_config);
  admin.AddUnary("ListSlaConfigVersions", e.list_sla_config_versions);
  admin.AddUnary("ListAuditRecords", e.list_audit_records);
  admin.AddUnary("CreateUser", e.create_user);
  admin.AddUnary("SetUserDisabled", e.set_user_disabled);
  admin.AddUnary("ListUsers", e.list_users);
  admin.AddUnary("IssueToken", e.issue_token);
  admin.AddUnary("ListTokens", e.list_tokens);
  admin.AddUnary("RevokeToken", e.revoke_token);

  GrpcService& alerts = add("ticketing.v1.AlertService");
  alerts.AddUnary("ListAlerts", e.list_alerts);
  alerts.AddUnary("AckAlert", e.ack_alert);
  alerts.AddWatchAlerts(e.watch_alerts);

  GrpcService& accounts = add("ticketing.v1.AccountService");
  accounts.AddUnary("CreateAccount", e.create_account);
  accounts.AddUnary("GetAccount", e.get_account);
  accounts.AddUnary("ListAccounts", e.list_accounts);
  accounts.AddUnary("UpdateAccount", e.update_account);
  accounts.AddUnary("ListAccountEvents", e.list_account_events);
  accounts.AddUnary("SetServiceTier", e.set_service_tier);
  accounts.AddUnary("ReclassifyAccounts", e.reclassify_accounts);
  accounts.AddUnary("ImportAccounts", e.import_accounts);

  GrpcService& reports = add("ticketing.v1.ReportService");
  reports.AddUnary("GetServiceReport", e.get_service_report);
  reports.AddUnary("GetProductFeedback", e.get_product_feedback);

  for (const auto& service : services) service->CheckComplete();
  return services;
}

}  // namespace ticketing::api
