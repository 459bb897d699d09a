#include "server/api/grpc_services.h"

#include <chrono>
#include <utility>

#include "server/api/status_util.h"

namespace ticketing::api {
namespace {

// Authenticates, checks the deadline, runs `call(principal)` and moves its value into
// `response`. Every handler is this one line of plumbing.
template <typename Response, typename Call>
grpc::Status Handle(grpc::ServerContext* context, const Authenticator& auth, Response* response,
                    Call&& call) {
  absl::StatusOr<domain::Principal> principal = auth.Admit(*context);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  auto result = call(*principal);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace

grpc::Status AdminGrpcService::VerifyStore(grpc::ServerContext* context,
                                           const v1::VerifyStoreRequest* /*request*/,
                                           v1::VerifyStoreResponse* response) {
  return Handle(context, auth_, response,
                [&](const domain::Principal& who) { return tickets_.VerifyStore(who); });
}

grpc::Status AdminGrpcService::WhoAmI(grpc::ServerContext* context,
                                      const v1::WhoAmIRequest* /*request*/,
                                      v1::WhoAmIResponse* response) {
  return Handle(context, auth_, response,
                [&](const domain::Principal& who) -> absl::StatusOr<v1::WhoAmIResponse> {
                  v1::WhoAmIResponse me;
                  me.set_user(who.name);
                  me.set_role(domain::RoleName(who.role));
                  return me;
                });
}

grpc::Status AdminGrpcService::AdvanceTestClock(grpc::ServerContext* context,
                                                const v1::AdvanceTestClockRequest* request,
                                                v1::AdvanceTestClockResponse* response) {
  return Handle(context, auth_, response, [&](const domain::Principal& who) {
    return monitor_.AdvanceTestClock(who, *request);
  });
}

grpc::Status AdminGrpcService::GetSlaConfig(grpc::ServerContext* context,
                                            const v1::GetSlaConfigRequest* /*request*/,
                                            v1::SlaConfig* response) {
  return Handle(context, auth_, response,
                [&](const domain::Principal& who) { return sla_config_.Get(who); });
}

grpc::Status AdminGrpcService::ReplaceSlaConfig(grpc::ServerContext* context,
                                                const v1::ReplaceSlaConfigRequest* request,
                                                v1::SlaConfig* response) {
  return Handle(context, auth_, response, [&](const domain::Principal& who) {
    return sla_config_.Replace(who, *request);
  });
}

grpc::Status AdminGrpcService::ListSlaConfigVersions(
    grpc::ServerContext* context, const v1::ListSlaConfigVersionsRequest* request,
    v1::ListSlaConfigVersionsResponse* response) {
  return Handle(context, auth_, response, [&](const domain::Principal& who) {
    return sla_config_.ListVersions(who, *request);
  });
}

grpc::Status AlertGrpcService::ListAlerts(grpc::ServerContext* context,
                                          const v1::ListAlertsRequest* request,
                                          v1::ListAlertsResponse* response) {
  return Handle(context, auth_, response,
                [&](const domain::Principal& who) { return alerts_.List(who, *request); });
}

grpc::Status AlertGrpcService::AckAlert(grpc::ServerContext* context,
                                        const v1::AckAlertRequest* request, v1::Alert* response) {
  return Handle(context, auth_, response, [&](const domain::Principal& who) {
    return exec::RunWrite<v1::Alert>(writer_, [&] { return alerts_.Ack(who, *request); });
  });
}

grpc::Status AlertGrpcService::WatchAlerts(grpc::ServerContext* context,
                                           const v1::WatchAlertsRequest* request,
                                           grpc::ServerWriter<v1::Alert>* writer) {
  absl::StatusOr<domain::Principal> principal = auth_.Authenticate(*context);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  return ToGrpcStatus(alerts_.Watch(
      *principal, *request, [&](const v1::Alert& alert) { return writer->Write(alert); },
      [&] { return context->IsCancelled(); }));
}

grpc::Status AccountGrpcService::CreateAccount(grpc::ServerContext* context, const v1::CreateAccountRequest* request,
                                               v1::Account* response) {
  return Handle(context, auth_, response, [&](const domain::Principal& who) {
    return accounts_.Create(who, *request);
  });
}

grpc::Status AccountGrpcService::GetAccount(grpc::ServerContext* context, const v1::GetAccountRequest* request,
                                            v1::Account* response) {
  return Handle(context, auth_, response, [&](const domain::Principal& who) {
    return accounts_.Get(who, *request);
  });
}

grpc::Status AccountGrpcService::ListAccounts(grpc::ServerContext* context, const v1::ListAccountsRequest* request,
                                              v1::ListAccountsResponse* response) {
  return Handle(context, auth_, response, [&](const domain::Principal& who) {
    return accounts_.List(who, *request);
  });
}

grpc::Status AccountGrpcService::UpdateAccount(grpc::ServerContext* context, const v1::UpdateAccountRequest* request,
                                               v1::Account* response) {
  return Handle(context, auth_, response, [&](const domain::Principal& who) {
    return accounts_.Update(who, *request);
  });
}

grpc::Status AccountGrpcService::ListAccountEvents(grpc::ServerContext* context, const v1::ListAccountEventsRequest* request,
                                                   v1::ListAccountEventsResponse* response) {
  return Handle(context, auth_, response, [&](const domain::Principal& who) {
    return accounts_.ListEvents(who, *request);
  });
}

grpc::Status AccountGrpcService::SetServiceTier(grpc::ServerContext* context, const v1::SetServiceTierRequest* request,
                                                v1::Account* response) {
  return Handle(context, auth_, response, [&](const domain::Principal& who) {
    return accounts_.SetServiceTier(who, *request);
  });
}

grpc::Status AccountGrpcService::ReclassifyAccounts(grpc::ServerContext* context, const v1::ReclassifyAccountsRequest* request,
                                                    v1::ReclassifyAccountsResponse* response) {
  return Handle(context, auth_, response, [&](const domain::Principal& who) {
    return accounts_.Reclassify(who, *request);
  });
}

grpc::Status AccountGrpcService::ImportAccounts(grpc::ServerContext* context, const v1::ImportAccountsRequest* request,
                                                v1::ImportAccountsResponse* response) {
  return Handle(context, auth_, response, [&](const domain::Principal& who) {
    return accounts_.Import(who, *request);
  });
}

grpc::Status ReportGrpcService::GetServiceReport(grpc::ServerContext* context,
                                                 const v1::ServiceReportRequest* request,
                                                 v1::ServiceReport* response) {
  return Handle(context, auth_, response, [&](const domain::Principal& who) {
    return reports_.GetServiceReport(who, *request);
  });
}

grpc::Status ReportGrpcService::GetProductFeedback(grpc::ServerContext* context,
                                                   const v1::ProductFeedbackRequest* request,
                                                   v1::ProductFeedback* response) {
  return Handle(context, auth_, response, [&](const domain::Principal& who) {
    return reports_.GetProductFeedback(who, *request);
  });
}


}  // namespace ticketing::api
