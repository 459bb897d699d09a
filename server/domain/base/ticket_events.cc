#include "server/domain/base/ticket_events.h"

#include <functional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace ticketing::domain {
namespace {

std::string Short(const std::string& name, absl::string_view prefix) {
  return std::string(absl::StripPrefix(name, prefix));
}

using Getter = std::function<std::string(const v1::Ticket&)>;

// The fields UpdateTicket may change, as text for the history. Keep in step with
// CheckUpdatableField: a field updatable there but missing here would change without a
// trace in the history.
const std::vector<std::pair<const char*, Getter>>& DescriptiveFields() {
  static const auto* fields = new std::vector<std::pair<const char*, Getter>>{
      {"summary", [](const v1::Ticket& t) { return t.summary(); }},
      {"description", [](const v1::Ticket& t) { return t.description(); }},
      {"contact.name", [](const v1::Ticket& t) { return t.contact().name(); }},
      {"contact.phone", [](const v1::Ticket& t) { return t.contact().phone(); }},
      {"contact.email", [](const v1::Ticket& t) { return t.contact().email(); }},
      {"product", [](const v1::Ticket& t) { return t.product(); }},
      {"serial_number", [](const v1::Ticket& t) { return t.serial_number(); }},
      {"impact", [](const v1::Ticket& t) { return ImpactName(t.impact()); }},
      {"urgency", [](const v1::Ticket& t) { return UrgencyName(t.urgency()); }},
      {"priority", [](const v1::Ticket& t) { return PriorityName(t.priority()); }},
      {"queue", [](const v1::Ticket& t) { return t.queue(); }},
      {"region", [](const v1::Ticket& t) { return t.region(); }},
  };
  return *fields;
}

}  // namespace





void RecordChange(v1::TicketEvent& event, absl::string_view field, absl::string_view old_value,
                  absl::string_view new_value) {
  // Equal values record nothing, which is what lets an edit that changes nothing stay a
  // no-op (TicketCore::Edit).
  if (old_value == new_value) return;
  v1::FieldChange* change = event.add_changes();
  change->set_field(std::string(field));
  change->set_old_value(std::string(old_value));
  change->set_new_value(std::string(new_value));
}

void RecordDescriptiveChanges(const v1::Ticket& before, const v1::Ticket& after,
                              v1::TicketEvent& event) {
  for (const auto& [field, get] : DescriptiveFields()) {
    RecordChange(event, field, get(before), get(after));
  }
}

std::string PriorityName(v1::Priority p) {
  return p == v1::PRIORITY_UNSPECIFIED ? "" : Short(v1::Priority_Name(p), "PRIORITY_");
}
std::string ImpactName(v1::Impact i) {
  return i == v1::IMPACT_UNSPECIFIED ? "" : Short(v1::Impact_Name(i), "IMPACT_");
}
std::string UrgencyName(v1::Urgency u) {
  return u == v1::URGENCY_UNSPECIFIED ? "" : Short(v1::Urgency_Name(u), "URGENCY_");
}
std::string KindName(v1::TicketKind k) {
  return k == v1::TICKET_KIND_UNSPECIFIED ? "" : Short(v1::TicketKind_Name(k), "TICKET_KIND_");
}

std::string TierName(v1::ServiceTier t) {
  return t == v1::SERVICE_TIER_UNSPECIFIED ? "" : Short(v1::ServiceTier_Name(t), "SERVICE_TIER_");
}

std::string StatusName(v1::TicketStatus status) {
  const std::string& name = v1::TicketStatus_Name(status);
  // An unknown number still shows in messages, instead of an empty name.
  if (name.empty()) return absl::StrCat("STATUS_", static_cast<int>(status));
  return std::string(absl::StripPrefix(name, "TICKET_STATUS_"));
}

}  // namespace ticketing::domain
