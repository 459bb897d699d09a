// Accounts as CSV: the record reader over libcsv, the column mapping and the writer.
#include "client/cli_accounts_csv.h"

#include <csv.h>

#include <cstdint>
#include <limits>
#include <utility>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/generated_enum_reflection.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"

namespace ticketing::client {
namespace {

// One CSV record and the file line it starts on.
struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
};

// What libcsv's callbacks fill in while ReadCsvRecords feeds it one line at a time.
struct ReaderState {
  std::vector<CsvRecord> records;
  CsvRecord current;
  bool in_record = false;  // a record has begun and not ended yet
};

void OnField(void* data, size_t size, void* state) {
  static_cast<ReaderState*>(state)->current.fields.emplace_back(static_cast<char*>(data),
                                                               size);
}

void OnRecord(int /*terminator*/, void* state) {
  ReaderState& s = *static_cast<ReaderState*>(state);
  s.records.push_back(std::move(s.current));
  s.current = CsvRecord();
  s.in_record = false;
}

bool IsBlank(absl::string_view line) {
  return line.find_first_not_of(" \t\r\n") == absl::string_view::npos;
}

// The physical line that starts at `pos`, with its terminator (LF, CRLF or a lone CR).
absl::string_view LineAt(absl::string_view text, size_t pos) {
  size_t end = text.find_first_of("\r\n", pos);
  if (end == absl::string_view::npos) return text.substr(pos);
  end += (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ? 2 : 1;
  return text.substr(pos, end - pos);
}

// Splits `text` into records. libcsv reports a record only at its end, so the text is
// fed one physical line at a time: the line on which a record's first non-blank line
// was fed is where it starts, even when a quoted field spans several lines.
absl::StatusOr<std::vector<CsvRecord>> ReadCsvRecords(absl::string_view text) {
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
    return absl::ResourceExhaustedError("cannot set up the CSV parser");
  }
  ReaderState state;
  absl::Status status;
  int line = 1;
  for (size_t pos = 0; pos < text.size() && status.ok(); ++line) {
    const absl::string_view chunk = LineAt(text, pos);
    pos += chunk.size();
    if (!state.in_record && !IsBlank(chunk)) {
      state.current.line = line;
      state.in_record = true;
    }
    if (csv_parse(&parser, chunk.data(), chunk.size(), OnField, OnRecord, &state) !=
        chunk.size()) {
      const int error = csv_error(&parser);
      status = absl::InvalidArgumentError(absl::StrCat(
          "line ", line, ": malformed CSV: ",
          error == CSV_EPARSE ? "a quote inside an unquoted field, or text after a closing quote"
                              : csv_strerror(error)));
    }
  }
  if (status.ok() && csv_fini(&parser, OnField, OnRecord, &state) != 0) {
    status = absl::InvalidArgumentError(absl::StrCat(
        "line ", state.current.line, ": malformed CSV: a quoted field is never closed"));
  }
  csv_free(&parser);
  if (!status.ok()) return status;
  return std::move(state.records);
}

// "CHANNEL_TIER_" for ChannelTier: the zero value's name without "UNSPECIFIED".
std::string EnumPrefix(const google::protobuf::EnumDescriptor& type) {
  return std::string(absl::StripSuffix(type.FindValueByNumber(0)->name(), "UNSPECIFIED"));
}

// "distributor" for CHANNEL_TIER_DISTRIBUTOR; "" for the zero value.
template <typename E>
std::string CsvEnumName(E value) {
  const google::protobuf::EnumDescriptor& type = *google::protobuf::GetEnumDescriptor<E>();
  const google::protobuf::EnumValueDescriptor* v = type.FindValueByNumber(value);
  if (v == nullptr || v->number() == 0) return "";
  return absl::AsciiStrToLower(absl::StripPrefix(v->name(), EnumPrefix(type)));
}

// The short name in any case, or the full name; INVALID_ARGUMENT listing the names.
template <typename E>
absl::StatusOr<E> ParseCsvEnum(absl::string_view what, absl::string_view text) {
  const google::protobuf::EnumDescriptor& type = *google::protobuf::GetEnumDescriptor<E>();
  const std::string key = absl::StrReplaceAll(
      absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text)), {{"-", "_"}});
  std::vector<std::string> names;
  for (int i = 0; i < type.value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor& value = *type.value(i);
    if (value.number() == 0) continue;
    if (key == value.name() || EnumPrefix(type) + key == value.name()) {
      return static_cast<E>(value.number());
    }
    names.push_back(CsvEnumName(static_cast<E>(value.number())));
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown ", what, " '", text,
                                                 "'; expected one of: ",
                                                 absl::StrJoin(names, ", ")));
}

// Splits at `separator` where it is not escaped by a backslash; escapes stay in place.
std::vector<std::string> SplitEscaped(absl::string_view text, char separator) {
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      parts.back().append(text.substr(i, 2).data(), 2);
      ++i;
    } else if (text[i] == separator) {
      parts.emplace_back();
    } else {
      parts.back() += text[i];
    }
  }
  return parts;
}

// Removes the escaping backslashes and the blanks around the value.
std::string Unescape(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) ++i;
    out += text[i];
  }
  return out;
}

std::string Escape(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"\\", "\\\\"}, {";", "\\;"}, {"|", "\\|"}});
}

// "name|role|phone|email|notify" (trailing parts optional) as a KeyPerson.
absl::StatusOr<v1::KeyPerson> ParseKeyPerson(absl::string_view entry) {
  const std::vector<std::string> parts = SplitEscaped(entry, '|');
  if (parts.size() > 5) {
    return absl::InvalidArgumentError("more than 5 parts (name|role|phone|email|notify)");
  }
  v1::KeyPerson person;
  const auto part = [&](size_t i) { return i < parts.size() ? Unescape(parts[i]) : ""; };
  person.set_name(part(0));
  if (!part(1).empty()) {
    absl::StatusOr<v1::KeyPersonRole> role = ParseCsvEnum<v1::KeyPersonRole>("role", part(1));
    if (!role.ok()) return role.status();
    person.set_role(*role);
  }
  person.set_phone(part(2));
  person.set_email(part(3));
  absl::StatusOr<bool> notify = ParseCsvBool(part(4));
  if (!notify.ok()) return notify.status();
  person.set_notify_on_escalation(*notify);
  return person;
}

absl::Status SetKeyPersons(absl::string_view text, v1::Account& account) {
  int number = 0;
  for (const std::string& entry : SplitEscaped(text, ';')) {
    if (IsBlank(entry)) continue;
    ++number;
    absl::StatusOr<v1::KeyPerson> person = ParseKeyPerson(entry);
    if (!person.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("key person ", number, ": ", person.status().message()));
    }
    *account.add_key_persons() = *std::move(person);
  }
  return absl::OkStatus();
}

absl::Status SetChannelTier(absl::string_view text, v1::Account& account) {
  if (IsBlank(text)) return absl::OkStatus();  // the server reports it as required
  absl::StatusOr<v1::ChannelTier> tier = ParseCsvEnum<v1::ChannelTier>("channel tier", text);
  if (!tier.ok()) return tier.status();
  account.set_channel_tier(*tier);
  return absl::OkStatus();
}

// Sets a money field through `set` (a setter of v1::Account).
template <void (v1::Account::*set)(int64_t), bool allow_negative>
absl::Status SetMoney(absl::string_view text, v1::Account& account) {
  absl::StatusOr<int64_t> value = ParseMoney(text, allow_negative);
  if (!value.ok()) return value.status();
  (account.*set)(*value);
  return absl::OkStatus();
}

template <void (v1::Account::*set)(const std::string&)>
absl::Status SetText(absl::string_view text, v1::Account& account) {
  (account.*set)(std::string(text));
  return absl::OkStatus();
}

absl::Status SetPotentialKey(absl::string_view text, v1::Account& account) {
  absl::StatusOr<bool> flag = ParseCsvBool(text);
  if (!flag.ok()) return flag.status();
  account.set_potential_key_flag(*flag);
  return absl::OkStatus();
}

using Setter = absl::Status (*)(absl::string_view, v1::Account&);

// The setter of each column; kAccountCsvColumns[i] is read by kSetters[i].
constexpr Setter kSetters[] = {
    SetText<&v1::Account::set_id>,
    SetText<&v1::Account::set_name>,
    SetChannelTier,
    SetText<&v1::Account::set_region>,
    SetMoney<&v1::Account::set_sales_current, false>,
    SetMoney<&v1::Account::set_sales_previous, false>,
    SetMoney<&v1::Account::set_profit_current, true>,
    SetMoney<&v1::Account::set_profit_previous, true>,
    SetText<&v1::Account::set_loyalty_note>,
    SetText<&v1::Account::set_account_manager>,
    SetPotentialKey,
    SetKeyPersons,
};
constexpr size_t kColumnCount = sizeof(kAccountCsvColumns) / sizeof(kAccountCsvColumns[0]);
static_assert(sizeof(kSetters) / sizeof(kSetters[0]) == kColumnCount);

constexpr size_t kRequiredColumns[] = {0, 1, 2};  // id, name, channel_tier

// For each field of the header, the index of its column in kAccountCsvColumns.
absl::StatusOr<std::vector<size_t>> MapHeader(const CsvRecord& header) {
  const std::string known = absl::StrJoin(kAccountCsvColumns, ", ");
  std::vector<size_t> columns;
  std::vector<bool> seen(kColumnCount, false);
  for (const std::string& field : header.fields) {
    const std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(field));
    size_t column = 0;
    while (column < kColumnCount && name != kAccountCsvColumns[column]) ++column;
    if (column == kColumnCount) {
      return absl::InvalidArgumentError(absl::StrCat("line ", header.line, ": unknown column '",
                                                     field, "'; the first line must be the "
                                                     "header, with columns from: ", known));
    }
    if (seen[column]) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", header.line, ": column ", name, " appears twice"));
    }
    seen[column] = true;
    columns.push_back(column);
  }
  for (size_t required : kRequiredColumns) {
    if (!seen[required]) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", header.line, ": the header lacks the column ", kAccountCsvColumns[required]));
    }
  }
  return columns;
}

// Reads one data record into `csv`: a row, or its problems.
void ReadRow(const CsvRecord& record, const std::vector<size_t>& columns, AccountCsv& csv) {
  if (record.fields.size() != columns.size()) {
    csv.errors.push_back({record.line, absl::StrCat("line ", record.line, ": ",
                                                    record.fields.size(), " fields, but the "
                                                    "header has ", columns.size())});
    ++csv.bad_rows;
    return;
  }
  AccountCsvRow row{record.line, v1::Account()};
  bool ok = true;
  for (size_t i = 0; i < columns.size(); ++i) {
    const absl::Status status = kSetters[columns[i]](record.fields[i], row.account);
    if (status.ok()) continue;
    ok = false;
    csv.errors.push_back({record.line, absl::StrCat("line ", record.line, ", column ",
                                                    kAccountCsvColumns[columns[i]], ": ",
                                                    status.message())});
  }
  if (ok) csv.rows.push_back(std::move(row));
  else ++csv.bad_rows;
}

bool NeedsQuotes(absl::string_view field) {
  if (field.empty()) return false;
  return field.find_first_of(",\"\r\n") != absl::string_view::npos ||
         absl::ascii_isspace(static_cast<unsigned char>(field.front())) ||
         absl::ascii_isspace(static_cast<unsigned char>(field.back()));
}

// The field as CSV: as is, or quoted with inner quotes doubled (libcsv's csv_write).
std::string CsvField(absl::string_view field) {
  if (!NeedsQuotes(field)) return std::string(field);
  std::string quoted(2 * field.size() + 2, '\0');
  quoted.resize(csv_write(quoted.data(), quoted.size(), field.data(), field.size()));
  return quoted;
}

std::string KeyPersonsField(const v1::Account& account) {
  std::vector<std::string> entries;
  for (const v1::KeyPerson& p : account.key_persons()) {
    entries.push_back(absl::StrJoin({Escape(p.name()), CsvEnumName(p.role()), Escape(p.phone()),
                                     Escape(p.email()),
                                     std::string(p.notify_on_escalation() ? "true" : "false")},
                                    "|"));
  }
  return absl::StrJoin(entries, ";");
}

}  // namespace

std::string CsvLine(const std::vector<std::string>& fields) {
  std::vector<std::string> quoted;
  for (const std::string& field : fields) quoted.push_back(CsvField(field));
  return absl::StrCat(absl::StrJoin(quoted, ","), "\r\n");
}

absl::StatusOr<AccountCsv> ParseAccountCsv(absl::string_view text) {
  absl::ConsumePrefix(&text, "\xEF\xBB\xBF");  // the byte order mark spreadsheets write
  absl::StatusOr<std::vector<CsvRecord>> records = ReadCsvRecords(text);
  if (!records.ok()) return records.status();
  if (records->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the file is empty; the first line must be the header: ",
                     absl::StrJoin(kAccountCsvColumns, ",")));
  }
  absl::StatusOr<std::vector<size_t>> columns = MapHeader(records->front());
  if (!columns.ok()) return columns.status();
  AccountCsv csv;
  for (size_t i = 1; i < records->size(); ++i) ReadRow((*records)[i], *columns, csv);
  return csv;
}

std::string AccountCsvHeader() {
  return absl::StrCat(absl::StrJoin(kAccountCsvColumns, ","), "\r\n");
}

std::string AccountCsvRecord(const v1::Account& a) {
  const std::string fields[] = {
      a.id(),
      a.name(),
      CsvEnumName(a.channel_tier()),
      a.region(),
      FormatMoney(a.sales_current()),
      FormatMoney(a.sales_previous()),
      FormatMoney(a.profit_current()),
      FormatMoney(a.profit_previous()),
      a.loyalty_note(),
      a.account_manager(),
      a.potential_key_flag() ? "true" : "false",
      KeyPersonsField(a)};
  static_assert(sizeof(fields) / sizeof(fields[0]) == kColumnCount);
  std::vector<std::string> quoted;
  for (const std::string& field : fields) quoted.push_back(CsvField(field));
  return absl::StrCat(absl::StrJoin(quoted, ","), "\r\n");
}

absl::StatusOr<int64_t> ParseMoney(absl::string_view text, bool allow_negative) {
  const absl::string_view original = text;
  text = absl::StripAsciiWhitespace(text);
  if (text.empty()) return 0;
  const bool negative = absl::ConsumePrefix(&text, "-");
  const size_t dot = text.find('.');
  const absl::string_view whole = text.substr(0, dot);
  const absl::string_view cents =
      dot == absl::string_view::npos ? absl::string_view() : text.substr(dot + 1);
  const auto digits = [](absl::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == absl::string_view::npos;
  };
  if (!digits(whole) || (dot != absl::string_view::npos && !digits(cents))) {
    return absl::InvalidArgumentError(absl::StrCat("not a number: ", original));
  }
  if (cents.size() > 2) {
    return absl::InvalidArgumentError(absl::StrCat("more than 2 decimals: ", original));
  }
  if (negative && !allow_negative) {
    return absl::InvalidArgumentError(absl::StrCat("must not be negative: ", original));
  }
  uint64_t units = 0;
  int64_t fraction = 0;
  constexpr uint64_t kMax = uint64_t{std::numeric_limits<int64_t>::max()};
  if (!absl::SimpleAtoi(whole, &units) || units > kMax / 100 ||
      (!cents.empty() && !absl::SimpleAtoi(cents, &fraction))) {
    return absl::InvalidArgumentError(absl::StrCat("out of range: ", original));
  }
  if (cents.size() == 1) fraction *= 10;
  const uint64_t minor = units * 100 + static_cast<uint64_t>(fraction);
  if (minor > kMax) return absl::InvalidArgumentError(absl::StrCat("out of range: ", original));
  return negative ? -static_cast<int64_t>(minor) : static_cast<int64_t>(minor);
}

std::string FormatMoney(int64_t minor_units) {
  // Unsigned, so that the magnitude of INT64_MIN fits.
  const uint64_t magnitude = minor_units < 0 ? 0 - static_cast<uint64_t>(minor_units)
                                             : static_cast<uint64_t>(minor_units);
  return absl::StrCat(minor_units < 0 ? "-" : "", magnitude / 100, ".",
                      absl::Dec(magnitude % 100, absl::kZeroPad2));
}

absl::StatusOr<bool> ParseCsvBool(absl::string_view text) {
  const std::string value = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (value.empty() || value == "false" || value == "0" || value == "no") return false;
  if (value == "true" || value == "1" || value == "yes") return true;
  return absl::InvalidArgumentError(
      absl::StrCat("not true/false, 1/0 or yes/no: ", text));
}

}  // namespace ticketing::client
