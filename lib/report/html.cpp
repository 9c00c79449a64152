// The review as one self-contained HTML page: inline CSS, charts drawn here as inline SVG,
// no script and nothing fetched, so that it opens the same from a mail, a wiki attachment
// or a USB stick, on a 1920x1080 projector and printed on A4.
#include "lib/report/render.hpp"

#include "lib/report/sections.hpp"
#include "lib/report/text.hpp"
#include "lib/util/markup.hpp"
#include "lib/util/unicode.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace opsctl::report {

namespace {

// The series colours of the Mermaid charts (render.cpp): dark blue, orange, black, green,
// then dark red and purple, each distinct on a projector and in greyscale print.
constexpr const char* k_palette[] = {"#0b3d91", "#e66100", "#000000", "#1a7f37", "#8b0000", "#5d3a9b"};

// Text as HTML: titles come from users.
std::string esc(std::string_view text) { return util::markup_escape(text); }

std::string num(double v) {
    if (std::fabs(v - std::round(v)) < 1e-9) {
        return fmt::format("{}", static_cast<long long>(std::llround(v)));
    }
    return fmt::format("{:.1f}", v);
}

// An axis step of 1, 2 or 5 times a power of ten giving at most 8 intervals up to `top`,
// never below 1: counts get whole-number ticks.
double tick_step(double top) {
    constexpr double k_factors[] = {2, 2.5, 2};
    double step = 1;
    for (std::size_t k = 0; top / step > 8; ++k) {
        step *= k_factors[k % 3];
    }
    return step;
}

// A bar/line chart: bars of a category side by side, lines through the category centres;
// a line with the same value everywhere (a target) is dashed. Sized by its viewBox, so it
// scales to the page; the legend names every series.
void svg_chart(const Chart& chart, std::ostream& out) {
    constexpr double w = 960, h = 360, left = 70, right = 20, top = 56, bottom = 56;
    const double pw = w - left - right, ph = h - top - bottom;
    double max = 0;
    for (const auto& s : chart.series) {
        for (double v : s.values) {
            max = std::max(max, v);
        }
    }
    double y_top = chart.y_max ? *chart.y_max : std::max(1.0, std::ceil(max));
    const double step = chart.y_max ? *chart.y_max / 5 : tick_step(y_top);
    y_top = std::ceil(y_top / step) * step;
    const std::size_t n = chart.labels.size();
    const double slot = n == 0 ? pw : pw / static_cast<double>(n);
    auto y_of = [&](double v) { return top + ph - ph * std::clamp(v, 0.0, y_top) / y_top; };

    out << fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" role=\"img\" "
                       "aria-label=\"{}\">\n<title>{}</title>\n",
                       num(w), num(h), esc(chart.title), esc(chart.title));
    out << fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", num(w), num(h));
    // Legend: a swatch and the name of each series, along the top.
    double lx = left;
    for (std::size_t i = 0; i < chart.series.size(); ++i) {
        const auto* colour = k_palette[i % std::size(k_palette)];
        const auto& s = chart.series[i];
        if (s.line) {
            // A level line (a target) is dashed in the plot, so in the legend too.
            const bool level = !s.values.empty() && std::all_of(s.values.begin(), s.values.end(),
                                                                 [&](double v) { return v == s.values[0]; });
            out << fmt::format("<line x1=\"{}\" y1=\"20\" x2=\"{}\" y2=\"20\" stroke=\"{}\" stroke-width=\"4\"{}/>\n",
                               num(lx), num(lx + 28), colour, level ? " stroke-dasharray=\"8 4\"" : "");
        } else {
            out << fmt::format("<rect x=\"{}\" y=\"12\" width=\"24\" height=\"16\" fill=\"{}\"/>\n", num(lx), colour);
        }
        out << fmt::format("<text x=\"{}\" y=\"26\" font-size=\"16\">{}</text>\n", num(lx + 36), esc(s.name));
        lx += 36 + 9.0 * static_cast<double>(util::display_width(s.name)) + 24;
    }
    // Axes and horizontal grid lines with their values.
    for (double v = 0; v <= y_top + 1e-9; v += step) {
        const double y = y_of(v);
        out << fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#bbbbbb\" stroke-width=\"1\"/>\n", num(left), num(y),
                           num(left + pw), num(y));
        out << fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"15\" text-anchor=\"end\">{}</text>\n", num(left - 8),
                           num(y + 5), num(v));
    }
    out << fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#000000\" stroke-width=\"2\"/>\n", num(left), num(top),
                       num(top + ph));
    out << fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#000000\" stroke-width=\"2\"/>\n", num(left),
                       num(top + ph), num(left + pw));
    out << fmt::format("<text x=\"14\" y=\"{}\" font-size=\"15\" transform=\"rotate(-90 14 {})\" "
                       "text-anchor=\"middle\">{}</text>\n",
                       num(top + ph / 2), num(top + ph / 2), esc(chart.y_label));
    // Category labels: every one while they fit, else every k-th.
    const std::size_t every = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(70.0 / slot)));
    for (std::size_t i = 0; i < n; i += every) {
        out << fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"15\" text-anchor=\"middle\">{}</text>\n",
                           num(left + slot * (static_cast<double>(i) + 0.5)), num(top + ph + 22), esc(chart.labels[i]));
    }
    // Bars first, side by side in each slot, then the lines over them.
    std::vector<std::size_t> bars;
    for (std::size_t i = 0; i < chart.series.size(); ++i) {
        if (!chart.series[i].line || chart.kind == Chart::Kind::pie) {
            bars.push_back(i);
        }
    }
    const double group = slot * 0.8;
    const double bw = bars.empty() ? 0 : group / static_cast<double>(bars.size());
    for (std::size_t b = 0; b < bars.size(); ++b) {
        const auto& s = chart.series[bars[b]];
        for (std::size_t i = 0; i < n && i < s.values.size(); ++i) {
            const double x = left + slot * static_cast<double>(i) + slot * 0.1 + bw * static_cast<double>(b);
            const double y = y_of(s.values[i]);
            out << fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}: {}</title></rect>\n",
                               num(x), num(y), num(std::max(1.0, bw - 1)), num(top + ph - y),
                               k_palette[bars[b] % std::size(k_palette)], esc(chart.labels[i]), num(s.values[i]));
        }
    }
    for (std::size_t si = 0; si < chart.series.size(); ++si) {
        const auto& s = chart.series[si];
        if (!s.line || chart.kind == Chart::Kind::pie || s.values.empty()) {
            continue;
        }
        const bool level = std::all_of(s.values.begin(), s.values.end(), [&](double v) { return v == s.values[0]; });
        std::string points;
        for (std::size_t i = 0; i < n && i < s.values.size(); ++i) {
            points += fmt::format("{}{},{}", points.empty() ? "" : " ", num(left + slot * (static_cast<double>(i) + 0.5)),
                                  num(y_of(s.values[i])));
        }
        out << fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"3\"{}/>\n", points,
                           k_palette[si % std::size(k_palette)], level ? " stroke-dasharray=\"10 6\"" : "");
    }
    out << "</svg>\n";
}

// Table columns to show, without those meant for the CSV only.
std::vector<std::size_t> shown_columns(const ReviewTable& t) {
    std::vector<std::size_t> keep;
    for (std::size_t i = 0; i < t.table.columns.size(); ++i) {
        const auto& key = t.table.columns[i].key;
        if (std::find(t.md_hidden.begin(), t.md_hidden.end(), key) == t.md_hidden.end()) {
            keep.push_back(i);
        }
    }
    return keep;
}

// Cells this wide or narrower (codes, dates, durations, tags, short names) never wrap: a
// date broken over two lines, or "SRV-\n5581", reads badly on a projector and on A4.
constexpr int k_nowrap_width = 18;

// `right`: columns of numbers written as text ("97.8%", "+0.2 pp"), aligned as numbers are.
void html_table(const output::Table& table, const std::vector<std::size_t>& columns, std::size_t rows,
                std::ostream& out, const std::vector<std::string>& right = {}) {
    out << "<div class=\"wide\"><table>\n<thead><tr>";
    for (auto c : columns) {
        const auto& col = table.columns[c];
        const std::string title = col.title.empty() ? col.key : col.title;
        out << (util::display_width(title) <= 12 ? "<th scope=\"col\" class=\"nw\">" : "<th scope=\"col\">")
            << esc(title) << "</th>";
    }
    out << "</tr></thead>\n<tbody>\n";
    for (std::size_t r = 0; r < rows && r < table.rows.size(); ++r) {
        out << "<tr>";
        for (auto c : columns) {
            const auto& cell = c < table.rows[r].size() ? table.rows[r][c] : output::Cell();
            const bool number = cell.kind == output::CellKind::integer || cell.kind == output::CellKind::number ||
                                std::find(right.begin(), right.end(), table.columns[c].key) != right.end();
            const std::string text = output::human_text(cell);
            const bool short_text = util::display_width(text) <= k_nowrap_width;
            out << (number ? "<td class=\"num\">" : short_text && !text.empty() ? "<td class=\"nw\">" : "<td>")
                << esc(text) << "</td>";
        }
        out << "</tr>\n";
    }
    out << "</tbody>\n</table></div>\n";
}

// The columns of the figures and key figures tables that hold numbers as text.
const std::vector<std::string> k_figure_numbers = {"value", "n", "target", "previous", "change"};

std::vector<std::size_t> all_columns(const output::Table& t) {
    std::vector<std::size_t> c(t.columns.size());
    for (std::size_t i = 0; i < c.size(); ++i) {
        c[i] = i;
    }
    return c;
}

// A table of the review after its heading: "None." when empty, a long list its first rows
// and the CSV file that holds every one.
void table_block(const ReviewTable& t, Language lang, std::ostream& out) {
    if (t.table.rows.empty()) {
        out << "<p>" << (lang == Language::zh ? "无。" : "None.") << "</p>\n";
        return;
    }
    const auto total = t.total >= 0 ? static_cast<std::size_t>(t.total) : t.table.rows.size();
    const std::size_t rows = t.md_rows == 0 ? t.table.rows.size() : std::min(t.md_rows, t.table.rows.size());
    html_table(t.table, shown_columns(t), rows, out);
    if (rows < total) {
        out << "<p class=\"more\">"
            << esc(fill(tr(lang, "list.shown"), {{"shown", std::to_string(rows)},
                                                 {"total", std::to_string(total)},
                                                 {"file", t.key + ".csv"}}))
            << "</p>\n";
    }
}

// Projector first (large type, black on white, thick rules), then A4 paper.
constexpr const char* k_css = R"css(
html { background: #ffffff; color: #000000; }
body { font: 18px/1.45 "Noto Sans", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", Arial, sans-serif;
       margin: 0 auto; padding: 24px 40px; max-width: 1840px; }
h1 { font-size: 34px; margin: 0 0 12px; border-bottom: 4px solid #000000; }
h2 { font-size: 28px; margin: 40px 0 8px; border-bottom: 2px solid #000000; }
h3 { font-size: 21px; margin: 24px 0 8px; }
ul.meta { list-style: none; padding: 0; margin: 0 0 12px; }
.wide { overflow-x: auto; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border: 1px solid #000000; padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #000000; color: #ffffff; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.nw, th.nw { white-space: nowrap; }
tbody tr:nth-child(even) { background: #eeeeee; }
figure { margin: 12px 0; max-width: 1200px; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-weight: bold; }
svg text { font-family: inherit; fill: #000000; }
p.more { font-style: italic; }
@media print {
  @page { size: A4; margin: 12mm; }
  body { font-size: 9.5pt; padding: 0; max-width: none; }
  h1 { font-size: 18pt; } h2 { font-size: 14pt; break-after: avoid; } h3 { font-size: 11pt; break-after: avoid; }
  h2 + p, figcaption { break-after: avoid; }
  p.more { break-before: avoid; }
  table { font-size: 8pt; }
  .wide { overflow: visible; }
  th, td { padding: 1px 4px; }
  th { background: #ffffff; color: #000000; border-bottom: 2px solid #000000; }
  table, figure, tr { break-inside: avoid; }
  section.appendix { break-before: page; }
  figure { max-width: 100%; }
}
)css";

} // namespace

void render_html(const Review& review, std::ostream& out) {
    const Language lang = review.lang;
    const std::string title = review.title + " — " + review.month;
    out << "<!DOCTYPE html>\n<html lang=\"" << (lang == Language::zh ? "zh-CN" : "en") << "\">\n<head>\n"
        << "<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        << "<title>" << esc(title) << "</title>\n<style>" << k_css << "</style>\n</head>\n<body>\n<main>\n";
    out << "<h1>" << esc(title) << "</h1>\n<ul class=\"meta\">\n";
    out << "<li>" << esc(tr(lang, "review.site")) << ": " << esc(review.site) << "</li>\n";
    out << "<li>" << esc(tr(lang, "review.period")) << ": " << esc(review.period) << "</li>\n";
    out << "<li>" << esc(tr(lang, "review.generated")) << ": " << esc(review.generated) << "</li>\n</ul>\n";
    if (review.sections.empty()) {
        out << "<p>" << esc(tr(lang, "review.empty")) << "</p>\n</main>\n</body>\n</html>\n";
        return;
    }
    out << "<p>" << esc(tr(lang, "review.compared")) << (lang == Language::zh ? "" : " ") << esc(review.previous_month)
        << (lang == Language::zh ? "。" : ". ") << esc(tr(lang, "review.chart_note"))
        << (has_appendix(review) ? (lang == Language::zh ? "" : " ") + esc(tr(lang, "appendix.note")) : "") << "</p>\n";
    for (const auto& section : review.sections) {
        out << "<section id=\"" << esc(section.key) << "\">\n<h2>" << esc(section.title) << "</h2>\n";
        for (const auto& s : section.sentences) {
            out << "<p>" << esc(s) << "</p>\n";
        }
        if (section.key == "summary") {
            const auto t = summary_table(review, true);
            html_table(t.table, all_columns(t.table), t.table.rows.size(), out, k_figure_numbers);
        }
        for (const auto& t : section.tables) {
            const bool charted = std::any_of(section.charts.begin(), section.charts.end(),
                                             [&](const Chart& c) { return c.table == t.key; });
            // A detail table waits for the appendix; its chart stays here, linking to its numbers.
            if (t.appendix && !charted) {
                continue;
            }
            out << "<h3 id=\"" << esc(t.appendix ? "chart_" + t.key : t.key) << "\">" << esc(t.title) << "</h3>\n";
            for (const auto& chart : section.charts) {
                if (chart.table == t.key) {
                    // The caption above its chart: below it, it read as the title of what follows.
                    out << "<figure>\n<figcaption>" << esc(chart.title) << "</figcaption>\n";
                    svg_chart(chart, out);
                    out << "</figure>\n";
                }
            }
            if (t.appendix) {
                const std::string see = fill(tr(lang, "appendix.see"), {{"title", "\x01"}});
                const auto at = see.find('\x01');
                out << "<p class=\"more\">" << esc(see.substr(0, at)) << "<a href=\"#" << esc(t.key) << "\">"
                    << esc(appendix_title(section, t, lang)) << "</a>" << esc(see.substr(at + 1)) << "</p>\n";
                continue;
            }
            table_block(t, lang, out);
        }
        out << "</section>\n";
    }
    if (has_appendix(review)) {
        out << "<section id=\"appendix\" class=\"appendix\">\n<h2>" << esc(tr(lang, "appendix.title")) << "</h2>\n";
        out << "<p>" << esc(tr(lang, "appendix.intro")) << "</p>\n";
        for (const auto& section : review.sections) {
            if (!section.figures.empty()) {
                const auto t = figures_table(section, lang, true);
                out << "<h3 id=\"" << esc(t.key) << "\">" << esc(t.title) << "</h3>\n";
                html_table(t.table, all_columns(t.table), t.table.rows.size(), out, k_figure_numbers);
            }
            for (const auto& t : section.tables) {
                if (t.appendix) {
                    out << "<h3 id=\"" << esc(t.key) << "\">" << esc(appendix_title(section, t, lang)) << "</h3>\n";
                    table_block(t, lang, out);
                }
            }
        }
        out << "</section>\n";
    }
    out << "</main>\n</body>\n</html>\n";
}

} // namespace opsctl::report
