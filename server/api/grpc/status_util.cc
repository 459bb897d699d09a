#include "server/api/grpc/status_util.h"

#include <string>

#include "server/common/log.h"

namespace ticketing::api {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // INTERNAL and DATA_LOSS mean the server is at fault, not the caller: the operator needs the
  // log line, since the message goes only to the client. Other codes are the caller's business.
  if (status.code() == absl::StatusCode::kInternal ||
      status.code() == absl::StatusCode::kDataLoss) {
    LogError("request failed", {{"status", status.ToString()}});
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

}  // namespace ticketing::api
