#include "server/api/grpc/grpc_services.h"

#include "server/api/grpc/grpc_call.h"
#include "server/api/grpc/status_util.h"

namespace ticketing::api {

grpc::ServerUnaryReactor* AdminGrpcService::VerifyStore(grpc::CallbackServerContext* context,
    const v1::VerifyStoreRequest* request, v1::VerifyStoreResponse* response) {
  return Unary(calls_, context, e_.verify_store, request, response);
}

grpc::ServerUnaryReactor* AdminGrpcService::WhoAmI(grpc::CallbackServerContext* context,
    const v1::WhoAmIRequest* request, v1::WhoAmIResponse* response) {
  return Unary(calls_, context, e_.who_am_i, request, response);
}

grpc::ServerUnaryReactor* AdminGrpcService::AdvanceTestClock(grpc::CallbackServerContext* context,
    const v1::AdvanceTestClockRequest* request, v1::AdvanceTestClockResponse* response) {
  return Unary(calls_, context, e_.advance_test_clock, request, response);
}

grpc::ServerUnaryReactor* AdminGrpcService::GetSlaConfig(grpc::CallbackServerContext* context,
    const v1::GetSlaConfigRequest* request, v1::SlaConfig* response) {
  return Unary(calls_, context, e_.get_sla_config, request, response);
}

grpc::ServerUnaryReactor* AdminGrpcService::ReplaceSlaConfig(grpc::CallbackServerContext* context,
    const v1::ReplaceSlaConfigRequest* request, v1::SlaConfig* response) {
  return Unary(calls_, context, e_.replace_sla_config, request, response);
}

grpc::ServerUnaryReactor* AdminGrpcService::ListSlaConfigVersions(grpc::CallbackServerContext* context,
    const v1::ListSlaConfigVersionsRequest* request, v1::ListSlaConfigVersionsResponse* response) {
  return Unary(calls_, context, e_.list_sla_config_versions, request, response);
}

grpc::ServerUnaryReactor* AlertGrpcService::ListAlerts(grpc::CallbackServerContext* context,
    const v1::ListAlertsRequest* request, v1::ListAlertsResponse* response) {
  return Unary(calls_, context, e_.list_alerts, request, response);
}

grpc::ServerUnaryReactor* AlertGrpcService::AckAlert(grpc::CallbackServerContext* context,
    const v1::AckAlertRequest* request, v1::Alert* response) {
  return Unary(calls_, context, e_.ack_alert, request, response);
}

// A long-lived stream on the sync API: it occupies a server thread of its own while it
// streams (AlertService caps the watchers), never a callback reactor nor the call pool.
// Authenticated, not admitted: it ends when the caller cancels (gRPC also cancels it when its
// deadline passes), which Watch checks while it waits, or when the publisher closes.
grpc::Status AlertGrpcService::WatchAlerts(grpc::ServerContext* context,
                                           const v1::WatchAlertsRequest* request,
                                           grpc::ServerWriter<v1::Alert>* writer) {
  absl::StatusOr<domain::Principal> principal =
      calls_.admission().Authenticate(CallInfoOf(*context).authorization);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  return ToGrpcStatus(e_.watch_alerts.Watch(
      // Write blocks this thread while the client is slow to read: that is the stream's own thread.
      *principal, *request, [&](const v1::Alert& alert) { return writer->Write(alert); },
      [&] { return context->IsCancelled(); }));
}

grpc::ServerUnaryReactor* AccountGrpcService::CreateAccount(grpc::CallbackServerContext* context,
    const v1::CreateAccountRequest* request, v1::Account* response) {
  return Unary(calls_, context, e_.create_account, request, response);
}

grpc::ServerUnaryReactor* AccountGrpcService::GetAccount(grpc::CallbackServerContext* context,
    const v1::GetAccountRequest* request, v1::Account* response) {
  return Unary(calls_, context, e_.get_account, request, response);
}

grpc::ServerUnaryReactor* AccountGrpcService::ListAccounts(grpc::CallbackServerContext* context,
    const v1::ListAccountsRequest* request, v1::ListAccountsResponse* response) {
  return Unary(calls_, context, e_.list_accounts, request, response);
}

grpc::ServerUnaryReactor* AccountGrpcService::UpdateAccount(grpc::CallbackServerContext* context,
    const v1::UpdateAccountRequest* request, v1::Account* response) {
  return Unary(calls_, context, e_.update_account, request, response);
}

grpc::ServerUnaryReactor* AccountGrpcService::ListAccountEvents(grpc::CallbackServerContext* context,
    const v1::ListAccountEventsRequest* request, v1::ListAccountEventsResponse* response) {
  return Unary(calls_, context, e_.list_account_events, request, response);
}

grpc::ServerUnaryReactor* AccountGrpcService::SetServiceTier(grpc::CallbackServerContext* context,
    const v1::SetServiceTierRequest* request, v1::Account* response) {
  return Unary(calls_, context, e_.set_service_tier, request, response);
}

grpc::ServerUnaryReactor* AccountGrpcService::ReclassifyAccounts(grpc::CallbackServerContext* context,
    const v1::ReclassifyAccountsRequest* request, v1::ReclassifyAccountsResponse* response) {
  return Unary(calls_, context, e_.reclassify_accounts, request, response);
}

grpc::ServerUnaryReactor* AccountGrpcService::ImportAccounts(grpc::CallbackServerContext* context,
    const v1::ImportAccountsRequest* request, v1::ImportAccountsResponse* response) {
  return Unary(calls_, context, e_.import_accounts, request, response);
}

grpc::ServerUnaryReactor* ReportGrpcService::GetServiceReport(grpc::CallbackServerContext* context,
    const v1::ServiceReportRequest* request, v1::ServiceReport* response) {
  return Unary(calls_, context, e_.get_service_report, request, response);
}

grpc::ServerUnaryReactor* ReportGrpcService::GetProductFeedback(grpc::CallbackServerContext* context,
    const v1::ProductFeedbackRequest* request, v1::ProductFeedback* response) {
  return Unary(calls_, context, e_.get_product_feedback, request, response);
}

}  // namespace ticketing::api
