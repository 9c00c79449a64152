#include "lib/core/calendar.hpp"

#include "lib/core/error.hpp"
#include "lib/core/time.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace opsctl::core {

namespace {

constexpr std::int64_t k_day = 86400;
// How far add_business and next_working_time look before giving up: a calendar without
// working time must fail, never hang, and no SLA runs for 20 years.
constexpr std::int64_t k_horizon_days = 20 * 366;
// At most this many dates are kept by BusinessCalendar::day_info (a few MiB).
constexpr std::size_t k_cache_days = 2 * k_horizon_days;

std::optional<int> parse_hh_mm(std::string_view s, bool allow_24) {
    if (s.size() != 5 || s[2] != ':') {
        return std::nullopt;
    }
    for (std::size_t i : {0, 1, 3, 4}) {
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
            return std::nullopt;
        }
    }
    const int h = (s[0] - '0') * 10 + (s[1] - '0');
    const int m = (s[3] - '0') * 10 + (s[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && (!allow_24 || m != 0))) {
        return std::nullopt;
    }
    return h * 3600 + m * 60;
}

std::string format_clock(int seconds_of_day) {
    const int h = seconds_of_day / 3600;
    const int m = seconds_of_day % 3600 / 60;
    const int s = seconds_of_day % 60;
    return s == 0 ? fmt::format("{:02}:{:02}", h, m) : fmt::format("{:02}:{:02}:{:02}", h, m, s);
}

// The first instant at which the wall clock of `date` reads `seconds` or later. That is
// Zone::from_civil, except inside a DST gap: nobody's clock shows 02:30 on the day it jumps from
// 02:00 to 03:00, so a span that starts or ends at 02:30 starts or ends at the jump, and a span
// wholly inside the gap is empty.
std::int64_t wall_clock_instant(const Zone& zone, const Date& date, int seconds) {
    const std::int64_t r = zone.from_civil(date, seconds);
    const CivilTime c = zone.to_civil(r);
    const std::int64_t shift =
        (days_from_civil(c.date) - days_from_civil(date)) * k_day + c.seconds_of_day() - seconds;
    if (shift <= 0) {
        return r;
    }
    // from_civil moved the reading forward by the gap, so the jump lies in (r - shift, r].
    std::int64_t lo = r - shift;
    std::int64_t hi = r;
    const int before = zone.to_civil(lo).utc_offset;
    while (hi - lo > 1) {
        const std::int64_t mid = lo + (hi - lo) / 2;
        if (zone.to_civil(mid).utc_offset == before) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return hi;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

} // namespace

std::string_view to_string(DayKind kind) {
    switch (kind) {
    case DayKind::workday:
        return "workday";
    case DayKind::weekend:
        return "weekend";
    case DayKind::holiday:
        return "holiday";
    case DayKind::makeup_workday:
        return "makeup_workday";
    }
    return "workday";
}

std::optional<int> parse_weekday(std::string_view text) {
    static constexpr std::string_view k_names[] = {"monday", "tuesday",  "wednesday", "thursday",
                                                   "friday", "saturday", "sunday"};
    const std::string t = lower(text);
    for (int i = 0; i < 7; ++i) {
        if (t == k_names[i] || t == k_names[i].substr(0, 3)) {
            return i + 1;
        }
    }
    return std::nullopt;
}

std::optional<WorkSpan> parse_work_span(std::string_view text) {
    const auto dash = text.find('-');
    if (dash == std::string_view::npos) {
        return std::nullopt;
    }
    const auto start = parse_hh_mm(text.substr(0, dash), false);
    const auto end = parse_hh_mm(text.substr(dash + 1), true);
    if (!start || !end || *start == *end) {
        return std::nullopt;
    }
    // An end at or before the start is read as the next day's clock: a night shift.
    return WorkSpan{*start, *end < *start ? *end + static_cast<int>(k_day) : *end};
}

std::string format_work_span(const WorkSpan& span) {
    const int end = span.end > k_day ? span.end - static_cast<int>(k_day) : span.end;
    return format_clock(span.start) + "-" + format_clock(end);
}

BusinessCalendar::BusinessCalendar(CalendarSpec spec, Zone zone)
    : m_spec(std::move(spec)), m_zone(std::move(zone)) {
    for (int w : m_spec.workdays) {
        if (w < 1 || w > 7) {
            throw ConfigError(fmt::format("workday '{}' is not an ISO weekday", w),
                              "use 1 (Monday) to 7 (Sunday)");
        }
        m_is_workday[static_cast<std::size_t>(w)] = true;
    }
    auto& hours = m_spec.hours;
    std::sort(hours.begin(), hours.end());
    for (const WorkSpan& s : hours) {
        if (s.start < 0 || s.start >= k_day || s.end <= s.start || s.end > 2 * k_day) {
            throw ConfigError(
                fmt::format("working span {}s-{}s is not a span of a day", s.start, s.end),
                "start within the day, end after the start and at most one day later");
        }
        m_workday_seconds += s.end - s.start;
    }
    for (std::size_t i = 1; i < hours.size(); ++i) {
        if (hours[i - 1].end > hours[i].start) {
            throw ConfigError(fmt::format("working spans '{}' and '{}' overlap",
                                          format_work_span(hours[i - 1]),
                                          format_work_span(hours[i])));
        }
    }
    // A span over midnight must end before the next working day's first span begins, or the
    // same instant would be worked twice.
    if (!hours.empty() && hours.back().end - k_day > hours.front().start) {
        throw ConfigError(fmt::format("working span '{}' runs into the next day's '{}'",
                                      format_work_span(hours.back()),
                                      format_work_span(hours.front())));
    }
    for (const auto& [date, name] : m_spec.holidays) {
        if (auto it = m_spec.makeup_workdays.find(date); it != m_spec.makeup_workdays.end()) {
            throw ConfigError(fmt::format("date '{}' is both a holiday ('{}') and a make-up "
                                          "workday ('{}')",
                                          format_date(date), name, it->second));
        }
    }
    m_week_seconds = static_cast<std::int64_t>(m_spec.workdays.size()) * m_workday_seconds;
}

DayKind BusinessCalendar::day_kind(const Date& date) const {
    if (m_spec.holidays.contains(date)) {
        return DayKind::holiday;
    }
    if (m_spec.makeup_workdays.contains(date)) {
        return DayKind::makeup_workday;
    }
    return m_is_workday[static_cast<std::size_t>(iso_weekday(date))] ? DayKind::workday
                                                                     : DayKind::weekend;
}

bool BusinessCalendar::is_workday(const Date& date) const {
    const DayKind k = day_kind(date);
    return k == DayKind::workday || k == DayKind::makeup_workday;
}

std::optional<std::string> BusinessCalendar::day_name(const Date& date) const {
    if (auto it = m_spec.holidays.find(date); it != m_spec.holidays.end()) {
        return it->second;
    }
    if (auto it = m_spec.makeup_workdays.find(date); it != m_spec.makeup_workdays.end()) {
        return it->second;
    }
    return std::nullopt;
}

BusinessCalendar::Day& BusinessCalendar::day_info(std::int64_t day) const {
    // Every SLA clock walks the dates it covers, and each date's spans cost several zone
    // conversions: an import of 100,000 tickets over five years asks about the same ~2,000
    // dates again and again. The bound only keeps a pathological caller from growing the
    // cache without end (20 years of dates fit in it).
    if (auto it = m_days.find(day); it != m_days.end()) {
        return it->second;
    }
    if (m_days.size() >= k_cache_days) {
        m_days.clear();
    }
    Day& d = m_days[day];
    compute_spans(day, d.spans);
    d.midnight = m_zone.start_of(civil_from_days(day));
    return d;
}

void BusinessCalendar::compute_spans(std::int64_t day, std::vector<Span>& out) const {
    out.clear();
    const Date date = civil_from_days(day);
    const DayKind kind = day_kind(date);
    if (kind != DayKind::workday && kind != DayKind::makeup_workday) {
        return;
    }
    // Each end is read on the wall clock of the date it falls on, so DST changes inside a span
    // lengthen or shorten it in real seconds.
    auto instant = [&](int seconds) {
        return wall_clock_instant(m_zone, civil_from_days(day + seconds / k_day),
                                  static_cast<int>(seconds % k_day));
    };
    for (const WorkSpan& s : m_spec.hours) {
        const std::int64_t start = instant(s.start);
        const std::int64_t end = instant(s.end);
        if (end > start) {
            out.push_back(Span{start, end, date, kind});
        }
    }
}

bool BusinessCalendar::is_plain_week(std::int64_t day) const {
    Day& d = day_info(day);
    if (d.plain_week < 0) {
        d.plain_week = compute_plain_week(day, d.midnight) ? 1 : 0;
    }
    return d.plain_week == 1;
}

bool BusinessCalendar::compute_plain_week(std::int64_t day, std::int64_t midnight) const {
    const Date first = civil_from_days(day);
    const Date last = civil_from_days(day + 6);
    auto touches = [&](const std::map<Date, std::string>& dates) {
        auto it = dates.lower_bound(first);
        return it != dates.end() && it->first <= last;
    };
    if (touches(m_spec.holidays) || touches(m_spec.makeup_workdays)) {
        return false;
    }
    // One UTC offset at every midnight up to the end of the day after the week (where the last
    // day's span over midnight may end) means no DST change inside the week: zones do not change
    // and change back within one day.
    const int offset = m_zone.to_civil(midnight).utc_offset;
    for (int k = 1; k <= 8; ++k) {
        if (m_zone.to_civil(midnight + k * k_day).utc_offset != offset) {
            return false;
        }
    }
    return true;
}

void BusinessCalendar::require_working_time_after(std::int64_t day) const {
    const bool no_hours = m_spec.hours.empty();
    const bool no_days =
        m_spec.workdays.empty() && m_spec.makeup_workdays.lower_bound(civil_from_days(day - 1)) ==
                                       m_spec.makeup_workdays.end();
    if (no_hours || no_days) {
        throw ConfigError(fmt::format("business calendar has no working time after '{}'",
                                      format_date(civil_from_days(day))),
                          no_hours ? "set calendar.hours"
                                   : "set calendar.workdays or calendar.makeup_workdays");
    }
}

std::int64_t BusinessCalendar::business_seconds(std::int64_t from, std::int64_t to) const {
    if (to <= from || m_spec.hours.empty()) {
        return 0;
    }
    // The day before `from` may own a span that runs over midnight into it.
    std::int64_t day = days_from_civil(m_zone.date_of(from)) - 1;
    const std::int64_t last = days_from_civil(m_zone.date_of(to));
    std::int64_t total = 0;
    while (day <= last) {
        // Whole weeks in the middle of a long range are counted in one step; with one offset
        // across the week, midnight + 8 days is the midnight after the week's last span.
        if (m_week_seconds > 0 && last - day >= 8) {
            const std::int64_t midnight = day_info(day).midnight;
            if (midnight >= from && midnight + 8 * k_day <= to && is_plain_week(day)) {
                total += m_week_seconds;
                day += 7;
                continue;
            }
        }
        for (const Span& s : spans_of(day)) {
            const std::int64_t a = std::max(s.start, from);
            const std::int64_t b = std::min(s.end, to);
            if (b > a) {
                total += b - a;
            }
        }
        ++day;
    }
    return total;
}

std::int64_t BusinessCalendar::add_business(std::int64_t t, std::int64_t seconds) const {
    if (seconds < 0) {
        throw UsageError(fmt::format("business time '{}s' is negative", seconds));
    }
    if (seconds == 0) {
        return t;
    }
    const std::int64_t first = days_from_civil(m_zone.date_of(t)) - 1;
    require_working_time_after(first + 1);
    std::int64_t remaining = seconds;
    for (std::int64_t day = first; day < first + k_horizon_days;) {
        // Skip whole weeks only while more than a week remains, so that the landing day is
        // always found span by span.
        if (m_week_seconds > 0 && remaining > m_week_seconds) {
            const std::int64_t midnight = day_info(day).midnight;
            if (midnight >= t && is_plain_week(day)) {
                remaining -= m_week_seconds;
                day += 7;
                continue;
            }
        }
        for (const Span& s : spans_of(day)) {
            if (s.end <= t) {
                continue;
            }
            const std::int64_t begin = std::max(s.start, t);
            if (remaining <= s.end - begin) {
                return begin + remaining;
            }
            remaining -= s.end - begin;
        }
        ++day;
    }
    throw ConfigError(fmt::format("business time '{}' from '{}' does not end within 20 years",
                                  format_seconds(seconds), format_time(t, m_zone)),
                      "check calendar.workdays, calendar.hours and calendar.holidays");
}

std::int64_t BusinessCalendar::to_business_seconds(const Duration& d) const {
    if (d.months != 0) {
        throw UsageError(
            fmt::format("duration '{}' has calendar months, which the business clock cannot "
                        "count",
                        format_duration(d)),
            "write working days as d, e.g. 20d");
    }
    return d.seconds + d.days * m_workday_seconds;
}

std::vector<BusinessCalendar::Span> BusinessCalendar::working_spans(std::int64_t from,
                                                                    std::int64_t to) const {
    std::vector<Span> out;
    if (to <= from) {
        return out;
    }
    const std::int64_t last = days_from_civil(m_zone.date_of(to));
    for (std::int64_t day = days_from_civil(m_zone.date_of(from)) - 1; day <= last; ++day) {
        for (Span s : spans_of(day)) {
            s.start = std::max(s.start, from);
            s.end = std::min(s.end, to);
            if (s.end > s.start) {
                out.push_back(s);
            }
        }
    }
    return out;
}

bool BusinessCalendar::is_working_time(std::int64_t t) const {
    const std::int64_t day = days_from_civil(m_zone.date_of(t));
    for (std::int64_t d = day - 1; d <= day; ++d) {
        for (const Span& s : spans_of(d)) {
            if (s.start <= t && t < s.end) {
                return true;
            }
        }
    }
    return false;
}

std::int64_t BusinessCalendar::next_working_time(std::int64_t t) const {
    const std::int64_t first = days_from_civil(m_zone.date_of(t)) - 1;
    require_working_time_after(first + 1);
    for (std::int64_t day = first; day < first + k_horizon_days; ++day) {
        for (const Span& s : spans_of(day)) {
            if (s.end > t) {
                return std::max(s.start, t);
            }
        }
    }
    throw ConfigError(fmt::format("business calendar has no working time within 20 years "
                                  "after '{}'",
                                  format_time(t, m_zone)),
                      "check calendar.workdays, calendar.hours and calendar.holidays");
}

} // namespace opsctl::core
