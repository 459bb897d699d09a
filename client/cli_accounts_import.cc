// `accounts import FILE` and `accounts export [FILE]`: accounts as CSV files
// (cli_accounts_csv.h) through ImportAccounts and ListAccounts.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/cli_accounts.h"
#include "client/cli_accounts_csv.h"
#include "client/cli_flags.h"
#include "client/cli_format.h"

namespace ticketing::client {
namespace {

constexpr absl::string_view kRowRef = "accounts[";

// The whole file at `path` ("-": stdin). UsageError when it cannot be read.
absl::StatusOr<std::string> ReadInput(const std::string& path) {
  std::ostringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return UsageError(absl::StrCat("cannot read ", path));
  text << in.rdbuf();
  if (in.bad()) return UsageError(absl::StrCat("cannot read ", path));
  return text.str();
}

// Rewrites the server's row references by the file's line numbers: "accounts[1].name:
// must not be empty" -> "line 3: name: must not be empty", where `lines[i]` is the line
// of the i-th row sent. References to unknown rows stay as they are.
std::string WithLineNumbers(absl::string_view message, const std::vector<int>& lines) {
  std::string out;
  size_t pos = 0;
  for (size_t at = message.find(kRowRef); at != absl::string_view::npos;
       at = message.find(kRowRef, pos)) {
    const size_t first = at + kRowRef.size();
    const size_t close = message.find(']', first);
    size_t index = 0;
    if (close == absl::string_view::npos ||
        !absl::SimpleAtoi(message.substr(first, close - first), &index) ||
        index >= lines.size()) {
      out.append(message.substr(pos, first - pos).data(), first - pos);
      pos = first;
      continue;
    }
    absl::StrAppend(&out, message.substr(pos, at - pos), "line ", lines[index]);
    pos = close + 1;
    if (pos < message.size() && message[pos] == '.') {
      out += ": ";
      ++pos;
    }
  }
  absl::StrAppend(&out, message.substr(pos));
  return out;
}

// The parsed file, or a UsageError listing every row that cannot be read unless
// --skip_invalid allows leaving them out.
absl::StatusOr<AccountCsv> ReadAccountFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadInput(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<AccountCsv> csv = ParseAccountCsv(*text);
  if (!csv.ok()) return UsageError(absl::StrCat(path, ": ", csv.status().message()));
  if (csv->errors.empty() || absl::GetFlag(FLAGS_skip_invalid)) return csv;
  std::vector<std::string> messages;
  for (const AccountCsvError& error : csv->errors) messages.push_back(error.message);
  return UsageError(absl::StrCat(path, ": ", csv->bad_rows, " of ",
                                 csv->bad_rows + csv->rows.size(),
                                 " rows cannot be read; nothing was sent:\n",
                                 absl::StrJoin(messages, "\n")));
}

// The rows left out, in file order: those that could not be read and those the server
// refused (with --skip_invalid), one message each ("line 7: ...").
std::vector<std::string> SkippedRows(const AccountCsv& csv,
                                     const v1::ImportAccountsResponse& response,
                                     const std::vector<int>& lines) {
  std::vector<std::pair<int, std::string>> skipped;
  for (const AccountCsvError& error : csv.errors) skipped.emplace_back(error.line, error.message);
  for (const v1::ImportRowError& error : response.errors()) {
    const bool known = error.index() >= 0 && static_cast<size_t>(error.index()) < lines.size();
    std::string text = WithLineNumbers(error.message(), lines);
    if (known && !absl::StartsWith(text, "line ")) {
      text = absl::StrCat("line ", lines[error.index()], ": ", text);
    }
    skipped.emplace_back(known ? lines[error.index()] : 0, std::move(text));
  }
  std::stable_sort(skipped.begin(), skipped.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> messages;
  for (auto& [line, text] : skipped) messages.push_back(std::move(text));
  return messages;
}

void PrintImportSummary(const v1::ImportAccountsResponse& response, int skipped,
                        std::ostream& out) {
  out << "created " << response.created() << ", updated " << response.updated()
      << ", unchanged " << response.unchanged() << ", skipped " << skipped;
  if (absl::GetFlag(FLAGS_dry_run)) out << " (dry run: nothing written)";
  else if (!response.written()) out << " (nothing written)";
  out << "\n";
}

absl::Status WriteOutput(CommandContext& ctx, const std::string& path,
                         const std::string& content, size_t count) {
  if (path.empty() || path == "-") {
    ctx.out << content;
    return absl::OkStatus();
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << content;
  file.close();
  if (!file) return UsageError(absl::StrCat("cannot write ", path));
  ctx.out << "exported " << count << " accounts to " << path << "\n";
  return absl::OkStatus();
}

}  // namespace

absl::Status RunAccountsImport(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 2, 2, "accounts import FILE [--skip_invalid] [--dry_run]");
      !s.ok()) {
    return s;
  }
  const std::string& path = ctx.args.positional[2];
  absl::StatusOr<AccountCsv> csv = ReadAccountFile(path);
  if (!csv.ok()) return csv.status();
  v1::ImportAccountsRequest request;
  request.set_skip_invalid(absl::GetFlag(FLAGS_skip_invalid));
  request.set_dry_run(absl::GetFlag(FLAGS_dry_run));
  std::vector<int> lines;
  for (AccountCsvRow& row : csv->rows) {
    lines.push_back(row.line);
    *request.add_accounts() = std::move(row.account);
  }
  absl::StatusOr<v1::ImportAccountsResponse> response = ctx.client.ImportAccounts(request);
  if (!response.ok()) {
    return absl::Status(response.status().code(),
                        WithLineNumbers(response.status().message(), lines));
  }
  const std::vector<std::string> skipped = SkippedRows(*csv, *response, lines);
  // With --json stdout holds only the response; the rows left out go to stderr.
  std::ostream& notes = ctx.json ? std::cerr : ctx.out;
  for (const std::string& line : skipped) notes << line << "\n";
  if (ctx.json) return PrintJson(*response, ctx.out);
  PrintImportSummary(*response, csv->bad_rows + response->errors_size(), ctx.out);
  return absl::OkStatus();
}

absl::Status RunAccountsExport(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 1, 2, "accounts export [FILE]"); !s.ok()) return s;
  const std::string path = ctx.args.positional.size() > 2 ? ctx.args.positional[2] : "";
  absl::StatusOr<v1::ListAccountsRequest> request = AccountFilterFromFlags();
  if (!request.ok()) return request.status();
  absl::StatusOr<std::vector<v1::Account>> accounts = ReadAllAccounts(ctx.client, *request);
  if (!accounts.ok()) return accounts.status();
  std::ostringstream content;
  if (ctx.json) {
    v1::ListAccountsResponse all;
    for (v1::Account& account : *accounts) *all.add_accounts() = std::move(account);
    if (absl::Status s = PrintJson(all, content); !s.ok()) return s;
  } else {
    content << AccountCsvHeader();
    for (const v1::Account& account : *accounts) content << AccountCsvRecord(account);
  }
  return WriteOutput(ctx, path, content.str(), accounts->size());
}

}  // namespace ticketing::client
