// Properties of business-time arithmetic over many random calendars and instants.
#include <random>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/sla/business_calendar.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::domain {
namespace {

using ::ticketing::testing::IsOk;

const char* const kZones[] = {"UTC", "Asia/Shanghai", "America/New_York", "Europe/Berlin",
                              "Australia/Lord_Howe", "America/Santiago"};

class RandomCalendars {
 public:
  explicit RandomCalendars(uint32_t seed) : rng_(seed) {}

  int Pick(int n) { return static_cast<int>(rng_() % n); }

  // A random weekly pattern (0-3 intervals a day, sometimes a night shift), random holidays,
  // partial holidays and extra working days. `daytime_only` keeps every boundary between
  // 05:00 and 23:00 and drops night shifts (no boundary then sits in a DST jump).
  v1::BusinessCalendar Spec(bool daytime_only) {
    v1::BusinessCalendar spec;
    spec.set_name("random");
    spec.set_time_zone(kZones[Pick(std::size(kZones))]);
    for (int day = 1; day <= 7; ++day) {
      if (Pick(4) == 0) continue;  // a day off
      v1::WeekdayHours* hours = spec.add_weekly();
      hours->set_day(static_cast<v1::Weekday>(day));
      FillDay(hours->mutable_intervals(), daytime_only);
    }
    for (int i = Pick(6); i > 0; --i) {
      v1::DateException* exception = spec.add_exceptions();
      const absl::CivilDay date = absl::CivilDay(2025, 1, 1) + (i * 73 + Pick(60));
      exception->set_date(absl::FormatCivilTime(date));
      exception->set_end_date(absl::FormatCivilTime(date + Pick(10)));
      if (Pick(2) == 0) FillDay(exception->mutable_intervals(), daytime_only);
    }
    return spec;
  }

  // A random instant in 2025-2026, on a whole second.
  absl::Time Instant() {
    return absl::FromUnixSeconds(1735689600 + static_cast<int64_t>(rng_() % (2 * 365 * 86400)));
  }
  absl::Duration Span() {
    switch (Pick(3)) {
      case 0: return absl::Seconds(Pick(3600));
      case 1: return absl::Minutes(Pick(60 * 24 * 10));
      default: return absl::Hours(Pick(600));
    }
  }

 private:
  void FillDay(google::protobuf::RepeatedPtrField<v1::WorkingInterval>* intervals,
               bool daytime_only) {
    const int first_hour = daytime_only ? 5 : 0, last_hour = daytime_only ? 23 : 24;
    int hour = first_hour + Pick(4);
    for (int n = 1 + Pick(3); n > 0 && hour < last_hour - 1; --n) {
      const int end = std::min(last_hour, hour + 1 + Pick(6));
      v1::WorkingInterval* interval = intervals->Add();
      interval->set_start(absl::StrCat(hour < 10 ? "0" : "", hour, ":", Pick(2) ? "00" : "30"));
      interval->set_end(absl::StrCat(end < 10 ? "0" : "", end, ":00"));
      hour = end + 1;
    }
    if (!daytime_only && Pick(5) == 0 && hour < 22) {  // a night shift into tomorrow
      v1::WorkingInterval* night = intervals->Add();
      night->set_start("22:00");
      night->set_end(absl::StrCat("0", Pick(4) + 1, ":00"));
    }
  }

  std::mt19937 rng_;
};

BusinessCalendar Build(const v1::BusinessCalendar& spec) {
  auto calendar = BusinessCalendar::Create(spec, "calendar", absl::CivilDay(2024, 12, 1),
                                           absl::CivilDay(2029, 12, 31));
  EXPECT_THAT(calendar, IsOk()) << spec.DebugString();
  return *std::move(calendar);
}

bool HasWork(const BusinessCalendar& calendar) {
  auto year = calendar.Elapsed(absl::FromUnixSeconds(1735689600), absl::FromUnixSeconds(1798761600));
  return year.ok() && *year > absl::Hours(1000);  // spans below stay inside 2029
}

TEST(BusinessCalendarPropertyTest, AddThenMeasureGivesBackTheSpanAndAddIsAdditive) {
  RandomCalendars random(20261123);
  int tested = 0;
  for (int c = 0; c < 120; ++c) {
    const v1::BusinessCalendar spec = random.Spec(/*daytime_only=*/false);
    const BusinessCalendar calendar = Build(spec);
    if (!HasWork(calendar)) continue;
    ++tested;
    for (int i = 0; i < 50; ++i) {
      const absl::Time t = random.Instant();
      const absl::Duration x = random.Span(), y = random.Span();
      SCOPED_TRACE(absl::StrCat(spec.ShortDebugString(), " t=", absl::FormatTime(t),
                                " x=", absl::FormatDuration(x), " y=", absl::FormatDuration(y)));
      auto tx = calendar.Add(t, x);
      ASSERT_THAT(tx, IsOk());
      EXPECT_THAT(calendar.Elapsed(t, *tx), ::ticketing::testing::IsOkAndHolds(x));
      auto txy = calendar.Add(t, x + y);
      auto tx_y = calendar.Add(*tx, y);
      ASSERT_THAT(txy, IsOk());
      ASSERT_THAT(tx_y, IsOk());
      EXPECT_EQ(*txy, *tx_y);
      if (x > absl::ZeroDuration()) {
        // Never outside working time: inside an interval or exactly at its end.
        EXPECT_TRUE(calendar.IsWorkingTime(*tx - absl::Nanoseconds(1)));
      } else {
        EXPECT_EQ(*tx, t);
      }
      auto next = calendar.NextBusinessInstant(t);
      ASSERT_THAT(next, IsOk());
      EXPECT_TRUE(calendar.IsWorkingTime(*next));
      EXPECT_THAT(calendar.Elapsed(t, *next), ::ticketing::testing::IsOkAndHolds(absl::ZeroDuration()));
    }
  }
  EXPECT_GE(tested, 60) << "too few random calendars had enough working time";
}

// Working time measured the slow way: every minute whose local wall-clock time falls in
// the day's schedule counts. Independent of the calendar's interval arithmetic.
absl::Duration MinuteByMinute(const v1::BusinessCalendar& spec, absl::Time from, absl::Time to) {
  absl::TimeZone zone;
  absl::LoadTimeZone(spec.time_zone(), &zone);
  absl::Duration total;
  for (absl::Time m = from; m < to; m += absl::Minutes(1)) {
    const absl::CivilMinute local(zone.At(m).cs);
    const absl::CivilDay day(local);
    const std::string date = absl::FormatCivilTime(day);
    const google::protobuf::RepeatedPtrField<v1::WorkingInterval>* intervals = nullptr;
    for (const v1::DateException& e : spec.exceptions()) {
      const std::string end = e.end_date().empty() ? e.date() : e.end_date();
      if (e.date() <= date && date <= end) intervals = &e.intervals();
    }
    if (intervals == nullptr) {
      const int weekday = static_cast<int>(absl::GetWeekday(day));  // monday = 0
      for (const v1::WeekdayHours& hours : spec.weekly()) {
        if (hours.day() == weekday + 1) intervals = &hours.intervals();
      }
    }
    if (intervals == nullptr) continue;
    const std::string now = absl::FormatCivilTime(local).substr(11, 5);  // "HH:MM"
    for (const v1::WorkingInterval& interval : *intervals) {
      const std::string end = interval.end() == "24:00" ? "24:01" : interval.end();
      if (interval.start() <= now && now < end) total += absl::Minutes(1);
    }
  }
  return total;
}

TEST(BusinessCalendarPropertyTest, ElapsedMatchesAMinuteByMinuteCount) {
  RandomCalendars random(7);
  for (int c = 0; c < 40; ++c) {
    const v1::BusinessCalendar spec = random.Spec(/*daytime_only=*/true);
    const BusinessCalendar calendar = Build(spec);
    for (int i = 0; i < 5; ++i) {
      const absl::Time from = absl::FromUnixSeconds(absl::ToUnixSeconds(random.Instant()) / 60 * 60);
      const absl::Time to = from + absl::Minutes(random.Pick(60 * 24 * 9));
      SCOPED_TRACE(absl::StrCat(spec.ShortDebugString(), " from=", absl::FormatTime(from),
                                " to=", absl::FormatTime(to)));
      EXPECT_THAT(calendar.Elapsed(from, to),
                  ::ticketing::testing::IsOkAndHolds(MinuteByMinute(spec, from, to)));
    }
  }
}

}  // namespace
}  // namespace ticketing::domain
