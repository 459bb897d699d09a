#include "server/domain/base/page_token.h"

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "storage/keys.h"

namespace ticketing::domain {
namespace {

// The first byte tells the two kinds of token apart (and a later format from both), so a
// decoder refuses a token of another kind instead of misreading it.
constexpr char kTokenVersion = 1;
// The version byte, the two cursor values and the fingerprint.
constexpr size_t kTokenBytes = 1 + 3 * 8;
constexpr char kBytesTokenVersion = 2;

absl::Status Malformed() {
  return absl::InvalidArgumentError(
      "page_token: malformed; pass back next_page_token exactly as received");
}

absl::Status OtherFilters() {
  return absl::InvalidArgumentError(
      "page_token: was issued for a request with other filters; keep the filters unchanged "
      "while paging");
}

}  // namespace

uint64_t Fingerprint(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    // Deterministic: the same message must always give the same bytes (map order), or a
    // token would not match its own request.
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  // FNV-1a, 64-bit offset basis and prime: stable across processes and builds, and enough to
  // tell filter sets apart. It is not a MAC: a forged token can only move the cursor within
  // a listing the caller is already authorised to read.
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ull;
  return hash;
}

std::string EncodePageToken(uint64_t first, uint64_t second, uint64_t fingerprint) {
  std::string raw(1, kTokenVersion);
  storage::AppendBigEndian64(first, &raw);
  storage::AppendBigEndian64(second, &raw);
  storage::AppendBigEndian64(fingerprint, &raw);
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::pair<uint64_t, uint64_t>> DecodePageToken(absl::string_view token,
                                                              uint64_t fingerprint) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() != kTokenBytes ||
      raw[0] != kTokenVersion) {
    return Malformed();
  }
  // Layout: the version at 0, the two values at 1 and 9, the fingerprint at 17.
  if (storage::ReadBigEndian64(raw.data() + 17) != fingerprint) return OtherFilters();
  return std::make_pair(storage::ReadBigEndian64(raw.data() + 1),
                        storage::ReadBigEndian64(raw.data() + 9));
}

std::string EncodeBytesPageToken(absl::string_view cursor, uint64_t fingerprint) {
  std::string raw(1, kBytesTokenVersion);
  // The fingerprint before the cursor: the cursor's length varies, the fingerprint's not.
  storage::AppendBigEndian64(fingerprint, &raw);
  raw.append(cursor.data(), cursor.size());
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::string> DecodeBytesPageToken(absl::string_view token, uint64_t fingerprint) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() < 9 || raw[0] != kBytesTokenVersion) {
    return Malformed();
  }
  if (storage::ReadBigEndian64(raw.data() + 1) != fingerprint) return OtherFilters();
  return raw.substr(9);
}

}  // namespace ticketing::domain
