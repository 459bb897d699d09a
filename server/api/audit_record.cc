#include "server/api/audit_record.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "proto/base/proto_time.h"

namespace ticketing::api {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

constexpr const char* kTargetFields[] = {"id",         "ticket_id", "account_id", "sequence",
                                         "technician", "user",      "name"};

// The value of singular scalar field `name` of `message` as text; empty when it has no such
// field or it is not set.
std::string FieldText(const Message& message, const char* name) {
  const FieldDescriptor* field = message.GetDescriptor()->FindFieldByName(name);
  if (field == nullptr || field->is_repeated()) return "";
  const auto* reflection = message.GetReflection();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return reflection->GetString(message, field);
    case FieldDescriptor::CPPTYPE_INT64: {
      const int64_t value = reflection->GetInt64(message, field);
      return value == 0 ? "" : absl::StrCat(value);
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      const int32_t value = reflection->GetInt32(message, field);
      return value == 0 ? "" : absl::StrCat(value);
    }
    default:
      return "";
  }
}

}  // namespace

std::string AuditTarget(const Message& request) {
  for (const char* name : kTargetFields) {
    if (std::string text = FieldText(request, name); !text.empty()) return text;
  }
  const auto* descriptor = request.GetDescriptor();
  const auto* reflection = request.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_repeated() ||
        !reflection->HasField(request, field)) {
      continue;
    }
    return FieldText(reflection->GetMessage(request, field), "id");
  }
  return "";
}

v1::AuditRecord MakeAuditRecord(bool admin_action, const CallInfo& call,
                                const domain::Principal* who, const Message* request,
                                const absl::Status& status, absl::Time time) {
  v1::AuditRecord record;
  ToTimestamp(time, record.mutable_time());
  record.set_kind(admin_action ? v1::AuditRecord::KIND_ADMIN_ACTION : v1::AuditRecord::KIND_DENIAL);
  record.set_actor(who != nullptr ? who->name : "anonymous");
  if (who != nullptr) record.set_role(domain::RoleName(who->role));
  record.set_method(call.method);
  if (request != nullptr) record.set_target(AuditTarget(*request));
  record.set_peer(call.peer);
  record.set_code(absl::StatusCodeToString(status.code()));
  record.set_message(std::string(status.message()));
  return record;
}

}  // namespace ticketing::api
