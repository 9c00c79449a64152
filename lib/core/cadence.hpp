#pragma once
// Recurring dates on the business calendar: "every 2 weeks from 2026-01-05", "the first working
// day of each month", "every 3 months on the 15th, on the next working day when that is a
// holiday". Each occurrence is a numbered period; its nominal date names it for good.

#include "lib/core/calendar.hpp"
#include "lib/core/date.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace opsctl::core {

/// Which day of its month a monthly period falls on.
enum class CadenceDay {
    anchor,        // the start's day of the month (clamped to the month's length)
    first_workday, // the first working day of the month
    last_workday,  // the last working day of the month
};

/// What a period does when its day is not a working day.
enum class OnDayOff {
    next,     // moves to the next working day
    previous, // moves to the working day before
    skip,     // is left out
    keep,     // stays on its day
};

/// A recurrence: every `days` days or every `months` months (exactly one is non-zero) from
/// `start`, period 0 being the one that `start` is in.
struct Cadence {
    std::int64_t days = 0;
    int months = 0;
    Date start;
    CadenceDay day = CadenceDay::anchor;
    OnDayOff on_day_off = OnDayOff::next;
};

/// Bounds a policy may give: at most 10 years between periods.
inline constexpr std::int64_t k_cadence_max_days = 3660;
inline constexpr int k_cadence_max_months = 120;

/// "next", "previous", "skip", "keep".
std::string_view to_string(OnDayOff rule);
/// "anchor", "first-workday", "last-workday".
std::string_view to_string(CadenceDay day);
/// "1d", "2w", "1mo", "3mo", "1y" with the day rule: "1mo, first working day".
std::string describe(const Cadence& cadence);

/// One occurrence of a cadence.
struct Period {
    std::int64_t index = 0; // 0 for the period `start` is in
    Date nominal;           // the day the cadence names (the first of the month for a *_workday rule)
    Date due;               // the working day it falls due on
};

/// Recurring dates of one cadence on one calendar.
class Recurrence {
  public:
    /// Throws UsageError for a cadence with neither or both of days and months.
    Recurrence(Cadence cadence, const BusinessCalendar& calendar);

    /// Period `index` (>= 0), or nullopt when it is skipped (its day is off and the rule is
    /// skip, or a month holds no working day at all).
    std::optional<Period> period(std::int64_t index) const;
    /// The periods due on or before `today`, whose nominal date is after `after` (all when
    /// nullopt), oldest first; at most `limit`, the newest ones kept.
    std::vector<Period> due(const Date& today, const std::optional<Date>& after, std::size_t limit) const;
    /// The next `count` periods whose nominal date is after `after` (from period 0 when
    /// nullopt), in order, due dates included however far in the past or future.
    std::vector<Period> following(const std::optional<Date>& after, std::size_t count) const;

  private:
    // The index of the last period whose nominal date is on or before `date` (-1 before start).
    std::int64_t index_at(const Date& date) const;
    Date nominal(std::int64_t index) const;

    Cadence m_cadence;
    const BusinessCalendar& m_calendar;
};

} // namespace opsctl::core
