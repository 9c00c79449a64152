#include "lib/util/header_map.hpp"

#include "lib/core/error.hpp"
#include "lib/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace opsctl::util {

namespace {

// The form names and labels are compared in: "Serial number", "serial_number" and
// "SERIAL-NUMBER" are one; 耗时（秒） and 耗时(秒) are one.
std::string folded(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        const auto rest = text.substr(i);
        if (rest.starts_with("\xEF\xBC\x88")) { // （
            out += '(';
            i += 3;
        } else if (rest.starts_with("\xEF\xBC\x89")) { // ）
            out += ')';
            i += 3;
        } else if (rest.starts_with("\xE3\x80\x80")) { // ideographic space
            i += 3;
        } else {
            const char c = text[i++];
            if (c == ' ' || c == '\t' || c == '_' || c == '-') {
                continue;
            }
            out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        }
    }
    return out;
}

} // namespace

HeaderMapping map_header(const std::vector<std::string>& header, const std::vector<HeaderColumn>& columns,
                         const std::vector<std::string>& explicit_map) {
    std::vector<std::string> names;
    std::map<std::string, std::set<std::string>> by_text; // folded name or label -> columns
    for (const auto& c : columns) {
        names.push_back(c.name);
        by_text[folded(c.name)].insert(c.name);
    }
    // A column's own name wins over another column's label of the same text.
    std::map<std::string, std::set<std::string>> by_label;
    for (const auto& c : columns) {
        for (const auto& l : c.labels) {
            by_label[folded(l)].insert(c.name);
        }
    }

    std::vector<std::string> cells;
    cells.reserve(header.size());
    for (std::size_t i = 0; i < header.size(); ++i) {
        std::string_view cell = header[i];
        if (i == 0 && cell.starts_with("\xEF\xBB\xBF")) {
            cell.remove_prefix(3);
        }
        cells.emplace_back(trim(cell));
    }

    std::map<std::string, std::string> mapped; // cell text -> column
    for (const auto& m : explicit_map) {
        const auto eq = m.rfind('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == m.size()) {
            throw UsageError(fmt::format("--map '{}' is not LABEL=column", m), "e.g. --map 名称=name");
        }
        const std::string label(trim(std::string_view(m).substr(0, eq)));
        const std::string column(trim(std::string_view(m).substr(eq + 1)));
        if (std::find(names.begin(), names.end(), column) == names.end()) {
            throw UsageError(fmt::format("--map '{}': no column '{}'", m, column), suggest(column, names));
        }
        if (std::find(cells.begin(), cells.end(), label) == cells.end()) {
            throw UsageError(fmt::format("--map '{}': the header has no column '{}'", m, label),
                             "the header is: " + join(cells, ", "));
        }
        mapped[label] = column;
    }

    HeaderMapping out;
    out.names.resize(cells.size());
    std::map<std::string, std::size_t> first_cell; // column -> 1-based cell naming it
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const std::string& cell = cells[i];
        std::string column;
        if (auto it = mapped.find(cell); it != mapped.end()) {
            column = it->second;
        } else if (auto n = by_text.find(folded(cell)); n != by_text.end()) {
            column = *n->second.begin();
        } else if (auto l = by_label.find(folded(cell)); l != by_label.end()) {
            if (l->second.size() > 1) {
                out.problems.push_back({i + 1, fmt::format("column '{}' could be any of {} (use --map '{}=COLUMN')",
                                                           cell, join(std::vector<std::string>(l->second.begin(), l->second.end()), ", "),
                                                           cell)});
                continue;
            }
            column = *l->second.begin();
        } else {
            const std::string near = closest(cell, names);
            out.problems.push_back({i + 1, near.empty()
                                               ? fmt::format("unknown column '{}'", cell)
                                               : fmt::format("unknown column '{}' (did you mean '{}'?)", cell, near)});
            continue;
        }
        if (auto [it, fresh] = first_cell.emplace(column, i + 1); !fresh) {
            out.problems.push_back(
                {i + 1, fmt::format("column '{}' names '{}' again (column {} already does)", cell, column, it->second)});
            continue;
        }
        out.names[i] = column;
    }
    return out;
}

} // namespace opsctl::util
