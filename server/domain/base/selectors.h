#ifndef TICKETING_SERVER_DOMAIN_BASE_SELECTORS_H_
#define TICKETING_SERVER_DOMAIN_BASE_SELECTORS_H_

// The one meaning of a selector list in the config and in filters (SLA policies,
// escalation rules and levels, alert filters): an empty list accepts everything; otherwise
// the value must be listed. Regions are hierarchical: "cn/zhejiang" accepts
// "cn/zhejiang/hangzhou".

#include <algorithm>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_field.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace ticketing::domain {

// For enum and integer lists (proto repeated enums are RepeatedField<int>).
template <typename T>
bool Accepts(const google::protobuf::RepeatedField<int>& list, T value) {
  return list.empty() || std::find(list.begin(), list.end(), static_cast<int>(value)) != list.end();
}

inline bool Accepts(const google::protobuf::RepeatedPtrField<std::string>& list,
                    absl::string_view value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

// True when `region` is `prefix` or lies under it ("cn/zhejiang" holds
// "cn/zhejiang/hangzhou", not "cn/zhejiangx").
inline bool InRegion(absl::string_view prefix, absl::string_view region) {
  return region == prefix || (absl::StartsWith(region, prefix) && region.size() > prefix.size() &&
                              region[prefix.size()] == '/');
}

inline bool AcceptsRegion(const google::protobuf::RepeatedPtrField<std::string>& prefixes,
                          absl::string_view region) {
  return prefixes.empty() ||
         std::any_of(prefixes.begin(), prefixes.end(),
                     [&](const std::string& prefix) { return InRegion(prefix, region); });
}

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_BASE_SELECTORS_H_
