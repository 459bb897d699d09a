#include "storage/sorted_batch.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::storage {
namespace {

using ::testing::ElementsAre;
using ::ticketing::testing::IsOk;

// The operations of a batch, as "family:op:key" strings in batch order.
class Recorder final : public rocksdb::WriteBatch::Handler {
 public:
  rocksdb::Status PutCF(uint32_t family, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    ops.push_back(std::to_string(family) + ":put:" + key.ToString() + "=" + value.ToString());
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(uint32_t family, const rocksdb::Slice& key) override {
    ops.push_back(std::to_string(family) + ":del:" + key.ToString());
    return rocksdb::Status::OK();
  }
  std::vector<std::string> ops;
};

class SortedBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // One directory per test: CTest runs the tests of this file in parallel processes.
    const std::string dir = ::testing::TempDir() + "/sorted_batch_" +
                            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir);
    rocksdb::Options options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> families = {
        {rocksdb::kDefaultColumnFamilyName, {}}, {"one", {}}};
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir, families, &handles_, &raw).ok());
    db_.reset(raw);
  }
  void TearDown() override {
    for (auto* handle : handles_) db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

TEST_F(SortedBatchTest, OrdersByFamilyThenKeyAndKeepsTheOrderOfOneKeysOperations) {
  rocksdb::WriteBatch batch;
  ASSERT_TRUE(batch.Put(handles_[1], "b", "1").ok());
  ASSERT_TRUE(batch.Put(handles_[0], "z", "2").ok());
  ASSERT_TRUE(batch.Delete(handles_[1], "a").ok());
  ASSERT_TRUE(batch.Put(handles_[1], "a", "3").ok());  // after its delete: must stay after
  ASSERT_TRUE(batch.Delete(handles_[1], "b").ok());    // after its put: must stay after
  auto sorted = SortedBatch(batch, handles_);
  ASSERT_THAT(sorted, IsOk());
  Recorder recorder;
  ASSERT_TRUE(sorted->Iterate(&recorder).ok());
  EXPECT_THAT(recorder.ops, ElementsAre("0:put:z=2", "1:del:a", "1:put:a=3", "1:put:b=1",
                                        "1:del:b"));
  // Written, it stores what the original would have.
  ASSERT_TRUE(db_->Write(rocksdb::WriteOptions(), &*sorted).ok());
  std::string value;
  EXPECT_TRUE(db_->Get(rocksdb::ReadOptions(), handles_[1], "a", &value).ok());
  EXPECT_EQ(value, "3");
  EXPECT_TRUE(db_->Get(rocksdb::ReadOptions(), handles_[1], "b", &value).IsNotFound());
}

TEST_F(SortedBatchTest, AFamilyNotGivenIsAnError) {
  rocksdb::WriteBatch batch;
  ASSERT_TRUE(batch.Put(handles_[1], "k", "v").ok());
  EXPECT_FALSE(SortedBatch(batch, {handles_[0]}).ok());
}

}  // namespace
}  // namespace ticketing::storage
