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
#include "ticketing/v1/alert.pb.h"
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

// A page of a work queue (keys.h): tickets in working order.
struct WorkQueuePage {
  // The tickets, serialized as stored (a v1::Ticket each): the server answers with these
  // bytes instead of parsing and serializing them again.
  std::vector<std::string> records;
  // The index key of the last ticket returned, to continue after; empty at the end.
  std::string resume_after;
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

// Durable storage of tickets, their histories and indexes. Thread-safe: concurrent calls are
// allowed; callers serialise read-modify-write of one ticket themselves (see TicketService).
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

  // Up to `limit` alerts with sequence > after_sequence, in sequence order.
  virtual absl::StatusOr<std::vector<v1::Alert>> ListAlerts(int64_t after_sequence, int limit) = 0;
  // The alert, or nullopt.
  virtual absl::StatusOr<std::optional<v1::Alert>> GetAlert(int64_t sequence) = 0;
  // Rewrites a stored alert `before` as `after` (an acknowledgement), with its timer.
  virtual absl::Status UpdateAlert(const v1::Alert& before, const v1::Alert& after) = 0;
  // Sequences of alerts whose re-escalation is due by `now`, earliest first, at most `limit`.
  virtual absl::StatusOr<std::vector<int64_t>> DueAlertTimers(absl::Time now, int limit) = 0;
  // The sequence of the last stored alert (0 when none).
  virtual int64_t LastAlertSequence() = 0;

  // A setting stored beside the tickets (layout in keys.h), or nullopt when unset.
  virtual absl::StatusOr<std::optional<std::string>> GetSetting(const std::string& key) = 0;

  // Stores all `settings` (key, value) in one atomic, durable write.
  virtual absl::Status PutSettings(
      const std::vector<std::pair<std::string, std::string>>& settings) = 0;

  // The account, or nullopt.
  virtual absl::StatusOr<std::optional<v1::Account>> GetAccount(const std::string& id) = 0;
  // Commits every account change, and puts `settings` and deletes `deleted_settings`, in one
  // atomic, durable write.
  virtual absl::Status CommitAccounts(
      const std::vector<AccountChange>& changes,
      const std::vector<std::pair<std::string, std::string>>& settings = {},
      const std::vector<std::string>& deleted_settings = {}) = 0;
  // Up to `limit` accounts with id > after_id, in id order.
  virtual absl::StatusOr<std::vector<v1::Account>> ScanAccounts(const std::string& after_id,
                                                                int limit) = 0;
  // Up to `limit` events of the account with sequence > after_sequence, oldest first.
  virtual absl::StatusOr<std::vector<v1::AccountEvent>> ListAccountEvents(
      const std::string& account_id, int64_t after_sequence, int limit) = 0;
  // Every setting whose key starts with `prefix`, in key order.
  virtual absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ListSettings(
      const std::string& prefix) = 0;

  // Up to `limit` tickets of the work queue `prefix` (WorkAssigneePrefix / WorkQueuePrefix)
  // after index key `after` (empty: from the start), in working order.
  virtual absl::StatusOr<WorkQueuePage> ListWorkQueue(const std::string& prefix,
                                                      const std::string& after, int limit) = 0;

  // How many index entries start with `prefix` (e.g. a work queue's length), counting up
  // to `limit`.
  virtual absl::StatusOr<int64_t> CountIndexEntries(const std::string& prefix, int64_t limit) = 0;

  // Calls `fn` with the facts of every ticket created in [from, to), in creation order,
  // from one snapshot, one record at a time; stops at the first error `fn` returns.
  virtual absl::Status ScanFacts(absl::Time from, absl::Time to,
                                 const std::function<absl::Status(const v1::TicketFacts&)>& fn) = 0;

  // Checks that every index entry, timer and history matches the ticket records (read only).
  virtual absl::StatusOr<VerifyReport> Verify() = 0;
};

}  // namespace ticketing::storage

#endif  // TICKETING_STORAGE_TICKET_STORE_H_
