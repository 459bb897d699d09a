#include "server/api/grpc/grpc_call.h"

#include "absl/time/clock.h"

namespace ticketing::api {

CallInfo CallInfoOf(grpc::ServerContextBase& context) {
  CallInfo info;
  const auto& metadata = context.client_metadata();
  if (auto header = metadata.find("authorization"); header != metadata.end()) {
    info.authorization.assign(header->second.data(), header->second.size());
    // Present but empty is malformed, not missing.
    if (info.authorization.empty()) info.authorization = " ";
  }
  const std::chrono::system_clock::time_point deadline = context.deadline();
  if (deadline != std::chrono::system_clock::time_point::max()) {
    info.deadline = absl::FromChrono(deadline);
  }
  grpc::ServerContextBase* call = &context;
  info.cancelled = [call] { return call->IsCancelled(); };
  return info;
}

grpc::ByteBuffer ToByteBuffer(std::string bytes) {
  auto* owned = new std::string(std::move(bytes));
  grpc::Slice slice(owned->data(), owned->size(),
                    [](void* p) { delete static_cast<std::string*>(p); }, owned);
  return grpc::ByteBuffer(&slice, 1);
}

}  // namespace ticketing::api
