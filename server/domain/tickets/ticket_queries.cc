// TicketQueries: one ticket, listings, history and the store check.
#include "server/domain/tickets/ticket_queries.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "proto/base/status_macros.h"
#include "server/domain/base/page_token.h"
#include "server/domain/base/ticket_events.h"
#include "server/domain/base/validation.h"
#include "storage/ticket_id.h"

namespace ticketing::domain {
namespace {

// The most tickets or events one page holds (docs/api.md): bounds a response's size and
// the work of one call, whatever the caller asks.
constexpr int kMaxPageSize = 500;

// page_size 0 means `default_size`; above the maximum is lowered to it (AIP-158).
absl::StatusOr<int> PageSize(int32_t requested, int default_size) {
  if (requested < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: must be between 0 and ", kMaxPageSize, " (got ", requested, ")"));
  }
  if (requested == 0) return default_size;
  return std::min<int>(requested, kMaxPageSize);
}

absl::StatusOr<storage::TicketFilter> FilterOf(const v1::ListTicketsRequest& request) {
  storage::TicketFilter filter;
  for (int status : request.statuses()) {
    if (!v1::TicketStatus_IsValid(status) || status == v1::TICKET_STATUS_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat("statuses: unknown status ", status));
    }
    // Each status is one index cursor merged on every step: a repeat would only cost time.
    if (std::find(filter.statuses.begin(), filter.statuses.end(), status) ==
        filter.statuses.end()) {
      filter.statuses.push_back(static_cast<v1::TicketStatus>(status));
    }
  }
  TKT_RETURN_IF_ERROR(CheckIdentifier("assignee", request.assignee(), false));
  TKT_RETURN_IF_ERROR(CheckIdentifier("account_id", request.account_id(), false));
  TKT_RETURN_IF_ERROR(CheckIdentifier("queue", request.queue(), false));
  if (!v1::Priority_IsValid(request.priority())) {
    return absl::InvalidArgumentError(absl::StrCat("priority: unknown value ", request.priority()));
  }
  if (!v1::TicketKind_IsValid(request.kind())) {
    return absl::InvalidArgumentError(absl::StrCat("kind: unknown value ", request.kind()));
  }
  filter.assignee = request.assignee();
  filter.account_id = request.account_id();
  filter.queue = request.queue();
  filter.priority = request.priority();
  filter.kind = request.kind();
  if (request.has_create_time_from()) filter.created_from = FromTimestamp(request.create_time_from());
  if (request.has_create_time_to()) filter.created_to = FromTimestamp(request.create_time_to());
  if (filter.created_from && filter.created_to && *filter.created_to < *filter.created_from) {
    return absl::InvalidArgumentError("create_time_to: must not be before create_time_from");
  }
  return filter;
}

}  // namespace

absl::StatusOr<v1::Ticket> TicketQueries::Get(const Principal& actor,
                                              const v1::GetTicketRequest& request) {
  // Every role reads every ticket (docs/api.md, "Roles"): no check against the ticket.
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kRead, nullptr));
  return core_.Load("id", request.id());
}

absl::StatusOr<v1::ListTicketsResponse> TicketQueries::List(
    const Principal& actor, const v1::ListTicketsRequest& request) {
  TKT_ASSIGN_OR_RETURN(TicketPage page, ListPage(actor, request));
  v1::ListTicketsResponse response;
  for (const std::string& ticket : page.tickets) {
    if (!response.add_tickets()->ParseFromString(ticket)) {
      return absl::DataLossError("a ticket is corrupt");
    }
  }
  response.set_next_page_token(std::move(page.next_page_token));
  return response;
}

absl::StatusOr<TicketPage> TicketQueries::ListPage(const Principal& actor,
                                                   const v1::ListTicketsRequest& request) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kRead, nullptr));
  TKT_ASSIGN_OR_RETURN(const int page_size, PageSize(request.page_size(), 50));
  storage::TicketListRequest query;
  TKT_ASSIGN_OR_RETURN(query.filter, FilterOf(request));
  query.limit = page_size;
  query.serialized = true;
  // The token is bound to the filters but not to page_size (nor to the token itself), so a
  // caller may change the page size while paging; a token replayed with other filters is
  // refused.
  v1::ListTicketsRequest filters_only = request;
  filters_only.clear_page_size();
  filters_only.clear_page_token();
  const uint64_t fingerprint = Fingerprint(filters_only);
  if (!request.page_token().empty()) {
    TKT_ASSIGN_OR_RETURN(auto cursor, DecodePageToken(request.page_token(), fingerprint));
    query.after = storage::Position{static_cast<int64_t>(cursor.first), cursor.second};
  }
  // A page may be short, even empty, and still carry a token: the store bounds the entries one
  // call examines (docs/architecture.md, "Listing") and resumes from the last one examined.
  // A ticket's position never changes, so paging is stable while tickets change.
  TKT_ASSIGN_OR_RETURN(storage::TicketListResult result, core_.store().ListTickets(query));
  TicketPage page;
  page.tickets = std::move(result.records);
  if (result.resume_after) {
    page.next_page_token = EncodePageToken(static_cast<uint64_t>(result.resume_after->create_ms),
                                           result.resume_after->id, fingerprint);
  }
  return page;
}

absl::StatusOr<v1::ListTicketEventsResponse> TicketQueries::ListEvents(
    const Principal& actor, const v1::ListTicketEventsRequest& request) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kRead, nullptr));
  TKT_ASSIGN_OR_RETURN(const int page_size, PageSize(request.page_size(), 100));
  // Loaded first so that an unknown ticket is NOT_FOUND rather than an empty history.
  TKT_ASSIGN_OR_RETURN(const v1::Ticket ticket, core_.Load("ticket_id", request.ticket_id()));
  // A token belongs to one ticket's history.
  v1::ListTicketEventsRequest filters_only;
  filters_only.set_ticket_id(request.ticket_id());
  const uint64_t fingerprint = Fingerprint(filters_only);
  int64_t after_sequence = 0;
  if (!request.page_token().empty()) {
    TKT_ASSIGN_OR_RETURN(auto cursor, DecodePageToken(request.page_token(), fingerprint));
    after_sequence = static_cast<int64_t>(cursor.first);
  }
  // One more than the page: whether another page follows is known without a second read,
  // so the last page carries no token.
  TKT_ASSIGN_OR_RETURN(std::vector<v1::TicketEvent> events,
                       core_.store().ListEvents(*ParseTicketId(ticket.id()), after_sequence,
                                         page_size + 1));
  v1::ListTicketEventsResponse response;
  const bool more = static_cast<int>(events.size()) > page_size;
  if (more) events.pop_back();
  for (v1::TicketEvent& event : events) *response.add_events() = std::move(event);
  if (more) {
    response.set_next_page_token(EncodePageToken(
        static_cast<uint64_t>(response.events().rbegin()->sequence()), 0, fingerprint));
  }
  return response;
}

absl::StatusOr<v1::VerifyStoreResponse> TicketQueries::VerifyStore(const Principal& actor,
                                                                   const Interrupt& interrupt) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kVerifyStore, nullptr));
  // Checked only before the scan: the store's check runs to its end once started.
  TKT_RETURN_IF_ERROR(interrupt.Check());
  TKT_ASSIGN_OR_RETURN(storage::VerifyReport report, core_.store().Verify());
  v1::VerifyStoreResponse response;
  response.set_tickets(report.tickets);
  response.set_index_entries(report.index_entries);
  response.set_events(report.events);
  response.set_timers(report.timers);
  response.set_problem_count(report.problem_count);
  for (std::string& problem : report.problems) response.add_problems(std::move(problem));
  return response;
}

}  // namespace ticketing::domain
