#ifndef TICKETING_SERVER_DOMAIN_BASE_VALIDATION_H_
#define TICKETING_SERVER_DOMAIN_BASE_VALIDATION_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "ticketing/v1/ticket.pb.h"

namespace ticketing::domain {

// Field checks. Each returns OK or INVALID_ARGUMENT whose message starts with the field's
// path, e.g. "ticket.summary: must not be empty". Lengths count Unicode characters.

inline constexpr size_t kMaxSummaryChars = 200;
inline constexpr size_t kMaxLongTextChars = 10000;  // description, comment, note
inline constexpr size_t kMaxNameChars = 100;        // contact name, product
inline constexpr size_t kMaxSerialChars = 64;
inline constexpr size_t kMaxReasonChars = 1000;
inline constexpr size_t kMaxIdentifierChars = 64;

// What one ticket may hold (docs/security.md, "Input"), enforced by TicketCore on every
// change a person makes: visits, part requests, changes (events), and bytes as stored.
inline constexpr int kMaxVisitsPerTicket = 50;
inline constexpr int kMaxPartsPerTicket = 100;
inline constexpr int64_t kMaxTicketChanges = 10000;
inline constexpr size_t kMaxTicketBytes = 256 * 1024;

// An identifier (account id, user name, queue, region): 1-64 of [A-Za-z0-9._:/-], starting
// with a letter or digit. Empty is OK unless `required`.
absl::Status CheckIdentifier(absl::string_view field, absl::string_view value, bool required);

// A client request id: 1-64 of [A-Za-z0-9._:-].
absl::Status CheckRequestId(absl::string_view field, absl::string_view value);

// One line of text (no control characters) of at most `max_chars`; empty only if !required.
absl::Status CheckLine(absl::string_view field, absl::string_view value, size_t max_chars,
                       bool required);

// Free text (newlines and tabs allowed, no other control characters) of at most `max_chars`.
absl::Status CheckText(absl::string_view field, absl::string_view value, size_t max_chars,
                       bool required);

// A fully checked new ticket as sent in CreateTicketRequest.ticket (prefix "ticket.").
// Required: kind, account_id, summary, contact.name.
// Optional contact fields: digits, spaces, + ( ) - (3-32); at most 254 with an '@'.
absl::Status CheckPhone(absl::string_view field, absl::string_view value);
absl::Status CheckEmail(absl::string_view field, absl::string_view value);

// A hand-set priority needs a reason (ticket.priority_reason), at most 1,000 characters.
absl::Status CheckPriorityReason(const v1::Ticket& ticket);

absl::Status CheckNewTicket(const v1::Ticket& ticket);

// Checks one updatable field path (see UpdateTicketRequest) of `ticket`.
// INVALID_ARGUMENT "update_mask: ..." for a path that is unknown or not updatable.
absl::Status CheckUpdatableField(const v1::Ticket& ticket, absl::string_view path);

// A ticket id of the form "T-<n>".
absl::Status CheckTicketId(absl::string_view field, absl::string_view value);

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_BASE_VALIDATION_H_
