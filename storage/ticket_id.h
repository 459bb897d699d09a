#ifndef TICKETING_STORAGE_TICKET_ID_H_
#define TICKETING_STORAGE_TICKET_ID_H_

#include <cstdint>
#include <optional>
#include <string>


namespace ticketing {

// Ticket ids are "T-<n>" on the wire, with n a positive decimal without leading zeros.

// FormatTicketId(42) == "T-42".
std::string FormatTicketId(uint64_t number);

// ParseTicketId("T-42") == 42; nullopt for anything that FormatTicketId does not produce.
std::optional<uint64_t> ParseTicketId(absl::string_view id);

}  // namespace ticketing

#endif  // TICKETING_STORAGE_TICKET_ID_H_
