#include "server/api/grpc/status_util.h"

#include <string>

#include "server/common/log.h"

namespace ticketing::api {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  if (status.code() == absl::StatusCode::kInternal ||
      status.code() == absl::StatusCode::kDataLoss) {
    LogError("request failed", {{"status", status.ToString()}});
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

}  // namespace ticketing::api
