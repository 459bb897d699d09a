#ifndef TICKETING_STORAGE_KEYS_H_
#define TICKETING_STORAGE_KEYS_H_

// Key layout of the RocksDB database. Every key below is in one column family; integers are
// big-endian so that byte order equals numeric order and iterators walk in that order.
//
//   CF "default"   meta/schema_version            -> "2"
//                  settings/sla/current            -> v1::SlaConfig in force (when replaced
//                                                     through the API)
//                  settings/sla/version/<v:8>      -> v1::SlaConfig, every version (audit)
//   CF "tickets"   <id:8>                          -> v1::Ticket (serialized)
//   CF "events"    <id:8><sequence:8>              -> v1::TicketEvent (serialized)
//   CF "requests"  <request_id bytes>              -> <ticket id:8><request fingerprint:8>
//   CF "indexes"   one entry per (ticket, ordering), empty value; every entry ends in the
//                  position suffix <create_ms:8><id:8>, so each index lists tickets in
//                  creation order and a created-time range is a seek bound:
//       'T' <suffix>                               every ticket
//       'S' <status:1> <suffix>                    by status
//       'P' <priority:1> <suffix>                  by priority
//       'K' <kind:1> <suffix>                      by kind
//       'A' <assignee> 0x00 <suffix>               by assignee (assigned tickets only)
//       'C' <account_id> 0x00 <suffix>             by account
//       'Q' <queue> 0x00 <suffix>                  by queue (tickets with a queue only)
//     Work queues (open tickets not yet RESOLVED), in working order instead of creation order:
//       'W' 'A' <assignee> 0x00 <rank>              an assignee's queue
//       'W' 'Q' <queue> 0x00 <rank>                 a team queue
//       where <rank> = <class:1><rank_ms:8><id:8>; class 0 = a clock breached, 1 = a clock
//       counting, 2 = none counting; rank_ms = queue_rank_time (0 for class 2).
//   CF "timers"    <due_ms:8><id:8><clock kind:1><'W' warning | 'B' breach | 'E' breach age |
//                  'V' verification due (clock kind 0):1>
//                  -> empty; one entry per pending SLA warning/breach of a running clock
//                  and per pending BREACH_AGE escalation (ticket.pending_escalations); due_ms is
//                  rounded up, so an entry at or before now is really due. Derived from the
//                  ticket's clocks by TimerKeys() and rewritten with the record, like indexes.
//   CF "alerts"    <sequence:8>                    -> v1::Alert; sequences are gap-free
//   CF "alert_timers" <due_ms:8><sequence:8>       -> empty; one per alert that re-escalates
//                  if unacknowledged (derived from the alert by AlertTimerKey())
//   CF "accounts"  <account id bytes>               -> v1::Account
//   CF "account_events" <account id> 0x00 <sequence:8> -> v1::AccountEvent
//   CF "report_facts" <create_ms:8><id:8>           -> v1::TicketFacts, the compact facts of
//                  each ticket that reports scan (storage/report_facts.h), derived from the
//                  ticket and rewritten with it
//   CF "commits"   <sequence:8>                    -> CommitRecord: what each durable write of
//                  tickets, alerts or accounts committed, written with it (commit_log.h);
//                  gap-free from 1, the oldest trimmed beyond the retention
//   CF "default"   jobs/retier/<account id>@<version> -> "" while the account's open tickets
//                  still have to move to its tier (written with the tier change,
//                  deleted when done; resumed at start)
//                  technicians/available/<user>    -> v1::TechnicianAvailability
//   Identifiers never contain 0x00 (validation allows [A-Za-z0-9._:/-] only), so the
//   separator is unambiguous.
//
// The ticket record is the source of truth; index entries are derived from it by
// IndexKeys() and rewritten in the same WriteBatch as the record.

#include <cstdint>
#include <optional>
#include <string>

#include <vector>

#include "absl/strings/string_view.h"
#include "ticketing/v1/alert.pb.h"
#include "ticketing/v1/ticket.pb.h"

namespace ticketing::storage {

struct RetierJob;  // ticket_store.h

inline constexpr char kTicketsFamily[] = "tickets";
inline constexpr char kEventsFamily[] = "events";
inline constexpr char kRequestsFamily[] = "requests";
inline constexpr char kIndexesFamily[] = "indexes";
inline constexpr char kTimersFamily[] = "timers";
inline constexpr char kAlertsFamily[] = "alerts";
inline constexpr char kAlertTimersFamily[] = "alert_timers";
inline constexpr char kAccountsFamily[] = "accounts";
inline constexpr char kAccountEventsFamily[] = "account_events";
inline constexpr char kReportFactsFamily[] = "report_facts";
inline constexpr char kCommitsFamily[] = "commits";
inline constexpr char kAuditFamily[] = "audit";
inline constexpr char kIdentityFamily[] = "identity";
inline constexpr char kRetierJobPrefix[] = "jobs/retier/";
inline constexpr char kSchemaVersionKey[] = "meta/schema_version";
// 2 added accounts, work-queue index entries, report facts and new timer kinds; a version 1
// database is upgraded on open by rederiving every ticket's derived entries.
inline constexpr char kSchemaVersion[] = "2";
inline constexpr char kSlaConfigCurrentKey[] = "settings/sla/current";
// The key of SLA configuration version `version`.
std::string SlaConfigVersionKey(int64_t version);
// The key of a pending tier move: jobs/retier/<account id>@<version> (identifiers never
// contain '@'), and back (nullopt for a malformed key).
std::string RetierJobKey(absl::string_view account_id, int64_t version);
std::optional<RetierJob> ParseRetierJobKey(absl::string_view key);
// technicians/available/<user>.
std::string AvailabilityKey(absl::string_view technician);

// Where a ticket stands in every index: creation time (ms since the epoch), then id.
struct Position {
  int64_t create_ms = 0;
  uint64_t id = 0;
  friend bool operator<(const Position& a, const Position& b) {
    return a.create_ms != b.create_ms ? a.create_ms < b.create_ms : a.id < b.id;
  }
  friend bool operator==(const Position& a, const Position& b) {
    return a.create_ms == b.create_ms && a.id == b.id;
  }
};
inline constexpr size_t kPositionSize = 16;

void AppendBigEndian64(uint64_t value, std::string* out);
// Reads 8 bytes at `data`; the caller guarantees they exist.
uint64_t ReadBigEndian64(const char* data);

std::string TicketKey(uint64_t id);
// Returns 0 when `key` is not a ticket key.
uint64_t TicketIdFromKey(absl::string_view key);

std::string EventKey(uint64_t ticket_id, int64_t sequence);
// Prefix of all events of one ticket.
std::string EventPrefix(uint64_t ticket_id);

// The position of a ticket (its create_time, floored to ms, and numeric id).
Position PositionOf(const v1::Ticket& ticket);
std::string EncodePosition(const Position& position);
// Decodes the last 16 bytes of an index key.
Position DecodePositionSuffix(absl::string_view index_key);

// Index prefixes (everything before the position suffix).
std::string AllTicketsPrefix();
std::string StatusPrefix(v1::TicketStatus status);
std::string PriorityPrefix(v1::Priority priority);
std::string KindPrefix(v1::TicketKind kind);
std::string AssigneePrefix(absl::string_view assignee);
std::string AccountPrefix(absl::string_view account_id);
std::string QueuePrefix(absl::string_view queue);

// Work-queue prefixes (everything before <rank>).
std::string WorkAssigneePrefix(absl::string_view assignee);
std::string WorkQueuePrefix(absl::string_view queue);
inline constexpr size_t kWorkRankSize = 17;
// The ticket id at the end of a work-queue key.
uint64_t WorkKeyTicketId(absl::string_view key);

std::string AccountEventKey(absl::string_view account_id, int64_t sequence);
std::string AccountEventPrefix(absl::string_view account_id);

// Every index entry the ticket must have (work-queue entries included), in no particular order.
std::vector<std::string> IndexKeys(const v1::Ticket& ticket);

// Every timer entry the ticket must have: a warning and a breach timer for each counting
// SLA clock that has not reached them yet.
std::vector<std::string> TimerKeys(const v1::Ticket& ticket);
inline constexpr size_t kTimerKeySize = 18;
std::string AlertKey(int64_t sequence);
std::string CommitKey(int64_t sequence);
// audit: <sequence:8>, an AuditRecord each.
std::string AuditKey(int64_t sequence);
// identity: "u" <name> for a UserInfo, "t" <token SHA-256:32> for a TokenInfo.
std::string IdentityUserKey(absl::string_view name);
std::string IdentityTokenKey(absl::string_view sha256);
// The re-escalation timer of an alert: present while it is unacknowledged, not yet
// escalated and has a reescalate_time.
std::vector<std::string> AlertTimerKeys(const v1::Alert& alert);
// The sequence of an alert timer key (its last 8 bytes).
int64_t AlertTimerSequence(absl::string_view key);

// The due time (ms since the epoch) and ticket id of a timer key.
int64_t TimerDueMs(absl::string_view key);
uint64_t TimerTicketId(absl::string_view key);

}  // namespace ticketing::storage

#endif  // TICKETING_STORAGE_KEYS_H_
