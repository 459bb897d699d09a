// Accounts: records, history, overrides, classification, import, and the tickets they move.
#include <thread>

#include "absl/synchronization/notification.h"
#include "server/domain/accounts/account_service.h"

#include "tests/server/domain/account_fixture.h"
#include "storage/keys.h"

namespace ticketing::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::ticketing::testing::IsOk;
using ::ticketing::testing::StatusIs;

class AccountServiceTest : public AccountFixture {};

TEST_F(AccountServiceTest, CreatedAccountStartsStandardUntilClassified) {
  v1::Account a = NewAccount("ACME", v1::CHANNEL_TIER_DISTRIBUTOR, 100000);
  a.set_account_manager("mia");
  v1::KeyPerson* buyer = a.add_key_persons();
  buyer->set_name("Zhang Wei");
  buyer->set_role(v1::KEY_PERSON_ROLE_BUYER);
  buyer->set_email("zhang@acme.example");
  buyer->set_notify_on_escalation(true);
  const v1::Account created = AddAccount(a);
  EXPECT_EQ(created.version(), 1);
  EXPECT_EQ(created.service_tier(), v1::SERVICE_TIER_STANDARD);
  EXPECT_EQ(created.tier_origin().source(), v1::TIER_SOURCE_COMPUTED);
  EXPECT_EQ(created.created_by(), "sue");
  auto read = accounts_->Get(kTom, Named("ACME"));
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(read->key_persons(0).name(), "Zhang Wei");
  v1::CreateAccountRequest again;
  *again.mutable_account() = a;
  EXPECT_THAT(accounts_->Create(kSue, again),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("account.id")));
}

TEST_F(AccountServiceTest, BadFieldsAreRefusedNamingTheField) {
  struct Case {
    std::function<void(v1::Account&)> spoil;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](v1::Account& a) { a.clear_name(); }, "account.name"},
      {[](v1::Account& a) { a.clear_channel_tier(); }, "account.channel_tier"},
      {[](v1::Account& a) { a.set_id("bad id"); }, "account.id"},
      {[](v1::Account& a) { a.set_sales_current(-1); }, "account.sales_current"},
      {[](v1::Account& a) { a.set_account_manager("nobody"); }, "account.account_manager"},
      {[](v1::Account& a) { a.add_key_persons()->set_name("X"); a.mutable_key_persons(0)->set_email("no-at"); },
       "account.key_persons[0].email"},
  };
  for (const Case& c : cases) {
    v1::CreateAccountRequest request;
    *request.mutable_account() = NewAccount("A1", v1::CHANNEL_TIER_CONSUMER, 1);
    c.spoil(*request.mutable_account());
    EXPECT_THAT(accounts_->Create(kAlice, request),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.field)));
  }
  v1::CreateAccountRequest request;
  *request.mutable_account() = NewAccount("A1", v1::CHANNEL_TIER_CONSUMER, 1);
  EXPECT_THAT(accounts_->Create(kTom, request), StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  EXPECT_THAT(accounts_->Get(kAlice, Named("A1")), StatusIs(absl::StatusCode::kNotFound, ::testing::_));
}

TEST_F(AccountServiceTest, UpdateIsVersionCheckedAndKeptInTheHistory) {
  const v1::Account a = AddAccount(NewAccount("ACME", v1::CHANNEL_TIER_DISTRIBUTOR, 100));
  v1::UpdateAccountRequest update;
  *update.mutable_account() = a;
  update.mutable_account()->set_sales_current(250);
  update.mutable_account()->set_loyalty_note("four years, an advocate");
  update.mutable_update_mask()->add_paths("sales_current");
  update.mutable_update_mask()->add_paths("loyalty_note");
  update.set_reason("period figures");
  // Sales and profit decide key accounts: an agent may not set them.
  EXPECT_THAT(accounts_->Update(kAlice, update),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("account.sales_current")));
  auto updated = accounts_->Update(kSue, update);
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->version(), 2);
  EXPECT_EQ(updated->sales_current(), 250);
  EXPECT_THAT(accounts_->Update(kSue, update), StatusIs(absl::StatusCode::kAborted, ::testing::_));
  update.mutable_update_mask()->add_paths("service_tier");
  update.mutable_account()->set_version(2);
  EXPECT_THAT(accounts_->Update(kSue, update),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("service_tier")));

  v1::ListAccountEventsRequest history;
  history.set_account_id("ACME");
  auto events = accounts_->ListEvents(kTom, history);
  ASSERT_THAT(events, IsOk());
  ASSERT_THAT(events->events(), SizeIs(2));
  EXPECT_EQ(events->events(0).type(), v1::ACCOUNT_EVENT_TYPE_CREATED);
  const v1::AccountEvent& change = events->events(1);
  EXPECT_EQ(change.type(), v1::ACCOUNT_EVENT_TYPE_UPDATED);
  EXPECT_EQ(change.reason(), "period figures");
  ASSERT_THAT(change.changes(), SizeIs(2));
  EXPECT_EQ(change.changes(0).field(), "sales_current");
  EXPECT_EQ(change.changes(0).old_value(), "100");
  EXPECT_EQ(change.changes(0).new_value(), "250");
}

TEST_F(AccountServiceTest, TechniciansSeeKeyPersonsContactsOnlyForAccountsOfTheirOpenTickets) {
  v1::Account acme = NewAccount("ACME", v1::CHANNEL_TIER_DISTRIBUTOR, 100);
  v1::KeyPerson* chen = acme.add_key_persons();
  chen->set_name("Chen Jie");
  chen->set_role(v1::KEY_PERSON_ROLE_DECISION_MAKER);
  chen->set_phone("+86 571 5550123");
  chen->set_email("chen.jie@example.com");
  AddAccount(acme);
  v1::UpdateAccountRequest update;  // a history entry that names the key persons
  *update.mutable_account() = *accounts_->Get(kSue, Named("ACME"));
  update.mutable_account()->mutable_key_persons(0)->set_phone("+86 571 5550124");
  update.mutable_update_mask()->add_paths("key_persons");
  ASSERT_THAT(accounts_->Update(kAlice, update), IsOk());

  auto contacts = [&](const Principal& who) {
    absl::StatusOr<v1::Account> a = accounts_->Get(who, Named("ACME"));
    EXPECT_THAT(a, IsOk());
    return a.ok() ? a->key_persons(0).phone() + " " + a->key_persons(0).email() : "";
  };
  EXPECT_EQ(contacts(kAlice), "+86 571 5550124 chen.jie@example.com");
  EXPECT_EQ(contacts(kTom), " ");  // no ticket of ACME: name and role only
  EXPECT_EQ(accounts_->Get(kTom, Named("ACME"))->key_persons(0).name(), "Chen Jie");

  CreateTicket("ACME", "tom");
  EXPECT_EQ(contacts(kTom), "+86 571 5550124 chen.jie@example.com");
  EXPECT_EQ(contacts(kTim), " ");  // not tim's ticket
  v1::ListAccountsRequest list;
  EXPECT_EQ(accounts_->List(kTim, list)->accounts(0).key_persons(0).phone(), "");
  EXPECT_EQ(accounts_->List(kTom, list)->accounts(0).key_persons(0).phone(), "+86 571 5550124");
  v1::ListAccountEventsRequest history;
  history.set_account_id("ACME");
  const v1::AccountEvent changed = accounts_->ListEvents(kTim, history)->events(1);
  ASSERT_EQ(changed.changes(0).field(), "key_persons");
  EXPECT_EQ(changed.changes(0).new_value(), "(withheld)");
  EXPECT_THAT(accounts_->ListEvents(kTom, history)->events(1).changes(0).new_value(),
              HasSubstr("5550124"));
}

TEST_F(AccountServiceTest, OnlySupervisorsAndAdminsSetSalesAndProfit) {
  v1::CreateAccountRequest create;
  *create.mutable_account() = NewAccount("BIG", v1::CHANNEL_TIER_DISTRIBUTOR, 0, 5000);
  EXPECT_THAT(accounts_->Create(kAlice, create),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("account.profit_current")));
  *create.mutable_account() = NewAccount("BIG", v1::CHANNEL_TIER_DISTRIBUTOR, 0);
  ASSERT_THAT(accounts_->Create(kAlice, create), IsOk());  // no figures: an agent may
  v1::UpdateAccountRequest update;
  *update.mutable_account() = *accounts_->Get(kAlice, Named("BIG"));
  update.mutable_account()->set_sales_previous(90000);
  update.mutable_account()->set_loyalty_note("ten years");
  update.mutable_update_mask()->add_paths("sales_previous");
  update.mutable_update_mask()->add_paths("loyalty_note");
  EXPECT_THAT(accounts_->Update(kAlice, update),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("account.sales_previous")));
  EXPECT_THAT(accounts_->Update(kRoot, update), IsOk());
  // Naming a figure without changing it is no edit of it.
  *update.mutable_account() = *accounts_->Get(kAlice, Named("BIG"));
  update.mutable_account()->set_loyalty_note("eleven years");
  EXPECT_THAT(accounts_->Update(kAlice, update), IsOk());
}

TEST_F(AccountServiceTest, ListFiltersAndPagesInIdOrder) {
  for (int i = 0; i < 30; ++i) {
    v1::Account a = NewAccount(absl::StrCat("A", 100 + i),
                               i % 3 == 0 ? v1::CHANNEL_TIER_SMALL_RETAIL : v1::CHANNEL_TIER_CONSUMER, i);
    a.set_region(i % 2 == 0 ? "cn/zhejiang/hangzhou" : "cn/jiangsu/nanjing");
    AddAccount(a);
  }
  v1::ListAccountsRequest request;
  request.set_channel_tier(v1::CHANNEL_TIER_SMALL_RETAIL);
  request.set_region("cn/zhejiang");
  request.set_page_size(2);
  std::vector<std::string> ids;
  for (int page = 0; page < 20; ++page) {
    auto response = accounts_->List(kTom, request);
    ASSERT_THAT(response, IsOk());
    for (const v1::Account& a : response->accounts()) ids.push_back(a.id());
    if (response->next_page_token().empty()) break;
    request.set_page_token(response->next_page_token());
  }
  // i % 3 == 0 and i even: 0, 6, 12, 18, 24.
  EXPECT_THAT(ids, ElementsAre("A100", "A106", "A112", "A118", "A124"));
  request.set_channel_tier(v1::CHANNEL_TIER_CONSUMER);
  EXPECT_THAT(accounts_->List(kTom, request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
}

TEST_F(AccountServiceTest, ReclassifyDryRunChangesNothingAndApplyMovesTiersAtomically) {
  // Distributors 500, 300, 200: 500 + 300 = 80% exactly, so D1 and D2 are KEY by sales.
  AddAccount(NewAccount("D1", v1::CHANNEL_TIER_DISTRIBUTOR, 500, 10));
  AddAccount(NewAccount("D2", v1::CHANNEL_TIER_DISTRIBUTOR, 300, 10));
  AddAccount(NewAccount("D3", v1::CHANNEL_TIER_DISTRIBUTOR, 200, 80));  // KEY by profit
  AddAccount(NewAccount("R1", v1::CHANNEL_TIER_SMALL_RETAIL, 10, 0));   // alone: KEY
  v1::ReclassifyAccountsRequest dry;
  auto preview = accounts_->Reclassify(kSue, dry);
  ASSERT_THAT(preview, IsOk());
  EXPECT_FALSE(preview->applied());
  EXPECT_EQ(preview->accounts(), 4);
  EXPECT_EQ(preview->upgraded(), 4);
  EXPECT_EQ(accounts_->Get(kSue, Named("D1"))->service_tier(), v1::SERVICE_TIER_STANDARD);

  v1::ReclassifyAccountsRequest apply;
  apply.set_apply(true);
  auto applied = accounts_->Reclassify(kSue, apply);
  ASSERT_THAT(applied, IsOk());
  EXPECT_TRUE(applied->applied());
  ASSERT_THAT(applied->moves(), SizeIs(4));
  EXPECT_EQ(applied->moves(0).account_id(), "D1");
  EXPECT_EQ(applied->moves(0).to_tier(), v1::SERVICE_TIER_KEY);
  EXPECT_THAT(applied->moves(0).reason(), HasSubstr("key by sales"));
  EXPECT_THAT(applied->moves(2).reason(), HasSubstr("key by profit"));
  const v1::Account d1 = *accounts_->Get(kSue, Named("D1"));
  EXPECT_EQ(d1.service_tier(), v1::SERVICE_TIER_KEY);
  EXPECT_EQ(d1.tier_origin().changed_by(), "sue");
  EXPECT_EQ(d1.version(), 2);
  // Nothing changed since: a second run moves nobody and writes nothing.
  auto again = accounts_->Reclassify(kSue, apply);
  ASSERT_THAT(again, IsOk());
  EXPECT_THAT(again->moves(), IsEmpty());
  EXPECT_EQ(accounts_->Get(kSue, Named("D1"))->version(), 2);
  EXPECT_THAT(accounts_->Reclassify(kAlice, apply), StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
}

TEST_F(AccountServiceTest, AManualOverrideWinsOverClassificationUntilCleared) {
  AddAccount(NewAccount("D1", v1::CHANNEL_TIER_DISTRIBUTOR, 900));
  AddAccount(NewAccount("D2", v1::CHANNEL_TIER_DISTRIBUTOR, 100));
  v1::SetServiceTierRequest request;
  request.set_account_id("D1");
  request.set_version(1);
  request.set_tier(v1::SERVICE_TIER_STANDARD);
  EXPECT_THAT(accounts_->SetServiceTier(kSue, request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));
  request.set_reason("disputed invoices, decided by the director");
  auto held = accounts_->SetServiceTier(kSue, request);
  ASSERT_THAT(held, IsOk());
  EXPECT_EQ(held->tier_origin().source(), v1::TIER_SOURCE_MANUAL);
  EXPECT_THAT(accounts_->SetServiceTier(kAlice, request), StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));

  v1::ReclassifyAccountsRequest apply;
  apply.set_apply(true);
  auto result = accounts_->Reclassify(kSue, apply);
  ASSERT_THAT(result, IsOk());
  ASSERT_THAT(result->moves(), SizeIs(1));
  EXPECT_TRUE(result->moves(0).held_by_override());
  EXPECT_EQ(result->moves(0).computed_tier(), v1::SERVICE_TIER_KEY);
  EXPECT_EQ(result->moves(0).to_tier(), v1::SERVICE_TIER_STANDARD);
  v1::Account d1 = *accounts_->Get(kSue, Named("D1"));
  EXPECT_EQ(d1.service_tier(), v1::SERVICE_TIER_STANDARD);
  EXPECT_EQ(d1.computed_tier(), v1::SERVICE_TIER_KEY);

  request.set_version(d1.version());
  request.set_tier(v1::SERVICE_TIER_UNSPECIFIED);  // clear
  request.set_reason("dispute settled");
  auto cleared = accounts_->SetServiceTier(kSue, request);
  ASSERT_THAT(cleared, IsOk());
  EXPECT_EQ(cleared->service_tier(), v1::SERVICE_TIER_KEY);
  EXPECT_EQ(cleared->tier_origin().source(), v1::TIER_SOURCE_COMPUTED);
}

TEST_F(AccountServiceTest, SettingTheTierInForceAgainIsAuditedAndMovesNoTicket) {
  AddAccount(NewAccount("ACME", v1::CHANNEL_TIER_DISTRIBUTOR, 100));
  AddAccount(NewAccount("OTHER", v1::CHANNEL_TIER_DISTRIBUTOR, 100));
  const v1::Ticket mine = CreateTicket("ACME", "tom");
  const v1::Ticket other = CreateTicket("OTHER", "tom");
  v1::SetServiceTierRequest clear;  // there is no override to clear
  clear.set_account_id("ACME");
  clear.set_version(1);
  clear.set_tier(v1::SERVICE_TIER_UNSPECIFIED);
  clear.set_reason("checked: no override");
  auto account = accounts_->SetServiceTier(kSue, clear);
  ASSERT_THAT(account, IsOk());
  EXPECT_EQ(account->id(), "ACME");
  EXPECT_EQ(account->version(), 2) << "the decision is audited";
  EXPECT_EQ(account->service_tier(), v1::SERVICE_TIER_STANDARD);
  for (const v1::Ticket& t : {mine, other}) {
    v1::GetTicketRequest get;
    get.set_id(t.id());
    const v1::Ticket now = *queries_->Get(kSue, get);
    EXPECT_EQ(now.service_tier(), v1::SERVICE_TIER_STANDARD);
    EXPECT_EQ(now.version(), t.version()) << "no ticket moved";
  }
  EXPECT_THAT(*store_->ListRetierJobs(), IsEmpty());
}

TEST_F(AccountServiceTest, ImportWritesNothingWhenARowIsBadUnlessAskedToSkip) {
  AddAccount(NewAccount("OLD", v1::CHANNEL_TIER_CONSUMER, 5));
  v1::ImportAccountsRequest request;
  *request.add_accounts() = NewAccount("N1", v1::CHANNEL_TIER_DISTRIBUTOR, 10);
  *request.add_accounts() = NewAccount("N2", v1::CHANNEL_TIER_UNSPECIFIED, 10);  // bad
  *request.add_accounts() = NewAccount("OLD", v1::CHANNEL_TIER_CONSUMER, 7);     // update
  *request.add_accounts() = NewAccount("N1", v1::CHANNEL_TIER_DISTRIBUTOR, 10);  // twice
  EXPECT_THAT(accounts_->Import(kSue, request), StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  auto refused = accounts_->Import(kRoot, request);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kInvalidArgument,
                                AllOf(HasSubstr("accounts[1].channel_tier"),
                                      HasSubstr("accounts[3].id"), HasSubstr("nothing"))));
  EXPECT_THAT(accounts_->Get(kRoot, Named("N1")), StatusIs(absl::StatusCode::kNotFound, ::testing::_));
  EXPECT_EQ(accounts_->Get(kRoot, Named("OLD"))->sales_current(), 5);

  request.set_skip_invalid(true);
  auto imported = accounts_->Import(kRoot, request);
  ASSERT_THAT(imported, IsOk());
  EXPECT_TRUE(imported->written());
  EXPECT_EQ(imported->created(), 1);
  EXPECT_EQ(imported->updated(), 1);
  ASSERT_THAT(imported->errors(), SizeIs(2));
  EXPECT_EQ(imported->errors(0).index(), 1);
  EXPECT_EQ(imported->errors(1).index(), 3);
  EXPECT_EQ(accounts_->Get(kRoot, Named("OLD"))->sales_current(), 7);

  request.clear_accounts();
  *request.add_accounts() = NewAccount("OLD", v1::CHANNEL_TIER_CONSUMER, 7);
  auto unchanged = accounts_->Import(kRoot, request);
  ASSERT_THAT(unchanged, IsOk());
  EXPECT_EQ(unchanged->unchanged(), 1);
  EXPECT_EQ(accounts_->Get(kRoot, Named("OLD"))->version(), 2);
}

TEST_F(AccountServiceTest, TicketsForUnknownAccountsAreRefused) {
  EXPECT_THAT(tickets_->Create(kAlice, TicketFor("NOBODY")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("ticket.account_id")));
}

TEST_F(AccountServiceTest, AnUpgradeMovesOpenTicketsToTheKeyPolicyAndLeavesClosedOnesAlone) {
  AddAccount(NewAccount("ACME", v1::CHANNEL_TIER_DISTRIBUTOR, 100));
  const v1::Ticket open = CreateTicket("ACME", "tom");
  v1::Ticket cancelled = CreateTicket("ACME");
  v1::TransitionTicketRequest cancel;
  cancel.set_id(cancelled.id());
  cancel.set_version(cancelled.version());
  cancel.set_status(v1::TICKET_STATUS_CANCELLED);
  cancel.set_reason("duplicate");
  cancelled = *tickets_->Transition(kAlice, cancel);
  EXPECT_EQ(open.sla_policy(), "standard");
  clock_.Advance(absl::Minutes(10));

  v1::ReclassifyAccountsRequest apply;
  apply.set_apply(true);
  auto result = accounts_->Reclassify(kSue, apply);  // alone in its tier: KEY
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->tickets_moved(), 1);
  const v1::Ticket moved = *queries_->Get(kSue, [&] { v1::GetTicketRequest r; r.set_id(open.id()); return r; }());
  EXPECT_EQ(moved.service_tier(), v1::SERVICE_TIER_KEY);
  EXPECT_EQ(moved.sla_policy(), "key");
  // First response: 30 min from creation instead of 1 h (10 min already used).
  EXPECT_EQ(moved.sla_clocks(0).due_time().seconds(), open.create_time().seconds() + 30 * 60);
  EXPECT_EQ(queries_->Get(kSue, [&] { v1::GetTicketRequest r; r.set_id(cancelled.id()); return r; }())
                ->service_tier(),
            v1::SERVICE_TIER_STANDARD);
  EXPECT_THAT(store_->ListRetierJobs(), IsOk());
  EXPECT_THAT(*store_->ListRetierJobs(), IsEmpty());
}

TEST_F(AccountServiceTest, ADowngradeNeverLoosensAnOpenTicketsPromise) {
  AddAccount(NewAccount("ACME", v1::CHANNEL_TIER_DISTRIBUTOR, 100));
  MakeKey("ACME");
  const v1::Ticket t = CreateTicket("ACME", "tom");
  EXPECT_EQ(t.sla_policy(), "key");
  v1::SetServiceTierRequest request;
  request.set_account_id("ACME");
  request.set_version(accounts_->Get(kSue, Named("ACME"))->version());
  request.set_tier(v1::SERVICE_TIER_STANDARD);
  request.set_reason("lost the contract");
  ASSERT_THAT(accounts_->SetServiceTier(kSue, request), IsOk());
  v1::GetTicketRequest get;
  get.set_id(t.id());
  const v1::Ticket after = *queries_->Get(kSue, get);
  EXPECT_EQ(after.service_tier(), v1::SERVICE_TIER_STANDARD);
  EXPECT_EQ(after.sla_clocks(0).due_time().seconds(), t.sla_clocks(0).due_time().seconds());
}

TEST_F(AccountServiceTest, TicketMovesInterruptedByACrashAreFinishedAtStart) {
  AddAccount(NewAccount("ACME", v1::CHANNEL_TIER_DISTRIBUTOR, 100));
  const v1::Ticket t = CreateTicket("ACME", "tom");
  // A tier change whose commit landed but whose ticket moves did not: the account says KEY,
  // the job is pending, the ticket is still STANDARD.
  v1::Account account = *accounts_->Get(kSue, Named("ACME"));
  storage::AccountChange change;
  change.before = account;
  account.set_manual_tier(v1::SERVICE_TIER_KEY);
  account.set_service_tier(v1::SERVICE_TIER_KEY);
  account.set_version(2);
  change.after = account;
  change.event.set_account_id("ACME");
  change.event.set_sequence(2);
  ASSERT_THAT(store_->CommitAccounts({change}, {storage::RetierJob{"ACME", change.after.version()}}, {}),
              IsOk());
  Open();  // restart
  ASSERT_THAT(accounts_->ResumeRetierJobs(), IsOk());
  v1::GetTicketRequest get;
  get.set_id(t.id());
  EXPECT_EQ(queries_->Get(kSue, get)->service_tier(), v1::SERVICE_TIER_KEY);
  EXPECT_THAT(*store_->ListRetierJobs(), IsEmpty());
}

TEST_F(AccountServiceTest, ReclassifyingNeverHoldsTicketWritesAcrossItsScanAndLosesNoEdit) {
  for (int i = 0; i < 10; ++i) {
    AddAccount(NewAccount(absl::StrCat("A", i), v1::CHANNEL_TIER_DISTRIBUTOR, i == 0 ? 1000 : 1));
  }
  failing_->HoldAccountScans();
  absl::StatusOr<v1::ReclassifyAccountsResponse> reclassified;
  v1::ReclassifyAccountsRequest apply;
  apply.set_apply(true);
  std::thread reclassify([&] { reclassified = accounts_->Reclassify(kSue, apply); });
  failing_->AwaitHeldAccountScan();  // the reclassification is reading every account
  // Meanwhile tickets are created and an account is edited: none waits for the scan.
  absl::Notification done;
  absl::StatusOr<v1::Account> renamed;
  std::thread desk([&] {
    CreateTicket("A0", "tom");
    v1::UpdateAccountRequest rename;
    *rename.mutable_account() = *accounts_->Get(kAlice, Named("A0"));
    rename.mutable_account()->set_name("A0 renamed");
    rename.mutable_update_mask()->add_paths("name");
    renamed = accounts_->Update(kAlice, rename);
    done.Notify();
  });
  EXPECT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)))
      << "a ticket or an account edit waited for the reclassification's scan";
  failing_->ReleaseAccountScans();
  desk.join();
  reclassify.join();
  ASSERT_THAT(renamed, IsOk());
  // Planned from accounts that changed meanwhile, the reclassification read them again:
  // the edit and the move both hold.
  ASSERT_THAT(reclassified, IsOk());
  EXPECT_TRUE(reclassified->applied());
  const v1::Account a0 = *accounts_->Get(kSue, Named("A0"));
  EXPECT_EQ(a0.name(), "A0 renamed");
  EXPECT_EQ(a0.service_tier(), v1::SERVICE_TIER_KEY);
  v1::ListTicketsRequest list;
  list.set_account_id("A0");
  auto tickets = queries_->List(kSue, list);
  ASSERT_THAT(tickets, IsOk());
  ASSERT_THAT(tickets->tickets(), SizeIs(1));
  EXPECT_EQ(tickets->tickets(0).service_tier(), v1::SERVICE_TIER_KEY) << "moved with its account";
}

}  // namespace
}  // namespace ticketing::domain
