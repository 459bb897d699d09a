#ifndef TICKETING_SERVER_API_TICKET_GRPC_SERVICE_H_
#define TICKETING_SERVER_API_TICKET_GRPC_SERVICE_H_

#include "server/api/authenticator.h"
#include "server/domain/dispatch.h"
#include "server/domain/ticket_service.h"
#include "server/exec/write_executor.h"
#include "ticketing/v1/ticket_service.grpc.pb.h"

namespace ticketing::api {

// The TicketService RPCs on gRPC's callback API, the server's hot path. Every handler
// authenticates the caller and checks the deadline, then:
//   - a write (create, update, transition, comment, visit, part, ...) is handed to the
//     write executor, which runs it with the other writes queued meanwhile, commits them
//     all with one WAL sync and only then finishes the call (docs/performance.md). A gRPC
//     thread never waits for the disk.
//   - a read (get, list, work queue, explain, preview) runs in the handler: it is a short
//     lookup in RocksDB's memory or block cache that never waits for a lock held across a
//     commit.
// A write still queued when its deadline passes is answered DEADLINE_EXCEEDED, undone.
// The two listings are raw methods: the domain builds their response bytes from the
// tickets' stored bytes, sent as they are.
using TicketServiceBase = v1::TicketService::WithRawCallbackMethod_ListTickets<
    v1::TicketService::WithRawCallbackMethod_ListWorkQueue<v1::TicketService::CallbackService>>;

class TicketGrpcService final : public TicketServiceBase {
 public:
  // All must outlive the service.
  TicketGrpcService(domain::TicketService& tickets, domain::Dispatcher& dispatcher,
                    exec::WriteExecutor& writer, const Authenticator& auth)
      : tickets_(tickets), dispatcher_(dispatcher), writer_(writer), auth_(auth) {}

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
  // Answers a read at once.
  template <typename Response, typename Call>
  grpc::ServerUnaryReactor* Read(grpc::CallbackServerContext* context, Response* response,
                                 Call call);
  // Answers a read whose response `call(principal, request)` returns serialized; parses
  // the request (INVALID_ARGUMENT if it is not a `Request`).
  template <typename Request, typename Call>
  grpc::ServerUnaryReactor* ReadSerialized(grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response, Call call);
  // Queues a write on the executor; the call finishes when it is durable.
  template <typename Response, typename Call>
  grpc::ServerUnaryReactor* Write(grpc::CallbackServerContext* context, Response* response,
                                  Call call);

  domain::TicketService& tickets_;
  domain::Dispatcher& dispatcher_;
  exec::WriteExecutor& writer_;
  const Authenticator& auth_;
};

}  // namespace ticketing::api

#endif  // TICKETING_SERVER_API_TICKET_GRPC_SERVICE_H_
