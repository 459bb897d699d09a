// RocksDbTicketStore::Verify: a read-only consistency check of everything derived or
// sequenced: indexes, timers, histories, alerts and their timers, accounts, report facts,
// users and tokens, the audit log.
#include <algorithm>
#include <memory>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "storage/report_facts.h"
#include "storage/rocksdb_ticket_store.h"
#include "storage/ticket_id.h"

namespace ticketing::storage {
namespace {

std::string Printable(absl::string_view key) { return absl::CHexEscape(key); }

}  // namespace

absl::StatusOr<VerifyReport> RocksDbTicketStore::Verify() {
  // Every check reads the same snapshot: each commit is one atomic write, so a store in use still
  // shows a consistent state, and writes going on meanwhile raise no false problems.
  rocksdb::ManagedSnapshot snapshot(db_.get());
  rocksdb::ReadOptions read;
  read.snapshot = snapshot.snapshot();
  VerifyReport report;
  std::vector<std::string> expected_index, expected_timers;
  std::vector<std::pair<uint64_t, int64_t>> versions;  // ticket id -> version, ascending id
  // One pass over the records builds the expected derived sets; each family is then compared
  // with its set in one ordered walk, rather than a lookup per expected key.
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, tickets_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++report.tickets;
    const uint64_t id = TicketIdFromKey(absl::string_view(it->key().data(), it->key().size()));
    v1::Ticket ticket;
    if (id == 0 || !ticket.ParseFromArray(it->value().data(), it->value().size())) {
      report.AddProblem(absl::StrCat("unreadable ticket record at key ", Printable(it->key().ToString())));
      continue;
    }
    // A record under another id's key derives its entries from its own id, so the mismatches
    // found below would not name the cause: this does.
    if (ticket.id() != FormatTicketId(id)) {
      report.AddProblem(absl::StrCat("record under ", FormatTicketId(id), " has id ", ticket.id()));
    }
    for (std::string& key : IndexKeys(ticket)) expected_index.push_back(std::move(key));
    for (std::string& key : TimerKeys(ticket)) expected_timers.push_back(std::move(key));
    versions.emplace_back(id, ticket.version());
  }
  if (!it->status().ok()) return absl::InternalError(it->status().ToString());
  report.index_entries =
      VerifyDerived(read.snapshot, indexes_, "index entry", std::move(expected_index), &report);
  report.timers = VerifyDerived(read.snapshot, timers_, "timer", std::move(expected_timers), &report);
  VerifyEvents(read.snapshot, versions, &report);
  VerifyAlerts(read.snapshot, &report);
  VerifyAccounts(read.snapshot, &report);
  VerifyFacts(read.snapshot, &report);
  VerifyIdentities(read.snapshot, &report);
  VerifyAudit(read.snapshot, &report);
  return report;
}

void RocksDbTicketStore::VerifyFacts(const rocksdb::Snapshot* snapshot, VerifyReport* report) {
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> tickets(db_->NewIterator(read, tickets_));
  int64_t expected = 0;
  for (tickets->SeekToFirst(); tickets->Valid(); tickets->Next()) {
    v1::Ticket ticket;
    // Already reported by Verify's own pass over the records.
    if (!ticket.ParseFromArray(tickets->value().data(), tickets->value().size())) continue;
    ++expected;
    std::string value;
    if (!db_->Get(read, report_facts_, FactsKey(ticket), &value).ok() ||
        value != FactsOf(ticket).SerializeAsString()) {
      report->AddProblem(absl::StrCat("report facts of ", ticket.id(), " missing or stale"));
    }
  }
  // The lookups above find missing and stale facts; only a count finds facts left under a key
  // no ticket has.
  std::unique_ptr<rocksdb::Iterator> facts(db_->NewIterator(read, report_facts_));
  int64_t stored = 0;
  for (facts->SeekToFirst(); facts->Valid(); facts->Next()) ++stored;
  if (stored != expected) {
    report->AddProblem(absl::StrCat(stored, " report facts for ", expected, " tickets"));
  }
}

void RocksDbTicketStore::VerifyAccounts(const rocksdb::Snapshot* snapshot, VerifyReport* report) {
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, accounts_));
  std::unique_ptr<rocksdb::Iterator> events(db_->NewIterator(read, account_events_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    v1::Account account;
    if (!account.ParseFromArray(it->value().data(), it->value().size()) ||
        account.id() != it->key().ToString()) {
      report->AddProblem(absl::StrCat("unreadable account record at key ",
                                      Printable(it->key().ToString())));
      continue;
    }
    const std::string prefix = AccountEventPrefix(account.id());
    int64_t expected = 1;
    // One events iterator for all accounts: each account seeks to its own prefix.
    for (events->Seek(prefix); events->Valid() && events->key().starts_with(prefix);
         events->Next(), ++expected) {
      v1::AccountEvent event;
      if (!event.ParseFromArray(events->value().data(), events->value().size()) ||
          event.sequence() != expected) {
        report->AddProblem(absl::StrCat("account ", account.id(), ": event ", expected,
                                        " missing or unreadable"));
        break;
      }
    }
    if (expected - 1 != account.version()) {
      report->AddProblem(absl::StrCat("account ", account.id(), " is at version ",
                                      account.version(), " but has ", expected - 1, " events"));
    }
  }
}

int64_t RocksDbTicketStore::VerifyDerived(const rocksdb::Snapshot* snapshot,
                                          rocksdb::ColumnFamilyHandle* family,
                                          absl::string_view what, std::vector<std::string> expected,
                                          VerifyReport* report) {
  // std::string compares bytes as unsigned, like RocksDB's bytewise comparator, so the sorted
  // set and the family's iteration order agree and one merge walk compares them.
  std::sort(expected.begin(), expected.end());
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, family));
  auto want = expected.begin();
  int64_t entries = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++entries;
    const std::string key = it->key().ToString();
    for (; want != expected.end() && *want < key; ++want) {
      report->AddProblem(absl::StrCat("missing ", what, " ", Printable(*want)));
    }
    if (want != expected.end() && *want == key) {
      ++want;
    } else {
      report->AddProblem(absl::StrCat("stray ", what, " ", Printable(key)));
    }
  }
  for (; want != expected.end(); ++want) {
    report->AddProblem(absl::StrCat("missing ", what, " ", Printable(*want)));
  }
  if (!it->status().ok()) report->AddProblem(absl::StrCat(what, " scan: ", it->status().ToString()));
  return entries;
}

void RocksDbTicketStore::VerifyAlerts(const rocksdb::Snapshot* snapshot, VerifyReport* report) {
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, alerts_));
  std::vector<std::string> expected_timers;
  int64_t expected_sequence = 1;
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++expected_sequence) {
    v1::Alert alert;
    const int64_t sequence = static_cast<int64_t>(ReadBigEndian64(it->key().data()));
    if (!alert.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())) ||
        alert.sequence() != sequence) {
      report->AddProblem(absl::StrCat("unreadable alert ", sequence));
    }
    // Re-synchronised at the jump, so one gap is one problem, not one per alert after it.
    if (sequence != expected_sequence) {
      report->AddProblem(absl::StrCat("alert sequence jumps to ", sequence, " where ",
                                      expected_sequence, " was due"));
      expected_sequence = sequence;
    }
    for (std::string& key : AlertTimerKeys(alert)) expected_timers.push_back(std::move(key));
  }
  if (!it->status().ok()) report->AddProblem(absl::StrCat("alert scan: ", it->status().ToString()));
  VerifyDerived(snapshot, alert_timers_, "alert timer", std::move(expected_timers), report);
}

void RocksDbTicketStore::VerifyEvents(const rocksdb::Snapshot* snapshot,
                                      const std::vector<std::pair<uint64_t, int64_t>>& versions,
                                      VerifyReport* report) {
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, events_));
  // A merge join: `versions` is in ascending id (the tickets family's order) and event keys
  // start with the id, so both walk tickets in the same order.
  auto ticket = versions.begin();
  int64_t seen = 0;  // the last event sequence seen for *ticket (its count, when intact)
  auto finish_ticket = [&] {
    if (seen != ticket->second) {
      report->AddProblem(absl::StrCat(FormatTicketId(ticket->first), " has version ",
                                      ticket->second, " but ", seen, " history events"));
    }
    ++ticket;
    seen = 0;
  };
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++report->events;
    const uint64_t id = ReadBigEndian64(it->key().data());
    const int64_t sequence = static_cast<int64_t>(ReadBigEndian64(it->key().data() + 8));
    while (ticket != versions.end() && ticket->first < id) finish_ticket();
    if (ticket == versions.end() || ticket->first != id) {
      report->AddProblem(absl::StrCat("event ", sequence, " of missing ticket ", FormatTicketId(id)));
      continue;
    }
    if (sequence != seen + 1) {
      report->AddProblem(absl::StrCat(FormatTicketId(id), " history jumps from ", seen, " to ",
                                      sequence));
    }
    seen = sequence;
  }
  while (ticket != versions.end()) finish_ticket();
  if (!it->status().ok()) report->AddProblem(absl::StrCat("event scan: ", it->status().ToString()));
}

void RocksDbTicketStore::VerifyIdentities(const rocksdb::Snapshot* snapshot,
                                          VerifyReport* report) {
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, identity_));
  absl::flat_hash_set<std::string> token_ids;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const absl::string_view key(it->key().data(), it->key().size());
    const rocksdb::Slice value = it->value();
    if (absl::StartsWith(key, "u")) {
      v1::UserInfo user;
      if (!user.ParseFromArray(value.data(), static_cast<int>(value.size())) ||
          IdentityUserKey(user.name()) != key) {
        report->AddProblem(absl::StrCat("unreadable user record at key ", Printable(key)));
      }
    } else if (absl::StartsWith(key, "t") && key.size() == 33) {
      v1::TokenInfo token;
      if (!token.ParseFromArray(value.data(), static_cast<int>(value.size())) ||
          token.id().empty() || token.user().empty()) {
        // The hash is not shown: it is what a token is known by.
        report->AddProblem("unreadable token record");
      } else if (!token_ids.insert(token.id()).second) {
        report->AddProblem(absl::StrCat("two token records have id ", token.id()));
      }
    } else {
      report->AddProblem(absl::StrCat("identity record with a key of unknown form ", Printable(key)));
    }
  }
  if (!it->status().ok()) report->AddProblem(absl::StrCat("identity scan: ", it->status().ToString()));
}

void RocksDbTicketStore::VerifyAudit(const rocksdb::Snapshot* snapshot, VerifyReport* report) {
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, audit_));
  // Trimming removes the oldest records, so the sequence starts anywhere, then has no gap.
  int64_t expected_sequence = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++expected_sequence) {
    if (it->key().size() != 8) {
      report->AddProblem(absl::StrCat("audit record with a key of unknown form ",
                                      Printable(it->key().ToString())));
      continue;
    }
    const int64_t sequence = static_cast<int64_t>(ReadBigEndian64(it->key().data()));
    v1::AuditRecord record;
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())) ||
        record.sequence() != sequence) {
      report->AddProblem(absl::StrCat("unreadable audit record ", sequence));
    }
    if (expected_sequence != 0 && sequence != expected_sequence) {
      report->AddProblem(absl::StrCat("audit sequence jumps to ", sequence, " where ",
                                      expected_sequence, " was due"));
    }
    expected_sequence = sequence;
  }
  if (!it->status().ok()) report->AddProblem(absl::StrCat("audit scan: ", it->status().ToString()));
}

}  // namespace ticketing::storage
