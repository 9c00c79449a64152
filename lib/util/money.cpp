#include "lib/util/money.hpp"

namespace opsctl::util {

std::optional<std::int64_t> parse_cents(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    // A currency sign in front, as a spreadsheet writes it.
    for (std::string_view sign : {"¥", "￥", "$", "€", "£"}) {
        if (s.substr(0, sign.size()) == sign) {
            s.remove_prefix(sign.size());
            break;
        }
    }
    std::int64_t units = 0;
    std::size_t i = 0;
    std::size_t digits = 0;
    for (; i < s.size() && s[i] != '.'; ++i) {
        const char c = s[i];
        if (c == ',') {
            // Thousands separators only between digits.
            if (digits == 0 || i + 1 >= s.size() || s[i + 1] < '0' || s[i + 1] > '9') {
                return std::nullopt;
            }
            continue;
        }
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        units = units * 10 + (c - '0');
        if (units > k_max_cents / 100) {
            return std::nullopt;
        }
        ++digits;
    }
    std::int64_t cents = 0;
    if (i < s.size()) {
        const std::string_view frac = s.substr(i + 1);
        if (frac.empty() || frac.size() > 2) {
            return std::nullopt;
        }
        for (const char c : frac) {
            if (c < '0' || c > '9') {
                return std::nullopt;
            }
        }
        cents = (frac[0] - '0') * 10 + (frac.size() == 2 ? frac[1] - '0' : 0);
    }
    if (digits == 0 && i >= s.size()) {
        return std::nullopt;
    }
    const std::int64_t total = units * 100 + cents;
    if (total > k_max_cents) {
        return std::nullopt;
    }
    return total;
}

std::string format_cents(std::int64_t cents) {
    const bool negative = cents < 0;
    // Cents come from parse_cents (bounded), so the negation cannot overflow.
    const std::uint64_t v = negative ? static_cast<std::uint64_t>(-(cents + 1)) + 1 : static_cast<std::uint64_t>(cents);
    std::string out = std::to_string(v / 100);
    const unsigned frac = static_cast<unsigned>(v % 100);
    out += '.';
    out += static_cast<char>('0' + frac / 10);
    out += static_cast<char>('0' + frac % 10);
    return negative ? "-" + out : out;
}

} // namespace opsctl::util
