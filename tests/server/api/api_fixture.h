#ifndef TICKETING_TESTS_SERVER_API_API_FIXTURE_H_
#define TICKETING_TESTS_SERVER_API_API_FIXTURE_H_

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/api/calls.h"
#include "server/exec/call_pool.h"
#include "server/exec/write_executor.h"
#include "storage/batching_ticket_store.h"
#include "tests/testing/domain_world.h"
#include "tests/testing/memory_identity_store.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::api {

// The domain wired as the server wires it below the transport: the write executor over the
// batching store, a call pool, admission of `users`, and Calls on them; a fake clock.
class ApiFixture : public ::testing::Test {
 protected:
  // Builds everything in a directory of the test's own. Call from SetUp().
  void Open(testing::DomainWorld::Options options, std::vector<v1::User> users,
            exec::CallPool::Options pool) {
    const std::string dir = ::testing::TempDir() + "/api_" +
                            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir);
    options.wrap_store = [this](storage::Store& real) {
      auto batching = std::make_unique<storage::BatchingTicketStore>(real);
      batching_ = batching.get();
      return batching;
    };
    auto world = testing::DomainWorld::Open(clock_, dir, options);
    ASSERT_THAT(world, testing::IsOk());
    world_ = *std::move(world);
    writes_ = std::make_unique<exec::WriteExecutor>(*batching_);
    writes_->Start();
    pool_ = std::make_unique<exec::CallPool>(pool);
    auto identity = domain::IdentityService::Load(users, identity_store_, identity_users_, clock_,
                                                  domain::IdentityService::Options());
    ASSERT_THAT(identity, testing::IsOk());
    identity_ = *std::move(identity);
    admission_ = std::make_unique<Admission>(*identity_, clock_);
    calls_ = std::make_unique<Calls>(*admission_, *writes_, *pool_);
  }
  void TearDown() override {
    if (pool_ != nullptr) pool_->Stop();
    if (writes_ != nullptr) writes_->Stop();
  }

  testing::FakeClock clock_;
  std::unique_ptr<testing::DomainWorld> world_;
  storage::BatchingTicketStore* batching_ = nullptr;
  std::unique_ptr<exec::WriteExecutor> writes_;
  std::unique_ptr<exec::CallPool> pool_;
  testing::MemoryIdentityStore identity_store_;
  domain::UserDirectory identity_users_;
  std::unique_ptr<domain::IdentityService> identity_;
  std::unique_ptr<Admission> admission_;
  std::unique_ptr<Calls> calls_;
};

}  // namespace ticketing::api

#endif  // TICKETING_TESTS_SERVER_API_API_FIXTURE_H_
