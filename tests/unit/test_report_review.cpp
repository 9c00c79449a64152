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
    SUBCASE("hours round half away from zero") {
        Figure f{"mean", "Mean", Unit::hours, 4.625, 7.5};
        CHECK(format_value(f, f.value, Language::en) == "4.63 h");
        CHECK(format_change(f, Language::en) == "-2.88 h");
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
        CHECK(mermaid(c) == "pie title Tickets\n    \"事件\" : 3\n    \"say 'hi'\" : 1\n");
    }
    SUBCASE("an xychart has bars, lines and a y-axis that is never 0 to 0") {
        Chart c;
        c.kind = Chart::Kind::bar_line;
        c.title = "Per day";
        c.y_label = "Tickets";
        c.labels = {"1", "2"};
        c.series = {{"opened", false, {0, 0}}, {"closed", true, {0, 0}}};
        const auto text = mermaid(c);
        CHECK(text.rfind("xychart-beta\n", 0) == 0);
        CHECK(text.find("x-axis [\"1\", \"2\"]") != std::string::npos);
        CHECK(text.find("y-axis \"Tickets\" 0 --> 1") != std::string::npos);
        CHECK(text.find("bar [0, 0]") != std::string::npos);
        CHECK(text.find("line [0, 0]") != std::string::npos);
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
    SUBCASE("placeholders are filled") {
        CHECK(fill("{a} and {b}, {a}", {{"a", "1"}, {"b", "2"}}) == "1 and 2, 1");
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
        const auto heading = text.find("### By type\n\n```mermaid\npie title By type\n");
        REQUIRE(heading != std::string::npos);
        CHECK(text.find("| incident |", heading) != std::string::npos);
    }
}
