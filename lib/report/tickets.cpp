// The ticket part of the review: headline figures, tables and charts from the ticket
// aggregates in lib/store/report_tickets.
#include "lib/core/time.hpp"
#include "lib/report/sections.hpp"
#include "lib/report/targets.hpp"
#include "lib/report/text.hpp"
#include "lib/store/report_tickets.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace opsctl::report {

using output::Cell;
using output::Table;

namespace {

store::ReportTicketKinds kinds_of(const Context& ctx) {
    const auto& rp = ctx.policy.report;
    store::ReportTicketKinds k;
    const auto names = ctx.policy.tickets.priority_names();
    k.top_priority = names.empty() ? "P1" : names.front();
    k.incident = rp.incident_types;
    k.problem = rp.problem_types;
    k.change = rp.change_types;
    k.complaint = rp.complaint_types;
    return k;
}

std::optional<double> share(std::int64_t part, std::int64_t whole) {
    if (whole <= 0) {
        return std::nullopt;
    }
    return 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

std::optional<double> mean_secs(const store::SlaOutcome& o) {
    if (o.measured <= 0) {
        return std::nullopt;
    }
    return static_cast<double>(o.total_secs) / static_cast<double>(o.measured);
}

std::optional<double> secs(const std::optional<std::int64_t>& value) {
    if (!value) {
        return std::nullopt;
    }
    return static_cast<double>(*value);
}

Cell share_cell(std::int64_t part, std::int64_t whole) {
    const auto s = share(part, whole);
    return s ? Cell::number(*s, 1) : Cell::null();
}

// Priority names in policy order, then any others found in the data.
std::vector<std::string> ordered_priorities(const Context& ctx, const std::vector<std::string>& seen) {
    auto out = ctx.policy.tickets.priority_names();
    for (const auto& p : seen) {
        if (std::find(out.begin(), out.end(), p) == out.end()) {
            out.push_back(p);
        }
    }
    return out;
}

std::string type_title(const Context& ctx, const std::string& type) {
    const auto* t = ctx.policy.tickets.type(type);
    return t && !t->title.empty() ? t->title : type;
}

// The stable code of which clocks were missed: "response", "resolution" or both.
std::string breach_code(const store::ReportTicket& t) {
    if (t.response_breached && t.resolution_breached) {
        return "response+resolution";
    }
    return t.response_breached ? "response" : "resolution";
}

std::string breach_text(const store::ReportTicket& t, Language lang) {
    if (t.response_breached && t.resolution_breached) {
        return tr(lang, "breach.both");
    }
    return tr(lang, t.response_breached ? "breach.response" : "breach.resolution");
}

// The tickets that breached in the month: one fact per column, stable codes (type, priority,
// breach, state at month end) beside the translated labels.
Table ticket_list(const Context& ctx, const std::vector<store::ReportTicket>& tickets, Language lang) {
    Table t;
    t.add_column("id", tr(lang, "col.id"))
        .add_column("type", tr(lang, "col.type"))
        .add_column("priority", tr(lang, "col.priority"))
        .add_column("title", tr(lang, "col.title"))
        .add_column("assignee", tr(lang, "col.assignee"))
        .add_column("breached", tr(lang, "col.breach"))
        .add_column("breached_label", tr(lang, "col.breach_label"))
        .add_column("breached_at", tr(lang, "col.breached_at"))
        .add_column("state_at_end", tr(lang, "col.state_at_end"))
        .add_column("created", tr(lang, "col.created"));
    for (const auto& r : tickets) {
        t.add_row({Cell::integer(r.id), r.type, r.priority, r.title, r.assignee, breach_code(r), breach_text(r, lang),
                   core::format_time_short(r.since, ctx.zone()), r.open_at_end ? "open" : "closed",
                   core::format_time_short(r.created_at, ctx.zone())});
    }
    return t;
}

// The rank of a priority in the policy (0 = most urgent) as a severity 1..4.
int severity_of(const Context& ctx, const std::string& priority) {
    const auto names = ctx.policy.tickets.priority_names();
    const auto it = std::find(names.begin(), names.end(), priority);
    const auto rank = static_cast<int>(it - names.begin());
    return std::min(4, 1 + rank);
}

std::string owner_of(const std::string& assignee, const SectionInput& in) {
    return assignee.empty() ? in.duty_owner : assignee;
}

} // namespace

namespace {

Table tickets_table_of(const Context& ctx, const std::vector<store::TypePriorityCount>& counts, Language lang) {
    std::vector<std::string> seen_priorities;
    std::map<std::string, std::map<std::string, std::int64_t>> by_type;
    for (const auto& c : counts) {
        seen_priorities.push_back(c.priority);
        by_type[c.type][c.priority] += c.count;
    }
    const auto priorities = ordered_priorities(ctx, seen_priorities);
    Table t;
    t.add_column("type", tr(lang, "col.type")).add_column("title", tr(lang, "col.title"));
    for (const auto& pr : priorities) {
        t.add_column(pr, pr);
    }
    t.add_column("total", tr(lang, "col.total"));
    std::map<std::string, std::int64_t> column_totals;
    std::int64_t grand = 0;
    for (const auto& [type, row] : by_type) {
        std::vector<Cell> cells{type, type_title(ctx, type)};
        std::int64_t total = 0;
        for (const auto& pr : priorities) {
            const auto it = row.find(pr);
            const std::int64_t n = it == row.end() ? 0 : it->second;
            cells.push_back(Cell::integer(n));
            total += n;
            column_totals[pr] += n;
        }
        cells.push_back(Cell::integer(total));
        grand += total;
        t.add_row(std::move(cells));
    }
    if (!by_type.empty()) {
        std::vector<Cell> cells{"total", tr(lang, "col.total")};
        for (const auto& pr : priorities) {
            cells.push_back(Cell::integer(column_totals[pr]));
        }
        cells.push_back(Cell::integer(grand));
        t.add_row(std::move(cells));
    }
    return t;
}

} // namespace

Table tickets_table(Context& ctx, const store::ReportPeriod& p, Language lang) {
    return tickets_table_of(ctx, store::tickets_by_type_priority(ctx.db, p), lang);
}

namespace {

Table sla_table_of(const Context& ctx, const std::vector<store::PrioritySla>& rows, Language lang) {
    std::vector<std::string> seen;
    for (const auto& r : rows) {
        seen.push_back(r.priority);
    }
    Table t;
    t.add_column("priority", tr(lang, "col.priority"))
        .add_column("response_met", tr(lang, "col.response_met"))
        .add_column("response_breached", tr(lang, "col.response_breached"))
        .add_column("response_rate", tr(lang, "col.response_rate"))
        .add_column("resolution_met", tr(lang, "col.resolution_met"))
        .add_column("resolution_breached", tr(lang, "col.resolution_breached"))
        .add_column("resolution_rate", tr(lang, "col.resolution_rate"));
    for (const auto& pr : ordered_priorities(ctx, seen)) {
        const auto it = std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return r.priority == pr; });
        if (it == rows.end()) {
            continue;
        }
        const auto& a = it->response;
        const auto& b = it->resolution;
        t.add_row({pr, Cell::integer(a.met), Cell::integer(a.with_target - a.met), share_cell(a.met, a.with_target),
                   Cell::integer(b.met), Cell::integer(b.with_target - b.met), share_cell(b.met, b.with_target)});
    }
    return t;
}

} // namespace

Table sla_table(Context& ctx, const store::ReportPeriod& p, Language lang) {
    const auto figures = store::ticket_figures(ctx.db, {{p, std::min(p.end, ctx.now)}}, kinds_of(ctx));
    return sla_table_of(ctx, figures.front().sla, lang);
}

const std::vector<store::TicketPeriodFigures>& ticket_month_figures(Context& ctx, const SectionInput& in,
                                                                    std::vector<store::TicketPeriodFigures>& storage) {
    if (in.ticket_figures) {
        return *in.ticket_figures;
    }
    storage = store::ticket_figures(ctx.db, {{in.current, in.until}, {in.previous, in.previous.end}}, kinds_of(ctx));
    return storage;
}

std::optional<Section> ticket_section(Context& ctx, const SectionInput& in, ActionList& actions) {
    if (!store::report_has_tickets(ctx.db)) {
        return std::nullopt;
    }
    const Language lang = in.lang;
    const auto kinds = kinds_of(ctx);
    // Both months' figures and SLA rows from one read of their tickets.
    std::vector<store::TicketPeriodFigures> storage;
    const auto& both = ticket_month_figures(ctx, in, storage);
    const auto& cur = both[0].figures;
    const auto& prev = both[1].figures;
    const auto& cur_sla = both[0].sla;
    const auto& prev_sla = both[1].sla;
    auto top_resolution = [&](const std::vector<store::PrioritySla>& rows) {
        for (const auto& r : rows) {
            if (r.priority == kinds.top_priority) {
                return r.resolution;
            }
        }
        return store::SlaOutcome{};
    };
    const auto cur_top = top_resolution(cur_sla);
    const auto prev_top = top_resolution(prev_sla);

    Section s;
    s.key = "tickets";
    s.title = tr(lang, "tickets.title");
    auto count = [](std::int64_t v) { return std::optional<double>(static_cast<double>(v)); };
    auto add = [&](std::string key, std::string label, Unit unit, std::optional<double> v,
                   std::optional<double> p) { s.figures.push_back({std::move(key), std::move(label), unit, v, p}); };
    add("opened", tr(lang, "fig.opened"), Unit::count, count(cur.opened), count(prev.opened));
    add("closed", tr(lang, "fig.closed"), Unit::count, count(cur.closed), count(prev.closed));
    add("backlog", tr(lang, "fig.backlog"), Unit::count, count(cur.backlog), count(prev.backlog));
    add("top_priority", fmt::format("{} ({})", tr(lang, "fig.p1"), kinds.top_priority), Unit::count,
        count(cur.top_priority), count(prev.top_priority));
    add("response_sla", tr(lang, "fig.response_sla"), Unit::percent,
        share(cur.response.met, cur.response.with_target), share(prev.response.met, prev.response.with_target));
    s.figures.back().n = cur.response.with_target;
    s.figures.back().target = k_target_response_sla;
    s.figures.back().in_summary = true;
    add("resolution_sla", tr(lang, "fig.resolution_sla"), Unit::percent,
        share(cur.resolution.met, cur.resolution.with_target),
        share(prev.resolution.met, prev.resolution.with_target));
    s.figures.back().n = cur.resolution.with_target;
    s.figures.back().target = k_target_resolution_sla;
    s.figures.back().in_summary = true;
    // Business time in the policy's unit: "1d 2h" is one working day and two hours.
    const std::int64_t workday = ctx.policy.business_calendar().workday_seconds();
    auto add_business = [&](std::string key, std::string label, std::optional<double> v, std::optional<double> p) {
        add(std::move(key), std::move(label), Unit::business, v, p);
        s.figures.back().workday_secs = workday;
    };
    add_business("response_mean", tr(lang, "fig.response_mean"), mean_secs(cur.response), mean_secs(prev.response));
    add_business("response_p90", tr(lang, "fig.response_p90"), secs(cur.response.p90), secs(prev.response.p90));
    add_business("resolution_mean", tr(lang, "fig.resolution_mean"), mean_secs(cur.resolution),
                 mean_secs(prev.resolution));
    add_business("resolution_p90", tr(lang, "fig.resolution_p90"), secs(cur.resolution.p90),
                 secs(prev.resolution.p90));
    add("satisfaction", tr(lang, "fig.satisfaction"), Unit::score, cur.satisfaction, prev.satisfaction);
    add("complaints", tr(lang, "fig.complaints"), Unit::count, count(cur.complaints), count(prev.complaints));
    add("top_priority_resolution_sla", fmt::format("{} ({})", tr(lang, "fig.top_resolution_sla"), kinds.top_priority),
        Unit::percent, share(cur_top.met, cur_top.with_target), share(prev_top.met, prev_top.with_target));
    s.figures.back().n = cur_top.with_target;
    s.figures.back().target = k_target_top_priority_sla;
    s.figures.back().in_summary = true;
    // Incidents solved by a known error's workaround: shown once either month has one.
    if (const auto solved = std::pair{store::solved_by_known_workaround(ctx.db, in.current, kinds.incident),
                                      store::solved_by_known_workaround(ctx.db, in.previous, kinds.incident)};
        solved.first > 0 || solved.second > 0) {
        add("known_workaround", tr(lang, "fig.known_workaround"), Unit::count, count(solved.first),
            count(solved.second));
    }
    for (auto& f : s.figures) {
        f.in_summary = f.in_summary || f.key == "opened" || f.key == "closed" || f.key == "backlog";
    }

    auto shown = [&](std::size_t i) { return format_value(s.figures[i], s.figures[i].value, lang); };
    s.sentences.push_back(fill(tr(lang, "sentence.tickets"), {{"opened", shown(0)},
                                                              {"closed", shown(1)},
                                                              {"backlog", shown(2)},
                                                              {"w_opened", plural(lang, "noun.ticket_was", cur.opened)}}));
    if (cur.response.with_target > 0 && cur.resolution.with_target > 0) {
        s.sentences.push_back(fill(tr(lang, "sentence.sla"),
                                   {{"response", shown(4)},
                                    {"resolution", shown(5)},
                                    {"response_n", std::to_string(cur.response.with_target)},
                                    {"resolution_n", std::to_string(cur.resolution.with_target)},
                                    {"response_tickets", plural(lang, "noun.ticket", cur.response.with_target)},
                                    {"resolution_tickets", plural(lang, "noun.ticket", cur.resolution.with_target)}}));
    }
    if (cur.satisfaction || cur.complaints > 0) {
        s.sentences.push_back(
            fill(tr(lang, "sentence.satisfaction"), {{"satisfaction", shown(10)},
                                                     {"complaints", shown(11)},
                                                     {"w_complaints", plural(lang, "noun.complaint_was", cur.complaints)}}));
    }

    // Tickets by type, most frequent first: categories, so bars (a pie hides close ranks),
    // and the table of the same numbers.
    {
        const auto matrix = tickets_table_of(ctx, both[0].opened_by_type, lang);
        ReviewTable by_type{"tickets_by_type", tr(lang, "tbl.by_type"), {}};
        by_type.table.add_column("type", tr(lang, "col.type"))
            .add_column("title", tr(lang, "col.title"))
            .add_column("count", tr(lang, "col.count"))
            .add_column("share", tr(lang, "col.share"));
        Chart bars;
        bars.kind = Chart::Kind::bar_line;
        bars.table = by_type.key;
        bars.title = tr(lang, "chart.by_type");
        bars.y_label = tr(lang, "axis.tickets");
        bars.series.push_back({tr(lang, "series.opened"), false, {}});
        const std::int64_t total = cur.opened;
        std::vector<std::pair<std::int64_t, const std::vector<Cell>*>> ranked;
        for (const auto& row : matrix.rows) {
            if (row.front().text != "total") {
                ranked.emplace_back(std::stoll(row.back().text), &row);
            }
        }
        std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        for (const auto& [n, row] : ranked) {
            by_type.table.add_row({(*row)[0], (*row)[1], Cell::integer(n), share_cell(n, total)});
            bars.labels.push_back((*row)[1].text);
            bars.series.front().values.push_back(static_cast<double>(n));
        }
        if (total > 0) {
            s.charts.push_back(std::move(bars));
        }
        s.tables.push_back(std::move(by_type));
        s.tables.push_back({"tickets_by_type_priority", tr(lang, "tbl.by_type_priority"), matrix});
    }
    // Opened and closed per day.
    {
        ReviewTable daily{"tickets_per_day", tr(lang, "tbl.daily"), {}};
        daily.table.add_column("date", tr(lang, "col.date"))
            .add_column("opened", tr(lang, "col.opened"))
            .add_column("closed", tr(lang, "col.closed"));
        Chart chart;
        chart.kind = Chart::Kind::bar_line;
        chart.table = daily.key;
        chart.title = tr(lang, "chart.daily");
        chart.y_label = tr(lang, "axis.tickets");
        chart.series = {{tr(lang, "series.opened"), false, {}}, {tr(lang, "series.closed"), true, {}}};
        for (const auto& d : store::tickets_per_day(ctx.db, in.day_starts)) {
            const auto date = ctx.zone().date_of(d.day_start);
            daily.table.add_row({core::format_date(date), Cell::integer(d.opened), Cell::integer(d.closed)});
            chart.labels.push_back(std::to_string(date.day));
            chart.series[0].values.push_back(static_cast<double>(d.opened));
            chart.series[1].values.push_back(static_cast<double>(d.closed));
        }
        if (cur.opened + cur.closed > 0) {
            s.charts.push_back(std::move(chart));
        }
        s.tables.push_back(std::move(daily));
    }
    // SLA attainment per priority.
    {
        ReviewTable sla{"sla_by_priority", tr(lang, "tbl.sla"), sla_table_of(ctx, cur_sla, lang)};
        Chart chart;
        chart.kind = Chart::Kind::bar_line;
        chart.table = sla.key;
        chart.title = tr(lang, "chart.sla");
        chart.y_label = tr(lang, "axis.percent");
        chart.y_max = 100;
        // Priorities are categories: bars side by side, never a line from P1 to P4; the line
        // is the resolution target, level across them.
        chart.series = {{tr(lang, "series.response"), false, {}},
                        {tr(lang, "series.resolution"), false, {}},
                        {tr(lang, "series.target"), true, {}}};
        for (const auto& row : sla.table.rows) {
            chart.labels.push_back(row[0].text);
            // A priority with no targeted ticket in the month draws as 0 but reads empty in the table.
            chart.series[0].values.push_back(row[3].text.empty() ? 0.0 : std::stod(row[3].text));
            chart.series[1].values.push_back(row[6].text.empty() ? 0.0 : std::stod(row[6].text));
            chart.series[2].values.push_back(k_target_resolution_sla);
        }
        if (!chart.labels.empty()) {
            s.charts.push_back(std::move(chart));
        }
        s.tables.push_back(std::move(sla));
    }
    // Backlog by age.
    {
        ReviewTable age{"backlog_by_age", tr(lang, "tbl.backlog_age"), {}};
        age.table.add_column("age", tr(lang, "col.bucket")).add_column("count", tr(lang, "col.count"));
        for (const auto& b : store::backlog_by_age(ctx.db, in.current)) {
            age.table.add_row({tr(lang, "bucket." + b.name), Cell::integer(b.count)});
        }
        s.tables.push_back(std::move(age));
    }
    // Assets with the most incidents.
    {
        ReviewTable top{"top_assets", tr(lang, "tbl.top_assets"), {}};
        top.table.add_column("asset", tr(lang, "col.asset"))
            .add_column("name", tr(lang, "col.asset_name"))
            .add_column("incidents", tr(lang, "col.incidents"))
            .add_column("open", tr(lang, "col.open"));
        for (const auto& a : store::top_incident_assets(ctx.db, in.current, kinds.incident,
                                                        ctx.policy.report.top_assets)) {
            top.table.add_row({a.name, a.label, Cell::integer(a.count), Cell::integer(a.open)});
        }
        s.tables.push_back(std::move(top));
    }
    // Problems and changes.
    {
        ReviewTable flow{"problems_changes", tr(lang, "tbl.problems_changes"), {}};
        flow.table.add_column("kind", tr(lang, "col.kind"))
            .add_column("opened", tr(lang, "col.opened"))
            .add_column("closed", tr(lang, "col.closed"))
            .add_column("open_at_end", tr(lang, "col.open_at_end"));
        for (auto [key, f] : {std::pair{"problem", cur.problems}, std::pair{"change", cur.changes}}) {
            flow.table.add_row({tr(lang, std::string("kind.") + key), Cell::integer(f.opened), Cell::integer(f.closed),
                                Cell::integer(f.open_at_end)});
        }
        s.tables.push_back(std::move(flow));
    }
    // Complaints by type, when there are any.
    if (cur.complaints > 0) {
        ReviewTable c{"complaints_by_type", tr(lang, "tbl.complaints"), {}};
        c.table.add_column("complaint_type", tr(lang, "col.type"))
            .add_column("count", tr(lang, "col.count"))
            .add_column("open", tr(lang, "col.open"));
        for (const auto& row : store::complaints_by_type(ctx.db, in.current, kinds.complaint)) {
            c.table.add_row({row.name.empty() ? "-" : row.name, Cell::integer(row.count), Cell::integer(row.open)});
        }
        s.tables.push_back(std::move(c));
    }
    // The tickets that breached in the month: every one in the CSV file, the first in Markdown.
    const auto breached = store::breached_tickets(ctx.db, both[0], rows_to_read(in, in.list_rows));
    {
        ReviewTable list{"breached_tickets", tr(lang, "tbl.breached"), ticket_list(ctx, breached, lang)};
        list.md_rows = in.list_rows;
        list.total = breached.empty() ? 0 : breached.front().total;
        s.tables.push_back(std::move(list));
    }

    // Action items as the month ended: problems still open, and open tickets past a deadline.
    const auto priorities = ctx.policy.tickets.priority_names();
    const auto at = in.until;
    const auto rows = rows_to_read(in, k_top_rows);
    auto add_tickets = [&](const char* code, const std::vector<store::ReportTicket>& list,
                           const std::vector<store::NamedCount>& owners, bool breach) {
        const std::string kind = tr(lang, std::string("action.") + code);
        for (const auto& t : list) {
            std::string detail = t.priority;
            if (t.response_breached || t.resolution_breached) {
                detail += ", " + tr(lang, "word.breached") + ": " + breach_text(t, lang);
            }
            actions.items.push_back({code, kind, fmt::format("#{} {}", t.id, t.title), owner_of(t.assignee, in), detail,
                                     breach ? t.since : t.created_at, severity_of(ctx, t.priority)});
        }
        for (const auto& o : owners) {
            actions.count(code, kind, owner_of(o.name, in), o.count);
        }
    };
    const auto open = store::open_ticket_actions(ctx.db, at, kinds.problem, priorities, rows);
    add_tickets("open_problem", open.problems, open.problem_owners, false);
    add_tickets("breached_open", open.breached, open.breached_owners, true);
    return s;
}

} // namespace opsctl::report
