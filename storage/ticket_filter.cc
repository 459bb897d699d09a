#include <algorithm>

#include "absl/time/time.h"
#include "storage/ticket_store.h"

namespace ticketing::storage {
namespace {

absl::Time CreateTime(const v1::Ticket& ticket) {
  return absl::FromUnixSeconds(ticket.create_time().seconds()) +
         absl::Nanoseconds(ticket.create_time().nanos());
}

}  // namespace

bool TicketFilter::Matches(const v1::Ticket& ticket) const {
  if (!statuses.empty() &&
      std::find(statuses.begin(), statuses.end(), ticket.status()) == statuses.end()) {
    return false;
  }
  if (!assignee.empty() && ticket.assignee() != assignee) return false;
  if (!account_id.empty() && ticket.account_id() != account_id) return false;
  if (!queue.empty() && ticket.queue() != queue) return false;
  if (priority != v1::PRIORITY_UNSPECIFIED && ticket.priority() != priority) return false;
  if (kind != v1::TICKET_KIND_UNSPECIFIED && ticket.kind() != kind) return false;
  if (created_from && CreateTime(ticket) < *created_from) return false;
  if (created_to && CreateTime(ticket) >= *created_to) return false;
  return true;
}

void VerifyReport::AddProblem(std::string problem) {
  ++problem_count;
  if (problems.size() < 100) problems.push_back(std::move(problem));
}

}  // namespace ticketing::storage
