#include "server/domain/tickets/priority.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace ticketing::domain {
namespace {

// 0 (LOW) .. 2 (HIGH); unspecified counts as MEDIUM.
int Level(int value) { return value == 0 ? 1 : value - 1; }

std::string Short(absl::string_view name, absl::string_view prefix) {
  return std::string(absl::StripPrefix(name, prefix));
}

}  // namespace

v1::Priority PriorityFromMatrix(v1::Impact impact, v1::Urgency urgency) {
  // The sum of both levels: 4 -> P1, 3 -> P2, 2 -> P3, 0..1 -> P4.
  const int level = std::min(4, 5 - (Level(impact) + Level(urgency)));
  return static_cast<v1::Priority>(std::max(1, level));
}

// The default matrix is PriorityFromMatrix's; a config overrides single cells (Create).
PriorityRules::PriorityRules() {
  for (int i = 0; i < 3; ++i) {
    for (int u = 0; u < 3; ++u) {
      matrix_[i][u] = PriorityFromMatrix(static_cast<v1::Impact>(i + 1),
                                         static_cast<v1::Urgency>(u + 1));
    }
  }
}

absl::StatusOr<PriorityRules> PriorityRules::Create(const v1::PriorityConfig& config) {
  PriorityRules rules;
  for (int n = 0; n < config.matrix_size(); ++n) {
    const v1::PriorityCell& cell = config.matrix(n);
    const std::string field = absl::StrCat("priority.matrix[", n, "]");
    if (cell.impact() < v1::IMPACT_LOW || cell.impact() > v1::IMPACT_HIGH) {
      return absl::InvalidArgumentError(field + ".impact: must be LOW, MEDIUM or HIGH");
    }
    if (cell.urgency() < v1::URGENCY_LOW || cell.urgency() > v1::URGENCY_HIGH) {
      return absl::InvalidArgumentError(field + ".urgency: must be LOW, MEDIUM or HIGH");
    }
    if (cell.priority() < v1::PRIORITY_P1 || cell.priority() > v1::PRIORITY_P4) {
      return absl::InvalidArgumentError(field + ".priority: must be P1..P4");
    }
    rules.matrix_[cell.impact() - 1][cell.urgency() - 1] = cell.priority();
  }
  // Presence matters: an unset key_account_raise means the default 1, while 0 turns the
  // raise off (config.proto). key_complaint_top_priority below likewise defaults to true.
  if (config.has_key_account_raise()) rules.key_raise_ = config.key_account_raise();
  rules.potential_key_raise_ = config.potential_key_raise();
  // With four priorities a raise of 3 already takes P4 to P1; more is a config mistake.
  if (rules.key_raise_ < 0 || rules.key_raise_ > 3) {
    return absl::InvalidArgumentError("priority.key_account_raise: must be 0-3");
  }
  if (rules.potential_key_raise_ < 0 || rules.potential_key_raise_ > 3) {
    return absl::InvalidArgumentError("priority.potential_key_raise: must be 0-3");
  }
  if (config.has_key_complaint_top_priority()) {
    rules.key_complaint_top_ = config.key_complaint_top_priority();
  }
  return rules;
}

PriorityDecision PriorityRules::Decide(v1::Impact impact, v1::Urgency urgency,
                                       v1::TicketKind kind, v1::ServiceTier tier) const {
  const v1::Priority base = matrix_[Level(impact)][Level(urgency)];
  PriorityDecision decision{base, ""};
  // The reason starts with the matrix cell even when a rule below overrides it, so the
  // history shows what impact and urgency alone would have given. An unset impact or urgency
  // is shown as the MEDIUM it counted as.
  const std::string matrix = absl::StrCat(
      "matrix ", Short(v1::Priority_Name(base), "PRIORITY_"), " (impact ",
      Short(v1::Impact_Name(static_cast<v1::Impact>(Level(impact) + 1)), "IMPACT_"),
      " x urgency ",
      Short(v1::Urgency_Name(static_cast<v1::Urgency>(Level(urgency) + 1)), "URGENCY_"), ")");
  // "Handle a key account's complaints first, at once" (docs/accounts.md, "Priority"): P1
  // whatever the matrix says; the raise below does not apply on top.
  if (tier == v1::SERVICE_TIER_KEY && kind == v1::TICKET_KIND_COMPLAINT && key_complaint_top_) {
    decision.priority = v1::PRIORITY_P1;
    decision.reason = absl::StrCat(matrix, ", P1: a complaint from a KEY account");
    return decision;
  }
  const int raise = tier == v1::SERVICE_TIER_KEY             ? key_raise_
                    : tier == v1::SERVICE_TIER_POTENTIAL_KEY ? potential_key_raise_
                                                             : 0;
  // Capped at P1, so a raise may be smaller than configured (P2 raised 2 levels is P1).
  decision.priority = static_cast<v1::Priority>(std::max(1, static_cast<int>(base) - raise));
  decision.reason = matrix;
  if (decision.priority != base) {
    const int raised = static_cast<int>(base) - decision.priority;
    absl::StrAppend(&decision.reason, ", raised ", raised, raised == 1 ? " level" : " levels",
                    " for a ",
                    Short(v1::ServiceTier_Name(tier), "SERVICE_TIER_"), " account");
  }
  return decision;
}

}  // namespace ticketing::domain
