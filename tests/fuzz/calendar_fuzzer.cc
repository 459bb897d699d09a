// Fuzzes business-calendar arithmetic, which every SLA due time rests on, on calendars
// made from the input (weekly hours, night shifts, holidays and make-up days, in zones with
// and without daylight saving): Create refuses bad specs with a message or builds a
// calendar on which Add and Elapsed agree (Elapsed(s, Add(s, d)) == d), Add is additive,
// Elapsed is antisymmetric, and the next business instant is working time.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/domain/sla/business_calendar.h"

namespace {

void Check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "calendar property broken: %s\n", what);
    std::abort();
  }
}

// "HH:MM" mostly on the quarter hour, sometimes any minute, "24:00" or free text.
std::string TimeOfDay(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange(0, 9)) {
    case 0:
      return "24:00";
    case 1:
      return in.ConsumeRandomLengthString(8);
    case 2:
      return absl::StrFormat("%02d:%02d", in.ConsumeIntegralInRange(0, 23),
                             in.ConsumeIntegralInRange(0, 59));
    default:
      return absl::StrFormat("%02d:%02d", in.ConsumeIntegralInRange(0, 23),
                             15 * in.ConsumeIntegralInRange(0, 3));
  }
}

void AddInterval(FuzzedDataProvider& in, ticketing::v1::WorkingInterval* interval) {
  interval->set_start(TimeOfDay(in));
  interval->set_end(TimeOfDay(in));
}

std::string Date(FuzzedDataProvider& in) {
  const absl::CivilDay day =
      absl::CivilDay(2025, 1, 1) + in.ConsumeIntegralInRange(0, 3 * 366);
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using ticketing::domain::BusinessCalendar;
  FuzzedDataProvider in(data, size);
  ticketing::v1::BusinessCalendar spec;
  spec.set_name("fuzz");
  static const char* const kZones[] = {"UTC", "Asia/Shanghai", "Europe/Berlin",
                                       "America/New_York", "Australia/Lord_Howe",
                                       "America/Santiago"};
  spec.set_time_zone(kZones[in.ConsumeIntegralInRange<size_t>(0, 5)]);
  spec.set_always_open(in.ConsumeIntegralInRange(0, 15) == 0);
  for (int days = in.ConsumeIntegralInRange(0, 9); days > 0; --days) {
    auto* weekday = spec.add_weekly();
    weekday->set_day(static_cast<ticketing::v1::Weekday>(in.ConsumeIntegralInRange(0, 7)));
    for (int n = in.ConsumeIntegralInRange(0, 3); n > 0; --n) AddInterval(in, weekday->add_intervals());
  }
  for (int n = in.ConsumeIntegralInRange(0, 6); n > 0; --n) {
    auto* exception = spec.add_exceptions();
    exception->set_date(Date(in));
    if (in.ConsumeBool()) exception->set_end_date(Date(in));
    for (int k = in.ConsumeIntegralInRange(0, 2); k > 0; --k) AddInterval(in, exception->add_intervals());
  }
  absl::StatusOr<BusinessCalendar> calendar =
      BusinessCalendar::Create(spec, "calendar", absl::CivilDay(2024, 1, 1),
                               absl::CivilDay(2028, 12, 31));
  if (!calendar.ok()) {
    Check(!calendar.status().message().empty(), "a refusal says why");
    return 0;
  }
  const absl::Time base = absl::FromCivil(absl::CivilSecond(2025, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  const absl::Time start = base + absl::Seconds(in.ConsumeIntegralInRange<int64_t>(0, 2 * 366 * 86400));
  const absl::Duration x = absl::Seconds(in.ConsumeIntegralInRange<int64_t>(0, 500 * 3600));
  const absl::Duration y = absl::Seconds(in.ConsumeIntegralInRange<int64_t>(0, 500 * 3600));
  const absl::Time other = base + absl::Seconds(in.ConsumeIntegralInRange<int64_t>(0, 2 * 366 * 86400));

  const auto zero = calendar->Add(start, absl::ZeroDuration());
  Check(zero.ok() && *zero == start, "Add(t, 0) == t");
  const auto after_x = calendar->Add(start, x);
  if (after_x.ok()) {
    Check(*after_x >= start, "Add moves forward");
    const auto elapsed = calendar->Elapsed(start, *after_x);
    Check(elapsed.ok() && *elapsed == x, "Elapsed(s, Add(s, d)) == d");
    const auto then_y = calendar->Add(*after_x, y);
    const auto at_once = calendar->Add(start, x + y);
    Check(then_y.ok() == at_once.ok(), "Add(Add(a, x), y) and Add(a, x + y) both work or not");
    if (then_y.ok()) Check(*then_y == *at_once, "Add(Add(a, x), y) == Add(a, x + y)");
  }
  const auto forward = calendar->Elapsed(start, other);
  const auto backward = calendar->Elapsed(other, start);
  Check(forward.ok() && backward.ok() && *forward == -*backward, "Elapsed is antisymmetric");
  Check(absl::AbsDuration(*forward) <= absl::AbsDuration(other - start), "Elapsed <= wall time");
  const auto next = calendar->NextBusinessInstant(start);
  if (next.ok()) {
    Check(*next >= start && calendar->IsWorkingTime(*next), "the next business instant works");
    if (*next > start) {
      const auto none = calendar->Elapsed(start, *next);
      Check(none.ok() && *none == absl::ZeroDuration(), "no working time before the next instant");
    }
  }
  return 0;
}
