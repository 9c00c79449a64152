#include "lib/report/review.hpp"

#include "lib/core/business_time.hpp"
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
    case Unit::business:
        return "business_seconds";
    }
    return "count";
}

namespace {

int precision_of(Unit unit) {
    switch (unit) {
    case Unit::count:
    case Unit::business:
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

// "{section}: headline figures" style titles, so that no two headings of the review repeat.
std::string fill_title(const std::string& what, const std::string& section, Language lang) {
    return fmt::format("{}{}{}", section, lang == Language::zh ? "：" : ": ", what);
}

// Business time is shown to the minute, so it is compared to the minute too.
double shown(const Figure& figure, double value) {
    if (figure.unit == Unit::business) {
        return std::round(value / 60.0) * 60.0;
    }
    const double scale = std::pow(10.0, precision_of(figure.unit));
    return std::round(value * scale) / scale;
}

} // namespace

std::string format_value(const Figure& figure, const std::optional<double>& value, Language lang) {
    if (!value) {
        return "-";
    }
    if (figure.unit == Unit::business) {
        return core::format_business_seconds(std::llround(shown(figure, *value)), figure.workday_secs);
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

// The change between the values as shown: 95.3% and 95.6% differ by 0.3 pp, whatever the
// digits behind them, so the review never says "+0.2 pp" beside two figures 0.3 apart.
std::optional<double> change_of(const Figure& figure) {
    if (!figure.value || !figure.previous) {
        return std::nullopt;
    }
    return shown(figure, shown(figure, *figure.value) - shown(figure, *figure.previous));
}

std::string target_state(const Figure& figure) {
    if (!figure.target || !figure.value) {
        return "";
    }
    const double value = shown(figure, *figure.value);
    const bool met = figure.lower_is_better ? value <= *figure.target : value >= *figure.target;
    return met ? "met" : "missed";
}

std::string format_change(const Figure& figure, Language lang) {
    const auto change = change_of(figure);
    if (!change) {
        return "";
    }
    if (figure.unit == Unit::business) {
        const auto secs = std::llround(*change);
        const std::string magnitude = core::format_business_seconds(secs < 0 ? -secs : secs, figure.workday_secs);
        return secs == 0 ? "0" : fmt::format("{}{}", secs < 0 ? "-" : "+", magnitude);
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
    t.title = fill_title(tr(lang, "review.headline"), section.title, lang);
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

ReviewTable summary_table(const Review& review, bool formatted) {
    const Language lang = review.lang;
    ReviewTable t;
    t.key = "key_figures";
    t.title = tr(lang, "tbl.summary");
    auto& table = t.table;
    if (!formatted) {
        table.add_column("section", tr(lang, "col.section")).add_column("key", tr(lang, "col.key"));
    }
    table.add_column("metric", tr(lang, "col.metric"))
        .add_column("value", tr(lang, "col.value"))
        .add_column("n", tr(lang, "col.n"))
        .add_column("target", tr(lang, "col.target_value"))
        .add_column("state", tr(lang, "col.target_state"));
    if (!formatted) {
        table.add_column("state_label", tr(lang, "col.target_state"));
    }
    table.add_column("previous", tr(lang, "col.previous")).add_column("change", tr(lang, "col.change"));
    if (!formatted) {
        table.add_column("unit", tr(lang, "col.unit"));
    }
    for (const auto& section : review.sections) {
        for (const auto& f : section.figures) {
            if (!f.in_summary) {
                continue;
            }
            const std::string state = target_state(f);
            const std::string state_label = state.empty() ? "" : tr(lang, "word." + state);
            const output::Cell n = f.n ? output::Cell::integer(*f.n) : output::Cell::null();
            if (formatted) {
                std::string target;
                if (f.target) {
                    target = fmt::format("{} {}", f.lower_is_better ? "≤" : "≥", format_value(f, f.target, lang));
                }
                table.add_row({f.label, format_value(f, f.value, lang), n, target, state_label,
                               format_value(f, f.previous, lang), format_change(f, lang)});
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
            table.add_row({section.key, f.key, f.label, number(f.value), n, number(f.target), state, state_label,
                           number(f.previous), number(change_of(f)), to_string(f.unit)});
        }
    }
    return t;
}

bool has_appendix(const Review& review) {
    for (const auto& section : review.sections) {
        if (!section.figures.empty()) {
            return true;
        }
        for (const auto& t : section.tables) {
            if (t.appendix) {
                return true;
            }
        }
    }
    return false;
}

std::string appendix_title(const Section& section, const ReviewTable& table, Language lang) {
    return fill_title(table.title, section.title, lang);
}

std::vector<ReviewTable> all_tables(const Review& review) {
    std::vector<ReviewTable> out;
    if (!review.sections.empty()) {
        out.push_back(summary_table(review, false));
    }
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
