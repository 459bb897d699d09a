#ifndef TICKETING_STORAGE_ROCKSDB_STATUS_H_
#define TICKETING_STORAGE_ROCKSDB_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "rocksdb/status.h"

namespace ticketing::storage {

// rocksdb::Status -> absl::Status, prefixed with `what`; the only place the two meet.
// NotFound -> NOT_FOUND, Busy/TryAgain/TimedOut -> UNAVAILABLE (retryable), else INTERNAL.
inline absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  if (s.IsNotFound()) return absl::NotFoundError(absl::StrCat(what, ": ", s.ToString()));
  if (s.IsBusy() || s.IsTryAgain() || s.IsTimedOut()) {
    return absl::UnavailableError(absl::StrCat(what, ": ", s.ToString()));
  }
  return absl::InternalError(absl::StrCat(what, ": ", s.ToString()));
}

}  // namespace ticketing::storage

#endif  // TICKETING_STORAGE_ROCKSDB_STATUS_H_
