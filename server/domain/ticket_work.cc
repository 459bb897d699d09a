// TicketService: work queues and moving an account's tickets to a new tier.
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/wrappers.pb.h"
#include "proto/base/status_macros.h"
#include "server/domain/page_token.h"
#include "server/domain/state_machine.h"
#include "server/domain/ticket_events.h"
#include "server/domain/ticket_service.h"
#include "server/domain/validation.h"
#include "server/domain/wire.h"
#include "storage/keys.h"
#include "storage/ticket_id.h"

namespace ticketing::domain {
namespace {

// The index prefix of the queue asked for, after authorising the caller for it.
absl::StatusOr<std::string> QueuePrefixFor(const Principal& actor,
                                           const v1::ListWorkQueueRequest& request) {
  switch (request.scope_case()) {
    case v1::ListWorkQueueRequest::kMine:
      return storage::WorkAssigneePrefix(actor.name);
    case v1::ListWorkQueueRequest::kAssignee:
      TKT_RETURN_IF_ERROR(CheckIdentifier("assignee", request.assignee(), true));
      if (request.assignee() != actor.name) {
        TKT_RETURN_IF_ERROR(Authorize(actor, Action::kReadQueueOf, nullptr));
      }
      return storage::WorkAssigneePrefix(request.assignee());
    case v1::ListWorkQueueRequest::kQueue:
      TKT_RETURN_IF_ERROR(CheckIdentifier("queue", request.queue(), true));
      TKT_RETURN_IF_ERROR(Authorize(actor, Action::kReadQueueOf, nullptr));
      return storage::WorkQueuePrefix(request.queue());
    default:
      return absl::InvalidArgumentError("scope: set one of mine, assignee or queue");
  }
}

}  // namespace

std::optional<absl::Duration> TicketService::BusinessTimeLeft(
    const storage::TicketHeader& ticket, absl::Time now) const {
  if (!ticket.has_next_due_time()) return std::nullopt;
  const absl::Time due = FromTimestamp(ticket.next_due_time());
  const std::shared_ptr<const SlaPolicySet> policies = sla_.policies();
  const SlaPolicy* policy = policies->Find(ticket.sla_policy());
  if (policy == nullptr || policy->calendar == nullptr) return due - now;
  absl::StatusOr<absl::Duration> left =
      due >= now ? policy->calendar->Elapsed(now, due) : policy->calendar->Elapsed(due, now);
  if (!left.ok()) return due - now;
  return due >= now ? *left : -*left;
}

absl::StatusOr<v1::ListWorkQueueResponse> TicketService::ListWorkQueue(
    const Principal& actor, const v1::ListWorkQueueRequest& request) {
  TKT_ASSIGN_OR_RETURN(const std::string serialized, ListWorkQueueSerialized(actor, request));
  v1::ListWorkQueueResponse response;
  if (!response.ParseFromString(serialized)) return absl::DataLossError("a ticket is corrupt");
  return response;
}

absl::StatusOr<std::string> TicketService::ListWorkQueueSerialized(
    const Principal& actor, const v1::ListWorkQueueRequest& request) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kRead, nullptr));
  TKT_ASSIGN_OR_RETURN(const std::string prefix, QueuePrefixFor(actor, request));
  if (request.page_size() < 0) {
    return absl::InvalidArgumentError("page_size: must be between 0 and 500");
  }
  const int page_size = request.page_size() == 0 ? 50 : std::min(request.page_size(), 500);
  google::protobuf::StringValue scope;
  scope.set_value(prefix);
  const uint64_t fingerprint = Fingerprint(scope);
  std::string after;
  if (!request.page_token().empty()) {
    TKT_ASSIGN_OR_RETURN(after, DecodeBytesPageToken(request.page_token(), fingerprint));
  }
  TKT_ASSIGN_OR_RETURN(storage::WorkQueuePage page,
                       store_.ListWorkQueue(prefix, after.empty() ? "" : prefix + after,
                                            page_size));
  const absl::Time now = clock_.Now();
  // Each item is the stored ticket's bytes and the time left: only the ticket's header is
  // parsed (into one reused message) to compute that, and nothing is serialized again.
  std::string response;
  size_t size = FieldSize(64);  // the page token
  for (const std::string& record : page.records) size += FieldSize(FieldSize(record.size()) + 16);
  response.reserve(size);
  std::string item;
  storage::TicketHeader ticket;
  google::protobuf::Duration left_proto;
  for (const std::string& record : page.records) {
    if (!ticket.ParseFromString(record)) return absl::DataLossError("a ticket is corrupt");
    item.clear();
    AppendField(v1::WorkItem::kTicketFieldNumber, record, &item);
    if (std::optional<absl::Duration> left = BusinessTimeLeft(ticket, now)) {
      ToDurationProto(*left, &left_proto);
      AppendField(v1::WorkItem::kBusinessTimeLeftFieldNumber, left_proto.SerializeAsString(),
                  &item);
    }
    AppendField(v1::ListWorkQueueResponse::kItemsFieldNumber, item, &response);
  }
  if (!page.resume_after.empty()) {
    AppendField(v1::ListWorkQueueResponse::kNextPageTokenFieldNumber,
                EncodeBytesPageToken(page.resume_after.substr(prefix.size()), fingerprint),
                &response);
  }
  return response;
}

absl::StatusOr<int> TicketService::RetierAccountTickets(const std::string& account_id,
                                                        const Principal& actor) {
  if (account_id.empty()) return absl::InvalidArgumentError("account_id: must not be empty");
  storage::TicketListRequest query;
  query.filter.account_id = account_id;
  for (int s = v1::TicketStatus_MIN; s <= v1::TicketStatus_MAX; ++s) {
    const auto status = static_cast<v1::TicketStatus>(s);
    if (s != v1::TICKET_STATUS_UNSPECIFIED && IsOpen(status)) query.filter.statuses.push_back(status);
  }
  query.limit = 500;
  int moved = 0;
  while (true) {
    TKT_ASSIGN_OR_RETURN(storage::TicketListResult result, store_.ListTickets(query));
    for (const v1::Ticket& ticket : result.tickets) {
      MutationSpec spec{"id", ticket.id(), 0, false, Action::kInternal};
      auto retier = [&](const v1::Ticket& current, absl::Time, v1::Ticket& next,
                        v1::TicketEvent& event) {
        v1::ServiceTier tier = v1::SERVICE_TIER_STANDARD;
        if (accounts_ != nullptr) {
          TKT_ASSIGN_OR_RETURN(std::optional<v1::Account> account, accounts_->Find(account_id));
          if (account && account->service_tier() != v1::SERVICE_TIER_UNSPECIFIED) {
            tier = account->service_tier();
          }
        }
        if (!IsOpen(current.status()) || current.service_tier() == tier) return absl::OkStatus();
        next.set_service_tier(tier);
        event.set_type(v1::EVENT_TYPE_TIER);
        RecordChange(event, "service_tier", TierName(current.service_tier()), TierName(tier));
        event.set_reason(absl::StrCat("account ", account_id, " reclassified"));
        return absl::OkStatus();
      };
      TKT_ASSIGN_OR_RETURN(auto changed, Mutate(actor, spec, retier));
      if (changed.second.sequence() != 0) ++moved;
    }
    if (!result.resume_after) return moved;
    query.after = result.resume_after;
  }
}

}  // namespace ticketing::domain
