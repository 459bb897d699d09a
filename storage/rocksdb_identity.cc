// Users and tokens of RocksDbTicketStore (IdentityStore, ticket_store.h): the `identity`
// family, a few records per user, read whole at start.
#include <memory>

#include "proto/base/status_macros.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/keys.h"
#include "storage/rocksdb_status.h"
#include "storage/rocksdb_ticket_store.h"

namespace ticketing::storage {

absl::StatusOr<IdentityStore::Identities> RocksDbTicketStore::ReadIdentities() {
  Identities identities;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), identity_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const rocksdb::Slice key = it->key();
    const rocksdb::Slice value = it->value();
    if (key.starts_with("u")) {
      v1::UserInfo user;
      if (!user.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
        return absl::DataLossError("a stored user record is corrupt");
      }
      identities.users.push_back(std::move(user));
    } else if (key.starts_with("t") && key.size() == 33) {
      v1::TokenInfo token;
      if (!token.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
        return absl::DataLossError("a stored token record is corrupt");
      }
      identities.tokens.emplace_back(std::string(key.data() + 1, 32), std::move(token));
    } else {
      return absl::DataLossError("an identity record has a key of unknown form");
    }
  }
  TKT_RETURN_IF_ERROR(FromRocks(it->status(), "reading users and tokens"));
  return identities;
}

absl::Status RocksDbTicketStore::WriteIdentities(const Identities& changes) {
  rocksdb::WriteBatch batch;
  for (const v1::UserInfo& user : changes.users) {
    TKT_RETURN_IF_ERROR(FromRocks(
        batch.Put(identity_, IdentityUserKey(user.name()), user.SerializeAsString()), "batch"));
  }
  for (const auto& [hash, token] : changes.tokens) {
    if (hash.size() != 32) return absl::InvalidArgumentError("a token hash is 32 bytes");
    TKT_RETURN_IF_ERROR(FromRocks(
        batch.Put(identity_, IdentityTokenKey(hash), token.SerializeAsString()), "batch"));
  }
  for (const std::string& name : changes.deleted_users) {
    TKT_RETURN_IF_ERROR(FromRocks(batch.Delete(identity_, IdentityUserKey(name)), "batch"));
  }
  for (const std::string& hash : changes.deleted_tokens) {
    if (hash.size() != 32) return absl::InvalidArgumentError("a token hash is 32 bytes");
    TKT_RETURN_IF_ERROR(FromRocks(batch.Delete(identity_, IdentityTokenKey(hash)), "batch"));
  }
  rocksdb::WriteOptions write;
  write.sync = options_.sync_writes;
  return FromRocks(db_->Write(write, &batch), "writing users and tokens");
}

}  // namespace ticketing::storage
