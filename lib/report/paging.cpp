// The paging part of the review (issue 24): how fast the people on duty answered their pages,
// this month against the one before and per person, with the pages that escalated past the
// first person and those nobody had answered by the month's end.
#include "lib/report/sections.hpp"
#include "lib/report/text.hpp"
#include "lib/store/report_paging.hpp"

#include <fmt/format.h>

namespace opsctl::report {

using output::Cell;

namespace {

// Minutes, to one decimal: pages are answered in minutes, not hours.
Cell minutes_cell(std::optional<double> seconds) {
    return seconds ? Cell::number(*seconds / 60.0, 1) : Cell::null();
}

std::string minutes_text(std::optional<double> seconds, Language lang) {
    return seconds ? fmt::format("{:.1f} {}", *seconds / 60.0, tr(lang, "word.minutes")) : "-";
}

store::PagingCounts month_counts(Context& ctx, const store::ReportPeriod& p, std::int64_t until) {
    auto rows = store::paging_counts(ctx.db, p, until, false);
    return rows.empty() ? store::PagingCounts{} : rows.front();
}

std::optional<double> as_double(std::optional<std::int64_t> v) {
    return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
}

} // namespace

std::optional<Section> paging_section(Context& ctx, const SectionInput& in, ActionList&) {
    // From the first page on: a site that does not page has no such section.
    if (!store::report_has_pages(ctx.db, in.until)) {
        return std::nullopt;
    }
    const Language lang = in.lang;
    const auto cur = month_counts(ctx, in.current, in.until);
    const auto prev = month_counts(ctx, in.previous, end_or_now(ctx, in.previous));

    Section s;
    s.key = "paging";
    s.title = tr(lang, "paging.title");
    auto add = [&](std::string key, std::int64_t v, std::int64_t p) {
        s.figures.push_back({key, tr(lang, "fig." + key), Unit::count, count_value(v), count_value(p)});
    };
    add("pages", cur.pages, prev.pages);
    add("pages_acknowledged", cur.acknowledged, prev.acknowledged);
    add("pages_escalated", cur.escalated, prev.escalated);
    add("pages_unanswered", cur.unanswered, prev.unanswered);
    s.sentences.push_back(fill(tr(lang, "sentence.paging"),
                               {{"pages", std::to_string(cur.pages)},
                                {"w_pages", plural(lang, "noun.page", cur.pages)},
                                {"acknowledged", std::to_string(cur.acknowledged)},
                                {"median", minutes_text(cur.median_seconds, lang)},
                                {"worst", minutes_text(as_double(cur.worst_seconds), lang)},
                                {"escalated", std::to_string(cur.escalated)},
                                {"unanswered", std::to_string(cur.unanswered)}}));

    auto columns = [&](output::Table& t) {
        t.add_column("pages", tr(lang, "col.pages"))
            .add_column("acknowledged", tr(lang, "col.pages_acknowledged"))
            .add_column("median_minutes", tr(lang, "col.tta_median"))
            .add_column("worst_minutes", tr(lang, "col.tta_worst"))
            .add_column("escalated", tr(lang, "col.pages_escalated"))
            .add_column("unanswered", tr(lang, "col.pages_unanswered"));
    };
    auto cells = [](std::vector<Cell> row, const store::PagingCounts& c) {
        for (auto cell : {Cell::integer(c.pages), Cell::integer(c.acknowledged), minutes_cell(c.median_seconds),
                          minutes_cell(as_double(c.worst_seconds)), Cell::integer(c.escalated),
                          Cell::integer(c.unanswered)}) {
            row.push_back(std::move(cell));
        }
        return row;
    };

    // Per month: the one before and this one.
    ReviewTable by_month{"paging_by_month", tr(lang, "tbl.paging_by_month"), {}};
    by_month.table.add_column("month", tr(lang, "col.month"));
    columns(by_month.table);
    by_month.table.add_row(cells({Cell(in.trend_labels.size() >= 2 ? in.trend_labels[in.trend_labels.size() - 2] : "")}, prev));
    by_month.table.add_row(cells({Cell(in.trend_labels.empty() ? "" : in.trend_labels.back())}, cur));
    s.tables.push_back(std::move(by_month));

    // Per person: who answered, or, for a page nobody answered, who was paged last.
    ReviewTable by_person{"paging_by_person", tr(lang, "tbl.paging_by_person"), {}};
    by_person.table.add_column("person", tr(lang, "col.person")).add_column("name", tr(lang, "col.person_name"));
    columns(by_person.table);
    for (const auto& c : store::paging_counts(ctx.db, in.current, in.until, true)) {
        const auto* who = c.person.empty() ? nullptr : ctx.policy.person(c.person);
        by_person.table.add_row(cells({Cell(c.person.empty() ? "-" : c.person), Cell(who ? who->name : "")}, c));
    }
    by_person.md_rows = in.list_rows;
    s.tables.push_back(std::move(by_person));
    return s;
}

} // namespace opsctl::report
