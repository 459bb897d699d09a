// How the SLA machinery scales with open tickets: preloads N open tickets (each with a
// running first-response and resolution clock, so 4 pending timers), then measures a
// restart (open the store, load the SLA set, catch up on due timers: everything ticketd does
// before it serves) and the process's memory after it. The monitor keeps nothing in memory
// per ticket: its timers are rows of the `timers` column family, read in due order.
//
//   build/tests/bench/sla_scale_benchmark --tickets=1000000 --dir=/tmp/sla-scale
//
// The preload writes without WAL sync (it is setup, not the thing measured). Prints one
// JSON line.
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/bench/bench_util.h"
#include "tests/testing/domain_world.h"

ABSL_FLAG(int, tickets, 1000000, "open tickets to preload");
ABSL_FLAG(std::string, dir, "/tmp/sla-scale-benchmark", "database directory (wiped)");
ABSL_FLAG(int, threads, 2, "preload threads");
ABSL_FLAG(bool, restart_only, false,
          "skip the preload (set when the benchmark re-executes itself to measure the restart "
          "in a fresh process)");

namespace ticketing {
namespace {

constexpr char kPolicies[] = R"pb(
  sla_policies { name: "standard" first_response: "4h" resolution: "24h" calendar: "office" }
)pb";

long RssKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// The domain as ticketd wires it, on `dir`.
std::unique_ptr<testing::DomainWorld> Open(const std::string& dir, testing::FakeClock& clock,
                                           bool sync) {
  testing::DomainWorld::Options options;
  options.config = std::string(bench::kOfficeCalendar) + kPolicies;
  options.users = {{"alice", v1::ROLE_AGENT}};
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

}  // namespace
}  // namespace ticketing

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  using namespace ticketing;
  const std::string dir = absl::GetFlag(FLAGS_dir);
  const int count = absl::GetFlag(FLAGS_tickets);
  // Monday 2026-01-05 09:00 Shanghai: nothing falls due during the run.
  testing::FakeClock clock(absl::FromUnixSeconds(1767574800));
  if (!absl::GetFlag(FLAGS_restart_only)) {
    std::filesystem::remove_all(dir);
    const absl::Time t0 = absl::Now();
    {
      auto w = Open(dir, clock, /*sync=*/false);
      bench::PreloadTickets(*w->lifecycle, count, absl::GetFlag(FLAGS_threads),
                            [](int i, v1::CreateTicketRequest& request) {
                              request.mutable_ticket()->set_account_id(
                                  absl::StrCat("acct-", i % 5000));
                            });
    }  // closes (flushes) the store, like a SIGTERM
    std::fprintf(stderr, "preloaded %d open tickets in %.1f s\n", count,
                 absl::ToDoubleSeconds(absl::Now() - t0));
    // Measure the restart in a fresh process, as a real restart would be.
    return bench::Reexec(argv[0], {"--restart_only", absl::StrCat("--tickets=", count),
                                   absl::StrCat("--dir=", dir)});
  }
  const long rss_before = RssKiB();
  const absl::Time t0 = absl::Now();
  auto w = Open(dir, clock, /*sync=*/true);
  const int fired = *w->monitor->RunOnce();
  const double restart_ms = absl::ToDoubleMilliseconds(absl::Now() - t0);
  const long rss_after = RssKiB();
  const absl::Time t1 = absl::Now();
  const int idle_runs = 1000;
  for (int i = 0; i < idle_runs; ++i) (void)*w->monitor->RunOnce();
  const double idle_run_us = absl::ToDoubleMicroseconds(absl::Now() - t1) / idle_runs;
  auto report = w->store->Verify();
  std::printf(
      "{\"open_tickets\":%d,\"restart_to_ready_ms\":%.1f,\"fired_at_start\":%d,"
      "\"rss_before_open_kib\":%ld,\"rss_after_restart_kib\":%ld,"
      "\"rss_growth_bytes_per_open_ticket\":%.2f,\"monitor_idle_run_us\":%.1f,"
      "\"timers\":%lld,\"store_problems\":%lld}\n",
      count, restart_ms, fired, rss_before, rss_after,
      1024.0 * (rss_after - rss_before) / count, idle_run_us,
      static_cast<long long>(report->timers), static_cast<long long>(report->problem_count));
  return report->problem_count == 0 ? 0 : 1;
}
