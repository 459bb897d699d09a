#ifndef TICKETING_SERVER_DOMAIN_ESCALATION_ESCALATION_POLICY_H_
#define TICKETING_SERVER_DOMAIN_ESCALATION_ESCALATION_POLICY_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "server/domain/base/principal.h"
#include "server/domain/sla/sla_config_service.h"
#include "server/domain/sla/sla_policy.h"
#include "ticketing/v1/account.pb.h"
#include "ticketing/v1/alert.pb.h"
#include "ticketing/v1/ticket.pb.h"

namespace ticketing::domain {

// The escalation levels and rules of the config (docs/escalation.md). Pure and immutable;
// thread-safe.
//
// When an event records an SLA warning ("sla.<clock>.warning"), a breach ("sla.<clock>" ->
// BREACHED) or a new chase count ("chase_count" -> N), the first rule whose condition and selectors match raises an alert at its
// level, addressed to the level's users and roles (whoever the assignee is: the two-loop
// principle; the assignee is named on the alert too), and applies the rule's actions
// (raise priority, move queue) to the ticket, recording them in the event.
class EscalationPolicy {
 public:
  // An empty policy: no alerts.
  EscalationPolicy() = default;

  // Validates levels and rules against the users (which must outlive the policy: the
  // recipients are looked up in them when an alert is addressed) and the calendars (for
  // quiet hours; the set is kept alive by the policy). INVALID_ARGUMENT naming the field
  // ("escalation_rules[1].level").
  static absl::StatusOr<std::unique_ptr<EscalationPolicy>> Create(
      const google::protobuf::RepeatedPtrField<v1::EscalationLevel>& levels,
      const google::protobuf::RepeatedPtrField<v1::EscalationRule>& rules,
      const UserDirectory& users, std::shared_ptr<const SlaPolicySet> calendars = nullptr);

  // Reads the ticket's account when a rule notifies its manager or key persons (nullopt:
  // there is none, notify nobody). A read error is passed on, not taken for "no account".
  using AccountFetcher = std::function<absl::StatusOr<std::optional<v1::Account>>()>;

  // The alerts the changes recorded in `event` raise (SLA warnings and breaches, the chase
  // count reaching a rule's number, a KEY account's complaint being created), ready to
  // store (without sequence numbers). Applies the rules' actions to `ticket` and records
  // them in `event`. Fails only when the account cannot be read (the change then fails as a
  // whole and is retried: an alert never goes out without its account's people).
  absl::StatusOr<std::vector<v1::Alert>> OnEvent(v1::Ticket& ticket, v1::TicketEvent& event,
                                                 absl::Time now,
                                                 const AccountFetcher& account = nullptr) const;

  // The alert that replaces `unacknowledged` one level up, or nullopt when there is no
  // higher level. Carries the ticket's current priority, queue and assignee.
  std::optional<v1::Alert> Reescalate(const v1::Alert& unacknowledged, const v1::Ticket& ticket,
                                      absl::Time now) const;

  // The users an alert of `level` about `ticket` goes to (sorted, unique).
  std::vector<std::string> Recipients(int level, const v1::Ticket& ticket) const;

 private:
  struct Level {
    v1::EscalationLevel spec;
    std::optional<absl::Duration> reescalate_after;
    const BusinessCalendar* calendar = nullptr;  // quiet hours: outside it, off_hours_level
    bool Applies(const v1::Ticket& ticket) const;
  };
  // The entry of `level` for `ticket` (the level exists: validated).
  const Level& EntryFor(int level, const v1::Ticket& ticket) const;
  // The enabled users `entry` names, by name or role, now.
  std::set<std::string> RecipientsOf(const Level& entry) const;
  // Sets level, name, recipients and reescalate_time of `alert` for `level`, or for the
  // level's on-duty level when a non-urgent alert falls in its quiet hours.
  void Address(v1::Alert& alert, int level, bool urgent, const v1::Ticket& ticket,
               absl::Time now) const;
  const v1::EscalationRule* Match(const v1::Ticket& ticket, v1::EscalationCondition condition,
                                  v1::SlaClockKind clock) const;
  const v1::EscalationRule* FindRule(absl::string_view name) const;
  // The rule's selectors (clocks, tiers, kinds, priorities, queues) accept the ticket.
  bool Selects(const v1::EscalationRule& rule, const v1::Ticket& ticket,
               v1::SlaClockKind clock) const;
  // Adds a pending escalation to `ticket` for every BREACH_AGE rule that selects it, due
  // after_breach of business time after the clock's due instant. When the calendar cannot
  // count that far (past the dates it covers), the escalation is due after_breach of
  // wall-clock time instead (sooner, never later) and `event` records why.
  void ScheduleBreachAge(v1::Ticket& ticket, v1::SlaClockKind clock, absl::Time now,
                         v1::TicketEvent& event) const;
  v1::Alert NewAlert(const v1::Ticket& ticket, const v1::EscalationRule& rule,
                     v1::SlaClockKind clock, absl::Time now,
                     const std::optional<v1::Account>& account) const;

  std::map<int, std::vector<Level>> levels_;  // by level number, entries in config order
  std::shared_ptr<const SlaPolicySet> calendars_;
  // Who the levels name (by role too), looked up when an alert is addressed; set by Create
  // (must outlive the policy).
  const UserDirectory* users_ = nullptr;
  std::vector<v1::EscalationRule> rules_;
};

// The escalation policy in force; compiled and replaced as a whole with the SLA
// configuration, as its part (SlaConfigService). Thread-safe.
class EscalationRules final : public SlaConfigPart {
 public:
  // No rules until the SLA configuration puts some in force. `users` (to validate levels
  // and find their recipients) must outlive the rules.
  explicit EscalationRules(const UserDirectory& users)
      : users_(users), policy_(std::make_shared<EscalationPolicy>()) {}

  // SlaConfigPart: the escalation levels and rules of `config`.
  absl::StatusOr<std::function<void()>> Compile(
      const v1::SlaConfig& config, std::shared_ptr<const SlaPolicySet> policies) override;

  // Hold the pointer while using the policy.
  std::shared_ptr<const EscalationPolicy> Get() const {
    absl::MutexLock lock(&mu_);
    return policy_;
  }
  void Replace(std::shared_ptr<const EscalationPolicy> policy) {
    absl::MutexLock lock(&mu_);
    policy_ = std::move(policy);
  }

 private:
  const UserDirectory& users_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const EscalationPolicy> policy_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_ESCALATION_ESCALATION_POLICY_H_
