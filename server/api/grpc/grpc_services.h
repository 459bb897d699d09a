#ifndef TICKETING_SERVER_API_GRPC_GRPC_SERVICES_H_
#define TICKETING_SERVER_API_GRPC_GRPC_SERVICES_H_

#include "server/api/calls.h"
#include "server/api/endpoints.h"
#include "ticketing/v1/account.grpc.pb.h"
#include "ticketing/v1/admin_service.grpc.pb.h"
#include "ticketing/v1/alert.grpc.pb.h"
#include "ticketing/v1/report.grpc.pb.h"

namespace ticketing::api {

// ticketing.v1's other services on gRPC's callback API, like TicketGrpcService: each
// method is its endpoint served through Calls. The exception is WatchAlerts, a server
// stream on the sync API (one server thread per watcher while it streams, at most
// domain::AlertService::kMaxWatchers).

class AdminGrpcService final : public v1::AdminService::CallbackService {
 public:
  // Both must outlive the service.
  AdminGrpcService(const Calls& calls, const Endpoints& endpoints) : calls_(calls), e_(endpoints) {}

  grpc::ServerUnaryReactor* VerifyStore(grpc::CallbackServerContext* context,
      const v1::VerifyStoreRequest* request, v1::VerifyStoreResponse* response) override;
  grpc::ServerUnaryReactor* WhoAmI(grpc::CallbackServerContext* context,
      const v1::WhoAmIRequest* request, v1::WhoAmIResponse* response) override;
  grpc::ServerUnaryReactor* AdvanceTestClock(grpc::CallbackServerContext* context,
      const v1::AdvanceTestClockRequest* request, v1::AdvanceTestClockResponse* response) override;
  grpc::ServerUnaryReactor* GetSlaConfig(grpc::CallbackServerContext* context,
      const v1::GetSlaConfigRequest* request, v1::SlaConfig* response) override;
  grpc::ServerUnaryReactor* ReplaceSlaConfig(grpc::CallbackServerContext* context,
      const v1::ReplaceSlaConfigRequest* request, v1::SlaConfig* response) override;
  grpc::ServerUnaryReactor* ListSlaConfigVersions(grpc::CallbackServerContext* context,
      const v1::ListSlaConfigVersionsRequest* request, v1::ListSlaConfigVersionsResponse* response) override;

 private:
  const Calls& calls_;
  const Endpoints& e_;
};

using AlertServiceBase = v1::AlertService::WithCallbackMethod_ListAlerts<
    v1::AlertService::WithCallbackMethod_AckAlert<v1::AlertService::Service>>;

class AlertGrpcService final : public AlertServiceBase {
 public:
  // Both must outlive the service.
  AlertGrpcService(const Calls& calls, const Endpoints& endpoints) : calls_(calls), e_(endpoints) {}

  grpc::ServerUnaryReactor* ListAlerts(grpc::CallbackServerContext* context,
      const v1::ListAlertsRequest* request, v1::ListAlertsResponse* response) override;
  grpc::ServerUnaryReactor* AckAlert(grpc::CallbackServerContext* context,
      const v1::AckAlertRequest* request, v1::Alert* response) override;
  grpc::Status WatchAlerts(grpc::ServerContext* context, const v1::WatchAlertsRequest* request,
                           grpc::ServerWriter<v1::Alert>* writer) override;

 private:
  const Calls& calls_;
  const Endpoints& e_;
};

class AccountGrpcService final : public v1::AccountService::CallbackService {
 public:
  // Both must outlive the service.
  AccountGrpcService(const Calls& calls, const Endpoints& endpoints)
      : calls_(calls), e_(endpoints) {}

  grpc::ServerUnaryReactor* CreateAccount(grpc::CallbackServerContext* context,
      const v1::CreateAccountRequest* request, v1::Account* response) override;
  grpc::ServerUnaryReactor* GetAccount(grpc::CallbackServerContext* context,
      const v1::GetAccountRequest* request, v1::Account* response) override;
  grpc::ServerUnaryReactor* ListAccounts(grpc::CallbackServerContext* context,
      const v1::ListAccountsRequest* request, v1::ListAccountsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateAccount(grpc::CallbackServerContext* context,
      const v1::UpdateAccountRequest* request, v1::Account* response) override;
  grpc::ServerUnaryReactor* ListAccountEvents(grpc::CallbackServerContext* context,
      const v1::ListAccountEventsRequest* request, v1::ListAccountEventsResponse* response) override;
  grpc::ServerUnaryReactor* SetServiceTier(grpc::CallbackServerContext* context,
      const v1::SetServiceTierRequest* request, v1::Account* response) override;
  grpc::ServerUnaryReactor* ReclassifyAccounts(grpc::CallbackServerContext* context,
      const v1::ReclassifyAccountsRequest* request, v1::ReclassifyAccountsResponse* response) override;
  grpc::ServerUnaryReactor* ImportAccounts(grpc::CallbackServerContext* context,
      const v1::ImportAccountsRequest* request, v1::ImportAccountsResponse* response) override;

 private:
  const Calls& calls_;
  const Endpoints& e_;
};

class ReportGrpcService final : public v1::ReportService::CallbackService {
 public:
  // Both must outlive the service.
  ReportGrpcService(const Calls& calls, const Endpoints& endpoints)
      : calls_(calls), e_(endpoints) {}

  grpc::ServerUnaryReactor* GetServiceReport(grpc::CallbackServerContext* context,
      const v1::ServiceReportRequest* request, v1::ServiceReport* response) override;
  grpc::ServerUnaryReactor* GetProductFeedback(grpc::CallbackServerContext* context,
      const v1::ProductFeedbackRequest* request, v1::ProductFeedback* response) override;

 private:
  const Calls& calls_;
  const Endpoints& e_;
};

}  // namespace ticketing::api

#endif  // TICKETING_SERVER_API_GRPC_GRPC_SERVICES_H_
