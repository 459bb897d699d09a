#ifndef TICKETING_TESTS_BENCH_BENCH_UTIL_H_
#define TICKETING_TESTS_BENCH_BENCH_UTIL_H_

// What the scale benchmarks share: the office calendar they run on, and starting the
// measured half in a fresh process (as a real restart would be).

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "server/domain/tickets/lifecycle_service.h"

namespace ticketing::bench {

// China office hours with a lunch break, Monday to Friday: an SlaConfig text fragment.
inline constexpr char kOfficeCalendar[] = R"pb(
  calendars { name: "office" time_zone: "Asia/Shanghai"
    weekly { day: WEEKDAY_MONDAY intervals { start: "08:30" end: "12:00" } intervals { start: "13:30" end: "18:00" } }
    weekly { day: WEEKDAY_TUESDAY intervals { start: "08:30" end: "12:00" } intervals { start: "13:30" end: "18:00" } }
    weekly { day: WEEKDAY_WEDNESDAY intervals { start: "08:30" end: "12:00" } intervals { start: "13:30" end: "18:00" } }
    weekly { day: WEEKDAY_THURSDAY intervals { start: "08:30" end: "12:00" } intervals { start: "13:30" end: "18:00" } }
    weekly { day: WEEKDAY_FRIDAY intervals { start: "08:30" end: "12:00" } intervals { start: "13:30" end: "18:00" } }
  }
)pb";

// Replaces this process with a fresh run of the same binary with `flags`; returns 2 (after
// printing why) only when that fails.
inline int Reexec(const char* argv0, const std::vector<std::string>& flags) {
  std::vector<char*> args = {const_cast<char*>(argv0)};
  for (const std::string& flag : flags) args.push_back(const_cast<char*>(flag.c_str()));
  args.push_back(nullptr);
  execv("/proc/self/exe", args.data());
  std::perror("execv");
  return 2;
}

// Creates `count` tickets through `tickets` on `threads` threads, as agent alice: `fill`
// sets request `i` (its request id is set already). Aborts on the first failure.
inline void PreloadTickets(domain::LifecycleService& tickets, int count, int threads,
                           const std::function<void(int i, v1::CreateTicketRequest&)>& fill) {
  std::atomic<int> next{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      v1::CreateTicketRequest request;
      v1::Ticket* ticket = request.mutable_ticket();
      ticket->set_kind(v1::TICKET_KIND_REPAIR);
      ticket->set_summary("Printer jams");
      ticket->mutable_contact()->set_name("Li Wei");
      for (int i = next++; i < count; i = next++) {
        request.set_request_id("r" + std::to_string(i));
        fill(i, request);
        if (!tickets.Create({"alice", v1::ROLE_AGENT}, request).ok()) std::abort();
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
}

}  // namespace ticketing::bench

#endif  // TICKETING_TESTS_BENCH_BENCH_UTIL_H_
