#ifndef TICKETING_SERVER_DOMAIN_TICKETS_TICKET_CORE_H_
#define TICKETING_SERVER_DOMAIN_TICKETS_TICKET_CORE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/common/clock.h"
#include "server/domain/base/authz.h"
#include "server/domain/base/principal.h"
#include "server/domain/tickets/ticket_rules.h"
#include "storage/ticket_store.h"
#include "ticketing/v1/ticket.pb.h"

namespace ticketing::domain {

// The actor of the changes the server makes itself (SLA timers, re-escalations).
inline constexpr char kSystemActor[] = "system";

// A change of an existing ticket as the caller asked for it: which ticket (and the request
// field that named it, for errors), the version the caller last read, and what the caller
// wants to do (for authorisation). One named constructor per kind of change.
class TicketEdit {
 public:
  // A change that must name the version the caller last read: INVALID_ARGUMENT without
  // one, ABORTED when someone changed the ticket since (update, assign, committed date).
  static TicketEdit AtVersion(absl::string_view id_field, absl::string_view id, int64_t version,
                              Action action);
  // A status change to `target`, at the version the caller last read.
  static TicketEdit Transition(absl::string_view id, int64_t version, v1::TicketStatus target);
  // A change checked against `version` only when one is given (a comment).
  static TicketEdit AtVersionIfGiven(absl::string_view id_field, absl::string_view id,
                                     int64_t version, Action action);
  // A record added to whatever is stored (a contact, a visit, a part, a quote, a survey).
  static TicketEdit Latest(absl::string_view id_field, absl::string_view id, Action action);
  // The server's own change, made on behalf of the actor passed with it (a tier move, a
  // re-escalation): no authorisation, no version.
  static TicketEdit Internal(absl::string_view id_field, absl::string_view id);

  absl::string_view id_field() const { return id_field_; }
  absl::string_view id() const { return id_; }
  int64_t expected_version() const { return version_; }
  bool version_required() const { return version_required_; }
  Action action() const { return action_; }
  v1::TicketStatus target() const { return target_; }

 private:
  TicketEdit(absl::string_view id_field, absl::string_view id, int64_t version,
             bool version_required, Action action, v1::TicketStatus target = v1::TICKET_STATUS_UNSPECIFIED)
      : id_field_(id_field), id_(id), version_(version), version_required_(version_required),
        action_(action), target_(target) {}

  absl::string_view id_field_;
  absl::string_view id_;
  int64_t version_ = 0;  // 0: not checked
  bool version_required_ = false;
  Action action_;
  v1::TicketStatus target_;
};

// What a change stored.
struct TicketCommit {
  v1::Ticket ticket;             // as stored; as it was when nothing changed
  v1::TicketEvent event;         // as stored; sequence 0 when nothing changed
  std::vector<v1::Alert> alerts;  // raised, with their sequences
  bool changed() const { return event.sequence() != 0; }
};

// Fills `draft` (a copy of `current` as draft.next, an empty event, the time) with the
// change; an error abandons it. Leaving event.changes and event.comment empty makes the
// change a no-op.
using EditFn = std::function<absl::Status(const v1::Ticket& current, TicketDraft& draft)>;

// The one road every ticket write takes: striped locks, load, authorise, check the version,
// let the caller build the change, let the rules add theirs (TicketRules), stamp version,
// times and the event, and commit record, event and alerts as one atomic write. The
// features' services (lifecycle, field work, charges, SLA, alerts, tier moves, the monitor)
// are built on it.
//
// Thread-safe. Changes of one ticket are serialised by a striped lock held across
// read-check-commit; under the write executor they all run on its one writer thread, so
// the locks are uncontended there, and without it (unit tests, tools) they keep changes
// of one ticket apart. Every call reads the clock once.
class TicketCore {
 public:
  // All must outlive the core. `tiers` null: every account counts as STANDARD and need not
  // exist (unit tests that do not need accounts).
  TicketCore(storage::TicketStore& store, const Clock& clock, const TicketRules& rules,
             const TierSource* tiers);

  // Opens a ticket once per request id. Under the request id's lock: a known request id
  // returns the ticket it created when `fingerprint` is the same (ALREADY_EXISTS when
  // not). Otherwise, holding the tier of account `account_id` (TierSource; NOT_FOUND naming
  // `account_field`), `build` fills the draft of the new ticket, whose id, version 1,
  // creator and times, and whose CREATED event, are set already; then the rules run and
  // ticket, event, request record and alerts commit as one write.
  absl::StatusOr<v1::Ticket> Create(
      const Principal& actor, const std::string& request_id, uint64_t fingerprint,
      absl::string_view account_field, absl::string_view account_id,
      const std::function<absl::Status(v1::ServiceTier tier, TicketDraft& draft)>& build);

  // Changes one ticket: under its lock, loads it (NOT_FOUND), authorises `actor` for the
  // edit (PERMISSION_DENIED), checks the version (ABORTED), lets `fn` build the change and,
  // when its event records something, runs the rules and commits. Internal edits skip the
  // authorisation.
  absl::StatusOr<TicketCommit> Edit(const Principal& actor, const TicketEdit& edit,
                                    const EditFn& fn);

  // The server's change of many tickets (the SLA monitor) in ONE atomic write: every
  // ticket's stripe locked once, in stripe order; `fn` on each ticket that exists; tickets
  // whose event records nothing are left alone. Returns how many changed.
  absl::StatusOr<int> EditMany(const std::vector<uint64_t>& ids, const EditFn& fn);

  // The ticket `id` (INVALID_ARGUMENT naming `id_field` when malformed; NOT_FOUND).
  absl::StatusOr<v1::Ticket> Load(absl::string_view id_field, absl::string_view id) const;

  // Runs `fn` holding ticket `id`'s lock: work that must not interleave with changes of
  // the ticket (acknowledging its alerts).
  absl::Status WithLock(uint64_t id, const std::function<absl::Status()>& fn);

  storage::TicketStore& store() const { return store_; }
  const Clock& clock() const { return clock_; }
  const TicketRules& rules() const { return rules_; }

 private:
  // Runs the rules of a change of `current` and stamps version, times and event.
  absl::Status Prepare(const Principal& actor, const v1::Ticket& current, TicketDraft& draft) const;
  absl::StatusOr<v1::Ticket> Replay(const storage::RequestRecord& record,
                                    uint64_t fingerprint) const;
  absl::Mutex& LockFor(uint64_t key) { return locks_[key % locks_.size()]; }

  storage::TicketStore& store_;
  const Clock& clock_;
  const TicketRules& rules_;
  const TierSource* const tiers_;
  // Striped locks: a ticket id (or a request id's hash) picks one. Held across commit.
  std::array<absl::Mutex, 64> locks_;
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_TICKETS_TICKET_CORE_H_
