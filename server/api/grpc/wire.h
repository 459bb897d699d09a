#ifndef TICKETING_SERVER_API_GRPC_WIRE_H_
#define TICKETING_SERVER_API_GRPC_WIRE_H_

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "server/domain/queues/work_queue_service.h"
#include "server/domain/tickets/ticket_queries.h"

namespace ticketing::api {

// Appends field `number` holding `bytes` (a string, or a message already serialized) to
// the serialized message in `out`, as protobuf encodes it. Lets listings answer with the
// tickets' stored bytes: a repeated message field is its elements' bytes, each tagged.
//
//   std::string response;                       // a ListTicketsResponse
//   for (const std::string& t : records) AppendField(1, t, &response);   // tickets
//   AppendField(2, token, &response);                                    // next_page_token
// A field's tag and length take at most 5 bytes each (varints of 32 bits).
inline constexpr size_t kFieldHeadBytes = 10;

inline void AppendField(int number, absl::string_view bytes, std::string* out) {
  using google::protobuf::io::CodedOutputStream;
  using google::protobuf::internal::WireFormatLite;
  uint8_t head[kFieldHeadBytes];
  uint8_t* end = CodedOutputStream::WriteTagToArray(
      WireFormatLite::MakeTag(number, WireFormatLite::WIRETYPE_LENGTH_DELIMITED), head);
  end = CodedOutputStream::WriteVarint32ToArray(static_cast<uint32_t>(bytes.size()), end);
  out->append(reinterpret_cast<const char*>(head), static_cast<size_t>(end - head));
  out->append(bytes.data(), bytes.size());
}

// The bytes AppendField adds for `payload_bytes` of payload: room to reserve up front.
inline size_t FieldSize(size_t payload_bytes) {
  return payload_bytes + kFieldHeadBytes;
}

// A ListTicketsResponse of the page's stored tickets, serialized without parsing them.
std::string EncodeTicketPage(const domain::TicketPage& page);
// A ListWorkQueueResponse of the page's stored tickets and their times left, likewise.
std::string EncodeWorkPage(const domain::WorkPage& page);

}  // namespace ticketing::api

#endif  // TICKETING_SERVER_API_GRPC_WIRE_H_
