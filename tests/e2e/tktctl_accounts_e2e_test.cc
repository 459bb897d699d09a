// End-to-end tests of `tktctl accounts` (create, show, list, tier, reclassify, import,
// export) and `tktctl queue` against a real ticketd. CSV files are written into the
// server's own test directory.
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/tktctl_runner.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "ticketing/v1/account.pb.h"
#include "ticketing/v1/ticket.pb.h"
#include "ticketing/v1/ticket_service.pb.h"

namespace ticketing::testing {
namespace {

using ::testing::AllOf;
using ::testing::ContainsRegex;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::vector<std::string> IdsOf(const v1::ListAccountsResponse& response) {
  std::vector<std::string> ids;
  for (const v1::Account& a : response.accounts()) ids.push_back(a.id());
  return ids;
}

// One 24x7 SLA policy for every ticket: first response 1h, resolution 8h.
constexpr char kQueueConfig[] = R"pb(
  calendars { name: "always" time_zone: "UTC" always_open: true }
  sla_policies { name: "standard" first_response: "1h" resolution: "8h" calendar: "always" }
)pb";

class TktctlAccountsE2eTest : public TktctlServerTest {
 protected:
  using TktctlServerTest::TktctlServerTest;

  // Writes `content` to a file in the server's directory; returns its path.
  std::string WriteCsv(const std::string& name, const std::string& content) {
    const std::string path = absl::StrCat(server_.dir(), "/", name);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    EXPECT_TRUE(out.good()) << path;
    return path;
  }

  CliResult Import(const std::string& path, std::vector<std::string> flags = {}) {
    std::vector<std::string> args = {"accounts", "import", path};
    args.insert(args.end(), flags.begin(), flags.end());
    return Tktctl(kAdminToken, args);
  }

  v1::ListAccountsResponse ListAll() {
    return TktctlJson<v1::ListAccountsResponse>(kAgentToken, {"accounts", "list", "--all"});
  }

  v1::Account Show(const std::string& id) {
    return TktctlJson<v1::Account>(kAgentToken, {"accounts", "show", id});
  }

  // `accounts create ID` as the supervisor (who may set sales and profit) with --name=ID and
  // the given flags.
  void CreateAccount(const std::string& id, const std::string& channel,
                     std::vector<std::string> flags = {}) {
    std::vector<std::string> args = {"accounts", "create", id, "--name=" + id,
                                     "--channel=" + channel};
    args.insert(args.end(), flags.begin(), flags.end());
    ASSERT_THAT(Tktctl(kSupervisorToken, args), ExitsWith(0));
  }

  // A repair ticket of `account` created by the agent, assigned to `assignee`.
  v1::Ticket CreateTicket(const std::string& account, const std::string& assignee,
                          const std::string& summary) {
    return TktctlJson<v1::Ticket>(
        kAgentToken, {"create", "--kind=repair", "--account=" + account, "--summary=" + summary,
                      "--contact_name=Ann Customer", "--contact_phone=+86 571 5550100",
                      "--assignee=" + assignee});
  }
};

TEST_F(TktctlAccountsE2eTest, ImportReadsQuotedFieldsThenListAndShowPrintThem) {
  const std::string path = WriteCsv(
      "quoted.csv",
      "name,id,channel_tier,sales_current,region,key_persons\n"
      "\"Acme, \"\"the best\"\" Ltd\",A-1,distributor,1234.56,cn/zj,"
      "\"Li Wei|buyer|+86 571 5550101|li@acme.cn|true;Zhou|user\"\r\n"
      "Beta Stores,A-2,CHANNEL_TIER_KA_RETAIL_CHAIN,12,,\n");
  const CliResult imported = Import(path);
  ASSERT_THAT(imported, ExitsWith(0));
  EXPECT_THAT(imported.out, HasSubstr("created 2, updated 0, unchanged 0, skipped 0"));

  const v1::ListAccountsResponse all = ListAll();
  EXPECT_THAT(IdsOf(all), ElementsAre("A-1", "A-2"));
  const v1::Account acme = Show("A-1");
  EXPECT_EQ(acme.name(), "Acme, \"the best\" Ltd");
  EXPECT_EQ(acme.sales_current(), 123456);
  EXPECT_EQ(acme.channel_tier(), v1::CHANNEL_TIER_DISTRIBUTOR);
  ASSERT_EQ(acme.key_persons_size(), 2);
  EXPECT_EQ(acme.key_persons(0).role(), v1::KEY_PERSON_ROLE_BUYER);
  EXPECT_TRUE(acme.key_persons(0).notify_on_escalation());
  EXPECT_EQ(acme.key_persons(1).name(), "Zhou");
  EXPECT_EQ(Show("A-2").channel_tier(), v1::CHANNEL_TIER_KA_RETAIL_CHAIN);

  const CliResult table = Tktctl(kAgentToken, {"accounts", "list"});
  ASSERT_THAT(table, ExitsWith(0));
  EXPECT_THAT(table.out, ContainsRegex("\nA-1 +Acme, \"the best\" Ltd +distributor +cn/zj +"
                                       "standard +1234.56 +0.00\n"));
  const CliResult shown = Tktctl(kAgentToken, {"accounts", "show", "A-1"});
  ASSERT_THAT(shown, ExitsWith(0));
  EXPECT_THAT(shown.out, ContainsRegex("\nname: +Acme, \"the best\" Ltd\n"));
  EXPECT_THAT(shown.out, ContainsRegex("\ntier_origin: +COMPUTED"));
  EXPECT_THAT(shown.out, HasSubstr("Li Wei (buyer)  +86 571 5550101  li@acme.cn  notify"));
}

TEST_F(TktctlAccountsE2eTest, RowsThatCannotBeReadAreAllReportedByLineAndNothingIsSent) {
  const std::string path = WriteCsv(
      "bad.csv",
      "id,name,channel_tier,sales_current,loyalty_note\n"  // line 1
      "G-1,Good one,distributor,10,\"two\n"                // line 2, a note of two lines
      "lines\"\n"
      "B-1,Bad number,distributor,\"12,x\",\n"  // line 4
      "\n"
      "G-2,Good two,small_retail,5,\n"
      "B-2,Bad tier,wholesale,1,\n");  // line 7
  const CliResult refused = Import(path);
  EXPECT_THAT(refused, ExitsWith(kExitUsage));
  EXPECT_THAT(refused.err, HasSubstr("2 of 4 rows cannot be read; nothing was sent"));
  EXPECT_THAT(refused.err, HasSubstr("line 4, column sales_current: not a number: 12,x"));
  EXPECT_THAT(refused.err, HasSubstr("line 7, column channel_tier: unknown channel tier "
                                     "'wholesale'"));
  EXPECT_THAT(ListAll().accounts(), IsEmpty());

  const CliResult skipped = Import(path, {"--skip_invalid"});
  ASSERT_THAT(skipped, ExitsWith(0));
  EXPECT_THAT(skipped.out, ContainsRegex("line 4, column sales_current: [^\n]*\n"
                                         "line 7, column channel_tier: [^\n]*\n"
                                         "created 2, updated 0, unchanged 0, skipped 2\n"));
  EXPECT_THAT(IdsOf(ListAll()), ElementsAre("G-1", "G-2"));
  EXPECT_EQ(Show("G-1").loyalty_note(), "two\nlines");
}

TEST_F(TktctlAccountsE2eTest, RowsTheServerRefusesAreReportedByTheirFileLine) {
  const std::string path = WriteCsv("refused.csv",
                                    "id,name,channel_tier,account_manager\n"
                                    "S-1,Fine,consumer,sue\n"
                                    "S-2,Managed by nobody,consumer,nobody\n"  // line 3
                                    "\n"
                                    "S-1,Twice,consumer,\n");  // line 5
  const CliResult refused = Import(path);
  EXPECT_THAT(refused, ExitsWith(ExitCodeOf(absl::StatusCode::kInvalidArgument)));
  EXPECT_THAT(refused.err, HasSubstr("line 3: account_manager: unknown user nobody"));
  EXPECT_THAT(refused.err, ContainsRegex("line 5: id: [^\n]*twice"));
  EXPECT_THAT(refused.err, Not(HasSubstr("accounts[")));
  EXPECT_THAT(ListAll().accounts(), IsEmpty());

  const CliResult dry = Import(path, {"--skip_invalid", "--dry_run"});
  ASSERT_THAT(dry, ExitsWith(0));
  EXPECT_THAT(dry.out, HasSubstr("created 1, updated 0, unchanged 0, skipped 2 (dry run"));
  EXPECT_THAT(ListAll().accounts(), IsEmpty());

  const CliResult skipped = Import(path, {"--skip_invalid"});
  ASSERT_THAT(skipped, ExitsWith(0));
  EXPECT_THAT(skipped.out, ContainsRegex("line 3: account_manager: unknown user nobody\n"
                                         "line 5: id: [^\n]*\n"
                                         "created 1, updated 0, unchanged 0, skipped 2\n"));
  EXPECT_THAT(IdsOf(ListAll()), ElementsAre("S-1"));
}

TEST_F(TktctlAccountsE2eTest, ExportedFileImportsBackUnchanged) {
  const std::string path = WriteCsv(
      "source.csv",
      "id,name,channel_tier,region,sales_current,sales_previous,profit_current,"
      "profit_previous,loyalty_note,account_manager,potential_key_flag,key_persons\n"
      "E-1,\"Comma, \"\"Quote\"\"\",distributor,cn/zj/hz,1000.5,900,-20.05,3,"
      "\"since 2019\nloyal\",sue,yes,\"Wu \\| Sons|decision_maker|||false\"\n"
      "E-2,  Plain  ,consumer,,0,0,0,0,,,no,\n");
  ASSERT_THAT(Import(path), ExitsWith(0));
  CreateAccount("E-3", "small_retail", {"--sales=7.5", "--profit=-1", "--potential_key"});

  const std::string exported = absl::StrCat(server_.dir(), "/exported.csv");
  const CliResult to_file = Tktctl(kAgentToken, {"accounts", "export", exported});
  ASSERT_THAT(to_file, ExitsWith(0));
  EXPECT_THAT(to_file.out, HasSubstr("exported 3 accounts"));
  const std::string csv = ReadFileOrEmpty(exported);
  EXPECT_THAT(csv, HasSubstr("id,name,channel_tier,region,sales_current,sales_previous,"
                             "profit_current,profit_previous,loyalty_note,account_manager,"
                             "potential_key_flag,key_persons\r\n"));
  EXPECT_THAT(csv, HasSubstr("E-1,\"Comma, \"\"Quote\"\"\",distributor,cn/zj/hz,1000.50,"
                             "900.00,-20.05,3.00,\"since 2019\nloyal\",sue,true,"));
  const CliResult to_stdout = Tktctl(kAgentToken, {"accounts", "export"});
  ASSERT_THAT(to_stdout, ExitsWith(0));
  EXPECT_EQ(to_stdout.out, csv);

  const CliResult again = Import(exported);
  ASSERT_THAT(again, ExitsWith(0));
  EXPECT_THAT(again.out, HasSubstr("created 0, updated 0, unchanged 3, skipped 0"));
  EXPECT_EQ(Show("E-1").key_persons(0).name(), "Wu | Sons");
}

TEST_F(TktctlAccountsE2eTest, ReclassifyShowsTheMovesAndAppliesThemOnlyWhenAsked) {
  // 500 + 300 is 80% of the distributors' 1000, so D-1 and D-2 become key accounts.
  CreateAccount("D-1", "distributor", {"--sales=500"});
  CreateAccount("D-2", "distributor", {"--sales=300"});
  CreateAccount("D-3", "distributor", {"--sales=200"});
  const v1::Ticket ticket = CreateTicket("D-1", "tom", "Pump broken");

  const CliResult dry = Tktctl(kSupervisorToken, {"accounts", "reclassify"});
  ASSERT_THAT(dry, ExitsWith(0));
  EXPECT_THAT(dry.out, ContainsRegex("\nD-1 +distributor +standard -> key +key by sales"));
  EXPECT_THAT(dry.out, ContainsRegex("\nD-2 +distributor +standard -> key +key by sales"));
  EXPECT_THAT(dry.out, Not(HasSubstr("D-3")));
  EXPECT_THAT(dry.out, HasSubstr("3 accounts, 2 up, 0 down, applied: no, tickets moved: 0\n"));
  EXPECT_EQ(Show("D-1").service_tier(), v1::SERVICE_TIER_STANDARD);

  const CliResult applied = Tktctl(kSupervisorToken, {"accounts", "reclassify", "--apply"});
  ASSERT_THAT(applied, ExitsWith(0));
  EXPECT_THAT(applied.out, HasSubstr("3 accounts, 2 up, 0 down, applied: yes, tickets moved: 1"));
  EXPECT_EQ(Show("D-1").service_tier(), v1::SERVICE_TIER_KEY);
  EXPECT_EQ(Show("D-2").service_tier(), v1::SERVICE_TIER_KEY);
  EXPECT_EQ(Show("D-3").service_tier(), v1::SERVICE_TIER_STANDARD);
  EXPECT_EQ(TktctlJson<v1::Ticket>(kAgentToken, {"get", ticket.id()}).service_tier(),
            v1::SERVICE_TIER_KEY);
  const v1::ListAccountsResponse keys =
      TktctlJson<v1::ListAccountsResponse>(kAgentToken, {"accounts", "list", "--tier=key"});
  EXPECT_THAT(IdsOf(keys), ElementsAre("D-1", "D-2"));

  const CliResult settled = Tktctl(kSupervisorToken, {"accounts", "reclassify"});
  EXPECT_THAT(settled.out, HasSubstr("no tier changes\n3 accounts, 0 up, 0 down"));
}

TEST_F(TktctlAccountsE2eTest, ManualTierIsShownAsManualUntilCleared) {
  CreateAccount("M-1", "consumer");
  EXPECT_THAT(Tktctl(kSupervisorToken, {"accounts", "tier", "M-1", "potential_key"}),
              ExitsWith(kExitUsage));  // no --reason
  const CliResult set = Tktctl(kSupervisorToken, {"accounts", "tier", "M-1", "potential_key",
                                                  "--reason=opening 40 stores next year"});
  ASSERT_THAT(set, ExitsWith(0));
  const CliResult shown = Tktctl(kAgentToken, {"accounts", "show", "M-1"});
  EXPECT_THAT(shown.out, ContainsRegex("\ntier: +potential_key\n"));
  EXPECT_THAT(shown.out,
              ContainsRegex("\ntier_origin: +MANUAL by sue at [^\n]*: opening 40 stores"));
  EXPECT_THAT(shown.out, ContainsRegex("\nmanual_tier: +potential_key\n"));
  const CliResult history = Tktctl(kAgentToken, {"accounts", "history", "M-1"});
  EXPECT_THAT(history.out, AllOf(HasSubstr("created"), HasSubstr("tier_set")));

  EXPECT_THAT(Tktctl(kSupervisorToken,
                     {"accounts", "tier", "M-1", "key", "--reason=x", "--version=1"}),
              ExitsWith(ExitCodeOf(absl::StatusCode::kAborted)));
  ASSERT_THAT(Tktctl(kSupervisorToken, {"accounts", "tier", "M-1", "clear", "--reason=done"}),
              ExitsWith(0));
  const v1::Account cleared = Show("M-1");
  EXPECT_EQ(cleared.tier_origin().source(), v1::TIER_SOURCE_COMPUTED);
  EXPECT_EQ(cleared.service_tier(), v1::SERVICE_TIER_STANDARD);
}

TEST_F(TktctlAccountsE2eTest, CreateRefusesBadMoneyBeforeCallingTheServer) {
  const CliResult comma = Tktctl(kAgentToken, {"accounts", "create", "X-1", "--name=X",
                                               "--channel=consumer", "--sales=12,5"});
  EXPECT_THAT(comma, ExitsWith(kExitUsage));
  EXPECT_THAT(comma.err, HasSubstr("--sales: not a number: 12,5"));
  const CliResult cents = Tktctl(kAgentToken, {"accounts", "create", "X-1", "--name=X",
                                               "--channel=consumer", "--profit=1.234"});
  EXPECT_THAT(cents, ExitsWith(kExitUsage));
  EXPECT_THAT(cents.err, HasSubstr("--profit: more than 2 decimals: 1.234"));
  EXPECT_THAT(Tktctl(kAgentToken, {"accounts", "create", "X-1", "--name=X", "--channel=shop"}),
              ExitsWith(kExitUsage));
  EXPECT_THAT(ListAll().accounts(), IsEmpty());
}

// The test clock starts on Monday 2026-01-05 09:00 UTC; every ticket gets kQueueConfig's
// policy, so the first response of a ticket created at T is due at T + 1h.
class TktctlQueueE2eTest : public TktctlAccountsE2eTest {
 protected:
  TktctlQueueE2eTest()
      : TktctlAccountsE2eTest(kQueueConfig,
                              {"--test_clock", "--test_clock_start=2026-01-05T09:00:00Z"}) {}

  void Advance(const std::string& by) {
    ASSERT_THAT(Tktctl(kAdminToken, {"clock", "advance", by}), ExitsWith(0));
  }
};

TEST_F(TktctlQueueE2eTest, QueueMineListsTheCallersTicketsBreachedFirst) {
  CreateAccount("Q-1", "consumer");
  const v1::Ticket early = CreateTicket("Q-1", "tom", "Door seal");  // due 10:00
  Advance("30m");
  const v1::Ticket later = CreateTicket("Q-1", "tom", "Drum noise");  // due 10:30
  const v1::Ticket other = CreateTicket("Q-1", "tim", "Not for tom");
  Advance("45m");  // 10:15: the first is 15 minutes past its first response

  const CliResult mine = Tktctl(kTechnicianTomToken, {"queue", "mine"});
  ASSERT_THAT(mine, ExitsWith(0));
  EXPECT_THAT(mine.out, ContainsRegex("^POS +TICKET +PRI +TIER +BREACHED +NEXT DUE +LEFT +"
                                      "STATUS +SUMMARY\n"));
  EXPECT_THAT(mine.out, ContainsRegex(absl::StrCat(
                            "\n1 +", early.id(), " +p[1-4] +standard +BREACHED +"
                            "2026-01-05T10:00:00Z +-15m +assigned +Door seal\n"
                            "2 +", later.id(), " +p[1-4] +standard +2026-01-05T10:30:00Z +"
                            "15m +assigned +Drum noise\n")));
  EXPECT_THAT(mine.out, Not(HasSubstr("Not for tom")));

  const v1::ListWorkQueueResponse paged = TktctlJson<v1::ListWorkQueueResponse>(
      kTechnicianTomToken, {"queue", "mine", "--page_size=1", "--all"});
  ASSERT_EQ(paged.items_size(), 2);
  EXPECT_EQ(paged.items(0).ticket().id(), early.id());
  EXPECT_EQ(paged.items(1).ticket().id(), later.id());

  EXPECT_THAT(Tktctl(kSupervisorToken, {"queue", "user", "tim"}).out, HasSubstr(other.id()));
  EXPECT_THAT(Tktctl(kTechnicianTomToken, {"queue", "user", "tim"}),
              ExitsWith(ExitCodeOf(absl::StatusCode::kPermissionDenied)));
}

}  // namespace
}  // namespace ticketing::testing
