#include "absl/strings/string_view.h"
#include "storage/ticket_id.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ticketing {

std::string FormatTicketId(uint64_t number) { return absl::StrCat("T-", number); }

std::optional<uint64_t> ParseTicketId(absl::string_view id) {
  // "T-" and 1 to 20 digits: a uint64 has at most 20 decimal digits.
  if (id.size() < 3 || id.size() > 22 || id.substr(0, 2) != "T-") return std::nullopt;
  const absl::string_view digits = id.substr(2);
  if (digits[0] == '0') return std::nullopt;  // one spelling per id
  // Digits only: SimpleAtoi alone would also take a sign or surrounding spaces, which would give
  // one ticket several spellings.
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  uint64_t number = 0;
  if (!absl::SimpleAtoi(digits, &number) || number == 0) return std::nullopt;
  return number;
}

}  // namespace ticketing
