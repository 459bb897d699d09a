// The `queue` subcommand: "what next" for me, a user or a team (ListWorkQueue).
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/cli_commands.h"
#include "client/cli_flags.h"
#include "client/cli_format.h"

namespace ticketing::client {
namespace {

constexpr char kQueueSynopsis[] = "queue mine | queue user USER | queue team QUEUE";

// The scope named on the command line: mine, user USER or team QUEUE.
absl::StatusOr<v1::ListWorkQueueRequest> ScopeFromArgs(const CommandContext& ctx) {
  const std::string& scope = ctx.args.positional[1];
  v1::ListWorkQueueRequest request;
  absl::Status status;
  if (scope == "mine") {
    status = ExpectArgs(ctx, 1, 1, "queue mine [flags]");
    request.set_mine(true);
  } else if (scope == "user") {
    status = ExpectArgs(ctx, 2, 2, "queue user USER [flags]");
    if (status.ok()) request.set_assignee(ctx.args.positional[2]);
  } else if (scope == "team") {
    status = ExpectArgs(ctx, 2, 2, "queue team QUEUE [flags]");
    if (status.ok()) request.set_queue(ctx.args.positional[2]);
  } else {
    status = UsageError(absl::StrCat("unknown queue scope '", scope, "'; usage: tktctl ",
                                     kQueueSynopsis));
  }
  if (!status.ok()) return status;
  return request;
}

// RFC 3339 in UTC to the second ("2026-01-05T10:00:00Z"); "-" when unset.
std::string DueText(const v1::Ticket& ticket) {
  if (!ticket.has_next_due_time()) return "-";
  const absl::Time due = absl::FromUnixSeconds(ticket.next_due_time().seconds()) +
                         absl::Nanoseconds(ticket.next_due_time().nanos());
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", due, absl::UTCTimeZone());
}

// "1h30m", "-2h" (overdue), to the second; "-" when no clock counts.
std::string LeftText(const v1::WorkItem& item) {
  if (!item.has_business_time_left()) return "-";
  return absl::FormatDuration(absl::Trunc(absl::Seconds(item.business_time_left().seconds()) +
                                              absl::Nanoseconds(item.business_time_left().nanos()),
                                          absl::Seconds(1)));
}

void PrintWorkQueue(const v1::ListWorkQueueResponse& queue, std::ostream& out) {
  Table table({"POS", "TICKET", "PRI", "TIER", "BREACHED", "NEXT DUE", "LEFT", "STATUS",
               "SUMMARY"});
  int position = 0;
  for (const v1::WorkItem& item : queue.items()) {
    const v1::Ticket& t = item.ticket();
    table.AddRow({absl::StrCat(++position), t.id(), ShortName(t.priority()),
                  ShortName(t.service_tier()), t.sla_breached() ? "BREACHED" : "",
                  DueText(t), LeftText(item), ShortName(t.status()),
                  Truncate(t.summary(), 48)});
  }
  table.Print(out);
}

}  // namespace

absl::Status RunQueue(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 1, 2, kQueueSynopsis); !s.ok()) return s;
  absl::StatusOr<v1::ListWorkQueueRequest> request = ScopeFromArgs(ctx);
  if (!request.ok()) return request.status();
  request->set_page_size(absl::GetFlag(FLAGS_page_size));
  request->set_page_token(absl::GetFlag(FLAGS_page_token));
  v1::ListWorkQueueResponse all;
  do {
    absl::StatusOr<v1::ListWorkQueueResponse> page = ctx.client.ListWorkQueue(*request);
    if (!page.ok()) return page.status();
    for (v1::WorkItem& item : *page->mutable_items()) *all.add_items() = std::move(item);
    all.set_next_page_token(page->next_page_token());
    request->set_page_token(page->next_page_token());
  } while (absl::GetFlag(FLAGS_all) && !request->page_token().empty());
  if (ctx.json) return PrintJson(all, ctx.out);
  if (all.items().empty()) ctx.out << "no open tickets in this queue\n";
  else PrintWorkQueue(all, ctx.out);
  if (!all.next_page_token().empty()) {
    ctx.out << "more: --page_token=" << all.next_page_token() << " (or --all)\n";
  }
  return absl::OkStatus();
}

}  // namespace ticketing::client
