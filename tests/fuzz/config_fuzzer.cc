// Fuzzes the config file as ticketd reads it at start: protobuf text format, then the
// defaults, then validation (users, calendars, SLA policies, escalation, limits, tls...).
// Any text is either refused with a message or accepted; nothing crashes, hangs or leaks.
#include <cstddef>
#include <cstdint>
#include <string>

#include "server/config/server_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<ticketing::v1::ServerConfig> config =
      ticketing::config::ParseServerConfig(text, "fuzz.textproto");
  if (!config.ok()) return 0;
  ticketing::config::ApplyDefaults(*config);
  (void)ticketing::config::ValidateServerConfig(*config);
  return 0;
}
