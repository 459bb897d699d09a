// Fuzzes page tokens, which every listing takes from the client: any string is either
// refused with INVALID_ARGUMENT naming page_token or decodes; a token made from values
// decodes to exactly those values, and only with the fingerprint it was made for.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "server/domain/base/page_token.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ticketing::domain;
  FuzzedDataProvider input(data, size);
  const uint64_t first = input.ConsumeIntegral<uint64_t>();
  const uint64_t second = input.ConsumeIntegral<uint64_t>();
  const uint64_t fingerprint = input.ConsumeIntegral<uint64_t>();
  const std::string cursor = input.ConsumeRandomLengthString(512);
  const std::string token = input.ConsumeRemainingBytesAsString();

  // Whatever a client sends.
  const auto pair = DecodePageToken(token, fingerprint);
  Check(pair.ok() || absl::StrContains(pair.status().message(), "page_token"));
  const auto bytes = DecodeBytesPageToken(token, fingerprint);
  Check(bytes.ok() || absl::StrContains(bytes.status().message(), "page_token"));

  // What the server hands out.
  const std::string made = EncodePageToken(first, second, fingerprint);
  const auto decoded = DecodePageToken(made, fingerprint);
  Check(decoded.ok() && decoded->first == first && decoded->second == second);
  Check(!DecodePageToken(made, fingerprint ^ 1).ok());
  const std::string made_bytes = EncodeBytesPageToken(cursor, fingerprint);
  const auto decoded_bytes = DecodeBytesPageToken(made_bytes, fingerprint);
  Check(decoded_bytes.ok() && *decoded_bytes == cursor);
  Check(!DecodeBytesPageToken(made_bytes, fingerprint + 1).ok());
  return 0;
}
