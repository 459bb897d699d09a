#ifndef TICKETING_SERVER_API_GRPC_TICKET_GRPC_SERVICE_H_
#define TICKETING_SERVER_API_GRPC_TICKET_GRPC_SERVICE_H_

#include "server/api/calls.h"
#include "server/api/endpoints.h"
#include "ticketing/v1/ticket_service.grpc.pb.h"

namespace ticketing::api {

// ticketing.v1.TicketService on gRPC's callback API, the server's hot path. Each method is
// its endpoint served through Calls (admission, then where its kind says: writes on the
// write executor, answered once durable; scans on the call pool; point reads at once), so
// a gRPC thread never waits for the disk. The two listings are raw methods: they answer
// with the tickets' stored bytes (wire.h).
using TicketServiceBase = v1::TicketService::WithRawCallbackMethod_ListTickets<
    v1::TicketService::WithRawCallbackMethod_ListWorkQueue<v1::TicketService::CallbackService>>;

class TicketGrpcService final : public TicketServiceBase {
 public:
  // Both must outlive the service.
  TicketGrpcService(const Calls& calls, const Endpoints& endpoints)
      : calls_(calls), e_(endpoints) {}

  grpc::ServerUnaryReactor* CreateTicket(grpc::CallbackServerContext* context,
      const v1::CreateTicketRequest* request, v1::Ticket* response) override;
  grpc::ServerUnaryReactor* GetTicket(grpc::CallbackServerContext* context,
      const v1::GetTicketRequest* request, v1::Ticket* response) override;
  grpc::ServerUnaryReactor* ListTickets(grpc::CallbackServerContext* context,
      const grpc::ByteBuffer* request, grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* UpdateTicket(grpc::CallbackServerContext* context,
      const v1::UpdateTicketRequest* request, v1::Ticket* response) override;
  grpc::ServerUnaryReactor* TransitionTicket(grpc::CallbackServerContext* context,
      const v1::TransitionTicketRequest* request, v1::Ticket* response) override;
  grpc::ServerUnaryReactor* AssignTicket(grpc::CallbackServerContext* context,
      const v1::AssignTicketRequest* request, v1::Ticket* response) override;
  grpc::ServerUnaryReactor* AddComment(grpc::CallbackServerContext* context,
      const v1::AddCommentRequest* request, v1::AddCommentResponse* response) override;
  grpc::ServerUnaryReactor* ListTicketEvents(grpc::CallbackServerContext* context,
      const v1::ListTicketEventsRequest* request, v1::ListTicketEventsResponse* response) override;
  grpc::ServerUnaryReactor* RecordContact(grpc::CallbackServerContext* context,
      const v1::RecordContactRequest* request, v1::Ticket* response) override;
  grpc::ServerUnaryReactor* SetCommittedDate(grpc::CallbackServerContext* context,
      const v1::SetCommittedDateRequest* request, v1::Ticket* response) override;
  grpc::ServerUnaryReactor* ExplainSla(grpc::CallbackServerContext* context,
      const v1::ExplainSlaRequest* request, v1::SlaExplanation* response) override;
  grpc::ServerUnaryReactor* PreviewDeadline(grpc::CallbackServerContext* context,
      const v1::PreviewDeadlineRequest* request, v1::PreviewDeadlineResponse* response) override;
  grpc::ServerUnaryReactor* ListWorkQueue(grpc::CallbackServerContext* context,
      const grpc::ByteBuffer* request, grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ProposeTechnicians(grpc::CallbackServerContext* context,
      const v1::ProposeTechniciansRequest* request, v1::ProposeTechniciansResponse* response) override;
  grpc::ServerUnaryReactor* SetTechnicianAvailability(grpc::CallbackServerContext* context,
      const v1::SetTechnicianAvailabilityRequest* request, v1::TechnicianAvailability* response) override;
  grpc::ServerUnaryReactor* ScheduleVisit(grpc::CallbackServerContext* context,
      const v1::ScheduleVisitRequest* request, v1::Ticket* response) override;
  grpc::ServerUnaryReactor* RecordVisit(grpc::CallbackServerContext* context,
      const v1::RecordVisitRequest* request, v1::Ticket* response) override;
  grpc::ServerUnaryReactor* SubmitSurvey(grpc::CallbackServerContext* context,
      const v1::SubmitSurveyRequest* request, v1::Ticket* response) override;
  grpc::ServerUnaryReactor* RequestPart(grpc::CallbackServerContext* context,
      const v1::RequestPartRequest* request, v1::Ticket* response) override;
  grpc::ServerUnaryReactor* UpdatePart(grpc::CallbackServerContext* context,
      const v1::UpdatePartRequest* request, v1::Ticket* response) override;
  grpc::ServerUnaryReactor* SetQuote(grpc::CallbackServerContext* context,
      const v1::SetQuoteRequest* request, v1::Ticket* response) override;
  grpc::ServerUnaryReactor* RecordQuoteDecision(grpc::CallbackServerContext* context,
      const v1::RecordQuoteDecisionRequest* request, v1::Ticket* response) override;
  grpc::ServerUnaryReactor* SetPaymentStatus(grpc::CallbackServerContext* context,
      const v1::SetPaymentStatusRequest* request, v1::Ticket* response) override;

 private:
  const Calls& calls_;
  const Endpoints& e_;
};

}  // namespace ticketing::api

#endif  // TICKETING_SERVER_API_GRPC_TICKET_GRPC_SERVICE_H_
