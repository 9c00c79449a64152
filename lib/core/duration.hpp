#pragma once
// Durations as written in policies and on the command line: "30m", "4h", "2d", "1w", "1mo", "5y", "1h30m".

#include "lib/core/zone.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace opsctl::core {

/// A duration that keeps calendar units apart from fixed ones: "2d" is two days
/// (two working days on a business clock), "1mo" is one calendar month.
struct Duration {
    std::int64_t seconds = 0; // s, m, h
    std::int64_t days = 0;    // d, w (a week is 7 days)
    std::int64_t months = 0;  // mo, y (a year is 12 months)

    bool is_zero() const { return seconds == 0 && days == 0 && months == 0; }
    /// Length in seconds on a 24x7 clock, a month counted as 30 days.
    std::int64_t approx_seconds() const { return seconds + days * 86400 + months * 30 * 86400; }
    auto operator<=>(const Duration&) const = default;
};

/// Parses "90s", "30m", "4h", "2d", "1w", "1mo", "5y" and sums like "1h30m";
/// nullopt when malformed, empty, or negative.
std::optional<Duration> parse_duration(std::string_view text);
/// Like parse_duration, but throws UsageError naming `what` when malformed.
Duration parse_duration_or_throw(std::string_view text, std::string_view what);
/// The instant `d` after `t`, calendar units applied on the local calendar of `zone`.
std::int64_t add_calendar(std::int64_t t, const Duration& d, const Zone& zone);
/// Formats a duration compactly: "1y2mo", "2d", "1h30m", "0s".
std::string format_duration(const Duration& d);
/// Formats a number of seconds as "3d 4h", "2h 05m", "45m", "30s"; negative gets a minus sign.
std::string format_seconds(std::int64_t seconds);

} // namespace opsctl::core
