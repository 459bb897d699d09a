#include "server/domain/sla/sla_config_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "proto/base/status_macros.h"
#include "server/common/log.h"
#include "server/domain/base/authz.h"
#include "server/domain/base/page_token.h"
#include "server/domain/base/ticket_events.h"
#include "server/domain/base/validation.h"

namespace ticketing::domain {
namespace {

absl::StatusOr<v1::SlaConfig> ReadVersion(storage::SettingStore& store, int64_t version) {
  TKT_ASSIGN_OR_RETURN(std::optional<v1::SlaConfig> config, store.GetSlaConfigVersion(version));
  if (!config) {
    return absl::DataLossError(absl::StrCat("stored SLA configuration version ", version, " is missing"));
  }
  return *std::move(config);
}

}  // namespace

absl::StatusOr<SlaConfigService::Compiled> SlaConfigService::Compile(
    const v1::SlaConfig& config, const std::vector<SlaConfigPart*>& parts,
    absl::CivilDay first, absl::CivilDay last) {
  TKT_ASSIGN_OR_RETURN(std::unique_ptr<SlaPolicySet> set,
                       SlaPolicySet::Create(config.calendars(), config.sla_policies(), first, last));
  // Every part compiles against this one set, so a version's escalation levels see its own
  // calendars. Nothing is put in force here: a part that fails leaves all as they were.
  Compiled compiled;
  compiled.policies = std::move(set);
  for (SlaConfigPart* part : parts) {
    TKT_ASSIGN_OR_RETURN(std::function<void()> install, part->Compile(config, compiled.policies));
    compiled.install_parts.push_back(std::move(install));
  }
  return compiled;
}

SlaConfigService::SlaConfigService(storage::SettingStore& store, const Clock& clock,
                                   std::vector<SlaConfigPart*> parts,
                                   v1::SlaConfig current, Compiled compiled, absl::CivilDay first,
                                   absl::CivilDay last)
    : store_(store),
      clock_(clock),
      parts_(std::move(parts)),
      first_(first),
      last_(last),
      clocks_(std::move(compiled.policies)),
      current_(std::move(current)) {
  for (const std::function<void()>& install : compiled.install_parts) install();
}

absl::StatusOr<std::unique_ptr<SlaConfigService>> SlaConfigService::Load(
    storage::SettingStore& store, const Clock& clock, v1::SlaConfig from_file,
    std::vector<SlaConfigPart*> parts, absl::CivilDay first, absl::CivilDay last) {
  TKT_ASSIGN_OR_RETURN(std::optional<v1::SlaConfig> stored, store.GetSlaConfig());
  v1::SlaConfig current = std::move(from_file);
  if (stored) {
    current = *stored;
  } else {
    // Version 0 is the file's set, whatever the file says: stored versions start at 1.
    current.set_version(0);
  }
  TKT_ASSIGN_OR_RETURN(Compiled compiled, Compile(current, parts, first, last));
  if (absl::Status usable = compiled.policies->CheckWorkingTime(clock.Now()); !usable.ok()) {
    // The file's set is refused like any invalid config; a stored set is kept so that the
    // server starts and an administrator can replace it (what matches its policies fails).
    if (!stored) return usable;
    LogError("the SLA set in force cannot give some tickets their due times",
             {{"status", usable.ToString()}});
  }
  return std::unique_ptr<SlaConfigService>(new SlaConfigService(
      store, clock, std::move(parts), std::move(current), std::move(compiled), first, last));
}

absl::StatusOr<v1::SlaConfig> SlaConfigService::Get(const Principal& actor) const {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kRead, nullptr));
  absl::MutexLock lock(&mu_);
  return current_;
}

absl::StatusOr<v1::SlaConfig> SlaConfigService::Replace(
    const Principal& actor, const v1::ReplaceSlaConfigRequest& request) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kReplaceSlaConfig, nullptr));
  TKT_RETURN_IF_ERROR(CheckLine("reason", request.reason(), kMaxReasonChars, true));
  v1::SlaConfig next;
  *next.mutable_calendars() = request.calendars();
  *next.mutable_sla_policies() = request.sla_policies();
  *next.mutable_escalation_levels() = request.escalation_levels();
  *next.mutable_escalation_rules() = request.escalation_rules();
  // Compiled before taking mu_, so Get does not wait for it (about 20 ms per calendar). A
  // stale request is refused below all the same.
  TKT_ASSIGN_OR_RETURN(Compiled compiled, Compile(next, parts_, first_, last_));
  // A set that would stop ticket intake is refused before anything changes.
  TKT_RETURN_IF_ERROR(compiled.policies->CheckWorkingTime(clock_.Now()));
  // Check, store and install under one lock: two administrators never both replace the
  // same version, and versions are stored in order.
  absl::MutexLock lock(&mu_);
  if (request.expected_version() != current_.version()) {
    return absl::AbortedError(absl::StrCat("expected_version: the SLA configuration is at version ",
                                           current_.version(), ", not ", request.expected_version(),
                                           "; read it again"));
  }
  next.set_version(current_.version() + 1);
  next.set_updated_by(actor.name);
  next.set_reason(request.reason());
  ToTimestamp(clock_.Now(), next.mutable_update_time());
  // Stored before it is put in force: if the write fails nothing changes, so the set in
  // force is always one the audit trail lists (and the one a restart loads).
  TKT_RETURN_IF_ERROR(store_.PutSlaConfig(next));
  clocks_.Replace(std::move(compiled.policies));
  for (const std::function<void()>& install : compiled.install_parts) install();
  current_ = next;
  return next;
}

absl::StatusOr<v1::ListSlaConfigVersionsResponse> SlaConfigService::ListVersions(
    const Principal& actor, const v1::ListSlaConfigVersionsRequest& request) const {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kRead, nullptr));
  if (request.page_size() < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  const int page_size = request.page_size() == 0 ? 20 : std::min(request.page_size(), 100);
  int64_t version;
  {
    absl::MutexLock lock(&mu_);
    version = current_.version();
  }
  // The listing has no filters: the fingerprint of an empty request only tells this
  // listing's tokens from other listings'. The cursor is the next version to read, downward.
  const uint64_t fingerprint = Fingerprint(v1::ListSlaConfigVersionsRequest());
  if (!request.page_token().empty()) {
    TKT_ASSIGN_OR_RETURN(auto cursor, DecodePageToken(request.page_token(), fingerprint));
    version = static_cast<int64_t>(cursor.first);
  }
  v1::ListSlaConfigVersionsResponse response;
  for (; version >= 1 && response.versions_size() < page_size; --version) {
    TKT_ASSIGN_OR_RETURN(*response.add_versions(),
                         ReadVersion(store_, version));
  }
  if (version >= 1) response.set_next_page_token(EncodePageToken(version, 0, fingerprint));
  return response;
}

}  // namespace ticketing::domain
