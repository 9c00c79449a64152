#include "lib/policy/reader.hpp"

#include "lib/util/text.hpp"

#include <charconv>
#include <fmt/format.h>
#include <set>

namespace opsctl::policy {

namespace {

std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

// Names of policy items: identifiers a shell user can type without quoting.
bool is_item_name(const std::string& name) {
    if (name.empty() || name.size() > 64) {
        return false;
    }
    for (unsigned char c : name) {
        if (c >= 0x80) {
            continue; // UTF-8 letters (Chinese names are allowed)
        }
        if (!std::isalnum(c) && c != '-' && c != '_' && c != '.') {
            return false;
        }
    }
    return name[0] != '-';
}

} // namespace

std::optional<int> parse_time_of_day(std::string_view s) {
    if (s.size() != 5 || s[2] != ':') {
        return std::nullopt;
    }
    int h = 0, m = 0;
    auto ok = [](std::string_view part, int& out) {
        auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
        return ec == std::errc{} && p == part.data() + part.size();
    };
    if (!ok(s.substr(0, 2), h) || !ok(s.substr(3, 2), m)) {
        return std::nullopt;
    }
    if (h == 24 && m == 0) {
        return 86400;
    }
    if (h < 0 || h > 23 || m < 0 || m > 59) {
        return std::nullopt;
    }
    return h * 3600 + m * 60;
}

Origin Reader::origin(const Node& node) const {
    // A key looked up in a mapping that lacks it is an undefined node, which has no position;
    // the file alone is named then.
    return Origin{m_file, node.line(), node.column()};
}

void Reader::error(const Node& node, std::string message) {
    m_diagnostics.error(origin(node), std::move(message));
}

bool Reader::map(const Node& node, std::string_view what, const std::vector<std::string>& known) {
    if (!node.is_defined() || !node.is_map()) {
        error(node, fmt::format("{} must be a mapping of keys to values", what));
        return false;
    }
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
        if (!it->first.is_scalar()) {
            error(it->first, fmt::format("{} has a key that is not a plain word", what));
            continue;
        }
        const std::string key = it->first.scalar();
        if (!seen.insert(key).second) {
            error(it->first, fmt::format("key {} appears twice in {}", in_quotes(key), what));
        }
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            error(it->first, fmt::format("unknown key {} in {} ({})", in_quotes(key), what, util::suggest(key, known)));
        }
    }
    return true;
}

bool Reader::sequence(const Node& node, std::string_view what) {
    if (!node.is_defined() || !node.is_sequence()) {
        error(node, fmt::format("{} must be a list", what));
        return false;
    }
    return true;
}

void Reader::entries(const Node& node, std::string_view what,
                     const std::function<void(const std::string&, const Node&, const Node&)>& fn) {
    if (!node.is_defined() || node.is_null()) { // absent or empty: no entries
        return;
    }
    if (!node.is_map()) {
        error(node, fmt::format("{} must be a mapping of names to definitions", what));
        return;
    }
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
        if (!it->first.is_scalar()) {
            error(it->first, fmt::format("{} has a name that is not a plain word", what));
            continue;
        }
        const std::string name = it->first.scalar();
        if (!is_item_name(name)) {
            error(it->first, fmt::format("{} name {} must be letters, digits, '-', '_' or '.'", what, in_quotes(name)));
            continue;
        }
        if (!seen.insert(name).second) {
            error(it->first, fmt::format("{} {} is defined twice in this file", what, in_quotes(name)));
            continue;
        }
        fn(name, it->first, it->second);
    }
}

Node Reader::value(const Node& map, std::string_view key, bool required) {
    if (!map.is_map()) {
        return Node();
    }
    const Node v = map[std::string(key)];
    if (!v.is_defined() || v.is_null()) {
        if (required) {
            error(map, fmt::format("missing required key {}", in_quotes(key)));
        }
        return Node();
    }
    return v;
}

std::optional<std::string> Reader::as_string(const Node& node, std::string_view what) {
    if (!node.is_scalar()) {
        error(node, fmt::format("{} must be a single value, not a list or mapping", what));
        return std::nullopt;
    }
    return node.scalar();
}

std::optional<std::int64_t> Reader::as_integer(const Node& node, std::string_view what) {
    auto s = as_string(node, what);
    if (!s) {
        return std::nullopt;
    }
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    if (ec != std::errc{} || p != s->data() + s->size()) {
        error(node, fmt::format("{} must be a whole number, not {}", what, in_quotes(*s)));
        return std::nullopt;
    }
    return v;
}

std::optional<core::Duration> Reader::as_duration(const Node& node, std::string_view what) {
    auto s = as_string(node, what);
    if (!s) {
        return std::nullopt;
    }
    auto d = core::parse_duration(*s);
    if (!d) {
        error(node, fmt::format("{} must be a duration such as 30m, 4h, 2d, 1w, 1mo or 5y, not {}", what, in_quotes(*s)));
    }
    return d;
}

std::optional<core::Date> Reader::as_date(const Node& node, std::string_view what) {
    auto s = as_string(node, what);
    if (!s) {
        return std::nullopt;
    }
    auto d = core::parse_date(*s);
    if (!d) {
        error(node, fmt::format("{} must be a date YYYY-MM-DD, not {}", what, in_quotes(*s)));
    }
    return d;
}

std::optional<int> Reader::as_time_of_day(const Node& node, std::string_view what) {
    auto s = as_string(node, what);
    if (!s) {
        return std::nullopt;
    }
    auto t = parse_time_of_day(*s);
    if (!t) {
        error(node, fmt::format("{} must be a time of day HH:MM, not {}", what, in_quotes(*s)));
    }
    return t;
}

std::optional<std::string> Reader::string(const Node& map, std::string_view key, bool required) {
    const Node v = value(map, key, required);
    if (!v.is_defined()) {
        return std::nullopt;
    }
    return as_string(v, in_quotes(key));
}

std::optional<std::int64_t> Reader::integer(const Node& map, std::string_view key, bool required,
                                            std::int64_t min, std::int64_t max) {
    const Node v = value(map, key, required);
    if (!v.is_defined()) {
        return std::nullopt;
    }
    auto n = as_integer(v, in_quotes(key));
    if (n && (*n < min || *n > max)) {
        error(v, fmt::format("{} must be between {} and {}, not {}", in_quotes(key), min, max, *n));
        return std::nullopt;
    }
    return n;
}

std::optional<double> Reader::number(const Node& map, std::string_view key, bool required) {
    const Node v = value(map, key, required);
    if (!v.is_defined()) {
        return std::nullopt;
    }
    auto s = as_string(v, in_quotes(key));
    if (!s) {
        return std::nullopt;
    }
    try {
        std::size_t used = 0;
        double d = std::stod(*s, &used);
        if (used == s->size()) {
            return d;
        }
    } catch (const std::exception&) {
    }
    error(v, fmt::format("{} must be a number, not {}", in_quotes(key), in_quotes(*s)));
    return std::nullopt;
}

std::optional<bool> Reader::boolean(const Node& map, std::string_view key, bool required) {
    const Node v = value(map, key, required);
    if (!v.is_defined()) {
        return std::nullopt;
    }
    auto s = as_string(v, in_quotes(key));
    if (!s) {
        return std::nullopt;
    }
    const std::string l = util::to_lower(*s);
    if (l == "true" || l == "yes" || l == "on") {
        return true;
    }
    if (l == "false" || l == "no" || l == "off") {
        return false;
    }
    error(v, fmt::format("{} must be true or false, not {}", in_quotes(key), in_quotes(*s)));
    return std::nullopt;
}

std::optional<core::Duration> Reader::duration(const Node& map, std::string_view key, bool required) {
    const Node v = value(map, key, required);
    if (!v.is_defined()) {
        return std::nullopt;
    }
    return as_duration(v, in_quotes(key));
}

std::optional<core::Date> Reader::date(const Node& map, std::string_view key, bool required) {
    const Node v = value(map, key, required);
    if (!v.is_defined()) {
        return std::nullopt;
    }
    return as_date(v, in_quotes(key));
}

std::optional<int> Reader::time_of_day(const Node& map, std::string_view key, bool required) {
    const Node v = value(map, key, required);
    if (!v.is_defined()) {
        return std::nullopt;
    }
    return as_time_of_day(v, in_quotes(key));
}

std::optional<double> Reader::percent(const Node& map, std::string_view key, bool required) {
    const Node v = value(map, key, required);
    if (!v.is_defined()) {
        return std::nullopt;
    }
    auto s = as_string(v, in_quotes(key));
    if (!s) {
        return std::nullopt;
    }
    std::string text = *s;
    if (!text.empty() && text.back() == '%') {
        text.pop_back();
    }
    try {
        std::size_t used = 0;
        double d = std::stod(text, &used);
        if (used == text.size() && d >= 0 && d <= 1000) {
            return d / 100.0;
        }
    } catch (const std::exception&) {
    }
    error(v, fmt::format("{} must be a percentage such as 75%, not {}", in_quotes(key), in_quotes(*s)));
    return std::nullopt;
}

std::optional<std::string> Reader::one_of(const Node& map, std::string_view key,
                                          const std::vector<std::string>& allowed, bool required) {
    auto s = string(map, key, required);
    if (!s) {
        return std::nullopt;
    }
    if (std::find(allowed.begin(), allowed.end(), *s) == allowed.end()) {
        error(map[std::string(key)],
              fmt::format("{} must be one of {}, not {}", in_quotes(key), util::join(allowed, ", "), in_quotes(*s)));
        return std::nullopt;
    }
    return s;
}

std::optional<std::vector<std::string>> Reader::strings(const Node& map, std::string_view key, bool required) {
    const Node v = value(map, key, required);
    if (!v.is_defined()) {
        return std::nullopt;
    }
    std::vector<std::string> out;
    if (v.is_scalar()) {
        out.push_back(v.scalar());
        return out;
    }
    if (!v.is_sequence()) {
        error(v, fmt::format("{} must be a list of values", in_quotes(key)));
        return std::nullopt;
    }
    bool ok = true;
    for (const auto& item : v) {
        if (auto s = as_string(item, fmt::format("each item of {}", in_quotes(key)))) {
            out.push_back(*s);
        } else {
            ok = false;
        }
    }
    if (!ok) {
        return std::nullopt;
    }
    return out;
}

} // namespace opsctl::policy
