#ifndef TICKETING_STORAGE_TICKET_STORE_H_
#define TICKETING_STORAGE_TICKET_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/keys.h"
#include "ticketing/v1/account.pb.h"
#include "ticketing/v1/admin_service.pb.h"
#include "ticketing/v1/alert.pb.h"
#include "ticketing/v1/ticket_service.pb.h"
#include "ticketing/v1/report.pb.h"
#include "ticketing/storage/ticket_header.pb.h"
#include "ticketing/v1/ticket.pb.h"

namespace ticketing::storage {

// Remembers which ticket a CreateTicket request_id produced, so a retry returns it.
struct RequestRecord {
  std::string request_id;
  uint64_t ticket_id = 0;
  // Fingerprint of the request's content: a reused request_id with other content is refused.
  uint64_t fingerprint = 0;
};

// One change of one ticket, committed atomically: the new record, its history event, the
// index entries that differ between `before` and `after`, and (on create) the request record.
// A change with no ticket (no `before`, empty `after.id()`) only rewrites stored alerts: an
// acknowledgement (see AlertUpdate).
struct TicketChange {
  // A change that only rewrites one stored alert from `before` to `after`.
  static TicketChange AlertUpdate(const v1::Alert& before, const v1::Alert& after) {
    TicketChange change;
    change.alert_updates.emplace_back(before, after);
    return change;
  }
  bool alerts_only() const { return !before.has_value() && after.id().empty(); }

  std::optional<v1::Ticket> before;  // absent when the ticket is created
  v1::Ticket after;
  v1::TicketEvent event;  // event.sequence must equal after.version()
  std::optional<RequestRecord> request;
  // Alerts raised by the change, appended in the same batch. The store assigns their
  // sequence numbers in place (gap-free: a failed commit uses none). May be null.
  std::vector<v1::Alert>* alerts = nullptr;
  // Stored alerts the change rewrites: (as read, as it must become).
  std::vector<std::pair<v1::Alert, v1::Alert>> alert_updates = {};
};

// One change of one account: the new record and its history event (event.sequence ==
// after.version()).
struct AccountChange {
  std::optional<v1::Account> before;  // absent when created
  v1::Account after;
  v1::AccountEvent event;
};

// Whose work queue: an assignee's or a team queue's (docs/accounts.md, "Work queues").
struct WorkQueueScope {
  enum class Kind { kAssignee, kQueue };
  Kind kind = Kind::kAssignee;
  std::string name;
  static WorkQueueScope Assignee(std::string name) { return {Kind::kAssignee, std::move(name)}; }
  static WorkQueueScope Queue(std::string name) { return {Kind::kQueue, std::move(name)}; }
};

// A page of a work queue: tickets in working order.
struct WorkQueuePage {
  // The tickets, serialized as stored (a v1::Ticket each): the server answers with these
  // bytes instead of parsing and serializing them again.
  std::vector<std::string> records;
  // Where the next page starts (opaque to callers); empty at the end.
  std::string resume_after;
};

// A pending move of an account's open tickets to the account's new tier, written with the
// tier change and deleted once done (AccountService); one per change of the account.
struct RetierJob {
  std::string account_id;
  int64_t account_version = 0;  // the account's version that changed the tier
};

// Filters of a ticket listing; every set filter must hold. Empty strings and UNSPECIFIED
// enums mean "any". `statuses` matches any of its members.
struct TicketFilter {
  std::vector<v1::TicketStatus> statuses;
  std::string assignee;
  std::string account_id;
  std::string queue;
  v1::Priority priority = v1::PRIORITY_UNSPECIFIED;
  v1::TicketKind kind = v1::TICKET_KIND_UNSPECIFIED;
  std::optional<absl::Time> created_from;  // inclusive
  std::optional<absl::Time> created_to;    // exclusive

  // True when `ticket` passes every filter.
  bool Matches(const v1::Ticket& ticket) const;
  bool Matches(const TicketHeader& ticket) const;
};

struct TicketListRequest {
  TicketFilter filter;
  // Start strictly after this position (from a previous result's `resume_after`).
  std::optional<Position> after;
  int limit = 50;
  // At most this many index entries are examined; when reached, the result is cut short and
  // `resume_after` says where to go on. Bounds the cost of a very selective filter.
  int scan_budget = 20000;
  // The page ends once its tickets reach this many bytes, likewise: bounds the size of one
  // answer, whatever the size of its tickets.
  size_t byte_budget = 16 << 20;
  // Return the tickets as stored bytes (TicketListResult::records) instead of parsed.
  bool serialized = false;
};

struct TicketListResult {
  std::vector<v1::Ticket> tickets;  // in Position order (unless request.serialized)
  std::vector<std::string> records;  // the same, serialized as stored (request.serialized)
  // Set when more matching tickets may exist after this position.
  std::optional<Position> resume_after;
};

// Counts and problems found by TicketStore::Verify().
struct VerifyReport {
  int64_t tickets = 0;
  int64_t index_entries = 0;
  int64_t events = 0;
  int64_t timers = 0;
  int64_t problem_count = 0;
  std::vector<std::string> problems;  // the first 100
  void AddProblem(std::string problem);
};

// The store is split by what it holds, each interface asking typed questions (no key or
// prefix crosses it; the key layout is storage's alone, keys.h):
//   TicketStore   tickets, their events, create requests, indexes, timers, work queues
//                 and report facts; every ticket write (and every alert write) is a
//                 TicketChange committed here;
//   AlertLog      the alerts, in their gap-free sequence;
//   AccountStore  accounts, their histories and the pending tier moves;
//   SettingStore  the SLA configuration's versions and technicians' availability.
// RocksDbTicketStore implements all four (one database, one atomic write per commit);
// BatchingTicketStore batches the writes of the first two and forwards the rest.

// Tickets and their histories. Thread-safe: concurrent calls are allowed; callers
// serialise read-modify-write of one ticket themselves (the domain's TicketCore).
class TicketStore {
 public:
  virtual ~TicketStore() = default;

  // A new ticket number, never handed out before by this store (gaps are possible).
  virtual uint64_t AllocateTicketId() = 0;

  // The ticket, or nullopt when it does not exist.
  virtual absl::StatusOr<std::optional<v1::Ticket>> GetTicket(uint64_t id) = 0;

  // The record of a create request, or nullopt when the request_id is unknown.
  virtual absl::StatusOr<std::optional<RequestRecord>> GetRequest(
      const std::string& request_id) = 0;

  // Commits `change` as one atomic write; when it returns OK the change is durable (unless
  // the store was opened with sync disabled).
  virtual absl::Status Commit(const TicketChange& change) = 0;

  // Commits several changes of different tickets as one atomic, durable write (one WAL
  // sync); new alerts get their sequences in the order of `changes`.
  virtual absl::Status CommitMany(const std::vector<const TicketChange*>& changes) = 0;

  // Tickets matching request.filter, in Position order, from one consistent snapshot.
  virtual absl::StatusOr<TicketListResult> ListTickets(const TicketListRequest& request) = 0;

  // Up to `limit` events of the ticket with sequence > after_sequence, oldest first.
  virtual absl::StatusOr<std::vector<v1::TicketEvent>> ListEvents(uint64_t ticket_id,
                                                                  int64_t after_sequence,
                                                                  int limit) = 0;

  // Ids of the tickets that have an SLA timer due at or before `now`, earliest timer first,
  // each once, at most `limit`.
  virtual absl::StatusOr<std::vector<uint64_t>> DueTimers(absl::Time now, int limit) = 0;

  // When the earliest pending SLA or alert timer is due, or nullopt when there is none.
  virtual absl::StatusOr<std::optional<absl::Time>> NextTimerDue() = 0;

  // Up to `limit` open, unresolved tickets of `scope` in working order, from `after` (a
  // previous page's resume_after; empty: the start).
  virtual absl::StatusOr<WorkQueuePage> ListWorkQueue(const WorkQueueScope& scope,
                                                      const std::string& after, int limit) = 0;

  // How many open, unresolved tickets are assigned to `user` (their work queue's length),
  // counting up to `limit`.
  virtual absl::StatusOr<int64_t> CountOpenAssigned(const std::string& user, int64_t limit) = 0;

  // Calls `fn` with the facts of every ticket created in [from, to), in creation order,
  // from one snapshot, one record at a time; stops at the first error `fn` returns.
  virtual absl::Status ScanFacts(absl::Time from, absl::Time to,
                                 const std::function<absl::Status(const v1::TicketFacts&)>& fn) = 0;

  // Checks that every index entry, timer and history matches the ticket records (read only).
  virtual absl::StatusOr<VerifyReport> Verify() = 0;
};

// The alerts, in their global gap-free sequence. New alerts are appended by ticket changes
// (TicketChange::alerts); a stored alert is rewritten (acknowledged, linked to its
// re-escalation) by UpdateAlert. Thread-safe.
class AlertLog {
 public:
  virtual ~AlertLog() = default;
  // Up to `limit` alerts with sequence > after_sequence, in sequence order.
  virtual absl::StatusOr<std::vector<v1::Alert>> ListAlerts(int64_t after_sequence, int limit) = 0;
  // The alert, or nullopt.
  virtual absl::StatusOr<std::optional<v1::Alert>> GetAlert(int64_t sequence) = 0;
  // Rewrites a stored alert `before` as `after` (an acknowledgement), with its timer: a
  // ticket-side write, committed like a TicketChange.
  virtual absl::Status UpdateAlert(const v1::Alert& before, const v1::Alert& after) = 0;
  // Sequences of alerts whose re-escalation is due by `now`, earliest first, at most `limit`.
  virtual absl::StatusOr<std::vector<int64_t>> DueAlertTimers(absl::Time now, int limit) = 0;
  // The sequence of the last stored alert (0 when none).
  virtual int64_t LastAlertSequence() = 0;
};

// Accounts, their histories and the pending moves of their tickets to a new tier.
// Thread-safe.
class AccountStore {
 public:
  virtual ~AccountStore() = default;
  // The account, or nullopt.
  virtual absl::StatusOr<std::optional<v1::Account>> GetAccount(const std::string& id) = 0;
  // Commits every account change, adds the `started` tier moves and deletes the `done`
  // ones, in one atomic, durable write.
  virtual absl::Status CommitAccounts(const std::vector<AccountChange>& changes,
                                      const std::vector<RetierJob>& started = {},
                                      const std::vector<RetierJob>& done = {}) = 0;
  // Up to `limit` accounts with id > after_id, in id order.
  virtual absl::StatusOr<std::vector<v1::Account>> ScanAccounts(const std::string& after_id,
                                                                int limit) = 0;
  // Up to `limit` events of the account with sequence > after_sequence, oldest first.
  virtual absl::StatusOr<std::vector<v1::AccountEvent>> ListAccountEvents(
      const std::string& account_id, int64_t after_sequence, int limit) = 0;
  // Every pending tier move (interrupted by a crash, or not finished yet), in key order:
  // by account, then by the version's decimal text (so "@10" before "@9"). The order does
  // not matter: each move gives the tickets the tier in force when they are changed.
  virtual absl::StatusOr<std::vector<RetierJob>> ListRetierJobs() = 0;
};

// What the server keeps beside the tickets: the versions of the SLA configuration and the
// technicians' availability. Thread-safe.
class SettingStore {
 public:
  virtual ~SettingStore() = default;
  // The SLA configuration replaced through the API and in force, or nullopt (never
  // replaced: the config file's is in force).
  virtual absl::StatusOr<std::optional<v1::SlaConfig>> GetSlaConfig() = 0;
  // Version `version` of the SLA configuration, or nullopt.
  virtual absl::StatusOr<std::optional<v1::SlaConfig>> GetSlaConfigVersion(int64_t version) = 0;
  // Stores `config` as its version and as the one in force, in one atomic, durable write.
  virtual absl::Status PutSlaConfig(const v1::SlaConfig& config) = 0;
  // A technician's availability as last set, or nullopt (never set: available).
  virtual absl::StatusOr<std::optional<v1::TechnicianAvailability>> GetAvailability(
      const std::string& technician) = 0;
  virtual absl::Status PutAvailability(const v1::TechnicianAvailability& availability) = 0;
};

// The audit log (docs/security.md, "Audit"): denied calls and administrative actions, in a
// gap-free sequence of their own; the oldest are trimmed beyond a retention. Not part of
// Store: only the server's audit writer and its listing use it. Thread-safe.
class AuditStore {
 public:
  virtual ~AuditStore() = default;
  // Numbers `records` from the last sequence + 1 (setting each one's `sequence`) and
  // appends them in one durable write. A failed write uses no sequence.
  virtual absl::Status AppendAudit(std::vector<v1::AuditRecord>& records) = 0;
  // Up to `limit` records from sequence `start` on: ascending (sequence >= start) or, when
  // `newest_first`, descending (sequence <= start).
  virtual absl::StatusOr<std::vector<v1::AuditRecord>> ReadAudit(int64_t start, bool newest_first,
                                                                 int limit) = 0;
};

// Users and tokens managed at run time (domain::IdentityService; docs/security.md, "Users
// and tokens"): a user by name, a token by the SHA-256 of its secret (32 bytes), never the
// secret. Not part of Store: only the identity service uses it. Thread-safe.
class IdentityStore {
 public:
  struct Identities {
    std::vector<v1::UserInfo> users;
    std::vector<std::pair<std::string, v1::TokenInfo>> tokens;  // hash -> token
    // Records to remove (WriteIdentities only): users by name, tokens by hash.
    std::vector<std::string> deleted_users;
    std::vector<std::string> deleted_tokens;
  };
  virtual ~IdentityStore() = default;
  // Every stored user and token.
  virtual absl::StatusOr<Identities> ReadIdentities() = 0;
  // Stores `changes` (each replacing the one of its name or hash) and removes the deleted
  // ones, in one durable write.
  virtual absl::Status WriteIdentities(const Identities& changes) = 0;
};

// All four in one object: what the stores implement (RocksDbTicketStore, the batching
// store and the tests' doubles wrap one another whole).
class Store : public TicketStore, public AlertLog, public AccountStore, public SettingStore {};

}  // namespace ticketing::storage

#endif  // TICKETING_STORAGE_TICKET_STORE_H_
