#include "server/domain/base/principal.h"

namespace ticketing::domain {

std::string RoleName(v1::Role role) {
  switch (role) {
    case v1::ROLE_AGENT: return "agent";
    case v1::ROLE_TECHNICIAN: return "technician";
    case v1::ROLE_SUPERVISOR: return "supervisor";
    case v1::ROLE_ADMIN: return "admin";
    default: return "unspecified";
  }
}

UserDirectory::UserDirectory(const std::vector<Principal>& users) {
  // By name; the config refuses duplicate names (server/config), so none is overwritten.
  for (const Principal& user : users) users_[user.name] = user;
}

std::optional<Principal> UserDirectory::Find(absl::string_view name) const {
  auto it = users_.find(name);
  if (it == users_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> UserDirectory::WithRole(v1::Role role) const {
  std::vector<std::string> names;
  for (const auto& [name, user] : users_) {
    if (user.role == role) names.push_back(name);
  }
  return names;
}

}  // namespace ticketing::domain
