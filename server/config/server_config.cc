#include "server/config/server_config.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "server/common/files.h"
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

absl::Status CheckUser(const v1::User& user, int i, std::set<std::string>& names,
                       std::set<std::string>& tokens) {
  const std::string field = absl::StrCat("users[", i, "]");
  TKT_RETURN_IF_ERROR(domain::CheckIdentifier(field + ".name", user.name(), true));
  if (user.name() == "system") {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".name: 'system' is reserved for the server's own changes"));
  }
  if (user.role() == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(user.role())) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".role: must be set"));
  }
  if (user.token().size() < 16) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".token: must be at least 16 characters"));
  }
  if (!names.insert(user.name()).second) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".name: duplicate user ", user.name()));
  }
  // A token is the user's identity (Admission maps each token to one user): two users with one
  // token could not be told apart.
  if (!tokens.insert(user.token()).second) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".token: same token as another user"));
  }
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
}

absl::Status ValidateServerConfig(const v1::ServerConfig& config) {
  std::set<std::string> names, tokens;
  for (int i = 0; i < config.users_size(); ++i) {
    TKT_RETURN_IF_ERROR(CheckUser(config.users(i), i, names, tokens));
  }
  if (config.max_request_bytes() < 0) {
    return absl::InvalidArgumentError("max_request_bytes: must not be negative");
  }
  if (config.shutdown_grace_seconds() < 0) {
    return absl::InvalidArgumentError("shutdown_grace_seconds: must not be negative");
  }
  if (config.has_tls() && (config.tls().cert_file().empty() || config.tls().key_file().empty())) {
    return absl::InvalidArgumentError("tls: cert_file and key_file are both required");
  }
  if (config.dissatisfied_below() < 0 || config.dissatisfied_below() > 6) {
    return absl::InvalidArgumentError("dissatisfied_below: must be 1-6 (0 for the default 3)");
  }
  if (absl::Duration within; !config.verify_within().empty() &&
      (!absl::ParseDuration(config.verify_within(), &within) || within <= absl::ZeroDuration())) {
    return absl::InvalidArgumentError("verify_within: must be a positive duration like 48h");
  }
  return AccountSettingsOf(config).status();
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
