#ifndef TICKETING_SERVER_DOMAIN_FIELDWORK_CHARGES_SERVICE_H_
#define TICKETING_SERVER_DOMAIN_FIELDWORK_CHARGES_SERVICE_H_

#include "absl/status/statusor.h"
#include "server/domain/base/principal.h"
#include "server/domain/tickets/ticket_core.h"
#include "ticketing/v1/ticket_service.pb.h"

namespace ticketing::domain {

// Charges, explained (docs/fieldwork.md): a detailed quote with line items (or warranty
// work, free), the customer's decision on each revision, and the payment of an accepted
// quote. Every change goes through the ticket core. Thread-safe.
class ChargesService {
 public:
  // `core` must outlive the service.
  explicit ChargesService(TicketCore& core) : core_(core) {}

  // A new revision of the quote (replacing the last; the customer decides again).
  absl::StatusOr<v1::Ticket> SetQuote(const Principal& actor, const v1::SetQuoteRequest& request);
  // The customer's decision on the current revision (ABORTED for another revision).
  absl::StatusOr<v1::Ticket> RecordQuoteDecision(const Principal& actor,
                                                 const v1::RecordQuoteDecisionRequest& request);
  absl::StatusOr<v1::Ticket> SetPaymentStatus(const Principal& actor,
                                              const v1::SetPaymentStatusRequest& request);

 private:
  TicketCore& core_;
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_FIELDWORK_CHARGES_SERVICE_H_
