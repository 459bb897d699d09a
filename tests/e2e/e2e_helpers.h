#ifndef TICKETING_TESTS_E2E_E2E_HELPERS_H_
#define TICKETING_TESTS_E2E_E2E_HELPERS_H_

// Small helpers shared by the end-to-end tests: request builders, unique names, list
// ordering and a matcher for status names as the server writes them into history.

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdint>
#include <ostream>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "tests/testing/status_matchers.h"
#include "ticketing/v1/ticket.pb.h"
#include "ticketing/v1/ticket_service.pb.h"

namespace ticketing::testing {

// "<prefix>-<pid>-<n>", unique within this process (and so within a server started by it).
// Valid as an account id, queue or request id when `prefix` is.
inline std::string UniqueName(absl::string_view prefix) {
  static std::atomic<int> counter{0};
  return absl::StrCat(prefix, "-", getpid(), "-", counter.fetch_add(1));
}

// A valid repair ticket for `account_id` with a fresh request_id; callers tweak the rest.
inline v1::CreateTicketRequest NewTicketRequest(absl::string_view account_id,
                                                absl::string_view summary = "Washer leaks") {
  v1::CreateTicketRequest request;
  request.set_request_id(UniqueName("req"));
  v1::Ticket* t = request.mutable_ticket();
  t->set_kind(v1::TICKET_KIND_REPAIR);
  t->set_account_id(std::string(account_id));
  t->set_summary(std::string(summary));
  t->set_description("Water on the floor after every cycle.");
  t->mutable_contact()->set_name("Ann Customer");
  t->mutable_contact()->set_phone("+86 571 5550100");
  t->set_product("WM-100");
  t->set_impact(v1::IMPACT_MEDIUM);
  t->set_urgency(v1::URGENCY_HIGH);
  return request;
}

// The numeric part of "T-<n>", or -1.
inline int64_t TicketNumber(absl::string_view id) {
  int64_t n = -1;
  if (!absl::ConsumePrefix(&id, "T-") || !absl::SimpleAtoi(id, &n)) return -1;
  return n;
}

inline int64_t CreateNanos(const v1::Ticket& t) {
  return t.create_time().seconds() * 1000000000 + t.create_time().nanos();
}

// ListTickets order: (create_time, id), ids compared as numbers.
inline std::pair<int64_t, int64_t> ListOrderKey(const v1::Ticket& t) {
  return {CreateNanos(t), TicketNumber(t.id())};
}

// Matches a status as written into FieldChange values: "IN_PROGRESS", "in_progress" or
// "TICKET_STATUS_IN_PROGRESS" all match IsStatusNamed("IN_PROGRESS").
MATCHER_P(IsStatusNamed, name, "") {
  std::string upper(arg);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const std::string want(name);
  return upper == want || upper == "TICKET_STATUS_" + want;
}

// "IN_PROGRESS" for TICKET_STATUS_IN_PROGRESS.
inline std::string ShortStatusName(v1::TicketStatus status) {
  return std::string(absl::StripPrefix(v1::TicketStatus_Name(status), "TICKET_STATUS_"));
}

// A FieldChange of `field` from `old_matcher` to `new_matcher`.
MATCHER_P3(ChangeOf, field, old_matcher, new_matcher, "") {
  *result_listener << "change of " << arg.field() << " from \"" << arg.old_value() << "\" to \""
                   << arg.new_value() << "\"";
  return arg.field() == field &&
         ::testing::ExplainMatchResult(old_matcher, arg.old_value(), result_listener) &&
         ::testing::ExplainMatchResult(new_matcher, arg.new_value(), result_listener);
}

}  // namespace ticketing::testing

namespace absl {
// Lets gtest print a StatusOr in failure messages (it would dump its bytes otherwise);
// found by argument-dependent lookup. Abseil 20220623 has no printer of its own.
template <typename T>
void PrintTo(const StatusOr<T>& value, std::ostream* os) {
  if (value.ok()) {
    *os << "OK: " << ::testing::PrintToString(*value);
  } else {
    *os << value.status();
  }
}
}  // namespace absl

#endif  // TICKETING_TESTS_E2E_E2E_HELPERS_H_
