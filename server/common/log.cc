#include "absl/strings/string_view.h"
#include "server/common/log.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace ticketing {
namespace {

std::string Quote(absl::string_view value) {
  // Empty values are quoted too, so every field stays a visible key="" pair.
  if (!value.empty() && value.find_first_of(" \"=\n\t") == absl::string_view::npos) {
    return std::string(value);
  }
  return absl::StrCat("\"",
                      absl::StrReplaceAll(value, {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", "\\n"}}),
                      "\"");
}

}  // namespace

void Log(absl::string_view level, absl::string_view message,
         std::initializer_list<std::pair<absl::string_view, std::string>> fields) {
  std::string line = absl::StrCat(
      "ts=", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
      " level=", level, " msg=", Quote(message));
  for (const auto& [key, value] : fields) absl::StrAppend(&line, " ", key, "=", Quote(value));
  line.push_back('\n');
  // One write(2) per line keeps lines from different threads whole.
  // (void)! silences warn_unused_result, which a plain (void) cast does not with GCC.
  (void)!write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace ticketing

namespace ticketing {

bool LogRateLimiter::Allow(int64_t* suppressed) {
  absl::MutexLock lock(&mu_);
  const absl::Time now = absl::Now();
  if (now - window_start_ >= absl::Minutes(1)) {
    window_start_ = now;
    in_window_ = 0;
  }
  if (in_window_ >= per_minute_) {
    ++suppressed_;
    return false;
  }
  ++in_window_;
  *suppressed = suppressed_;
  suppressed_ = 0;
  return true;
}

}  // namespace ticketing
