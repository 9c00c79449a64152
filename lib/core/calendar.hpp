#pragma once
// The business calendar: working days, working hours, public holidays and make-up workdays,
// and the business clock that SLA targets run on.

#include "lib/core/date.hpp"
#include "lib/core/duration.hpp"
#include "lib/core/zone.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace opsctl::core {

/// One working span of a working day, in seconds from the day's midnight (wall clock).
/// 0 <= start < 86400 and start < end <= 172800: an end past 86400 runs over midnight into the
/// next day ("22:00-06:00" is {79200, 108000}) and belongs wholly to the day it starts on, so a
/// Friday night shift is worked into Saturday morning, and nothing is worked on Monday from 00:00
/// to 06:00 unless Sunday is a working day.
struct WorkSpan {
    int start = 0;
    int end = 0;
    auto operator<=>(const WorkSpan&) const = default;
};

/// What a business calendar is made of, as the policy states it.
struct CalendarSpec {
    std::set<int> workdays{1, 2, 3, 4, 5};              // ISO weekdays 1=Mon..7=Sun
    std::vector<WorkSpan> hours{{9 * 3600, 18 * 3600}}; // spans of a working day, not overlapping
    std::map<Date, std::string> holidays;               // date -> name: days off even on a weekday
    std::map<Date, std::string> makeup_workdays;        // date -> name: worked even on a weekend
};

/// Why a date is or is not worked. `weekend` is any weekday that the weekly pattern leaves off.
enum class DayKind { workday, weekend, holiday, makeup_workday };

/// Stable lower-case name of a day kind ("workday", "weekend", "holiday", "makeup_workday").
std::string_view to_string(DayKind kind);

/// Parses a weekday name: "mon".."sun" or "monday".."sunday", any case; 1=Mon..7=Sun.
std::optional<int> parse_weekday(std::string_view text);

/// Parses "HH:MM-HH:MM" ("09:00-12:00", "13:30-24:00"); an end at or before the start runs over
/// midnight ("22:00-06:00" is {79200, 108000}). nullopt when malformed or empty ("09:00-09:00").
std::optional<WorkSpan> parse_work_span(std::string_view text);

/// Formats a span as the policy writes it: "09:00-12:00", "22:00-06:00", "13:30-24:00".
std::string format_work_span(const WorkSpan& span);

/// Business time in one time zone. All instants are Unix seconds; working spans are laid on the
/// local wall clock of each date and measured in real seconds, so a span that contains a DST
/// change is an hour shorter or longer than written. A span boundary inside a DST gap is the
/// moment of the jump (a span wholly inside the gap is empty); one inside an overlap is the
/// earlier of the two instants.
///
/// The working spans of each date are worked out once and kept (a calendar is asked about the
/// same few years of dates for every ticket of an import), so a calendar must not be shared
/// between threads; copies are independent.
class BusinessCalendar {
  public:
    /// Validates and normalises the spec (spans sorted); throws ConfigError for a workday outside
    /// 1..7, a malformed or overlapping span, or a date that is both holiday and make-up workday.
    /// A spec with no working time at all is accepted; searching it for working time throws.
    BusinessCalendar(CalendarSpec spec, Zone zone);

    /// The normalised spec.
    const CalendarSpec& spec() const { return m_spec; }
    /// The zone whose wall clock the working hours are read on.
    const Zone& zone() const { return m_zone; }

    /// Why a date is or is not worked; a holiday on a weekend is `holiday`.
    DayKind day_kind(const Date& date) const;
    /// True for a workday or a make-up workday.
    bool is_workday(const Date& date) const;
    /// The holiday or make-up workday name of a date; nullopt for an ordinary day.
    std::optional<std::string> day_name(const Date& date) const;

    /// Working seconds in [from, to); 0 when to <= from.
    std::int64_t business_seconds(std::int64_t from, std::int64_t to) const;
    /// The earliest instant u >= t with business_seconds(t, u) == seconds (t itself for 0), so a
    /// target that ends with a span lands on that span's end, not on the next span's start.
    /// Throws UsageError for negative seconds, ConfigError when the calendar has no working time
    /// to reach the target within 20 years.
    std::int64_t add_business(std::int64_t t, std::int64_t seconds) const;
    /// Length of an ordinary working day as written (sum of the spans, DST ignored).
    std::int64_t workday_seconds() const { return m_workday_seconds; }
    /// A duration on the business clock: seconds as they are, each day one working day of
    /// workday_seconds() ("2d" = two working days). Duration keeps no weeks, so "1w" counts as
    /// seven working days; write working weeks as "5d". Throws UsageError for calendar months,
    /// which have no business length (a policy loader should check `months == 0` itself and
    /// report a ConfigError with the location).
    std::int64_t to_business_seconds(const Duration& d) const;

    /// One working interval, clipped to a query; `date` is the working day the span belongs to.
    struct Span {
        std::int64_t start = 0;
        std::int64_t end = 0;
        Date date;
        DayKind kind = DayKind::workday;
    };
    /// The working intervals inside [from, to), in time order, for explaining SLA clocks.
    std::vector<Span> working_spans(std::int64_t from, std::int64_t to) const;
    /// True when the instant lies inside a working span (spans are half-open: [start, end)).
    bool is_working_time(std::int64_t t) const;
    /// t when it is working time, else the start of the next working span; throws ConfigError
    /// when there is none within 20 years.
    std::int64_t next_working_time(std::int64_t t) const;

  private:
    // What is known of one date (days since 1970-01-01), filled on first use.
    struct Day {
        std::vector<Span> spans;     // the real-instant working spans, none for a day off
        std::int64_t midnight = 0;   // the instant the date begins
        signed char plain_week = -1; // is_plain_week from this date: -1 not yet known, 0, 1
    };
    // The entry of one date, computed on first use. References stay valid until the cache is
    // emptied, which only happens inside this call when it has grown past its bound.
    Day& day_info(std::int64_t day) const;
    // The real-instant spans of one date (none for a day off), computed from the spec.
    void compute_spans(std::int64_t day, std::vector<Span>& out) const;
    // The real-instant spans of one date (none for a day off).
    const std::vector<Span>& spans_of(std::int64_t day) const { return day_info(day).spans; }
    // True when the week of seven days from `day` follows the weekly pattern exactly, so that
    // it holds m_week_seconds of working time.
    bool is_plain_week(std::int64_t day) const;
    bool compute_plain_week(std::int64_t day, std::int64_t midnight) const;
    // Throws ConfigError when no working time can follow `day` at all.
    void require_working_time_after(std::int64_t day) const;

    CalendarSpec m_spec;
    Zone m_zone;
    std::array<bool, 8> m_is_workday{}; // indexed by ISO weekday
    std::int64_t m_workday_seconds = 0;
    std::int64_t m_week_seconds = 0;
    mutable std::unordered_map<std::int64_t, Day> m_days;
};

} // namespace opsctl::core
