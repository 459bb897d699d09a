#ifndef TICKETING_SERVER_DOMAIN_WIRE_H_
#define TICKETING_SERVER_DOMAIN_WIRE_H_

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/wire_format_lite.h"

namespace ticketing::domain {

// Appends field `number` holding `bytes` (a string, or a message already serialized) to
// the serialized message in `out`, as protobuf encodes it. Lets listings answer with the
// tickets' stored bytes: a repeated message field is its elements' bytes, each tagged.
//
//   std::string response;                       // a ListTicketsResponse
//   for (const std::string& t : records) AppendField(1, t, &response);   // tickets
//   AppendField(2, token, &response);                                    // next_page_token
inline void AppendField(int number, absl::string_view bytes, std::string* out) {
  using google::protobuf::internal::WireFormatLite;
  google::protobuf::io::StringOutputStream stream(out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.WriteTag(WireFormatLite::MakeTag(number, WireFormatLite::WIRETYPE_LENGTH_DELIMITED));
  coded.WriteVarint32(static_cast<uint32_t>(bytes.size()));
  coded.WriteRaw(bytes.data(), static_cast<int>(bytes.size()));
}

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_WIRE_H_
