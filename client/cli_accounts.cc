// The `accounts` subcommand: dispatch, create, show, list, history, tier and reclassify
// (import and export are in cli_accounts_import.cc).
#include "client/cli_accounts.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "client/cli_accounts_csv.h"
#include "client/cli_flags.h"
#include "client/cli_format.h"

namespace ticketing::client {
namespace {

constexpr char kAccountsSynopsis[] =
    "accounts create|show|list|history|tier|reclassify|import|export ...";

// A money flag and the Account field it sets.
struct MoneyFlag {
  const absl::Flag<std::string>& flag;
  const char* name;
  bool allow_negative;
  void (v1::Account::*set)(int64_t);
};

absl::Status SetMoneyFromFlags(const CommandContext& ctx, v1::Account& account) {
  const MoneyFlag flags[] = {
      {FLAGS_sales, "sales", false, &v1::Account::set_sales_current},
      {FLAGS_sales_previous, "sales_previous", false, &v1::Account::set_sales_previous},
      {FLAGS_profit, "profit", true, &v1::Account::set_profit_current},
      {FLAGS_profit_previous, "profit_previous", true, &v1::Account::set_profit_previous},
  };
  for (const MoneyFlag& money : flags) {
    if (!Specified(ctx.args, money.name)) continue;
    absl::StatusOr<int64_t> value = ParseMoney(absl::GetFlag(money.flag), money.allow_negative);
    if (!value.ok()) {
      return UsageError(absl::StrCat("--", money.name, ": ", value.status().message()));
    }
    (account.*money.set)(*value);
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Account> AccountFromFlags(const CommandContext& ctx) {
  if (!Specified(ctx.args, "name") || !Specified(ctx.args, "channel")) {
    return UsageError("accounts create needs --name and --channel");
  }
  absl::StatusOr<v1::ChannelTier> channel =
      ParseEnum<v1::ChannelTier>("--channel", absl::GetFlag(FLAGS_channel));
  if (!channel.ok()) return channel.status();
  v1::Account account;
  account.set_id(Arg(ctx, 1));
  account.set_name(absl::GetFlag(FLAGS_name));
  account.set_channel_tier(*channel);
  account.set_region(absl::GetFlag(FLAGS_region));
  account.set_account_manager(absl::GetFlag(FLAGS_manager));
  account.set_loyalty_note(absl::GetFlag(FLAGS_loyalty));
  account.set_potential_key_flag(absl::GetFlag(FLAGS_potential_key));
  if (absl::Status s = SetMoneyFromFlags(ctx, account); !s.ok()) return s;
  return account;
}

absl::Status PrintAccountResult(CommandContext& ctx, const v1::Account& account) {
  if (ctx.json) return PrintJson(account, ctx.out);
  PrintAccount(account, ctx.out);
  return absl::OkStatus();
}

absl::Status RunAccountsCreate(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 2, 2, "accounts create ID --name=NAME --channel=CHANNEL");
      !s.ok()) {
    return s;
  }
  absl::StatusOr<v1::Account> account = AccountFromFlags(ctx);
  if (!account.ok()) return account.status();
  v1::CreateAccountRequest request;
  *request.mutable_account() = *std::move(account);
  absl::StatusOr<v1::Account> created = ctx.client.CreateAccount(request);
  if (!created.ok()) return created.status();
  return PrintAccountResult(ctx, *created);
}

absl::Status RunAccountsShow(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 2, 2, "accounts show ID"); !s.ok()) return s;
  absl::StatusOr<v1::Account> account = ctx.client.GetAccount(Arg(ctx, 1));
  if (!account.ok()) return account.status();
  return PrintAccountResult(ctx, *account);
}

absl::Status RunAccountsList(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 1, 1, "accounts list [flags]"); !s.ok()) return s;
  absl::StatusOr<v1::ListAccountsRequest> request = AccountFilterFromFlags();
  if (!request.ok()) return request.status();
  request->set_page_size(absl::GetFlag(FLAGS_page_size));
  request->set_page_token(absl::GetFlag(FLAGS_page_token));
  v1::ListAccountsResponse all;
  do {
    absl::StatusOr<v1::ListAccountsResponse> page = ctx.client.ListAccounts(*request);
    if (!page.ok()) return page.status();
    for (v1::Account& account : *page->mutable_accounts()) {
      *all.add_accounts() = std::move(account);
    }
    all.set_next_page_token(page->next_page_token());
    request->set_page_token(page->next_page_token());
  } while (absl::GetFlag(FLAGS_all) && !request->page_token().empty());
  if (ctx.json) return PrintJson(all, ctx.out);
  if (all.accounts().empty()) ctx.out << "no accounts found\n";
  else PrintAccountTable({all.accounts().begin(), all.accounts().end()}, ctx.out);
  if (!all.next_page_token().empty()) {
    ctx.out << "more: --page_token=" << all.next_page_token() << " (or --all)\n";
  }
  return absl::OkStatus();
}

absl::Status RunAccountsHistory(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 2, 2, "accounts history ID"); !s.ok()) return s;
  v1::ListAccountEventsRequest request;
  request.set_account_id(Arg(ctx, 1));
  v1::ListAccountEventsResponse all;
  do {
    absl::StatusOr<v1::ListAccountEventsResponse> page = ctx.client.ListAccountEvents(request);
    if (!page.ok()) return page.status();
    for (v1::AccountEvent& event : *page->mutable_events()) *all.add_events() = std::move(event);
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  if (ctx.json) return PrintJson(all, ctx.out);
  PrintAccountEvents({all.events().begin(), all.events().end()}, ctx.out);
  return absl::OkStatus();
}

// "clear" is UNSPECIFIED (no override); else a tier name.
absl::StatusOr<v1::ServiceTier> ParseTierArg(const std::string& text) {
  if (absl::AsciiStrToLower(text) == "clear") return v1::SERVICE_TIER_UNSPECIFIED;
  absl::StatusOr<v1::ServiceTier> tier = ParseEnum<v1::ServiceTier>("TIER", text);
  if (tier.ok()) return tier;
  return UsageError(absl::StrCat("accounts tier: unknown tier '", text,
                                 "'; expected key, potential_key, standard or clear"));
}

absl::Status RunAccountsTier(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 3, 3, "accounts tier ID TIER --reason=TEXT"); !s.ok()) {
    return s;
  }
  absl::StatusOr<v1::ServiceTier> tier = ParseTierArg(Arg(ctx, 2));
  if (!tier.ok()) return tier.status();
  if (absl::GetFlag(FLAGS_reason).empty()) {
    return UsageError("accounts tier needs --reason=TEXT (why the override)");
  }
  v1::SetServiceTierRequest request;
  request.set_account_id(Arg(ctx, 1));
  request.set_tier(*tier);
  request.set_reason(absl::GetFlag(FLAGS_reason));
  if (Specified(ctx.args, "ticket_version")) {
    request.set_version(absl::GetFlag(FLAGS_ticket_version));
  } else {
    absl::StatusOr<v1::Account> current = ctx.client.GetAccount(Arg(ctx, 1));
    if (!current.ok()) return current.status();
    request.set_version(current->version());
  }
  absl::StatusOr<v1::Account> account = ctx.client.SetServiceTier(request);
  if (!account.ok()) return account.status();
  return PrintAccountResult(ctx, *account);
}

absl::Status RunAccountsReclassify(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 1, 1, "accounts reclassify [--apply]"); !s.ok()) {
    return s;
  }
  v1::ReclassifyAccountsRequest request;
  request.set_apply(absl::GetFlag(FLAGS_apply));
  absl::StatusOr<v1::ReclassifyAccountsResponse> response =
      ctx.client.ReclassifyAccounts(request);
  if (!response.ok()) return response.status();
  if (ctx.json) return PrintJson(*response, ctx.out);
  PrintReclassification(*response, ctx.out);
  return absl::OkStatus();
}

using Action = absl::Status (*)(CommandContext&);

struct ActionEntry {
  const char* name;
  Action run;
};

constexpr ActionEntry kActions[] = {
    {"create", RunAccountsCreate},   {"show", RunAccountsShow},
    {"list", RunAccountsList},       {"history", RunAccountsHistory},
    {"tier", RunAccountsTier},       {"reclassify", RunAccountsReclassify},
    {"import", RunAccountsImport},   {"export", RunAccountsExport},
};

}  // namespace

absl::StatusOr<v1::ListAccountsRequest> AccountFilterFromFlags() {
  v1::ListAccountsRequest request;
  if (const std::string text = absl::GetFlag(FLAGS_channel); !text.empty()) {
    absl::StatusOr<v1::ChannelTier> channel = ParseEnum<v1::ChannelTier>("--channel", text);
    if (!channel.ok()) return channel.status();
    request.set_channel_tier(*channel);
  }
  if (const std::string text = absl::GetFlag(FLAGS_tier); !text.empty()) {
    absl::StatusOr<v1::ServiceTier> tier = ParseEnum<v1::ServiceTier>("--tier", text);
    if (!tier.ok()) return tier.status();
    request.set_service_tier(*tier);
  }
  request.set_region(absl::GetFlag(FLAGS_region));
  return request;
}

absl::StatusOr<std::vector<v1::Account>> ReadAllAccounts(const TicketClient& client,
                                                         v1::ListAccountsRequest request) {
  std::vector<v1::Account> accounts;
  request.set_page_size(500);
  do {
    absl::StatusOr<v1::ListAccountsResponse> page = client.ListAccounts(request);
    if (!page.ok()) return page.status();
    for (v1::Account& account : *page->mutable_accounts()) accounts.push_back(std::move(account));
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  return accounts;
}

absl::Status RunAccounts(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 1, SIZE_MAX, kAccountsSynopsis); !s.ok()) return s;
  const std::string& action = ctx.args.positional[1];
  for (const ActionEntry& entry : kActions) {
    if (action == entry.name) return entry.run(ctx);
  }
  return UsageError(absl::StrCat("unknown accounts action '", action, "'; usage: tktctl ",
                                 kAccountsSynopsis));
}

}  // namespace ticketing::client
