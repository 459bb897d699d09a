// Users and tokens managed at run time on the real ticketd, through the real tktctl
// (docs/security.md, "Users and tokens"): an admin creates a user and issues their tokens,
// a read-only token may only read, a revoked or expired token and a disabled user are
// refused, all of it holds across kill -9, and every change is in the audit log without
// the token itself.
#include <sys/stat.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_helpers.h"
#include "tests/e2e/tktctl_runner.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "ticketing/v1/admin_service.pb.h"
#include "ticketing/v1/ticket.pb.h"

namespace ticketing::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

constexpr char kStart[] = "2026-03-02T09:00:00Z";

class IdentityE2eTest : public TktctlServerTest {
 protected:
  IdentityE2eTest()
      : TktctlServerTest("", {"--test_clock", absl::StrCat("--test_clock_start=", kStart)}) {}

  // Runs tktctl with the token in `token_file` (not on the command line).
  CliResult WithFile(const std::string& token_file, std::vector<std::string> args) {
    args.insert(args.begin(), "--token_file=" + token_file);
    return Tktctl("", args);
  }

  CliResult CreateTicket(absl::string_view token) {
    return Tktctl(token, {"create", "--kind=repair", "--account=" + account_,
                          "--summary=Printer jams", "--contact_name=Li Lei"});
  }

  const std::string account_ = UniqueName("acct");
};

TEST_F(IdentityE2eTest, AUserCreatedAtRunTimeWorksWithIssuedTokensUntilRevokedOrDisabled) {
  // An admin creates carol; she has no token yet.
  v1::UserInfo carol = TktctlJson<v1::UserInfo>(
      kAdminToken, {"users", "create", "carol", "agent", "--display_name=Carol Chen 陈"});
  EXPECT_EQ(carol.name(), "carol");
  EXPECT_EQ(carol.role(), v1::ROLE_AGENT);
  EXPECT_FALSE(carol.from_config());
  EXPECT_EQ(carol.created_by(), kAdminName);
  const CliResult users = Tktctl(kAdminToken, {"users", "list"});
  ASSERT_THAT(users, ExitsWith(0));
  EXPECT_THAT(users.out, HasSubstr("Carol Chen 陈"));
  EXPECT_THAT(users.out, HasSubstr("run time"));

  // Her first token goes to a file only she may read; it is not printed.
  const std::string file = server_.dir() + "/carol.token";
  const CliResult issued =
      Tktctl(kAdminToken, {"tokens", "issue", "carol", "--out=" + file, "--description=desk"});
  ASSERT_THAT(issued, ExitsWith(0));
  EXPECT_THAT(issued.out, Not(HasSubstr("tkt_")));
  struct stat st;
  ASSERT_EQ(stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string token(absl::StripTrailingAsciiWhitespace(ReadFileOrEmpty(file)));
  EXPECT_THAT(token, StartsWith("tkt_"));
  EXPECT_THAT(WithFile(file, {"whoami"}).out,
              HasSubstr("user: carol\nrole: agent\nscope: read-write"));
  ASSERT_THAT(CreateTicket(token), ExitsWith(0));

  // She issues herself a read-only token (90 days by default): it reads and may not write.
  const v1::IssueTokenResponse reader =
      TktctlJson<v1::IssueTokenResponse>(token, {"tokens", "issue", "--read_only"});
  EXPECT_THAT(reader.token(), StartsWith("tkt_"));
  EXPECT_TRUE(reader.info().read_only());
  EXPECT_EQ(reader.info().user(), "carol");
  EXPECT_EQ(reader.info().expire_time().seconds() - reader.info().create_time().seconds(),
            90 * 24 * 3600);
  EXPECT_THAT(Tktctl(reader.token(), {"whoami"}).out, HasSubstr("scope: read-only"));
  EXPECT_THAT(Tktctl(reader.token(), {"list"}), ExitsWith(0));
  EXPECT_THAT(CreateTicket(reader.token()),
              ExitsWith(ExitCodeOf(absl::StatusCode::kPermissionDenied)));
  EXPECT_THAT(TktctlJson<v1::ListTokensResponse>(token, {"tokens", "list"}).tokens(), SizeIs(2));

  // An agent manages only her own tokens and no users.
  EXPECT_THAT(Tktctl(token, {"users", "list"}),
              ExitsWith(ExitCodeOf(absl::StatusCode::kPermissionDenied)));
  EXPECT_THAT(Tktctl(token, {"tokens", "issue", kAgentName}),
              ExitsWith(ExitCodeOf(absl::StatusCode::kPermissionDenied)));
  EXPECT_THAT(Tktctl(token, {"tokens", "list", kAgentName}),
              ExitsWith(ExitCodeOf(absl::StatusCode::kPermissionDenied)));

  // Revoked: refused at once.
  const CliResult revoked = Tktctl(token, {"tokens", "revoke", reader.info().id()});
  ASSERT_THAT(revoked, ExitsWith(0));
  EXPECT_THAT(revoked.out, HasSubstr("revoked " + reader.info().id()));
  EXPECT_THAT(Tktctl(reader.token(), {"whoami"}),
              ExitsWith(ExitCodeOf(absl::StatusCode::kUnauthenticated)));

  // Disabled: every token of hers is refused.
  ASSERT_THAT(Tktctl(kAdminToken, {"users", "disable", "carol", "--reason=left the team"}),
              ExitsWith(0));
  EXPECT_THAT(Tktctl(token, {"whoami"}), ExitsWith(ExitCodeOf(absl::StatusCode::kUnauthenticated)));

  // All of it holds across a crash.
  ASSERT_THAT(server_.Kill9(), IsOk());
  ASSERT_THAT(server_.Start(), IsOk());
  EXPECT_THAT(Tktctl(token, {"whoami"}), ExitsWith(ExitCodeOf(absl::StatusCode::kUnauthenticated)));
  EXPECT_THAT(Tktctl(reader.token(), {"whoami"}),
              ExitsWith(ExitCodeOf(absl::StatusCode::kUnauthenticated)));
  const v1::ListTokensResponse listed = TktctlJson<v1::ListTokensResponse>(
      kAdminToken, {"tokens", "list", "carol", "--inactive"});
  ASSERT_THAT(listed.tokens(), SizeIs(2));
  for (const v1::TokenInfo& t : listed.tokens()) {
    EXPECT_EQ(t.state(), t.id() == reader.info().id() ? "revoked" : "active") << t.id();
  }
  // Enabled again: her unrevoked token works again, the revoked one never.
  ASSERT_THAT(Tktctl(kAdminToken, {"users", "enable", "carol", "--reason=back"}), ExitsWith(0));
  EXPECT_THAT(WithFile(file, {"whoami"}), ExitsWith(0));
  EXPECT_THAT(Tktctl(reader.token(), {"whoami"}),
              ExitsWith(ExitCodeOf(absl::StatusCode::kUnauthenticated)));

  // Every change is audited with who did it; no token appears there.
  const CliResult audit = Tktctl(kAdminToken, {"audit", "--all", "--json"});
  ASSERT_THAT(audit, ExitsWith(0));
  absl::StatusOr<v1::ListAuditRecordsResponse> records =
      ParseJson<v1::ListAuditRecordsResponse>(audit.out);
  ASSERT_THAT(records, IsOk());
  std::vector<std::string> changes, denials;
  for (const v1::AuditRecord& r : records->records()) {
    const std::string line = absl::StrCat(
        r.actor(), " ", r.method().substr(r.method().find('/') + 1), " ", r.code());
    if (r.kind() == v1::AuditRecord::KIND_ADMIN_ACTION) changes.push_back(line);
    if (r.kind() == v1::AuditRecord::KIND_DENIAL && r.actor() == "carol") denials.push_back(line);
  }
  // Newest first.
  EXPECT_THAT(changes, ::testing::ElementsAre("root SetUserDisabled OK", "root SetUserDisabled OK",
                                              "carol RevokeToken OK", "carol IssueToken OK",
                                              "root IssueToken OK", "root CreateUser OK"));
  EXPECT_THAT(denials, ::testing::ElementsAre("carol ListTokens PERMISSION_DENIED",
                                              "carol IssueToken PERMISSION_DENIED",
                                              "carol ListUsers PERMISSION_DENIED",
                                              "carol CreateTicket PERMISSION_DENIED"));
  EXPECT_THAT(audit.out, Not(HasSubstr(token)));
  EXPECT_THAT(audit.out, Not(HasSubstr(reader.token())));
  EXPECT_THAT(ReadFileOrEmpty(server_.log_path()), Not(HasSubstr(token)));
}

TEST_F(IdentityE2eTest, ATokenWithATtlStopsWorkingWhenTheServersClockPassesIt) {
  const v1::IssueTokenResponse issued = TktctlJson<v1::IssueTokenResponse>(
      kAdminToken, {"tokens", "issue", kSupervisorName, "--ttl=2h"});
  EXPECT_EQ(issued.info().expire_time().seconds() - issued.info().create_time().seconds(), 7200);
  EXPECT_THAT(Tktctl(issued.token(), {"whoami"}), ExitsWith(0));
  const v1::IssueTokenResponse forever = TktctlJson<v1::IssueTokenResponse>(
      kAdminToken, {"tokens", "issue", kSupervisorName, "--ttl=never"});
  EXPECT_FALSE(forever.info().has_expire_time());

  ASSERT_THAT(Tktctl(kAdminToken, {"clock", "advance", "1h59m"}), ExitsWith(0));
  EXPECT_THAT(Tktctl(issued.token(), {"whoami"}), ExitsWith(0));
  ASSERT_THAT(Tktctl(kAdminToken, {"clock", "advance", "1m"}), ExitsWith(0));
  EXPECT_THAT(Tktctl(issued.token(), {"whoami"}),
              ExitsWith(ExitCodeOf(absl::StatusCode::kUnauthenticated)));
  EXPECT_THAT(Tktctl(forever.token(), {"whoami"}), ExitsWith(0));
  const v1::ListTokensResponse listed = TktctlJson<v1::ListTokensResponse>(
      kSupervisorToken, {"tokens", "list", "--inactive"});
  int expired = 0;
  for (const v1::TokenInfo& t : listed.tokens()) expired += t.state() == "expired";
  EXPECT_EQ(expired, 1);
}

TEST_F(IdentityE2eTest, BadArgumentsAreUsageErrorsOrNamedFieldsAndChangeNothing) {
  EXPECT_THAT(Tktctl(kAdminToken, {"tokens", "issue", "--ttl=soon"}), ExitsWith(kExitUsage));
  EXPECT_THAT(Tktctl(kAdminToken, {"tokens", "issue", "--ttl=0d"}), ExitsWith(kExitUsage));
  EXPECT_THAT(Tktctl(kAdminToken, {"users", "create", "dave", "boss"}), ExitsWith(kExitUsage));
  EXPECT_THAT(Tktctl(kAdminToken, {"users", "frobnicate"}), ExitsWith(kExitUsage));
  const CliResult too_long = Tktctl(kAdminToken, {"tokens", "issue", "--ttl=1200d"});
  EXPECT_THAT(too_long, ExitsWith(ExitCodeOf(absl::StatusCode::kInvalidArgument)));
  EXPECT_THAT(too_long.err, HasSubstr("ttl"));
  const CliResult no_reason = Tktctl(kAdminToken, {"users", "disable", kAgentName});
  EXPECT_THAT(no_reason, ExitsWith(ExitCodeOf(absl::StatusCode::kInvalidArgument)));
  EXPECT_THAT(no_reason.err, HasSubstr("reason"));
  EXPECT_THAT(Tktctl(kAgentToken, {"whoami"}), ExitsWith(0));  // not disabled
  const CliResult taken = Tktctl(kAdminToken, {"users", "create", kAgentName, "agent"});
  EXPECT_THAT(taken, ExitsWith(ExitCodeOf(absl::StatusCode::kAlreadyExists)));
  EXPECT_THAT(TktctlJson<v1::ListTokensResponse>(kAdminToken, {"tokens", "list"}).tokens(),
              SizeIs(1));  // only the config's
}

}  // namespace
}  // namespace ticketing::testing
