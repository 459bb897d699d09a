#ifndef TICKETING_SERVER_CONFIG_SERVER_CONFIG_H_
#define TICKETING_SERVER_CONFIG_SERVER_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"
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

// Checks a config after defaults: users have valid unique names, a role, and unique tokens
// of at least 16 characters; limits are positive. INVALID_ARGUMENT naming the field.
absl::Status ValidateServerConfig(const v1::ServerConfig& config);

// The account settings of a config (docs/accounts.md), validated: INVALID_ARGUMENT naming
// the field.
struct AccountSettings {
  domain::ClassificationRules classification;
  domain::PriorityRules priority;
  absl::Duration key_account_margin = absl::Hours(1);
};
absl::StatusOr<AccountSettings> AccountSettingsOf(const v1::ServerConfig& config);

}  // namespace ticketing::config

#endif  // TICKETING_SERVER_CONFIG_SERVER_CONFIG_H_
