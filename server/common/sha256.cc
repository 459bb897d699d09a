#include "server/common/sha256.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdlib>

#include "server/common/log.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"

namespace ticketing {

std::string Sha256(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

std::string Sha256Hex(absl::string_view data) { return absl::BytesToHexString(Sha256(data)); }

std::optional<std::string> Sha256FromHex(absl::string_view hex) {
  if (hex.size() != 2 * SHA256_DIGEST_LENGTH) return std::nullopt;
  for (char c : hex) {
    if (!absl::ascii_isxdigit(c)) return std::nullopt;
  }
  return absl::HexStringToBytes(hex);
}

std::string NewRandomToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    // Without randomness no token can be safe; there is nothing sensible to go on with.
    Log("error", "OpenSSL has no random bytes to make a token", {});
    std::abort();
  }
  return "tkt_" + absl::WebSafeBase64Escape(
                      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

}  // namespace ticketing
