// Command-line flags of tktctl and the parser that reads them.
//
// All flags are absl flags defined in cli_flags.cc. Flags may appear anywhere on the
// command line (before or after the subcommand and its arguments):
//   tktctl --json list --status=new,assigned --all
//   tktctl transition T-7 in_progress --note "on site"
#ifndef TICKETING_CLIENT_CLI_FLAGS_H_
#define TICKETING_CLIENT_CLI_FLAGS_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/status/statusor.h"

// Global flags.
ABSL_DECLARE_FLAG(std::string, addr);
ABSL_DECLARE_FLAG(std::string, token);
ABSL_DECLARE_FLAG(std::string, token_file);
ABSL_DECLARE_FLAG(bool, json);
ABSL_DECLARE_FLAG(bool, tls);
ABSL_DECLARE_FLAG(std::string, ca_file);
ABSL_DECLARE_FLAG(std::string, cert_file);
ABSL_DECLARE_FLAG(std::string, key_file);
ABSL_DECLARE_FLAG(double, timeout);

// Ticket fields (create, update; some also filter list).
ABSL_DECLARE_FLAG(std::string, kind);
ABSL_DECLARE_FLAG(std::string, account);
ABSL_DECLARE_FLAG(std::string, summary);
ABSL_DECLARE_FLAG(std::string, description);
ABSL_DECLARE_FLAG(std::string, contact_name);
ABSL_DECLARE_FLAG(std::string, contact_phone);
ABSL_DECLARE_FLAG(std::string, contact_email);
ABSL_DECLARE_FLAG(std::string, product);
ABSL_DECLARE_FLAG(std::string, serial);
ABSL_DECLARE_FLAG(std::string, impact);
ABSL_DECLARE_FLAG(std::string, urgency);
ABSL_DECLARE_FLAG(std::string, priority);
ABSL_DECLARE_FLAG(std::string, queue);
ABSL_DECLARE_FLAG(std::string, region);
ABSL_DECLARE_FLAG(std::string, assignee);
ABSL_DECLARE_FLAG(std::string, request_id);
ABSL_DECLARE_FLAG(std::string, priority_reason);

// list.
ABSL_DECLARE_FLAG(std::string, status);
ABSL_DECLARE_FLAG(std::string, created_from);
ABSL_DECLARE_FLAG(std::string, created_to);
ABSL_DECLARE_FLAG(int32_t, page_size);
ABSL_DECLARE_FLAG(std::string, page_token);
ABSL_DECLARE_FLAG(bool, all);

// Changes (update, transition, assign, comment). On the command line the version
// flag is spelled --version; it is stored as ticket_version because absl reserves
// the flag name "version".
ABSL_DECLARE_FLAG(int64_t, ticket_version);
ABSL_DECLARE_FLAG(std::string, note);
ABSL_DECLARE_FLAG(bool, assign);
ABSL_DECLARE_FLAG(std::string, group);
ABSL_DECLARE_FLAG(bool, csv);
ABSL_DECLARE_FLAG(std::string, action_taken);
ABSL_DECLARE_FLAG(std::string, fault_category);
ABSL_DECLARE_FLAG(std::string, root_cause);
ABSL_DECLARE_FLAG(std::string, confirmed_by);
ABSL_DECLARE_FLAG(std::string, not_fixed_by);
ABSL_DECLARE_FLAG(std::string, promised);
ABSL_DECLARE_FLAG(std::string, lines);
ABSL_DECLARE_FLAG(std::string, explanation);
ABSL_DECLARE_FLAG(std::string, warranty);
ABSL_DECLARE_FLAG(std::string, by);
ABSL_DECLARE_FLAG(std::string, technician);
ABSL_DECLARE_FLAG(std::string, window_start);
ABSL_DECLARE_FLAG(std::string, window_end);
ABSL_DECLARE_FLAG(std::string, arrived);
ABSL_DECLARE_FLAG(std::string, left);
ABSL_DECLARE_FLAG(std::string, outcome);
ABSL_DECLARE_FLAG(std::string, why);
ABSL_DECLARE_FLAG(std::string, diagnosis);
ABSL_DECLARE_FLAG(int32_t, overall);
ABSL_DECLARE_FLAG(int32_t, skill);
ABSL_DECLARE_FLAG(int32_t, charges);
ABSL_DECLARE_FLAG(int32_t, timeliness);
ABSL_DECLARE_FLAG(int32_t, attitude);
ABSL_DECLARE_FLAG(int32_t, parts);
ABSL_DECLARE_FLAG(int32_t, facilities);
ABSL_DECLARE_FLAG(std::string, importance);
ABSL_DECLARE_FLAG(std::string, reason);
ABSL_DECLARE_FLAG(bool, customer);

// SLA: preview and sla replace.
ABSL_DECLARE_FLAG(std::string, calendar);
ABSL_DECLARE_FLAG(std::string, policy);
ABSL_DECLARE_FLAG(std::string, business_time);
ABSL_DECLARE_FLAG(std::string, start);
ABSL_DECLARE_FLAG(int64_t, expected_version);

// alerts (list, ack, watch).
ABSL_DECLARE_FLAG(int64_t, after);
ABSL_DECLARE_FLAG(bool, denials);
ABSL_DECLARE_FLAG(std::string, actor);
ABSL_DECLARE_FLAG(std::string, level);
ABSL_DECLARE_FLAG(bool, mine);
ABSL_DECLARE_FLAG(bool, unacked);
ABSL_DECLARE_FLAG(int64_t, from);
ABSL_DECLARE_FLAG(int64_t, max);
ABSL_DECLARE_FLAG(bool, once);

// accounts (create, list, tier, reclassify, import). Money flags are text in major units
// ("1234.56"), parsed by ParseMoney (cli_accounts_csv.h).
ABSL_DECLARE_FLAG(std::string, name);
ABSL_DECLARE_FLAG(std::string, channel);
ABSL_DECLARE_FLAG(std::string, sales);
ABSL_DECLARE_FLAG(std::string, sales_previous);
ABSL_DECLARE_FLAG(std::string, profit);
ABSL_DECLARE_FLAG(std::string, profit_previous);
ABSL_DECLARE_FLAG(std::string, manager);
ABSL_DECLARE_FLAG(std::string, loyalty);
ABSL_DECLARE_FLAG(bool, potential_key);
ABSL_DECLARE_FLAG(std::string, tier);
ABSL_DECLARE_FLAG(bool, apply);
ABSL_DECLARE_FLAG(bool, skip_invalid);
ABSL_DECLARE_FLAG(bool, dry_run);

// users and tokens.
ABSL_DECLARE_FLAG(std::string, display_name);
ABSL_DECLARE_FLAG(std::string, ttl);
ABSL_DECLARE_FLAG(bool, read_only);
ABSL_DECLARE_FLAG(bool, inactive);
ABSL_DECLARE_FLAG(std::string, out);

namespace ticketing::client {

// The usage text printed by `tktctl help`: every subcommand, flag and exit code.
extern const char kUsage[];

// The command line after parsing.
struct ParsedArgs {
  // The subcommand and its arguments, in order, with the flags taken out.
  std::vector<std::string> positional;
  // Names of the flags given on the command line (as stored: "ticket_version").
  std::set<std::string> specified;
  // --help / -h was given.
  bool help = false;
};

// Parses argv[1..argc): sets each tktctl flag given as --name=value, --name value,
// -name=value, --name / --noname (booleans); "--" ends the flags; "-" alone is a
// positional argument. Returns a UsageError (see cli_format.h) for an unknown flag,
// a missing value or a value of the wrong type.
absl::StatusOr<ParsedArgs> ParseArgs(int argc, const char* const* argv);

// True when the flag named `name` (as stored) was given on the command line.
bool Specified(const ParsedArgs& args, const std::string& name);

}  // namespace ticketing::client

#endif  // TICKETING_CLIENT_CLI_FLAGS_H_
