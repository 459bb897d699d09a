// Accounts as CSV (RFC 4180), the format of `tktctl accounts import` and `export`.
//
// The first record is the header; columns are matched by name (case-insensitive, in any
// order). id, name and channel_tier are required; a missing optional column reads as
// empty (which clears that field when an import updates an existing account):
//
//   id,name,channel_tier,region,sales_current,sales_previous,profit_current,...
//   A-1,"Acme, ""the best"" Ltd",distributor,cn/zj,1234.56,1000,-20.5,,,,no,
//   A-2,Beta,ka_retail_chain,,,,,,,sue,yes,Li Wei|buyer|13800000000|li@b.cn|true
//
// Values:
//   channel_tier          distributor, second_tier_wholesaler, ka_retail_chain,
//                         small_retail, business_end_customer, consumer (any case), or
//                         the full enum name (CHANNEL_TIER_DISTRIBUTOR)
//   sales_*, profit_*     money in major units with up to 2 decimals ("1234.56", "12");
//                         empty is 0; only profit_* may be negative
//   potential_key_flag    true/false, 1/0, yes/no (any case); empty is false
//   key_persons           entries separated by ';', each name|role|phone|email|notify
//                         (role buyer, decision_maker, influencer, user, other or empty;
//                         notify as potential_key_flag; trailing parts may be left out);
//                         a backslash takes the next character literally (\; \| \\)
//
// Line numbers are those of the file (the header is line 1); a record whose quoted
// field spans lines has the number of the line it starts on. The parser is libcsv in
// strict mode; this library is the only code that links it.
#ifndef TICKETING_CLIENT_CLI_ACCOUNTS_CSV_H_
#define TICKETING_CLIENT_CLI_ACCOUNTS_CSV_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ticketing/v1/account.pb.h"

namespace ticketing::client {

// The columns in the order export writes them.
inline constexpr const char* kAccountCsvColumns[] = {
    "id",           "name",           "channel_tier",    "region",
    "sales_current", "sales_previous", "profit_current", "profit_previous",
    "loyalty_note", "account_manager", "potential_key_flag", "key_persons"};

// A data record that was read: the account (settable fields only) and its line.
struct AccountCsvRow {
  int line = 0;
  v1::Account account;
};

// One problem of one data record, e.g. {7, "line 7, column sales_current: not a number:
// 12,x"}. A record may have several.
struct AccountCsvError {
  int line = 0;
  std::string message;  // starts with "line N"
};

// What ParseAccountCsv read.
struct AccountCsv {
  std::vector<AccountCsvRow> rows;      // the records without problems, in file order
  std::vector<AccountCsvError> errors;  // every problem of the other records, in order
  int bad_rows = 0;                     // the records with at least one problem
};

// Parses a whole file (a UTF-8 byte order mark at the start is skipped; lines may end
// in CRLF or LF; blank lines are ignored). Returns INVALID_ARGUMENT for a problem of the
// file itself, which stops reading: no header, an unknown, repeated or missing required
// column ("line 1: unknown column 'sale'; the columns are: id, name, ..."), or
// malformed CSV such as a stray quote ("line 4: malformed CSV: ..."). Problems of
// single records are collected in the result instead.
absl::StatusOr<AccountCsv> ParseAccountCsv(absl::string_view text);

// The header record, kAccountCsvColumns joined by commas, ending in CRLF.
std::string AccountCsvHeader();

// One data record for `account`, in kAccountCsvColumns order, ending in CRLF: fields
// are quoted (by libcsv) only when they contain a comma, quote, CR or LF or begin or
// end with a blank, so that ParseAccountCsv reads back the same settable fields.
std::string AccountCsvRecord(const v1::Account& account);

// One CSV record of any fields (RFC 4180, quoted only where needed), ending in CRLF.
std::string CsvLine(const std::vector<std::string>& fields);

// Money typed in major units ("1234.56", "-0.5", "12") as minor units (123456). Returns
// INVALID_ARGUMENT without a location: "not a number: 12,x", "more than 2 decimals:
// 1.234", "must not be negative: -5" (unless `allow_negative`), "out of range: ...".
absl::StatusOr<int64_t> ParseMoney(absl::string_view text, bool allow_negative);

// Minor units in major units with two decimals: 123456 -> "1234.56", -50 -> "-0.50".
std::string FormatMoney(int64_t minor_units);

// A yes/no value: true/false, 1/0, yes/no in any case; empty is false. INVALID_ARGUMENT
// ("not true/false, 1/0 or yes/no: maybe") otherwise.
absl::StatusOr<bool> ParseCsvBool(absl::string_view text);

}  // namespace ticketing::client

#endif  // TICKETING_CLIENT_CLI_ACCOUNTS_CSV_H_
