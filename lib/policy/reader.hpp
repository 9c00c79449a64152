#pragma once
// Typed, position-aware reading of one policy file's tree. Only lib/policy/ sees YAML.

#include "lib/core/date.hpp"
#include "lib/core/duration.hpp"
#include "lib/policy/node.hpp"
#include "lib/policy/origin.hpp"


#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace opsctl::policy {

/// Reads values out of one file's YAML, reporting each problem with file:line:col.
/// Getters return nullopt when a key is absent or its value is wrong (the latter reported).
class Reader {
public:
    Reader(std::string file, Diagnostics& diagnostics) : m_file(std::move(file)), m_diagnostics(diagnostics) {}

    const std::string& file() const { return m_file; }
    Diagnostics& diagnostics() { return m_diagnostics; }
    /// The position of a node in this file.
    Origin origin(const Node& node) const;
    /// Reports a problem at a node.
    void error(const Node& node, std::string message);

    /// Checks that `node` is a mapping whose keys are all in `known` (unknown keys are
    /// reported with the nearest known one) and not repeated. False when not a mapping.
    bool map(const Node& node, std::string_view what, const std::vector<std::string>& known);
    /// Checks that `node` is a sequence. False when not.
    bool sequence(const Node& node, std::string_view what);
    /// Calls `fn(name, key, value)` for each entry of a mapping of named items, in file
    /// order; reports a non-mapping, repeated names and names that are not identifiers
    /// (letters, digits, '-', '_', '.'; CJK letters allowed).
    void entries(const Node& node, std::string_view what,
                 const std::function<void(const std::string&, const Node&, const Node&)>& fn);

    /// A scalar string at `key` of `map`; `required` reports its absence.
    std::optional<std::string> string(const Node& map, std::string_view key, bool required = false);
    /// An integer in [min, max].
    std::optional<std::int64_t> integer(const Node& map, std::string_view key, bool required = false,
                                        std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX);
    /// A number (integer or decimal).
    std::optional<double> number(const Node& map, std::string_view key, bool required = false);
    /// true/false (also yes/no, on/off).
    std::optional<bool> boolean(const Node& map, std::string_view key, bool required = false);
    /// A duration such as "30m", "4h", "2d", "1w", "1mo", "5y".
    std::optional<core::Duration> duration(const Node& map, std::string_view key, bool required = false);
    /// A date YYYY-MM-DD.
    std::optional<core::Date> date(const Node& map, std::string_view key, bool required = false);
    /// A time of day "HH:MM" as seconds since midnight (24:00 allowed as 86400).
    std::optional<int> time_of_day(const Node& map, std::string_view key, bool required = false);
    /// A share written as "75%" or 75, returned as a fraction (0.75).
    std::optional<double> percent(const Node& map, std::string_view key, bool required = false);
    /// One of a fixed set of words.
    std::optional<std::string> one_of(const Node& map, std::string_view key,
                                      const std::vector<std::string>& allowed, bool required = false);
    /// A list of strings; a single scalar is taken as a list of one.
    std::optional<std::vector<std::string>> strings(const Node& map, std::string_view key,
                                                    bool required = false);

    /// The same conversions applied to a node itself; `what` names it in messages.
    std::optional<std::string> as_string(const Node& node, std::string_view what);
    std::optional<std::int64_t> as_integer(const Node& node, std::string_view what);
    std::optional<core::Duration> as_duration(const Node& node, std::string_view what);
    std::optional<core::Date> as_date(const Node& node, std::string_view what);
    std::optional<int> as_time_of_day(const Node& node, std::string_view what);

private:
    Node value(const Node& map, std::string_view key, bool required);

    std::string m_file;
    Diagnostics& m_diagnostics;
};

/// Parses "HH:MM" (or "24:00") into seconds since midnight.
std::optional<int> parse_time_of_day(std::string_view text);

} // namespace opsctl::policy
