#ifndef TICKETING_SERVER_DOMAIN_TICKETS_PRIORITY_H_
#define TICKETING_SERVER_DOMAIN_TICKETS_PRIORITY_H_

#include <array>
#include <string>

#include "absl/status/statusor.h"
#include "ticketing/v1/config.pb.h"
#include "ticketing/v1/ticket.pb.h"

namespace ticketing::domain {

// The default priority of a ticket from its impact and urgency (unspecified counts as MEDIUM):
//
//                 urgency HIGH   MEDIUM   LOW
//   impact HIGH           P1     P2       P3
//          MEDIUM         P2     P3       P4
//          LOW            P3     P4       P4
v1::Priority PriorityFromMatrix(v1::Impact impact, v1::Urgency urgency);

// A ticket's priority and why, e.g. {P2, "matrix P3 (impact HIGH x urgency LOW), raised 1
// level for a KEY account"}.
struct PriorityDecision {
  v1::Priority priority = v1::PRIORITY_P3;
  std::string reason;
};

// The configured priority rules (ServerConfig.priority, docs/accounts.md): a matrix of
// impact x urgency, key accounts raised by a number of levels (default 1), potential key
// accounts by another (default 0), and a KEY account's complaint at P1. Immutable.
class PriorityRules {
 public:
  // The default rules.
  PriorityRules();
  // INVALID_ARGUMENT naming the field ("priority.matrix[2].impact") for a bad config.
  static absl::StatusOr<PriorityRules> Create(const v1::PriorityConfig& config);

  // The priority of a new ticket of `kind` for an account of `tier`.
  PriorityDecision Decide(v1::Impact impact, v1::Urgency urgency, v1::TicketKind kind,
                          v1::ServiceTier tier) const;

 private:
  // [impact 0..2][urgency 0..2], LOW..HIGH.
  std::array<std::array<v1::Priority, 3>, 3> matrix_;
  int key_raise_ = 1;
  int potential_key_raise_ = 0;
  bool key_complaint_top_ = true;
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_TICKETS_PRIORITY_H_
