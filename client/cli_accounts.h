// What the `accounts` subcommands share: cli_accounts.cc (dispatch, create, show, list,
// history, tier, reclassify), cli_accounts_import.cc (import, export) and
// cli_accounts_format.cc (the renderings). The CSV format is cli_accounts_csv.h.
#ifndef TICKETING_CLIENT_CLI_ACCOUNTS_H_
#define TICKETING_CLIENT_CLI_ACCOUNTS_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/cli_commands.h"
#include "ticketing/v1/account.pb.h"

namespace ticketing::client {

// The filters of --channel, --region and --tier (page size and token not set).
// UsageError naming the flag for an unknown channel or tier.
absl::StatusOr<v1::ListAccountsRequest> AccountFilterFromFlags();

// Every page of ListAccounts for `request` (its page_token is where to start).
absl::StatusOr<std::vector<v1::Account>> ReadAllAccounts(const TicketClient& client,
                                                         v1::ListAccountsRequest request);

// `accounts import FILE` and `accounts export [FILE]` (cli_accounts_import.cc).
absl::Status RunAccountsImport(CommandContext& ctx);
absl::Status RunAccountsExport(CommandContext& ctx);

// Renderings (cli_accounts_format.cc). Money in major units ("1234.56"), times in the
// local time zone.
//
// One field a line: id, name, channel, region, sales and profit (current, then
// previous), manager, loyalty, potential_key, tier, tier_origin ("MANUAL by sue at
// 2026-01-05 10:00:00 +0000: reason"), computed_tier, manual_tier, key_persons (one a
// line: "Li Wei (buyer)  13800000000  li@b.cn  notify"), version, created, updated.
void PrintAccount(const v1::Account& account, std::ostream& out);
// ID, NAME, CHANNEL, REGION, TIER, SALES, PROFIT.
void PrintAccountTable(const std::vector<v1::Account>& accounts, std::ostream& out);
// SEQ, TIME, ACTOR, TYPE, CHANGES ("field: old -> new; ...", cut at 100 columns), REASON
// (cut at 60; --json shows both whole).
void PrintAccountEvents(const std::vector<v1::AccountEvent>& events, std::ostream& out);
// The moves as ACCOUNT, CHANNEL, MOVE ("standard -> key"), REASON ("no tier changes"
// when there are none), then the summary line
// "N accounts, U up, D down, applied: yes|no, tickets moved: T".
void PrintReclassification(const v1::ReclassifyAccountsResponse& response, std::ostream& out);

}  // namespace ticketing::client

#endif  // TICKETING_CLIENT_CLI_ACCOUNTS_H_
