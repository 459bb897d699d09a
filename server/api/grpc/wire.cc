#include "server/api/grpc/wire.h"

#include "google/protobuf/duration.pb.h"
#include "proto/base/proto_time.h"
#include "ticketing/v1/ticket_service.pb.h"

namespace ticketing::api {

std::string EncodeTicketPage(const domain::TicketPage& page) {
  // The stored tickets are the response's bytes: nothing is parsed or serialized again.
  std::string response;
  size_t size = FieldSize(page.next_page_token.size());
  for (const std::string& ticket : page.tickets) size += FieldSize(ticket.size());
  response.reserve(size);
  for (const std::string& ticket : page.tickets) {
    AppendField(v1::ListTicketsResponse::kTicketsFieldNumber, ticket, &response);
  }
  if (!page.next_page_token.empty()) {
    AppendField(v1::ListTicketsResponse::kNextPageTokenFieldNumber, page.next_page_token,
                &response);
  }
  return response;
}

std::string EncodeWorkPage(const domain::WorkPage& page) {
  std::string response;
  size_t size = FieldSize(page.next_page_token.size());
  for (const domain::WorkPage::Item& item : page.items) {
    // 16: about a time left's Duration field. Only a reserve: a larger item just reallocates.
    size += FieldSize(FieldSize(item.ticket.size()) + 16);
  }
  response.reserve(size);
  std::string item_bytes;
  google::protobuf::Duration left;
  for (const domain::WorkPage::Item& item : page.items) {
    item_bytes.clear();
    AppendField(v1::WorkItem::kTicketFieldNumber, item.ticket, &item_bytes);
    if (item.business_time_left) {
      // The Duration is small; serializing it is cheap, unlike the tickets around it.
      ToDurationProto(*item.business_time_left, &left);
      AppendField(v1::WorkItem::kBusinessTimeLeftFieldNumber, left.SerializeAsString(),
                  &item_bytes);
    }
    AppendField(v1::ListWorkQueueResponse::kItemsFieldNumber, item_bytes, &response);
  }
  if (!page.next_page_token.empty()) {
    AppendField(v1::ListWorkQueueResponse::kNextPageTokenFieldNumber, page.next_page_token,
                &response);
  }
  return response;
}

}  // namespace ticketing::api
