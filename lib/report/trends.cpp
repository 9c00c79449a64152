// The review's views beyond the month's own figures: ticket trends over the last 6 and 12
// months, workload and SLA per team and assignee, and the month's P1 and major incidents,
// from the grouped aggregates of lib/store/report_trends.
#include "lib/core/business_time.hpp"
#include "lib/core/duration.hpp"
#include "lib/core/time.hpp"
#include "lib/report/sections.hpp"
#include "lib/report/targets.hpp"
#include "lib/report/text.hpp"
#include "lib/store/report_tickets.hpp"
#include "lib/store/report_trends.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace opsctl::report {

using output::Cell;
using output::Table;

namespace {

// A share of the trend as a chart point: 0 where nothing was due (the table reads empty).
double chart_share(std::int64_t part, std::int64_t whole) { return percent_of(part, whole).value_or(0.0); }

struct Span {
    std::int64_t opened = 0, closed = 0, response_due = 0, response_met = 0, resolution_due = 0, resolution_met = 0;
    std::int64_t backlog_before = 0, backlog_after = 0;
};

// The last `months` months of the trend added up; the backlog at the span's start and end.
Span span_of(const std::vector<store::TrendMonth>& trend, std::size_t months) {
    Span s;
    const std::size_t first = trend.size() > months ? trend.size() - months : 0;
    s.backlog_before = trend[first].backlog - trend[first].opened + trend[first].closed;
    for (std::size_t i = first; i < trend.size(); ++i) {
        const auto& m = trend[i];
        s.opened += m.opened;
        s.closed += m.closed;
        s.response_due += m.response_due;
        s.response_met += m.response_met;
        s.resolution_due += m.resolution_due;
        s.resolution_met += m.resolution_met;
    }
    s.backlog_after = trend.back().backlog;
    return s;
}

void add_sla_columns(Table& t, Language lang) {
    t.add_column("response_met", tr(lang, "col.response_met"))
        .add_column("response_due", tr(lang, "col.response_due"))
        .add_column("response_rate", tr(lang, "col.response_rate"))
        .add_column("resolution_met", tr(lang, "col.resolution_met"))
        .add_column("resolution_due", tr(lang, "col.resolution_due"))
        .add_column("resolution_rate", tr(lang, "col.resolution_rate"));
}

void add_sla_cells(std::vector<Cell>& cells, std::int64_t rm, std::int64_t rd, std::int64_t sm, std::int64_t sd) {
    cells.push_back(Cell::integer(rm));
    cells.push_back(Cell::integer(rd));
    cells.push_back(percent_cell(rm, rd));
    cells.push_back(Cell::integer(sm));
    cells.push_back(Cell::integer(sd));
    cells.push_back(percent_cell(sm, sd));
}

std::string share_text(std::int64_t part, std::int64_t whole) {
    const auto p = percent_of(part, whole);
    return p ? fmt::format("{:.1f}%", *p) : "-";
}

} // namespace

std::optional<Section> trend_section(Context& ctx, const SectionInput& in, ActionList&) {
    if (!store::report_has_tickets(ctx.db) || in.trend_bounds.size() < 2) {
        return std::nullopt;
    }
    const Language lang = in.lang;
    auto trend = in.trend ? *in.trend : store::ticket_trend(ctx.db, in.trend_bounds);
    std::vector<std::string> labels = in.trend_labels;
    // Months before the first record show nothing: start at the first month with any.
    std::size_t first = 0;
    while (first + 1 < trend.size() && trend[first].opened == 0 && trend[first].closed == 0 &&
           trend[first].backlog == 0 && trend[first].response_due == 0 && trend[first].resolution_due == 0) {
        ++first;
    }
    const std::size_t shown_months = trend.size() - first;

    Section s;
    s.key = "trends";
    s.title = tr(lang, "trends.title");
    for (std::size_t months : {std::size_t{6}, std::size_t{12}}) {
        const auto sp = span_of(trend, months);
        s.sentences.push_back(fill(tr(lang, "sentence.trend"),
                                   {{"months", std::to_string(months)},
                                    {"opened", std::to_string(sp.opened)},
                                    {"closed", std::to_string(sp.closed)},
                                    {"before", std::to_string(sp.backlog_before)},
                                    {"after", std::to_string(sp.backlog_after)},
                                    {"response", share_text(sp.response_met, sp.response_due)},
                                    {"resolution", share_text(sp.resolution_met, sp.resolution_due)}}));
    }

    ReviewTable spans{"trend_summary", tr(lang, "tbl.trend_summary"), {}};
    spans.table.add_column("months", tr(lang, "col.months"))
        .add_column("from", tr(lang, "col.from_month"))
        .add_column("to", tr(lang, "col.to_month"))
        .add_column("opened", tr(lang, "col.opened"))
        .add_column("closed", tr(lang, "col.closed"))
        .add_column("backlog_start", tr(lang, "col.backlog_start"))
        .add_column("backlog_end", tr(lang, "col.backlog_end"));
    add_sla_columns(spans.table, lang);
    for (std::size_t months : {std::size_t{6}, std::size_t{12}}) {
        const auto sp = span_of(trend, months);
        std::vector<Cell> cells{Cell::integer(static_cast<std::int64_t>(months)),
                                labels[trend.size() - std::min(months, trend.size())], labels.back(),
                                Cell::integer(sp.opened), Cell::integer(sp.closed), Cell::integer(sp.backlog_before),
                                Cell::integer(sp.backlog_after)};
        add_sla_cells(cells, sp.response_met, sp.response_due, sp.resolution_met, sp.resolution_due);
        spans.table.add_row(std::move(cells));
    }

    ReviewTable by_month{"trend_by_month", tr(lang, "tbl.trend_by_month"), {}};
    by_month.table.add_column("month", tr(lang, "col.month"))
        .add_column("opened", tr(lang, "col.opened"))
        .add_column("closed", tr(lang, "col.closed"))
        .add_column("backlog", tr(lang, "col.backlog_end"));
    add_sla_columns(by_month.table, lang);
    Chart flow;
    flow.kind = Chart::Kind::bar_line;
    flow.table = by_month.key;
    flow.title = tr(lang, "chart.trend_flow");
    flow.y_label = tr(lang, "axis.tickets");
    // One chart for the flow and the backlog it leaves: the review stays short.
    flow.series = {{tr(lang, "series.opened"), false, {}},
                   {tr(lang, "series.closed"), true, {}},
                   {tr(lang, "series.backlog"), true, {}}};
    Chart sla;
    sla.kind = Chart::Kind::bar_line;
    sla.table = by_month.key;
    sla.title = tr(lang, "chart.trend_sla");
    sla.y_label = tr(lang, "axis.percent");
    sla.y_max = 100;
    sla.series = {{tr(lang, "series.response"), true, {}},
                  {tr(lang, "series.resolution"), true, {}},
                  {fmt::format("{} {:.0f}%", tr(lang, "series.response_target"), k_target_response_sla), true, {}},
                  {fmt::format("{} {:.0f}%", tr(lang, "series.resolution_target"), k_target_resolution_sla), true, {}}};
    for (std::size_t i = first; i < trend.size(); ++i) {
        const auto& m = trend[i];
        std::vector<Cell> cells{labels[i], Cell::integer(m.opened), Cell::integer(m.closed), Cell::integer(m.backlog)};
        add_sla_cells(cells, m.response_met, m.response_due, m.resolution_met, m.resolution_due);
        by_month.table.add_row(std::move(cells));
        for (auto* c : {&flow, &sla}) {
            c->labels.push_back(labels[i]);
        }
        flow.series[0].values.push_back(static_cast<double>(m.opened));
        flow.series[1].values.push_back(static_cast<double>(m.closed));
        flow.series[2].values.push_back(static_cast<double>(m.backlog));
        sla.series[0].values.push_back(chart_share(m.response_met, m.response_due));
        sla.series[1].values.push_back(chart_share(m.resolution_met, m.resolution_due));
        sla.series[2].values.push_back(k_target_response_sla);
        sla.series[3].values.push_back(k_target_resolution_sla);
    }
    if (shown_months > 0) {
        s.charts.push_back(std::move(flow));
        s.charts.push_back(std::move(sla));
    }
    s.tables.push_back(std::move(spans));
    s.tables.push_back(std::move(by_month));
    return s;
}

std::optional<Section> workload_section(Context& ctx, const SectionInput& in, ActionList&) {
    if (!store::report_has_tickets(ctx.db)) {
        return std::nullopt;
    }
    const Language lang = in.lang;
    std::vector<store::TicketPeriodFigures> storage;
    const auto& rows = ticket_month_figures(ctx, in, storage).front().workload;
    Section s;
    s.key = "workload";
    s.title = tr(lang, "workload.title");
    s.sentences.push_back(tr(lang, "sentence.workload"));

    // Per team: the (team, assignee) rows added up; per assignee: added up across teams.
    std::map<std::string, store::Workload> teams, people;
    for (const auto& r : rows) {
        for (auto [map, key] : {std::pair{&teams, r.team}, std::pair{&people, r.assignee}}) {
            auto& w = (*map)[key];
            w.opened += r.opened;
            w.closed += r.closed;
            w.open_at_end += r.open_at_end;
            w.response_due += r.response_due;
            w.response_met += r.response_met;
            w.resolution_due += r.resolution_due;
            w.resolution_met += r.resolution_met;
        }
    }
    auto ordered = [](const std::map<std::string, store::Workload>& map) {
        std::vector<std::pair<std::string, store::Workload>> out(map.begin(), map.end());
        std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
            return std::tie(b.second.open_at_end, b.second.opened, a.first) <
                   std::tie(a.second.open_at_end, a.second.opened, b.first);
        });
        return out;
    };
    auto table_of = [&](const char* key, const char* title, const char* who_col,
                        const std::map<std::string, store::Workload>& map, bool people_names) {
        ReviewTable t{key, tr(lang, title), {}};
        t.table.add_column(who_col, tr(lang, std::string("col.") + who_col));
        if (people_names) {
            t.table.add_column("name", tr(lang, "col.person_name"));
        }
        t.table.add_column("opened", tr(lang, "col.opened"))
            .add_column("closed", tr(lang, "col.closed"))
            .add_column("open_at_end", tr(lang, "col.open_at_end"));
        add_sla_columns(t.table, lang);
        for (const auto& [who, w] : ordered(map)) {
            std::vector<Cell> cells{who.empty() ? "-" : who};
            if (people_names) {
                const auto* p = ctx.policy.person(who);
                cells.push_back(who.empty() ? tr(lang, "word.unassigned") : p ? p->name : "");
            }
            for (auto v : {w.opened, w.closed, w.open_at_end}) {
                cells.push_back(Cell::integer(v));
            }
            add_sla_cells(cells, w.response_met, w.response_due, w.resolution_met, w.resolution_due);
            t.table.add_row(std::move(cells));
        }
        t.md_rows = in.list_rows;
        return t;
    };
    s.tables.push_back(table_of("workload_by_team", "tbl.workload_team", "team", teams, false));
    s.tables.push_back(table_of("workload_by_assignee", "tbl.workload_assignee", "assignee", people, true));
    return s;
}

std::optional<Section> incident_section(Context& ctx, const SectionInput& in, ActionList&) {
    if (!store::report_has_tickets(ctx.db)) {
        return std::nullopt;
    }
    const Language lang = in.lang;
    const auto names = ctx.policy.tickets.priority_names();
    const std::string top = names.empty() ? "P1" : names.front();
    const std::string second = names.size() > 1 ? names[1] : top;
    const auto list = store::urgent_tickets(ctx.db, in.current, in.until, top, second,
                                            ctx.policy.report.incident_types, rows_to_read(in, in.list_rows));
    const auto calendar = ctx.policy.business_calendar();
    const std::int64_t workday = calendar.workday_seconds();
    const std::int64_t total = list.empty() ? 0 : list.front().total;

    Section s;
    s.key = "incidents";
    s.title = tr(lang, "incidents.title");
    s.sentences.push_back(fill(tr(lang, total == 0 ? "sentence.incidents_none" : "sentence.incidents"),
                               {{"top", top}, {"second", second}, {"total", std::to_string(total)}}));

    ReviewTable t{"major_incidents", tr(lang, "tbl.major_incidents"), {}};
    t.table.add_column("id", tr(lang, "col.id"))
        .add_column("priority", tr(lang, "col.priority"))
        .add_column("type", tr(lang, "col.type"))
        .add_column("title", tr(lang, "col.title"))
        .add_column("asset", tr(lang, "col.asset"))
        .add_column("asset_name", tr(lang, "col.asset_name"))
        .add_column("assignee", tr(lang, "col.assignee"))
        .add_column("created", tr(lang, "col.created"))
        .add_column("resolved", tr(lang, "col.resolved"))
        .add_column("business", tr(lang, "col.business_duration"))
        .add_column("wall", tr(lang, "col.wall_duration"))
        .add_column("business_secs", tr(lang, "col.business_secs"))
        .add_column("wall_secs", tr(lang, "col.wall_secs"));
    for (const auto& u : list) {
        // Open at the month's end: the time so far, on the calendar (pauses not taken out).
        const std::int64_t end = u.resolved_at ? *u.resolved_at : in.until;
        const std::int64_t business = u.resolved_at ? u.business_secs : calendar.business_seconds(u.created_at, end);
        const std::int64_t wall = std::max<std::int64_t>(0, end - u.created_at);
        const std::string open_mark = u.resolved_at ? "" : tr(lang, "word.open_so_far");
        t.table.add_row({Cell::integer(u.id), u.priority, u.type, u.title, u.asset.empty() ? "-" : u.asset,
                         u.asset_name, u.assignee.empty() ? "-" : u.assignee,
                         core::format_time_short(u.created_at, ctx.zone()),
                         u.resolved_at ? Cell(core::format_time_short(*u.resolved_at, ctx.zone())) : Cell::null(),
                         core::format_business_seconds(business, workday) + open_mark,
                         core::format_seconds(wall) + open_mark, Cell::integer(business), Cell::integer(wall)});
    }
    t.md_rows = in.list_rows;
    t.total = total;
    t.md_hidden = {"business_secs", "wall_secs"};
    s.tables.push_back(std::move(t));
    return s;
}

} // namespace opsctl::report
