#include "server/api/request_checks.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "proto/base/status_macros.h"

namespace ticketing::api {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z.
constexpr int64_t kFirstSecond = 946684800;
constexpr int64_t kEndSecond = 4102444800;
constexpr int64_t kMaxDurationSeconds = int64_t{3660} * 24 * 3600;

int MaxItems(const FieldDescriptor& field) {
  // The bulk fields: rows of an import (bounded by the request size, ~12,000 in 1 MiB) and
  // the dated exceptions of a calendar (public holidays and make-up days over many years).
  if (field.full_name() == "ticketing.v1.ImportAccountsRequest.accounts") return 100000;
  if (field.full_name() == "ticketing.v1.BusinessCalendar.exceptions") return 10000;
  return kMaxRepeatedItems;
}

absl::Status Invalid(const std::string& path, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", problem));
}

// Reads int64 field `name` and int32 field `nanos` of a Timestamp or Duration through
// reflection: the message may be a dynamic one, not the generated class.
void SecondsAndNanos(const Message& m, int64_t* seconds, int32_t* nanos) {
  const Descriptor* d = m.GetDescriptor();
  const Reflection* r = m.GetReflection();
  *seconds = r->GetInt64(m, d->FindFieldByName("seconds"));
  *nanos = r->GetInt32(m, d->FindFieldByName("nanos"));
}

absl::Status CheckTimestamp(const std::string& path, const Message& m) {
  int64_t seconds;
  int32_t nanos;
  SecondsAndNanos(m, &seconds, &nanos);
  if (nanos < 0 || nanos > 999999999) return Invalid(path, "nanos must be 0-999999999");
  if (seconds < kFirstSecond || seconds >= kEndSecond) {
    return Invalid(path, absl::StrCat("seconds ", seconds,
                                      " is outside the years 2000-2099 this server accepts"));
  }
  return absl::OkStatus();
}

absl::Status CheckDuration(const std::string& path, const Message& m) {
  int64_t seconds;
  int32_t nanos;
  SecondsAndNanos(m, &seconds, &nanos);
  if (nanos <= -1000000000 || nanos >= 1000000000 || (seconds > 0 && nanos < 0) ||
      (seconds < 0 && nanos > 0)) {
    return Invalid(path, "not a valid duration (seconds and nanos must agree in sign)");
  }
  if (seconds > kMaxDurationSeconds || seconds < -kMaxDurationSeconds) {
    return Invalid(path, "must be at most 3660 days");
  }
  return absl::OkStatus();
}

absl::Status CheckMessage(const Message& m, const std::string& path);

absl::Status CheckField(const Message& m, const FieldDescriptor& field, const std::string& path) {
  const Reflection* r = m.GetReflection();
  if (field.is_repeated()) {
    const int n = r->FieldSize(m, &field);
    if (n > MaxItems(field)) {
      return Invalid(path, absl::StrCat("at most ", MaxItems(field), " items (got ", n, ")"));
    }
    if (field.cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return absl::OkStatus();
    for (int i = 0; i < n; ++i) {
      TKT_RETURN_IF_ERROR(CheckMessage(r->GetRepeatedMessage(m, &field, i),
                                       absl::StrCat(path, "[", i, "]")));
    }
    return absl::OkStatus();
  }
  if (field.cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return absl::OkStatus();
  return CheckMessage(r->GetMessage(m, &field), path);
}

absl::Status CheckMessage(const Message& m, const std::string& path) {
  const Descriptor* d = m.GetDescriptor();
  if (d->full_name() == "google.protobuf.Timestamp") return CheckTimestamp(path, m);
  if (d->full_name() == "google.protobuf.Duration") return CheckDuration(path, m);
  // Only fields that are set: a request is mostly empty, and an unset message has nothing
  // to check.
  std::vector<const FieldDescriptor*> fields;
  m.GetReflection()->ListFields(m, &fields);
  for (const FieldDescriptor* field : fields) {
    TKT_RETURN_IF_ERROR(
        CheckField(m, *field, path.empty() ? field->name() : absl::StrCat(path, ".", field->name())));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckRequest(const Message& request) { return CheckMessage(request, ""); }

}  // namespace ticketing::api
