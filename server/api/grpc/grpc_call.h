#ifndef TICKETING_SERVER_API_GRPC_GRPC_CALL_H_
#define TICKETING_SERVER_API_GRPC_GRPC_CALL_H_

#include <string>
#include <utility>

#include "grpcpp/grpcpp.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "server/api/calls.h"
#include "server/api/endpoints.h"
#include "server/api/grpc/status_util.h"

namespace ticketing::api {

// What gRPC knows of a call, as CallInfo. The context must outlive the call's handler.
CallInfo CallInfoOf(grpc::ServerContextBase& context);

// Serves one unary RPC of the callback API through `calls`: the whole of a gRPC method.
// `request` and `response` belong to gRPC and live until the reactor finishes.
template <typename Request, typename Response>
grpc::ServerUnaryReactor* Unary(const Calls& calls, grpc::CallbackServerContext* context,
                                const Endpoint<Request, Response>& endpoint,
                                const Request* request, Response* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  calls.Run<Response>(
      endpoint.kind(*request), CallInfoOf(*context),
      [&endpoint, request](const domain::Principal& who, const domain::Interrupt& interrupt) {
        return endpoint.call(who, *request, interrupt);
      },
      [reactor, response](absl::StatusOr<Response> result) {
        if (!result.ok()) {
          reactor->Finish(ToGrpcStatus(result.status()));
          return;
        }
        *response = *std::move(result);
        reactor->Finish(grpc::Status::OK);
      });
  return reactor;
}

// Hands `bytes` to gRPC as a message without copying them.
grpc::ByteBuffer ToByteBuffer(std::string bytes);

// Serves one raw unary RPC (request and response as bytes): parses the request
// (INVALID_ARGUMENT if it is not a `Request`) and sends `encode(result)` as the response.
// The listings answer this way with the tickets' stored bytes.
template <typename Request, typename Result, typename Encode>
grpc::ServerUnaryReactor* RawUnary(const Calls& calls, grpc::CallbackServerContext* context,
                                   const Endpoint<Request, Result>& endpoint,
                                   const grpc::ByteBuffer* request, grpc::ByteBuffer* response,
                                   Encode encode) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto parsed = std::make_shared<Request>();
  grpc::ByteBuffer bytes = *request;  // shares the slices
  grpc::ProtoBufferReader reader(&bytes);
  if (!parsed->ParseFromZeroCopyStream(&reader)) {
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 "request: not a valid " + Request::descriptor()->full_name()));
    return reactor;
  }
  calls.Run<Result>(
      endpoint.kind(*parsed), CallInfoOf(*context),
      [&endpoint, parsed](const domain::Principal& who, const domain::Interrupt& interrupt) {
        return endpoint.call(who, *parsed, interrupt);
      },
      [reactor, response, encode](absl::StatusOr<Result> result) {
        if (!result.ok()) {
          reactor->Finish(ToGrpcStatus(result.status()));
          return;
        }
        *response = ToByteBuffer(encode(*result));
        reactor->Finish(grpc::Status::OK);
      });
  return reactor;
}

}  // namespace ticketing::api

#endif  // TICKETING_SERVER_API_GRPC_GRPC_CALL_H_
