#ifndef TICKETING_STORAGE_REPORT_FACTS_H_
#define TICKETING_STORAGE_REPORT_FACTS_H_

#include <string>

#include "ticketing/v1/report.pb.h"
#include "ticketing/v1/ticket.pb.h"

namespace ticketing::storage {

// The compact facts reports need of `ticket` (docs/reports.md): its grouping values, each
// SLA clock's outcome and business time, visits, verification and survey results, fault
// category and root cause. Pure; derived like the index entries and rewritten with the
// ticket in the same batch.
v1::TicketFacts FactsOf(const v1::Ticket& ticket);

// The key of a ticket's facts in the "report_facts" column family: its position
// (<create_ms:8><id:8>), so a creation-time range is one key range.
std::string FactsKey(const v1::Ticket& ticket);

}  // namespace ticketing::storage

#endif  // TICKETING_STORAGE_REPORT_FACTS_H_
