// The audit log on the real ticketd (docs/security.md, "Audit"): every denied call, with or
// without a token, and every administrative action, durable across kill -9, listable by
// admins only (the API and `tktctl audit`).
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_client.h"
#include "tests/e2e/tktctl_runner.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "ticketing/v1/admin_service.pb.h"

namespace ticketing::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

// Every record, oldest first.
std::vector<v1::AuditRecord> AllRecords(const E2eClient& admin) {
  v1::ListAuditRecordsRequest request;
  request.set_after_sequence(0);
  std::vector<v1::AuditRecord> all;
  // Oldest first from the start: after_sequence 0 would mean newest first, so page through
  // newest first and reverse.
  for (int page = 0; page < 1000; ++page) {
    absl::StatusOr<v1::ListAuditRecordsResponse> response = admin.Audit(request);
    EXPECT_THAT(response, IsOk());
    if (!response.ok()) break;
    for (const v1::AuditRecord& r : response->records()) all.insert(all.begin(), r);
    if (response->next_page_token().empty()) break;
    request.set_page_token(response->next_page_token());
  }
  return all;
}

// Waits until the log holds at least `count` records (denials are written in the
// background, within milliseconds) and returns them, oldest first.
std::vector<v1::AuditRecord> WaitForRecords(const E2eClient& admin, size_t count) {
  std::vector<v1::AuditRecord> all;
  for (const absl::Time deadline = absl::Now() + absl::Seconds(10); absl::Now() < deadline;) {
    all = AllRecords(admin);
    if (all.size() >= count) break;
    absl::SleepFor(absl::Milliseconds(20));  // polling for a condition, not waiting for time
  }
  return all;
}

// Records of `method`, oldest first.
std::vector<v1::AuditRecord> OfMethod(const std::vector<v1::AuditRecord>& all,
                                      absl::string_view method) {
  std::vector<v1::AuditRecord> out;
  for (const v1::AuditRecord& r : all) {
    if (r.method() == method) out.push_back(r);
  }
  return out;
}

TEST(AuditE2eTest, DenialsAndAdministrativeActionsAreRecordedDurablyWithWhoWhatAndWhere) {
  ServerProcess server(TICKETD_PATH);
  ASSERT_THAT(server.Start(), IsOk());
  E2eClient admin(server.Channel(), kAdminToken);
  E2eClient agent(server.Channel(), kAgentToken);
  E2eClient anonymous(server.Channel(), "");
  E2eClient forger(server.Channel(), "not-anybodys-token-000");

  // Denials: no token, an unknown token, a role that may not.
  EXPECT_THAT(anonymous.WhoAmI(), StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_));
  EXPECT_THAT(forger.WhoAmI(), StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_));
  agent.EnsureAccount("acme");
  v1::SetServiceTierRequest tier;
  tier.set_account_id("acme");
  tier.set_version(1);
  tier.set_tier(v1::SERVICE_TIER_KEY);
  tier.set_reason("agents may not");
  EXPECT_THAT(E2eClient(server.Channel(), kTechnicianTomToken).SetServiceTier(tier),
              StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  EXPECT_THAT(agent.Audit(v1::ListAuditRecordsRequest()),
              StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  // An administrative action, answered once its record is durable.
  absl::StatusOr<v1::SlaConfig> config = admin.GetSlaConfig();
  ASSERT_THAT(config, IsOk());
  v1::ReplaceSlaConfigRequest replace;
  replace.set_expected_version(config->version());
  *replace.mutable_calendars() = config->calendars();
  *replace.mutable_sla_policies() = config->sla_policies();
  *replace.mutable_escalation_levels() = config->escalation_levels();
  *replace.mutable_escalation_rules() = config->escalation_rules();
  replace.set_reason("same set, stored");
  ASSERT_THAT(admin.ReplaceSlaConfig(replace), IsOk());

  std::vector<v1::AuditRecord> before = WaitForRecords(admin, 5);
  ASSERT_THAT(before, SizeIs(5));
  // Nothing written by the background writer may be lost to a crash once it is listed, and
  // the administrative action was durable before its answer.
  ASSERT_THAT(server.Kill9(), IsOk());
  ASSERT_THAT(server.Start(), IsOk());
  E2eClient admin_again(server.Channel(), kAdminToken);
  std::vector<v1::AuditRecord> all = AllRecords(admin_again);
  ASSERT_THAT(all, SizeIs(5));
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].sequence(), static_cast<int64_t>(i + 1));
    EXPECT_THAT(all[i].peer(), HasSubstr("127.0.0.1")) << all[i].DebugString();
    EXPECT_GT(all[i].time().seconds(), 0);
  }
  std::vector<v1::AuditRecord> who = OfMethod(all, "ticketing.v1.AdminService/WhoAmI");
  ASSERT_THAT(who, SizeIs(2));
  for (const v1::AuditRecord& r : who) {
    EXPECT_EQ(r.kind(), v1::AuditRecord::KIND_DENIAL);
    EXPECT_EQ(r.actor(), "anonymous");
    EXPECT_EQ(r.role(), "");
    EXPECT_EQ(r.code(), "UNAUTHENTICATED");
  }
  std::vector<v1::AuditRecord> set = OfMethod(all, "ticketing.v1.AccountService/SetServiceTier");
  ASSERT_THAT(set, SizeIs(1));
  EXPECT_EQ(set[0].kind(), v1::AuditRecord::KIND_DENIAL);
  EXPECT_EQ(set[0].actor(), "tom");
  EXPECT_EQ(set[0].role(), "technician");
  EXPECT_EQ(set[0].target(), "acme");
  EXPECT_EQ(set[0].code(), "PERMISSION_DENIED");
  EXPECT_THAT(set[0].message(), HasSubstr("may not"));
  std::vector<v1::AuditRecord> audit = OfMethod(all, "ticketing.v1.AdminService/ListAuditRecords");
  ASSERT_THAT(audit, SizeIs(1));
  EXPECT_EQ(audit[0].actor(), "alice");
  std::vector<v1::AuditRecord> replaced =
      OfMethod(all, "ticketing.v1.AdminService/ReplaceSlaConfig");
  ASSERT_THAT(replaced, SizeIs(1));
  EXPECT_EQ(replaced[0].kind(), v1::AuditRecord::KIND_ADMIN_ACTION);
  EXPECT_EQ(replaced[0].actor(), "root");
  EXPECT_EQ(replaced[0].role(), "admin");
  EXPECT_EQ(replaced[0].code(), "OK");
  // The record of an administrative action comes before its answer, so before the listings
  // above, which are not recorded themselves (an admin may list).
  EXPECT_EQ(all.back().method(), "ticketing.v1.AdminService/ReplaceSlaConfig");
}

TEST(AuditE2eTest, TheLogIsFilteredPagedAndFollowedOldestFirst) {
  ServerProcess server(TICKETD_PATH);
  ASSERT_THAT(server.Start(), IsOk());
  E2eClient admin(server.Channel(), kAdminToken);
  E2eClient tom(server.Channel(), kTechnicianTomToken);
  for (int i = 0; i < 7; ++i) {
    EXPECT_THAT(E2eClient(server.Channel(), "").WhoAmI(),
                StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_));
  }
  for (int i = 0; i < 3; ++i) {
    EXPECT_THAT(tom.VerifyStore(), StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  }
  ASSERT_THAT(WaitForRecords(admin, 10), SizeIs(10));

  v1::ListAuditRecordsRequest by_tom;
  by_tom.set_actor("tom");
  absl::StatusOr<v1::ListAuditRecordsResponse> toms = admin.Audit(by_tom);
  ASSERT_THAT(toms, IsOk());
  ASSERT_THAT(toms->records(), SizeIs(3));
  EXPECT_GT(toms->records(0).sequence(), toms->records(1).sequence());  // newest first

  v1::ListAuditRecordsRequest paged;
  paged.set_page_size(4);
  paged.set_actor("anonymous");
  std::vector<int64_t> sequences;
  for (int page = 0; page < 10; ++page) {
    absl::StatusOr<v1::ListAuditRecordsResponse> response = admin.Audit(paged);
    ASSERT_THAT(response, IsOk());
    EXPECT_LE(response->records_size(), 4);
    for (const v1::AuditRecord& r : response->records()) sequences.push_back(r.sequence());
    if (response->next_page_token().empty()) break;
    paged.set_page_token(response->next_page_token());
  }
  EXPECT_THAT(sequences, SizeIs(7));
  EXPECT_TRUE(std::is_sorted(sequences.rbegin(), sequences.rend()));

  v1::ListAuditRecordsRequest follow;
  follow.set_after_sequence(8);
  absl::StatusOr<v1::ListAuditRecordsResponse> tail = admin.Audit(follow);
  ASSERT_THAT(tail, IsOk());
  ASSERT_THAT(tail->records(), SizeIs(2));
  EXPECT_EQ(tail->records(0).sequence(), 9);
  EXPECT_EQ(tail->records(1).sequence(), 10);

  // A token from one filter is refused with another.
  paged.set_actor("tom");
  EXPECT_THAT(admin.Audit(paged), StatusIs(absl::StatusCode::kInvalidArgument,
                                           HasSubstr("page_token")));
  v1::ListAuditRecordsRequest bad;
  bad.set_page_size(5000);
  EXPECT_THAT(admin.Audit(bad), StatusIs(absl::StatusCode::kInvalidArgument,
                                         HasSubstr("page_size")));

  // tktctl audit, as an admin would read it.
  CliResult table = RunTktctl(TKTCTL_PATH, server.address(), kAdminToken, {"audit", "--denials"});
  EXPECT_THAT(table, ExitsWith(0));
  EXPECT_THAT(table.out, HasSubstr("SEQ"));
  EXPECT_THAT(table.out, HasSubstr("ticketing.v1.AdminService/VerifyStore"));
  EXPECT_THAT(table.out, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(table.out, HasSubstr("anonymous"));
  v1::ListAuditRecordsResponse json = RunTktctlJson<v1::ListAuditRecordsResponse>(
      TKTCTL_PATH, server.address(), kAdminToken, {"audit", "--after=9"});
  ASSERT_THAT(json.records(), SizeIs(1));
  EXPECT_EQ(json.records(0).sequence(), 10);
}

}  // namespace
}  // namespace ticketing::testing
