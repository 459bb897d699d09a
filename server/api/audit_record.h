#ifndef TICKETING_SERVER_API_AUDIT_RECORD_H_
#define TICKETING_SERVER_API_AUDIT_RECORD_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "server/api/admission.h"
#include "server/domain/base/principal.h"
#include "ticketing/v1/admin_service.pb.h"

namespace ticketing::api {

// UNAUTHENTICATED or PERMISSION_DENIED: what the audit log records of every call.
inline bool IsDenial(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnauthenticated ||
         status.code() == absl::StatusCode::kPermissionDenied;
}

// What a request is about, for the audit log: the first of its top-level fields `id`,
// `ticket_id`, `account_id`, `sequence`, `technician`, `user`, `name` that is set, else the
// `id` of its first set message field (CreateAccountRequest.account.id); empty when none.
std::string AuditTarget(const google::protobuf::Message& request);

// The record of a call by `who` (null: no valid token, "anonymous") answered `status` at
// `time`: KIND_ADMIN_ACTION when `admin_action`, else KIND_DENIAL. `request` may be null.
v1::AuditRecord MakeAuditRecord(bool admin_action, const CallInfo& call,
                                const domain::Principal* who,
                                const google::protobuf::Message* request,
                                const absl::Status& status, absl::Time time);

}  // namespace ticketing::api

#endif  // TICKETING_SERVER_API_AUDIT_RECORD_H_
