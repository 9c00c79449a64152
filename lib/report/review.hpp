#pragma once
// The monthly review as data: sections of headline figures, tables and charts. Builders
// (monthly.hpp) fill it from the database; renderers (render.hpp) turn it into Markdown,
// CSV files or JSON. Nothing here knows SQL or output formats.

#include "lib/output/render.hpp"

#include <optional>
#include <string>
#include <vector>

namespace opsctl::report {

/// The language of titles, labels and sentences.
enum class Language { en, zh };

/// "en" or "zh".
const char* to_string(Language lang);
/// Parses "en" / "zh"; throws UsageError naming `what` for anything else.
Language parse_language(const std::string& text, const std::string& what);

/// How a figure's value reads and how its change is written.
/// `business`: seconds of business time, shown in the policy's unit ("1d 2h 30m", a day being
/// one working day of the calendar, Figure::workday_secs long).
enum class Unit { count, percent, hours, days, score, business };

/// One headline figure: this month's value, the previous month's, and the change.
struct Figure {
    std::string key;                // stable machine name ("opened", "response_sla")
    std::string label;              // in the review's language
    Unit unit = Unit::count;
    std::optional<double> value;    // nullopt: nothing to measure (no tickets answered, ...)
    std::optional<double> previous; // the same figure for the previous month
    std::optional<std::int64_t> n = std::nullopt; // the sample a share or mean is taken over (this month)
    std::optional<double> target = std::nullopt; // the figure's target, when it has one
    bool lower_is_better = false;   // the target is a ceiling (gap hours), else a floor
    bool in_summary = false;        // one of the key figures on the review's first screen
    std::int64_t workday_secs = 0;  // Unit::business: one working day of the calendar
};

/// "met" or "missed" against the target (as shown, rounded); empty without a target or value.
std::string target_state(const Figure& figure);

/// A chart drawn from the numbers of one table of the same section.
struct Chart {
    enum class Kind { pie, bar_line };
    Kind kind = Kind::pie;
    std::string table; // key of the table holding the same numbers; drawn just before it
    std::string title;
    std::vector<std::string> labels;          // pie slices or x-axis categories
    struct Series {
        std::string name;
        bool line = false;                    // bar_line: drawn as a line, else a bar
        std::vector<double> values;           // one per label
    };
    std::vector<Series> series;
    std::string y_label;                      // bar_line: the y-axis title
    std::optional<double> y_max;              // bar_line: fixed top of the y-axis (100 for shares)
};

/// A named table of a section; `key` names its CSV file and JSON member.
struct ReviewTable {
    std::string key;
    std::string title;
    output::Table table;
    std::size_t md_rows = 0;   // Markdown shows the first md_rows rows (0: all); the CSV holds all
    std::int64_t total = -1;   // rows in all, when the table itself holds only the first ones
    std::vector<std::string> md_hidden = {}; // columns for the CSV only (seconds beside a shown duration)
    bool appendix = false;     // a detail table: Markdown and HTML show it in the appendix, after every section
};

/// One section of the review (tickets, inspections, backups, ...).
struct Section {
    std::string key;
    std::string title;
    std::vector<std::string> sentences; // the headline sentences, in the review's language
    std::vector<Figure> figures;        // shown as the section's first table
    std::vector<Chart> charts;
    std::vector<ReviewTable> tables;
};

/// The whole review of one month.
struct Review {
    std::string title;
    std::string site;
    std::string month;          // YYYY-MM
    std::string previous_month; // YYYY-MM
    std::string period;         // "2026-10-01 .. 2026-10-31 (Asia/Shanghai)"
    std::string generated;      // ISO 8601 instant the review was built at
    Language lang = Language::en;
    std::vector<Section> sections; // only sections with something to show
    bool full_lists = false;       // the tables hold every row (built for --out-dir)
};

/// The figures of a section as a table; key "<section>_headline". `formatted`: cells as the
/// review shows them ("87.5%"), else plain numbers for CSV and JSON (87.5, with a unit column).
ReviewTable figures_table(const Section& section, Language lang, bool formatted);
/// The key figures of every section (Figure::in_summary) against their targets; key
/// "key_figures". `formatted` as for figures_table, with the met/missed mark in words.
ReviewTable summary_table(const Review& review, bool formatted);
/// Whether the review has an appendix: the tables marked for it, and each section's figures
/// against the previous month (figures_table), which follow the key figures there.
bool has_appendix(const Review& review);
/// The heading of a table in the appendix: "<section>: <table>", so that it reads alone.
std::string appendix_title(const Section& section, const ReviewTable& table, Language lang);
/// Every table of the review in output order, the figures tables included.
std::vector<ReviewTable> all_tables(const Review& review);

/// A figure's value as shown: "12", "87.5%", "3.25 h", "1.5 d", "4.20", "1d 2h 30m"; "-" when absent.
std::string format_value(const Figure& figure, const std::optional<double>& value, Language lang);
/// The change against the previous month: "+3", "-2.5 pp", "+0.75 h"; empty when either is absent.
std::string format_change(const Figure& figure, Language lang);
/// The change as a number (value - previous), nullopt when either is absent.
std::optional<double> change_of(const Figure& figure);
/// The key word of a unit: count, percent, hours, days, score, business_seconds.
const char* to_string(Unit unit);

} // namespace opsctl::report
