#include "lib/core/date.hpp"

#include <charconv>
#include <fmt/format.h>

namespace opsctl::core {

// Howard Hinnant's days_from_civil / civil_from_days algorithms.
std::int64_t days_from_civil(const Date& d) {
    const std::int64_t y = d.month <= 2 ? d.year - 1 : d.year;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t yoe = y - era * 400;
    const std::int64_t m = d.month;
    const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d.day - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

Date civil_from_days(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = yoe + era * 400;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    return Date{static_cast<int>(m <= 2 ? y + 1 : y), m, d};
}

int iso_weekday(const Date& d) {
    const std::int64_t z = days_from_civil(d);
    // 1970-01-01 was a Thursday (4).
    const std::int64_t w = ((z % 7) + 7 + 3) % 7; // 0 = Monday
    return static_cast<int>(w) + 1;
}

int days_in_month(int year, int month) {
    static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2) {
        const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return leap ? 29 : 28;
    }
    return k_days[month - 1];
}

Date add_days(const Date& d, std::int64_t n) { return civil_from_days(days_from_civil(d) + n); }

Date add_months(const Date& d, int n) {
    // 64-bit and floored, so that months before year 0 land in January..December too.
    const std::int64_t total = std::int64_t{d.year} * 12 + (d.month - 1) + n;
    const std::int64_t year = total >= 0 ? total / 12 : (total - 11) / 12;
    Date r{static_cast<int>(year), static_cast<int>(total - year * 12) + 1, d.day};
    r.day = std::min(r.day, days_in_month(r.year, r.month));
    return r;
}

std::optional<Date> parse_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') {
        return std::nullopt;
    }
    Date d;
    auto num = [&](std::size_t pos, std::size_t len, int& out) {
        auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, out);
        return ec == std::errc{} && p == s.data() + pos + len;
    };
    if (!num(0, 4, d.year) || !num(5, 2, d.month) || !num(8, 2, d.day)) {
        return std::nullopt;
    }
    if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > days_in_month(d.year, d.month)) {
        return std::nullopt;
    }
    return d;
}

std::string format_date(const Date& d) {
    if (d.year < 0 || d.year > 9999) {
        return fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day);
    }
    // Written digit by digit: tables and reports format a date for every row, and
    // fmt::format's parsing of the pattern was most of the cost.
    std::string out = "0000-00-00";
    auto put = [&out](std::size_t at, int value, int digits) {
        for (int k = digits - 1; k >= 0; --k) {
            out[at + static_cast<std::size_t>(k)] = static_cast<char>('0' + value % 10);
            value /= 10;
        }
    };
    put(0, d.year, 4);
    put(5, d.month, 2);
    put(8, d.day, 2);
    return out;
}

} // namespace opsctl::core
