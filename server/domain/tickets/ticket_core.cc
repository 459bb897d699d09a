// TicketCore: the read-check-commit road of every ticket write.
#include "server/domain/tickets/ticket_core.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "proto/base/status_macros.h"
#include "server/domain/base/ticket_events.h"
#include "server/domain/base/validation.h"
#include "storage/ticket_id.h"

namespace ticketing::domain {

absl::Status TicketRule::OnCreate(TicketDraft&) const { return absl::OkStatus(); }
absl::Status TicketRule::OnChange(const v1::Ticket&, TicketDraft&) const { return absl::OkStatus(); }
absl::Status TicketRule::OnDue(TicketDraft&) const { return absl::OkStatus(); }

// The rules run in the order they were wired (server/app/ticket_server.cc: verification,
// escalation, SLA clocks, work order), and each sees what the earlier ones did to the
// draft: the escalator acts before the clocks move, so a priority it raises re-targets them
// in the same change, and the work order comes last because it ranks on the clocks just
// moved. The first error abandons the change; nothing is stored before the commit, so no
// rule has to undo what an earlier one did.
absl::Status TicketRules::OnCreate(TicketDraft& draft) const {
  for (const TicketRule* rule : rules_) TKT_RETURN_IF_ERROR(rule->OnCreate(draft));
  return absl::OkStatus();
}

absl::Status TicketRules::OnChange(const v1::Ticket& before, TicketDraft& draft) const {
  for (const TicketRule* rule : rules_) TKT_RETURN_IF_ERROR(rule->OnChange(before, draft));
  return absl::OkStatus();
}

absl::Status TicketRules::OnDue(TicketDraft& draft) const {
  for (const TicketRule* rule : rules_) TKT_RETURN_IF_ERROR(rule->OnDue(draft));
  return absl::OkStatus();
}

TicketEdit TicketEdit::AtVersion(absl::string_view id_field, absl::string_view id,
                                 int64_t version, Action action) {
  return TicketEdit(id_field, id, version, /*version_required=*/true, action);
}

TicketEdit TicketEdit::Transition(absl::string_view id, int64_t version, v1::TicketStatus target) {
  return TicketEdit("id", id, version, /*version_required=*/true, Action::kTransition, target);
}

TicketEdit TicketEdit::AtVersionIfGiven(absl::string_view id_field, absl::string_view id,
                                        int64_t version, Action action) {
  return TicketEdit(id_field, id, version, /*version_required=*/false, action);
}

TicketEdit TicketEdit::Latest(absl::string_view id_field, absl::string_view id, Action action) {
  return TicketEdit(id_field, id, 0, /*version_required=*/false, action);
}

TicketEdit TicketEdit::Internal(absl::string_view id_field, absl::string_view id) {
  return TicketEdit(id_field, id, 0, /*version_required=*/false, Action::kInternal);
}

namespace {

// What a person's change may make a ticket hold (docs/security.md, "Input"): a ticket is one
// record, read whole by every change and listed by the page, so one ticket must not grow
// without end. A change that does not grow what is over a limit is let through, so a ticket
// over one (from before the limit) can still be worked and closed. The server's own changes
// (the SLA monitor, re-escalation) are never refused: they add little and must not fail.
absl::Status CheckGrowth(const Principal& actor, const v1::Ticket* current, const v1::Ticket& next) {
  if (actor.name == kSystemActor) return absl::OkStatus();
  const auto grew = [&](int before, int after, int limit) {
    return after > limit && (current == nullptr || after > before);
  };
  if (grew(current ? current->visits_size() : 0, next.visits_size(), kMaxVisitsPerTicket)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "visits: a ticket holds at most ", kMaxVisitsPerTicket,
        " visits; open a follow-up ticket for further work"));
  }
  if (grew(current ? current->parts_size() : 0, next.parts_size(), kMaxPartsPerTicket)) {
    return absl::InvalidArgumentError(absl::StrCat("parts: a ticket holds at most ",
                                                   kMaxPartsPerTicket, " part requests"));
  }
  if (next.version() > kMaxTicketChanges) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ticket: ", next.id(), " has reached ", kMaxTicketChanges,
        " changes, the most a ticket keeps; open a follow-up ticket"));
  }
  const size_t before = current ? current->ByteSizeLong() : 0;
  const size_t after = next.ByteSizeLong();
  if (after > kMaxTicketBytes && after > before) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ticket: ", next.id(), " would hold ", after, " bytes, more than the ", kMaxTicketBytes,
        " a ticket may; shorten the text or open a follow-up ticket"));
  }
  return absl::OkStatus();
}

}  // namespace

TicketCore::TicketCore(storage::TicketStore& store, const Clock& clock, const TicketRules& rules,
                       const TierSource* tiers)
    : store_(store), clock_(clock), rules_(rules), tiers_(tiers) {}

// Lock order: the request id's stripe, then the tier lock (shared, inside WithTier). No
// holder of the tier lock ever waits for a ticket stripe (AccountService releases it before
// it moves tickets), so creation cannot deadlock with a tier change.
absl::StatusOr<v1::Ticket> TicketCore::Create(
    const Principal& actor, const std::string& request_id, uint64_t fingerprint,
    absl::string_view account_field, absl::string_view account_id,
    const std::function<absl::Status(v1::ServiceTier tier, TicketDraft& draft)>& build) {
  // The request id's lock makes "seen? else create" atomic for retries of one request: a
  // retry racing the first attempt waits here, then replays the ticket it created.
  absl::MutexLock lock(&LockFor(std::hash<std::string>()(request_id)));
  TKT_ASSIGN_OR_RETURN(std::optional<storage::RequestRecord> seen, store_.GetRequest(request_id));
  if (seen) return Replay(*seen, fingerprint);
  v1::Ticket created;
  auto commit = [&](v1::ServiceTier tier) -> absl::Status {
    TicketDraft draft;
    // Whole milliseconds: listings order by (create_time, id), and the indexes key the time
    // in milliseconds, so the stored time must not be finer than the order the server keeps.
    draft.now = absl::FromUnixMillis(absl::ToUnixMillis(clock_.Now()));
    // Allocated only once the account is known to exist, so a create refused for an unknown
    // account uses no id; a rule or commit that fails below still leaves a gap (allowed).
    const uint64_t id = store_.AllocateTicketId();
    draft.next.set_id(FormatTicketId(id));
    draft.next.set_version(1);
    draft.next.set_created_by(actor.name);
    ToTimestamp(draft.now, draft.next.mutable_create_time());
    ToTimestamp(draft.now, draft.next.mutable_update_time());
    draft.event.set_ticket_id(draft.next.id());
    draft.event.set_sequence(1);
    ToTimestamp(draft.now, draft.event.mutable_time());
    draft.event.set_actor(actor.name);
    draft.event.set_type(v1::EVENT_TYPE_CREATED);
    draft.event.set_visibility(v1::VISIBILITY_INTERNAL);
    // An account with no tier recorded counts as STANDARD, as it does for the tier mover
    // (AccountService::MoveToTierInForce), so a later move never flips a ticket between them.
    TKT_RETURN_IF_ERROR(build(tier == v1::SERVICE_TIER_UNSPECIFIED ? v1::SERVICE_TIER_STANDARD : tier,
                              draft));
    TKT_RETURN_IF_ERROR(rules_.OnCreate(draft));
    TKT_RETURN_IF_ERROR(CheckGrowth(actor, nullptr, draft.next));
    // The request record commits in the same write as the ticket: after a crash either both
    // exist (a retry replays) or neither (a retry creates).
    storage::TicketChange change{std::nullopt, std::move(draft.next), std::move(draft.event),
                                 storage::RequestRecord{request_id, id, fingerprint},
                                 &draft.alerts};
    TKT_RETURN_IF_ERROR(store_.Commit(change));
    created = std::move(change.after);
    return absl::OkStatus();
  };
  if (tiers_ == nullptr) {
    TKT_RETURN_IF_ERROR(commit(v1::SERVICE_TIER_STANDARD));
  } else {
    // Committed while the tier is held (see TierSource): no tier change can commit between
    // reading the tier and storing the ticket, so the ticket either carries the new tier or
    // is already stored when that change's mover lists the account's tickets.
    TKT_RETURN_IF_ERROR(tiers_->WithTier(account_field, account_id, commit));
  }
  return created;
}

absl::StatusOr<v1::Ticket> TicketCore::Replay(const storage::RequestRecord& record,
                                              uint64_t fingerprint) const {
  // The fingerprint is of the ticket content as sent: the same id with other content is a
  // reused id, not a retry, and answering with the first ticket would hide that bug.
  if (record.fingerprint != fingerprint) {
    return absl::AlreadyExistsError(
        absl::StrCat("request_id: ", record.request_id, " already created ",
                     FormatTicketId(record.ticket_id),
                     " with different content; use a new request_id for a new ticket"));
  }
  TKT_ASSIGN_OR_RETURN(std::optional<v1::Ticket> ticket, store_.GetTicket(record.ticket_id));
  // Record and ticket are written in one batch, so a record without its ticket means a
  // damaged store, not a create still under way.
  if (!ticket) {
    return absl::InternalError(absl::StrCat("request ", record.request_id, " refers to missing ",
                                            FormatTicketId(record.ticket_id)));
  }
  return *std::move(ticket);
}

absl::StatusOr<v1::Ticket> TicketCore::Load(absl::string_view id_field,
                                            absl::string_view id) const {
  TKT_RETURN_IF_ERROR(CheckTicketId(id_field, id));
  TKT_ASSIGN_OR_RETURN(std::optional<v1::Ticket> ticket, store_.GetTicket(*ParseTicketId(id)));
  if (!ticket) return absl::NotFoundError(absl::StrCat("ticket ", id, " not found"));
  return *std::move(ticket);
}

absl::StatusOr<TicketCommit> TicketCore::Edit(const Principal& actor, const TicketEdit& edit,
                                              const EditFn& fn) {
  TKT_RETURN_IF_ERROR(CheckTicketId(edit.id_field(), edit.id()));
  if (edit.expected_version() < 0 ||
      (edit.version_required() && edit.expected_version() == 0)) {
    return absl::InvalidArgumentError(
        "version: must be the ticket version you last read (a positive number)");
  }
  // Held across load, checks, the rules and the commit: the version checked is the version
  // the change is built on, and two changes can never both commit from the same version
  // (docs/api.md, "Optimistic concurrency").
  absl::MutexLock lock(&LockFor(*ParseTicketId(edit.id())));
  TKT_ASSIGN_OR_RETURN(v1::Ticket current, Load(edit.id_field(), edit.id()));
  // Authorised against the ticket as stored (a technician may work only on tickets assigned
  // to them), and before the version: re-reading and retrying cannot cure a refusal.
  TKT_RETURN_IF_ERROR(Authorize(actor, edit.action(), &current, edit.target()));
  // Version 0 is "not checked": Latest and Internal edits, a comment sent without one.
  if (edit.expected_version() != 0 && edit.expected_version() != current.version()) {
    return absl::AbortedError(absl::StrCat("ticket ", current.id(), " is at version ",
                                           current.version(), ", not ", edit.expected_version(),
                                           ": someone changed it; read it again and retry"));
  }
  TicketDraft draft;
  draft.next = current;
  // Not rounded like Create's: only create_time is part of the listing order, which the
  // indexes keep in whole milliseconds.
  draft.now = clock_.Now();
  TKT_RETURN_IF_ERROR(fn(current, draft));
  TicketCommit result;
  // Nothing recorded: no new version, no event (docs/api.md, "Tickets"). The rules run only
  // for a change that records something, so they never turn a no-op into a new version.
  if (draft.event.changes().empty() && draft.event.comment().empty()) {
    result.ticket = std::move(current);  // nothing to record
    return result;
  }
  TKT_RETURN_IF_ERROR(Prepare(actor, current, draft));
  TKT_RETURN_IF_ERROR(CheckGrowth(actor, &current, draft.next));
  // `current` goes with the change: the store derives from it the index and timer entries to
  // delete, so it must be the record as read under the lock.
  storage::TicketChange change{std::move(current), std::move(draft.next), std::move(draft.event),
                               std::nullopt, &draft.alerts, std::move(draft.alert_updates)};
  TKT_RETURN_IF_ERROR(store_.Commit(change));
  result.ticket = std::move(change.after);
  result.event = std::move(change.event);
  result.alerts = std::move(draft.alerts);
  return result;
}

// The rules first, then the stamps: a rule may still add to the event, and the event's
// sequence must equal the new version so that a ticket's history runs 1..version without
// gaps (the store's Verify checks it). The actor is stamped here, not by the caller: an
// internal edit (a tier move) records whoever it acts for, the monitor records `system`.
absl::Status TicketCore::Prepare(const Principal& actor, const v1::Ticket& current,
                                 TicketDraft& draft) const {
  TKT_RETURN_IF_ERROR(rules_.OnChange(current, draft));
  draft.next.set_version(current.version() + 1);
  ToTimestamp(draft.now, draft.next.mutable_update_time());
  v1::TicketEvent& event = draft.event;
  event.set_ticket_id(draft.next.id());
  event.set_sequence(draft.next.version());
  ToTimestamp(draft.now, event.mutable_time());
  event.set_actor(actor.name);
  // Unless the edit said otherwise, an event is internal: only a customer-visible one counts
  // as contact with the customer for the SLA clocks.
  if (event.visibility() == v1::VISIBILITY_UNSPECIFIED) event.set_visibility(v1::VISIBILITY_INTERNAL);
  return absl::OkStatus();
}

// The SLA monitor's write: the changes of a chunk of due tickets and the removal of their
// timers commit together, so each warning and breach is recorded exactly once
// (escalation/sla_monitor.cc). Locks are taken in a loop, which the thread-safety analysis
// cannot follow; hence ABSL_NO_THREAD_SAFETY_ANALYSIS and the explicit unlock below.
absl::StatusOr<int> TicketCore::EditMany(const std::vector<uint64_t>& ids, const EditFn& fn)
    ABSL_NO_THREAD_SAFETY_ANALYSIS {
  // The tickets' locks, each stripe once and in stripe order (every other path holds at most
  // one stripe, so this cannot deadlock with them), for the whole read-check-commit.
  std::vector<size_t> stripes;
  for (uint64_t id : ids) stripes.push_back(id % locks_.size());
  std::sort(stripes.begin(), stripes.end());
  stripes.erase(std::unique(stripes.begin(), stripes.end()), stripes.end());
  for (size_t s : stripes) locks_[s].Lock();
  const Principal system{kSystemActor, v1::ROLE_UNSPECIFIED};
  // One instant for the whole chunk: every ticket is judged due against the same time.
  const absl::Time now = clock_.Now();
  std::vector<TicketDraft> drafts;
  std::vector<storage::TicketChange> changes;
  drafts.reserve(ids.size());  // stable: changes point at the drafts' alerts
  changes.reserve(ids.size());
  // The first error abandons the whole write: nothing of the chunk is stored and its timers
  // stay due, so a later round of the monitor fires them again.
  absl::Status status;
  for (uint64_t id : ids) {
    absl::StatusOr<std::optional<v1::Ticket>> current = store_.GetTicket(id);
    if (!current.ok()) {
      status = current.status();
      break;
    }
    if (!*current) continue;  // gone: nothing to do
    TicketDraft& draft = drafts.emplace_back();
    draft.next = **current;
    draft.now = now;
    status = fn(**current, draft);
    if (!status.ok()) break;
    if (draft.event.changes().empty()) {
      drafts.pop_back();  // not due after all (to the nanosecond)
      continue;
    }
    status = Prepare(system, **current, draft);
    if (!status.ok()) break;
    changes.push_back(storage::TicketChange{**std::move(current), std::move(draft.next),
                                            std::move(draft.event), std::nullopt, &draft.alerts,
                                            std::move(draft.alert_updates)});
  }
  if (status.ok() && !changes.empty()) {
    std::vector<const storage::TicketChange*> pointers;
    for (const storage::TicketChange& change : changes) pointers.push_back(&change);
    status = store_.CommitMany(pointers);
  }
  // Reached on every path, errors included: nothing else releases these stripes.
  for (auto s = stripes.rbegin(); s != stripes.rend(); ++s) locks_[*s].Unlock();
  if (!status.ok()) return status;
  return static_cast<int>(changes.size());
}

absl::Status TicketCore::WithLock(uint64_t id, const std::function<absl::Status()>& fn) {
  absl::MutexLock lock(&LockFor(id));
  return fn();
}

}  // namespace ticketing::domain
