#include "lib/core/cadence.hpp"

#include "lib/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace opsctl::core {

namespace {

// How far a day off may push a period: longer than any run of holidays (a 9-day Spring
// Festival, a weekend each side), short enough to stay bounded on a calendar with no workdays.
constexpr int k_max_shift_days = 31;
// Periods looked at beyond the ones asked for, so that skipped periods cannot hide due ones.
constexpr std::int64_t k_slack_periods = 64;

std::int64_t month_number(const Date& d) { return static_cast<std::int64_t>(d.year) * 12 + (d.month - 1); }

} // namespace

std::string_view to_string(OnDayOff rule) {
    switch (rule) {
    case OnDayOff::next:
        return "next";
    case OnDayOff::previous:
        return "previous";
    case OnDayOff::skip:
        return "skip";
    case OnDayOff::keep:
        return "keep";
    }
    return "next";
}

std::string_view to_string(CadenceDay day) {
    switch (day) {
    case CadenceDay::anchor:
        return "anchor";
    case CadenceDay::first_workday:
        return "first-workday";
    case CadenceDay::last_workday:
        return "last-workday";
    }
    return "anchor";
}

std::string describe(const Cadence& c) {
    std::string every;
    if (c.months > 0) {
        every = c.months % 12 == 0 ? fmt::format("{}y", c.months / 12) : fmt::format("{}mo", c.months);
    } else {
        every = c.days % 7 == 0 ? fmt::format("{}w", c.days / 7) : fmt::format("{}d", c.days);
    }
    switch (c.day) {
    case CadenceDay::first_workday:
        return every + ", first working day";
    case CadenceDay::last_workday:
        return every + ", last working day";
    case CadenceDay::anchor:
        break;
    }
    return fmt::format("{} from {}, day off: {}", every, format_date(c.start), to_string(c.on_day_off));
}

Recurrence::Recurrence(Cadence cadence, const BusinessCalendar& calendar)
    : m_cadence(std::move(cadence)), m_calendar(calendar) {
    if ((m_cadence.days > 0) == (m_cadence.months > 0) || m_cadence.days < 0 || m_cadence.months < 0) {
        throw UsageError("a cadence is every N days or every N months");
    }
}

Date Recurrence::nominal(std::int64_t index) const {
    const auto& c = m_cadence;
    if (c.days > 0) {
        return add_days(c.start, index * c.days);
    }
    if (c.day == CadenceDay::anchor) {
        return add_months(c.start, static_cast<int>(index * c.months));
    }
    return add_months(Date{c.start.year, c.start.month, 1}, static_cast<int>(index * c.months));
}

std::int64_t Recurrence::index_at(const Date& date) const {
    const auto& c = m_cadence;
    if (c.days > 0) {
        const std::int64_t diff = days_from_civil(date) - days_from_civil(c.start);
        return diff < 0 ? -1 : diff / c.days;
    }
    const std::int64_t diff = month_number(date) - month_number(c.start);
    if (diff < 0) {
        return -1;
    }
    std::int64_t k = diff / c.months;
    if (nominal(k) > date) {
        --k;
    }
    return k;
}

std::optional<Period> Recurrence::period(std::int64_t index) const {
    const auto& c = m_cadence;
    const Date named = nominal(index);
    Period p{index, named, named};
    if (c.day != CadenceDay::anchor) {
        const int length = days_in_month(named.year, named.month);
        for (int i = 0; i < length; ++i) {
            const int day = c.day == CadenceDay::first_workday ? 1 + i : length - i;
            const Date d{named.year, named.month, day};
            if (m_calendar.is_workday(d)) {
                p.due = d;
                return p;
            }
        }
        return std::nullopt;
    }
    if (c.on_day_off == OnDayOff::keep || m_calendar.is_workday(named)) {
        return p;
    }
    if (c.on_day_off == OnDayOff::skip) {
        return std::nullopt;
    }
    const int step = c.on_day_off == OnDayOff::next ? 1 : -1;
    for (int i = 1; i <= k_max_shift_days; ++i) {
        const Date d = add_days(named, step * i);
        if (m_calendar.is_workday(d)) {
            p.due = d;
            return p;
        }
    }
    return std::nullopt;
}

std::vector<Period> Recurrence::due(const Date& today, const std::optional<Date>& after, std::size_t limit) const {
    std::vector<Period> out;
    if (limit == 0) {
        return out;
    }
    // A period moved back to an earlier working day may be due before its nominal date.
    const std::int64_t last = index_at(add_days(today, k_max_shift_days));
    if (last < 0) {
        return out;
    }
    std::int64_t first = after ? index_at(*after) + 1 : 0;
    first = std::max({first, std::int64_t{0}, last - static_cast<std::int64_t>(limit) - k_slack_periods});
    for (std::int64_t k = first; k <= last; ++k) {
        auto p = period(k);
        if (!p || p->due > today || (after && p->nominal <= *after)) {
            continue;
        }
        out.push_back(*p);
    }
    if (out.size() > limit) {
        out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(limit));
    }
    return out;
}

std::vector<Period> Recurrence::following(const std::optional<Date>& after, std::size_t count) const {
    std::vector<Period> out;
    std::int64_t k = after ? std::max<std::int64_t>(index_at(*after) + 1, 0) : 0;
    for (std::int64_t tries = 0; out.size() < count && tries < static_cast<std::int64_t>(count) + k_slack_periods;
         ++k, ++tries) {
        if (auto p = period(k); p && (!after || p->nominal > *after)) {
            out.push_back(*p);
        }
    }
    return out;
}

} // namespace opsctl::core
