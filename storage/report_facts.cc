#include "storage/report_facts.h"

#include "proto/base/proto_time.h"
#include "storage/keys.h"

namespace ticketing::storage {
namespace {

int64_t Millis(const google::protobuf::Timestamp& t) {
  return absl::ToUnixMillis(FromTimestamp(t));
}

int64_t Millis(const google::protobuf::Duration& d) {
  return absl::ToInt64Milliseconds(FromDurationProto(d));
}

}  // namespace

// Verify() compares each stored record with FactsOf(ticket) byte for byte: a change here makes
// every stored record stale until its ticket is written again (rederive them on open, as the
// version 2 upgrade does). An unset time becomes 0, the epoch, read as "not yet" (a clock's
// end_ms is 0 while it counts).
v1::TicketFacts FactsOf(const v1::Ticket& t) {
  v1::TicketFacts f;
  f.set_ticket_id(t.id());
  // The same ms as the record's key (FactsKey), floored and clamped alike.
  f.set_create_ms(PositionOf(t).create_ms);
  f.set_kind(t.kind());
  f.set_status(t.status());
  f.set_tier(t.service_tier());
  f.set_account_id(t.account_id());
  f.set_region(t.region());
  f.set_queue(t.queue());
  f.set_assignee(t.assignee());
  f.set_product(t.product());
  for (const v1::SlaClock& c : t.sla_clocks()) {
    v1::TicketFacts::Clock& clock = *f.add_clocks();
    clock.set_kind(c.kind());
    clock.set_state(c.state());
    clock.set_breached(c.breached());
    clock.set_breach_count(c.breach_count());
    clock.set_elapsed_ms(Millis(c.elapsed()));
    clock.set_due_ms(Millis(c.due_time()));
    clock.set_end_ms(Millis(c.end_time()));
  }
  for (const v1::Visit& v : t.visits()) {
    if (v.outcome() != v1::VISIT_OUTCOME_UNSPECIFIED) f.set_visits_recorded(f.visits_recorded() + 1);
  }
  if (t.has_first_time_fix()) f.set_first_time_fix(t.first_time_fix());
  f.set_resolve_ms(Millis(t.resolve_time()));
  f.set_close_ms(Millis(t.close_time()));
  f.set_verification_overdue(t.verification_overdue());
  f.set_surveyed(t.has_survey());
  f.set_survey_overall(t.survey().overall());
  f.set_dissatisfied(t.survey().dissatisfied());
  f.set_fault_category(t.resolution().fault_category());
  f.set_root_cause(t.resolution().root_cause());
  return f;
}

std::string FactsKey(const v1::Ticket& ticket) { return EncodePosition(PositionOf(ticket)); }

}  // namespace ticketing::storage
