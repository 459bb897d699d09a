#ifndef TICKETING_SERVER_COMMON_LOG_H_
#define TICKETING_SERVER_COMMON_LOG_H_

#include <initializer_list>
#include <string>

#include <utility>

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

}  // namespace ticketing

#endif  // TICKETING_SERVER_COMMON_LOG_H_
