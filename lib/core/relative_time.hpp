#pragma once
// Relative dates on the command line ("today", "last week", "7d", 本月), read against "now"
// (OPSCTL_NOW in tests). One parser for every option that takes a date or a time; it is
// implemented in time.cpp beside parse_time.

#include "lib/core/date.hpp"
#include "lib/core/zone.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace opsctl::core {

/// Which end of a span an option stands for: --since/--from take its start, --until/--to its
/// end, so `--since 'last week' --until 'last week'` covers exactly last week.
enum class Bound { start, end };

/// A span of time [start, end) in Unix seconds.
struct TimeSpan {
    std::int64_t start = 0;
    std::int64_t end = 0;
};

/// Reads a relative date, in the local calendar of `zone`:
/// - a day, week or month: "today", "yesterday", "this week", "last week", "this month",
///   "last month" and 今天, 昨天, 本周, 上周, 本月, 上月 (weeks begin on Monday); the span is
///   the whole day, week or month;
/// - an age: a duration as written elsewhere ("90m", "12h", "7d", "2w", "1mo"), that long
///   before `now`; the span is that one instant.
/// Case and a hyphen for the space ("last-week") do not matter; nullopt for anything else.
std::optional<TimeSpan> parse_relative(std::string_view text, const Zone& zone, std::int64_t now);

/// A time option: a relative date (its span's start or end, by `bound`), or whatever
/// parse_time reads (taken as it is). UsageError naming `what` when it is neither.
std::int64_t parse_time_option(std::string_view text, const Zone& zone, std::int64_t now, Bound bound,
                               std::string_view what);

/// A date option (a day, not an instant): YYYY-MM-DD, or a relative date: the first day of its
/// span for Bound::start, the last day in it for Bound::end. nullopt when it is neither.
std::optional<Date> parse_date_option(std::string_view text, const Zone& zone, std::int64_t now, Bound bound);

} // namespace opsctl::core
