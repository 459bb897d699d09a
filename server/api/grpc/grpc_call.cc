#include "server/api/grpc/grpc_call.h"

#include "absl/time/clock.h"

namespace ticketing::api {

CallInfo CallInfoOf(grpc::ServerContextBase& context, absl::string_view method) {
  CallInfo info;
  info.method = std::string(method);
  info.peer = context.peer();
  const auto& metadata = context.client_metadata();
  if (auto header = metadata.find("authorization"); header != metadata.end()) {
    info.authorization.assign(header->second.data(), header->second.size());
    // Present but empty is malformed, not missing.
    if (info.authorization.empty()) info.authorization = " ";
  }
  const std::chrono::system_clock::time_point deadline = context.deadline();
  // gRPC reports "no deadline" as time_point::max(); CallInfo says it with InfiniteFuture,
  // its default, rather than with a converted far-off instant.
  if (deadline != std::chrono::system_clock::time_point::max()) {
    info.deadline = absl::FromChrono(deadline);
  }
  grpc::ServerContextBase* call = &context;
  // Asked later, from whichever thread runs the call (the pool, the writer): the context lives
  // until the reactor finishes, which is only after the call's outcome is handed back.
  info.cancelled = [call] { return call->IsCancelled(); };
  return info;
}

// The string moves to the heap and the slice owns it: gRPC frees it whenever its last
// reference goes, which may be after the reactor finished and on another thread.
grpc::ByteBuffer ToByteBuffer(std::string bytes) {
  auto* owned = new std::string(std::move(bytes));
  grpc::Slice slice(owned->data(), owned->size(),
                    [](void* p) { delete static_cast<std::string*>(p); }, owned);
  return grpc::ByteBuffer(&slice, 1);
}

}  // namespace ticketing::api
