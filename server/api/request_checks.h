#ifndef TICKETING_SERVER_API_REQUEST_CHECKS_H_
#define TICKETING_SERVER_API_REQUEST_CHECKS_H_

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace ticketing::api {

// The shape every request must have, whatever its type, checked by walking all of its set
// fields before its endpoint runs (each transport calls it on the decoded request):
//   - a google.protobuf.Timestamp is valid (nanos 0-999,999,999) and in the years this
//     server deals in, 2000 to 2099: nothing later fails to print it (RFC 3339 stops at
//     year 9999) nor overflows arithmetic on it;
//   - a google.protobuf.Duration is valid (seconds and nanos of one sign) and at most
//     3,660 days either way;
//   - a repeated field holds at most kMaxRepeatedItems items, unless it is one of the bulk
//     fields with a limit of their own (ImportAccountsRequest.accounts: 100,000;
//     BusinessCalendar.exceptions: 10,000).
// INVALID_ARGUMENT naming the field's path, e.g. "visit.arrive_time: year 12023 is out of
// range (2000-2099)". Field-specific rules (lengths, required fields, enums) stay with the
// domain's validation.
inline constexpr int kMaxRepeatedItems = 1000;
absl::Status CheckRequest(const google::protobuf::Message& request);

}  // namespace ticketing::api

#endif  // TICKETING_SERVER_API_REQUEST_CHECKS_H_
