// AccountService: tier overrides, classification, bulk import and the ticket moves they
// cause.
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "proto/base/status_macros.h"
#include "server/domain/accounts/account_service.h"
#include "server/domain/base/authz.h"
#include "server/domain/base/ticket_events.h"
#include "server/domain/base/validation.h"
#include "server/domain/tickets/state_machine.h"

namespace ticketing::domain {
namespace {

// A refused import's message lists at most this many rows: a status message travels in the
// call's trailers, which gRPC limits in size, and a file may have thousands of bad rows.
constexpr int kMaxListedImportErrors = 50;

// 0 is the best service: KEY, POTENTIAL_KEY, STANDARD (UNSPECIFIED counts as STANDARD).
int Rank(v1::ServiceTier tier) {
  return tier == v1::SERVICE_TIER_KEY ? 0 : tier == v1::SERVICE_TIER_POTENTIAL_KEY ? 1 : 2;
}

v1::ServiceTier Effective(const v1::Account& account) {
  return account.manual_tier() != v1::SERVICE_TIER_UNSPECIFIED ? account.manual_tier()
                                                                : account.computed_tier();
}

// One job per tier change (the account at the version that changed it), so that a mover
// finishing an older change never deletes the job of a newer one.
storage::RetierJob JobOf(const v1::Account& account) {
  return storage::RetierJob{account.id(), account.version()};
}

AccountFigures FiguresOf(const v1::Account& a) {
  return AccountFigures{a.id(), a.channel_tier(), a.sales_current(), a.sales_previous(),
                        a.profit_current(), a.potential_key_flag()};
}

}  // namespace

// The whole book, because classification ranks each channel tier as a whole. `interrupt` is
// checked between batches, so a caller that has gone away stops the scan.
absl::StatusOr<std::vector<v1::Account>> AccountService::AllAccounts(
    const Interrupt& interrupt) const {
  std::vector<v1::Account> all;
  std::string after;
  while (true) {
    TKT_RETURN_IF_ERROR(interrupt.Check());
    TKT_ASSIGN_OR_RETURN(std::vector<v1::Account> batch, store_.ScanAccounts(after, 10000));
    if (batch.empty()) return all;
    after = batch.back().id();
    for (v1::Account& a : batch) all.push_back(std::move(a));
  }
}

absl::StatusOr<v1::Account> AccountService::SetServiceTier(
    const Principal& actor, const v1::SetServiceTierRequest& request) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kSetTier, nullptr));
  if (!v1::ServiceTier_IsValid(request.tier())) {
    return absl::InvalidArgumentError("tier: unknown value");
  }
  TKT_RETURN_IF_ERROR(CheckLine("reason", request.reason(), kMaxReasonChars, true));
  if (request.version() <= 0) {
    return absl::InvalidArgumentError("version: must be the version you last read");
  }
  storage::AccountChange change;
  {
    // Exclusive, like every tier change: a ticket being created holds the lock shared from
    // reading the tier to its commit, so it either committed before this change (and the
    // mover below finds it) or will read the new tier. It also keeps out Create and Update,
    // which share it, so no account stripe is needed here.
    absl::MutexLock tier_lock(&directory_.tier_mutex());
    TKT_ASSIGN_OR_RETURN(v1::Account current, Load("account_id", request.account_id()));
    if (current.version() != request.version()) {
      return absl::AbortedError(absl::StrCat("account ", current.id(), " is at version ",
                                             current.version(), ", not ", request.version()));
    }
    v1::Account next = current;
    const absl::Time now = clock_.Now();
    next.set_manual_tier(request.tier());
    next.set_service_tier(Effective(next));
    v1::TierOrigin& origin = *next.mutable_tier_origin();
    origin.set_source(request.tier() == v1::SERVICE_TIER_UNSPECIFIED ? v1::TIER_SOURCE_COMPUTED
                                                                      : v1::TIER_SOURCE_MANUAL);
    origin.set_reason(request.reason());
    origin.set_changed_by(actor.name);
    ToTimestamp(now, origin.mutable_change_time());
    if (!MakeChange(current, std::move(next), actor, v1::ACCOUNT_EVENT_TYPE_TIER_SET,
                    request.reason(), now, change)) {
      return current;  // nothing changed: the same override, reason and user at the same instant
    }
    // A job only when the tier in force changes (an override equal to the tier already in
    // force moves no ticket). It commits with the account, so a crash before the moves below
    // leaves it for ResumeRetierJobs at the next start.
    std::vector<storage::RetierJob> jobs;
    if (change.after.service_tier() != current.service_tier()) jobs.push_back(JobOf(change.after));
    TKT_RETURN_IF_ERROR(CommitAccounts({change}, jobs));
    if (jobs.empty()) return change.after;
  }
  // The moves run after the tier lock is released: under the write executor they run on its
  // writer thread, which may itself be waiting for that lock in a ticket creation, so holding
  // it here could deadlock. The gap is safe: tickets created from now on read the new tier,
  // and every older one is found by the mover.
  int moved = 0;
  TKT_RETURN_IF_ERROR(RunRetierJobs({JobOf(change.after)}, actor, &moved));
  return change.after;
}

absl::Status AccountService::CommitAccounts(const std::vector<storage::AccountChange>& changes,
                                            const std::vector<storage::RetierJob>& started) {
  // Counted after the write succeeded, while the caller still holds the tier lock: under the
  // exclusive lock an unchanged count then means no account was written since it was read.
  // Failed writes and writes of jobs alone (RunRetierJobs) change no account.
  TKT_RETURN_IF_ERROR(store_.CommitAccounts(changes, started));
  if (!changes.empty()) ++generation_;
  return absl::OkStatus();
}

// Optimistic: plan without the tier lock, take it only to commit, and only if the accounts
// the plan read are still as they were (docs/accounts.md, "Reclassifying"). Ticket creation,
// which shares the lock, then waits for one write, never for a scan of the whole book.
template <typename Response>
absl::StatusOr<AccountService::Plan<Response>> AccountService::PlanAndCommit(
    const std::function<absl::StatusOr<Plan<Response>>()>& plan, bool commit) {
  // Two optimistic attempts, then one that holds the lock throughout: a busy book, whose
  // accounts change during every scan, cannot starve the work.
  constexpr int kPlanAttempts = 3;
  for (int attempt = 1;; ++attempt) {
    const bool last = attempt == kPlanAttempts;
    // The last attempt plans under the lock too: nothing can change under it.
    std::optional<absl::MutexLock> held;
    if (last) held.emplace(&directory_.tier_mutex());
    TKT_ASSIGN_OR_RETURN(Plan<Response> planned, plan());
    // A dry run, like a plan with nothing to write, returns before taking the lock to commit.
    if (!commit || planned.changes.empty()) return planned;
    std::optional<absl::MutexLock> writing;
    // Not taken again on the last attempt, which holds it already (absl::Mutex is not
    // reentrant). `continue` releases it before the next plan.
    if (!last) writing.emplace(&directory_.tier_mutex());
    if (generation() != planned.generation) continue;  // an account changed: plan again
    TKT_RETURN_IF_ERROR(CommitAccounts(planned.changes, planned.jobs));
    return planned;
  }
}

absl::StatusOr<AccountService::Plan<v1::ReclassifyAccountsResponse>>
AccountService::PlanReclassification(const Principal& actor, const Interrupt& interrupt) const {
  Plan<v1::ReclassifyAccountsResponse> plan;
  // Read before the accounts: a write that lands during the scan changes the count and forces
  // a new plan. Read after, such a write could be missed and overwritten by the plan's stale
  // copy of the account.
  plan.generation = generation();
  TKT_ASSIGN_OR_RETURN(std::vector<v1::Account> accounts, AllAccounts(interrupt));
  std::vector<AccountFigures> figures;
  for (const v1::Account& a : accounts) figures.push_back(FiguresOf(a));
  // In input order: result[i] is the classification of accounts[i].
  const std::vector<Classification> result = Classify(figures, rules_);
  const absl::Time now = clock_.Now();
  v1::ReclassifyAccountsResponse& response = plan.response;
  for (size_t i = 0; i < accounts.size(); ++i) {
    const v1::Account& before = accounts[i];
    v1::Account after = before;
    after.set_computed_tier(result[i].tier);
    after.set_service_tier(Effective(after));
    // Written when the computed tier or the tier in force changes; a computed change under an
    // override is recorded (held_by_override) but moves no ticket.
    if (after.computed_tier() == before.computed_tier() &&
        after.service_tier() == before.service_tier()) {
      continue;
    }
    v1::TierMove& move = *response.add_moves();
    move.set_account_id(before.id());
    move.set_name(before.name());
    move.set_channel_tier(before.channel_tier());
    move.set_from_tier(before.service_tier());
    move.set_to_tier(after.service_tier());
    move.set_computed_tier(after.computed_tier());
    move.set_reason(result[i].reason);
    move.set_held_by_override(after.manual_tier() != v1::SERVICE_TIER_UNSPECIFIED);
    if (Rank(after.service_tier()) < Rank(before.service_tier())) response.set_upgraded(response.upgraded() + 1);
    if (Rank(after.service_tier()) > Rank(before.service_tier())) response.set_downgraded(response.downgraded() + 1);
    // Under an override the origin keeps explaining the tier in force (who set it and why);
    // only the computed tier is recorded.
    if (!move.held_by_override()) {
      v1::TierOrigin& origin = *after.mutable_tier_origin();
      origin.set_source(v1::TIER_SOURCE_COMPUTED);
      origin.set_reason(result[i].reason);
      origin.set_changed_by(actor.name);
      ToTimestamp(now, origin.mutable_change_time());
    }
    const bool moves = after.service_tier() != before.service_tier();
    plan.changes.emplace_back();
    if (!MakeChange(before, std::move(after), actor, v1::ACCOUNT_EVENT_TYPE_CLASSIFIED,
                    result[i].reason, now, plan.changes.back())) {
      plan.changes.pop_back();
      continue;
    }
    if (moves) plan.jobs.push_back(JobOf(plan.changes.back().after));
  }
  response.set_accounts(static_cast<int>(accounts.size()));
  return plan;
}

absl::StatusOr<v1::ReclassifyAccountsResponse> AccountService::Reclassify(
    const Principal& actor, const v1::ReclassifyAccountsRequest& request,
    const Interrupt& interrupt) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kSetTier, nullptr));
  TKT_ASSIGN_OR_RETURN(Plan<v1::ReclassifyAccountsResponse> plan,
                       PlanAndCommit<v1::ReclassifyAccountsResponse>(
                           [&] { return PlanReclassification(actor, interrupt); },
                           request.apply()));
  if (!request.apply()) return plan.response;
  plan.response.set_applied(true);
  int moved = 0;
  TKT_RETURN_IF_ERROR(RunRetierJobs(plan.jobs, actor, &moved));
  plan.response.set_tickets_moved(moved);
  return plan.response;
}

absl::Status AccountService::RunRetierJobs(const std::vector<storage::RetierJob>& jobs,
                                           const Principal& actor, int* tickets_moved) {
  for (const storage::RetierJob& job : jobs) {
    // The mover reads the account's tier in force for every ticket, so a later change that
    // runs alongside this one cannot be undone by it.
    TKT_ASSIGN_OR_RETURN(int moved, MoveTickets(job.account_id, actor));
    *tickets_moved += moved;
    // Deleted only once every ticket has moved: a crash in between leaves the job, and
    // running it again is harmless (a ticket that has the tier is left alone). An error
    // returns with this job and the later ones still stored, for ResumeRetierJobs.
    TKT_RETURN_IF_ERROR(store_.CommitAccounts({}, {}, {job}));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> AccountService::MoveTickets(const std::string& account_id,
                                                const Principal& actor) {
  if (account_id.empty()) return absl::InvalidArgumentError("account_id: must not be empty");
  // On the write path: under the write executor the listing below sees every ticket
  // created before (the batching store writes what is staged first), and the moves are
  // group-committed like any other write.
  return exec::RunWrite<int>(writes_, [&]() -> absl::StatusOr<int> {
    storage::TicketListRequest query;
    query.filter.account_id = account_id;
    // Open tickets only (all but CLOSED and CANCELLED): a finished ticket keeps the tier it
    // was served under.
    for (int s = v1::TicketStatus_MIN; s <= v1::TicketStatus_MAX; ++s) {
      const auto status = static_cast<v1::TicketStatus>(s);
      if (s != v1::TICKET_STATUS_UNSPECIFIED && IsOpen(status)) query.filter.statuses.push_back(status);
    }
    query.limit = 500;
    int moved = 0;
    while (true) {
      TKT_ASSIGN_OR_RETURN(storage::TicketListResult result, tickets_.store().ListTickets(query));
      for (const v1::Ticket& ticket : result.tickets) {
        TKT_ASSIGN_OR_RETURN(TicketCommit commit,
                             tickets_.Edit(actor, TicketEdit::Internal("id", ticket.id()),
                                           [&](const v1::Ticket& current, TicketDraft& draft) {
                                             return MoveToTierInForce(account_id, current, draft);
                                           }));
        moved += commit.changed();
      }
      // Paging by position is stable while the moves rewrite these tickets: a ticket's
      // position (create time, id) never changes.
      if (!result.resume_after) return moved;
      query.after = result.resume_after;
    }
  });
}

// The tier in force when the ticket is changed, not the tier of the job: of two tier changes
// of one account running side by side the later one wins, and a job run twice does nothing
// the second time (docs/accounts.md, "Reclassifying").
absl::Status AccountService::MoveToTierInForce(const std::string& account_id,
                                               const v1::Ticket& current,
                                               TicketDraft& draft) const {
  TKT_ASSIGN_OR_RETURN(std::optional<v1::Account> account, directory_.Find(account_id));
  // No tier (or no account) counts as STANDARD, as in TicketCore::Create.
  v1::ServiceTier tier = v1::SERVICE_TIER_STANDARD;
  if (account && account->service_tier() != v1::SERVICE_TIER_UNSPECIFIED) {
    tier = account->service_tier();
  }
  // Checked again under the ticket's lock: the listing may be stale, and a ticket closed
  // since keeps its tier.
  if (!IsOpen(current.status()) || current.service_tier() == tier) return absl::OkStatus();
  // Only the tier changes here; the SLA rule then chooses the policy again and running clocks
  // keep the smaller target, so an upgrade tightens a promise and a downgrade never loosens
  // it (docs/sla.md).
  draft.next.set_service_tier(tier);
  draft.event.set_type(v1::EVENT_TYPE_TIER);
  RecordChange(draft.event, "service_tier", TierName(current.service_tier()), TierName(tier));
  draft.event.set_reason(absl::StrCat("account ", account_id, " reclassified"));
  return absl::OkStatus();
}

absl::Status AccountService::ResumeRetierJobs() {
  TKT_ASSIGN_OR_RETURN(std::vector<storage::RetierJob> jobs, store_.ListRetierJobs());
  int moved = 0;
  // As `system`: who started an interrupted change is not stored with its job.
  return RunRetierJobs(jobs, Principal{"system", v1::ROLE_UNSPECIFIED}, &moved);
}

absl::StatusOr<AccountService::Plan<v1::ImportAccountsResponse>> AccountService::PlanImport(
    const Principal& actor, const v1::ImportAccountsRequest& request) const {
  Plan<v1::ImportAccountsResponse> plan;
  // Read before the accounts, as in PlanReclassification.
  plan.generation = generation();
  v1::ImportAccountsResponse& response = plan.response;
  const absl::Time now = clock_.Now();
  std::set<std::string> seen;
  for (int i = 0; i < request.accounts_size(); ++i) {
    const v1::Account& row = request.accounts(i);
    v1::Account account;
    account.set_id(row.id());
    CopySettableAccountFields(row, account);
    absl::Status status = CheckAccount(account, absl::StrCat("accounts[", i, "].")) ;
    // One row per account: two rows of one id would both be planned from the same stored
    // record and claim the same next version.
    if (status.ok() && !seen.insert(row.id()).second) {
      status = absl::InvalidArgumentError(
          absl::StrCat("accounts[", i, "].id: ", row.id(), " appears twice in the import"));
    }
    std::optional<v1::Account> existing;
    if (status.ok()) {
      // Read without the tier lock; PlanAndCommit's generation check makes it safe.
      TKT_ASSIGN_OR_RETURN(existing, store_.GetAccount(row.id()));
    }
    if (!status.ok()) {
      v1::ImportRowError& error = *response.add_errors();
      error.set_index(i);
      error.set_account_id(row.id());
      error.set_message(std::string(status.message()));
      continue;
    }
    // An existing account keeps its tiers, history and creation: only the settable columns
    // change, so an import never moves a tier and needs no jobs.
    v1::Account next = existing.value_or(account);
    if (existing) CopySettableAccountFields(account, next);
    if (!existing) {
      next.set_computed_tier(v1::SERVICE_TIER_STANDARD);
      next.set_service_tier(v1::SERVICE_TIER_STANDARD);
      next.mutable_tier_origin()->set_source(v1::TIER_SOURCE_COMPUTED);
      next.mutable_tier_origin()->set_reason("not classified yet");
    }
    storage::AccountChange change;
    // An identical row changes nothing and is left alone (docs/accounts.md, "Bulk import").
    if (!MakeChange(existing, std::move(next), actor, v1::ACCOUNT_EVENT_TYPE_IMPORTED, "", now,
                    change)) {
      response.set_unchanged(response.unchanged() + 1);
      continue;
    }
    if (existing) response.set_updated(response.updated() + 1);
    else response.set_created(response.created() + 1);
    plan.changes.push_back(std::move(change));
  }
  if (!response.errors().empty() && !request.skip_invalid()) {
    std::string message = absl::StrCat(response.errors_size(), " of ", request.accounts_size(),
                                       " rows are invalid; nothing was imported:");
    for (int i = 0; i < response.errors_size() && i < kMaxListedImportErrors; ++i) {
      absl::StrAppend(&message, "\n", response.errors(i).message());
    }
    if (response.errors_size() > kMaxListedImportErrors) {
      absl::StrAppend(&message, "\n... and ", response.errors_size() - kMaxListedImportErrors,
                      " more");
    }
    return absl::InvalidArgumentError(message);
  }
  return plan;
}

absl::StatusOr<v1::ImportAccountsResponse> AccountService::Import(
    const Principal& actor, const v1::ImportAccountsRequest& request) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kImportAccounts, nullptr));
  TKT_ASSIGN_OR_RETURN(Plan<v1::ImportAccountsResponse> plan,
                       PlanAndCommit<v1::ImportAccountsResponse>(
                           [&] { return PlanImport(actor, request); }, !request.dry_run()));
  if (!request.dry_run()) plan.response.set_written(true);
  return plan.response;
}

}  // namespace ticketing::domain
