// BusinessCalendar: the arithmetic. Parsing and validation of the spec: calendar_spec.cc.
#include "server/domain/sla/business_calendar.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace ticketing::domain {
namespace {

int WeekdayIndex(absl::CivilDay day) {
  switch (absl::GetWeekday(day)) {
    case absl::Weekday::monday: return 0;
    case absl::Weekday::tuesday: return 1;
    case absl::Weekday::wednesday: return 2;
    case absl::Weekday::thursday: return 3;
    case absl::Weekday::friday: return 4;
    case absl::Weekday::saturday: return 5;
    case absl::Weekday::sunday: return 6;
  }
  return 0;
}

}  // namespace

const BusinessCalendar::DaySchedule& BusinessCalendar::ScheduleOf(absl::CivilDay day) const {
  auto it = exceptions_.find(day);
  return it != exceptions_.end() ? it->second : weekly_[WeekdayIndex(day)];
}

absl::Time BusinessCalendar::LocalToAbsolute(absl::CivilDay day, int64_t seconds) const {
  // A night shift's end past 86400 normalises to the next date. A local time skipped by a
  // DST jump maps to the jump (an interval wholly in the gap becomes empty); a repeated one
  // takes its first occurrence (`pre`).
  const absl::TimeZone::TimeInfo info = zone_.At(absl::CivilSecond(day) + seconds);
  return info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre;
}

std::vector<BusinessCalendar::Interval> BusinessCalendar::WorkingIntervals(
    absl::CivilDay day) const {
  // A night shift belongs to the date it starts on, so the day before can reach into this
  // one. Both dates' intervals are clipped to this date's real bounds (23 or 25 hours on DST
  // days), so every instant is counted on exactly one date. A holiday on this date does not
  // cut yesterday's shift short: the shift is yesterday's.
  const absl::Time day_start = DayStart(day), day_end = DayStart(day + 1);
  std::vector<Interval> intervals;
  for (absl::CivilDay from : {day - 1, day}) {
    for (const LocalInterval& local : ScheduleOf(from)) {
      const absl::Time start = std::max(LocalToAbsolute(from, local.start), day_start);
      const absl::Time end = std::min(LocalToAbsolute(from, local.end), day_end);
      if (start < end) intervals.push_back({start, end});
    }
  }
  std::sort(intervals.begin(), intervals.end(),
            [](const Interval& a, const Interval& b) { return a.start < b.start; });
  // Overlap is refused only within one date's schedule (calendar_spec.cc), so yesterday's
  // shift may overlap or touch this morning's hours. Merging keeps the overlap from being
  // counted twice and the intervals disjoint, as Add and Cumulative assume.
  std::vector<Interval> merged;
  for (const Interval& interval : intervals) {
    if (!merged.empty() && interval.start <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, interval.end);
    } else {
      merged.push_back(interval);
    }
  }
  return merged;
}

// The arithmetic's time zone conversions all happen here, once per date, so that Add,
// Elapsed and NextBusinessInstant only search these tables (docs/sla.md, Arithmetic:
// 1.2-1.6 us per query before the tables, 56-69 ns with them).
void BusinessCalendar::BuildPrefix() {
  const int64_t count = prefix_.size() - 1;
  day_starts_.resize(count + 1);
  offsets_.assign(1, 0);
  intervals_.clear();
  for (int64_t i = 0; i < count; ++i) {
    day_starts_[i] = DayStart(first_ + i);
    int64_t seconds = 0;
    for (const Interval& interval : WorkingIntervals(first_ + i)) {
      // Whole seconds lose nothing: bounds are local whole seconds mapped through zone
      // transitions, which fall on whole seconds too.
      seconds += absl::ToInt64Seconds(interval.end - interval.start);
      intervals_.push_back(interval);
    }
    offsets_.push_back(intervals_.size());
    prefix_[i + 1] = prefix_[i] + seconds;
  }
  // One start past the last date: DayIndex tells the last date from beyond the range.
  day_starts_[count] = DayStart(first_ + count);
}

int64_t BusinessCalendar::DayIndex(absl::Time t) const {
  // The date whose start is the last at or before t (so where midnight repeats, an instant
  // of the repeated hour belongs to the later date); -1 / days() outside the range.
  if (t < day_starts_.front()) return -1;
  return (std::upper_bound(day_starts_.begin(), day_starts_.end(), t) - day_starts_.begin()) - 1;
}

absl::Status BusinessCalendar::OutOfRange(absl::Time t) const {
  return absl::OutOfRangeError(absl::StrCat(
      "calendar ", name_, " covers local dates ", absl::FormatCivilTime(first_), " to ",
      absl::FormatCivilTime(first_ + (days() - 1)), "; ",
      absl::FormatTime(absl::RFC3339_sec, t, zone_), " is outside"));
}

absl::StatusOr<absl::Duration> BusinessCalendar::Cumulative(absl::Time t) const {
  const int64_t index = DayIndex(t);
  if (index < 0 || index >= days()) return OutOfRange(t);
  absl::Duration total = absl::Seconds(prefix_[index]);
  for (const Interval& interval : IntervalsAt(index)) {
    if (interval.start >= t) break;
    total += std::min(interval.end, t) - interval.start;
  }
  return total;
}

absl::StatusOr<absl::Duration> BusinessCalendar::Elapsed(absl::Time from, absl::Time to) const {
  absl::StatusOr<absl::Duration> a = Cumulative(from);
  if (!a.ok()) return a.status();
  absl::StatusOr<absl::Duration> b = Cumulative(to);
  if (!b.ok()) return b.status();
  return *b - *a;
}

absl::StatusOr<absl::Time> BusinessCalendar::Add(absl::Time start,
                                                 absl::Duration business) const {
  if (business < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("business time to add must not be negative");
  }
  // Checked before the zero case, so a start outside the covered dates fails even for 0.
  absl::StatusOr<absl::Duration> base = Cumulative(start);
  if (!base.ok()) return base.status();
  if (business == absl::ZeroDuration()) return start;
  const absl::Duration target = *base + business;
  // The first day whose end reaches the target: prefix_[day + 1] >= target. lower_bound
  // (>=): a target reached exactly at closing is due at closing, not at the next opening
  // (docs/sla.md, Arithmetic). Starting at DayIndex(start) only narrows the search.
  const auto day_end = std::lower_bound(
      prefix_.begin() + DayIndex(start) + 1, prefix_.end(), target,
      [](int64_t seconds, absl::Duration value) { return absl::Seconds(seconds) < value; });
  // Never a guessed instant: a new ticket then fails (SlaPolicySet::CheckWorkingTime refuses
  // such sets up front); a breach age falls back to wall-clock time (ScheduleBreachAge).
  if (day_end == prefix_.end()) {
    return absl::OutOfRangeError(absl::StrCat("adding ", absl::FormatDuration(business),
                                              " of business time runs past the end of calendar ",
                                              name_));
  }
  const int64_t day = (day_end - prefix_.begin()) - 1;
  absl::Duration remaining = target - absl::Seconds(prefix_[day]);
  for (const Interval& interval : IntervalsAt(day)) {
    // <=: time that runs out exactly at an interval's end is due at that end (the lunch
    // break or closing), the same rule as the lower_bound above.
    if (remaining <= interval.end - interval.start) return interval.start + remaining;
    remaining -= interval.end - interval.start;
  }
  return absl::InternalError("business calendar prefix sums disagree with its intervals");
}

absl::StatusOr<absl::Time> BusinessCalendar::NextBusinessInstant(absl::Time t) const {
  absl::StatusOr<absl::Duration> base = Cumulative(t);
  if (!base.ok()) return base.status();
  // The first day whose end lies beyond the working time done by t has work after t.
  // upper_bound (>): a day whose working time ends exactly at t has none left after t.
  const auto day_end = std::upper_bound(
      prefix_.begin() + DayIndex(t) + 1, prefix_.end(), *base,
      [](absl::Duration value, int64_t seconds) { return value < absl::Seconds(seconds); });
  if (day_end == prefix_.end()) return OutOfRange(t);
  const int64_t day = (day_end - prefix_.begin()) - 1;
  for (const Interval& interval : IntervalsAt(day)) {
    if (interval.end > t) return std::max(interval.start, t);
  }
  return absl::InternalError("business calendar prefix sums disagree with its intervals");
}

bool BusinessCalendar::IsWorkingTime(absl::Time t) const {
  // Outside the covered dates a bool cannot say OUT_OF_RANGE: not working time. For quiet
  // hours that errs towards the on-duty level (EscalationPolicy::Address).
  const int64_t index = DayIndex(t);
  if (index < 0 || index >= days()) return false;
  for (const Interval& interval : IntervalsAt(index)) {
    if (interval.start <= t && t < interval.end) return true;
  }
  return false;
}

}  // namespace ticketing::domain
