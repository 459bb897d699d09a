#ifndef TICKETING_SERVER_CONFIG_SERVER_CONFIG_H_
#define TICKETING_SERVER_CONFIG_SERVER_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/domain/accounts/classification.h"
#include "server/domain/tickets/priority.h"
#include "ticketing/v1/config.pb.h"

namespace ticketing::config {

inline constexpr char kDefaultListenAddress[] = "127.0.0.1:50051";
inline constexpr char kDefaultDataDir[] = "./data";
inline constexpr int kDefaultMaxRequestBytes = 1 << 20;
inline constexpr int kDefaultShutdownGraceSeconds = 10;

// Parses a ServerConfig in protobuf text format. INVALID_ARGUMENT with the parser's line and
// column on a syntax error; NOT_FOUND when the file cannot be read.
absl::StatusOr<v1::ServerConfig> ParseServerConfig(const std::string& text,
                                                   const std::string& source_name);
absl::StatusOr<v1::ServerConfig> LoadServerConfig(const std::string& path);

// Fills unset fields with their documented defaults.
void ApplyDefaults(v1::ServerConfig& config);

// Checks a config after defaults: users have valid unique names, a role, and one token each
// (token of at least 16 characters or token_sha256), unique and not one of the published
// sample tokens (unless unsafe_development_mode); limits are positive. INVALID_ARGUMENT
// naming the field.
absl::Status ValidateServerConfig(const v1::ServerConfig& config);

// Replaces every user's plaintext `token` by its `token_sha256`, so that the server keeps no
// token in memory after start. For a validated config.
void HashTokens(v1::ServerConfig& config);

// The tokens published in this repository (deploy/config.example.textproto, README): anyone
// can read them, so a server refuses them unless in development mode.
inline constexpr const char* kPublishedSampleTokens[] = {
    "agent-alice-0123456789abcdef", "tech-tom-0123456789abcdef",
    "supervisor-sue-0123456789abcdef", "admin-root-0123456789abcdef"};

// FAILED_PRECONDITION when other users of this machine may read the file at `path` (it
// holds the users' tokens or their hashes).
absl::Status CheckFileIsPrivate(const std::string& path);

// The account settings of a config (docs/accounts.md), validated: INVALID_ARGUMENT naming
// the field.
struct AccountSettings {
  domain::ClassificationRules classification;
  domain::PriorityRules priority;
  absl::Duration key_account_margin = absl::Hours(1);
};
absl::StatusOr<AccountSettings> AccountSettingsOf(const v1::ServerConfig& config);

// The transport limits of a config (TransportLimits in config.proto), defaults applied and
// validated: INVALID_ARGUMENT naming the field.
struct TransportSettings {
  int max_threads = 128;
  int max_streams_per_connection = 100;
  int max_response_bytes = 32 << 20;
  int max_metadata_bytes = 16 << 10;
  int64_t max_memory_bytes = int64_t{1} << 30;
  absl::Duration max_connection_idle = absl::Minutes(5);
  absl::Duration max_connection_age = absl::Hours(2);
  absl::Duration max_connection_age_grace = absl::Minutes(5);
  absl::Duration keepalive_time = absl::Minutes(1);
  absl::Duration keepalive_timeout = absl::Seconds(20);
  absl::Duration handshake_timeout = absl::Seconds(10);
  int max_alert_watches = 64;
  int max_alert_watches_per_user = 4;
  int alert_watches_reserved_for_supervisors = 16;
  int max_heavy_calls = 2;
};
absl::StatusOr<TransportSettings> TransportSettingsOf(const v1::ServerConfig& config);

// True when `listen_address` can be reached from this machine only: 127.0.0.0/8, ::1,
// "localhost", or a unix socket. A plaintext server anywhere else is refused unless the
// config says unsafe_allow_plaintext_on_network.
bool IsLoopbackAddress(absl::string_view listen_address);

}  // namespace ticketing::config

#endif  // TICKETING_SERVER_CONFIG_SERVER_CONFIG_H_
