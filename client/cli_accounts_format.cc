// How the `accounts` subcommands print accounts, their history and reclassifications.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/cli_accounts.h"
#include "client/cli_accounts_csv.h"
#include "client/cli_format.h"

namespace ticketing::client {
namespace {

std::string OrDash(absl::string_view text) { return text.empty() ? "-" : std::string(text); }

// "-" for UNSPECIFIED (no manual override), else the short name.
std::string TierOrDash(v1::ServiceTier tier) {
  return tier == v1::SERVICE_TIER_UNSPECIFIED ? "-" : ShortName(tier);
}

// "MANUAL by sue at 2026-01-05 10:00:00 +0000: customer escalated to the board".
std::string TierOriginText(const v1::TierOrigin& origin) {
  if (origin.source() == v1::TIER_SOURCE_UNSPECIFIED) return OrDash(origin.reason());
  std::string text = absl::AsciiStrToUpper(ShortName(origin.source()));
  if (!origin.changed_by().empty()) absl::StrAppend(&text, " by ", origin.changed_by());
  if (origin.has_change_time()) {
    absl::StrAppend(&text, " at ", FormatTime(origin.change_time(), true));
  }
  if (!origin.reason().empty()) absl::StrAppend(&text, ": ", origin.reason());
  return text;
}

// "Li Wei (buyer)  13800000000  li@b.cn  notify", one person a line; "-" for none.
std::string KeyPersonsText(const v1::Account& account) {
  std::vector<std::string> lines;
  for (const v1::KeyPerson& p : account.key_persons()) {
    std::string line = p.name();
    if (p.role() != v1::KEY_PERSON_ROLE_UNSPECIFIED) {
      absl::StrAppend(&line, " (", ShortName(p.role()), ")");
    }
    for (const std::string* part : {&p.phone(), &p.email()}) {
      if (!part->empty()) absl::StrAppend(&line, "  ", *part);
    }
    if (p.notify_on_escalation()) absl::StrAppend(&line, "  notify");
    lines.push_back(std::move(line));
  }
  return lines.empty() ? "-" : absl::StrJoin(lines, "\n");
}

std::string FigureText(int64_t current, int64_t previous) {
  return absl::StrCat(FormatMoney(current), " (previous ", FormatMoney(previous), ")");
}

std::string ChangesText(const v1::AccountEvent& event) {
  std::vector<std::string> parts;
  for (const v1::FieldChange& change : event.changes()) {
    parts.push_back(absl::StrCat(change.field(), ": ", OrDash(Truncate(change.old_value(), 40)),
                                 " -> ", OrDash(Truncate(change.new_value(), 40))));
  }
  return parts.empty() ? "-" : absl::StrJoin(parts, "; ");
}

// The reason of a move, plus a note when a manual override keeps the tier.
std::string MoveReason(const v1::TierMove& move) {
  std::string reason = OrDash(move.reason());
  if (move.held_by_override()) {
    absl::StrAppend(&reason, " (computed ", ShortName(move.computed_tier()),
                    "; held by the manual override)");
  }
  return reason;
}

}  // namespace

void PrintAccount(const v1::Account& a, std::ostream& out) {
  PrintFields({{"id", a.id()},
               {"name", a.name()},
               {"channel", ShortName(a.channel_tier())},
               {"region", OrDash(a.region())},
               {"sales", FigureText(a.sales_current(), a.sales_previous())},
               {"profit", FigureText(a.profit_current(), a.profit_previous())},
               {"manager", OrDash(a.account_manager())},
               {"loyalty", OrDash(a.loyalty_note())},
               {"potential_key", a.potential_key_flag() ? "yes (flagged)" : "no"},
               {"tier", ShortName(a.service_tier())},
               {"tier_origin", TierOriginText(a.tier_origin())},
               {"computed_tier", ShortName(a.computed_tier())},
               {"manual_tier", TierOrDash(a.manual_tier())},
               {"key_persons", KeyPersonsText(a)},
               {"version", absl::StrCat(a.version())},
               {"created", absl::StrCat(FormatTime(a.create_time(), true), " by ",
                                        OrDash(a.created_by()))},
               {"updated", FormatTime(a.update_time(), true)}},
              out);
}

void PrintAccountTable(const std::vector<v1::Account>& accounts, std::ostream& out) {
  Table table({"ID", "NAME", "CHANNEL", "REGION", "TIER", "SALES", "PROFIT"});
  for (const v1::Account& a : accounts) {
    table.AddRow({a.id(), Truncate(a.name(), 40), ShortName(a.channel_tier()),
                  OrDash(a.region()), ShortName(a.service_tier()),
                  FormatMoney(a.sales_current()), FormatMoney(a.profit_current())});
  }
  table.Print(out);
}

void PrintAccountEvents(const std::vector<v1::AccountEvent>& events, std::ostream& out) {
  Table table({"SEQ", "TIME", "ACTOR", "TYPE", "CHANGES", "REASON"});
  for (const v1::AccountEvent& e : events) {
    table.AddRow({absl::StrCat(e.sequence()), FormatTime(e.time(), false), e.actor(),
                  ShortName(e.type()), Truncate(ChangesText(e), 100),
                  OrDash(Truncate(e.reason(), 60))});
  }
  table.Print(out);
}

void PrintReclassification(const v1::ReclassifyAccountsResponse& response,
                           std::ostream& out) {
  if (response.moves().empty()) {
    out << "no tier changes\n";
  } else {
    Table table({"ACCOUNT", "CHANNEL", "MOVE", "REASON"});
    for (const v1::TierMove& move : response.moves()) {
      table.AddRow({move.account_id(), ShortName(move.channel_tier()),
                    absl::StrCat(ShortName(move.from_tier()), " -> ", ShortName(move.to_tier())),
                    MoveReason(move)});
    }
    table.Print(out);
  }
  out << response.accounts() << " accounts, " << response.upgraded() << " up, "
      << response.downgraded() << " down, applied: " << (response.applied() ? "yes" : "no")
      << ", tickets moved: " << response.tickets_moved() << "\n";
}

}  // namespace ticketing::client
