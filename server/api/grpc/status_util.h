#ifndef TICKETING_SERVER_API_GRPC_STATUS_UTIL_H_
#define TICKETING_SERVER_API_GRPC_STATUS_UTIL_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace ticketing::api {

// absl and gRPC share google.rpc code numbering, so the code maps one to one.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace ticketing::api

#endif  // TICKETING_SERVER_API_GRPC_STATUS_UTIL_H_
