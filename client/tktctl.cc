// tktctl: the command-line client of the ticket server. `tktctl help` lists the
// subcommands, flags and exit codes (the text is kUsage in cli_flags.cc).
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "client/cli_commands.h"
#include "client/cli_flags.h"
#include "client/cli_format.h"
#include "client/ticket_client.h"

namespace ticketing::client {
namespace {

constexpr char kDefaultAddress[] = "127.0.0.1:50051";
constexpr int kExitProblems = 1;
constexpr int kExitUsage = 2;

// `flag_value` if non-empty, else the environment variable `env`, else `fallback`.
std::string FlagOrEnv(const std::string& flag_value, const char* env,
                      absl::string_view fallback) {
  if (!flag_value.empty()) return flag_value;
  const char* value = std::getenv(env);
  if (value != nullptr && *value != '\0') return value;
  return std::string(fallback);
}

// The bearer token, from the first of: --token, --token_file, $TKT_TOKEN, $TKT_TOKEN_FILE.
// A file holds the token on its first line (trailing whitespace ignored). Empty when none.
absl::StatusOr<std::string> Token() {
  if (std::string token = absl::GetFlag(FLAGS_token); !token.empty()) return token;
  std::string file = absl::GetFlag(FLAGS_token_file);
  if (file.empty()) {
    if (std::string token = FlagOrEnv("", "TKT_TOKEN", ""); !token.empty()) return token;
    file = FlagOrEnv("", "TKT_TOKEN_FILE", "");
  }
  if (file.empty()) return std::string();
  std::ifstream in(file);
  std::string token;
  if (!in || !std::getline(in, token)) {
    return UsageError("cannot read the token file " + file);
  }
  return std::string(absl::StripTrailingAsciiWhitespace(token));
}

// Prints the error and returns the exit code: 2 for usage errors, 1 + code else.
int Fail(const absl::Status& status) {
  if (IsUsageError(status)) {
    std::cerr << "error: " << status.message() << "\n"
              << "run 'tktctl help' for usage\n";
    return kExitUsage;
  }
  std::cerr << "error: " << absl::StatusCodeToString(status.code()) << ": "
            << status.message() << "\n";
  return 1 + static_cast<int>(status.code());
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> OpenChannel() {
  const double seconds = absl::GetFlag(FLAGS_timeout);
  if (!(seconds > 0)) return UsageError("--timeout must be a positive number of seconds");
  return MakeChannel(FlagOrEnv(absl::GetFlag(FLAGS_addr), "TKT_ADDR", kDefaultAddress),
                     absl::GetFlag(FLAGS_tls), absl::GetFlag(FLAGS_ca_file),
                     absl::GetFlag(FLAGS_cert_file), absl::GetFlag(FLAGS_key_file));
}

int Run(int argc, char** argv) {
  absl::StatusOr<ParsedArgs> args = ParseArgs(argc, argv);
  if (!args.ok()) return Fail(args.status());
  if (args->help || (!args->positional.empty() && args->positional[0] == "help")) {
    std::cout << kUsage;
    return 0;
  }
  if (args->positional.empty()) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  if (!IsCommand(args->positional[0])) {
    return Fail(UsageError("unknown subcommand '" + args->positional[0] + "'"));
  }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = OpenChannel();
  if (!channel.ok()) return Fail(channel.status());
  absl::StatusOr<std::string> token = Token();
  if (!token.ok()) return Fail(token.status());
  const TicketClient client(*channel, *token, absl::Seconds(absl::GetFlag(FLAGS_timeout)));
  CommandContext ctx{client, *args, std::cout, absl::GetFlag(FLAGS_json)};
  if (absl::Status status = RunCommand(ctx); !status.ok()) return Fail(status);
  return ctx.problems_found ? kExitProblems : 0;
}

}  // namespace
}  // namespace ticketing::client

int main(int argc, char** argv) { return ticketing::client::Run(argc, argv); }
