// Fuzzes the accounts CSV that `tktctl accounts import` reads from any file: any bytes are
// either refused with a message naming the line (or saying the file is empty) or read into rows and per-row problems.
// And the promise of `accounts export`: what it writes for the rows read, import reads
// back unchanged (ParseAccountCsv(export(rows)) gives the same accounts, no problems).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "client/cli_accounts_csv.h"
#include "google/protobuf/util/message_differencer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ticketing::client;
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<AccountCsv> read = ParseAccountCsv(text);
  if (!read.ok()) {
    const absl::string_view message = read.status().message();
    if (!absl::StartsWith(message, "line ") && !absl::StartsWith(message, "the file is empty")) {
      std::abort();
    }
    return 0;
  }
  for (const AccountCsvError& error : read->errors) {
    if (!absl::StartsWith(error.message, "line ")) std::abort();
  }
  std::string exported = AccountCsvHeader();
  for (const AccountCsvRow& row : read->rows) exported += AccountCsvRecord(row.account);
  absl::StatusOr<AccountCsv> again = ParseAccountCsv(exported);
  if (!again.ok() || !again->errors.empty() || again->rows.size() != read->rows.size()) {
    std::fprintf(stderr, "export does not read back: %s\n%s\n",
                 again.ok() ? "row problems" : std::string(again.status().message()).c_str(),
                 exported.c_str());
    std::abort();
  }
  for (size_t i = 0; i < read->rows.size(); ++i) {
    if (!google::protobuf::util::MessageDifferencer::Equals(read->rows[i].account,
                                                             again->rows[i].account)) {
      std::fprintf(stderr, "row %zu differs after export:\n%s\n%s\n", i,
                   read->rows[i].account.DebugString().c_str(),
                   again->rows[i].account.DebugString().c_str());
      std::abort();
    }
  }
  return 0;
}
