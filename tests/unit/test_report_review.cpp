#include "lib/core/zone.hpp"
#include "lib/report/monthly.hpp"
#include "lib/report/render.hpp"
#include "lib/report/sections.hpp"
#include "lib/report/text.hpp"

#include <doctest/doctest.h>

#include <sstream>

using namespace opsctl;
using namespace opsctl::report;

TEST_CASE("report figures format values and changes") {
    SUBCASE("counts change by whole numbers with a sign") {
        Figure f{"opened", "Opened", Unit::count, 5.0, 2.0};
        CHECK(format_value(f, f.value, Language::en) == "5");
        CHECK(format_change(f, Language::en) == "+3");
    }
    SUBCASE("percentages change in percentage points") {
        Figure f{"sla", "SLA", Unit::percent, 60.0, 100.0};
        CHECK(format_value(f, f.value, Language::en) == "60.0%");
        CHECK(format_change(f, Language::en) == "-40.0 pp");
        CHECK(format_change(f, Language::zh) == "-40.0 个百分点");
    }
    SUBCASE("no change reads 0 without a sign, never -0") {
        Figure f{"sla", "SLA", Unit::percent, 100.0, 100.0};
        CHECK(format_change(f, Language::en) == "0.0 pp");
        Figure tiny{"h", "H", Unit::hours, 1.0, 1.001};
        CHECK(format_change(tiny, Language::en) == "0.00 h");
    }
    SUBCASE("hours round half away from zero; the change is between the shown values") {
        Figure f{"mean", "Mean", Unit::hours, 4.625, 7.5};
        CHECK(format_value(f, f.value, Language::en) == "4.63 h");
        CHECK(format_change(f, Language::en) == "-2.87 h");
    }
    SUBCASE("a change is the difference of the rounded values as shown") {
        // 95.34% -> 95.55% reads 95.3% -> 95.6%: +0.3 pp, not the +0.2 of the raw numbers.
        Figure share{"sla", "SLA", Unit::percent, 95.55, 95.34};
        CHECK(format_value(share, share.previous, Language::en) == "95.3%");
        CHECK(format_value(share, share.value, Language::en) == "95.6%");
        CHECK(format_change(share, Language::en) == "+0.3 pp");
        // 0.944 h -> 0.936 h reads 0.94 h twice: no change, not -0.01 h.
        Figure hours{"mean", "Mean", Unit::hours, 0.936, 0.944};
        CHECK(format_change(hours, Language::en) == "0.00 h");
        CHECK(*change_of(hours) == 0.0);
    }
    SUBCASE("a figure is met or missed against its target as shown") {
        Figure f{"sla", "SLA", Unit::percent, 94.96, std::nullopt};
        f.target = 95.0;
        CHECK(target_state(f) == "met"); // shown as 95.0%
        f.value = 94.94;
        CHECK(target_state(f) == "missed");
        Figure gaps{"gap_hours", "Gaps", Unit::hours, 0.0, std::nullopt};
        gaps.target = 0.0;
        gaps.lower_is_better = true;
        CHECK(target_state(gaps) == "met");
        gaps.value = 0.5;
        CHECK(target_state(gaps) == "missed");
        Figure none{"opened", "Opened", Unit::count, 3.0, 2.0};
        CHECK(target_state(none).empty());
    }
    SUBCASE("business time reads in working days of the calendar, changes to the minute") {
        Figure f{"mean", "Mean", Unit::business, 34200.0, 27000.0};
        f.workday_secs = 27000; // 7h 30m
        CHECK(format_value(f, f.value, Language::en) == "1d 2h");
        CHECK(format_value(f, f.previous, Language::en) == "1d");
        CHECK(format_change(f, Language::en) == "+2h 00m");
        Figure down{"mean", "Mean", Unit::business, 16650.0, 27000.0};
        down.workday_secs = 27000;
        CHECK(format_value(down, down.value, Language::en) == "4h 38m");
        CHECK(format_change(down, Language::en) == "-2h 52m");
        CHECK(std::string(to_string(Unit::business)) == "business_seconds");
    }
    SUBCASE("a missing value shows a dash and no change") {
        Figure f{"sat", "Satisfaction", Unit::score, std::nullopt, 4.0};
        CHECK(format_value(f, f.value, Language::en) == "-");
        CHECK(format_change(f, Language::en).empty());
    }
}

TEST_CASE("report months") {
    const core::Zone shanghai("Asia/Shanghai");
    SUBCASE("parse and format") {
        CHECK(parse_month("2026-10") == Month{2026, 10});
        CHECK_FALSE(parse_month("2026-13"));
        CHECK_FALSE(parse_month("2026-1"));
        CHECK_FALSE(parse_month("2026-10-01"));
        CHECK(format_month({2026, 3}) == "2026-03");
        CHECK(previous_month({2026, 1}) == Month{2025, 12});
    }
    SUBCASE("the last full month is read in the site's zone") {
        // 2026-11-01T00:30+08:00 is still October 31st in UTC; in Shanghai October is over.
        const std::int64_t t = shanghai.from_civil({2026, 11, 1}, 1800);
        CHECK(last_full_month(t, shanghai) == Month{2026, 10});
        CHECK(last_full_month(t, core::Zone()) == Month{2026, 9});
    }
    SUBCASE("a month is local midnight to local midnight") {
        const auto p = month_period({2026, 10}, shanghai);
        CHECK(p.start == shanghai.from_civil({2026, 10, 1}, 0));
        CHECK(p.end - p.start == 31 * 86400);
    }
}

TEST_CASE("report mermaid charts") {
    SUBCASE("a pie lists slices with quoted labels") {
        Chart c;
        c.kind = Chart::Kind::pie;
        c.title = "Tickets";
        c.labels = {"事件", "say \"hi\""};
        c.series = {{"count", false, {3, 1}}};
        const auto text = mermaid(c);
        CHECK(text.rfind("%%{init: {\"theme\": \"base\"", 0) == 0);
        CHECK(text.substr(text.find("}}%%\n") + 5) == "pie showData title Tickets\n    \"事件\" : 3\n    \"say 'hi'\" : 1\n");
    }
    SUBCASE("an xychart has named bars and lines, a legend, and a count axis of whole numbers") {
        Chart c;
        c.kind = Chart::Kind::bar_line;
        c.title = "Per day";
        c.y_label = "Tickets";
        c.labels = {"1", "2"};
        c.series = {{"opened", false, {0, 0}}, {"closed", true, {0, 0}}};
        const auto text = mermaid(c);
        CHECK(text.find("}}%%\nxychart-beta\n") != std::string::npos);
        CHECK(text.find("x-axis [\"1\", \"2\"]") != std::string::npos);
        // Never 0 to 0, and at least 10 so that Mermaid's ticks are whole numbers.
        CHECK(text.find("y-axis \"Tickets\" 0 --> 10\n") != std::string::npos);
        CHECK(text.find("bar \"opened\" [0, 0]") != std::string::npos);
        CHECK(text.find("line \"closed\" [0, 0]") != std::string::npos);
        CHECK(text.find("\"xyChart\": {\"showLegend\": true}") != std::string::npos);
    }
    SUBCASE("shares keep their fixed axis") {
        Chart c;
        c.kind = Chart::Kind::bar_line;
        c.labels = {"P1"};
        c.series = {{"response", false, {50}}};
        c.y_max = 100;
        CHECK(mermaid(c).find("0 --> 100\n") != std::string::npos);
    }
}

TEST_CASE("report text") {
    SUBCASE("both languages are filled in") {
        for (const char* key : {"review.title", "fig.opened", "tbl.sla", "actions.title", "bucket.more"}) {
            CHECK_FALSE(tr(Language::en, key).empty());
            CHECK_FALSE(tr(Language::zh, key).empty());
            CHECK(tr(Language::en, key) != tr(Language::zh, key));
        }
    }
    SUBCASE("an unknown key is a bug, not silent") { CHECK_THROWS(tr(Language::en, "no.such.key")); }
    SUBCASE("English counts take the singular for one") {
        CHECK(plural(Language::en, "noun.manual_item", 1) == "manual item");
        CHECK(plural(Language::en, "noun.manual_item", 0) == "manual items");
        CHECK(plural(Language::en, "noun.manual_item", 2) == "manual items");
        CHECK(plural(Language::zh, "noun.ticket", 1) == "个");
    }
    SUBCASE("placeholders are filled") {
        CHECK(fill("{a} and {b}, {a}", {{"a", "1"}, {"b", "2"}}) == "1 and 2, 1");
    }
}

TEST_CASE("report html") {
    Review r;
    r.title = "Review";
    r.month = "2026-10";
    r.previous_month = "2026-09";
    Section s;
    s.key = "tickets";
    s.title = "Tickets";
    s.sentences = {"5 <b>tickets</b> & more"};
    ReviewTable t{"list", "List", {}};
    t.table.add_column("title", "Title").add_column("secs", "Seconds");
    t.table.add_row({"<script>alert('x')</script> \"数据库\"", output::Cell::integer(7)});
    t.table.add_row({"second", output::Cell::integer(8)});
    t.md_rows = 1;
    t.md_hidden = {"secs"};
    Chart c;
    c.kind = Chart::Kind::bar_line;
    c.table = "list";
    c.title = "Per <day>";
    c.labels = {"1", "2"};
    c.series = {{"opened", false, {3, 12}}, {"target", true, {5, 5}}};
    s.charts.push_back(c);
    s.tables.push_back(t);
    r.sections.push_back(s);
    std::ostringstream out;
    render_html(r, out);
    const auto html = out.str();
    CHECK(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0) == 0);
    SUBCASE("every text is escaped, nothing runs") {
        CHECK(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;数据库&quot;") != std::string::npos);
        CHECK(html.find("5 &lt;b&gt;tickets&lt;/b&gt; &amp; more") != std::string::npos);
        CHECK(html.find("<script") == std::string::npos);
        CHECK(html.find("Per &lt;day&gt;") != std::string::npos);
    }
    SUBCASE("the chart is inline SVG with a legend and whole-number ticks, before its table") {
        const auto svg = html.find("<svg xmlns=\"http://www.w3.org/2000/svg\"");
        REQUIRE(svg != std::string::npos);
        CHECK(svg < html.find("<table>", html.find("<h3 id=\"list\">")));
        CHECK(html.find(">opened</text>") != std::string::npos);
        CHECK(html.find("text-anchor=\"end\">2.5<") == std::string::npos);
        CHECK(html.find("text-anchor=\"end\">12<") != std::string::npos);
        CHECK(html.find("stroke-dasharray") != std::string::npos); // the level target line
    }
    SUBCASE("capped like the Markdown, without the CSV-only columns") {
        CHECK(html.find("<td>second</td>") == std::string::npos);
        CHECK(html.find("Seconds") == std::string::npos);
        CHECK(html.find("@media print") != std::string::npos);
    }
}

TEST_CASE("report markdown") {
    Review r;
    r.title = "Review";
    r.month = "2026-10";
    r.previous_month = "2026-09";
    SUBCASE("an empty review has one H1 and says so") {
        std::ostringstream out;
        render_markdown(r, out);
        CHECK(out.str().rfind("# Review — 2026-10\n\n", 0) == 0);
        CHECK(out.str().find("Nothing was recorded") != std::string::npos);
        CHECK(out.str().find("\n## ") == std::string::npos);
    }
    SUBCASE("a chart comes just before its table, fenced as mermaid") {
        Section s;
        s.key = "tickets";
        s.title = "Tickets";
        ReviewTable t{"by_type", "By type", {}};
        t.table.add_column("type").add_column("count");
        t.table.add_row({"incident", output::Cell::integer(2)});
        Chart c;
        c.table = "by_type";
        c.title = "By type";
        c.labels = {"incident"};
        c.series = {{"count", false, {2}}};
        s.charts.push_back(c);
        s.tables.push_back(t);
        r.sections.push_back(s);
        std::ostringstream out;
        render_markdown(r, out);
        const auto text = out.str();
        // The fence opens with the projector theme (Mermaid's init directive), then the chart.
        const auto heading = text.find("### By type\n\n```mermaid\n%%{init: ");
        REQUIRE(heading != std::string::npos);
        CHECK(text.find("}}%%\npie showData title By type\n", heading) != std::string::npos);
        CHECK(text.find("| incident |", heading) != std::string::npos);
    }
}
