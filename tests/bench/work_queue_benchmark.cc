// How fast work queues and filtered lists answer on a large store: preloads N open tickets
// (through TicketService, as the server creates them: accounts with tiers, SLA clocks, the
// work-queue index) spread over 20 team queues and 500 technicians, then times pages of 50
// of ListWorkQueue (team and technician, first and deeper pages) and of ListTickets with
// filters, and the full service report over every ticket, in a fresh process reopening the
// store.
//
//   build/tests/bench/work_queue_benchmark --tickets=1000000 --dir=/tmp/work-queue
//
// The preload writes without WAL sync (setup, not the thing measured). Prints one JSON line.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/bench/bench_util.h"
#include "tests/testing/domain_world.h"

ABSL_FLAG(int, tickets, 1000000, "open tickets to preload");
ABSL_FLAG(std::string, dir, "/tmp/work-queue-benchmark", "database directory (wiped)");
ABSL_FLAG(int, threads, 2, "preload threads");
ABSL_FLAG(int, requests, 2000, "timed requests per kind");
ABSL_FLAG(bool, measure_only, false,
          "skip the preload (set when the benchmark re-executes itself to measure in a fresh "
          "process)");

namespace ticketing {
namespace {

constexpr int kQueues = 20;
constexpr int kTechnicians = 500;
constexpr int kAccounts = 5000;
constexpr int kKeyEvery = 5;  // every 5th account is KEY

constexpr char kPolicies[] = R"pb(
  sla_policies { name: "key" match { tiers: SERVICE_TIER_KEY } first_response: "2h" resolution: "16h" calendar: "office" }
  sla_policies { name: "standard" first_response: "4h" resolution: "24h" calendar: "office" }
)pb";

const domain::Principal kAlice{"alice", v1::ROLE_AGENT};
const domain::Principal kSue{"sue", v1::ROLE_SUPERVISOR};

std::string Technician(int i) { return absl::StrCat("tech-", i); }

// The domain as ticketd wires it (accounts on), on `dir`.
std::unique_ptr<testing::DomainWorld> Open(const std::string& dir, testing::FakeClock& clock,
                                           bool sync) {
  testing::DomainWorld::Options options;
  options.config = std::string(bench::kOfficeCalendar) + kPolicies;
  options.users = {kAlice, kSue};
  for (int i = 0; i < kTechnicians; ++i) options.users.push_back({Technician(i), v1::ROLE_TECHNICIAN});
  options.accounts = true;
  options.first_day = domain::BusinessCalendar::kDefaultFirstDay;
  options.last_day = domain::BusinessCalendar::kDefaultLastDay;
  options.sync_writes = sync;
  auto world = testing::DomainWorld::Open(clock, dir, options);
  if (!world.ok()) {
    std::fprintf(stderr, "%s\n", world.status().ToString().c_str());
    std::abort();
  }
  return *std::move(world);
}

void PreloadAccounts(domain::AccountService& accounts) {
  for (int i = 0; i < kAccounts; ++i) {
    v1::CreateAccountRequest request;
    request.mutable_account()->set_id(absl::StrCat("acct-", i));
    request.mutable_account()->set_name(absl::StrCat("Account ", i));
    request.mutable_account()->set_channel_tier(v1::CHANNEL_TIER_SMALL_RETAIL);
    const v1::Account account = *accounts.Create(kAlice, request);
    if (i % kKeyEvery != 0) continue;
    v1::SetServiceTierRequest key;
    key.set_account_id(account.id());
    key.set_version(account.version());
    key.set_tier(v1::SERVICE_TIER_KEY);
    key.set_reason("benchmark");
    if (!accounts.SetServiceTier(kSue, key).ok()) std::abort();
  }
}

struct Latency {
  std::vector<double> us;
  std::string Json(const char* name) {
    std::sort(us.begin(), us.end());
    const auto at = [&](double q) { return us[std::min(us.size() - 1, static_cast<size_t>(q * us.size()))]; };
    return absl::StrCat("\"", name, "\":{\"p50_us\":", static_cast<int>(at(0.5)),
                        ",\"p99_us\":", static_cast<int>(at(0.99)),
                        ",\"max_us\":", static_cast<int>(us.back()), "}");
  }
};

template <typename Call>
Latency Time(int requests, Call&& call) {
  Latency latency;
  for (int i = 0; i < requests; ++i) {
    const absl::Time t0 = absl::Now();
    call(i);
    latency.us.push_back(absl::ToDoubleMicroseconds(absl::Now() - t0));
  }
  return latency;
}

int Measure(const std::string& dir, testing::FakeClock& clock, int count, int requests) {
  auto w = Open(dir, clock, /*sync=*/true);
  std::mt19937 rng(7);
  const auto queue_page = [&](v1::ListWorkQueueRequest request, int pages) {
    request.set_page_size(50);
    for (int p = 0; p < pages; ++p) {
      auto response = w->work_queues->ListWorkQueue(kSue, request);
      if (!response.ok() || response->items_size() == 0) std::abort();
      request.set_page_token(response->next_page_token());
    }
  };
  Time(requests / 4, [&](int) {  // warm-up: block cache and page cache, not timed
    v1::ListWorkQueueRequest r;
    r.set_queue(absl::StrCat("team-", rng() % kQueues));
    queue_page(r, 1);
  });
  Latency team = Time(requests, [&](int) {
    v1::ListWorkQueueRequest r;
    r.set_queue(absl::StrCat("team-", rng() % kQueues));
    queue_page(r, 1);
  });
  Latency team_page5 = Time(requests / 5, [&](int) {  // five pages in a row, timed together
    v1::ListWorkQueueRequest r;
    r.set_queue(absl::StrCat("team-", rng() % kQueues));
    queue_page(r, 5);
  });
  Latency technician = Time(requests, [&](int) {
    v1::ListWorkQueueRequest r;
    r.set_assignee(Technician(rng() % kTechnicians));
    queue_page(r, 1);
  });
  Latency list = Time(requests, [&](int) {
    v1::ListTicketsRequest r;
    r.set_queue(absl::StrCat("team-", rng() % kQueues));
    r.add_statuses(v1::TICKET_STATUS_ASSIGNED);
    r.set_page_size(50);
    auto response = w->queries->List(kSue, r);
    if (!response.ok()) std::abort();
  });
  domain::ReportService& reports = *w->reports;
  int64_t reported = 0;
  Latency report = Time(3, [&](int i) {
    v1::ServiceReportRequest r;
    // Every ticket: they were created from 2026-01-05 (the clock's start) on, over less than
    // a day; a report covers at most 366 days.
    r.mutable_from()->set_seconds(1767574800);
    r.mutable_to()->set_seconds(1767574800 + 365 * 86400);
    r.set_group_by(i % 2 == 0 ? v1::REPORT_GROUP_TECHNICIAN : v1::REPORT_GROUP_TIER);
    auto response = reports.GetServiceReport(kSue, r);
    if (!response.ok()) std::abort();
    reported = response->total().tickets();
  });
  std::printf("{\"tickets\":%d,%s,%s,%s,%s,%s,\"report_tickets\":%lld}\n", count,
              team.Json("team_queue_page50").c_str(), team_page5.Json("team_queue_5_pages").c_str(),
              technician.Json("technician_queue_page50").c_str(),
              list.Json("list_queue_status_page50").c_str(),
              report.Json("service_report_all_tickets").c_str(), static_cast<long long>(reported));
  return 0;
}

}  // namespace
}  // namespace ticketing

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  using namespace ticketing;
  const std::string dir = absl::GetFlag(FLAGS_dir);
  const int count = absl::GetFlag(FLAGS_tickets);
  // Monday 2026-01-05 09:00 Shanghai.
  testing::FakeClock clock(absl::FromUnixSeconds(1767574800));
  if (!absl::GetFlag(FLAGS_measure_only)) {
    std::filesystem::remove_all(dir);
    const absl::Time t0 = absl::Now();
    {
      auto w = Open(dir, clock, /*sync=*/false);
      PreloadAccounts(*w->accounts);
      bench::PreloadTickets(*w->lifecycle, count, absl::GetFlag(FLAGS_threads),
                            [&clock](int i, v1::CreateTicketRequest& request) {
                              v1::Ticket* ticket = request.mutable_ticket();
                              ticket->set_account_id(absl::StrCat("acct-", i % kAccounts));
                              ticket->set_queue(absl::StrCat("team-", i % kQueues));
                              ticket->set_assignee(Technician(i % kTechnicians));
                              ticket->set_impact(static_cast<v1::Impact>(1 + i % 3));
                              // Spread the due times.
                              if (i % 1000 == 0) clock.Advance(absl::Seconds(7));
                            });
    }
    std::fprintf(stderr, "preloaded %d tickets in %.1f s\n", count,
                 absl::ToDoubleSeconds(absl::Now() - t0));
    return bench::Reexec(argv[0], {"--measure_only", absl::StrCat("--tickets=", count),
                                   absl::StrCat("--dir=", dir),
                                   absl::StrCat("--requests=", absl::GetFlag(FLAGS_requests))});
  }
  return Measure(dir, clock, count, absl::GetFlag(FLAGS_requests));
}
