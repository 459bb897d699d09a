#ifndef TICKETING_SERVER_DOMAIN_TICKETS_TICKET_QUERIES_H_
#define TICKETING_SERVER_DOMAIN_TICKETS_TICKET_QUERIES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/domain/base/interrupt.h"
#include "server/domain/base/principal.h"
#include "server/domain/tickets/ticket_core.h"
#include "ticketing/v1/admin_service.pb.h"
#include "ticketing/v1/ticket_service.pb.h"

namespace ticketing::domain {

// A page of tickets as the store holds them, so a transport can answer with the bytes
// instead of parsing and serializing each ticket again (server/api/wire.h).
struct TicketPage {
  std::vector<std::string> tickets;  // each a serialized v1::Ticket, in listing order
  std::string next_page_token;       // empty on the last page
};

// Reading tickets: one ticket, filtered listings with page tokens, a ticket's history, and
// the store's consistency check. Thread-safe (stateless beyond the core).
class TicketQueries {
 public:
  // `core` must outlive the queries.
  explicit TicketQueries(TicketCore& core) : core_(core) {}

  absl::StatusOr<v1::Ticket> Get(const Principal& actor, const v1::GetTicketRequest& request);
  // A page of the tickets matching the request's filters, oldest first.
  absl::StatusOr<TicketPage> ListPage(const Principal& actor, const v1::ListTicketsRequest& request);
  // The same page, parsed.
  absl::StatusOr<v1::ListTicketsResponse> List(const Principal& actor,
                                               const v1::ListTicketsRequest& request);
  absl::StatusOr<v1::ListTicketEventsResponse> ListEvents(
      const Principal& actor, const v1::ListTicketEventsRequest& request);
  // Runs the store's consistency check (a full scan; `interrupt` is checked before it).
  absl::StatusOr<v1::VerifyStoreResponse> VerifyStore(
      const Principal& actor, const Interrupt& interrupt = Interrupt::Never());

 private:
  TicketCore& core_;
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_TICKETS_TICKET_QUERIES_H_
