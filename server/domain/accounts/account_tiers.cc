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
      return current;  // not reached: the tier origin always changes
    }
    std::vector<storage::RetierJob> jobs;
    if (change.after.service_tier() != current.service_tier()) jobs.push_back(JobOf(change.after));
    TKT_RETURN_IF_ERROR(CommitAccounts({change}, jobs));
    if (jobs.empty()) return change.after;
  }
  int moved = 0;
  TKT_RETURN_IF_ERROR(RunRetierJobs({JobOf(change.after)}, actor, &moved));
  return change.after;
}

absl::Status AccountService::CommitAccounts(const std::vector<storage::AccountChange>& changes,
                                            const std::vector<storage::RetierJob>& started) {
  TKT_RETURN_IF_ERROR(store_.CommitAccounts(changes, started));
  if (!changes.empty()) ++generation_;
  return absl::OkStatus();
}

template <typename Response>
absl::StatusOr<AccountService::Plan<Response>> AccountService::PlanAndCommit(
    const std::function<absl::StatusOr<Plan<Response>>()>& plan, bool commit) {
  constexpr int kPlanAttempts = 3;
  for (int attempt = 1;; ++attempt) {
    const bool last = attempt == kPlanAttempts;
    // The last attempt plans under the lock too: nothing can change under it.
    std::optional<absl::MutexLock> held;
    if (last) held.emplace(&directory_.tier_mutex());
    TKT_ASSIGN_OR_RETURN(Plan<Response> planned, plan());
    if (!commit || planned.changes.empty()) return planned;
    std::optional<absl::MutexLock> writing;
    if (!last) writing.emplace(&directory_.tier_mutex());
    if (generation() != planned.generation) continue;  // an account changed: plan again
    TKT_RETURN_IF_ERROR(CommitAccounts(planned.changes, planned.jobs));
    return planned;
  }
}

absl::StatusOr<AccountService::Plan<v1::ReclassifyAccountsResponse>>
AccountService::PlanReclassification(const Principal& actor, const Interrupt& interrupt) const {
  Plan<v1::ReclassifyAccountsResponse> plan;
  plan.generation = generation();
  TKT_ASSIGN_OR_RETURN(std::vector<v1::Account> accounts, AllAccounts(interrupt));
  std::vector<AccountFigures> figures;
  for (const v1::Account& a : accounts) figures.push_back(FiguresOf(a));
  const std::vector<Classification> result = Classify(figures, rules_);
  const absl::Time now = clock_.Now();
  v1::ReclassifyAccountsResponse& response = plan.response;
  for (size_t i = 0; i < accounts.size(); ++i) {
    const v1::Account& before = accounts[i];
    v1::Account after = before;
    after.set_computed_tier(result[i].tier);
    after.set_service_tier(Effective(after));
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
      if (!result.resume_after) return moved;
      query.after = result.resume_after;
    }
  });
}

absl::Status AccountService::MoveToTierInForce(const std::string& account_id,
                                               const v1::Ticket& current,
                                               TicketDraft& draft) const {
  TKT_ASSIGN_OR_RETURN(std::optional<v1::Account> account, directory_.Find(account_id));
  v1::ServiceTier tier = v1::SERVICE_TIER_STANDARD;
  if (account && account->service_tier() != v1::SERVICE_TIER_UNSPECIFIED) {
    tier = account->service_tier();
  }
  if (!IsOpen(current.status()) || current.service_tier() == tier) return absl::OkStatus();
  draft.next.set_service_tier(tier);
  draft.event.set_type(v1::EVENT_TYPE_TIER);
  RecordChange(draft.event, "service_tier", TierName(current.service_tier()), TierName(tier));
  draft.event.set_reason(absl::StrCat("account ", account_id, " reclassified"));
  return absl::OkStatus();
}

absl::Status AccountService::ResumeRetierJobs() {
  TKT_ASSIGN_OR_RETURN(std::vector<storage::RetierJob> jobs, store_.ListRetierJobs());
  int moved = 0;
  return RunRetierJobs(jobs, Principal{"system", v1::ROLE_UNSPECIFIED}, &moved);
}

absl::StatusOr<AccountService::Plan<v1::ImportAccountsResponse>> AccountService::PlanImport(
    const Principal& actor, const v1::ImportAccountsRequest& request) const {
  Plan<v1::ImportAccountsResponse> plan;
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
    if (status.ok() && !seen.insert(row.id()).second) {
      status = absl::InvalidArgumentError(
          absl::StrCat("accounts[", i, "].id: ", row.id(), " appears twice in the import"));
    }
    std::optional<v1::Account> existing;
    if (status.ok()) {
      TKT_ASSIGN_OR_RETURN(existing, store_.GetAccount(row.id()));
    }
    if (!status.ok()) {
      v1::ImportRowError& error = *response.add_errors();
      error.set_index(i);
      error.set_account_id(row.id());
      error.set_message(std::string(status.message()));
      continue;
    }
    v1::Account next = existing.value_or(account);
    if (existing) CopySettableAccountFields(account, next);
    if (!existing) {
      next.set_computed_tier(v1::SERVICE_TIER_STANDARD);
      next.set_service_tier(v1::SERVICE_TIER_STANDARD);
      next.mutable_tier_origin()->set_source(v1::TIER_SOURCE_COMPUTED);
      next.mutable_tier_origin()->set_reason("not classified yet");
    }
    storage::AccountChange change;
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
