// Dispatch and the read-only subcommands: get, list, history, whoami, verify.
#include "client/cli_commands.h"

#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/cli_format.h"

namespace ticketing::client {
namespace {

using Command = absl::Status (*)(CommandContext&);

struct CommandEntry {
  const char* name;
  Command run;
};

constexpr CommandEntry kCommands[] = {
    {"create", RunCreate},   {"get", RunGet},         {"list", RunList},
    {"update", RunUpdate},   {"transition", RunTransition},
    {"assign", RunAssign},   {"comment", RunComment}, {"history", RunHistory},
    {"whoami", RunWhoAmI},   {"verify", RunVerify},     {"clock", RunClock},
    {"commit", RunCommit},   {"explain", RunExplain},   {"preview", RunPreview},
    {"sla", RunSla},         {"alerts", RunAlerts},     {"contact", RunContact},
    {"accounts", RunAccounts}, {"queue", RunQueue},     {"visit", RunVisit},
    {"survey", RunSurvey},   {"part", RunPart},         {"quote", RunQuote},
    {"report", RunReport},   {"dispatch", RunDispatch}, {"availability", RunAvailability},
    {"audit", RunAudit},     {"users", RunUsers},       {"tokens", RunTokens},
};

absl::Status AddStatusFilters(v1::ListTicketsRequest& request) {
  const std::string statuses = absl::GetFlag(FLAGS_status);
  for (absl::string_view name : absl::StrSplit(statuses, ',', absl::SkipWhitespace())) {
    absl::StatusOr<v1::TicketStatus> status =
        ParseEnum<v1::TicketStatus>("--status", absl::StripAsciiWhitespace(name));
    if (!status.ok()) return status.status();
    request.add_statuses(*status);
  }
  return absl::OkStatus();
}

absl::Status AddEnumFilters(v1::ListTicketsRequest& request) {
  if (const std::string text = absl::GetFlag(FLAGS_priority); !text.empty()) {
    absl::StatusOr<v1::Priority> priority = ParseEnum<v1::Priority>("--priority", text);
    if (!priority.ok()) return priority.status();
    request.set_priority(*priority);
  }
  if (const std::string text = absl::GetFlag(FLAGS_kind); !text.empty()) {
    absl::StatusOr<v1::TicketKind> kind = ParseEnum<v1::TicketKind>("--kind", text);
    if (!kind.ok()) return kind.status();
    request.set_kind(*kind);
  }
  return AddStatusFilters(request);
}

absl::Status AddTimeFilters(v1::ListTicketsRequest& request) {
  if (const std::string text = absl::GetFlag(FLAGS_created_from); !text.empty()) {
    absl::StatusOr<google::protobuf::Timestamp> from = ParseTimestamp("--created_from", text);
    if (!from.ok()) return from.status();
    *request.mutable_create_time_from() = *from;
  }
  if (const std::string text = absl::GetFlag(FLAGS_created_to); !text.empty()) {
    absl::StatusOr<google::protobuf::Timestamp> to = ParseTimestamp("--created_to", text);
    if (!to.ok()) return to.status();
    *request.mutable_create_time_to() = *to;
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ListTicketsRequest> BuildListRequest() {
  v1::ListTicketsRequest request;
  request.set_assignee(absl::GetFlag(FLAGS_assignee));
  request.set_account_id(absl::GetFlag(FLAGS_account));
  request.set_queue(absl::GetFlag(FLAGS_queue));
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  request.set_page_token(absl::GetFlag(FLAGS_page_token));
  if (absl::Status s = AddEnumFilters(request); !s.ok()) return s;
  if (absl::Status s = AddTimeFilters(request); !s.ok()) return s;
  return request;
}

// Reads every page of the ticket's history.
absl::StatusOr<v1::ListTicketEventsResponse> ReadHistory(const TicketClient& client,
                                                          const std::string& id) {
  v1::ListTicketEventsRequest request;
  request.set_ticket_id(id);
  v1::ListTicketEventsResponse all;
  do {
    absl::StatusOr<v1::ListTicketEventsResponse> page = client.ListTicketEvents(request);
    if (!page.ok()) return page.status();
    for (v1::TicketEvent& event : *page->mutable_events()) {
      *all.add_events() = std::move(event);
    }
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  return all;
}

}  // namespace

const std::string& Arg(const CommandContext& ctx, size_t i) {
  return ctx.args.positional[i + 1];
}

bool IsCommand(const std::string& name) {
  for (const CommandEntry& entry : kCommands) {
    if (name == entry.name) return true;
  }
  return false;
}

absl::Status RunCommand(CommandContext& ctx) {
  const std::string& name = ctx.args.positional.at(0);
  for (const CommandEntry& entry : kCommands) {
    if (name == entry.name) return entry.run(ctx);
  }
  return UsageError(absl::StrCat("unknown subcommand '", name, "'"));
}

absl::Status ExpectArgs(const CommandContext& ctx, size_t min, size_t max,
                        const char* synopsis) {
  const size_t given = ctx.args.positional.size() - 1;
  if (given < min) {
    return UsageError(absl::StrCat("missing argument; usage: tktctl ", synopsis));
  }
  if (given > max) {
    return UsageError(absl::StrCat("unexpected argument '", Arg(ctx, max),
                                   "'; usage: tktctl ", synopsis));
  }
  return absl::OkStatus();
}

absl::Status PrintTicketResult(CommandContext& ctx, const v1::Ticket& ticket) {
  if (ctx.json) return PrintJson(ticket, ctx.out);
  PrintTicket(ticket, ctx.out);
  return absl::OkStatus();
}

absl::Status RunGet(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 1, 1, "get ID"); !s.ok()) return s;
  absl::StatusOr<v1::Ticket> ticket = ctx.client.GetTicket(Arg(ctx, 0));
  if (!ticket.ok()) return ticket.status();
  return PrintTicketResult(ctx, *ticket);
}

absl::Status RunList(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 0, 0, "list [flags]"); !s.ok()) return s;
  absl::StatusOr<v1::ListTicketsRequest> request = BuildListRequest();
  if (!request.ok()) return request.status();
  v1::ListTicketsResponse all;
  do {
    absl::StatusOr<v1::ListTicketsResponse> page = ctx.client.ListTickets(*request);
    if (!page.ok()) return page.status();
    for (v1::Ticket& ticket : *page->mutable_tickets()) *all.add_tickets() = std::move(ticket);
    all.set_next_page_token(page->next_page_token());
    request->set_page_token(page->next_page_token());
  } while (absl::GetFlag(FLAGS_all) && !request->page_token().empty());
  if (ctx.json) return PrintJson(all, ctx.out);
  if (all.tickets().empty()) ctx.out << "no tickets found\n";
  else PrintTicketTable({all.tickets().begin(), all.tickets().end()}, ctx.out);
  if (!all.next_page_token().empty()) {
    ctx.out << "more: --page_token=" << all.next_page_token() << " (or --all)\n";
  }
  return absl::OkStatus();
}

absl::Status RunHistory(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 1, 1, "history ID"); !s.ok()) return s;
  absl::StatusOr<v1::ListTicketEventsResponse> history = ReadHistory(ctx.client, Arg(ctx, 0));
  if (!history.ok()) return history.status();
  if (ctx.json) return PrintJson(*history, ctx.out);
  PrintEvents({history->events().begin(), history->events().end()}, ctx.out);
  return absl::OkStatus();
}

absl::Status RunWhoAmI(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 0, 0, "whoami"); !s.ok()) return s;
  absl::StatusOr<v1::WhoAmIResponse> me = ctx.client.WhoAmI();
  if (!me.ok()) return me.status();
  if (ctx.json) return PrintJson(*me, ctx.out);
  ctx.out << "user: " << me->user() << "\nrole: " << me->role()
          << "\nscope: " << (me->read_only() ? "read-only" : "read-write") << "\n";
  return absl::OkStatus();
}

absl::Status RunVerify(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 0, 0, "verify"); !s.ok()) return s;
  absl::StatusOr<v1::VerifyStoreResponse> report = ctx.client.VerifyStore();
  if (!report.ok()) return report.status();
  ctx.problems_found = report->problem_count() > 0 || report->problems_size() > 0;
  if (ctx.json) return PrintJson(*report, ctx.out);
  PrintVerify(*report, ctx.out);
  return absl::OkStatus();
}

}  // namespace ticketing::client
