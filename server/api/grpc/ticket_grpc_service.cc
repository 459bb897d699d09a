#include "server/api/grpc/ticket_grpc_service.h"

#include "server/api/grpc/grpc_call.h"
#include "server/api/grpc/wire.h"

namespace ticketing::api {

grpc::ServerUnaryReactor* TicketGrpcService::CreateTicket(grpc::CallbackServerContext* context,
    const v1::CreateTicketRequest* request, v1::Ticket* response) {
  return Unary(calls_, context, e_.create_ticket, request, response);
}

grpc::ServerUnaryReactor* TicketGrpcService::GetTicket(grpc::CallbackServerContext* context,
    const v1::GetTicketRequest* request, v1::Ticket* response) {
  return Unary(calls_, context, e_.get_ticket, request, response);
}

grpc::ServerUnaryReactor* TicketGrpcService::ListTickets(grpc::CallbackServerContext* context,
    const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  // Raw: the page is the stored tickets' bytes, framed by EncodeTicketPage without parsing.
  return RawUnary(calls_, context, e_.list_tickets, request, response, EncodeTicketPage);
}

grpc::ServerUnaryReactor* TicketGrpcService::UpdateTicket(grpc::CallbackServerContext* context,
    const v1::UpdateTicketRequest* request, v1::Ticket* response) {
  return Unary(calls_, context, e_.update_ticket, request, response);
}

grpc::ServerUnaryReactor* TicketGrpcService::TransitionTicket(grpc::CallbackServerContext* context,
    const v1::TransitionTicketRequest* request, v1::Ticket* response) {
  return Unary(calls_, context, e_.transition_ticket, request, response);
}

grpc::ServerUnaryReactor* TicketGrpcService::AssignTicket(grpc::CallbackServerContext* context,
    const v1::AssignTicketRequest* request, v1::Ticket* response) {
  return Unary(calls_, context, e_.assign_ticket, request, response);
}

grpc::ServerUnaryReactor* TicketGrpcService::AddComment(grpc::CallbackServerContext* context,
    const v1::AddCommentRequest* request, v1::AddCommentResponse* response) {
  return Unary(calls_, context, e_.add_comment, request, response);
}

grpc::ServerUnaryReactor* TicketGrpcService::ListTicketEvents(grpc::CallbackServerContext* context,
    const v1::ListTicketEventsRequest* request, v1::ListTicketEventsResponse* response) {
  return Unary(calls_, context, e_.list_ticket_events, request, response);
}

grpc::ServerUnaryReactor* TicketGrpcService::RecordContact(grpc::CallbackServerContext* context,
    const v1::RecordContactRequest* request, v1::Ticket* response) {
  return Unary(calls_, context, e_.record_contact, request, response);
}

grpc::ServerUnaryReactor* TicketGrpcService::SetCommittedDate(grpc::CallbackServerContext* context,
    const v1::SetCommittedDateRequest* request, v1::Ticket* response) {
  return Unary(calls_, context, e_.set_committed_date, request, response);
}

grpc::ServerUnaryReactor* TicketGrpcService::ExplainSla(grpc::CallbackServerContext* context,
    const v1::ExplainSlaRequest* request, v1::SlaExplanation* response) {
  return Unary(calls_, context, e_.explain_sla, request, response);
}

grpc::ServerUnaryReactor* TicketGrpcService::PreviewDeadline(grpc::CallbackServerContext* context,
    const v1::PreviewDeadlineRequest* request, v1::PreviewDeadlineResponse* response) {
  return Unary(calls_, context, e_.preview_deadline, request, response);
}

grpc::ServerUnaryReactor* TicketGrpcService::ListWorkQueue(grpc::CallbackServerContext* context,
    const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
  // Raw, like ListTickets.
  return RawUnary(calls_, context, e_.list_work_queue, request, response, EncodeWorkPage);
}

grpc::ServerUnaryReactor* TicketGrpcService::ProposeTechnicians(grpc::CallbackServerContext* context,
    const v1::ProposeTechniciansRequest* request, v1::ProposeTechniciansResponse* response) {
  return Unary(calls_, context, e_.propose_technicians, request, response);
}

grpc::ServerUnaryReactor* TicketGrpcService::SetTechnicianAvailability(grpc::CallbackServerContext* context,
    const v1::SetTechnicianAvailabilityRequest* request, v1::TechnicianAvailability* response) {
  return Unary(calls_, context, e_.set_technician_availability, request, response);
}

grpc::ServerUnaryReactor* TicketGrpcService::ScheduleVisit(grpc::CallbackServerContext* context,
    const v1::ScheduleVisitRequest* request, v1::Ticket* response) {
  return Unary(calls_, context, e_.schedule_visit, request, response);
}

grpc::ServerUnaryReactor* TicketGrpcService::RecordVisit(grpc::CallbackServerContext* context,
    const v1::RecordVisitRequest* request, v1::Ticket* response) {
  return Unary(calls_, context, e_.record_visit, request, response);
}

grpc::ServerUnaryReactor* TicketGrpcService::SubmitSurvey(grpc::CallbackServerContext* context,
    const v1::SubmitSurveyRequest* request, v1::Ticket* response) {
  return Unary(calls_, context, e_.submit_survey, request, response);
}

grpc::ServerUnaryReactor* TicketGrpcService::RequestPart(grpc::CallbackServerContext* context,
    const v1::RequestPartRequest* request, v1::Ticket* response) {
  return Unary(calls_, context, e_.request_part, request, response);
}

grpc::ServerUnaryReactor* TicketGrpcService::UpdatePart(grpc::CallbackServerContext* context,
    const v1::UpdatePartRequest* request, v1::Ticket* response) {
  return Unary(calls_, context, e_.update_part, request, response);
}

grpc::ServerUnaryReactor* TicketGrpcService::SetQuote(grpc::CallbackServerContext* context,
    const v1::SetQuoteRequest* request, v1::Ticket* response) {
  return Unary(calls_, context, e_.set_quote, request, response);
}

grpc::ServerUnaryReactor* TicketGrpcService::RecordQuoteDecision(grpc::CallbackServerContext* context,
    const v1::RecordQuoteDecisionRequest* request, v1::Ticket* response) {
  return Unary(calls_, context, e_.record_quote_decision, request, response);
}

grpc::ServerUnaryReactor* TicketGrpcService::SetPaymentStatus(grpc::CallbackServerContext* context,
    const v1::SetPaymentStatusRequest* request, v1::Ticket* response) {
  return Unary(calls_, context, e_.set_payment_status, request, response);
}

}  // namespace ticketing::api
