// The subcommands of tktctl. Each reads its arguments from the CommandContext and
// the flags of cli_flags.h, makes one or more calls through TicketClient and prints
// the result (a table, or protobuf JSON with --json) to `out`.
//
// Errors: a UsageError (cli_format.h) for bad command-line input, detected before
// any call; otherwise the status of the call that failed, unchanged.
#ifndef TICKETING_CLIENT_CLI_COMMANDS_H_
#define TICKETING_CLIENT_CLI_COMMANDS_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/cli_flags.h"
#include "client/ticket_client.h"

namespace ticketing::client {

struct CommandContext {
  const TicketClient& client;    // not owned
  const ParsedArgs& args;        // args.positional[0] is the subcommand
  std::ostream& out;             // results go here; errors are returned
  bool json = false;             // print protobuf JSON instead of tables
  bool problems_found = false;   // set by verify when the store is inconsistent
};

// True when `name` is a subcommand that RunCommand knows (not "help").
bool IsCommand(const std::string& name);

// Runs the subcommand named by ctx.args.positional[0].
absl::Status RunCommand(CommandContext& ctx);

// The subcommands, declared here so that RunCommand can dispatch to the files that
// define them (cli_commands.cc: reads; cli_mutations.cc: changes; cli_clock.cc: the
// test clock; cli_sla.cc and cli_sla_config.cc: SLA dates, explanations, previews and
// the SLA configuration; cli_alerts.cc and cli_alerts_watch.cc: escalation alerts;
// cli_accounts*.cc: customer accounts; cli_queue.cc: work queues).
absl::Status RunGet(CommandContext& ctx);
absl::Status RunList(CommandContext& ctx);
absl::Status RunHistory(CommandContext& ctx);
absl::Status RunWhoAmI(CommandContext& ctx);
absl::Status RunVerify(CommandContext& ctx);
absl::Status RunCreate(CommandContext& ctx);
absl::Status RunUpdate(CommandContext& ctx);
absl::Status RunTransition(CommandContext& ctx);
absl::Status RunAssign(CommandContext& ctx);
absl::Status RunComment(CommandContext& ctx);
absl::Status RunContact(CommandContext& ctx);
absl::Status RunClock(CommandContext& ctx);
absl::Status RunCommit(CommandContext& ctx);   // cli_sla.cc
absl::Status RunExplain(CommandContext& ctx);  // cli_sla.cc
absl::Status RunPreview(CommandContext& ctx);  // cli_sla.cc
absl::Status RunSla(CommandContext& ctx);      // cli_sla_config.cc
absl::Status RunAlerts(CommandContext& ctx);   // cli_alerts.cc, cli_alerts_watch.cc
absl::Status RunVisit(CommandContext& ctx);    // cli_field.cc
absl::Status RunSurvey(CommandContext& ctx);   // cli_field.cc
absl::Status RunPart(CommandContext& ctx);     // cli_field.cc
absl::Status RunQuote(CommandContext& ctx);    // cli_field.cc
absl::Status RunReport(CommandContext& ctx);   // cli_report.cc
absl::Status RunDispatch(CommandContext& ctx);      // cli_field.cc
absl::Status RunAvailability(CommandContext& ctx);  // cli_field.cc
absl::Status RunAccounts(CommandContext& ctx);  // cli_accounts.cc, cli_accounts_import.cc
absl::Status RunQueue(CommandContext& ctx);     // cli_queue.cc
absl::Status RunAudit(CommandContext& ctx);     // cli_audit.cc
absl::Status RunUsers(CommandContext& ctx);     // cli_identity.cc
absl::Status RunTokens(CommandContext& ctx);    // cli_identity.cc

// The i-th argument after the subcommand's name (Arg(ctx, 0) follows "get" in "get T-1");
// the caller checked the count (ExpectArgs).
const std::string& Arg(const CommandContext& ctx, size_t i);

// Checks that the subcommand got between `min` and `max` arguments (after its name);
// `synopsis` ("get ID") is quoted in the UsageError otherwise.
absl::Status ExpectArgs(const CommandContext& ctx, size_t min, size_t max,
                        const char* synopsis);

// The --version given, or else the current version of ticket `id`, read from the server.
absl::StatusOr<int64_t> ResolveVersion(const CommandContext& ctx, const std::string& id);

// Prints `ticket` as JSON or as one field a line.
absl::Status PrintTicketResult(CommandContext& ctx, const v1::Ticket& ticket);

}  // namespace ticketing::client

#endif  // TICKETING_CLIENT_CLI_COMMANDS_H_
