#include "client/cli_flags.h"

#include <optional>
#include <utility>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "client/cli_format.h"

ABSL_FLAG(std::string, addr, "", "server host:port (default: $TKT_ADDR, else 127.0.0.1:50051)");
ABSL_FLAG(std::string, token, "",
          "bearer token; visible to other users in `ps`: prefer --token_file or $TKT_TOKEN");
ABSL_FLAG(std::string, token_file, "",
          "file holding the bearer token (default: $TKT_TOKEN_FILE)");
ABSL_FLAG(bool, json, false, "print protobuf JSON instead of tables");
ABSL_FLAG(bool, tls, false, "connect with TLS");
ABSL_FLAG(std::string, ca_file, "", "PEM root certificates for --tls (default: system roots)");
ABSL_FLAG(std::string, cert_file, "",
          "--tls: PEM client certificate chain, for a server that requires one (mutual TLS)");
ABSL_FLAG(std::string, key_file, "", "--tls: PEM private key of --cert_file");
ABSL_FLAG(double, timeout, 10, "deadline of each call, in seconds");

ABSL_FLAG(std::string, kind, "", "complaint | repair | inquiry");
ABSL_FLAG(std::string, account, "", "customer account id");
ABSL_FLAG(std::string, summary, "", "one-line summary");
ABSL_FLAG(std::string, description, "", "long description; tokens issue: what the token is for");
ABSL_FLAG(std::string, contact_name, "", "contact person's name");
ABSL_FLAG(std::string, contact_phone, "", "contact phone");
ABSL_FLAG(std::string, contact_email, "", "contact e-mail");
ABSL_FLAG(std::string, product, "", "product name or model");
ABSL_FLAG(std::string, serial, "", "serial number");
ABSL_FLAG(std::string, impact, "", "low | medium | high");
ABSL_FLAG(std::string, urgency, "", "low | medium | high");
ABSL_FLAG(std::string, priority, "", "p1 | p2 | p3 | p4");
ABSL_FLAG(std::string, queue, "", "team or work queue");
ABSL_FLAG(std::string, region, "", "region, e.g. cn/zhejiang/hangzhou");
ABSL_FLAG(std::string, assignee, "", "user name of the assignee");
ABSL_FLAG(std::string, request_id, "", "idempotency key of create (default: random UUID)");
ABSL_FLAG(std::string, priority_reason, "",
          "create, update: why --priority overrides the impact x urgency matrix (required)");

ABSL_FLAG(std::string, status, "", "list: comma-separated statuses");
ABSL_FLAG(std::string, created_from, "", "list: created at or after (RFC 3339 or date)");
ABSL_FLAG(std::string, created_to, "", "list: created before (RFC 3339 or date)");
ABSL_FLAG(int32_t, page_size, 0, "list: tickets per page (1-500; default 50)");
ABSL_FLAG(std::string, page_token, "", "list: next_page_token of a previous page");
ABSL_FLAG(bool, all, false, "list: follow next_page_token to the end");

ABSL_FLAG(int64_t, ticket_version, 0,
          "--version on the command line: the ticket version you saw (default: fetched)");
ABSL_FLAG(std::string, note, "", "note stored with the change");
ABSL_FLAG(bool, assign, false, "dispatch: also assign the best available technician");
ABSL_FLAG(std::string, group, "", "report service: tier, region, queue, technician, product");
ABSL_FLAG(bool, csv, false, "report: print CSV instead of a table");
ABSL_FLAG(std::string, action_taken, "", "transition resolved: what was done");
ABSL_FLAG(std::string, fault_category, "", "transition resolved: fault category (identifier)");
ABSL_FLAG(std::string, root_cause, "", "transition resolved: the root cause");
ABSL_FLAG(std::string, confirmed_by, "",
          "transition closed: the customer's person who confirmed the fix");
ABSL_FLAG(std::string, not_fixed_by, "",
          "transition reopened: the customer's person who said it is not fixed");
ABSL_FLAG(std::string, promised, "", "part: promised arrival (RFC 3339 or +DURATION)");
ABSL_FLAG(std::string, lines, "",
          "quote set: KIND:AMOUNT:TEXT;... e.g. labour:80.00:one hour;parts:180.00:print head");
ABSL_FLAG(std::string, explanation, "", "quote set: what the charges are for");
ABSL_FLAG(std::string, warranty, "", "quote set: warranty reference (warranty work, free)");
ABSL_FLAG(std::string, by, "", "quote decide: the customer's person who decided");
ABSL_FLAG(std::string, technician, "", "visit schedule: the technician (default: the assignee)");
ABSL_FLAG(std::string, window_start, "", "visit schedule: window start (RFC 3339 or +DURATION)");
ABSL_FLAG(std::string, window_end, "", "visit schedule: window end (RFC 3339 or +DURATION)");
ABSL_FLAG(std::string, arrived, "", "visit record: arrival (RFC 3339 or +DURATION; default now)");
ABSL_FLAG(std::string, left, "", "visit record: departure (RFC 3339 or +DURATION; default now)");
ABSL_FLAG(std::string, outcome, "", "visit record: fixed or not_fixed");
ABSL_FLAG(std::string, why, "",
          "visit record: why not fixed: missing_part, missing_tool, needs_specialist, "
          "customer_absent, other");
ABSL_FLAG(std::string, diagnosis, "", "visit record: the diagnosis");
ABSL_FLAG(int32_t, overall, 0, "survey: overall score 1-5");
ABSL_FLAG(int32_t, skill, 0, "survey: score 1-5");
ABSL_FLAG(int32_t, charges, 0, "survey: score 1-5");
ABSL_FLAG(int32_t, timeliness, 0, "survey: score 1-5");
ABSL_FLAG(int32_t, attitude, 0, "survey: score 1-5");
ABSL_FLAG(int32_t, parts, 0, "survey: score 1-5");
ABSL_FLAG(int32_t, facilities, 0, "survey: score 1-5");
ABSL_FLAG(std::string, importance, "", "survey: dimensions by importance, e.g. timeliness,skill");
ABSL_FLAG(std::string, reason, "",
          "why: transition (cancelled, reopened), commit and sla replace (required there)");
ABSL_FLAG(bool, customer, false, "comment: a customer-visible reply (default internal)");

ABSL_FLAG(std::string, calendar, "", "preview: the business calendar to add --business_time on");
ABSL_FLAG(std::string, policy, "", "preview: the SLA policy whose clocks to compute");
ABSL_FLAG(std::string, business_time, "", "preview: working time to add (2h, 90m)");
ABSL_FLAG(std::string, start, "", "preview: start instant (RFC 3339 or +DURATION; default now)");
ABSL_FLAG(int64_t, expected_version, 0,
          "sla replace: the config version you read (default: read with sla show first)");

ABSL_FLAG(int64_t, after, 0,
          "alerts list, audit: only records with a greater sequence (audit: oldest first)");
ABSL_FLAG(bool, denials, false, "audit: only denied calls");
ABSL_FLAG(std::string, actor, "", "audit: only this user's records (or anonymous)");
ABSL_FLAG(std::string, level, "", "alerts list|watch: comma-separated escalation levels");
ABSL_FLAG(bool, mine, false, "alerts list|watch: only alerts addressed to me (or my tickets')");
ABSL_FLAG(bool, unacked, false, "alerts list|watch: only unacknowledged alerts");
ABSL_FLAG(int64_t, from, 0, "alerts watch: start after this sequence");
ABSL_FLAG(int64_t, max, 0, "alerts watch: exit after this many alerts (0: never)");
ABSL_FLAG(bool, once, false, "alerts watch: stop at the first break instead of reconnecting");

ABSL_FLAG(std::string, name, "", "accounts create: the account's name");
ABSL_FLAG(std::string, channel, "", "accounts create, list: the channel tier (distributor, ...)");
ABSL_FLAG(std::string, sales, "", "accounts create: sales of the current period (1234.56)");
ABSL_FLAG(std::string, sales_previous, "", "accounts create: sales of the previous period");
ABSL_FLAG(std::string, profit, "", "accounts create: profit of the current period");
ABSL_FLAG(std::string, profit_previous, "", "accounts create: profit of the previous period");
ABSL_FLAG(std::string, manager, "", "accounts create: user name of the account manager");
ABSL_FLAG(std::string, loyalty, "", "accounts create: loyalty note");
ABSL_FLAG(bool, potential_key, false, "accounts create: flag the account as a potential key");
ABSL_FLAG(std::string, tier, "", "accounts list: key | potential_key | standard");
ABSL_FLAG(bool, apply, false, "accounts reclassify: commit the moves (default: dry run)");
ABSL_FLAG(bool, skip_invalid, false, "accounts import: import the valid rows, skip the others");
ABSL_FLAG(bool, dry_run, false, "accounts import: validate and count, write nothing");

ABSL_FLAG(std::string, display_name, "", "users create: the person's name as shown");
ABSL_FLAG(std::string, ttl, "90d",
          "tokens issue: how long the token works (90d, 12h, 1h30m) or never");
ABSL_FLAG(bool, read_only, false, "tokens issue: a token that may only read");
ABSL_FLAG(bool, inactive, false, "tokens list: also expired and revoked tokens");
ABSL_FLAG(std::string, out, "", "tokens issue: write the token to FILE (mode 0600)");

namespace ticketing::client {

const char kUsage[] = R"(tktctl - command-line client of the ticket server (API ticketing.v1)

Usage: tktctl [flags] SUBCOMMAND [ARGS...] [flags]
Flags may come before or after the subcommand; "--" ends the flags.

Subcommands:
  create                  open a ticket (see "create flags")
  get ID                  show one ticket, its SLA policy and one line per SLA clock
  list                    list tickets, oldest first (see "list flags"); the SLA
                          column shows BREACHED, else the earliest due time of a
                          running clock ("due 01-05 10:00"), else the worst of
                          PAUSED > MET_LATE > MET > STOPPED, "-" without clocks
  update ID               change the fields given as flags (see "update flags")
  transition ID STATUS    move a ticket to STATUS: new, assigned, in_progress,
                          waiting_customer, waiting_parts, resolved, closed,
                          reopened, cancelled
  assign ID USER          set the assignee; USER "-" or "" clears it
  comment ID TEXT...      add an internal note, or a reply to the customer
  contact ID CHANNEL [NOTE...]
                          record that the customer chased the ticket (phone, email,
                          chat, in_person, other); counts toward escalation
  transition ID resolved --action_taken=TEXT --fault_category=ID --root_cause=TEXT
                          resolving needs the resolution (for product feedback)
  transition ID closed --confirmed_by=NAME
                          closing needs the customer's confirmation of the fix
  transition ID reopened --reason=TEXT [--not_fixed_by=NAME]
                          the follow-up call found it not fixed
  part request ID PART_NUMBER QUANTITY --description=TEXT [--promised=TIME]
                          request a spare part (clocks keep running while we wait)
  part update ID N STATUS [--promised=TIME] [--arrived=TIME] [--note=TEXT]
                          move part N: ordered, shipped, arrived, installed, cancelled
  quote set ID --lines=KIND:AMOUNT:TEXT;... --explanation=TEXT [--warranty=REF]
                          quote the charges (KIND labour, parts, travel, other; AMOUNT
                          like 80.00); --warranty=REF for free warranty work
  quote decide ID REVISION accepted|declined --by=NAME
                          the customer's decision on quote REVISION
  quote pay ID due|paid|waived [--note=TEXT]
                          the payment of the accepted quote (agent, supervisor)
  dispatch ID [--assign]  the technicians who could take the ticket, best first (region,
                          skill, open load, availability); --assign assigns the best
                          available one (agent, supervisor)
  availability USER on|off [--note=TEXT]
                          mark a technician available or not (supervisor; a technician
                          for themselves)
  report service --created_from=DATE --created_to=DATE [--group=tier|region|queue|technician|product]
                          the service report of tickets created in the period: SLA
                          compliance (first response, resolution), mean and p90 business
                          time to respond and resolve, first-time-fix rate, committed
                          dates kept/missed, backlog by age (<1d/1-3d/3-7d/7-30d/>=30d),
                          the three controls (complaints per 100 accounts, omission rate,
                          dissatisfaction rate); --csv or --json (supervisor, admin)
  report feedback --created_from=DATE --created_to=DATE
                          fault categories and root causes by product, with counts
  visit schedule ID --window_start=TIME --window_end=TIME [--technician=USER]
                          schedule a field visit (TIME: RFC 3339 or +DURATION)
  visit record ID N --outcome=fixed|not_fixed [--why=REASON] [--reason=TEXT]
        [--arrived=TIME] [--left=TIME] [--diagnosis=TEXT] [--note=TEXT]
                          record visit N: not_fixed needs --why (missing_part,
                          missing_tool, needs_specialist, customer_absent, other;
                          other needs --reason); a failed visit escalates
  survey ID --overall=N [--skill=N --charges=N --timeliness=N --attitude=N
        --parts=N --facilities=N] [--importance=timeliness,skill,...] [--note=TEXT]
                          the customer's satisfaction survey of a resolved ticket
                          (scores 1-5; --note is the customer's comment)
  history ID              show the ticket's history (all pages)
  whoami                  show the user, role and scope (read-only or not) of the token
  users list              every user: USER, ROLE, STATE, SOURCE (config or run time),
                          DISPLAY NAME, CHANGED, BY, REASON (admin)
  users create NAME ROLE [--display_name=TEXT]
                          add a user (ROLE agent, technician, supervisor, admin); it
                          has no token until one is issued (admin)
  users disable NAME --reason=TEXT
                          refuse all of NAME's tokens from now on (admin)
  users enable NAME --reason=TEXT
                          accept NAME's unrevoked, unexpired tokens again (admin)
  tokens list [USER]      USER's tokens (default: yours; others': admin): ID, USER,
                          STATE, SCOPE, SOURCE, CREATED, EXPIRES, DESCRIPTION; only
                          active ones unless --inactive
  tokens issue [USER] [--ttl=90d|never] [--read_only] [--description=TEXT] [--out=FILE]
                          a new token for USER (default: you; others: admin), working
                          for --ttl (default 90d) from the server's now; printed once,
                          or written to FILE (mode 0600) for --token_file
  tokens revoke ID        stop token ID at once (your own; anyone's: admin)
  verify                  check the store's indexes, histories and SLA timers
  audit                   the audit log, newest first (admins): denied calls and
                          administrative actions; --after=SEQ (oldest first from there),
                          --denials, --actor=USER|anonymous, --page_size, --page_token,
                          --all
                          (admin, supervisor)
  clock advance DURATION  move the server's test clock forward by DURATION (2h, 90m,
                          1h30m), firing the SLA warnings and breaches due on the way;
                          prints the new time and the tickets changed (admin; only
                          against a server started with --test_clock, else exit 10)
  clock set TIME          move the test clock to TIME (RFC 3339), likewise
  commit ID TIME          promise the customer a date (agent, supervisor): adds a
                          committed_date clock due at TIME (RFC 3339, or +48h for
                          now + 48h; must be in the future); needs --reason
  explain ID              show how each SLA clock got its state and due time: the
                          derivation, then each segment "start - end  STATE  cause"
  preview --calendar=NAME --business_time=DURATION [--start=TIME]
                          the instant DURATION of working time after TIME (default:
                          the server's now) on calendar NAME
  preview --policy=NAME [--start=TIME]
                          the clocks policy NAME would start at TIME (as for commit)
  sla show                the calendars and SLA policies in force and their version
  sla replace FILE        replace all calendars and SLA policies (admin) with those of
                          FILE, an SlaConfig in protobuf text format (only `calendars`
                          and `sla_policies` are read); needs --reason
  sla history             every stored SLA config version, newest first
  alerts list             stored escalation alerts, oldest first (see "alerts flags"):
                          SEQ, TIME, LEVEL, TICKET, CONDITION ("breach first_response"),
                          PAST (how far past the target), RECIPIENTS (+USER: the
                          ticket's assignee), ACK (who acknowledged); --json: one JSON
                          object per line
  alerts ack SEQ          acknowledge alert SEQ (supervisor, admin, a recipient or the
                          assignee); --note=TEXT is stored with it
  alerts watch            follow alerts as they are raised, one line each (--json: one
                          JSON object per line), from --from=N (default 0: every stored
                          alert first); reconnects after a break, 1 s apart, from the
                          last alert printed; exits 0 on SIGINT/SIGTERM (--timeout
                          does not limit the stream)
  accounts create ID --name=NAME --channel=CHANNEL [flags]
                          open a customer account (agent, supervisor, admin; see
                          "accounts flags")
  accounts show ID        one account, a field a line: figures, manager, key persons,
                          service tier and where it came from (COMPUTED or MANUAL)
  accounts list           accounts by id: ID, NAME, CHANNEL, REGION, TIER, SALES,
                          PROFIT; filters --channel, --region (prefix), --tier; --all
  accounts history ID     the account's history (all pages)
  accounts tier ID TIER   set the manual tier override (key, potential_key, standard)
                          or "clear" it; needs --reason; --version=N (default: the
                          current one, read first) (supervisor, admin)
  accounts reclassify     compute every account's tier (80/20 per channel tier) and show
                          the moves: ACCOUNT, CHANNEL, MOVE (from -> to), REASON, then
                          "N accounts, U up, D down, applied: yes/no, tickets moved: T";
                          a dry run unless --apply (supervisor, admin)
  accounts import FILE    create or update the accounts of a CSV file (admin; see "CSV
                          format"); FILE "-" is stdin. Every row that cannot be read is
                          listed ("line 7, column sales_current: not a number: 12,x") and
                          nothing is sent; the server's objections name the line too.
                          --skip_invalid imports the good rows and lists the others;
                          --dry_run only checks. Ends with "created C, updated U,
                          unchanged N, skipped S" (--json: the server's answer, and
                          the rows left out on stderr). One call for the whole file:
                          a large one may need a longer --timeout
  accounts export [FILE]  write all accounts (or those of --channel, --region, --tier)
                          as CSV to FILE, or to stdout; import reads it back unchanged
  queue mine              my open tickets in working order (see "queue flags"):
                          POS, TICKET, PRI, TIER, BREACHED, NEXT DUE (UTC), LEFT
                          (working time to the next due instant; negative: overdue),
                          STATUS, SUMMARY
  queue user USER         the same for USER's tickets (technicians: only their own)
  queue team QUEUE        the same for the team queue QUEUE
  help                    show this text

Global flags:
  --addr=HOST:PORT        server (default: $TKT_ADDR, else 127.0.0.1:50051)
  --token_file=FILE       file holding the bearer token (default: $TKT_TOKEN_FILE; the
                          quickstart writes data/tokens/USER); or the token itself in
                          $TKT_TOKEN. --token=TOKEN also works, but other users of the
                          machine see command lines (ps)
  --json                  print responses as protobuf JSON instead of tables
  --tls                   use TLS (default: plaintext)
  --ca_file=PEM           root certificates for --tls (default: system roots)
  --cert_file=PEM --key_file=PEM
                          with --tls: this client's certificate and key, for a server
                          whose tls has a client_ca_file (mutual TLS)
  --timeout=SECONDS       deadline of each call (default: 10)

create flags:
  --kind=complaint|repair|inquiry   --account=ID   --summary=TEXT
  --description=TEXT   --contact_name=NAME   --contact_phone=PHONE
  --contact_email=EMAIL   --product=NAME   --serial=SERIAL_NUMBER
  --impact=low|medium|high   --urgency=low|medium|high
  --priority=p1|p2|p3|p4 (default: the server derives it from impact x urgency)
  --queue=QUEUE   --region=REGION
  --assignee=USER (a ticket created with an assignee starts assigned)
  --request_id=ID (default: a random UUID; repeat it to retry without duplicates)
  --priority_reason=TEXT (required with --priority: why it overrides the matrix)

update flags (only the flags given are changed; an empty value clears a field):
  --summary --description --contact_name --contact_phone --contact_email
  --product --serial --impact --urgency --priority --queue --region
  --priority_reason=TEXT (required with --priority)
  --version=N (the version you saw; default: read with get first)   --note=TEXT

transition flags:  --reason=TEXT (required for cancelled and reopened)
                   --note=TEXT   --version=N
assign flags:      --queue=QUEUE (also move to this queue)   --note=TEXT   --version=N
commit flags:      --reason=TEXT (required)   --version=N
sla replace flags: --reason=TEXT (required)
                   --expected_version=N (the version you read; default: the current
                   one, read first; a different current version exits 11)
comment flags:     --customer (a reply visible to the customer; default: internal)
                   --version=N (add only if the ticket is still at version N)

list flags (all given filters must match):
  --status=S1,S2,...      any of these statuses
  --assignee=USER   --account=ID   --queue=QUEUE   --priority=pN   --kind=KIND
  --created_from=TIME     created at or after TIME
  --created_to=TIME       created before TIME
                          TIME: RFC 3339 (2024-05-01T08:00:00+08:00) or a date
                          (2024-05-01, midnight local time)
  --page_size=N (1-500, default 50)   --page_token=TOKEN
  --all                   follow next_page_token to the end

alerts flags:
  --level=1,2             only these escalation levels (list, watch)
  --mine                  only alerts addressed to me or about my tickets (list, watch)
  --unacked               only unacknowledged alerts (list, watch)
  --queue=QUEUE           only alerts about tickets of this queue (list, watch)
  --after=N               list: alerts after sequence N   --page_size=N (1-500, def. 100)
  --all                   list: every page, not just the first
  --from=N                watch: start after sequence N (default 0)
  --max=N                 watch: exit 0 after N alerts (default: run until stopped)
  --once                  watch: exit at the first break (1 + gRPC code) instead of
                          reconnecting

accounts flags:
  create: --name=NAME (required)   --channel=CHANNEL (required): distributor,
          second_tier_wholesaler, ka_retail_chain, small_retail,
          business_end_customer, consumer
          --region=REGION   --manager=USER   --loyalty=TEXT   --potential_key
          --sales=MONEY --sales_previous=MONEY --profit=MONEY --profit_previous=MONEY
          MONEY: major units with up to 2 decimals (1234.56); profit may be negative
  list, export: --channel=CHANNEL   --region=PREFIX   --tier=key|potential_key|standard
  list:   --page_size=N (1-500, default 50)   --page_token=TOKEN   --all
  tier:   --reason=TEXT (required)   --version=N
  reclassify: --apply (default: a dry run that changes nothing)
  import: --skip_invalid   --dry_run

CSV format (RFC 4180, UTF-8, CRLF or LF; what export writes and import reads):
  the first line is the header; columns in any order, matched by name:
    id,name,channel_tier,region,sales_current,sales_previous,profit_current,
    profit_previous,loyalty_note,account_manager,potential_key_flag,key_persons
  id, name and channel_tier are required; a missing column reads as empty, which
  clears the field of an existing account. Quote fields with commas, quotes or line
  breaks ("Acme, ""the best"" Ltd"). channel_tier as --channel (any case, or the full
  name CHANNEL_TIER_DISTRIBUTOR); money as MONEY; potential_key_flag true/false, 1/0,
  yes/no or empty; key_persons: entries "name|role|phone|email|notify" separated by
  ';' (role buyer, decision_maker, influencer, user, other; notify true/false; a
  backslash escapes ; | and \)

queue flags:
  --page_size=N (1-500, default 50)   --page_token=TOKEN   --all (every page)

Enum values: short lowercase names (in_progress, p1, high) or the full proto names
(TICKET_STATUS_IN_PROGRESS).

Exit codes:
  0       success
  1       verify found problems
  2       usage error: unknown subcommand or flag, bad value, missing argument
  1 + N   the call failed with gRPC status code N, printed as "error: CODE: message":
          4 INVALID_ARGUMENT, 5 DEADLINE_EXCEEDED, 6 NOT_FOUND, 7 ALREADY_EXISTS,
          8 PERMISSION_DENIED, 9 RESOURCE_EXHAUSTED, 10 FAILED_PRECONDITION,
          11 ABORTED (stale version: read again and retry), 13 UNIMPLEMENTED,
          15 UNAVAILABLE, 17 UNAUTHENTICATED
)";

namespace {

struct FlagArg {
  std::string name;
  std::optional<std::string> value;  // absent for "--name" without "="
};

// "--name=value" / "-name" -> {name, value}.
FlagArg SplitFlag(absl::string_view arg) {
  absl::ConsumePrefix(&arg, "-");
  absl::ConsumePrefix(&arg, "-");
  const size_t eq = arg.find('=');
  if (eq == absl::string_view::npos) return {std::string(arg), std::nullopt};
  return {std::string(arg.substr(0, eq)), std::string(arg.substr(eq + 1))};
}

// Only flags defined by tktctl itself; absl's and libraries' flags stay hidden.
absl::CommandLineFlag* FindOwnFlag(absl::string_view name) {
  const std::string stored = name == "version" ? "ticket_version" : std::string(name);
  absl::CommandLineFlag* flag = absl::FindCommandLineFlag(stored);
  if (flag == nullptr || !absl::StrContains(flag->Filename(), "cli_flags")) return nullptr;
  return flag;
}

// Resolves `arg` to a flag; "--noNAME" of a boolean becomes NAME=false.
absl::StatusOr<absl::CommandLineFlag*> Lookup(FlagArg& arg) {
  if (absl::CommandLineFlag* flag = FindOwnFlag(arg.name)) return flag;
  if (absl::StartsWith(arg.name, "no") && !arg.value.has_value()) {
    absl::CommandLineFlag* flag = FindOwnFlag(arg.name.substr(2));
    if (flag != nullptr && flag->IsOfType<bool>()) {
      arg.value = "false";
      return flag;
    }
  }
  return UsageError(absl::StrCat("unknown flag --", arg.name));
}

// Applies the flag at argv[*i], consuming the next argument as its value when needed.
absl::Status ApplyFlag(int argc, const char* const* argv, int* i, ParsedArgs& parsed) {
  FlagArg arg = SplitFlag(argv[*i]);
  absl::StatusOr<absl::CommandLineFlag*> flag = Lookup(arg);
  if (!flag.ok()) return flag.status();
  if (!arg.value.has_value()) {
    if ((*flag)->IsOfType<bool>()) {
      arg.value = "true";
    } else if (*i + 1 < argc) {
      arg.value = argv[++*i];
    } else {
      return UsageError(absl::StrCat("flag --", arg.name, " needs a value"));
    }
  }
  std::string error;
  if (!(*flag)->ParseFrom(*arg.value, &error)) {
    return UsageError(absl::StrCat("--", arg.name, ": ", error));
  }
  parsed.specified.insert(std::string((*flag)->Name()));
  return absl::OkStatus();
}

bool IsHelp(absl::string_view arg) {
  return arg == "-h" || arg == "--help" || arg == "-help" || arg == "--helpfull";
}

}  // namespace

absl::StatusOr<ParsedArgs> ParseArgs(int argc, const char* const* argv) {
  ParsedArgs parsed;
  bool flags_ended = false;
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (flags_ended || arg == "-" || !absl::StartsWith(arg, "-")) {
      parsed.positional.emplace_back(arg);
    } else if (arg == "--") {
      flags_ended = true;
    } else if (IsHelp(arg)) {
      parsed.help = true;
    } else if (absl::Status status = ApplyFlag(argc, argv, &i, parsed); !status.ok()) {
      return status;
    }
  }
  return parsed;
}

bool Specified(const ParsedArgs& args, const std::string& name) {
  return args.specified.count(name) > 0;
}

}  // namespace ticketing::client
