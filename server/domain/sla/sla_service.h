#ifndef TICKETING_SERVER_DOMAIN_SLA_SLA_SERVICE_H_
#define TICKETING_SERVER_DOMAIN_SLA_SLA_SERVICE_H_

#include "absl/status/statusor.h"
#include "server/domain/base/interrupt.h"
#include "server/domain/base/principal.h"
#include "server/domain/sla/sla_clocks.h"
#include "server/domain/tickets/ticket_core.h"
#include "ticketing/v1/ticket_service.pb.h"

namespace ticketing::domain {

// The SLA calls of a ticket (docs/sla.md): the date promised to the customer (a clock of
// its own), the explanation of each clock from the ticket's history, and deadlines
// previewed on a calendar or a policy without a ticket. Thread-safe.
class SlaService {
 public:
  // Both must outlive the service.
  SlaService(TicketCore& core, const SlaClocks& clocks) : core_(core), clocks_(clocks) {}

  // Records a date promised to the customer and starts the committed-date clock.
  absl::StatusOr<v1::Ticket> SetCommittedDate(const Principal& actor,
                                              const v1::SetCommittedDateRequest& request);
  // Each clock's segments, from the ticket's history, and how its due time was computed.
  absl::StatusOr<v1::SlaExplanation> ExplainSla(const Principal& actor,
                                                const v1::ExplainSlaRequest& request,
                                                const Interrupt& interrupt = Interrupt::Never());
  // Deadlines on a calendar or under a policy, without a ticket.
  absl::StatusOr<v1::PreviewDeadlineResponse> PreviewDeadline(
      const Principal& actor, const v1::PreviewDeadlineRequest& request);

 private:
  TicketCore& core_;
  const SlaClocks& clocks_;
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_SLA_SLA_SERVICE_H_
