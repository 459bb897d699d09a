// TicketService: creation, reading, and the shared read-check-commit path of every change.
#include "server/domain/ticket_service.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "proto/base/status_macros.h"
#include "server/domain/page_token.h"
#include "server/domain/priority.h"
#include "server/domain/state_machine.h"
#include "server/domain/ticket_events.h"
#include "server/domain/validation.h"
#include "server/domain/work_queue.h"
#include "storage/ticket_id.h"

namespace ticketing::domain {

TicketService::TicketService(storage::TicketStore& store, const Clock& clock,
                             const UserDirectory& users, const SlaClocks& sla)
    : store_(store), clock_(clock), users_(users), sla_(sla) {}

absl::Status TicketService::CheckAssignee(absl::string_view field,
                                          absl::string_view assignee) const {
  TKT_RETURN_IF_ERROR(CheckIdentifier(field, assignee, false));
  if (assignee.empty()) return absl::OkStatus();
  const std::optional<Principal> user = users_.Find(assignee);
  if (!user) return absl::InvalidArgumentError(absl::StrCat(field, ": unknown user ", assignee));
  if (user->role == v1::ROLE_ADMIN || user->role == v1::ROLE_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": user ", assignee, " is an ",
                                                   RoleName(user->role),
                                                   " and cannot be assigned tickets"));
  }
  return absl::OkStatus();
}

v1::Ticket TicketService::NewTicket(const Principal& actor, const v1::Ticket& fields,
                                    uint64_t id, v1::ServiceTier tier, absl::Time now) const {
  v1::Ticket ticket;
  ticket.set_kind(fields.kind());
  ticket.set_account_id(fields.account_id());
  *ticket.mutable_contact() = fields.contact();
  ticket.set_product(fields.product());
  ticket.set_serial_number(fields.serial_number());
  ticket.set_summary(fields.summary());
  ticket.set_description(fields.description());
  ticket.set_impact(fields.impact());
  ticket.set_urgency(fields.urgency());
  ticket.set_service_tier(tier);
  if (fields.priority() != v1::PRIORITY_UNSPECIFIED) {
    ticket.set_priority(fields.priority());
    ticket.set_priority_reason(absl::StrCat("set by ", actor.name, ": ", fields.priority_reason()));
  } else {
    PriorityDecision decision =
        priority_.Decide(fields.impact(), fields.urgency(), fields.kind(), tier);
    ticket.set_priority(decision.priority);
    ticket.set_priority_reason(std::move(decision.reason));
  }
  ticket.set_assignee(fields.assignee());
  ticket.set_queue(fields.queue());
  ticket.set_region(fields.region());
  ticket.set_id(FormatTicketId(id));
  ticket.set_status(fields.assignee().empty() ? v1::TICKET_STATUS_NEW
                                              : v1::TICKET_STATUS_ASSIGNED);
  ticket.set_created_by(actor.name);
  ticket.set_version(1);
  ToTimestamp(now, ticket.mutable_create_time());
  ToTimestamp(now, ticket.mutable_update_time());
  return ticket;
}

absl::StatusOr<v1::Ticket> TicketService::Create(const Principal& actor,
                                                 const v1::CreateTicketRequest& request) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kCreate, nullptr));
  TKT_RETURN_IF_ERROR(CheckRequestId("request_id", request.request_id()));
  TKT_RETURN_IF_ERROR(CheckNewTicket(request.ticket()));
  TKT_RETURN_IF_ERROR(CheckAssignee("ticket.assignee", request.ticket().assignee()));
  const uint64_t fingerprint = Fingerprint(request.ticket());

  absl::MutexLock lock(&LockFor(std::hash<std::string>()(request.request_id())));
  TKT_ASSIGN_OR_RETURN(std::optional<storage::RequestRecord> seen,
                       store_.GetRequest(request.request_id()));
  if (seen) return ReplayCreate(*seen, fingerprint);
  if (accounts_ == nullptr) {
    return CommitNewTicket(actor, request, fingerprint, v1::SERVICE_TIER_STANDARD);
  }
  absl::StatusOr<v1::Ticket> created;
  TKT_RETURN_IF_ERROR(accounts_->WithAccount(
      "ticket.account_id", request.ticket().account_id(), [&](const v1::Account& account) {
        created = CommitNewTicket(actor, request, fingerprint, account.service_tier());
        return created.status();
      }));
  return created;
}

absl::StatusOr<v1::Ticket> TicketService::CommitNewTicket(const Principal& actor,
                                                          const v1::CreateTicketRequest& request,
                                                          uint64_t fingerprint,
                                                          v1::ServiceTier tier) {
  // Whole milliseconds: listings order by (create_time, id), and the indexes key the time in
  // milliseconds, so the stored time must not be finer than the order the server keeps.
  const absl::Time now = absl::FromUnixMillis(absl::ToUnixMillis(clock_.Now()));
  storage::TicketChange change;
  change.after = NewTicket(actor, request.ticket(), store_.AllocateTicketId(),
                           tier == v1::SERVICE_TIER_UNSPECIFIED ? v1::SERVICE_TIER_STANDARD : tier,
                           now);
  change.event.set_ticket_id(change.after.id());
  change.event.set_sequence(1);
  ToTimestamp(now, change.event.mutable_time());
  change.event.set_actor(actor.name);
  change.event.set_type(v1::EVENT_TYPE_CREATED);
  change.event.set_visibility(v1::VISIBILITY_INTERNAL);
  RecordChange(change.event, "status", "", StatusName(change.after.status()));
  RecordChange(change.event, "priority", "", PriorityName(change.after.priority()));
  RecordChange(change.event, "assignee", "", change.after.assignee());
  RecordChange(change.event, "service_tier", "", TierName(change.after.service_tier()));
  change.event.set_reason(change.after.priority_reason());
  std::vector<v1::Alert> alerts = Escalate(change.after, change.event, now);
  TKT_RETURN_IF_ERROR(sla_.Start(change.after, change.event, now));
  UpdateWorkOrder(change.after, key_margin_);
  change.request = storage::RequestRecord{request.request_id(),
                                          *ParseTicketId(change.after.id()), fingerprint};
  change.alerts = &alerts;
  TKT_RETURN_IF_ERROR(store_.Commit(change));
  return change.after;
}

std::vector<v1::Alert> TicketService::Escalate(v1::Ticket& ticket, v1::TicketEvent& event,
                                               absl::Time now) {
  if (escalation_ == nullptr) return {};
  auto account = [&]() -> std::optional<v1::Account> {
    if (accounts_ == nullptr) return std::nullopt;
    absl::StatusOr<std::optional<v1::Account>> found = accounts_->Find(ticket.account_id());
    return found.ok() ? *found : std::nullopt;  // alerts go out even if the lookup fails
  };
  return escalation_->Get()->OnEvent(ticket, event, now, account);
}

absl::StatusOr<v1::Ticket> TicketService::ReplayCreate(const storage::RequestRecord& record,
                                                       uint64_t fingerprint) {
  if (record.fingerprint != fingerprint) {
    return absl::AlreadyExistsError(
        absl::StrCat("request_id: ", record.request_id, " already created ",
                     FormatTicketId(record.ticket_id),
                     " with different content; use a new request_id for a new ticket"));
  }
  TKT_ASSIGN_OR_RETURN(std::optional<v1::Ticket> ticket, store_.GetTicket(record.ticket_id));
  if (!ticket) {
    return absl::InternalError(absl::StrCat("request ", record.request_id, " refers to missing ",
                                            FormatTicketId(record.ticket_id)));
  }
  return *std::move(ticket);
}

absl::StatusOr<v1::Ticket> TicketService::Load(absl::string_view id_field, absl::string_view id) {
  TKT_RETURN_IF_ERROR(CheckTicketId(id_field, id));
  TKT_ASSIGN_OR_RETURN(std::optional<v1::Ticket> ticket, store_.GetTicket(*ParseTicketId(id)));
  if (!ticket) return absl::NotFoundError(absl::StrCat("ticket ", id, " not found"));
  return *std::move(ticket);
}

absl::StatusOr<v1::Ticket> TicketService::Get(const Principal& actor,
                                              const v1::GetTicketRequest& request) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kRead, nullptr));
  return Load("id", request.id());
}

absl::StatusOr<std::pair<v1::Ticket, v1::TicketEvent>> TicketService::Mutate(
    const Principal& actor, const MutationSpec& spec, const MutateFn& mutate) {
  TKT_RETURN_IF_ERROR(CheckTicketId(spec.id_field, spec.id));
  if (spec.expected_version < 0 || (spec.version_required && spec.expected_version == 0)) {
    return absl::InvalidArgumentError(
        "version: must be the ticket version you last read (a positive number)");
  }
  absl::MutexLock lock(&LockFor(*ParseTicketId(spec.id)));
  TKT_ASSIGN_OR_RETURN(v1::Ticket current, Load(spec.id_field, spec.id));
  TKT_RETURN_IF_ERROR(Authorize(actor, spec.action, &current, spec.target));
  if (spec.expected_version != 0 && spec.expected_version != current.version()) {
    return absl::AbortedError(absl::StrCat("ticket ", current.id(), " is at version ",
                                           current.version(), ", not ", spec.expected_version,
                                           ": someone changed it; read it again and retry"));
  }
  const absl::Time now = clock_.Now();
  v1::Ticket next = current;
  v1::TicketEvent event;
  TKT_RETURN_IF_ERROR(mutate(current, now, next, event));
  if (event.changes().empty() && event.comment().empty()) {
    return std::make_pair(std::move(current), std::move(event));  // nothing to record
  }
  return CommitChange(actor, spec, std::move(current), std::move(next), std::move(event), now);
}

absl::StatusOr<storage::TicketChange> TicketService::Prepare(const Principal& actor,
                                                            v1::Ticket current, v1::Ticket next,
                                                            v1::TicketEvent event, absl::Time now,
                                                            std::vector<v1::Alert>* alerts) {
  // Before the clocks move, so a rule's priority raise re-targets them in this change.
  for (v1::Alert& alert : Escalate(next, event, now)) alerts->push_back(std::move(alert));
  TKT_RETURN_IF_ERROR(sla_.Update(current, next, event, now));
  PrunePendingEscalations(next);
  UpdateWorkOrder(next, key_margin_);
  next.set_version(current.version() + 1);
  ToTimestamp(now, next.mutable_update_time());
  event.set_ticket_id(next.id());
  event.set_sequence(next.version());
  ToTimestamp(now, event.mutable_time());
  event.set_actor(actor.name);
  if (event.visibility() == v1::VISIBILITY_UNSPECIFIED) event.set_visibility(v1::VISIBILITY_INTERNAL);
  return storage::TicketChange{std::move(current), std::move(next), std::move(event),
                               std::nullopt, alerts};
}

absl::StatusOr<std::pair<v1::Ticket, v1::TicketEvent>> TicketService::CommitChange(
    const Principal& actor, const MutationSpec& spec, v1::Ticket current, v1::Ticket next,
    v1::TicketEvent event, absl::Time now) {
  std::vector<v1::Alert> raised;
  std::vector<v1::Alert>* alerts = spec.alerts != nullptr ? spec.alerts : &raised;
  TKT_ASSIGN_OR_RETURN(storage::TicketChange change,
                       Prepare(actor, std::move(current), std::move(next), std::move(event), now, alerts));
  if (spec.alert_updates != nullptr) change.alert_updates = *spec.alert_updates;
  TKT_RETURN_IF_ERROR(store_.Commit(change));
  return std::make_pair(std::move(change.after), std::move(change.event));
}

absl::Status TicketService::FireDue(v1::Ticket& next, v1::TicketEvent& event, absl::Time now) const {
  event.set_type(v1::EVENT_TYPE_SLA);
  FirePendingEscalations(next, event, now);
  if (next.has_verify_by() && FromTimestamp(next.verify_by()) <= now) {
    // A service omission (kept on the ticket for reports); escalates. Each resolution's
    // deadline fires once: a later resolution sets a new one.
    next.set_verification_overdue(true);
    next.clear_verify_by();
    RecordChange(event, "verification", "", "overdue");
  }
  return sla_.Fire(next, event, now);  // the commit raises the alerts the event calls for
}

absl::StatusOr<bool> TicketService::FireSlaTimers(uint64_t id) {
  TKT_ASSIGN_OR_RETURN(int fired, FireSlaTimers(std::vector<uint64_t>{id}));
  return fired > 0;
}

absl::StatusOr<int> TicketService::FireSlaTimers(const std::vector<uint64_t>& ids)
    ABSL_NO_THREAD_SAFETY_ANALYSIS {
  // The tickets' locks, each stripe once and in stripe order (every other path holds at most
  // one stripe), for the whole read-check-commit.
  std::vector<size_t> stripes;
  for (uint64_t id : ids) stripes.push_back(id % locks_.size());
  std::sort(stripes.begin(), stripes.end());
  stripes.erase(std::unique(stripes.begin(), stripes.end()), stripes.end());
  for (size_t s : stripes) locks_[s].Lock();
  absl::StatusOr<int> fired = FireLocked(ids);
  for (auto s = stripes.rbegin(); s != stripes.rend(); ++s) locks_[*s].Unlock();
  return fired;
}

absl::StatusOr<int> TicketService::FireLocked(const std::vector<uint64_t>& ids) {
  const absl::Time now = clock_.Now();
  const Principal system{kSystemActor, v1::ROLE_UNSPECIFIED};
  std::vector<std::vector<v1::Alert>> alerts(ids.size());
  std::vector<storage::TicketChange> changes;
  changes.reserve(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    TKT_ASSIGN_OR_RETURN(std::optional<v1::Ticket> current, store_.GetTicket(ids[i]));
    if (!current) continue;  // gone: nothing to fire
    v1::Ticket next = *current;
    v1::TicketEvent event;
    TKT_RETURN_IF_ERROR(FireDue(next, event, now));
    if (event.changes().empty()) continue;  // not due yet (to the nanosecond)
    TKT_ASSIGN_OR_RETURN(storage::TicketChange change,
                         Prepare(system, *std::move(current), std::move(next), std::move(event), now,
                                 &alerts[i]));
    changes.push_back(std::move(change));
  }
  if (changes.empty()) return 0;
  std::vector<const storage::TicketChange*> pointers;
  for (const storage::TicketChange& change : changes) pointers.push_back(&change);
  TKT_RETURN_IF_ERROR(store_.CommitMany(pointers));
  return static_cast<int>(changes.size());
}

}  // namespace ticketing::domain
