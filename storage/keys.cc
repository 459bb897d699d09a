#include "absl/strings/string_view.h"
#include "storage/keys.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "storage/ticket_id.h"
#include "storage/ticket_store.h"

namespace ticketing::storage {
namespace {

// A tag byte, then the enum's value in one byte (status, priority and kind all have values
// below 16): every such prefix is two bytes long, so none is a prefix of another.
std::string EnumPrefix(char tag, int value) {
  std::string prefix(1, tag);
  prefix.push_back(static_cast<char>(value));
  return prefix;
}

// The 0x00 after the name ends it: without it, the prefix of assignee "tom" would also match
// every key of "tommy". Identifiers never contain 0x00 (keys.h), so the end is unambiguous.
std::string NamePrefix(char tag, absl::string_view name) {
  std::string prefix(1, tag);
  prefix.append(name.data(), name.size());
  prefix.push_back('\0');
  return prefix;
}

}  // namespace

// Big-endian, most significant byte first, so that RocksDB's bytewise key order is numeric
// order: iterators walk ids, sequences and times ascending, and SeekToLast finds the largest.
void AppendBigEndian64(uint64_t value, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(value >> shift));
}

uint64_t ReadBigEndian64(const char* data) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(data[i]);
  return value;
}

std::string SlaConfigVersionKey(int64_t version) {
  std::string key = "settings/sla/version/";
  AppendBigEndian64(static_cast<uint64_t>(version), &key);
  return key;
}

// The version is decimal, so one account's jobs sort as text (@10 before @9). Harmless: a
// job moves each ticket to the tier in force then (AccountService), so order does not matter.
std::string RetierJobKey(absl::string_view account_id, int64_t version) {
  return absl::StrCat(kRetierJobPrefix, account_id, "@", version);
}

std::optional<RetierJob> ParseRetierJobKey(absl::string_view key) {
  if (!absl::ConsumePrefix(&key, kRetierJobPrefix)) return std::nullopt;
  // The version is digits only, so the last '@' is the separator whatever the id holds.
  const size_t at = key.rfind('@');
  RetierJob job;
  if (at == absl::string_view::npos || !absl::SimpleAtoi(key.substr(at + 1), &job.account_version)) {
    return std::nullopt;
  }
  job.account_id = std::string(key.substr(0, at));
  return job;
}

std::string AvailabilityKey(absl::string_view technician) {
  return absl::StrCat("technicians/available/", technician);
}

std::string TicketKey(uint64_t id) {
  std::string key;
  AppendBigEndian64(id, &key);
  return key;
}

uint64_t TicketIdFromKey(absl::string_view key) {
  return key.size() == 8 ? ReadBigEndian64(key.data()) : 0;
}

std::string EventKey(uint64_t ticket_id, int64_t sequence) {
  std::string key = EventPrefix(ticket_id);
  AppendBigEndian64(static_cast<uint64_t>(sequence), &key);
  return key;
}

// A ticket's events share its 8-byte key as a prefix; fixed width keeps one ticket's events
// from running into the next id's.
std::string EventPrefix(uint64_t ticket_id) { return TicketKey(ticket_id); }

Position PositionOf(const v1::Ticket& ticket) {
  const int64_t ms = ticket.create_time().seconds() * 1000 + ticket.create_time().nanos() / 1000000;
  // Clamped at 0: a negative millisecond count cast to uint64 would encode as a huge number and
  // sort after every real position. Floored to whole ms, as every other position is.
  return Position{ms < 0 ? 0 : ms, ParseTicketId(ticket.id()).value_or(0)};
}

std::string EncodePosition(const Position& position) {
  std::string out;
  AppendBigEndian64(static_cast<uint64_t>(position.create_ms), &out);
  AppendBigEndian64(position.id, &out);
  return out;
}

Position DecodePositionSuffix(absl::string_view index_key) {
  // Every index key ends in the 16-byte position, whatever its prefix's length (keys.h).
  const char* suffix = index_key.data() + index_key.size() - kPositionSize;
  return Position{static_cast<int64_t>(ReadBigEndian64(suffix)), ReadBigEndian64(suffix + 8)};
}

std::string AllTicketsPrefix() { return "T"; }
std::string StatusPrefix(v1::TicketStatus status) { return EnumPrefix('S', status); }
std::string PriorityPrefix(v1::Priority priority) { return EnumPrefix('P', priority); }
std::string KindPrefix(v1::TicketKind kind) { return EnumPrefix('K', kind); }
std::string AssigneePrefix(absl::string_view assignee) { return NamePrefix('A', assignee); }
std::string AccountPrefix(absl::string_view account_id) { return NamePrefix('C', account_id); }
std::string QueuePrefix(absl::string_view queue) { return NamePrefix('Q', queue); }

std::string WorkAssigneePrefix(absl::string_view assignee) {
  return absl::StrCat("W", NamePrefix('A', assignee));
}
std::string WorkQueuePrefix(absl::string_view queue) {
  return absl::StrCat("W", NamePrefix('Q', queue));
}
uint64_t WorkKeyTicketId(absl::string_view key) {
  return ReadBigEndian64(key.data() + key.size() - 8);
}

std::string AccountEventPrefix(absl::string_view account_id) {
  return absl::StrCat(account_id, absl::string_view("\0", 1));
}
std::string AccountEventKey(absl::string_view account_id, int64_t sequence) {
  std::string key = AccountEventPrefix(account_id);
  AppendBigEndian64(static_cast<uint64_t>(sequence), &key);
  return key;
}

namespace {

// Work queues hold what still needs work: a resolved ticket waits on the customer, not on us,
// so it leaves the queues with the closed and cancelled ones. A reopened ticket is back.
bool InWorkQueues(v1::TicketStatus status) {
  return status != v1::TICKET_STATUS_RESOLVED && status != v1::TICKET_STATUS_CLOSED &&
         status != v1::TICKET_STATUS_CANCELLED;
}

// <class:1><rank ms:8><id:8>: the class byte makes every breached ticket sort before every
// counting one, and those before the ones with no clock counting, whatever their times; the
// id breaks ties so that every key is unique. rank_ms is 0 for class 2, so those tickets
// fall back to id order.
std::string WorkRank(const v1::Ticket& ticket) {
  std::string rank;
  const bool counting = ticket.has_queue_rank_time();
  rank.push_back(static_cast<char>(ticket.sla_breached() ? 0 : (counting ? 1 : 2)));
  const int64_t ms = counting ? ticket.queue_rank_time().seconds() * 1000 +
                                    ticket.queue_rank_time().nanos() / 1000000
                              : 0;
  AppendBigEndian64(static_cast<uint64_t>(std::max<int64_t>(0, ms)), &rank);
  AppendBigEndian64(ParseTicketId(ticket.id()).value_or(0), &rank);
  return rank;
}

}  // namespace

// What the ticket must have in the indexes family, computed from the record alone: Commit
// writes the difference between the old record's set and the new one's, and Verify()
// recomputes the sets from every record, so this function is the definition of the indexes.
// Changing it leaves the stored entries of every existing ticket stray or missing until the
// ticket is next written (bump the schema and rederive on open, as version 2 did).
std::vector<std::string> IndexKeys(const v1::Ticket& ticket) {
  const std::string suffix = EncodePosition(PositionOf(ticket));
  std::vector<std::string> keys = {
      AllTicketsPrefix() + suffix,
      StatusPrefix(ticket.status()) + suffix,
      PriorityPrefix(ticket.priority()) + suffix,
      KindPrefix(ticket.kind()) + suffix,
      AccountPrefix(ticket.account_id()) + suffix,
  };
  if (!ticket.assignee().empty()) keys.push_back(AssigneePrefix(ticket.assignee()) + suffix);
  if (!ticket.queue().empty()) keys.push_back(QueuePrefix(ticket.queue()) + suffix);
  if (InWorkQueues(ticket.status())) {
    const std::string rank = WorkRank(ticket);
    if (!ticket.assignee().empty()) keys.push_back(WorkAssigneePrefix(ticket.assignee()) + rank);
    if (!ticket.queue().empty()) keys.push_back(WorkQueuePrefix(ticket.queue()) + rank);
  }
  return keys;
}

namespace {

// Due times round UP to the millisecond, and DueTimers floors `now`: a timer found due is
// due. Rounded down, the monitor could pick a ticket up to 1 ms before its instant.
int64_t CeilMillis(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000 + (t.nanos() + 999999) / 1000000;
}

std::string TimerKey(int64_t due_ms, uint64_t id, v1::SlaClockKind kind, char type) {
  std::string key;
  AppendBigEndian64(static_cast<uint64_t>(std::max<int64_t>(0, due_ms)), &key);
  AppendBigEndian64(id, &key);
  key.push_back(static_cast<char>(kind));
  key.push_back(type);
  return key;
}

}  // namespace

// Of the clocks, only counting ones (running or already breached) have warning and breach
// timers: a paused clock has no due time (the change that resumes it sets a new one), and a
// clock that ended has nothing left to fire. The verification deadline and pending breach
// ages have theirs whatever the clocks do. Like IndexKeys, this is the definition that
// Commit diffs and Verify() recomputes.
std::vector<std::string> TimerKeys(const v1::Ticket& ticket) {
  std::vector<std::string> keys;
  const uint64_t id = ParseTicketId(ticket.id()).value_or(0);
  for (const v1::SlaClock& c : ticket.sla_clocks()) {
    if (c.state() != v1::SLA_CLOCK_STATE_RUNNING && c.state() != v1::SLA_CLOCK_STATE_BREACHED) {
      continue;
    }
    if (!c.warning_reached() && c.has_warning_time()) {
      keys.push_back(TimerKey(CeilMillis(c.warning_time()), id, c.kind(), 'W'));
    }
    if (!c.breached() && c.has_due_time()) {
      keys.push_back(TimerKey(CeilMillis(c.due_time()), id, c.kind(), 'B'));
    }
  }
  if (ticket.has_verify_by()) {
    keys.push_back(TimerKey(CeilMillis(ticket.verify_by()), id, v1::SLA_CLOCK_KIND_UNSPECIFIED, 'V'));
  }
  for (const v1::PendingEscalation& p : ticket.pending_escalations()) {
    keys.push_back(TimerKey(CeilMillis(p.due_time()), id, p.clock(), 'E'));
  }
  // Sorted so that duplicates are adjacent: two pending escalations of one clock due in the same
  // millisecond give the same key, and one entry must stand for both (Verify() compares sets).
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());  // rules due together
  return keys;
}

// Alert and commit sequences are 8-byte big-endian numbers too, in families of their own.
std::string AlertKey(int64_t sequence) { return TicketKey(static_cast<uint64_t>(sequence)); }

std::string CommitKey(int64_t sequence) { return TicketKey(static_cast<uint64_t>(sequence)); }

std::string AuditKey(int64_t sequence) { return TicketKey(static_cast<uint64_t>(sequence)); }

std::string IdentityUserKey(absl::string_view name) { return absl::StrCat("u", name); }
std::string IdentityTokenKey(absl::string_view sha256) { return absl::StrCat("t", sha256); }

// An alert that was acknowledged or already re-escalated has no timer: deriving it here makes
// the acknowledgement's rewrite of the alert delete the timer in the same write.
std::vector<std::string> AlertTimerKeys(const v1::Alert& alert) {
  if (alert.acknowledged() || alert.escalated_to_sequence() != 0 || !alert.has_reescalate_time()) {
    return {};
  }
  std::string key;
  AppendBigEndian64(static_cast<uint64_t>(std::max<int64_t>(0, CeilMillis(alert.reescalate_time()))), &key);
  AppendBigEndian64(static_cast<uint64_t>(alert.sequence()), &key);
  return {key};
}

int64_t AlertTimerSequence(absl::string_view key) {
  return static_cast<int64_t>(ReadBigEndian64(key.data() + 8));
}

int64_t TimerDueMs(absl::string_view key) { return static_cast<int64_t>(ReadBigEndian64(key.data())); }
uint64_t TimerTicketId(absl::string_view key) { return ReadBigEndian64(key.data() + 8); }

}  // namespace ticketing::storage
