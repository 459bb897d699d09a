#ifndef TICKETING_SERVER_DOMAIN_BASE_PRINCIPAL_H_
#define TICKETING_SERVER_DOMAIN_BASE_PRINCIPAL_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "ticketing/v1/config.pb.h"

namespace ticketing::domain {

// The authenticated caller of a request: a user and its role, and whether the token it
// presented may only read (api::Calls refuses it every write).
struct Principal {
  std::string name;
  v1::Role role = v1::ROLE_UNSPECIFIED;
  bool read_only = false;
};

// "agent", "technician", "supervisor", "admin" (or "unspecified").
std::string RoleName(v1::Role role);

// The users by name: the config file's, then those created at run time (IdentityService
// keeps it current). A disabled user is known (the SLA set may still name them) but not
// found: nobody assigns them tickets, visits or alerts. Thread-safe.
class UserDirectory {
 public:
  UserDirectory() = default;
  explicit UserDirectory(const std::vector<Principal>& users);

  // The enabled user called `name`, or nullopt.
  std::optional<Principal> Find(absl::string_view name) const;
  // Whether there is a user called `name`, enabled or not.
  bool Known(absl::string_view name) const;
  // Names of the enabled users with `role`, sorted.
  std::vector<std::string> WithRole(v1::Role role) const;

  // Adds or replaces the user `user.name`.
  void Put(const Principal& user, bool disabled);

 private:
  struct Entry {
    Principal user;
    bool disabled = false;
  };
  mutable absl::Mutex mu_;
  std::map<std::string, Entry, std::less<>> users_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_BASE_PRINCIPAL_H_
