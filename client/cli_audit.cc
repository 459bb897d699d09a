// The `audit` subcommand: reads the audit log (denied calls, administrative actions).
#include <string>

#include "absl/flags/flag.h"
#include "client/cli_commands.h"
#include "client/cli_format.h"

namespace ticketing::client {
namespace {

std::string KindName(v1::AuditRecord::Kind kind) {
  switch (kind) {
    case v1::AuditRecord::KIND_DENIAL:
      return "denied";
    case v1::AuditRecord::KIND_ADMIN_ACTION:
      return "admin";
    default:
      return "-";
  }
}

void PrintAuditTable(const v1::ListAuditRecordsResponse& page, std::ostream& out) {
  Table table({"SEQ", "TIME", "KIND", "ACTOR", "METHOD", "TARGET", "PEER", "CODE", "MESSAGE"});
  for (const v1::AuditRecord& r : page.records()) {
    table.AddRow({std::to_string(r.sequence()), FormatTime(r.time(), true), KindName(r.kind()),
                  r.actor(), r.method(), r.target().empty() ? "-" : r.target(), r.peer(),
                  r.code(), r.message().empty() ? "-" : Truncate(r.message(), 60)});
  }
  table.Print(out);
}

}  // namespace

absl::Status RunAudit(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 0, 0, "audit [flags]"); !s.ok()) return s;
  v1::ListAuditRecordsRequest request;
  request.set_after_sequence(absl::GetFlag(FLAGS_after));
  request.set_denials_only(absl::GetFlag(FLAGS_denials));
  request.set_actor(absl::GetFlag(FLAGS_actor));
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  request.set_page_token(absl::GetFlag(FLAGS_page_token));
  v1::ListAuditRecordsResponse all;
  do {
    absl::StatusOr<v1::ListAuditRecordsResponse> page = ctx.client.ListAuditRecords(request);
    if (!page.ok()) return page.status();
    for (v1::AuditRecord& r : *page->mutable_records()) *all.add_records() = std::move(r);
    all.set_next_page_token(page->next_page_token());
    request.set_page_token(page->next_page_token());
  } while (absl::GetFlag(FLAGS_all) && !request.page_token().empty());
  if (ctx.json) return PrintJson(all, ctx.out);
  if (all.records().empty()) {
    ctx.out << "no audit records found\n";
  } else {
    PrintAuditTable(all, ctx.out);
  }
  if (!all.next_page_token().empty()) {
    ctx.out << "more: --page_token=" << all.next_page_token() << " (or --all)\n";
  }
  return absl::OkStatus();
}

}  // namespace ticketing::client
