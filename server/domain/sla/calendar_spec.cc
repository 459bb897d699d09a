// BusinessCalendar::Create: parsing and validation of a v1::BusinessCalendar.
#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "proto/base/status_macros.h"
#include "server/domain/sla/business_calendar.h"
#include "server/domain/base/validation.h"

namespace ticketing::domain {
namespace {

constexpr int64_t kDaySeconds = 24 * 60 * 60;
// One exception covers at most 366 dates (a year, leap day included): a mistyped end_date
// (the wrong year) is refused instead of silently turning years into holidays.
constexpr int64_t kMaxExceptionDays = 366;

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

// "HH:MM" or "HH:MM:SS" -> seconds after midnight; "24:00" only when `is_end`.
absl::StatusOr<int64_t> ParseTimeOfDay(absl::string_view field, absl::string_view text,
                                       bool is_end) {
  const std::vector<absl::string_view> parts = absl::StrSplit(text, ':');
  int values[3] = {0, 0, 0};
  bool ok = (parts.size() == 2 || parts.size() == 3);
  for (size_t i = 0; ok && i < parts.size(); ++i) {
    ok = parts[i].size() == 2 && absl::SimpleAtoi(parts[i], &values[i]);
  }
  ok = ok && values[0] <= 24 && values[1] < 60 && values[2] < 60;
  const int64_t seconds = values[0] * 3600 + values[1] * 60 + values[2];
  if (!ok || seconds > kDaySeconds) {
    return Invalid(field, absl::StrCat("'", text, "' is not a time of day HH:MM or HH:MM:SS"));
  }
  // As a start, 24:00 would be the next date's 00:00 filed under this date.
  if (seconds == kDaySeconds && !is_end) return Invalid(field, "24:00 can only end an interval");
  return seconds;
}

absl::StatusOr<std::vector<int64_t>> ParseInterval(absl::string_view field,
                                                   const v1::WorkingInterval& interval) {
  TKT_ASSIGN_OR_RETURN(int64_t start,
                       ParseTimeOfDay(absl::StrCat(field, ".start"), interval.start(), false));
  TKT_ASSIGN_OR_RETURN(int64_t end,
                       ParseTimeOfDay(absl::StrCat(field, ".end"), interval.end(), true));
  if (end <= start) end += kDaySeconds;  // a night shift ends the next day
  // Shorter than 24 hours, a shift reaches at most into the next date, which is why
  // BusinessCalendar::WorkingIntervals looks only one date back. The whole date,
  // 00:00-24:00, is the one 24-hour interval: it stays within its date.
  const bool whole_date = start == 0 && end == kDaySeconds;
  if (end - start >= kDaySeconds && !whole_date) {
    return Invalid(field, "must be shorter than 24 hours (use 00:00-24:00 for a whole day)");
  }
  return std::vector<int64_t>{start, end};
}

template <typename Schedule>
absl::Status ParseIntervals(absl::string_view field,
                            const google::protobuf::RepeatedPtrField<v1::WorkingInterval>& in,
                            Schedule& out) {
  for (int i = 0; i < in.size(); ++i) {
    TKT_ASSIGN_OR_RETURN(std::vector<int64_t> bounds,
                         ParseInterval(absl::StrCat(field, ".intervals[", i, "]"), in[i]));
    out.push_back({bounds[0], bounds[1]});
  }
  // Sorted by start, as WorkingIntervals and the prefix sums expect. Only this date's own
  // intervals are checked: a night shift from the day before may still overlap them, and
  // BusinessCalendar::WorkingIntervals merges that overlap.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i].start < out[i - 1].end) return Invalid(field, "working intervals overlap");
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view field, absl::string_view text) {
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day)) {
    return Invalid(field, absl::StrCat("'", text, "' is not a date YYYY-MM-DD"));
  }
  return day;
}

}  // namespace

absl::StatusOr<BusinessCalendar> BusinessCalendar::Create(const v1::BusinessCalendar& spec,
                                                          absl::string_view field,
                                                          absl::CivilDay first,
                                                          absl::CivilDay last) {
  BusinessCalendar calendar;
  TKT_RETURN_IF_ERROR(CheckIdentifier(absl::StrCat(field, ".name"), spec.name(), true));
  calendar.name_ = spec.name();
  if (spec.time_zone().empty() || !absl::LoadTimeZone(spec.time_zone(), &calendar.zone_)) {
    return Invalid(absl::StrCat(field, ".time_zone"),
                   absl::StrCat("unknown IANA time zone '", spec.time_zone(), "'"));
  }
  if (spec.always_open() && spec.weekly_size() > 0) {
    return Invalid(absl::StrCat(field, ".weekly"), "must be empty when always_open is set");
  }
  for (int i = 0; i < spec.weekly_size(); ++i) {
    const std::string day_field = absl::StrCat(field, ".weekly[", i, "]");
    const v1::WeekdayHours& hours = spec.weekly(i);
    if (hours.day() == v1::WEEKDAY_UNSPECIFIED || !v1::Weekday_IsValid(hours.day())) {
      return Invalid(day_field + ".day", "must be a weekday");
    }
    // Weekday enum values run 1 (Monday) to 7 (Sunday); weekly_ is indexed from Monday = 0.
    DaySchedule& schedule = calendar.weekly_[hours.day() - 1];
    if (!schedule.empty()) return Invalid(day_field + ".day", "weekday listed twice");
    TKT_RETURN_IF_ERROR(ParseIntervals(day_field, hours.intervals(), schedule));
  }
  // Local 00:00-24:00 maps to real instants, so a 24x7 day is 23 or 25 hours on DST dates.
  // Exceptions still apply below: a 24x7 desk may close on a holiday.
  if (spec.always_open()) {
    for (DaySchedule& schedule : calendar.weekly_) schedule = {{0, kDaySeconds}};
  }
  for (int i = 0; i < spec.exceptions_size(); ++i) {
    const std::string ex_field = absl::StrCat(field, ".exceptions[", i, "]");
    const v1::DateException& exception = spec.exceptions(i);
    TKT_ASSIGN_OR_RETURN(absl::CivilDay from, ParseDate(ex_field + ".date", exception.date()));
    absl::CivilDay to = from;
    if (!exception.end_date().empty()) {
      TKT_ASSIGN_OR_RETURN(to, ParseDate(ex_field + ".end_date", exception.end_date()));
    }
    if (to < from || to - from >= kMaxExceptionDays) {
      return Invalid(ex_field + ".end_date", "must be on or after date, at most a year later");
    }
    DaySchedule schedule;
    TKT_RETURN_IF_ERROR(ParseIntervals(ex_field, exception.intervals(), schedule));
    for (absl::CivilDay day = from; day <= to; ++day) {
      // Two exceptions on one date would make the hours depend on their order: refused.
      if (!calendar.exceptions_.emplace(day, schedule).second) {
        return Invalid(ex_field, absl::StrCat(absl::FormatCivilTime(day),
                                              " is already covered by another exception"));
      }
    }
  }
  if (last < first) return absl::InvalidArgumentError("calendar range: last day before first");
  calendar.first_ = first;
  // One entry per date plus one: prefix_[days] is the total, the bound Add searches up to.
  calendar.prefix_.assign(last - first + 2, 0);
  calendar.BuildPrefix();
  return calendar;
}

}  // namespace ticketing::domain
