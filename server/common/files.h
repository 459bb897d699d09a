#ifndef TICKETING_SERVER_COMMON_FILES_H_
#define TICKETING_SERVER_COMMON_FILES_H_

#include <string>

#include "absl/status/statusor.h"

namespace ticketing {

// The whole content of the file at `path`; NOT_FOUND naming the path when it can't be read.
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

// Replaces the file at `path` with `content` atomically (temp file + rename), so a reader
// sees the old or the new content, never half.
absl::Status WriteFileAtomically(const std::string& path, const std::string& content);

}  // namespace ticketing

#endif  // TICKETING_SERVER_COMMON_FILES_H_
