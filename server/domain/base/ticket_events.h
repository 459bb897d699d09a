#ifndef TICKETING_SERVER_DOMAIN_BASE_TICKET_EVENTS_H_
#define TICKETING_SERVER_DOMAIN_BASE_TICKET_EVENTS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "proto/base/proto_time.h"
#include "ticketing/v1/ticket.pb.h"

namespace ticketing::domain {

using ::ticketing::FromDurationProto;  // proto/base/proto_time.h
using ::ticketing::FromTimestamp;
using ::ticketing::ToDurationProto;
using ::ticketing::ToTimestamp;

// Appends a FieldChange to `event` when old_value != new_value.
void RecordChange(v1::TicketEvent& event, absl::string_view field, absl::string_view old_value,
                  absl::string_view new_value);

// Records every difference between `before` and `after` in the fields UpdateTicket may
// change (summary, description, contact.*, product, serial_number, impact, urgency,
// priority, queue, region), as text.
void RecordDescriptiveChanges(const v1::Ticket& before, const v1::Ticket& after,
                              v1::TicketEvent& event);

// "NEW", "IN_PROGRESS", ...: the enum name without its TICKET_STATUS_ prefix.
std::string StatusName(v1::TicketStatus status);
// Short enum names for history and messages: "P1", "HIGH", "REPAIR".
std::string PriorityName(v1::Priority priority);
std::string ImpactName(v1::Impact impact);
std::string UrgencyName(v1::Urgency urgency);
std::string KindName(v1::TicketKind kind);
// "KEY", "POTENTIAL_KEY", "STANDARD" ("" for UNSPECIFIED).
std::string TierName(v1::ServiceTier tier);

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_BASE_TICKET_EVENTS_H_
