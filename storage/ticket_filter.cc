#include <algorithm>

#include "absl/time/time.h"
#include "storage/ticket_store.h"

namespace ticketing::storage {
namespace {

template <typename T>
// Full precision, not the index's whole ms: the listing's walk bounds the range in ms, and
// this is the exact check.
absl::Time CreateTime(const T& ticket) {
  return absl::FromUnixSeconds(ticket.create_time().seconds()) +
         absl::Nanoseconds(ticket.create_time().nanos());
}

// A v1::Ticket or a TicketHeader: the same accessors.
template <typename T>
bool MatchesFields(const TicketFilter& filter, const T& ticket) {
  const auto& statuses = filter.statuses;
  if (!statuses.empty() &&
      std::find(statuses.begin(), statuses.end(), ticket.status()) == statuses.end()) {
    return false;
  }
  if (!filter.assignee.empty() && ticket.assignee() != filter.assignee) return false;
  if (!filter.account_id.empty() && ticket.account_id() != filter.account_id) return false;
  if (!filter.queue.empty() && ticket.queue() != filter.queue) return false;
  if (filter.priority != v1::PRIORITY_UNSPECIFIED && ticket.priority() != filter.priority) {
    return false;
  }
  if (filter.kind != v1::TICKET_KIND_UNSPECIFIED && ticket.kind() != filter.kind) return false;
  if (filter.created_from && CreateTime(ticket) < *filter.created_from) return false;
  if (filter.created_to && CreateTime(ticket) >= *filter.created_to) return false;
  return true;
}

}  // namespace

bool TicketFilter::Matches(const v1::Ticket& ticket) const { return MatchesFields(*this, ticket); }

bool TicketFilter::Matches(const TicketHeader& ticket) const {
  return MatchesFields(*this, ticket);
}

void VerifyReport::AddProblem(std::string problem) {
  ++problem_count;
  if (problems.size() < 100) problems.push_back(std::move(problem));
}

}  // namespace ticketing::storage
