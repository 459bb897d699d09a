// WorkQueueService: the open tickets of one assignee or team in working order.
#include "server/domain/queues/work_queue_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/wrappers.pb.h"
#include "proto/base/status_macros.h"
#include "server/domain/base/authz.h"
#include "server/domain/base/page_token.h"
#include "server/domain/tickets/state_machine.h"
#include "server/domain/base/ticket_events.h"
#include "server/domain/base/validation.h"
#include "storage/ticket_id.h"

namespace ticketing::domain {
namespace {

// The queue asked for, after authorising the caller for it.
absl::StatusOr<storage::WorkQueueScope> ScopeOf(const Principal& actor,
                                                const v1::ListWorkQueueRequest& request) {
  switch (request.scope_case()) {
    // One's own queue needs nothing beyond kRead; technicians may read only their own
    // (docs/accounts.md, "Work queues").
    case v1::ListWorkQueueRequest::kMine:
      return storage::WorkQueueScope::Assignee(actor.name);
    case v1::ListWorkQueueRequest::kAssignee:
      TKT_RETURN_IF_ERROR(CheckIdentifier("assignee", request.assignee(), true));
      // Naming oneself is the same as `mine`.
      if (request.assignee() != actor.name) {
        TKT_RETURN_IF_ERROR(Authorize(actor, Action::kReadQueueOf, nullptr));
      }
      return storage::WorkQueueScope::Assignee(request.assignee());
    case v1::ListWorkQueueRequest::kQueue:
      TKT_RETURN_IF_ERROR(CheckIdentifier("queue", request.queue(), true));
      TKT_RETURN_IF_ERROR(Authorize(actor, Action::kReadQueueOf, nullptr));
      return storage::WorkQueueScope::Queue(request.queue());
    default:
      return absl::InvalidArgumentError("scope: set one of mine, assignee or queue");
  }
}

}  // namespace

std::optional<absl::Duration> WorkQueueService::BusinessTimeLeft(
    const storage::TicketHeader& ticket, absl::Time now) const {
  if (!ticket.has_next_due_time()) return std::nullopt;
  const absl::Time due = FromTimestamp(ticket.next_due_time());
  // The set in force now, held for the call (ReplaceSlaConfig may swap it meanwhile). The
  // ticket may run on an older version of its policy; that is good enough for a figure shown
  // beside the order, which itself comes from the index.
  const std::shared_ptr<const SlaPolicySet> policies = clocks_.policies();
  const SlaPolicy* policy = policies->Find(ticket.sla_policy());
  // Without the policy (renamed or removed since) or its calendar, or outside the calendar's
  // dates, the wall-clock difference is shown rather than failing the whole page.
  if (policy == nullptr || policy->calendar == nullptr) return due - now;
  absl::StatusOr<absl::Duration> left =
      due >= now ? policy->calendar->Elapsed(now, due) : policy->calendar->Elapsed(due, now);
  if (!left.ok()) return due - now;
  return due >= now ? *left : -*left;
}

absl::StatusOr<v1::ListWorkQueueResponse> WorkQueueService::ListWorkQueue(
    const Principal& actor, const v1::ListWorkQueueRequest& request) {
  TKT_ASSIGN_OR_RETURN(WorkPage page, ListWorkPage(actor, request));
  v1::ListWorkQueueResponse response;
  for (const WorkPage::Item& item : page.items) {
    v1::WorkItem* out = response.add_items();
    if (!out->mutable_ticket()->ParseFromString(item.ticket)) {
      return absl::DataLossError("a ticket is corrupt");
    }
    if (item.business_time_left) {
      ToDurationProto(*item.business_time_left, out->mutable_business_time_left());
    }
  }
  response.set_next_page_token(std::move(page.next_page_token));
  return response;
}

absl::StatusOr<WorkPage> WorkQueueService::ListWorkPage(const Principal& actor,
                                                        const v1::ListWorkQueueRequest& request) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kRead, nullptr));
  TKT_ASSIGN_OR_RETURN(const storage::WorkQueueScope scope, ScopeOf(actor, request));
  if (request.page_size() < 0) {
    return absl::InvalidArgumentError("page_size: must be between 0 and 500");
  }
  // The same page sizes as ListTickets (docs/api.md, "Listing and paging").
  const int page_size = request.page_size() == 0 ? 50 : std::min(request.page_size(), 500);
  // A page token belongs to its queue: the kind prefix keeps a token of assignee "x" from
  // being replayed on team queue "x". Like ListTickets, it is not bound to page_size.
  google::protobuf::StringValue scope_name;
  scope_name.set_value(absl::StrCat(scope.kind == storage::WorkQueueScope::Kind::kAssignee
                                        ? "assignee:"
                                        : "queue:",
                                    scope.name));
  const uint64_t fingerprint = Fingerprint(scope_name);
  std::string after;
  if (!request.page_token().empty()) {
    TKT_ASSIGN_OR_RETURN(after, DecodeBytesPageToken(request.page_token(), fingerprint));
  }
  TKT_ASSIGN_OR_RETURN(storage::WorkQueuePage stored,
                       store_.ListWorkQueue(scope, after, page_size));
  const absl::Time now = clock_.Now();
  // Only each ticket's header is parsed (into one reused message) to compute the time
  // left; the tickets themselves stay the stored bytes.
  WorkPage page;
  page.items.reserve(stored.records.size());
  storage::TicketHeader ticket;
  for (std::string& record : stored.records) {
    if (!ticket.ParseFromString(record)) return absl::DataLossError("a ticket is corrupt");
    page.items.push_back(WorkPage::Item{std::move(record), BusinessTimeLeft(ticket, now)});
  }
  // The cursor is the last index key read (class, rank, id). The queue is live: a ticket
  // whose rank changes between pages may be listed twice or not at all.
  if (!stored.resume_after.empty()) {
    page.next_page_token = EncodeBytesPageToken(stored.resume_after, fingerprint);
  }
  return page;
}

}  // namespace ticketing::domain
