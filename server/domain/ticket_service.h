#ifndef TICKETING_SERVER_DOMAIN_TICKET_SERVICE_H_
#define TICKETING_SERVER_DOMAIN_TICKET_SERVICE_H_

#include <array>
#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/common/clock.h"
#include "server/domain/account_service.h"
#include "server/domain/authz.h"
#include "server/domain/escalation.h"
#include "server/domain/principal.h"
#include "server/domain/priority.h"
#include "server/domain/sla_clocks.h"
#include "storage/ticket_store.h"
#include "ticketing/v1/admin_service.pb.h"
#include "ticketing/v1/ticket_service.pb.h"

namespace ticketing::domain {

// The ticket lifecycle: validates requests, authorises the caller, applies the state machine
// and commits each change (record + one history event + index entries) atomically.
//
// Thread-safe. Changes of one ticket are serialised by a striped lock around
// read-check-commit; changes of different tickets commit concurrently, so RocksDB can group
// their WAL syncs. Every method reads the clock once.
class TicketService final : public TicketRetier {
 public:
  // The actor of changes the server makes itself (SLA warnings and breaches).
  static constexpr char kSystemActor[] = "system";

  // All four must outlive the service.
  TicketService(storage::TicketStore& store, const Clock& clock, const UserDirectory& users,
                const SlaClocks& sla);

  // Turns on escalation: changes raise alerts by the rules in force, stored in the same
  // commit. `rules` must outlive the service. Call before use.
  void EnableEscalation(const EscalationRules* rules) { escalation_ = rules; }

  // Turns on accounts: a ticket's account must exist (else NOT_FOUND naming
  // ticket.account_id), the ticket takes the account's tier, `priority` decides its
  // priority, and KEY accounts' tickets rank `key_margin` earlier in work queues. Without
  // this every account counts as STANDARD (unit tests that do not need accounts). `accounts`
  // must outlive the service. Call before use.
  void EnableAccounts(const AccountDirectory* accounts, PriorityRules priority,
                      absl::Duration key_margin) {
    accounts_ = accounts;
    priority_ = std::move(priority);
    key_margin_ = key_margin;
  }

  // Opens a ticket (NEW, or ASSIGNED when created with an assignee). A retry with a known
  // request_id returns the ticket it created; other content under that id: ALREADY_EXISTS.
  absl::StatusOr<v1::Ticket> Create(const Principal& actor, const v1::CreateTicketRequest& request);
  absl::StatusOr<v1::Ticket> Get(const Principal& actor, const v1::GetTicketRequest& request);
  absl::StatusOr<v1::ListTicketsResponse> List(const Principal& actor,
                                               const v1::ListTicketsRequest& request);
  // List's response, serialized, built from the tickets' stored bytes: what the gRPC layer
  // sends (nothing parsed and serialized again on the hot read path).
  absl::StatusOr<std::string> ListSerialized(const Principal& actor,
                                             const v1::ListTicketsRequest& request);
  absl::StatusOr<v1::Ticket> Update(const Principal& actor, const v1::UpdateTicketRequest& request);
  absl::StatusOr<v1::Ticket> Transition(const Principal& actor,
                                        const v1::TransitionTicketRequest& request);
  absl::StatusOr<v1::Ticket> Assign(const Principal& actor, const v1::AssignTicketRequest& request);
  absl::StatusOr<v1::AddCommentResponse> AddComment(const Principal& actor,
                                                    const v1::AddCommentRequest& request);
  absl::StatusOr<v1::ListTicketEventsResponse> ListEvents(
      const Principal& actor, const v1::ListTicketEventsRequest& request);
  // Records an inbound customer contact: chase_count + 1, an internal event, and whatever
  // escalation rules watch the count.
  absl::StatusOr<v1::Ticket> RecordContact(const Principal& actor,
                                           const v1::RecordContactRequest& request);
  // Records a date promised to the customer and starts the committed-date clock.
  absl::StatusOr<v1::Ticket> SetCommittedDate(const Principal& actor,
                                              const v1::SetCommittedDateRequest& request);
  // Each clock's segments, from the ticket's history, and how its due time was computed.
  absl::StatusOr<v1::SlaExplanation> ExplainSla(const Principal& actor,
                                                const v1::ExplainSlaRequest& request);
  // Deadlines on a calendar or under a policy, without a ticket.
  absl::StatusOr<v1::PreviewDeadlineResponse> PreviewDeadline(
      const Principal& actor, const v1::PreviewDeadlineRequest& request);

  // Sets the survey threshold: an overall score below it is dissatisfied (default 3).
  void SetDissatisfiedBelow(int score) { dissatisfied_below_ = score; }
  // A resolved ticket not verified within this time is overdue (VERIFICATION_OVERDUE).
  void SetVerifyWithin(std::optional<absl::Duration> within) { verify_within_ = within; }

  // Field visits and the customer's survey (docs/fieldwork.md).
  absl::StatusOr<v1::Ticket> ScheduleVisit(const Principal& actor,
                                           const v1::ScheduleVisitRequest& request);
  absl::StatusOr<v1::Ticket> RecordVisit(const Principal& actor,
                                         const v1::RecordVisitRequest& request);
  absl::StatusOr<v1::Ticket> SubmitSurvey(const Principal& actor,
                                          const v1::SubmitSurveyRequest& request);

  // Spare parts and charges (docs/fieldwork.md).
  absl::StatusOr<v1::Ticket> RequestPart(const Principal& actor,
                                         const v1::RequestPartRequest& request);
  absl::StatusOr<v1::Ticket> UpdatePart(const Principal& actor,
                                        const v1::UpdatePartRequest& request);
  absl::StatusOr<v1::Ticket> SetQuote(const Principal& actor, const v1::SetQuoteRequest& request);
  absl::StatusOr<v1::Ticket> RecordQuoteDecision(const Principal& actor,
                                                 const v1::RecordQuoteDecisionRequest& request);
  absl::StatusOr<v1::Ticket> SetPaymentStatus(const Principal& actor,
                                              const v1::SetPaymentStatusRequest& request);

  // The open tickets of one assignee or queue in working order (docs/accounts.md).
  absl::StatusOr<v1::ListWorkQueueResponse> ListWorkQueue(const Principal& actor,
                                                          const v1::ListWorkQueueRequest& request);
  // ListWorkQueue's response, serialized from the tickets' stored bytes (as ListSerialized).
  absl::StatusOr<std::string> ListWorkQueueSerialized(const Principal& actor,
                                                      const v1::ListWorkQueueRequest& request);

  // Moves every open ticket of `account_id` to the account's tier in force, read as each
  // ticket is changed (an event each, by `actor`); the SLA policy is chosen again and
  // running clocks keep the smaller target. INVALID_ARGUMENT for an empty id.
  absl::StatusOr<int> RetierAccountTickets(const std::string& account_id,
                                           const Principal& actor) override;

  // Runs the store's consistency check.
  absl::StatusOr<v1::VerifyStoreResponse> VerifyStore(const Principal& actor);

  // Acknowledges an alert (stopping its re-escalation). Roles: supervisor, admin, a
  // recipient, the assignee named on the alert, or the ticket's current assignee. Idempotent. Serialised with re-escalation by the
  // ticket's lock.
  absl::StatusOr<v1::Alert> AckAlert(const Principal& actor, const v1::AckAlertRequest& request);

  // Re-escalates alert `sequence` if it is still unacknowledged: a new alert at the next
  // level, the old one marked, and a "system" event on the ticket, in one commit. Returns
  // whether anything changed.
  absl::StatusOr<bool> ReescalateAlert(int64_t sequence);

  // Records the SLA warnings and breaches (and pending breach-age escalations and
  // verification deadlines) of ticket `id` that are due by now, as one "system" event
  // committed together with the removal of their timers (so each fires exactly once).
  // Returns whether anything was due.
  absl::StatusOr<bool> FireSlaTimers(uint64_t id);
  // The same for several tickets at once, all in ONE atomic write (one WAL sync): the
  // monitor's way through many timers falling due together. Returns how many tickets
  // changed.
  absl::StatusOr<int> FireSlaTimers(const std::vector<uint64_t>& ids);

 private:
  // Fills `next` and `event` from `current` at time `now`; returns an error to abandon the
  // change. Leaving event.changes and event.comment empty makes the change a no-op.
  using MutateFn = std::function<absl::Status(const v1::Ticket& current, absl::Time now,
                                              v1::Ticket& next, v1::TicketEvent& event)>;
  struct MutationSpec {
    absl::string_view id_field;  // request field holding the id, for error messages
    absl::string_view id;
    int64_t expected_version = 0;  // 0: no check
    bool version_required = true;
    Action action;
    v1::TicketStatus target = v1::TICKET_STATUS_UNSPECIFIED;  // for Action::kTransition
    std::vector<v1::Alert>* alerts = nullptr;  // alerts the change raises, stored with it
    // Stored alerts the change rewrites (before, after), stored with it.
    std::vector<std::pair<v1::Alert, v1::Alert>>* alert_updates = nullptr;
  };

  // Loads the ticket under its lock, authorises, checks the version, applies `mutate`, bumps
  // the version and commits the new record with its event. Returns the new ticket and event.
  absl::StatusOr<std::pair<v1::Ticket, v1::TicketEvent>> Mutate(const Principal& actor,
                                                                const MutationSpec& spec,
                                                                const MutateFn& mutate);
  // Escalation, clocks, work order, version and event of a change, ready to commit; the
  // alerts it raises go to `alerts` (which the returned change points at).
  absl::StatusOr<storage::TicketChange> Prepare(const Principal& actor, v1::Ticket current,
                                                v1::Ticket next, v1::TicketEvent event,
                                                absl::Time now, std::vector<v1::Alert>* alerts);
  // What falls due on `next` by `now`: SLA warnings and breaches, breach-age escalations,
  // the verification deadline, recorded in `event`.
  absl::Status FireDue(v1::Ticket& next, v1::TicketEvent& event, absl::Time now) const;
  // FireSlaTimers with the tickets' locks held.
  absl::StatusOr<int> FireLocked(const std::vector<uint64_t>& ids);
  // The second half of Mutate: Prepare, then one commit.
  absl::StatusOr<std::pair<v1::Ticket, v1::TicketEvent>> CommitChange(
      const Principal& actor, const MutationSpec& spec, v1::Ticket current, v1::Ticket next,
      v1::TicketEvent event, absl::Time now);
  absl::StatusOr<v1::Ticket> Load(absl::string_view id_field, absl::string_view id);
  absl::StatusOr<v1::Ticket> ReplayCreate(const storage::RequestRecord& record,
                                          uint64_t fingerprint);
  absl::Status CheckAssignee(absl::string_view field, absl::string_view assignee) const;
  v1::Ticket NewTicket(const Principal& actor, const v1::Ticket& fields, uint64_t id,
                       v1::ServiceTier tier, absl::Time now) const;
  // Builds and commits a new ticket for `request` with the account's tier (under the
  // request's lock).
  absl::StatusOr<v1::Ticket> CommitNewTicket(const Principal& actor,
                                             const v1::CreateTicketRequest& request,
                                             uint64_t fingerprint, v1::ServiceTier tier);
  // The alerts `event` raises on `ticket` (applying the rules' actions to it).
  std::vector<v1::Alert> Escalate(v1::Ticket& ticket, v1::TicketEvent& event, absl::Time now);
  // Business time left until the ticket's next_due_time on its policy's calendar.
  // (Read from the ticket's header: its next_due_time and sla_policy.)
  std::optional<absl::Duration> BusinessTimeLeft(const storage::TicketHeader& ticket,
                                                 absl::Time now) const;
  absl::Mutex& LockFor(uint64_t key) { return locks_[key % locks_.size()]; }

  storage::TicketStore& store_;
  const Clock& clock_;
  const UserDirectory& users_;
  const SlaClocks& sla_;
  const EscalationRules* escalation_ = nullptr;
  const AccountDirectory* accounts_ = nullptr;
  PriorityRules priority_;
  absl::Duration key_margin_ = absl::Hours(1);
  int dissatisfied_below_ = 3;
  std::optional<absl::Duration> verify_within_;
  // Striped locks: a ticket id (or a request id's hash) picks one. Held across commit.
  std::array<absl::Mutex, 64> locks_;
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_TICKET_SERVICE_H_
