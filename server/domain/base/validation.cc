#include "server/domain/base/validation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "proto/base/status_macros.h"
#include "storage/ticket_id.h"

namespace ticketing::domain {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

// Limits count characters, as docs/api.md promises: a byte limit would give Chinese text a
// third of the room (three bytes a character in UTF-8).
size_t CountChars(absl::string_view utf8) {
  size_t chars = 0;
  for (unsigned char c : utf8) chars += (c & 0xC0) != 0x80;  // count non-continuation bytes
  return chars;
}

absl::Status CheckLength(absl::string_view field, absl::string_view value, size_t max_chars,
                         bool required) {
  if (value.empty()) return required ? Invalid(field, "must not be empty") : absl::OkStatus();
  if (CountChars(value) > max_chars) {
    return Invalid(field, absl::StrCat("must be at most ", max_chars, " characters (got ",
                                       CountChars(value), ")"));
  }
  return absl::OkStatus();
}

// Identifiers are embedded in index keys before a 0x00 separator (storage/keys.h), so no
// identifier may contain that byte; '/' is allowed for hierarchical regions
// (cn/zhejiang/hangzhou).
bool IsIdentifierChar(char c) {
  return absl::ascii_isalnum(c) || c == '.' || c == '_' || c == ':' || c == '/' || c == '-';
}

// Proto3 enums are open: an unknown number parses, so each is checked here.
template <typename Enum>
absl::Status CheckEnum(absl::string_view field, Enum value, bool (*is_valid)(int),
                       bool required) {
  if (!is_valid(value)) return Invalid(field, absl::StrCat("unknown value ", value));
  if (required && value == 0) return Invalid(field, "must be set");
  return absl::OkStatus();
}

// The first code point of `utf8` that no text field may hold, beyond the ASCII controls the
// callers check: C1 controls (U+0080-U+009F, terminal escapes in some emulators) and the
// bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), which make text display
// in another order than it is stored ("Trojan Source"). 0 when there is none. The text is
// valid UTF-8 (protobuf checks strings as it parses), so the lead byte says what follows.
uint32_t ForbiddenCodePoint(absl::string_view utf8) {
  for (size_t i = 0; i + 1 < utf8.size(); ++i) {
    const unsigned char b0 = static_cast<unsigned char>(utf8[i]);
    const unsigned char b1 = static_cast<unsigned char>(utf8[i + 1]);
    if (b0 == 0xC2 && b1 >= 0x80 && b1 <= 0x9F) return b1;  // U+0080-U+009F
    if (b0 == 0xE2 && i + 2 < utf8.size()) {
      const uint32_t cp = 0x2000 | ((b1 & 0x3Fu) << 6) | (static_cast<unsigned char>(utf8[i + 2]) & 0x3Fu);
      if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) return cp;
    }
  }
  return 0;
}

absl::Status CheckCodePoints(absl::string_view field, absl::string_view value) {
  if (const uint32_t cp = ForbiddenCodePoint(value); cp != 0) {
    return Invalid(field, absl::StrFormat("must not contain U+%04X (%s)", cp,
                                          cp < 0x100 ? "a C1 control character"
                                                     : "a bidirectional override"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckPhone(absl::string_view field, absl::string_view value) {
  if (value.empty()) return absl::OkStatus();
  // Bytes, not characters: every allowed character is ASCII.
  if (value.size() < 3 || value.size() > 32) return Invalid(field, "must be 3-32 characters");
  for (char c : value) {
    if (!absl::ascii_isdigit(c) && c != ' ' && c != '+' && c != '(' && c != ')' && c != '-') {
      return Invalid(field, "may contain only digits, spaces and + ( ) -");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckEmail(absl::string_view field, absl::string_view value) {
  // 254: the longest address SMTP can carry (RFC 5321). Only the shape is checked.
  TKT_RETURN_IF_ERROR(CheckLine(field, value, 254, false));
  if (value.empty()) return absl::OkStatus();
  const size_t at = value.find('@');
  if (at == 0 || at == absl::string_view::npos || at == value.size() - 1 ||
      value.find(' ') != absl::string_view::npos) {
    return Invalid(field, "must look like name@example.com");
  }
  return absl::OkStatus();
}

namespace {

}  // namespace

absl::Status CheckIdentifier(absl::string_view field, absl::string_view value, bool required) {
  if (value.empty()) return required ? Invalid(field, "must not be empty") : absl::OkStatus();
  if (value.size() > kMaxIdentifierChars) {
    return Invalid(field, absl::StrCat("must be at most ", kMaxIdentifierChars, " characters"));
  }
  if (!absl::ascii_isalnum(value[0])) return Invalid(field, "must start with a letter or digit");
  for (char c : value) {
    if (!IsIdentifierChar(c)) {
      return Invalid(field, "may contain only letters, digits and . _ : / -");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckRequestId(absl::string_view field, absl::string_view value) {
  if (value.empty()) return Invalid(field, "must not be empty (use a fresh UUID per ticket)");
  if (value.size() > 64) return Invalid(field, "must be at most 64 characters");
  for (char c : value) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '_' && c != ':' && c != '-') {
      return Invalid(field, "may contain only letters, digits and . _ : -");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckLine(absl::string_view field, absl::string_view value, size_t max_chars,
                       bool required) {
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7F) return Invalid(field, "must be one line without control characters");
  }
  TKT_RETURN_IF_ERROR(CheckCodePoints(field, value));
  return CheckLength(field, value, max_chars, required);
}

absl::Status CheckText(absl::string_view field, absl::string_view value, size_t max_chars,
                       bool required) {
  for (unsigned char c : value) {
    // '\r' too, so text written with CRLF line ends passes.
    if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7F) {
      return Invalid(field, "must not contain control characters");
    }
  }
  TKT_RETURN_IF_ERROR(CheckCodePoints(field, value));
  return CheckLength(field, value, max_chars, required);
}

absl::Status CheckPriorityReason(const v1::Ticket& t) {
  if (t.priority_reason().empty()) {
    return Invalid("ticket.priority_reason",
                   "required when setting the priority by hand: say why it overrides the "
                   "impact x urgency matrix");
  }
  return CheckLine("ticket.priority_reason", t.priority_reason(), kMaxReasonChars, true);
}

absl::Status CheckUpdatableField(const v1::Ticket& t, absl::string_view path) {
  const std::string field = absl::StrCat("ticket.", path);
  if (path == "summary") return CheckLine(field, t.summary(), kMaxSummaryChars, true);
  if (path == "description") return CheckText(field, t.description(), kMaxLongTextChars, false);
  // The whole contact message is replaced on update (LifecycleService::Update), so all of
  // its fields are checked.
  if (path == "contact") {
    TKT_RETURN_IF_ERROR(CheckUpdatableField(t, "contact.name"));
    TKT_RETURN_IF_ERROR(CheckUpdatableField(t, "contact.phone"));
    return CheckUpdatableField(t, "contact.email");
  }
  if (path == "contact.name") return CheckLine(field, t.contact().name(), kMaxNameChars, true);
  if (path == "contact.phone") return CheckPhone(field, t.contact().phone());
  if (path == "contact.email") return CheckEmail(field, t.contact().email());
  if (path == "product") return CheckLine(field, t.product(), kMaxNameChars, false);
  if (path == "serial_number") return CheckLine(field, t.serial_number(), kMaxSerialChars, false);
  if (path == "impact") return CheckEnum(field, t.impact(), v1::Impact_IsValid, false);
  if (path == "urgency") return CheckEnum(field, t.urgency(), v1::Urgency_IsValid, false);
  // Required: a priority cannot go back to unset, since nothing re-derives it from the
  // matrix after creation (docs/api.md, "Priority"), and a hand-set one needs its reason.
  if (path == "priority") {
    TKT_RETURN_IF_ERROR(CheckEnum(field, t.priority(), v1::Priority_IsValid, true));
    return CheckPriorityReason(t);
  }
  if (path == "queue") return CheckIdentifier(field, t.queue(), false);
  if (path == "region") return CheckIdentifier(field, t.region(), false);
  // These have their own rules (the state machine, assignment), so the mask refuses them with
  // a pointer to the RPC that applies those rules.
  if (path == "status" || path == "assignee") {
    return Invalid("update_mask", absl::StrCat(path, " is changed with ",
                                               path == "status" ? "TransitionTicket"
                                                                : "AssignTicket"));
  }
  return Invalid("update_mask", absl::StrCat("path '", path, "' cannot be updated"));
}

absl::Status CheckNewTicket(const v1::Ticket& t) {
  TKT_RETURN_IF_ERROR(CheckEnum("ticket.kind", t.kind(), v1::TicketKind_IsValid, true));
  TKT_RETURN_IF_ERROR(CheckIdentifier("ticket.account_id", t.account_id(), true));
  // Reuses the update checks, so a field accepts the same values at creation and on update.
  for (absl::string_view path : {"summary", "description", "contact", "product", "serial_number",
                                 "impact", "urgency", "queue", "region"}) {
    TKT_RETURN_IF_ERROR(CheckUpdatableField(t, path));
  }
  TKT_RETURN_IF_ERROR(CheckEnum("ticket.priority", t.priority(), v1::Priority_IsValid, false));
  if (t.priority() != v1::PRIORITY_UNSPECIFIED) TKT_RETURN_IF_ERROR(CheckPriorityReason(t));
  return CheckIdentifier("ticket.assignee", t.assignee(), false);
}

absl::Status CheckTicketId(absl::string_view field, absl::string_view value) {
  if (value.empty()) return Invalid(field, "must not be empty");
  if (!ParseTicketId(value)) return Invalid(field, "must look like T-<number>, e.g. T-42");
  return absl::OkStatus();
}

}  // namespace ticketing::domain
