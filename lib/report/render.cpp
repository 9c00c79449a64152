#include "lib/report/render.hpp"

#include "lib/core/error.hpp"
#include "lib/report/sections.hpp"
#include "lib/report/text.hpp"
#include "lib/util/file.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace opsctl::report {

namespace fs = std::filesystem;

namespace {

// Mermaid has no escape for a double quote inside a quoted label; a typographic quote
// keeps the label readable.
std::string quoted(const std::string& text) {
    std::string out = "\"";
    for (char ch : text) {
        if (ch == '"') {
            out += "'";
        } else if (ch == '\n' || ch == '\r') {
            out += ' ';
        } else {
            out += ch;
        }
    }
    return out + "\"";
}

std::string number_text(double value) {
    if (std::fabs(value - std::round(value)) < 1e-9) {
        return fmt::format("{}", static_cast<long long>(std::llround(value)));
    }
    return fmt::format("{:.1f}", value);
}

// The table without the columns meant for the CSV file only.
output::Table shown_columns(const ReviewTable& t) {
    if (t.md_hidden.empty()) {
        return t.table;
    }
    output::Table out;
    std::vector<std::size_t> keep;
    for (std::size_t i = 0; i < t.table.columns.size(); ++i) {
        if (std::find(t.md_hidden.begin(), t.md_hidden.end(), t.table.columns[i].key) == t.md_hidden.end()) {
            keep.push_back(i);
            out.columns.push_back(t.table.columns[i]);
        }
    }
    for (const auto& row : t.table.rows) {
        std::vector<output::Cell> cells;
        for (auto i : keep) {
            cells.push_back(row[i]);
        }
        out.rows.push_back(std::move(cells));
    }
    return out;
}

std::string render_table(const output::Table& table, output::Format format) {
    output::RenderOptions options;
    options.format = format;
    std::ostringstream out;
    output::render(table, options, out);
    return out.str();
}

// A table of the review after its heading: "None." when empty, a long list its first rows
// and the CSV file that holds every one.
void markdown_table(const ReviewTable& t, Language lang, std::ostream& out) {
    if (t.table.rows.empty()) {
        out << "\n" << (lang == Language::zh ? "无。" : "None.") << "\n";
        return;
    }
    // A long list shows its first rows; the CSV file of --out-dir holds every one.
    const auto total = t.total >= 0 ? static_cast<std::size_t>(t.total) : t.table.rows.size();
    if (t.md_rows == 0 || total <= t.md_rows) {
        out << "\n" << render_table(shown_columns(t), output::Format::md);
        return;
    }
    output::Table first = shown_columns(t);
    first.rows.resize(std::min(first.rows.size(), t.md_rows));
    out << "\n" << render_table(first, output::Format::md);
    out << "\n"
        << fill(tr(lang, "list.shown"), {{"shown", std::to_string(first.rows.size())},
                                              {"total", std::to_string(total)},
                                              {"file", t.key + ".csv"}})
        << "\n";
}

} // namespace

// Black on white with saturated, distinct series colours that survive a projector: the
// "base" theme with its variables set, as Mermaid's init directive allows; xy charts show
// a legend of their named series.
constexpr const char* k_mermaid_init =
    "%%{init: {\"theme\": \"base\", \"xyChart\": {\"showLegend\": true}, \"themeVariables\": {\"background\": \"#ffffff\", "
    "\"primaryColor\": \"#ffffff\", \"primaryTextColor\": \"#000000\", \"lineColor\": \"#000000\", "
    "\"fontSize\": \"18px\", \"pie1\": \"#0b3d91\", \"pie2\": \"#e66100\", \"pie3\": \"#1a7f37\", "
    "\"pie4\": \"#8b0000\", \"pie5\": \"#5d3a9b\", \"pie6\": \"#000000\", \"pie7\": \"#b8860b\", "
    "\"pieStrokeColor\": \"#000000\", \"pieOuterStrokeColor\": \"#000000\", \"pieLegendTextColor\": "
    "\"#000000\", \"xyChart\": {\"backgroundColor\": \"#ffffff\", \"titleColor\": \"#000000\", "
    "\"plotColorPalette\": \"#0b3d91, #e66100, #000000, #1a7f37\"}}}}%%\n";

std::string mermaid(const Chart& chart) {
    std::string out = k_mermaid_init;
    if (chart.kind == Chart::Kind::pie) {
        // showData puts each slice's number in the legend beside its label.
        out += "pie showData title " + chart.title.substr(0, chart.title.find('\n')) + "\n";
        const auto& values = chart.series.empty() ? std::vector<double>{} : chart.series.front().values;
        for (std::size_t i = 0; i < chart.labels.size() && i < values.size(); ++i) {
            out += fmt::format("    {} : {}\n", quoted(chart.labels[i]), number_text(values[i]));
        }
        return out;
    }
    out += "xychart-beta\n";
    out += "    title " + quoted(chart.title) + "\n";
    std::vector<std::string> labels;
    for (const auto& l : chart.labels) {
        labels.push_back(quoted(l));
    }
    out += "    x-axis [" + fmt::format("{}", fmt::join(labels, ", ")) + "]\n";
    double top = 0;
    for (const auto& s : chart.series) {
        for (double v : s.values) {
            top = std::max(top, v);
        }
    }
    // An axis from 0 to 0 draws nothing; a fixed top (100 for shares) keeps months comparable.
    // Counts get a top of at least 10, so that the axis ticks (steps of 1, 2 or 5 times a
    // power of ten, about ten of them) are whole numbers.
    top = chart.y_max ? *chart.y_max : std::max(10.0, std::ceil(top));
    out += fmt::format("    y-axis {} 0 --> {}\n", quoted(chart.y_label), number_text(top));
    for (const auto& s : chart.series) {
        std::vector<std::string> values;
        for (double v : s.values) {
            values.push_back(number_text(v));
        }
        out += fmt::format("    {} {} [{}]\n", s.line ? "line" : "bar", quoted(s.name), fmt::join(values, ", "));
    }
    return out;
}

void render_markdown(const Review& review, std::ostream& out) {
    const Language lang = review.lang;
    // Every block is written as "\n<block>" after the first, so that exactly one blank line
    // separates headings, paragraphs, lists, tables and fences.
    out << "# " << review.title << " — " << review.month << "\n\n";
    out << "- " << tr(lang, "review.site") << ": " << review.site << "\n";
    out << "- " << tr(lang, "review.period") << ": " << review.period << "\n";
    out << "- " << tr(lang, "review.generated") << ": " << review.generated << "\n";
    if (review.sections.empty()) {
        out << "\n" << tr(lang, "review.empty") << "\n";
        return;
    }
    out << "\n"
        << tr(lang, "review.compared") << (lang == Language::zh ? "" : " ") << review.previous_month
        << (lang == Language::zh ? "。" : ". ") << tr(lang, "review.chart_note")
        << (has_appendix(review) ? (lang == Language::zh ? "" : " ") + tr(lang, "appendix.note") : "") << "\n";
    for (const auto& section : review.sections) {
        out << "\n## " << section.title << "\n";
        if (!section.sentences.empty()) {
            std::string para;
            for (const auto& s : section.sentences) {
                if (!para.empty() && lang == Language::en) {
                    para += ' ';
                }
                para += s;
            }
            out << "\n" << para << "\n";
        }
        if (section.key == "summary") {
            const auto t = summary_table(review, true);
            out << "\n" << render_table(t.table, output::Format::md);
        }
        for (const auto& t : section.tables) {
            const bool charted = std::any_of(section.charts.begin(), section.charts.end(),
                                             [&](const Chart& c) { return c.table == t.key; });
            // A detail table waits for the appendix; its chart stays here, saying where its numbers are.
            if (t.appendix && !charted) {
                continue;
            }
            out << "\n### " << t.title << "\n";
            for (const auto& chart : section.charts) {
                if (chart.table == t.key) {
                    out << "\n```mermaid\n" << mermaid(chart) << "```\n";
                }
            }
            if (t.appendix) {
                out << "\n" << fill(tr(lang, "appendix.see"), {{"title", appendix_title(section, t, lang)}}) << "\n";
                continue;
            }
            markdown_table(t, lang, out);
        }
    }
    if (!has_appendix(review)) {
        return;
    }
    out << "\n## " << tr(lang, "appendix.title") << "\n\n" << tr(lang, "appendix.intro") << "\n";
    for (const auto& section : review.sections) {
        if (!section.figures.empty()) {
            const auto t = figures_table(section, lang, true);
            out << "\n### " << t.title << "\n\n";
            out << render_table(t.table, output::Format::md);
        }
        for (const auto& t : section.tables) {
            if (t.appendix) {
                out << "\n### " << appendix_title(section, t, lang) << "\n";
                markdown_table(t, lang, out);
            }
        }
    }
}

void render_json(const Review& review, std::ostream& out) {
    using nlohmann::json;
    json doc;
    doc["title"] = review.title;
    doc["site"] = review.site;
    doc["month"] = review.month;
    doc["previous_month"] = review.previous_month;
    doc["period"] = review.period;
    doc["generated"] = review.generated;
    doc["language"] = to_string(review.lang);
    doc["sections"] = json::array();
    for (const auto& section : review.sections) {
        json s;
        s["key"] = section.key;
        s["title"] = section.title;
        s["sentences"] = section.sentences;
        s["figures"] = json::array();
        for (const auto& f : section.figures) {
            json j;
            j["key"] = f.key;
            j["label"] = f.label;
            j["unit"] = to_string(f.unit);
            j["value"] = f.value ? json(*f.value) : json(nullptr);
            j["previous"] = f.previous ? json(*f.previous) : json(nullptr);
            const auto change = change_of(f);
            j["change"] = change ? json(*change) : json(nullptr);
            if (f.unit == Unit::business) {
                j["workday_seconds"] = f.workday_secs; // the length of "1d" in this unit
            }
            s["figures"].push_back(std::move(j));
        }
        s["tables"] = json::array();
        for (const auto& t : section.tables) {
            json j;
            j["key"] = t.key;
            j["title"] = t.title;
            j["rows"] = json::parse(render_table(t.table, output::Format::json));
            s["tables"].push_back(std::move(j));
        }
        doc["sections"].push_back(std::move(s));
    }
    out << doc.dump(2) << "\n";
}

void render_figures_csv(const Review& review, std::ostream& out, output::Format csv_format) {
    output::Table all;
    all.add_column("section").add_column("key").add_column("metric").add_column("value");
    all.add_column("previous").add_column("change").add_column("unit");
    for (const auto& section : review.sections) {
        if (section.figures.empty()) {
            continue;
        }
        const auto t = figures_table(section, review.lang, false);
        for (const auto& row : t.table.rows) {
            std::vector<output::Cell> cells{section.key};
            cells.insert(cells.end(), row.begin(), row.end());
            all.add_row(std::move(cells));
        }
    }
    out << render_table(all, csv_format);
}

std::vector<fs::path> write_out_dir(const Review& review, const fs::path& dir,
                                    output::Format csv_format) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir)) {
        throw Failure(fmt::format("cannot create folder '{}'", dir.string()), ec ? ec.message() : "not a folder");
    }
    std::vector<fs::path> written;
    std::ostringstream md;
    render_markdown(review, md);
    util::write_file_atomic(dir / "review.md", md.str(), k_report_mode);
    written.push_back(dir / "review.md");
    for (const auto& t : all_tables(review)) {
        const fs::path path = dir / (t.key + ".csv");
        util::write_file_atomic(path, render_table(t.table, csv_format), k_report_mode);
        written.push_back(path);
    }
    return written;
}

} // namespace opsctl::report
