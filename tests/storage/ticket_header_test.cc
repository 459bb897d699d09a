#include "ticketing/storage/ticket_header.pb.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ticketing/v1/ticket.pb.h"

namespace ticketing::storage {
namespace {

TEST(TicketHeaderTest, EveryFieldHasTheTicketsNumberNameAndType) {
  const google::protobuf::Descriptor* header = TicketHeader::descriptor();
  const google::protobuf::Descriptor* ticket = v1::Ticket::descriptor();
  for (int i = 0; i < header->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = header->field(i);
    const google::protobuf::FieldDescriptor* same = ticket->FindFieldByNumber(field->number());
    ASSERT_NE(same, nullptr) << field->name();
    EXPECT_EQ(same->name(), field->name());
    EXPECT_EQ(same->type(), field->type()) << field->name();
    EXPECT_EQ(same->is_repeated(), field->is_repeated()) << field->name();
    if (field->message_type() != nullptr) {
      EXPECT_EQ(same->message_type()->full_name(), field->message_type()->full_name());
    }
    if (field->enum_type() != nullptr) {
      EXPECT_EQ(same->enum_type()->full_name(), field->enum_type()->full_name());
    }
  }
}

TEST(TicketHeaderTest, AStoredTicketParsesIntoItsHeader) {
  v1::Ticket t;
  t.set_id("T-7");
  t.set_kind(v1::TICKET_KIND_COMPLAINT);
  t.set_account_id("ACME");
  t.set_priority(v1::PRIORITY_P1);
  t.set_status(v1::TICKET_STATUS_IN_PROGRESS);
  t.set_assignee("tom");
  t.set_queue("field-hz");
  t.mutable_create_time()->set_seconds(1700000000);
  t.set_sla_policy("key-accounts");
  t.mutable_next_due_time()->set_seconds(1700003600);
  t.add_sla_clocks()->mutable_due_time()->set_seconds(1700003600);  // skipped by the header
  t.set_description("a long description the header never reads");

  TicketHeader header;
  ASSERT_TRUE(header.ParseFromString(t.SerializeAsString()));
  EXPECT_EQ(header.kind(), t.kind());
  EXPECT_EQ(header.account_id(), "ACME");
  EXPECT_EQ(header.priority(), v1::PRIORITY_P1);
  EXPECT_EQ(header.status(), v1::TICKET_STATUS_IN_PROGRESS);
  EXPECT_EQ(header.assignee(), "tom");
  EXPECT_EQ(header.queue(), "field-hz");
  EXPECT_EQ(header.create_time().seconds(), 1700000000);
  EXPECT_EQ(header.sla_policy(), "key-accounts");
  EXPECT_EQ(header.next_due_time().seconds(), 1700003600);
}

}  // namespace
}  // namespace ticketing::storage
