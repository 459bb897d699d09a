// AccountService: account records, their history and manual tier overrides.
#include "server/domain/accounts/account_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/field_mask_util.h"
#include "proto/base/status_macros.h"
#include "server/domain/base/authz.h"
#include "server/domain/base/page_token.h"
#include "server/domain/base/selectors.h"
#include "server/domain/base/ticket_events.h"
#include "server/domain/base/validation.h"

namespace ticketing::domain {
namespace {

using google::protobuf::util::FieldMaskUtil;

// Key persons marked notify-on-escalation are copied onto every alert a rule with
// notify_key_persons raises (escalation/escalation_policy.cc), so the list stays short.
constexpr int kMaxKeyPersons = 50;
// The most accounts one ListAccounts call examines, like a ticket listing's bound
// (docs/architecture.md, "Listing"): a selective filter answers a short page with a token
// instead of scanning the whole book in one call.
constexpr int kListScanBudget = 20000;

// The fields a client sets; everything else is output only.
// Tiers and their origin are not among them: they change only through SetServiceTier and
// classification, which also move the account's open tickets (account_tiers.cc).
constexpr const char* kSettableFields[] = {
    "name",           "channel_tier",    "region",       "sales_current",
    "sales_previous", "profit_current",  "profit_previous", "loyalty_note",
    "account_manager", "key_persons",    "potential_key_flag"};

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

// A field's value as text for the history ("KEY", "12345", "[Li Wei (BUYER)]").
std::string FieldText(const v1::Account& account, const google::protobuf::FieldDescriptor* field) {
  const google::protobuf::Reflection* reflection = account.GetReflection();
  std::string text;
  if (field->is_repeated()) {
    for (int i = 0; i < reflection->FieldSize(account, field); ++i) {
      std::string item;
      google::protobuf::TextFormat::PrintFieldValueToString(account, field, i, &item);
      absl::StrAppend(&text, i == 0 ? "" : "; ", item);
    }
    return text;
  }
  google::protobuf::TextFormat::PrintFieldValueToString(account, field, -1, &text);
  // Text format quotes strings; the history keeps the bare value.
  return std::string(absl::StripSuffix(absl::StripPrefix(text, "\""), "\""));
}

// Appends a FieldChange for every listed field that differs.
void RecordAccountChanges(const v1::Account& before, const v1::Account& after,
                          std::initializer_list<const char*> fields, v1::AccountEvent& event) {
  const google::protobuf::Descriptor* descriptor = v1::Account::descriptor();
  for (const char* name : fields) {
    const google::protobuf::FieldDescriptor* field = descriptor->FindFieldByName(name);
    const std::string old_text = FieldText(before, field), new_text = FieldText(after, field);
    if (old_text == new_text) continue;
    v1::FieldChange* change = event.add_changes();
    change->set_field(name);
    change->set_old_value(old_text);
    change->set_new_value(new_text);
  }
}

// The phone and e-mail of every key person, taken out of `account` (their names and roles
// stay: who decides is not private, how to reach them is).
void WithholdKeyPersonContacts(v1::Account& account) {
  for (v1::KeyPerson& person : *account.mutable_key_persons()) {
    person.clear_phone();
    person.clear_email();
  }
}

bool MayReadContacts(const std::optional<std::set<std::string>>& readable,
                     const std::string& account_id) {
  return !readable || readable->count(account_id) != 0;
}

bool PassesFilter(const v1::Account& account, const v1::ListAccountsRequest& request) {
  const v1::ServiceTier tier = account.service_tier();
  return (request.channel_tier() == v1::CHANNEL_TIER_UNSPECIFIED ||
          account.channel_tier() == request.channel_tier()) &&
         (request.service_tier() == v1::SERVICE_TIER_UNSPECIFIED ||
          tier == request.service_tier()) &&
         (request.region().empty() || InRegion(request.region(), account.region()));
}

}  // namespace

void CopySettableAccountFields(const v1::Account& from, v1::Account& to) {
  google::protobuf::FieldMask mask;
  for (const char* name : kSettableFields) mask.add_paths(name);
  // Whole messages and lists are replaced, not merged: a merge would append to key_persons,
  // and a key person removed by the client would never go.
  FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  FieldMaskUtil::MergeMessageTo(from, mask, options, &to);
}

AccountService::AccountService(AccountDirectory& directory, TicketCore& tickets,
                               exec::WriteRunner& writes, storage::AccountStore& store,
                               const Clock& clock, const UserDirectory& users, Options options)
    : directory_(directory),
      tickets_(tickets),
      writes_(writes),
      store_(store),
      clock_(clock),
      users_(users),
      rules_(options.classification) {}

// Create and Update of one account take a stripe of these after the shared tier lock;
// writers that hold the tier lock exclusively need none.
absl::Mutex& AccountService::LockFor(absl::string_view id) {
  return locks_[std::hash<std::string_view>()(std::string_view(id.data(), id.size())) % locks_.size()];
}

absl::Status AccountService::CheckAccount(const v1::Account& a, absl::string_view prefix) const {
  const auto f = [&](absl::string_view name) { return absl::StrCat(prefix, name); };
  TKT_RETURN_IF_ERROR(CheckIdentifier(f("id"), a.id(), true));
  TKT_RETURN_IF_ERROR(CheckLine(f("name"), a.name(), 200, true));
  if (a.channel_tier() == v1::CHANNEL_TIER_UNSPECIFIED || !v1::ChannelTier_IsValid(a.channel_tier())) {
    return Invalid(f("channel_tier"), "must be set (DISTRIBUTOR, SECOND_TIER_WHOLESALER, "
                                      "KA_RETAIL_CHAIN, SMALL_RETAIL, BUSINESS_END_CUSTOMER, CONSUMER)");
  }
  TKT_RETURN_IF_ERROR(CheckIdentifier(f("region"), a.region(), false));
  // Sales are never negative; profit may be (a loss), which classification keeps out of the
  // key-by-profit set (docs/accounts.md, "Classification").
  if (a.sales_current() < 0) return Invalid(f("sales_current"), "must not be negative");
  if (a.sales_previous() < 0) return Invalid(f("sales_previous"), "must not be negative");
  TKT_RETURN_IF_ERROR(CheckText(f("loyalty_note"), a.loyalty_note(), kMaxReasonChars, false));
  if (!a.account_manager().empty() && !users_.Find(a.account_manager())) {
    return Invalid(f("account_manager"), absl::StrCat("unknown user ", a.account_manager()));
  }
  if (a.key_persons_size() > kMaxKeyPersons) {
    return Invalid(f("key_persons"), absl::StrCat("at most ", kMaxKeyPersons));
  }
  for (int i = 0; i < a.key_persons_size(); ++i) {
    const v1::KeyPerson& p = a.key_persons(i);
    const std::string field = absl::StrCat(prefix, "key_persons[", i, "].");
    TKT_RETURN_IF_ERROR(CheckLine(field + "name", p.name(), kMaxNameChars, true));
    if (!v1::KeyPersonRole_IsValid(p.role())) return Invalid(field + "role", "unknown role");
    TKT_RETURN_IF_ERROR(CheckPhone(field + "phone", p.phone()));
    TKT_RETURN_IF_ERROR(CheckEmail(field + "email", p.email()));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Account> AccountService::Load(absl::string_view field,
                                                 absl::string_view id) const {
  TKT_RETURN_IF_ERROR(CheckIdentifier(field, id, true));
  TKT_ASSIGN_OR_RETURN(std::optional<v1::Account> account, store_.GetAccount(std::string(id)));
  if (!account) {
    return absl::NotFoundError(absl::StrCat(field, ": account ", id, " not found"));
  }
  return *std::move(account);
}

bool AccountService::MakeChange(const std::optional<v1::Account>& before, v1::Account after,
                                const Principal& actor, v1::AccountEventType type,
                                absl::string_view reason, absl::Time now,
                                storage::AccountChange& change) const {
  change.event.Clear();
  RecordAccountChanges(before.value_or(v1::Account()), after,
                       {"name", "channel_tier", "region", "sales_current", "sales_previous",
                        "profit_current", "profit_previous", "loyalty_note", "account_manager",
                        "key_persons", "potential_key_flag", "computed_tier", "manual_tier",
                        "service_tier", "tier_origin"},
                       change.event);
  if (before && change.event.changes().empty()) return false;
  after.set_version(before ? before->version() + 1 : 1);
  ToTimestamp(now, after.mutable_update_time());
  if (!before) {
    ToTimestamp(now, after.mutable_create_time());
    after.set_created_by(actor.name);
  }
  change.event.set_account_id(after.id());
  change.event.set_sequence(after.version());
  ToTimestamp(now, change.event.mutable_time());
  change.event.set_actor(actor.name);
  change.event.set_type(type);
  change.event.set_reason(std::string(reason));
  change.before = before;
  change.after = std::move(after);
  return true;
}

absl::StatusOr<v1::Account> AccountService::Create(const Principal& actor,
                                                   const v1::CreateAccountRequest& request) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kEditAccount, nullptr));
  v1::Account account;
  account.set_id(request.account().id());
  CopySettableAccountFields(request.account(), account);
  TKT_RETURN_IF_ERROR(CheckAccount(account, "account."));
  TKT_RETURN_IF_ERROR(CheckFigureEdit(actor, v1::Account(), account, "account."));
  // A new account is STANDARD until the next classification (docs/accounts.md, "Accounts").
  account.set_computed_tier(v1::SERVICE_TIER_STANDARD);
  account.set_service_tier(v1::SERVICE_TIER_STANDARD);
  account.mutable_tier_origin()->set_source(v1::TIER_SOURCE_COMPUTED);
  account.mutable_tier_origin()->set_reason("not classified yet");
  // Every account write holds the tier lock (shared here) while it writes and counts, so the
  // generation check of PlanAndCommit is exact; the stripe keeps two creates of one id apart.
  absl::ReaderMutexLock tier_lock(&directory_.tier_mutex());
  absl::MutexLock lock(&LockFor(account.id()));
  TKT_ASSIGN_OR_RETURN(std::optional<v1::Account> existing, store_.GetAccount(account.id()));
  if (existing) {
    return absl::AlreadyExistsError(absl::StrCat("account.id: account ", account.id(),
                                                 " already exists"));
  }
  storage::AccountChange change;
  MakeChange(std::nullopt, std::move(account), actor, v1::ACCOUNT_EVENT_TYPE_CREATED, "",
             clock_.Now(), change);
  TKT_RETURN_IF_ERROR(CommitAccounts({change}));
  return change.after;
}

absl::StatusOr<std::optional<std::set<std::string>>> AccountService::KeyPersonContactsReadable(
    const Principal& actor, const Interrupt& interrupt) const {
  if (Authorize(actor, Action::kReadKeyPersonContacts, nullptr).ok()) return std::nullopt;
  std::set<std::string> accounts;
  if (actor.role != v1::ROLE_TECHNICIAN) return accounts;
  // The technician's assigned tickets, through the assignee index; a technician has tens of
  // them, and the scan is bounded (kMaxPages pages) all the same.
  constexpr int kMaxPages = 20;
  storage::TicketListRequest query;
  query.filter.assignee = actor.name;
  query.limit = 500;
  for (int page = 0; page < kMaxPages; ++page) {
    TKT_RETURN_IF_ERROR(interrupt.Check());
    TKT_ASSIGN_OR_RETURN(storage::TicketListResult result, tickets_.store().ListTickets(query));
    for (const v1::Ticket& ticket : result.tickets) {
      if (ticket.status() != v1::TICKET_STATUS_CLOSED &&
          ticket.status() != v1::TICKET_STATUS_CANCELLED) {
        accounts.insert(ticket.account_id());
      }
    }
    if (!result.resume_after) break;
    query.after = result.resume_after;
  }
  return accounts;
}

absl::Status AccountService::CheckFigureEdit(const Principal& actor, const v1::Account& before,
                                             const v1::Account& after, absl::string_view prefix) {
  const std::pair<const char*, bool> figures[] = {
      {"sales_current", before.sales_current() != after.sales_current()},
      {"sales_previous", before.sales_previous() != after.sales_previous()},
      {"profit_current", before.profit_current() != after.profit_current()},
      {"profit_previous", before.profit_previous() != after.profit_previous()}};
  for (const auto& [field, changed] : figures) {
    if (!changed) continue;
    if (absl::Status denied = Authorize(actor, Action::kEditAccountFigures, nullptr); !denied.ok()) {
      return absl::PermissionDeniedError(absl::StrCat(prefix, field, ": ", denied.message()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Account> AccountService::Get(const Principal& actor,
                                                const v1::GetAccountRequest& request,
                                                const Interrupt& interrupt) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kRead, nullptr));
  TKT_ASSIGN_OR_RETURN(v1::Account account, Load("id", request.id()));
  TKT_ASSIGN_OR_RETURN(auto readable, KeyPersonContactsReadable(actor, interrupt));
  if (!MayReadContacts(readable, account.id())) WithholdKeyPersonContacts(account);
  return account;
}

absl::StatusOr<v1::ListAccountsResponse> AccountService::List(
    const Principal& actor, const v1::ListAccountsRequest& request, const Interrupt& interrupt) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kRead, nullptr));
  if (request.page_size() < 0 || request.page_size() > 500) {
    return Invalid("page_size", "must be 1-500 (0 for the default 50)");
  }
  TKT_RETURN_IF_ERROR(CheckIdentifier("region", request.region(), false));
  const int page_size = request.page_size() == 0 ? 50 : request.page_size();
  v1::ListAccountsRequest filters = request;
  filters.clear_page_size();
  filters.clear_page_token();
  const uint64_t fingerprint = Fingerprint(filters);
  std::string cursor;
  if (!request.page_token().empty()) {
    TKT_ASSIGN_OR_RETURN(cursor, DecodeBytesPageToken(request.page_token(), fingerprint));
  }
  TKT_ASSIGN_OR_RETURN(auto readable, KeyPersonContactsReadable(actor, interrupt));
  // The cursor is the last account examined, not the last one returned: when the budget
  // runs out first, the token resumes where the scan stopped.
  v1::ListAccountsResponse response;
  for (int examined = 0; examined < kListScanBudget;) {
    TKT_RETURN_IF_ERROR(interrupt.Check());
    TKT_ASSIGN_OR_RETURN(std::vector<v1::Account> batch, store_.ScanAccounts(cursor, 500));
    if (batch.empty()) return response;  // the end
    for (v1::Account& account : batch) {
      cursor = account.id();
      ++examined;
      if (PassesFilter(account, request)) {
        if (!MayReadContacts(readable, account.id())) WithholdKeyPersonContacts(account);
        *response.add_accounts() = std::move(account);
      }
      if (response.accounts_size() == page_size || examined == kListScanBudget) break;
    }
    if (response.accounts_size() == page_size) break;
  }
  response.set_next_page_token(EncodeBytesPageToken(cursor, fingerprint));
  return response;
}

absl::StatusOr<v1::Account> AccountService::Update(const Principal& actor,
                                                   const v1::UpdateAccountRequest& request) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kEditAccount, nullptr));
  if (request.update_mask().paths().empty()) {
    return Invalid("update_mask", "must name at least one field");
  }
  for (const std::string& path : request.update_mask().paths()) {
    if (std::find(std::begin(kSettableFields), std::end(kSettableFields), path) ==
        std::end(kSettableFields)) {
      return Invalid("update_mask", absl::StrCat("cannot update ", path));
    }
  }
  if (request.account().version() <= 0) {
    return Invalid("account.version", "must be the version you last read");
  }
  TKT_RETURN_IF_ERROR(CheckText("reason", request.reason(), kMaxReasonChars, false));
  // The same locks as Create: the shared tier lock (so the generation count stays exact and
  // no reclassification commits over this edit), then the account's stripe for the
  // read-check-write of the version.
  absl::ReaderMutexLock tier_lock(&directory_.tier_mutex());
  absl::MutexLock lock(&LockFor(request.account().id()));
  TKT_ASSIGN_OR_RETURN(v1::Account current, Load("account.id", request.account().id()));
  if (current.version() != request.account().version()) {
    return absl::AbortedError(absl::StrCat("account ", current.id(), " is at version ",
                                           current.version(), ", not ",
                                           request.account().version(),
                                           ": someone changed it; read it again and retry"));
  }
  v1::Account next = current;
  // Replaced, not merged, as in CopySettableAccountFields.
  FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  FieldMaskUtil::MergeMessageTo(request.account(), request.update_mask(), options, &next);
  TKT_RETURN_IF_ERROR(CheckAccount(next, "account."));
  TKT_RETURN_IF_ERROR(CheckFigureEdit(actor, current, next, "account."));
  // Fields such as sales change here but not the tier: that waits for the next
  // classification, so an update never moves tickets.
  storage::AccountChange change;
  if (!MakeChange(current, std::move(next), actor, v1::ACCOUNT_EVENT_TYPE_UPDATED,
                  request.reason(), clock_.Now(), change)) {
    return current;
  }
  TKT_RETURN_IF_ERROR(CommitAccounts({change}));
  return change.after;
}

absl::StatusOr<v1::ListAccountEventsResponse> AccountService::ListEvents(
    const Principal& actor, const v1::ListAccountEventsRequest& request) {
  TKT_RETURN_IF_ERROR(Authorize(actor, Action::kRead, nullptr));
  if (request.page_size() < 0 || request.page_size() > 500) {
    return Invalid("page_size", "must be 1-500 (0 for the default 100)");
  }
  TKT_ASSIGN_OR_RETURN(v1::Account account, Load("account_id", request.account_id()));
  v1::ListAccountEventsRequest filters;
  filters.set_account_id(account.id());
  const uint64_t fingerprint = Fingerprint(filters);
  int64_t after = 0;
  if (!request.page_token().empty()) {
    TKT_ASSIGN_OR_RETURN(auto cursor, DecodePageToken(request.page_token(), fingerprint));
    after = static_cast<int64_t>(cursor.first);
  }
  const int limit = request.page_size() == 0 ? 100 : request.page_size();
  TKT_ASSIGN_OR_RETURN(std::vector<v1::AccountEvent> events,
                       store_.ListAccountEvents(account.id(), after, limit));
  TKT_ASSIGN_OR_RETURN(auto readable, KeyPersonContactsReadable(actor, Interrupt::Never()));
  const bool withhold = !MayReadContacts(readable, account.id());
  v1::ListAccountEventsResponse response;
  for (v1::AccountEvent& e : events) {
    // The history writes key persons whole, contacts included: withheld like the account's.
    for (v1::FieldChange& change : *e.mutable_changes()) {
      if (withhold && change.field() == "key_persons") {
        change.set_old_value("(withheld)");
        change.set_new_value("(withheld)");
      }
    }
    *response.add_events() = std::move(e);
  }
  // No token when the page ends at the account's last event (its version): the last page
  // says so rather than leading to an empty one.
  if (!events.empty() && static_cast<int>(events.size()) == limit &&
      response.events().rbegin()->sequence() < account.version()) {
    response.set_next_page_token(
        EncodePageToken(static_cast<uint64_t>(response.events().rbegin()->sequence()), 0,
                        fingerprint));
  }
  return response;
}

}  // namespace ticketing::domain
