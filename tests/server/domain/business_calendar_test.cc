#include "server/domain/sla/business_calendar.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ticketing::domain {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using ::ticketing::testing::IsOk;
using ::ticketing::testing::IsOkAndHolds;
using ::ticketing::testing::StatusIs;

v1::WorkingInterval Hours(const char* start, const char* end) {
  v1::WorkingInterval interval;
  interval.set_start(start);
  interval.set_end(end);
  return interval;
}

void AddDay(v1::BusinessCalendar& spec, v1::Weekday day,
            std::initializer_list<v1::WorkingInterval> intervals) {
  v1::WeekdayHours* hours = spec.add_weekly();
  hours->set_day(day);
  for (const auto& interval : intervals) *hours->add_intervals() = interval;
}

void AddException(v1::BusinessCalendar& spec, const char* date, const char* end_date,
                  std::initializer_list<v1::WorkingInterval> intervals) {
  v1::DateException* exception = spec.add_exceptions();
  exception->set_date(date);
  exception->set_end_date(end_date);
  for (const auto& interval : intervals) *exception->add_intervals() = interval;
}

// Mon-Fri 08:30-12:00 and 13:30-18:00 in Shanghai, with the 2026 Spring Festival.
v1::BusinessCalendar ShanghaiOffice() {
  v1::BusinessCalendar spec;
  spec.set_name("cn-office");
  spec.set_time_zone("Asia/Shanghai");
  for (v1::Weekday day : {v1::WEEKDAY_MONDAY, v1::WEEKDAY_TUESDAY, v1::WEEKDAY_WEDNESDAY,
                          v1::WEEKDAY_THURSDAY, v1::WEEKDAY_FRIDAY}) {
    AddDay(spec, day, {Hours("08:30", "12:00"), Hours("13:30", "18:00")});
  }
  // Holiday Sun 2026-02-15 .. Mon 2026-02-23 (spans two weekends); Saturday 2026-02-14 and
  // Saturday 2026-02-28 are make-up working days; New Year's Eve is a half day.
  AddException(spec, "2026-02-15", "2026-02-23", {});
  AddException(spec, "2026-02-14", "", {Hours("08:30", "12:00"), Hours("13:30", "18:00")});
  AddException(spec, "2026-02-28", "", {Hours("08:30", "12:00"), Hours("13:30", "18:00")});
  AddException(spec, "2026-12-31", "", {Hours("08:30", "12:00")});
  return spec;
}

class ShanghaiCalendarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto calendar = BusinessCalendar::Create(ShanghaiOffice(), "calendar", absl::CivilDay(2025, 1, 1), absl::CivilDay(2027, 12, 31));
    ASSERT_THAT(calendar, IsOk());
    calendar_.emplace(*std::move(calendar));
    ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone_));
  }
  absl::Time At(int y, int mo, int d, int h, int mi) const {
    return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), zone_);
  }
  absl::Time Add(absl::Time start, absl::Duration business) const {
    auto due = calendar_->Add(start, business);
    EXPECT_THAT(due, IsOk());
    return due.ok() ? *due : absl::InfinitePast();
  }

  std::optional<BusinessCalendar> calendar_;
  absl::TimeZone zone_;
};

TEST_F(ShanghaiCalendarTest, LunchBreakIsSkippedNotTreatedAsAHoliday) {
  // Mon 2026-03-02 11:30 + 1h: 30 min before lunch, 30 min after it.
  EXPECT_EQ(Add(At(2026, 3, 2, 11, 30), absl::Hours(1)), At(2026, 3, 2, 14, 0));
  EXPECT_EQ(Add(At(2026, 3, 2, 11, 0), absl::Hours(2)), At(2026, 3, 2, 14, 30));
}

TEST_F(ShanghaiCalendarTest, StartAtOpeningAndAtClosing) {
  EXPECT_EQ(Add(At(2026, 3, 2, 8, 30), absl::Minutes(210)), At(2026, 3, 2, 12, 0));  // due at closing
  EXPECT_EQ(Add(At(2026, 3, 2, 8, 30), absl::Hours(8)), At(2026, 3, 2, 18, 0));
  EXPECT_EQ(Add(At(2026, 3, 2, 18, 0), absl::Hours(1)), At(2026, 3, 3, 9, 30));
  EXPECT_EQ(Add(At(2026, 3, 2, 18, 0), absl::ZeroDuration()), At(2026, 3, 2, 18, 0));
}

TEST_F(ShanghaiCalendarTest, TicketRaisedOnAWeekendCountsFromMondayMorning) {
  EXPECT_EQ(Add(At(2026, 3, 7, 10, 0), absl::Hours(1)), At(2026, 3, 9, 9, 30));  // Saturday
  EXPECT_THAT(calendar_->Elapsed(At(2026, 3, 7, 10, 0), At(2026, 3, 9, 9, 30)),
              IsOkAndHolds(absl::Hours(1)));
}

TEST_F(ShanghaiCalendarTest, HolidayAcrossWeekendsAndMakeUpDays) {
  // Sat 2026-02-14 is a make-up working day; then nine days off; work resumes Tue 02-24.
  EXPECT_EQ(Add(At(2026, 2, 14, 17, 0), absl::Hours(2)), At(2026, 2, 24, 9, 30));
  EXPECT_TRUE(calendar_->IsWorkingTime(At(2026, 2, 28, 9, 0)));    // Saturday make-up day
  EXPECT_FALSE(calendar_->IsWorkingTime(At(2026, 2, 18, 10, 0)));  // a Wednesday off
  EXPECT_THAT(calendar_->NextBusinessInstant(At(2026, 2, 15, 12, 0)),
              IsOkAndHolds(At(2026, 2, 24, 8, 30)));
}

TEST_F(ShanghaiCalendarTest, PartialHolidayKeepsOnlyItsMorning) {
  EXPECT_EQ(Add(At(2026, 12, 31, 11, 0), absl::Hours(2)), At(2027, 1, 1, 9, 30));
}

TEST_F(ShanghaiCalendarTest, NextBusinessInstantAndIsWorkingTime) {
  EXPECT_THAT(calendar_->NextBusinessInstant(At(2026, 3, 2, 12, 30)),
              IsOkAndHolds(At(2026, 3, 2, 13, 30)));
  EXPECT_THAT(calendar_->NextBusinessInstant(At(2026, 3, 2, 9, 0)),
              IsOkAndHolds(At(2026, 3, 2, 9, 0)));
  EXPECT_TRUE(calendar_->IsWorkingTime(At(2026, 3, 2, 8, 30)));
  EXPECT_FALSE(calendar_->IsWorkingTime(At(2026, 3, 2, 12, 0)));  // intervals are [start, end)
}

TEST_F(ShanghaiCalendarTest, ElapsedIsSignedAndAdditive) {
  const absl::Time a = At(2026, 3, 2, 10, 0), b = At(2026, 3, 4, 15, 0);
  auto forward = calendar_->Elapsed(a, b);
  ASSERT_THAT(forward, IsOk());
  // Mon 10:00-12:00 + 13:30-18:00, all of Tuesday, Wed 08:30-12:00 + 13:30-15:00.
  EXPECT_EQ(*forward, absl::Minutes(120 + 270) + absl::Hours(8) + absl::Minutes(210 + 90));
  EXPECT_THAT(calendar_->Elapsed(b, a), IsOkAndHolds(-*forward));
}

TEST_F(ShanghaiCalendarTest, AYearOfBusinessTimeLandsOnTheRightDay) {
  // 2026 has 248 weekdays off-holiday in this calendar... computed independently below.
  int working_days = 0;
  for (absl::CivilDay d(2026, 1, 1); d <= absl::CivilDay(2026, 12, 31); ++d) {
    const auto intervals = calendar_->WorkingIntervals(d);
    working_days += !intervals.empty();
  }
  // 261 weekdays - 6 holiday weekdays (02-16..02-20, 02-23) + 2 make-up Saturdays = 257 days,
  // the last (12-31) being a half day.
  EXPECT_EQ(working_days, 257);
  auto year = calendar_->Elapsed(At(2026, 1, 1, 0, 0), At(2027, 1, 1, 0, 0));
  ASSERT_THAT(year, IsOk());
  EXPECT_EQ(*year, absl::Hours(8) * 256 + absl::Minutes(210));
  EXPECT_EQ(Add(At(2026, 1, 1, 0, 0), *year), At(2026, 12, 31, 12, 0));
}

TEST_F(ShanghaiCalendarTest, OutsideTheSupportedDatesIsOutOfRange) {
  EXPECT_THAT(calendar_->Add(At(2024, 6, 1, 9, 0), absl::Hours(1)),
              StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("2025-01-01")));
  EXPECT_THAT(calendar_->Add(At(2027, 12, 1, 9, 0), absl::Hours(24 * 400)),
              StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("past the end")));
  EXPECT_THAT(calendar_->Add(At(2026, 1, 5, 9, 0), absl::Hours(-1)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("negative")));
}

absl::Time Local(const char* zone_name, int y, int mo, int d, int h, int mi) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(zone_name, &zone));
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), zone);
}

BusinessCalendar Always(const char* zone) {
  v1::BusinessCalendar spec;
  spec.set_name("always");
  spec.set_time_zone(zone);
  spec.set_always_open(true);
  return *BusinessCalendar::Create(spec, "calendar", absl::CivilDay(2025, 1, 1), absl::CivilDay(2027, 12, 31));
}

TEST(BusinessCalendarDstTest, TwentyFourSevenCountsRealHoursAcrossDstInNewYorkAndBerlin) {
  const BusinessCalendar ny = Always("America/New_York");
  // Spring forward 2026-03-08: the local day has 23 hours.
  EXPECT_THAT(ny.Elapsed(Local("America/New_York", 2026, 3, 8, 0, 0), Local("America/New_York", 2026, 3, 9, 0, 0)),
              IsOkAndHolds(absl::Hours(23)));
  EXPECT_THAT(ny.Add(Local("America/New_York", 2026, 3, 7, 12, 0), absl::Hours(24)),
              IsOkAndHolds(Local("America/New_York", 2026, 3, 8, 13, 0)));
  const BusinessCalendar berlin = Always("Europe/Berlin");
  // Fall back 2026-10-25: 25 hours.
  EXPECT_THAT(berlin.Elapsed(Local("Europe/Berlin", 2026, 10, 25, 0, 0), Local("Europe/Berlin", 2026, 10, 26, 0, 0)),
              IsOkAndHolds(absl::Hours(25)));
}

TEST(BusinessCalendarDstTest, WholeDaysFromMidnightToMidnightCountLikeAlwaysOpen) {
  v1::BusinessCalendar spec;
  spec.set_name("whole-days");
  spec.set_time_zone("Europe/Berlin");
  for (v1::Weekday day : {v1::WEEKDAY_MONDAY, v1::WEEKDAY_TUESDAY, v1::WEEKDAY_WEDNESDAY,
                          v1::WEEKDAY_THURSDAY, v1::WEEKDAY_FRIDAY, v1::WEEKDAY_SATURDAY,
                          v1::WEEKDAY_SUNDAY}) {
    AddDay(spec, day, {Hours("00:00", "24:00")});
  }
  auto calendar = BusinessCalendar::Create(spec, "calendar", absl::CivilDay(2026, 1, 1),
                                           absl::CivilDay(2026, 12, 31));
  ASSERT_THAT(calendar, IsOk());
  const BusinessCalendar always = Always("Europe/Berlin");
  // Across the fall-back date (25 hours) and a plain week, hour for hour the same.
  const absl::Time from = Local("Europe/Berlin", 2026, 10, 23, 9, 30);
  for (absl::Duration add : {absl::Hours(1), absl::Hours(40), absl::Hours(24 * 9 + 5)}) {
    EXPECT_EQ(*calendar->Add(from, add), *always.Add(from, add)) << add;
  }
  EXPECT_THAT(calendar->Elapsed(Local("Europe/Berlin", 2026, 10, 25, 0, 0),
                                Local("Europe/Berlin", 2026, 10, 26, 0, 0)),
              IsOkAndHolds(absl::Hours(25)));
  // A 24-hour night shift still reaches into the next date and is refused.
  v1::BusinessCalendar shift;
  shift.set_name("shift");
  shift.set_time_zone("UTC");
  AddDay(shift, v1::WEEKDAY_MONDAY, {Hours("08:00", "08:00")});
  EXPECT_THAT(BusinessCalendar::Create(shift, "calendar", absl::CivilDay(2026, 1, 1),
                                       absl::CivilDay(2026, 1, 31)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("shorter than 24 hours")));
}

TEST(BusinessCalendarDstTest, NightShiftOverFallBackIsAnHourLonger) {
  v1::BusinessCalendar spec;
  spec.set_name("night");
  spec.set_time_zone("America/New_York");
  AddDay(spec, v1::WEEKDAY_SATURDAY, {Hours("22:00", "06:00")});
  auto calendar = BusinessCalendar::Create(spec, "calendar", absl::CivilDay(2026, 1, 1), absl::CivilDay(2026, 12, 31));
  ASSERT_THAT(calendar, IsOk());
  // Sat 2026-10-31 22:00 EDT to Sun 06:00 EST: nine real hours.
  EXPECT_THAT(calendar->Elapsed(Local("America/New_York", 2026, 10, 31, 12, 0),
                                Local("America/New_York", 2026, 11, 1, 12, 0)),
              IsOkAndHolds(absl::Hours(9)));
  EXPECT_THAT(calendar->Add(Local("America/New_York", 2026, 10, 31, 12, 0), absl::Hours(9)),
              IsOkAndHolds(Local("America/New_York", 2026, 11, 1, 6, 0)));
}

TEST(BusinessCalendarDstTest, BoundaryInsideTheSkippedHourMovesToTheJump) {
  v1::BusinessCalendar spec;
  spec.set_name("early");
  spec.set_time_zone("Europe/Berlin");
  AddDay(spec, v1::WEEKDAY_SUNDAY, {Hours("02:30", "04:00")});
  auto calendar = BusinessCalendar::Create(spec, "calendar", absl::CivilDay(2026, 1, 1), absl::CivilDay(2026, 12, 31));
  ASSERT_THAT(calendar, IsOk());
  // 2026-03-29: 02:00 jumps to 03:00, so 02:30 does not exist; the interval is 03:00-04:00.
  const auto intervals = calendar->WorkingIntervals(absl::CivilDay(2026, 3, 29));
  ASSERT_EQ(intervals.size(), 1u);
  EXPECT_EQ(intervals[0].end - intervals[0].start, absl::Hours(1));
  EXPECT_EQ(intervals[0].start, Local("Europe/Berlin", 2026, 3, 29, 3, 0));
}

TEST(BusinessCalendarSpecTest, BadSpecsNameTheField) {
  auto check = [](const v1::BusinessCalendar& spec, const std::string& field) {
    EXPECT_THAT(BusinessCalendar::Create(spec, "calendars[3]", absl::CivilDay(2026, 1, 1), absl::CivilDay(2026, 1, 31)),
                StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("calendars[3]." + field)));
  };
  v1::BusinessCalendar spec = ShanghaiOffice();
  spec.set_time_zone("Mars/Olympus_Mons");
  check(spec, "time_zone");
  spec = ShanghaiOffice();
  spec.mutable_weekly(1)->mutable_intervals(0)->set_end("25:00");
  check(spec, "weekly[1].intervals[0].end");
  spec = ShanghaiOffice();
  spec.mutable_weekly(0)->mutable_intervals(0)->set_start("24:00");
  check(spec, "weekly[0].intervals[0].start");
  spec = ShanghaiOffice();
  spec.mutable_weekly(0)->mutable_intervals(1)->set_start("11:00");
  check(spec, "weekly[0]");
  spec = ShanghaiOffice();
  spec.mutable_weekly(4)->set_day(v1::WEEKDAY_MONDAY);
  check(spec, "weekly[4].day");
  spec = ShanghaiOffice();
  spec.mutable_exceptions(0)->set_end_date("2026-02-01");
  check(spec, "exceptions[0].end_date");
  spec = ShanghaiOffice();
  spec.mutable_exceptions(1)->set_date("2026-02-16");
  check(spec, "exceptions[1]");
  spec = ShanghaiOffice();
  spec.mutable_exceptions(1)->set_date("2026/02/16");
  check(spec, "exceptions[1].date");
  spec = ShanghaiOffice();
  spec.set_always_open(true);
  check(spec, "weekly");
  spec = ShanghaiOffice();
  spec.mutable_weekly(0)->mutable_intervals(0)->set_end("08:30");
  check(spec, "weekly[0].intervals[0]");
}

}  // namespace
}  // namespace ticketing::domain
