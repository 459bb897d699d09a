#ifndef TICKETING_TESTS_TESTING_MEMORY_IDENTITY_STORE_H_
#define TICKETING_TESTS_TESTING_MEMORY_IDENTITY_STORE_H_

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "storage/ticket_store.h"

namespace ticketing::testing {

// An IdentityStore in memory, for the domain's tests: what was written is read back, and
// every write can be made to fail (`fail_writes`) to show that nothing changes then.
class MemoryIdentityStore final : public storage::IdentityStore {
 public:
  absl::StatusOr<Identities> ReadIdentities() override {
    absl::MutexLock lock(&mu_);
    Identities all;
    for (const auto& [name, user] : users_) all.users.push_back(user);
    for (const auto& [hash, token] : tokens_) all.tokens.emplace_back(hash, token);
    return all;
  }
  absl::Status WriteIdentities(const Identities& changes) override {
    absl::MutexLock lock(&mu_);
    if (fail_writes) return absl::UnavailableError("the disk is gone");
    ++writes_;
    for (const v1::UserInfo& user : changes.users) users_[user.name()] = user;
    for (const auto& [hash, token] : changes.tokens) tokens_[hash] = token;
    for (const std::string& name : changes.deleted_users) users_.erase(name);
    for (const std::string& hash : changes.deleted_tokens) tokens_.erase(hash);
    return absl::OkStatus();
  }
  // How many records are stored (users + tokens).
  size_t size() {
    absl::MutexLock lock(&mu_);
    return users_.size() + tokens_.size();
  }
  int writes() {
    absl::MutexLock lock(&mu_);
    return writes_;
  }

  bool fail_writes = false;  // set before the calls, not during them

 private:
  absl::Mutex mu_;
  std::map<std::string, v1::UserInfo> users_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, v1::TokenInfo> tokens_ ABSL_GUARDED_BY(mu_);
  int writes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace ticketing::testing

#endif  // TICKETING_TESTS_TESTING_MEMORY_IDENTITY_STORE_H_
