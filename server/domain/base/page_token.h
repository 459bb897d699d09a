#ifndef TICKETING_SERVER_DOMAIN_BASE_PAGE_TOKEN_H_
#define TICKETING_SERVER_DOMAIN_BASE_PAGE_TOKEN_H_

#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace ticketing::domain {

// Opaque page tokens: web-safe base64 of a version byte, two 64-bit cursor values and the
// fingerprint of the request's filters, so a token cannot be replayed with other filters.

// A stable 64-bit fingerprint (FNV-1a of the deterministic serialization) of `message`.
// Unlike absl::Hash it is the same in every process, so tokens survive restarts.
uint64_t Fingerprint(const google::protobuf::Message& message);

std::string EncodePageToken(uint64_t first, uint64_t second, uint64_t fingerprint);

// The two cursor values of `token`. INVALID_ARGUMENT naming "page_token" when the token is
// malformed or was issued for a request with a different fingerprint.
absl::StatusOr<std::pair<uint64_t, uint64_t>> DecodePageToken(absl::string_view token,
                                                              uint64_t fingerprint);

// The same for a cursor that is a byte string (an account id, an index key).
std::string EncodeBytesPageToken(absl::string_view cursor, uint64_t fingerprint);
absl::StatusOr<std::string> DecodeBytesPageToken(absl::string_view token, uint64_t fingerprint);

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_BASE_PAGE_TOKEN_H_
