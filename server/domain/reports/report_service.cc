// ReportService: aggregates of the per-ticket facts. Definitions: docs/reports.md.
#include "server/domain/reports/report_service.h"

#include <algorithm>
#include <array>
#include <map>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "proto/base/status_macros.h"
#include "server/domain/base/authz.h"
#include "server/domain/tickets/state_machine.h"
#include "server/domain/base/ticket_events.h"

namespace ticketing::domain {
namespace {

// The committed date is not among them: it is reported as promised vs. actual instead.
constexpr v1::SlaClockKind kReportedClocks[] = {v1::SLA_CLOCK_KIND_FIRST_RESPONSE,
                                                v1::SLA_CLOCK_KIND_NEXT_UPDATE,
                                                v1::SLA_CLOCK_KIND_RESOLUTION};
// Backlog age buckets: <1d, 1-3d, 3-7d, 7-30d, >=30d.
constexpr int64_t kAgeLimitsDays[] = {1, 3, 7, 30};
// Facts scanned between two checks of the caller's deadline and cancellation.
constexpr int64_t kInterruptEvery = 1024;

struct ClockCounts {
  int64_t on_time = 0, late = 0, breached = 0, open = 0, stopped = 0;
};

// Running totals of one group.
struct Totals {
  int64_t tickets = 0;
  std::map<v1::SlaClockKind, ClockCounts> clocks;
  std::vector<int64_t> first_response_ms, resolution_ms;
  int64_t first_visits = 0, first_time_fixes = 0;
  int64_t kept = 0, missed = 0, committed_open = 0, delay_ms = 0;
  int64_t backlog = 0;
  std::array<int64_t, 5> ages{};
  int64_t complaints = 0, omissions = 0, surveyed = 0, dissatisfied = 0;
  int64_t omitted_fr = 0, omitted_updates = 0, omitted_verification = 0, omitted_survey = 0;
};

bool Met(v1::SlaClockState s) {
  return s == v1::SLA_CLOCK_STATE_MET || s == v1::SLA_CLOCK_STATE_MET_LATE;
}

// A clock counts once, in its last cycle's state (docs/reports.md, SLA compliance). The
// breached flag decides for clocks that ended or still run unmet: a breach is never hidden
// by a later stop or pause.
void CountClock(const v1::TicketFacts::Clock& c, ClockCounts& counts) {
  switch (c.state()) {
    case v1::SLA_CLOCK_STATE_MET: ++counts.on_time; break;
    case v1::SLA_CLOCK_STATE_MET_LATE: ++counts.late; break;
    case v1::SLA_CLOCK_STATE_BREACHED: ++counts.breached; break;
    case v1::SLA_CLOCK_STATE_STOPPED: ++(c.breached() ? counts.breached : counts.stopped); break;
    default: ++(c.breached() ? counts.breached : counts.open); break;
  }
}

// Judged against the report's own instant, so a date passed while the work is still open
// is missed even if the monitor has not recorded the breach yet. A date whose work was
// cancelled before a breach was recorded is neither kept, missed nor open.
void CountCommitted(const v1::TicketFacts::Clock& c, int64_t now_ms, Totals& t) {
  const bool ended = c.end_ms() != 0;
  if (c.state() == v1::SLA_CLOCK_STATE_MET) {
    ++t.kept;
  } else if (c.breached() || (!ended && now_ms > c.due_ms())) {
    ++t.missed;
    t.delay_ms += (ended ? c.end_ms() : now_ms) - c.due_ms();
  } else if (!ended) {
    ++t.committed_open;
  }
}

// The omitted or late steps of one ticket (docs/reports.md, "Service omission rate").
void CountOmissions(const v1::TicketFacts& f, Totals& t) {
  bool fr = false, updates = false;
  for (const v1::TicketFacts::Clock& c : f.clocks()) {
    // breach_count, not breached: a next-update cycle that breached stays an omission after
    // later cycles started afresh.
    if (c.kind() == v1::SLA_CLOCK_KIND_FIRST_RESPONSE && c.breach_count() > 0) fr = true;
    if (c.kind() == v1::SLA_CLOCK_KIND_NEXT_UPDATE && c.breach_count() > 0) updates = true;
  }
  const bool verification = f.verification_overdue();
  // A declined survey is an attempt, so it is no omission; only CLOSED work owes one.
  const bool survey = f.status() == v1::TICKET_STATUS_CLOSED && !f.surveyed();
  t.omitted_fr += fr;
  t.omitted_updates += updates;
  t.omitted_verification += verification;
  t.omitted_survey += survey;
  t.omissions += fr || updates || verification || survey;
}

void Add(const v1::TicketFacts& f, int64_t now_ms, Totals& t) {
  ++t.tickets;
  for (const v1::TicketFacts::Clock& c : f.clocks()) {
    if (c.kind() == v1::SLA_CLOCK_KIND_COMMITTED_DATE) {
      CountCommitted(c, now_ms, t);
      continue;
    }
    CountClock(c, t.clocks[c.kind()]);
    // Business time the clock used, its own measure; only met clocks have a final value.
    // Resolution's includes the cycles before a reopen (RunAgain keeps elapsed).
    if (Met(c.state()) && c.kind() == v1::SLA_CLOCK_KIND_FIRST_RESPONSE) t.first_response_ms.push_back(c.elapsed_ms());
    if (Met(c.state()) && c.kind() == v1::SLA_CLOCK_KIND_RESOLUTION) t.resolution_ms.push_back(c.elapsed_ms());
  }
  if (f.has_first_time_fix()) {
    ++t.first_visits;
    t.first_time_fixes += f.first_time_fix();
  }
  if (IsOpen(f.status()) && f.status() != v1::TICKET_STATUS_RESOLVED) {
    ++t.backlog;
    // Age in whole wall-clock days, as the customer waits, not business time. upper_bound:
    // exactly 1 day old falls in 1-3, exactly 30 in >=30.
    const int64_t days = (now_ms - f.create_ms()) / (24 * 3600 * 1000);
    t.ages[std::upper_bound(std::begin(kAgeLimitsDays), std::end(kAgeLimitsDays), days) -
           std::begin(kAgeLimitsDays)]++;
  }
  t.complaints += f.kind() == v1::TICKET_KIND_COMPLAINT;
  CountOmissions(f, t);
  // Answered surveys only: a declined one has no overall score (docs/reports.md).
  if (f.surveyed() && f.survey_overall() > 0) {
    ++t.surveyed;
    t.dissatisfied += f.dissatisfied();
  }
}

double Ratio(int64_t part, int64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

v1::TimeStats Stats(std::vector<int64_t> ms) {
  v1::TimeStats stats;
  stats.set_count(static_cast<int64_t>(ms.size()));
  if (ms.empty()) return stats;
  // Nearest rank needs the values in order (a copy: the totals stay as they are). The mean
  // is truncated to the millisecond.
  std::sort(ms.begin(), ms.end());
  int64_t sum = 0;
  for (int64_t v : ms) sum += v;
  ToDurationProto(absl::Milliseconds(sum / static_cast<int64_t>(ms.size())), stats.mutable_mean());
  const size_t rank = (ms.size() * 9 + 9) / 10;  // nearest rank: ceil(0.9 n)
  ToDurationProto(absl::Milliseconds(ms[rank - 1]), stats.mutable_p90());
  return stats;
}

v1::ReportRow RowOf(const std::string& group, const Totals& t, int64_t accounts) {
  v1::ReportRow row;
  row.set_group(group);
  row.set_tickets(t.tickets);
  for (v1::SlaClockKind kind : kReportedClocks) {
    auto it = t.clocks.find(kind);
    if (it == t.clocks.end()) continue;
    const ClockCounts& c = it->second;
    v1::ClockCompliance& sla = *row.add_sla();
    sla.set_clock(kind);
    sla.set_met_on_time(c.on_time);
    sla.set_met_late(c.late);
    sla.set_breached(c.breached);
    sla.set_open(c.open);
    sla.set_stopped(c.stopped);
    sla.set_compliance(Ratio(c.on_time, c.on_time + c.late + c.breached));
  }
  *row.mutable_time_to_first_response() = Stats(t.first_response_ms);
  *row.mutable_time_to_resolution() = Stats(t.resolution_ms);
  row.set_first_visits(t.first_visits);
  row.set_first_time_fixes(t.first_time_fixes);
  row.set_first_time_fix_rate(Ratio(t.first_time_fixes, t.first_visits));
  row.set_committed_kept(t.kept);
  row.set_committed_missed(t.missed);
  row.set_committed_open(t.committed_open);
  if (t.missed > 0) ToDurationProto(absl::Milliseconds(t.delay_ms / t.missed), row.mutable_committed_mean_delay());
  row.set_backlog(t.backlog);
  for (int64_t n : t.ages) row.add_backlog_by_age(n);
  row.set_complaints(t.complaints);
  row.set_accounts(accounts);
  row.set_complaints_per_100_accounts(100.0 * Ratio(t.complaints, accounts));
  row.set_omissions(t.omissions);
  row.set_omission_rate(Ratio(t.omissions, t.tickets));
  row.set_omitted_first_response(t.omitted_fr);
  row.set_omitted_updates(t.omitted_updates);
  row.set_omitted_verification(t.omitted_verification);
  row.set_omitted_survey(t.omitted_survey);
  row.set_surveyed(t.surveyed);
  row.set_dissatisfied(t.dissatisfied);
  row.set_dissatisfaction_rate(Ratio(t.dissatisfied, t.surveyed));
  return row;
}

std::string GroupOf(const v1::TicketFacts& f, v1::ReportGroup group) {
  std::string value;
  switch (group) {
    case v1::REPORT_GROUP_TIER: value = TierName(f.tier()); break;
    case v1::REPORT_GROUP_REGION: value = f.region(); break;
    case v1::REPORT_GROUP_QUEUE: value = f.queue(); break;
    case v1::REPORT_GROUP_TECHNICIAN: value = f.assignee(); break;
    case v1::REPORT_GROUP_PRODUCT: value = f.product(); break;
    default: return "";
  }
  return value.empty() ? "(none)" : value;
}

absl::Status CheckPeriod(const google::protobuf::Timestamp& from,
                         const google::protobuf::Timestamp& to, bool has_from, bool has_to) {
  // Both bounds required: an open-ended period would scan every ticket ever created.
  if (!has_from || !has_to || FromTimestamp(to) <= FromTimestamp(from)) {
    return absl::InvalidArgumentError("to: from and to are required, to after from");
  }
  if (from.seconds() < 0) return absl::InvalidArgumentError("from: must not be before 1970");
  // Bounds the scan: a year and a day at most. Longer trends are reports of consecutive
  // periods.
  if (FromTimestamp(to) - FromTimestamp(from) > kMaxReportPeriod) {
    return absl::InvalidArgumentError(
        "to: a report covers at most 366 days from `from`; ask for consecutive periods");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::ServiceReport> ReportService::GetServiceReport(
    const Principal& actor, const v1::ServiceReportRequest& request, const Interrupt& interrupt) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kReports, nullptr));
  TKT_RETURN_IF_ERROR(CheckPeriod(request.from(), request.to(), request.has_from(), request.has_to()));
  if (!v1::ReportGroup_IsValid(request.group_by())) {
    return absl::InvalidArgumentError("group_by: unknown value");
  }
  // Read once: every ticket's backlog age and every missed date are judged at the same
  // instant, the as_of the report states. std::map: rows come out sorted by group.
  const absl::Time now = clock_.Now();
  const int64_t now_ms = absl::ToUnixMillis(now);
  std::map<std::string, Totals> groups;
  Totals total;
  int64_t scanned = 0;
  TKT_RETURN_IF_ERROR(store_.ScanFacts(
      FromTimestamp(request.from()), FromTimestamp(request.to()), [&](const v1::TicketFacts& f) {
        // A long period is a long scan: stop when the caller no longer waits for it.
        if (++scanned % kInterruptEvery == 0) TKT_RETURN_IF_ERROR(interrupt.Check());
        Add(f, now_ms, total);
        if (request.group_by() != v1::REPORT_GROUP_UNSPECIFIED) {
          Add(f, now_ms, groups[GroupOf(f, request.group_by())]);
        }
        return absl::OkStatus();
      }));
  // Complaint rates are per 100 accounts: of the tier or region for those groupings, of all
  // accounts otherwise. Accounts are counted as they are classified now, not as they were
  // when the tickets were created (docs/reports.md, The three controls).
  std::map<std::string, int64_t> accounts_by_group;
  int64_t all_accounts = 0;
  std::string after;
  while (true) {
    TKT_RETURN_IF_ERROR(interrupt.Check());
    TKT_ASSIGN_OR_RETURN(std::vector<v1::Account> batch, accounts_.ScanAccounts(after, 10000));
    if (batch.empty()) break;
    after = batch.back().id();
    for (const v1::Account& a : batch) {
      ++all_accounts;
      if (request.group_by() == v1::REPORT_GROUP_TIER) ++accounts_by_group[TierName(a.service_tier())];
      if (request.group_by() == v1::REPORT_GROUP_REGION) ++accounts_by_group[a.region().empty() ? "(none)" : a.region()];
    }
  }
  const bool per_group = request.group_by() == v1::REPORT_GROUP_TIER ||
                         request.group_by() == v1::REPORT_GROUP_REGION;
  v1::ServiceReport report;
  *report.mutable_from() = request.from();
  *report.mutable_to() = request.to();
  ToTimestamp(now, report.mutable_as_of());
  report.set_group_by(request.group_by());
  for (const auto& [name, totals] : groups) {
    *report.add_rows() = RowOf(name, totals, per_group ? accounts_by_group[name] : all_accounts);
  }
  *report.mutable_total() = RowOf("", total, all_accounts);
  return report;
}

absl::StatusOr<v1::ProductFeedback> ReportService::GetProductFeedback(
    const Principal& actor, const v1::ProductFeedbackRequest& request, const Interrupt& interrupt) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kReports, nullptr));
  TKT_RETURN_IF_ERROR(CheckPeriod(request.from(), request.to(), request.has_from(), request.has_to()));
  std::map<std::tuple<std::string, std::string, std::string>, int64_t> counts;
  int64_t scanned = 0;
  TKT_RETURN_IF_ERROR(store_.ScanFacts(
      FromTimestamp(request.from()), FromTimestamp(request.to()), [&](const v1::TicketFacts& f) {
        if (++scanned % kInterruptEvery == 0) TKT_RETURN_IF_ERROR(interrupt.Check());
        // Only finished work has a diagnosis worth feeding back; a reopened ticket counts
        // again once it is resolved (docs/reports.md, Product feedback).
        const bool resolved = f.status() == v1::TICKET_STATUS_RESOLVED ||
                              f.status() == v1::TICKET_STATUS_CLOSED;
        if (resolved && !f.fault_category().empty()) {
          ++counts[{f.product().empty() ? "(none)" : f.product(), f.fault_category(), f.root_cause()}];
        }
        return absl::OkStatus();
      }));
  std::vector<v1::FeedbackRow> rows;
  for (const auto& [key, count] : counts) {
    v1::FeedbackRow row;
    row.set_product(std::get<0>(key));
    row.set_fault_category(std::get<1>(key));
    row.set_root_cause(std::get<2>(key));
    row.set_count(count);
    rows.push_back(std::move(row));
  }
  // Stable: rows of one product with equal counts keep the map's order (fault category,
  // root cause), so the output is the same on every call.
  std::stable_sort(rows.begin(), rows.end(), [](const v1::FeedbackRow& a, const v1::FeedbackRow& b) {
    return a.product() != b.product() ? a.product() < b.product() : a.count() > b.count();
  });
  v1::ProductFeedback feedback;
  for (v1::FeedbackRow& row : rows) *feedback.add_rows() = std::move(row);
  return feedback;
}

}  // namespace ticketing::domain
