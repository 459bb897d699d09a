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
  for (const Principal& user : users) Put(user, false);
}

std::optional<Principal> UserDirectory::Find(absl::string_view name) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = users_.find(name);
  if (it == users_.end() || it->second.disabled) return std::nullopt;
  return it->second.user;
}

bool UserDirectory::Known(absl::string_view name) const {
  absl::ReaderMutexLock lock(&mu_);
  return users_.find(name) != users_.end();
}

std::vector<std::string> UserDirectory::WithRole(v1::Role role) const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<std::string> names;
  for (const auto& [name, entry] : users_) {
    if (entry.user.role == role && !entry.disabled) names.push_back(name);
  }
  return names;
}

void UserDirectory::Put(const Principal& user, bool disabled) {
  absl::MutexLock lock(&mu_);
  users_[user.name] = Entry{Principal{user.name, user.role, false}, disabled};
}

}  // namespace ticketing::domain
