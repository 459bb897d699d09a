#ifndef TICKETING_SERVER_API_GRPC_GRPC_SERVICES_H_
#define TICKETING_SERVER_API_GRPC_GRPC_SERVICES_H_

#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/impl/codegen/server_callback_handlers.h"
#include "grpcpp/impl/rpc_service_method.h"
#include "grpcpp/support/method_handler.h"
#include "server/api/calls.h"
#include "server/api/endpoints.h"
#include "server/api/grpc/grpc_call.h"

namespace ticketing::api {

// One service of ticketing.v1 on gRPC, every method raw: the request arrives as bytes and
// is decoded here (DecodeRequest: malformed bytes are INVALID_ARGUMENT, unknown fields are
// dropped before anything validates the request), and the reply leaves as bytes, which lets
// the listings answer with the tickets' stored bytes (wire.h). Unary methods are on the
// callback API and run through Calls like every transport's calls; WatchAlerts, the one
// stream, is on the sync API (a server thread per watcher while it streams, within
// TransportLimits.max_threads and AlertService's per-user caps).
//
// Built once by GrpcServices() from the endpoint table; every method of the service's
// descriptor must have a handler (checked: a method without one would be UNIMPLEMENTED).
class GrpcService final : public grpc::Service {
 public:
  // `calls` must outlive the service.
  GrpcService(const google::protobuf::ServiceDescriptor& service, const Calls& calls)
      : service_(service), calls_(calls) {}

  // Serves unary `method` with `endpoint`, its reply encoded by `encode(result)` (bytes of
  // the method's response message).
  template <typename Request, typename Result, typename Encode>
  void AddUnary(absl::string_view method, const Endpoint<Request, Result>& endpoint,
                Encode encode) {
    const int index =
        Add(method, grpc::internal::RpcMethod::NORMAL_RPC, Request::descriptor(), nullptr);
    // "ticketing.v1.Service/Method", as the audit log names it: names_ keeps it ("/..."), and
    // a deque never moves its elements.
    const absl::string_view name = absl::string_view(names_.back()).substr(1);
    MarkMethodRawCallback(
        index, new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
                   [this, name, &endpoint, encode](grpc::CallbackServerContext* context,
                                                   const grpc::ByteBuffer* request,
                                                   grpc::ByteBuffer* response) {
                     return ServeUnary(calls_, context, name, endpoint, *request, response,
                                       encode);
                   }));
  }
  // Serves unary `method` with `endpoint`, whose result is the response message itself.
  template <typename Request, typename Response>
  void AddUnary(absl::string_view method, const Endpoint<Request, Response>& endpoint) {
    AddUnary(method, endpoint, [](const Response& r) { return r.SerializeAsString(); });
  }
  // Serves the server stream ticketing.v1.AlertService/WatchAlerts.
  void AddWatchAlerts(domain::AlertService& alerts);

  // Serves WatchAlerts on this thread (the sync API's): see AddWatchAlerts.
  grpc::Status WatchAlerts(domain::AlertService& alerts, grpc::ServerContext& context,
                           const grpc::ByteBuffer& request,
                           grpc::ServerWriter<grpc::ByteBuffer>& writer) const;

  // Every method of the service's descriptor has a handler, with the request type the
  // descriptor names. Aborts otherwise: a programming error, found by any test that starts
  // the server.
  void CheckComplete() const;

 private:
  // Registers `method` of this service with `handler` (null for one marked raw callback
  // after); returns its index.
  int Add(absl::string_view method, grpc::internal::RpcMethod::RpcType type,
          const google::protobuf::Descriptor* request, grpc::internal::MethodHandler* handler);

  const google::protobuf::ServiceDescriptor& service_;
  const Calls& calls_;
  // The full names ("/pkg.Service/Method"): gRPC keeps pointers into them, and a deque never
  // moves its elements.
  std::deque<std::string> names_;
  int methods_ = 0;
};

// The services of ticketing.v1 (Ticket, Admin, Alert, Account, Report), every RPC served
// from `endpoints`. Both must outlive the services.
std::vector<std::unique_ptr<GrpcService>> GrpcServices(const Calls& calls,
                                                       const Endpoints& endpoints);

}  // namespace ticketing::api

#endif  // TICKETING_SERVER_API_GRPC_GRPC_SERVICES_H_
