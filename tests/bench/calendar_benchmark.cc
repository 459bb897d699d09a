// Business-calendar arithmetic: the cost must not grow with the span.
//   build/tests/bench/calendar_benchmark
#include "benchmark/benchmark.h"
#include "server/domain/sla/business_calendar.h"

namespace ticketing::domain {
namespace {

v1::BusinessCalendar OfficeSpec() {
  v1::BusinessCalendar spec;
  spec.set_name("cn-office");
  spec.set_time_zone("Asia/Shanghai");
  for (int day = 1; day <= 5; ++day) {
    v1::WeekdayHours* hours = spec.add_weekly();
    hours->set_day(static_cast<v1::Weekday>(day));
    v1::WorkingInterval* morning = hours->add_intervals();
    morning->set_start("08:30");
    morning->set_end("12:00");
    v1::WorkingInterval* afternoon = hours->add_intervals();
    afternoon->set_start("13:30");
    afternoon->set_end("18:00");
  }
  for (int year = 2020; year <= 2040; ++year) {  // a week-long holiday every year
    v1::DateException* holiday = spec.add_exceptions();
    holiday->set_date(std::to_string(year) + "-10-01");
    holiday->set_end_date(std::to_string(year) + "-10-07");
  }
  return spec;
}

const BusinessCalendar& Office() {
  static const auto* calendar = new BusinessCalendar(*BusinessCalendar::Create(OfficeSpec()));
  return *calendar;
}

const absl::Time kStart = absl::FromUnixSeconds(1767258000);  // 2026-01-01 09:00 CST

void BM_AddBusinessTime(benchmark::State& state) {
  const absl::Duration span = absl::Minutes(state.range(0));
  absl::Time start = kStart;
  for (auto _ : state) {
    benchmark::DoNotOptimize(Office().Add(start, span));
    start += absl::Seconds(37);  // vary the start a little
  }
}
// 1 hour, 1 working day, 1 month and 1 year (2,000 h) of business time.
BENCHMARK(BM_AddBusinessTime)->Arg(60)->Arg(480)->Arg(480 * 22)->Arg(2000 * 60);

void BM_ElapsedOverAYear(benchmark::State& state) {
  const absl::Time end = kStart + absl::Hours(24 * 365);
  for (auto _ : state) benchmark::DoNotOptimize(Office().Elapsed(kStart, end));
}
BENCHMARK(BM_ElapsedOverAYear);

void BM_NextBusinessInstant(benchmark::State& state) {
  const absl::Time friday_night = absl::FromUnixSeconds(1767962400);  // 2026-01-09 20:40 CST
  for (auto _ : state) benchmark::DoNotOptimize(Office().NextBusinessInstant(friday_night));
}
BENCHMARK(BM_NextBusinessInstant);

// Building a calendar precomputes a hundred years of day totals.
void BM_CreateCalendar(benchmark::State& state) {
  const v1::BusinessCalendar spec = OfficeSpec();
  for (auto _ : state) benchmark::DoNotOptimize(BusinessCalendar::Create(spec));
}
BENCHMARK(BM_CreateCalendar)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ticketing::domain
