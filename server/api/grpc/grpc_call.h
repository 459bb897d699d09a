#ifndef TICKETING_SERVER_API_GRPC_GRPC_CALL_H_
#define TICKETING_SERVER_API_GRPC_GRPC_CALL_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "server/api/calls.h"
#include "server/api/endpoints.h"
#include "server/api/request_checks.h"
#include "server/api/grpc/status_util.h"

namespace ticketing::api {

// What gRPC knows of a call to `method` ("ticketing.v1.Service/Method"), as CallInfo. The
// context must outlive the call's handler.
CallInfo CallInfoOf(grpc::ServerContextBase& context, absl::string_view method);

// Hands `bytes` to gRPC as a message without copying them.
grpc::ByteBuffer ToByteBuffer(std::string bytes);

// The request in `bytes`, parsed strictly: INVALID_ARGUMENT naming the message when the bytes
// are not one (truncated, wrong wire types, invalid UTF-8 in a string), and every field this
// server does not know dropped, at any depth, so nothing unvalidated is ever stored or
// echoed (a client cannot smuggle a megabyte into a ticket inside an unknown field).
template <typename Request>
absl::StatusOr<Request> DecodeRequest(const grpc::ByteBuffer& bytes) {
  Request request;
  grpc::ByteBuffer shared = bytes;  // shares the slices; the reader needs a mutable buffer
  grpc::ProtoBufferReader reader(&shared);
  if (!request.ParseFromZeroCopyStream(&reader)) {
    return absl::InvalidArgumentError(
        absl::StrCat("request: not a valid ", Request::descriptor()->full_name()));
  }
  request.DiscardUnknownFields();
  return request;
}

// Serves one unary call of `method` on the callback API through `calls`, raw: decodes the
// request (DecodeRequest) and checks its shape (CheckRequest), runs the endpoint, and sends
// `encode(result)` as the response's bytes.
// `request` and `response` belong to gRPC and live until the reactor finishes.
template <typename Request, typename Result, typename Encode>
grpc::ServerUnaryReactor* ServeUnary(const Calls& calls, grpc::CallbackServerContext* context,
                                     absl::string_view method,
                                     const Endpoint<Request, Result>& endpoint,
                                     const grpc::ByteBuffer& request, grpc::ByteBuffer* response,
                                     const Encode& encode) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<Request> decoded = DecodeRequest<Request>(request);
  if (absl::Status shape = decoded.ok() ? CheckRequest(*decoded) : decoded.status(); !shape.ok()) {
    reactor->Finish(ToGrpcStatus(shape));
    return reactor;
  }
  auto parsed = std::make_shared<const Request>(*std::move(decoded));
  calls.Run<Result>(
      endpoint.Spec(parsed), CallInfoOf(*context, method),
      [&endpoint, parsed](const domain::Principal& who, const domain::Interrupt& interrupt) {
        return endpoint.call(who, *parsed, interrupt);
      },
      [context, reactor, response, encode](absl::StatusOr<Result> result) {
        if (!result.ok()) {
          // gRPC's own way to tell a client when to try again (gRFC A6, server pushback).
          if (std::optional<absl::Duration> wait = RetryDelayOf(result.status())) {
            context->AddTrailingMetadata("grpc-retry-pushback-ms",
                                         absl::StrCat(absl::ToInt64Milliseconds(*wait)));
          }
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
