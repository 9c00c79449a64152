#include "lib/core/duration.hpp"

#include "lib/core/error.hpp"

#include <cctype>
#include <fmt/format.h>

namespace opsctl::core {

std::optional<Duration> parse_duration(std::string_view s) {
    Duration d;
    if (s.empty()) {
        return std::nullopt;
    }
    std::size_t i = 0;
    while (i < s.size()) {
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
            return std::nullopt;
        }
        std::int64_t n = 0;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
            n = n * 10 + (s[i] - '0');
            if (n > 1'000'000'000) {
                return std::nullopt;
            }
            ++i;
        }
        std::size_t j = i;
        while (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) {
            ++j;
        }
        std::string_view unit = s.substr(i, j - i);
        i = j;
        if (unit == "s") {
            d.seconds += n;
        } else if (unit == "m" || unit == "min") {
            d.seconds += n * 60;
        } else if (unit == "h") {
            d.seconds += n * 3600;
        } else if (unit == "d") {
            d.days += n;
        } else if (unit == "w") {
            d.days += n * 7;
        } else if (unit == "mo") {
            d.months += n;
        } else if (unit == "y") {
            d.months += n * 12;
        } else {
            return std::nullopt;
        }
    }
    return d;
}

Duration parse_duration_or_throw(std::string_view text, std::string_view what) {
    auto d = parse_duration(text);
    if (!d) {
        throw UsageError(fmt::format("{} '{}' is not a duration", what, text),
                         "use a number and a unit: 30s, 15m, 4h, 2d, 1w, 1mo, 1y");
    }
    return *d;
}

std::int64_t add_calendar(std::int64_t t, const Duration& d, const Zone& zone) {
    if (d.months == 0 && d.days == 0) {
        return t + d.seconds;
    }
    // Ten thousand years is past any retention or interval a policy means; beyond it the
    // month arithmetic would overflow.
    constexpr std::int64_t k_max_months = 12 * 10'000;
    if (d.months > k_max_months || d.months < -k_max_months) {
        throw DataError(fmt::format("duration '{}' reaches past the calendar", format_duration(d)),
                        "use at most 10000y");
    }
    const CivilTime c = zone.to_civil(t);
    Date date = add_months(c.date, static_cast<int>(d.months));
    date = add_days(date, d.days);
    return zone.from_civil(date, c.seconds_of_day()) + d.seconds;
}

std::string format_duration(const Duration& d) {
    std::string out;
    if (d.months >= 12 && d.months % 12 == 0) {
        out += fmt::format("{}y", d.months / 12);
    } else if (d.months > 0) {
        out += fmt::format("{}mo", d.months);
    }
    if (d.days > 0 && d.days % 7 == 0) {
        out += fmt::format("{}w", d.days / 7);
    } else if (d.days > 0) {
        out += fmt::format("{}d", d.days);
    }
    std::int64_t s = d.seconds;
    if (s >= 3600) {
        out += fmt::format("{}h", s / 3600);
        s %= 3600;
    }
    if (s >= 60) {
        out += fmt::format("{}m", s / 60);
        s %= 60;
    }
    if (s > 0 || out.empty()) {
        out += fmt::format("{}s", s);
    }
    return out;
}

std::string format_seconds(std::int64_t seconds) {
    std::string sign = seconds < 0 ? "-" : "";
    std::int64_t s = seconds < 0 ? -seconds : seconds;
    if (s >= 86400) {
        return fmt::format("{}{}d {}h", sign, s / 86400, s % 86400 / 3600);
    }
    if (s >= 3600) {
        return fmt::format("{}{}h {:02}m", sign, s / 3600, s % 3600 / 60);
    }
    if (s >= 60) {
        return fmt::format("{}{}m", sign, s / 60);
    }
    return fmt::format("{}{}s", sign, s);
}

} // namespace opsctl::core
