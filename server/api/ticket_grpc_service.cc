#include "server/api/ticket_grpc_service.h"

#include <chrono>
#include <utility>

#include "grpcpp/support/proto_buffer_reader.h"
#include "server/api/status_util.h"

namespace ticketing::api {
namespace {

template <typename Response>
grpc::Status Answer(absl::StatusOr<Response> result, Response* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace

template <typename Response, typename Call>
grpc::ServerUnaryReactor* TicketGrpcService::Read(grpc::CallbackServerContext* context,
                                                  Response* response, Call call) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<domain::Principal> who = auth_.Admit(*context);
  reactor->Finish(who.ok() ? Answer<Response>(call(*who), response) : ToGrpcStatus(who.status()));
  return reactor;
}

template <typename Request, typename Call>
grpc::ServerUnaryReactor* TicketGrpcService::ReadSerialized(grpc::CallbackServerContext* context,
                                                            const grpc::ByteBuffer* request,
                                                            grpc::ByteBuffer* response,
                                                            Call call) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<domain::Principal> who = auth_.Admit(*context);
  if (!who.ok()) {
    reactor->Finish(ToGrpcStatus(who.status()));
    return reactor;
  }
  grpc::ByteBuffer bytes = *request;  // shares the slices
  grpc::ProtoBufferReader reader(&bytes);
  Request parsed;
  if (!parsed.ParseFromZeroCopyStream(&reader)) {
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 "request: not a valid " + Request::descriptor()->full_name()));
    return reactor;
  }
  absl::StatusOr<std::string> serialized = call(*who, parsed);
  if (!serialized.ok()) {
    reactor->Finish(ToGrpcStatus(serialized.status()));
    return reactor;
  }
  // Hand the bytes to gRPC without copying them.
  auto* owned = new std::string(*std::move(serialized));
  grpc::Slice slice(owned->data(), owned->size(),
                    [](void* p) { delete static_cast<std::string*>(p); }, owned);
  *response = grpc::ByteBuffer(&slice, 1);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

template <typename Response, typename Call>
grpc::ServerUnaryReactor* TicketGrpcService::Write(grpc::CallbackServerContext* context,
                                                   Response* response, Call call) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<domain::Principal> who = auth_.Admit(*context);
  if (!who.ok()) {
    reactor->Finish(ToGrpcStatus(who.status()));
    return reactor;
  }
  const std::chrono::system_clock::time_point deadline = context->deadline();
  writer_.Submit<Response>(
      [call = std::move(call), who = *std::move(who), deadline]() -> absl::StatusOr<Response> {
        if (deadline < std::chrono::system_clock::now()) {
          return absl::DeadlineExceededError("deadline passed while waiting to be written");
        }
        return call(who);
      },
      [reactor, response](absl::StatusOr<Response> result) {
        reactor->Finish(Answer<Response>(std::move(result), response));
      });
  return reactor;
}

grpc::ServerUnaryReactor* TicketGrpcService::CreateTicket(grpc::CallbackServerContext* context,
    const v1::CreateTicketRequest* request, v1::Ticket* response) {
  return Write(context, response,
      [this, request](const domain::Principal& who) { return tickets_.Create(who, *request); });
}

grpc::ServerUnaryReactor* TicketGrpcService::GetTicket(grpc::CallbackServerContext* context,
    const v1::GetTicketRequest* request, v1::Ticket* response) {
  return Read(context, response,
      [this, request](const domain::Principal& who) { return tickets_.Get(who, *request); });
}

grpc::ServerUnaryReactor* TicketGrpcService::ListTickets(grpc::CallbackServerContext* context,
    const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  return ReadSerialized<v1::ListTicketsRequest>(context, request, response,
      [this](const domain::Principal& who, const v1::ListTicketsRequest& request) {
        return tickets_.ListSerialized(who, request);
      });
}

grpc::ServerUnaryReactor* TicketGrpcService::UpdateTicket(grpc::CallbackServerContext* context,
    const v1::UpdateTicketRequest* request, v1::Ticket* response) {
  return Write(context, response,
      [this, request](const domain::Principal& who) { return tickets_.Update(who, *request); });
}

grpc::ServerUnaryReactor* TicketGrpcService::TransitionTicket(grpc::CallbackServerContext* context,
    const v1::TransitionTicketRequest* request, v1::Ticket* response) {
  return Write(context, response,
      [this, request](const domain::Principal& who) { return tickets_.Transition(who, *request); });
}

grpc::ServerUnaryReactor* TicketGrpcService::AssignTicket(grpc::CallbackServerContext* context,
    const v1::AssignTicketRequest* request, v1::Ticket* response) {
  return Write(context, response,
      [this, request](const domain::Principal& who) { return tickets_.Assign(who, *request); });
}

grpc::ServerUnaryReactor* TicketGrpcService::AddComment(grpc::CallbackServerContext* context,
    const v1::AddCommentRequest* request, v1::AddCommentResponse* response) {
  return Write(context, response,
      [this, request](const domain::Principal& who) { return tickets_.AddComment(who, *request); });
}

grpc::ServerUnaryReactor* TicketGrpcService::ListTicketEvents(grpc::CallbackServerContext* context,
    const v1::ListTicketEventsRequest* request, v1::ListTicketEventsResponse* response) {
  return Read(context, response,
      [this, request](const domain::Principal& who) { return tickets_.ListEvents(who, *request); });
}

grpc::ServerUnaryReactor* TicketGrpcService::RecordContact(grpc::CallbackServerContext* context,
    const v1::RecordContactRequest* request, v1::Ticket* response) {
  return Write(context, response,
      [this, request](const domain::Principal& who) { return tickets_.RecordContact(who, *request); });
}

grpc::ServerUnaryReactor* TicketGrpcService::SetCommittedDate(grpc::CallbackServerContext* context,
    const v1::SetCommittedDateRequest* request, v1::Ticket* response) {
  return Write(context, response,
      [this, request](const domain::Principal& who) { return tickets_.SetCommittedDate(who, *request); });
}

grpc::ServerUnaryReactor* TicketGrpcService::ExplainSla(grpc::CallbackServerContext* context,
    const v1::ExplainSlaRequest* request, v1::SlaExplanation* response) {
  return Read(context, response,
      [this, request](const domain::Principal& who) { return tickets_.ExplainSla(who, *request); });
}

grpc::ServerUnaryReactor* TicketGrpcService::PreviewDeadline(grpc::CallbackServerContext* context,
    const v1::PreviewDeadlineRequest* request, v1::PreviewDeadlineResponse* response) {
  return Read(context, response,
      [this, request](const domain::Principal& who) { return tickets_.PreviewDeadline(who, *request); });
}

grpc::ServerUnaryReactor* TicketGrpcService::ListWorkQueue(grpc::CallbackServerContext* context,
    const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  return ReadSerialized<v1::ListWorkQueueRequest>(context, request, response,
      [this](const domain::Principal& who, const v1::ListWorkQueueRequest& request) {
        return tickets_.ListWorkQueueSerialized(who, request);
      });
}

grpc::ServerUnaryReactor* TicketGrpcService::ProposeTechnicians(grpc::CallbackServerContext* context,
    const v1::ProposeTechniciansRequest* request, v1::ProposeTechniciansResponse* response) {
  // Proposing only reads; assigning the best candidate writes the ticket.
  auto propose = [this, request](const domain::Principal& who) { return dispatcher_.Propose(who, *request); };
  return request->assign() ? Write(context, response, propose) : Read(context, response, propose);
}

grpc::ServerUnaryReactor* TicketGrpcService::SetTechnicianAvailability(grpc::CallbackServerContext* context,
    const v1::SetTechnicianAvailabilityRequest* request, v1::TechnicianAvailability* response) {
  return Write(context, response,
      [this, request](const domain::Principal& who) { return dispatcher_.SetAvailability(who, *request); });
}

grpc::ServerUnaryReactor* TicketGrpcService::ScheduleVisit(grpc::CallbackServerContext* context,
    const v1::ScheduleVisitRequest* request, v1::Ticket* response) {
  return Write(context, response,
      [this, request](const domain::Principal& who) { return tickets_.ScheduleVisit(who, *request); });
}

grpc::ServerUnaryReactor* TicketGrpcService::RecordVisit(grpc::CallbackServerContext* context,
    const v1::RecordVisitRequest* request, v1::Ticket* response) {
  return Write(context, response,
      [this, request](const domain::Principal& who) { return tickets_.RecordVisit(who, *request); });
}

grpc::ServerUnaryReactor* TicketGrpcService::SubmitSurvey(grpc::CallbackServerContext* context,
    const v1::SubmitSurveyRequest* request, v1::Ticket* response) {
  return Write(context, response,
      [this, request](const domain::Principal& who) { return tickets_.SubmitSurvey(who, *request); });
}

grpc::ServerUnaryReactor* TicketGrpcService::RequestPart(grpc::CallbackServerContext* context,
    const v1::RequestPartRequest* request, v1::Ticket* response) {
  return Write(context, response,
      [this, request](const domain::Principal& who) { return tickets_.RequestPart(who, *request); });
}

grpc::ServerUnaryReactor* TicketGrpcService::UpdatePart(grpc::CallbackServerContext* context,
    const v1::UpdatePartRequest* request, v1::Ticket* response) {
  return Write(context, response,
      [this, request](const domain::Principal& who) { return tickets_.UpdatePart(who, *request); });
}

grpc::ServerUnaryReactor* TicketGrpcService::SetQuote(grpc::CallbackServerContext* context,
    const v1::SetQuoteRequest* request, v1::Ticket* response) {
  return Write(context, response,
      [this, request](const domain::Principal& who) { return tickets_.SetQuote(who, *request); });
}

grpc::ServerUnaryReactor* TicketGrpcService::RecordQuoteDecision(grpc::CallbackServerContext* context,
    const v1::RecordQuoteDecisionRequest* request, v1::Ticket* response) {
  return Write(context, response,
      [this, request](const domain::Principal& who) { return tickets_.RecordQuoteDecision(who, *request); });
}

grpc::ServerUnaryReactor* TicketGrpcService::SetPaymentStatus(grpc::CallbackServerContext* context,
    const v1::SetPaymentStatusRequest* request, v1::Ticket* response) {
  return Write(context, response,
      [this, request](const domain::Principal& who) { return tickets_.SetPaymentStatus(who, *request); });
}

}  // namespace ticketing::api
