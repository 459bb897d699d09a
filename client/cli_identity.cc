// The `users` and `tokens` subcommands: users and their bearer tokens, managed at run time.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "client/cli_commands.h"
#include "client/cli_format.h"

namespace ticketing::client {
namespace {

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

void PrintUsersTable(const v1::ListUsersResponse& users, std::ostream& out) {
  Table table({"USER", "ROLE", "STATE", "SOURCE", "DISPLAY NAME", "CHANGED", "BY", "REASON"});
  for (const v1::UserInfo& u : users.users()) {
    table.AddRow({u.name(), ShortName(u.role()), u.disabled() ? "disabled" : "enabled",
                  u.from_config() ? "config" : "run time", OrDash(Truncate(u.display_name(), 30)),
                  FormatTime(u.update_time(), false), OrDash(u.updated_by()),
                  OrDash(Truncate(u.reason(), 40))});
  }
  table.Print(out);
}

void PrintTokensTable(const v1::ListTokensResponse& tokens, std::ostream& out) {
  Table table({"ID", "USER", "STATE", "SCOPE", "SOURCE", "CREATED", "EXPIRES", "DESCRIPTION"});
  for (const v1::TokenInfo& t : tokens.tokens()) {
    table.AddRow({t.id(), t.user(), t.state(), t.read_only() ? "read-only" : "read-write",
                  t.from_config() ? "config" : "run time", FormatTime(t.create_time(), false),
                  t.has_expire_time() ? FormatTime(t.expire_time(), false) : "never",
                  OrDash(Truncate(t.description(), 40))});
  }
  table.Print(out);
}

void PrintUser(const v1::UserInfo& user, std::ostream& out) {
  out << "user: " << user.name() << "\nrole: " << ShortName(user.role())
      << "\nstate: " << (user.disabled() ? "disabled" : "enabled") << "\n";
}

// The user named by ctx.args.positional[i], else the caller (WhoAmI).
absl::StatusOr<std::string> UserArg(const CommandContext& ctx, size_t i) {
  if (ctx.args.positional.size() > i) return ctx.args.positional[i];
  absl::StatusOr<v1::WhoAmIResponse> me = ctx.client.WhoAmI();
  if (!me.ok()) return me.status();
  return me->user();
}

// --ttl: "never" (request.ttl left unset), a number of days ("90d"), or a duration as
// ParseDurationArg reads it ("12h", "1h30m"), more than 0.
absl::Status SetTtl(absl::string_view text, v1::IssueTokenRequest& request) {
  if (text == "never") return absl::OkStatus();
  if (absl::string_view number = text; absl::ConsumeSuffix(&number, "d")) {
    int64_t days = 0;
    if (!absl::SimpleAtoi(number, &days) || days <= 0 || days > 100000) {
      return UsageError(absl::StrCat("--ttl: '", text, "' is not a number of days such as 90d"));
    }
    request.mutable_ttl()->set_seconds(days * 86400);
    return absl::OkStatus();
  }
  absl::StatusOr<google::protobuf::Duration> ttl = ParseDurationArg("--ttl", text);
  if (!ttl.ok()) return ttl.status();
  if (ttl->seconds() == 0 && ttl->nanos() == 0) {
    return UsageError("--ttl: must be more than 0 (or never)");
  }
  *request.mutable_ttl() = *std::move(ttl);
  return absl::OkStatus();
}

// Writes `token` and a newline to `path`, readable by its owner only (0600), replacing
// the file's contents; the file is made 0600 before the token is written.
absl::Status WriteTokenFile(const std::string& path, const std::string& token) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("--out: cannot write ", path, ": ", std::strerror(errno)));
  }
  const std::string line = token + "\n";
  bool ok = ::fchmod(fd, 0600) == 0;
  ok = ok && ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  const int error = errno;
  ok = (::close(fd) == 0) && ok;
  if (!ok) {
    return absl::FailedPreconditionError(
        absl::StrCat("--out: cannot write ", path, ": ", std::strerror(error)));
  }
  return absl::OkStatus();
}

absl::Status UsersList(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 1, 1, "users list"); !s.ok()) return s;
  absl::StatusOr<v1::ListUsersResponse> users = ctx.client.ListUsers();
  if (!users.ok()) return users.status();
  if (ctx.json) return PrintJson(*users, ctx.out);
  PrintUsersTable(*users, ctx.out);
  return absl::OkStatus();
}

absl::Status UsersCreate(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 3, 3, "users create NAME ROLE [--display_name=TEXT]");
      !s.ok()) {
    return s;
  }
  absl::StatusOr<v1::Role> role = ParseEnum<v1::Role>("ROLE", ctx.args.positional[3]);
  if (!role.ok()) return role.status();
  v1::CreateUserRequest request;
  request.set_name(ctx.args.positional[2]);
  request.set_role(*role);
  request.set_display_name(absl::GetFlag(FLAGS_display_name));
  absl::StatusOr<v1::UserInfo> user = ctx.client.CreateUser(request);
  if (!user.ok()) return user.status();
  if (ctx.json) return PrintJson(*user, ctx.out);
  PrintUser(*user, ctx.out);
  return absl::OkStatus();
}

absl::Status UsersSetDisabled(CommandContext& ctx, bool disabled) {
  if (absl::Status s = ExpectArgs(ctx, 2, 2, "users disable|enable NAME --reason=TEXT");
      !s.ok()) {
    return s;
  }
  v1::SetUserDisabledRequest request;
  request.set_name(ctx.args.positional[2]);
  request.set_disabled(disabled);
  request.set_reason(absl::GetFlag(FLAGS_reason));
  absl::StatusOr<v1::UserInfo> user = ctx.client.SetUserDisabled(request);
  if (!user.ok()) return user.status();
  if (ctx.json) return PrintJson(*user, ctx.out);
  PrintUser(*user, ctx.out);
  return absl::OkStatus();
}

absl::Status TokensList(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 1, 2, "tokens list [USER] [--inactive]"); !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> user = UserArg(ctx, 2);
  if (!user.ok()) return user.status();
  v1::ListTokensRequest request;
  request.set_user(*user);
  request.set_include_inactive(absl::GetFlag(FLAGS_inactive));
  absl::StatusOr<v1::ListTokensResponse> tokens = ctx.client.ListTokens(request);
  if (!tokens.ok()) return tokens.status();
  if (ctx.json) return PrintJson(*tokens, ctx.out);
  if (tokens->tokens().empty()) {
    ctx.out << "no " << (request.include_inactive() ? "" : "active ") << "tokens of "
            << request.user() << "\n";
    return absl::OkStatus();
  }
  PrintTokensTable(*tokens, ctx.out);
  return absl::OkStatus();
}

absl::Status TokensIssue(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 1, 2,
                                  "tokens issue [USER] [--ttl=90d|never] [--read_only] "
                                  "[--description=TEXT] [--out=FILE]");
      !s.ok()) {
    return s;
  }
  v1::IssueTokenRequest request;
  if (absl::Status s = SetTtl(absl::GetFlag(FLAGS_ttl), request); !s.ok()) return s;
  absl::StatusOr<std::string> user = UserArg(ctx, 2);
  if (!user.ok()) return user.status();
  request.set_user(*user);
  request.set_read_only(absl::GetFlag(FLAGS_read_only));
  request.set_description(absl::GetFlag(FLAGS_description));
  absl::StatusOr<v1::IssueTokenResponse> issued = ctx.client.IssueToken(request);
  if (!issued.ok()) return issued.status();
  const std::string out = absl::GetFlag(FLAGS_out);
  if (!out.empty()) {
    if (absl::Status s = WriteTokenFile(out, issued->token()); !s.ok()) {
      // The token exists but reached no one: revoke it rather than leave it unknown.
      v1::RevokeTokenRequest revoke;
      revoke.set_id(issued->info().id());
      (void)ctx.client.RevokeToken(revoke);
      return s;
    }
    issued->clear_token();  // in the file only
  }
  if (ctx.json) return PrintJson(*issued, ctx.out);
  const v1::TokenInfo& info = issued->info();
  ctx.out << "id: " << info.id() << "\nuser: " << info.user()
          << "\nscope: " << (info.read_only() ? "read-only" : "read-write") << "\nexpires: "
          << (info.has_expire_time() ? FormatTime(info.expire_time(), true) : "never") << "\n";
  if (out.empty()) {
    ctx.out << "token: " << issued->token()
            << "\n(shown this once; the server keeps only its hash)\n";
  } else {
    ctx.out << "token written to " << out << " (mode 0600); use --token_file=" << out << "\n";
  }
  return absl::OkStatus();
}

absl::Status TokensRevoke(CommandContext& ctx) {
  if (absl::Status s = ExpectArgs(ctx, 2, 2, "tokens revoke ID"); !s.ok()) return s;
  v1::RevokeTokenRequest request;
  request.set_id(ctx.args.positional[2]);
  absl::StatusOr<v1::TokenInfo> token = ctx.client.RevokeToken(request);
  if (!token.ok()) return token.status();
  if (ctx.json) return PrintJson(*token, ctx.out);
  ctx.out << "revoked " << token->id() << " of " << token->user() << "\n";
  return absl::OkStatus();
}

}  // namespace

absl::Status RunUsers(CommandContext& ctx) {
  const std::string& verb = ctx.args.positional.size() > 1 ? ctx.args.positional[1] : "";
  if (verb == "list") return UsersList(ctx);
  if (verb == "create") return UsersCreate(ctx);
  if (verb == "disable") return UsersSetDisabled(ctx, true);
  if (verb == "enable") return UsersSetDisabled(ctx, false);
  return UsageError("users: expected list, create, disable or enable");
}

absl::Status RunTokens(CommandContext& ctx) {
  const std::string& verb = ctx.args.positional.size() > 1 ? ctx.args.positional[1] : "";
  if (verb == "list") return TokensList(ctx);
  if (verb == "issue") return TokensIssue(ctx);
  if (verb == "revoke") return TokensRevoke(ctx);
  return UsageError("tokens: expected list, issue or revoke");
}

}  // namespace ticketing::client
