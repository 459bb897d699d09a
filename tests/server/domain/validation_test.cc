#include "server/domain/base/validation.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::domain {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using ::ticketing::testing::IsOk;
using ::ticketing::testing::StatusIs;

v1::Ticket ValidTicket() {
  v1::Ticket t;
  t.set_kind(v1::TICKET_KIND_REPAIR);
  t.set_account_id("ACME-001");
  t.set_summary("Printer jams on every page");
  t.mutable_contact()->set_name("Li Wei");
  t.mutable_contact()->set_phone("+86 571 1234-5678");
  t.mutable_contact()->set_email("li.wei@example.com");
  return t;
}

// Expects INVALID_ARGUMENT whose message starts with `field`.
void ExpectInvalid(const v1::Ticket& t, const std::string& field) {
  EXPECT_THAT(CheckNewTicket(t), StatusIs(absl::StatusCode::kInvalidArgument, StartsWith(field + ":")));
}

TEST(ValidationTest, ValidTicketPasses) { EXPECT_THAT(CheckNewTicket(ValidTicket()), IsOk()); }

TEST(ValidationTest, EveryRequiredFieldIsNamedWhenMissing) {
  v1::Ticket t = ValidTicket();
  t.clear_kind();
  ExpectInvalid(t, "ticket.kind");
  t = ValidTicket();
  t.clear_account_id();
  ExpectInvalid(t, "ticket.account_id");
  t = ValidTicket();
  t.clear_summary();
  ExpectInvalid(t, "ticket.summary");
  t = ValidTicket();
  t.mutable_contact()->clear_name();
  ExpectInvalid(t, "ticket.contact.name");
}

TEST(ValidationTest, MalformedValuesAreNamed) {
  v1::Ticket t = ValidTicket();
  t.set_account_id("bad id!");
  ExpectInvalid(t, "ticket.account_id");
  t = ValidTicket();
  t.set_account_id("-leading-dash");
  ExpectInvalid(t, "ticket.account_id");
  t = ValidTicket();
  t.set_kind(static_cast<v1::TicketKind>(99));
  ExpectInvalid(t, "ticket.kind");
  t = ValidTicket();
  t.set_impact(static_cast<v1::Impact>(7));
  ExpectInvalid(t, "ticket.impact");
  t = ValidTicket();
  t.mutable_contact()->set_phone("call me");
  ExpectInvalid(t, "ticket.contact.phone");
  t = ValidTicket();
  t.mutable_contact()->set_email("nobody");
  ExpectInvalid(t, "ticket.contact.email");
  t = ValidTicket();
  t.set_summary("two\nlines");
  ExpectInvalid(t, "ticket.summary");
  t = ValidTicket();
  t.set_queue("queue with spaces");
  ExpectInvalid(t, "ticket.queue");
}

TEST(ValidationTest, LengthsAreCountedInCharactersNotBytes) {
  v1::Ticket t = ValidTicket();
  std::string chinese;
  for (int i = 0; i < 200; ++i) chinese += "\xE6\x89\x93";  // 打: 3 bytes, 1 character
  t.set_summary(chinese);
  EXPECT_THAT(CheckNewTicket(t), IsOk());
  t.set_summary(chinese + "x");
  ExpectInvalid(t, "ticket.summary");
}

TEST(ValidationTest, OversizeTextIsRefusedWithTheLimit) {
  v1::Ticket t = ValidTicket();
  t.set_description(std::string(kMaxLongTextChars, 'x'));
  EXPECT_THAT(CheckNewTicket(t), IsOk());
  t.set_description(std::string(kMaxLongTextChars + 1, 'x'));
  EXPECT_THAT(CheckNewTicket(t), StatusIs(absl::StatusCode::kInvalidArgument,
                                          HasSubstr("at most 10000 characters")));
}

TEST(ValidationTest, DescriptionKeepsNewlinesButRefusesOtherControlCharacters) {
  v1::Ticket t = ValidTicket();
  t.set_description("line one\nline two\ttabbed");
  EXPECT_THAT(CheckNewTicket(t), IsOk());
  t.set_description(std::string("bell\a"));
  ExpectInvalid(t, "ticket.description");
}

TEST(ValidationTest, C1ControlsAndBidiOverridesAreRefusedInEveryTextField) {
  // U+0085 (NEL), U+009B (CSI), U+202E (RIGHT-TO-LEFT OVERRIDE), U+2066 (LEFT-TO-RIGHT ISOLATE).
  for (const char* bad : {"\xC2\x85", "\xC2\x9B", "\xE2\x80\xAE", "\xE2\x81\xA6"}) {
    const std::string text = std::string("invoice ") + bad + "fdp.exe";
    EXPECT_THAT(CheckText("comment.body", text, 100, true),
                StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("comment.body: must not contain U+")));
    EXPECT_THAT(CheckLine("ticket.summary", text, 100, true),
                StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("ticket.summary:")));
  }
  // Their neighbours are ordinary text: U+00A0 (no-break space), U+00E9, U+2014 (em dash),
  // U+200F (the right-to-left mark, which reorders nothing on its own), and Chinese.
  EXPECT_THAT(CheckText("comment.body", "caf\xC3\xA9\xC2\xA0\xE2\x80\x94\xE2\x80\x8F 打印机卡纸", 100, true),
              IsOk());
}

TEST(ValidationTest, UpdateMaskPathsAreCheckedOneByOne) {
  v1::Ticket t = ValidTicket();
  EXPECT_THAT(CheckUpdatableField(t, "summary"), IsOk());
  EXPECT_THAT(CheckUpdatableField(t, "contact"), IsOk());
  EXPECT_THAT(CheckUpdatableField(t, "status"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("TransitionTicket")));
  EXPECT_THAT(CheckUpdatableField(t, "assignee"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("AssignTicket")));
  EXPECT_THAT(CheckUpdatableField(t, "account_id"),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("update_mask:")));
  EXPECT_THAT(CheckUpdatableField(t, "priority"),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("ticket.priority:")));
}

TEST(ValidationTest, RequestIdsAndTicketIdsHaveOneForm) {
  EXPECT_THAT(CheckRequestId("request_id", "3f2b7c1e-8a4d-4c1b-9e2f-0a1b2c3d4e5f"), IsOk());
  EXPECT_THAT(CheckRequestId("request_id", ""), StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("request_id:")));
  EXPECT_THAT(CheckRequestId("request_id", std::string(65, 'a')), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("64")));
  EXPECT_THAT(CheckTicketId("id", "T-42"), IsOk());
  for (const char* bad : {"42", "T-", "T-042", "T-0", "T-4x", "t-42", "T-99999999999999999999"}) {
    EXPECT_THAT(CheckTicketId("id", bad), StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("id:"))) << bad;
  }
}

}  // namespace
}  // namespace ticketing::domain
