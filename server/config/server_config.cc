#include "server/config/server_config.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <optional>
#include <set>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "server/common/files.h"
#include "server/common/sha256.h"
#include "proto/base/status_macros.h"
#include "server/domain/base/validation.h"

namespace ticketing::config {
namespace {

// Collects the text parser's complaints instead of letting it print them.
class ErrorCollector final : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    // The first error only (later ones usually follow from it); the parser counts from 0.
    if (first_.empty()) first_ = absl::StrCat("line ", line + 1, ", column ", column + 1, ": ", message);
  }
  const std::string& first() const { return first_; }

 private:
  std::string first_;
};

absl::Status CheckRateLimit(const std::string& field, const v1::RateLimit& limit) {
  if (!(limit.requests_per_second() > 0) || limit.requests_per_second() > 1e9) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".requests_per_second: must be above 0 (at most 1e9)"));
  }
  if (limit.burst() < 1 || limit.burst() > 1000000000) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".burst: must be 1-1000000000"));
  }
  return absl::OkStatus();
}

absl::Status CheckRateLimits(const v1::ServerConfig& config) {
  std::set<int> roles;
  for (int i = 0; i < config.rate_limits_size(); ++i) {
    const v1::RoleRateLimit& r = config.rate_limits(i);
    const std::string field = absl::StrCat("rate_limits[", i, "]");
    if (r.role() == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(r.role())) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".role: must be set"));
    }
    if (!roles.insert(r.role()).second) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".role: a second limit for ",
                                                     v1::Role_Name(r.role())));
    }
    TKT_RETURN_IF_ERROR(CheckRateLimit(field + ".limit", r.limit()));
  }
  for (int i = 0; i < config.users_size(); ++i) {
    if (!config.users(i).has_rate_limit()) continue;
    TKT_RETURN_IF_ERROR(
        CheckRateLimit(absl::StrCat("users[", i, "].rate_limit"), config.users(i).rate_limit()));
  }
  return absl::OkStatus();
}

absl::Status CheckUser(const v1::User& user, int i, bool development,
                       std::set<std::string>& names, std::set<std::string>& token_hashes) {
  const std::string field = absl::StrCat("users[", i, "]");
  TKT_RETURN_IF_ERROR(domain::CheckIdentifier(field + ".name", user.name(), true));
  if (user.name() == "system") {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".name: 'system' is reserved for the server's own changes"));
  }
  if (user.role() == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(user.role())) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".role: must be set"));
  }
  if (user.token().empty() == user.token_sha256().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".token: set exactly one of token and token_sha256"));
  }
  std::string hash;
  if (!user.token().empty()) {
    if (user.token().size() < 16) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".token: must be at least 16 characters"));
    }
    hash = Sha256(user.token());
  } else {
    std::optional<std::string> bytes = Sha256FromHex(user.token_sha256());
    if (!bytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".token_sha256: must be 64 hex digits, the SHA-256 of the token "
                 "(printf %s \"$TOKEN\" | sha256sum)"));
    }
    hash = *std::move(bytes);
  }
  if (!development) {
    for (const char* published : kPublishedSampleTokens) {
      if (hash == Sha256(published)) {
        return absl::InvalidArgumentError(absl::StrCat(
            field, ".token: is a sample token published in this repository, which anyone can "
                   "use. Give ", user.name(), " a token of your own (bash deploy/quickstart.sh "
                   "generates them), or start with --unsafe_development_mode"));
      }
    }
  }
  if (!names.insert(user.name()).second) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".name: duplicate user ", user.name()));
  }
  // A token is the user's identity (Admission maps each token to one user): two users with one
  // token could not be told apart.
  if (!token_hashes.insert(hash).second) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".token: same token as another user"));
  }
  return absl::OkStatus();
}

// A count from the config into `out`, 1-`max`; `out` unchanged (its default) when left 0.
template <typename T>
absl::Status CountOrDefault(absl::string_view field, int64_t value, int64_t max, T& out) {
  if (value == 0) return absl::OkStatus();
  if (value < 0 || value > max) {
    return absl::InvalidArgumentError(absl::StrCat("limits.", field, ": must be 1-", max,
                                                   " (0 for the default ", out, ")"));
  }
  out = static_cast<T>(value);
  return absl::OkStatus();
}

// A positive duration from the config ("90s", "5m"), or `out` unchanged when empty.
absl::Status DurationOrDefault(absl::string_view field, const std::string& text,
                               absl::Duration& out) {
  if (text.empty()) return absl::OkStatus();
  absl::Duration parsed;
  if (!absl::ParseDuration(text, &parsed) || parsed <= absl::ZeroDuration() ||
      parsed > absl::Hours(24 * 365)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "limits.", field, ": must be a positive duration like 90s, 5m or 2h, at most a year"));
  }
  out = parsed;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::ServerConfig> ParseServerConfig(const std::string& text,
                                                   const std::string& source_name) {
  v1::ServerConfig config;
  ErrorCollector errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, &config)) {
    return absl::InvalidArgumentError(absl::StrCat(source_name, ": ", errors.first()));
  }
  return config;
}

absl::StatusOr<v1::ServerConfig> LoadServerConfig(const std::string& path) {
  TKT_ASSIGN_OR_RETURN(const std::string text, ReadFileToString(path));
  return ParseServerConfig(text, path);
}

// proto3 scalars have no presence: 0 or empty means "not set" and takes the default.
void ApplyDefaults(v1::ServerConfig& config) {
  if (config.listen_address().empty()) config.set_listen_address(kDefaultListenAddress);
  if (config.data_dir().empty()) config.set_data_dir(kDefaultDataDir);
  if (config.max_request_bytes() == 0) config.set_max_request_bytes(kDefaultMaxRequestBytes);
  if (config.shutdown_grace_seconds() == 0) {
    config.set_shutdown_grace_seconds(kDefaultShutdownGraceSeconds);
  }
  if (config.audit_retention() == 0) config.set_audit_retention(1000000);
}

absl::Status ValidateServerConfig(const v1::ServerConfig& config) {
  std::set<std::string> names, token_hashes;
  for (int i = 0; i < config.users_size(); ++i) {
    TKT_RETURN_IF_ERROR(
        CheckUser(config.users(i), i, config.unsafe_development_mode(), names, token_hashes));
  }
  if (config.max_request_bytes() < 0) {
    return absl::InvalidArgumentError("max_request_bytes: must not be negative");
  }
  if (config.shutdown_grace_seconds() < 0) {
    return absl::InvalidArgumentError("shutdown_grace_seconds: must not be negative");
  }
  TKT_RETURN_IF_ERROR(CheckRateLimits(config));
  if (config.audit_retention() < 0) {
    return absl::InvalidArgumentError("audit_retention: must not be negative (0 for 1,000,000)");
  }
  if (config.has_tls() && (config.tls().cert_file().empty() || config.tls().key_file().empty())) {
    return absl::InvalidArgumentError("tls: cert_file and key_file are both required");
  }
  if (config.tls().reload_seconds() < 0 || config.tls().reload_seconds() > 86400) {
    return absl::InvalidArgumentError("tls.reload_seconds: must be 1-86400 (0 for 60)");
  }
  if (config.dissatisfied_below() < 0 || config.dissatisfied_below() > 6) {
    return absl::InvalidArgumentError("dissatisfied_below: must be 1-6 (0 for the default 3)");
  }
  if (absl::Duration within; !config.verify_within().empty() &&
      (!absl::ParseDuration(config.verify_within(), &within) || within <= absl::ZeroDuration())) {
    return absl::InvalidArgumentError("verify_within: must be a positive duration like 48h");
  }
  // Empty is the default, loopback (ApplyDefaults).
  if (!config.has_tls() && !config.unsafe_allow_plaintext_on_network() &&
      !config.listen_address().empty() && !IsLoopbackAddress(config.listen_address())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "listen_address: ", config.listen_address(),
        " is reachable from other machines and no tls is configured: bearer tokens would cross "
        "the network in plaintext. Configure tls, listen on 127.0.0.1, or set "
        "unsafe_allow_plaintext_on_network: true (docs/security.md)"));
  }
  TKT_RETURN_IF_ERROR(TransportSettingsOf(config).status());
  return AccountSettingsOf(config).status();
}

void HashTokens(v1::ServerConfig& config) {
  for (v1::User& user : *config.mutable_users()) {
    if (user.token().empty()) continue;
    user.set_token_sha256(Sha256Hex(user.token()));
    // Overwritten before it is freed: the plaintext should not linger in the heap either.
    std::fill(user.mutable_token()->begin(), user.mutable_token()->end(), '\0');
    user.clear_token();
  }
}

absl::Status CheckFileIsPrivate(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot read: ", std::strerror(errno)));
  }
  if ((st.st_mode & S_IROTH) != 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s is readable by every user of this machine (mode %04o) and holds the users' tokens: "
        "chmod o-rwx %s (600, or 640 for a group the server runs in)",
        path, st.st_mode & 07777, path));
  }
  return absl::OkStatus();
}

absl::StatusOr<TransportSettings> TransportSettingsOf(const v1::ServerConfig& config) {
  const v1::TransportLimits& l = config.limits();
  TransportSettings s;
  // Counts: 0 keeps the default; each has a ceiling that only a typo would pass.
  TKT_RETURN_IF_ERROR(CountOrDefault("max_threads", l.max_threads(), 10000, s.max_threads));
  TKT_RETURN_IF_ERROR(CountOrDefault("max_streams_per_connection",
                                     l.max_streams_per_connection(), 100000,
                                     s.max_streams_per_connection));
  TKT_RETURN_IF_ERROR(CountOrDefault("max_response_bytes", l.max_response_bytes(),
                                     std::numeric_limits<int32_t>::max(), s.max_response_bytes));
  TKT_RETURN_IF_ERROR(
      CountOrDefault("max_metadata_bytes", l.max_metadata_bytes(), 1 << 20, s.max_metadata_bytes));
  TKT_RETURN_IF_ERROR(CountOrDefault("max_memory_bytes", l.max_memory_bytes(),
                                     std::numeric_limits<int64_t>::max(), s.max_memory_bytes));
  TKT_RETURN_IF_ERROR(
      CountOrDefault("max_alert_watches", l.max_alert_watches(), 10000, s.max_alert_watches));
  TKT_RETURN_IF_ERROR(CountOrDefault("max_alert_watches_per_user",
                                     l.max_alert_watches_per_user(), 10000,
                                     s.max_alert_watches_per_user));
  TKT_RETURN_IF_ERROR(
      CountOrDefault("max_heavy_calls", l.max_heavy_calls(), 1000, s.max_heavy_calls));
  TKT_RETURN_IF_ERROR(CountOrDefault("alert_watches_reserved_for_supervisors",
                                     l.alert_watches_reserved_for_supervisors(), 10000,
                                     s.alert_watches_reserved_for_supervisors));
  // Durations: empty keeps the default.
  TKT_RETURN_IF_ERROR(
      DurationOrDefault("max_connection_idle", l.max_connection_idle(), s.max_connection_idle));
  TKT_RETURN_IF_ERROR(
      DurationOrDefault("max_connection_age", l.max_connection_age(), s.max_connection_age));
  TKT_RETURN_IF_ERROR(DurationOrDefault("max_connection_age_grace", l.max_connection_age_grace(),
                                        s.max_connection_age_grace));
  TKT_RETURN_IF_ERROR(DurationOrDefault("keepalive_time", l.keepalive_time(), s.keepalive_time));
  TKT_RETURN_IF_ERROR(
      DurationOrDefault("keepalive_timeout", l.keepalive_timeout(), s.keepalive_timeout));
  TKT_RETURN_IF_ERROR(
      DurationOrDefault("handshake_timeout", l.handshake_timeout(), s.handshake_timeout));
  if (s.alert_watches_reserved_for_supervisors >= s.max_alert_watches) {
    return absl::InvalidArgumentError(
        "limits.alert_watches_reserved_for_supervisors: must be less than max_alert_watches");
  }
  // Each watch holds a thread of the sync API, which has a few of its own besides.
  if (s.max_alert_watches + 4 > s.max_threads) {
    return absl::InvalidArgumentError(
        "limits.max_threads: must exceed max_alert_watches by at least 4 (each watch holds a "
        "thread)");
  }
  return s;
}

bool IsLoopbackAddress(absl::string_view address) {
  if (absl::StartsWith(address, "unix:") || absl::StartsWith(address, "unix-abstract:")) {
    return true;
  }
  // host:port, where an IPv6 host is in brackets: "[::1]:50051".
  absl::string_view host = address;
  if (absl::StartsWith(host, "[")) {
    const size_t close = host.find(']');
    if (close == absl::string_view::npos) return false;
    host = host.substr(1, close - 1);
  } else if (const size_t colon = host.rfind(':'); colon != absl::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (host == "localhost" || host == "::1") return true;
  // 127.0.0.0/8: four dotted decimal parts, the first 127.
  std::vector<absl::string_view> parts = absl::StrSplit(host, '.');
  if (parts.size() != 4 || parts[0] != "127") return false;
  for (absl::string_view part : parts) {
    int octet = 0;
    if (part.empty() || part.size() > 3 || !absl::SimpleAtoi(part, &octet) || octet > 255) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<AccountSettings> AccountSettingsOf(const v1::ServerConfig& config) {
  AccountSettings settings;
  const v1::ClassificationConfig& c = config.classification();
  settings.classification.key_share_percent = c.key_share_percent() == 0 ? 80 : c.key_share_percent();
  settings.classification.potential_growth_percent = c.potential_growth_percent();
  settings.classification.potential_min_sales = c.potential_min_sales();
  TKT_RETURN_IF_ERROR(domain::CheckClassificationRules(settings.classification));
  TKT_ASSIGN_OR_RETURN(settings.priority, domain::PriorityRules::Create(config.priority()));
  if (!config.key_account_margin().empty() &&
      (!absl::ParseDuration(config.key_account_margin(), &settings.key_account_margin) ||
       settings.key_account_margin < absl::ZeroDuration())) {
    return absl::InvalidArgumentError(
        "key_account_margin: must be a duration like 2h or 30m (0s turns it off)");
  }
  return settings;
}

}  // namespace ticketing::config
