#ifndef TICKETING_SERVER_COMMON_SHA256_H_
#define TICKETING_SERVER_COMMON_SHA256_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace ticketing {

// SHA-256 of `data` (OpenSSL's libcrypto): the 32 raw bytes.
std::string Sha256(absl::string_view data);
// The same as 64 lowercase hex digits, as `sha256sum` prints it.
std::string Sha256Hex(absl::string_view data);
// 64 hex digits (either case) back to the 32 bytes; nullopt when `hex` is not that.
std::optional<std::string> Sha256FromHex(absl::string_view hex);

// A new bearer token: "tkt_" and 32 bytes from OpenSSL's CSPRNG in base64url (43
// characters). 256 bits: what is stored of it, its SHA-256, cannot be turned back.
std::string NewRandomToken();

}  // namespace ticketing

#endif  // TICKETING_SERVER_COMMON_SHA256_H_
