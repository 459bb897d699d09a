#ifndef TICKETING_SERVER_COMMON_LOG_H_
#define TICKETING_SERVER_COMMON_LOG_H_

#include <cstdint>
#include <initializer_list>
#include <string>

#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace ticketing {

// Writes one structured log line to stderr in logfmt:
//   ts=2026-11-23T12:00:00.123Z level=info msg="listening" addr=127.0.0.1:50051
// Values are quoted when they contain spaces, quotes or '='. Thread-safe (one write per line).
void Log(absl::string_view level, absl::string_view message,
         std::initializer_list<std::pair<absl::string_view, std::string>> fields = {});

inline void LogInfo(absl::string_view message,
                    std::initializer_list<std::pair<absl::string_view, std::string>> fields = {}) {
  Log("info", message, fields);
}
inline void LogError(absl::string_view message,
                     std::initializer_list<std::pair<absl::string_view, std::string>> fields = {}) {
  Log("error", message, fields);
}

// Lets through at most `per_minute` lines a minute and counts the rest, for lines a client
// can cause at will (requests that cannot be parsed), which must not flood the log.
// Thread-safe.
class LogRateLimiter {
 public:
  explicit LogRateLimiter(int per_minute) : per_minute_(per_minute) {}
  // True when a line may be written now; `*suppressed` is then how many were turned away
  // since the last line let through (0 if none).
  bool Allow(int64_t* suppressed);

 private:
  const int per_minute_;
  absl::Mutex mu_;
  absl::Time window_start_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  int in_window_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t suppressed_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace ticketing

#endif  // TICKETING_SERVER_COMMON_LOG_H_
