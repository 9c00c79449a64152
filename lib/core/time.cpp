#include "lib/core/time.hpp"

#include "lib/core/duration.hpp"
#include "lib/core/error.hpp"
#include "lib/core/relative_time.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <fmt/format.h>

namespace opsctl::core {

namespace {

bool parse_int(std::string_view s, int& out) {
    if (s.empty()) {
        return false;
    }
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size();
}

// Parses "HH:MM[:SS]" into seconds of the day.
std::optional<int> parse_clock(std::string_view s) {
    int h = 0, m = 0, sec = 0;
    if (s.size() != 5 && s.size() != 8) {
        return std::nullopt;
    }
    if (s[2] != ':' || !parse_int(s.substr(0, 2), h) || !parse_int(s.substr(3, 2), m)) {
        return std::nullopt;
    }
    if (s.size() == 8 && (s[5] != ':' || !parse_int(s.substr(6, 2), sec))) {
        return std::nullopt;
    }
    if (h > 23 || m > 59 || sec > 60 || h < 0 || m < 0 || sec < 0) {
        return std::nullopt;
    }
    return h * 3600 + m * 60 + sec;
}

// Parses "Z", "+08:00", "+0800", "-05" into seconds east of UTC; also "+08:05:43", the
// local mean time offsets a zone has before its first transition (see format_time).
std::optional<int> parse_offset(std::string_view s) {
    if (s == "Z" || s == "z") {
        return 0;
    }
    if (s.size() < 3 || (s[0] != '+' && s[0] != '-')) {
        return std::nullopt;
    }
    const int sign = s[0] == '-' ? -1 : 1;
    std::string_view rest = s.substr(1);
    int h = 0, m = 0, sec = 0;
    if (rest.size() == 8 && rest[2] == ':' && rest[5] == ':') {
        if (!parse_int(rest.substr(0, 2), h) || !parse_int(rest.substr(3, 2), m) ||
            !parse_int(rest.substr(6, 2), sec) || sec > 59) {
            return std::nullopt;
        }
    } else if (rest.size() == 2) {
        if (!parse_int(rest, h)) {
            return std::nullopt;
        }
    } else if (rest.size() == 4) {
        if (!parse_int(rest.substr(0, 2), h) || !parse_int(rest.substr(2, 2), m)) {
            return std::nullopt;
        }
    } else if (rest.size() == 5 && rest[2] == ':') {
        if (!parse_int(rest.substr(0, 2), h) || !parse_int(rest.substr(3, 2), m)) {
            return std::nullopt;
        }
    } else {
        return std::nullopt;
    }
    if (h > 23 || m > 59) {
        return std::nullopt;
    }
    return sign * (h * 3600 + m * 60 + sec);
}

} // namespace

std::int64_t now() {
    if (const char* fixed = std::getenv("OPSCTL_NOW"); fixed && *fixed) {
        // OPSCTL_NOW without an offset is read as UTC: the site zone is not known here.
        auto t = parse_time(fixed, Zone());
        if (!t) {
            throw UsageError(fmt::format("OPSCTL_NOW '{}' is not an ISO 8601 time", fixed),
                             "e.g. OPSCTL_NOW=2026-10-01T09:00:00+08:00");
        }
        return *t;
    }
    using namespace std::chrono;
    return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

std::optional<std::int64_t> parse_time(std::string_view text, const Zone& zone) {
    if (text.empty()) {
        return std::nullopt;
    }
    if (text[0] == '@') {
        std::int64_t v = 0;
        auto body = text.substr(1);
        auto [p, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
        if (ec != std::errc{} || p != body.data() + body.size() || body.empty()) {
            return std::nullopt;
        }
        // Only instants that show as four-digit years in every zone (a day's margin inside
        // 0000-01-01 .. 9999-12-31), so that what is shown can be typed back.
        constexpr std::int64_t k_first = -62167219200 + 86400;
        constexpr std::int64_t k_last = 253402300799 - 86400;
        if (v < k_first || v > k_last) {
            return std::nullopt;
        }
        return v;
    }
    auto date = parse_date(text.substr(0, std::min<std::size_t>(10, text.size())));
    if (!date) {
        return std::nullopt;
    }
    if (text.size() == 10) {
        return zone.start_of(*date);
    }
    if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') {
        return std::nullopt;
    }
    std::string_view rest = text.substr(11);
    // The clock part ends where an offset begins.
    std::size_t clock_len = rest.find_first_of("Zz+-");
    std::string_view clock = rest.substr(0, clock_len);
    std::string_view offset = clock_len == std::string_view::npos ? std::string_view{} : rest.substr(clock_len);
    // Fractions of a second are accepted and dropped.
    if (auto dot = clock.find('.'); dot != std::string_view::npos) {
        clock = clock.substr(0, dot);
    }
    auto secs = parse_clock(clock);
    if (!secs) {
        return std::nullopt;
    }
    if (offset.empty()) {
        return zone.from_civil(*date, *secs);
    }
    auto off = parse_offset(offset);
    if (!off) {
        return std::nullopt;
    }
    return days_from_civil(*date) * 86400 + *secs - *off;
}

std::int64_t parse_time_or_throw(std::string_view text, const Zone& zone, std::string_view what) {
    auto t = parse_time(text, zone);
    if (!t) {
        throw UsageError(fmt::format("{} '{}' is not a date or time", what, text),
                         "use YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][+HH:MM] or @UNIX");
    }
    return *t;
}

std::optional<TimeSpan> parse_relative(std::string_view text, const Zone& zone, std::int64_t now) {
    std::string word;
    for (const char ch : text) {
        word += ch == '-' || ch == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    const Date today = zone.date_of(now);
    auto days = [&](const Date& first, std::int64_t n) {
        return TimeSpan{zone.start_of(first), zone.start_of(add_days(first, n))};
    };
    const Date monday = add_days(today, 1 - iso_weekday(today));
    const Date first_of_month{today.year, today.month, 1};
    if (word == "today" || word == "今天") {
        return days(today, 1);
    }
    if (word == "yesterday" || word == "昨天") {
        return days(add_days(today, -1), 1);
    }
    if (word == "this week" || word == "本周") {
        return days(monday, 7);
    }
    if (word == "last week" || word == "上周") {
        return days(add_days(monday, -7), 7);
    }
    if (word == "this month" || word == "本月") {
        return TimeSpan{zone.start_of(first_of_month), zone.start_of(add_months(first_of_month, 1))};
    }
    if (word == "last month" || word == "上月") {
        return TimeSpan{zone.start_of(add_months(first_of_month, -1)), zone.start_of(first_of_month)};
    }
    // An age: "7d" is seven days before now, on the local calendar (the same clock time).
    const auto d = parse_duration(word);
    if (!d || d->is_zero()) {
        return std::nullopt;
    }
    // Far beyond any record: refused rather than overflowing the date arithmetic.
    constexpr std::int64_t k_limit_days = 400 * 366;
    if (d->seconds > k_limit_days * 86400 || d->days > k_limit_days || d->months > 400 * 12) {
        return std::nullopt;
    }
    const CivilTime c = zone.to_civil(now);
    const Date back = add_days(add_months(c.date, -static_cast<int>(d->months)), -d->days);
    const std::int64_t at = zone.from_civil(back, c.seconds_of_day()) - d->seconds;
    return TimeSpan{at, at};
}

std::int64_t parse_time_option(std::string_view text, const Zone& zone, std::int64_t now, Bound bound,
                               std::string_view what) {
    if (auto span = parse_relative(text, zone, now)) {
        return bound == Bound::start ? span->start : span->end;
    }
    if (auto t = parse_time(text, zone)) {
        return *t;
    }
    throw UsageError(fmt::format("{} '{}' is not a date or time", what, text),
                     "use YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][+HH:MM], @UNIX, today, yesterday, this week, "
                     "last week, this month, last month, or an age such as 7d or 2w");
}

std::optional<Date> parse_date_option(std::string_view text, const Zone& zone, std::int64_t now, Bound bound) {
    if (auto d = parse_date(text)) {
        return d;
    }
    const auto span = parse_relative(text, zone, now);
    if (!span) {
        return std::nullopt;
    }
    if (bound == Bound::start || span->end == span->start) {
        return zone.date_of(span->start);
    }
    return zone.date_of(span->end - 1);
}

std::string format_time(std::int64_t t, const Zone& zone) {
    const CivilTime c = zone.to_civil(t);
    if (c.utc_offset == 0 && (zone.name() == "UTC" || zone.name() == "Etc/UTC")) {
        return fmt::format("{}T{:02}:{:02}:{:02}Z", format_date(c.date), c.hour, c.minute, c.second);
    }
    const int off = c.utc_offset < 0 ? -c.utc_offset : c.utc_offset;
    std::string text = fmt::format("{}T{:02}:{:02}:{:02}{}{:02}:{:02}", format_date(c.date), c.hour, c.minute,
                                   c.second, c.utc_offset < 0 ? '-' : '+', off / 3600, off % 3600 / 60);
    // Before a zone's first transition its offset is local mean time, to the second
    // (Shanghai +08:05:43): shown whole so that the text reads back as the same instant.
    if (off % 60 != 0) {
        text += fmt::format(":{:02}", off % 60);
    }
    return text;
}

std::string format_time_short(std::int64_t t, const Zone& zone) {
    const CivilTime c = zone.to_civil(t);
    // By hand, not fmt::format: every row of a ticket or roster table shows a time or two.
    std::string out = format_date(c.date);
    out += ' ';
    out += static_cast<char>('0' + c.hour / 10);
    out += static_cast<char>('0' + c.hour % 10);
    out += ':';
    out += static_cast<char>('0' + c.minute / 10);
    out += static_cast<char>('0' + c.minute % 10);
    return out;
}

} // namespace opsctl::core
