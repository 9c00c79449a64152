#include "lib/report/review.hpp"

#include "lib/core/error.hpp"
#include "lib/report/text.hpp"

#include <fmt/format.h>

#include <cmath>

namespace opsctl::report {

const char* to_string(Language lang) { return lang == Language::zh ? "zh" : "en"; }

Language parse_language(const std::string& text, const std::string& what) {
    if (text == "en") {
        return Language::en;
    }
    if (text == "zh") {
        return Language::zh;
    }
    throw UsageError(fmt::format("unknown language '{}' for {}", text, what), "use en or zh");
}

const char* to_string(Unit unit) {
    switch (unit) {
    case Unit::count:
        return "count";
    case Unit::percent:
        return "percent";
    case Unit::hours:
        return "hours";
    case Unit::days:
        return "days";
    case Unit::score:
        return "score";
    }
    return "count";
}

namespace {

int precision_of(Unit unit) {
    switch (unit) {
    case Unit::count:
        return 0;
    case Unit::percent:
    case Unit::days:
        return 1;
    case Unit::hours:
    case Unit::score:
        return 2;
    }
    return 0;
}

// Rounds to the shown precision first, so that "-0.0" never appears and a change that
// rounds to nothing reads "0".
std::string plain(double value, int precision) {
    const double scale = std::pow(10.0, precision);
    double rounded = std::round(value * scale) / scale;
    if (rounded == 0.0) {
        rounded = 0.0;
    }
    return fmt::format("{:.{}f}", rounded, precision);
}

} // namespace

std::string format_value(const Figure& figure, const std::optional<double>& value, Language lang) {
    if (!value) {
        return "-";
    }
    const std::string number = plain(*value, precision_of(figure.unit));
    switch (figure.unit) {
    case Unit::percent:
        return fmt::format("{}%", number);
    case Unit::hours:
        return fmt::format("{} {}", number, lang == Language::zh ? "小时" : "h");
    case Unit::days:
        return fmt::format("{} {}", number, lang == Language::zh ? "天" : "d");
    default:
        return number;
    }
}

std::optional<double> change_of(const Figure& figure) {
    if (!figure.value || !figure.previous) {
        return std::nullopt;
    }
    return *figure.value - *figure.previous;
}

std::string format_change(const Figure& figure, Language lang) {
    const auto change = change_of(figure);
    if (!change) {
        return "";
    }
    std::string number = plain(*change, precision_of(figure.unit));
    if (number.find_first_not_of("0.") != std::string::npos && number.front() != '-') {
        number = fmt::format("+{}", number);
    }
    switch (figure.unit) {
    case Unit::percent:
        return fmt::format("{} {}", number, lang == Language::zh ? "个百分点" : "pp");
    case Unit::hours:
        return fmt::format("{} {}", number, lang == Language::zh ? "小时" : "h");
    case Unit::days:
        return fmt::format("{} {}", number, lang == Language::zh ? "天" : "d");
    default:
        return number;
    }
}

ReviewTable figures_table(const Section& section, Language lang, bool formatted) {
    ReviewTable t;
    t.key = section.key + "_headline";
    t.title = fmt::format("{} — {}", section.title, tr(lang, "review.headline"));
    auto& table = t.table;
    table.add_column("key", tr(lang, "col.key"))
        .add_column("metric", tr(lang, "col.metric"))
        .add_column("value", tr(lang, "col.value"))
        .add_column("previous", tr(lang, "col.previous"))
        .add_column("change", tr(lang, "col.change"));
    if (!formatted) {
        table.add_column("unit", tr(lang, "col.unit"));
    }
    for (const auto& f : section.figures) {
        if (formatted) {
            table.add_row({f.key, f.label, format_value(f, f.value, lang), format_value(f, f.previous, lang),
                           format_change(f, lang)});
            continue;
        }
        const int precision = precision_of(f.unit);
        auto number = [&](const std::optional<double>& v) {
            if (!v) {
                return output::Cell::null();
            }
            return precision == 0 ? output::Cell::integer(std::llround(*v))
                                  : output::Cell(plain(*v, precision), output::CellKind::number);
        };
        table.add_row({f.key, f.label, number(f.value), number(f.previous), number(change_of(f)), to_string(f.unit)});
    }
    // Markdown drops the key column: it is for machines, the metric label for people.
    if (formatted) {
        table.columns.erase(table.columns.begin());
        for (auto& row : table.rows) {
            row.erase(row.begin());
        }
    }
    return t;
}

std::vector<ReviewTable> all_tables(const Review& review) {
    std::vector<ReviewTable> out;
    for (const auto& section : review.sections) {
        if (!section.figures.empty()) {
            out.push_back(figures_table(section, review.lang, false));
        }
        for (const auto& t : section.tables) {
            out.push_back(t);
        }
    }
    return out;
}

} // namespace opsctl::report
