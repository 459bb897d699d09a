#ifndef TICKETING_SERVER_API_GRPC_SERVICES_H_
#define TICKETING_SERVER_API_GRPC_SERVICES_H_

#include "server/api/authenticator.h"
#include "server/api/ticket_grpc_service.h"
#include "server/domain/account_service.h"
#include "server/domain/dispatch.h"
#include "server/domain/sla_config_service.h"
#include "server/domain/sla_monitor.h"
#include "server/domain/ticket_service.h"
#include "server/domain/alert_service.h"
#include "ticketing/v1/account.grpc.pb.h"
#include "ticketing/v1/admin_service.grpc.pb.h"
#include "server/domain/report_service.h"
#include "ticketing/v1/alert.grpc.pb.h"
#include "ticketing/v1/report.grpc.pb.h"
#include "ticketing/v1/ticket_service.grpc.pb.h"

namespace ticketing::api {

// Thin adapters from gRPC to the domain: authenticate the caller, honour the deadline, call
// the domain, translate the status. Sync API; ticket writes among them (AckAlert, account
// tier moves, the SLA monitor) run through the write executor. TicketService, the hot path,
// is served with the callback API: see ticket_grpc_service.h.
class AdminGrpcService final : public v1::AdminService::Service {
 public:
  AdminGrpcService(domain::TicketService& tickets, domain::SlaMonitor& monitor,
                   domain::SlaConfigService& sla_config, const Authenticator& auth)
      : tickets_(tickets), monitor_(monitor), sla_config_(sla_config), auth_(auth) {}

  grpc::Status VerifyStore(grpc::ServerContext* context, const v1::VerifyStoreRequest* request,
                           v1::VerifyStoreResponse* response) override;
  grpc::Status WhoAmI(grpc::ServerContext* context, const v1::WhoAmIRequest* request,
                      v1::WhoAmIResponse* response) override;
  grpc::Status AdvanceTestClock(grpc::ServerContext* context,
                                const v1::AdvanceTestClockRequest* request,
                                v1::AdvanceTestClockResponse* response) override;
  grpc::Status GetSlaConfig(grpc::ServerContext* context, const v1::GetSlaConfigRequest* request,
                            v1::SlaConfig* response) override;
  grpc::Status ReplaceSlaConfig(grpc::ServerContext* context,
                                const v1::ReplaceSlaConfigRequest* request,
                                v1::SlaConfig* response) override;
  grpc::Status ListSlaConfigVersions(grpc::ServerContext* context,
                                     const v1::ListSlaConfigVersionsRequest* request,
                                     v1::ListSlaConfigVersionsResponse* response) override;

 private:
  domain::TicketService& tickets_;
  domain::SlaMonitor& monitor_;
  domain::SlaConfigService& sla_config_;
  const Authenticator& auth_;
};

class AlertGrpcService final : public v1::AlertService::Service {
 public:
  AlertGrpcService(domain::AlertService& alerts, exec::WriteRunner& writer,
                   const Authenticator& auth)
      : alerts_(alerts), writer_(writer), auth_(auth) {}

  grpc::Status ListAlerts(grpc::ServerContext* context, const v1::ListAlertsRequest* request,
                          v1::ListAlertsResponse* response) override;
  grpc::Status AckAlert(grpc::ServerContext* context, const v1::AckAlertRequest* request,
                        v1::Alert* response) override;
  // Holds one server thread per watcher while it streams (at most
  // domain::AlertService::kMaxWatchers).
  grpc::Status WatchAlerts(grpc::ServerContext* context, const v1::WatchAlertsRequest* request,
                           grpc::ServerWriter<v1::Alert>* writer) override;

 private:
  domain::AlertService& alerts_;
  exec::WriteRunner& writer_;
  const Authenticator& auth_;
};

class AccountGrpcService final : public v1::AccountService::Service {
 public:
  AccountGrpcService(domain::AccountService& accounts, const Authenticator& auth)
      : accounts_(accounts), auth_(auth) {}

  grpc::Status CreateAccount(grpc::ServerContext* context, const v1::CreateAccountRequest* request,
                             v1::Account* response) override;
  grpc::Status GetAccount(grpc::ServerContext* context, const v1::GetAccountRequest* request,
                          v1::Account* response) override;
  grpc::Status ListAccounts(grpc::ServerContext* context, const v1::ListAccountsRequest* request,
                            v1::ListAccountsResponse* response) override;
  grpc::Status UpdateAccount(grpc::ServerContext* context, const v1::UpdateAccountRequest* request,
                             v1::Account* response) override;
  grpc::Status ListAccountEvents(grpc::ServerContext* context,
                                 const v1::ListAccountEventsRequest* request,
                                 v1::ListAccountEventsResponse* response) override;
  grpc::Status SetServiceTier(grpc::ServerContext* context, const v1::SetServiceTierRequest* request,
                              v1::Account* response) override;
  grpc::Status ReclassifyAccounts(grpc::ServerContext* context,
                                  const v1::ReclassifyAccountsRequest* request,
                                  v1::ReclassifyAccountsResponse* response) override;
  grpc::Status ImportAccounts(grpc::ServerContext* context, const v1::ImportAccountsRequest* request,
                              v1::ImportAccountsResponse* response) override;

 private:
  domain::AccountService& accounts_;
  const Authenticator& auth_;
};

class ReportGrpcService final : public v1::ReportService::Service {
 public:
  ReportGrpcService(domain::ReportService& reports, const Authenticator& auth)
      : reports_(reports), auth_(auth) {}

  grpc::Status GetServiceReport(grpc::ServerContext* context,
                                const v1::ServiceReportRequest* request,
                                v1::ServiceReport* response) override;
  grpc::Status GetProductFeedback(grpc::ServerContext* context,
                                  const v1::ProductFeedbackRequest* request,
                                  v1::ProductFeedback* response) override;

 private:
  domain::ReportService& reports_;
  const Authenticator& auth_;
};

}  // namespace ticketing::api

#endif  // TICKETING_SERVER_API_GRPC_SERVICES_H_
