#pragma once
// Proleptic Gregorian civil dates and plain arithmetic on them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace opsctl::core {

/// A calendar date with no time zone.
struct Date {
    int year = 1970;
    int month = 1; // 1..12
    int day = 1;   // 1..31
    auto operator<=>(const Date&) const = default;
};

/// Days since 1970-01-01 for a civil date (negative before).
std::int64_t days_from_civil(const Date& d);
/// The civil date of a day number since 1970-01-01.
Date civil_from_days(std::int64_t days);
/// ISO weekday: 1 = Monday ... 7 = Sunday.
int iso_weekday(const Date& d);
/// Number of days in a month.
int days_in_month(int year, int month);
/// The date N days later (or earlier, for negative N).
Date add_days(const Date& d, std::int64_t n);
/// The date N months later, the day clamped to the month's length.
Date add_months(const Date& d, int n);
/// Parses YYYY-MM-DD; nullopt when malformed or not a real date.
std::optional<Date> parse_date(std::string_view text);
/// Formats as YYYY-MM-DD.
std::string format_date(const Date& d);

} // namespace opsctl::core
