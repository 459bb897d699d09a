#ifndef TICKETING_SERVER_DOMAIN_BASE_PRINCIPAL_H_
#define TICKETING_SERVER_DOMAIN_BASE_PRINCIPAL_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "ticketing/v1/config.pb.h"

namespace ticketing::domain {

// The authenticated caller of a request: a configured user and its role.
struct Principal {
  std::string name;
  v1::Role role = v1::ROLE_UNSPECIFIED;
};

// "agent", "technician", "supervisor", "admin" (or "unspecified").
std::string RoleName(v1::Role role);

// The configured users by name. Immutable after construction; safe to share between threads.
class UserDirectory {
 public:
  UserDirectory() = default;
  explicit UserDirectory(const std::vector<Principal>& users);

  // The user called `name`, or nullopt.
  std::optional<Principal> Find(absl::string_view name) const;
  // Names of the users with `role`, sorted.
  std::vector<std::string> WithRole(v1::Role role) const;

 private:
  std::map<std::string, Principal, std::less<>> users_;
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_BASE_PRINCIPAL_H_
