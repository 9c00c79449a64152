#include "lib/core/sheet_date.hpp"

#include "lib/core/date.hpp"

#include <fmt/format.h>

#include <vector>

namespace opsctl::core {

namespace {

// Splits "2023/5/6" style text into its numbers; the separators must all be `sep`.
bool numbers(std::string_view text, std::vector<int>& out, std::string_view seps) {
    out.clear();
    int value = -1;
    int digits = 0;
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (c >= '0' && c <= '9') {
            if (++digits > 4) {
                return false;
            }
            value = (value < 0 ? 0 : value * 10) + (c - '0');
            ++i;
            continue;
        }
        bool matched = false;
        for (std::size_t s = 0; s < seps.size();) {
            // `seps` holds separators one after the other, each ended by '|'.
            const std::size_t end = seps.find('|', s);
            const std::string_view sep = seps.substr(s, end - s);
            if (!sep.empty() && text.substr(i).starts_with(sep)) {
                if (value < 0) {
                    return false;
                }
                out.push_back(value);
                value = -1;
                digits = 0;
                i += sep.size();
                matched = true;
                break;
            }
            s = end + 1;
        }
        if (!matched) {
            return false;
        }
    }
    if (value >= 0) {
        out.push_back(value);
    }
    return true;
}

std::optional<std::string> clock_iso(std::string_view text) {
    std::vector<int> n;
    if (!numbers(text, n, ":|") || n.size() < 2 || n.size() > 3 || n[0] > 23 || n[1] > 59 ||
        (n.size() == 3 && n[2] > 59)) {
        return std::nullopt;
    }
    return n.size() == 2 ? fmt::format("{:02}:{:02}", n[0], n[1]) : fmt::format("{:02}:{:02}:{:02}", n[0], n[1], n[2]);
}

} // namespace

SheetDate sheet_date_to_iso(std::string_view text) {
    SheetDate out;
    std::string_view date = text;
    std::string_view clock;
    if (auto sp = text.find(' '); sp != std::string_view::npos) {
        date = text.substr(0, sp);
        clock = text.substr(sp + 1);
        while (clock.starts_with(' ')) {
            clock.remove_prefix(1);
        }
    }
    if (date.ends_with("日")) {
        date.remove_suffix(std::string_view("日").size());
    }
    std::vector<int> n;
    bool found = false;
    for (std::string_view seps : {std::string_view("/|"), std::string_view(".|"), std::string_view("-|"),
                                  std::string_view("年|月|")}) {
        if (numbers(date, n, seps) && n.size() == 3) {
            found = true;
            break;
        }
    }
    if (!found) {
        return out;
    }
    Date d;
    if (n[0] >= 1000) {
        d = Date{n[0], n[1], n[2]};
    } else if (n[2] >= 1000) {
        out.kind = SheetDate::Kind::ambiguous;
        return out;
    } else {
        return out;
    }
    if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > days_in_month(d.year, d.month)) {
        return out;
    }
    std::string iso = format_date(d);
    if (!clock.empty()) {
        auto c = clock_iso(clock);
        if (!c) {
            return out;
        }
        iso += "T" + *c;
    }
    out.kind = SheetDate::Kind::iso;
    out.iso = std::move(iso);
    return out;
}

} // namespace opsctl::core
