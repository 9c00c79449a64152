// The inspection part of the review: runs and pass rate per checklist, the items that failed
// most, overdue checklists and manual items left pending, from lib/store/report_inspect;
// overdue checklists for the action items from each checklist's newest run.
#include "lib/core/duration.hpp"
#include "lib/core/time.hpp"
#include "lib/report/sections.hpp"
#include "lib/report/text.hpp"
#include "lib/store/inspect_repo.hpp"
#include "lib/store/report_inspect.hpp"

#include <fmt/format.h>

#include <map>
#include <algorithm>
#include <limits>
#include <set>

namespace opsctl::report {

using output::Cell;
using output::Table;

namespace {

// How a checklist stood at the end of a period: its newest run before it and whether its
// `every` had passed since (a checklist that never ran is overdue).
struct ChecklistState {
    std::optional<std::int64_t> last;
    bool overdue = false;
};

std::map<std::string, ChecklistState> checklist_states(Context& ctx, const store::ReportPeriod& p) {
    const auto at = end_or_now(ctx, p);
    const auto last = store::last_inspect_run_before(ctx.db, p.end);
    std::map<std::string, ChecklistState> out;
    for (const auto& [name, c] : ctx.policy.checklists.checklists) {
        ChecklistState s;
        if (auto it = last.find(name); it != last.end()) {
            s.last = it->second;
            s.overdue = core::add_calendar(it->second, c.every, ctx.zone()) <= at;
        } else {
            s.overdue = true;
        }
        out[name] = s;
    }
    return out;
}

std::int64_t overdue_count(const std::map<std::string, ChecklistState>& states) {
    std::int64_t n = 0;
    for (const auto& [name, s] : states) {
        n += s.overdue ? 1 : 0;
    }
    return n;
}

const char* status_word(int status) {
    switch (status) {
    case 0:
        return "OK";
    case 1:
        return "WARNING";
    case 2:
        return "CRITICAL";
    default:
        return "UNKNOWN";
    }
}

} // namespace

Table inspections_table(Context& ctx, const store::ReportPeriod& p, Language lang) {
    const auto runs = store::inspect_runs_by_checklist(ctx.db, p);
    const auto states = checklist_states(ctx, p);
    std::set<std::string> names;
    for (const auto& [name, c] : ctx.policy.checklists.checklists) {
        names.insert(name);
    }
    for (const auto& r : runs) {
        names.insert(r.checklist);
    }
    Table t;
    t.add_column("checklist", tr(lang, "col.checklist"))
        .add_column("title", tr(lang, "col.title"))
        .add_column("every", tr(lang, "col.every"))
        .add_column("runs", tr(lang, "col.runs"))
        .add_column("ok", tr(lang, "col.ok"))
        .add_column("warning", tr(lang, "col.warning"))
        .add_column("critical", tr(lang, "col.critical"))
        .add_column("unknown", tr(lang, "col.unknown"))
        .add_column("pending", tr(lang, "col.pending"))
        .add_column("pass_rate", tr(lang, "col.pass_rate"))
        .add_column("last_run", tr(lang, "col.last_run"))
        .add_column("overdue", tr(lang, "col.overdue"));
    for (const auto& name : names) {
        const auto* c = ctx.policy.checklists.find(name);
        store::ChecklistRunCounts n;
        for (const auto& r : runs) {
            if (r.checklist == name) {
                n = r;
            }
        }
        const auto st = states.find(name);
        Cell last = Cell::null();
        Cell overdue = Cell::null();
        if (st != states.end()) {
            if (st->second.last) {
                last = Cell(core::format_time_short(*st->second.last, ctx.zone()));
            }
            overdue = Cell(tr(lang, st->second.overdue ? "word.yes" : "word.no"));
        }
        t.add_row({name, c && !c->title.empty() ? c->title : name,
                   c ? Cell(core::format_duration(c->every)) : Cell::null(), Cell::integer(n.runs),
                   Cell::integer(n.ok), Cell::integer(n.warning), Cell::integer(n.critical), Cell::integer(n.unknown),
                   Cell::integer(n.pending), percent_cell(n.ok, n.runs), last, overdue});
    }
    return t;
}

std::optional<Section> inspect_section(Context& ctx, const SectionInput& in, std::vector<ActionItem>& actions) {
    if (ctx.policy.checklists.checklists.empty() && !store::report_has_inspections(ctx.db)) {
        return std::nullopt;
    }
    const Language lang = in.lang;
    const auto cur = store::inspect_totals(ctx.db, in.current);
    const auto prev = store::inspect_totals(ctx.db, in.previous);
    const auto cur_overdue = overdue_count(checklist_states(ctx, in.current));
    const auto prev_overdue = overdue_count(checklist_states(ctx, in.previous));

    Section s;
    s.key = "inspections";
    s.title = tr(lang, "inspections.title");
    auto add = [&](std::string key, Unit unit, std::optional<double> v, std::optional<double> p) {
        s.figures.push_back({key, tr(lang, "fig." + key), unit, v, p});
    };
    add("inspection_runs", Unit::count, count_value(cur.runs), count_value(prev.runs));
    add("pass_rate", Unit::percent, percent_of(cur.passed, cur.runs), percent_of(prev.passed, prev.runs));
    add("failed_results", Unit::count, count_value(cur.failed_results), count_value(prev.failed_results));
    add("pending_manual", Unit::count, count_value(cur.pending), count_value(prev.pending));
    add("overdue_checklists", Unit::count, count_value(cur_overdue), count_value(prev_overdue));
    auto shown = [&](std::size_t i) { return format_value(s.figures[i], s.figures[i].value, lang); };
    s.sentences.push_back(fill(tr(lang, "sentence.inspections"), {{"runs", shown(0)},
                                                                  {"passed", std::to_string(cur.passed)},
                                                                  {"rate", shown(1)},
                                                                  {"failed", shown(2)},
                                                                  {"pending", shown(3)},
                                                                  {"overdue", shown(4)}}));

    s.tables.push_back({"inspections_by_checklist", tr(lang, "tbl.inspections"), inspections_table(ctx, in.current, lang)});

    ReviewTable failed{"inspection_failed_items", tr(lang, "tbl.failed_items"), {}};
    failed.table.add_column("checklist", tr(lang, "col.checklist"))
        .add_column("item", tr(lang, "col.item"))
        .add_column("title", tr(lang, "col.title"))
        .add_column("failures", tr(lang, "col.failures"))
        .add_column("targets", tr(lang, "col.targets"))
        .add_column("still_failing", tr(lang, "col.still_failing"));
    for (const auto& f : store::most_failed_items(ctx.db, in.current, static_cast<std::int64_t>(ctx.policy.report.top_assets))) {
        const auto* c = ctx.policy.checklists.find(f.checklist);
        const auto* item = c ? c->item(f.item) : nullptr;
        const std::string title = item ? item->title : "";
        failed.table.add_row({f.checklist, f.item, title, Cell::integer(f.failures), Cell::integer(f.targets),
                              Cell::integer(f.still_failing)});
    }
    s.tables.push_back(std::move(failed));

    const auto limit = static_cast<std::int64_t>(ctx.policy.report.list_limit);
    const auto pending = store::pending_results(ctx.db, in.current, limit);
    std::string pending_title = tr(lang, "tbl.pending_manual");
    if (!pending.empty() && pending.front().total > static_cast<std::int64_t>(pending.size())) {
        pending_title = fill(tr(lang, "list.cut"), {{"title", pending_title},
                                                    {"shown", std::to_string(pending.size())},
                                                    {"total", std::to_string(pending.front().total)}});
    }
    ReviewTable left{"inspection_pending", pending_title, {}};
    left.table.add_column("run", tr(lang, "col.run"))
        .add_column("checklist", tr(lang, "col.checklist"))
        .add_column("item", tr(lang, "col.item"))
        .add_column("target", tr(lang, "col.target"))
        .add_column("started", tr(lang, "col.started"));
    for (const auto& r : pending) {
        left.table.add_row({Cell::integer(r.run_id), r.checklist, r.item, r.target,
                            core::format_time_short(r.started_at, ctx.zone())});
    }
    s.tables.push_back(std::move(left));

    // What stands today, for the meeting to act on: the first `limit` failing and pending
    // items from inspect_repo's bounded queries (what inspect::failed_items_now() and
    // pending_manual_items() list, in run order), and how many there are.
    const auto failing = store::failing_inspect_results(ctx.db, limit);
    for (const auto& r : failing.rows) {
        actions.push_back(
            {tr(lang, "action.failing_check"),
             fmt::format("{}/{} @ {}", r.checklist, r.item, r.target), "",
             r.message.empty() ? std::string(status_word(r.status.value_or(3))) : r.message,
             core::format_time_short(r.run_started_at, ctx.zone())});
    }
    add_more_actions(actions, tr(lang, "action.failing_check"), failing.total, failing.rows.size(),
                     lang);
    // The checklists overdue now, as inspect::overdue_checklists() finds them (the newest run
    // plus `every` has passed, or it never ran), from each checklist's newest start alone:
    // that function also counts every result of each last run by status, which the action
    // items do not show (half a second on a million results).
    const auto newest = store::last_inspect_run_before(ctx.db, std::numeric_limits<std::int64_t>::max());
    for (const auto& [name, c] : ctx.policy.checklists.checklists) {
        const auto last = newest.find(name);
        const bool ran = last != newest.end();
        const std::int64_t due_at = ran ? core::add_calendar(last->second, c.every, ctx.zone()) : ctx.now;
        if (due_at > ctx.now) {
            continue;
        }
        actions.push_back({tr(lang, "action.overdue_checklist"), name, "",
                           fmt::format("{} {}", tr(lang, "col.every"), core::format_duration(c.every)),
                           ran ? core::format_time_short(due_at, ctx.zone()) : ""});
    }
    const auto waiting = store::pending_inspect_results(ctx.db, limit);
    for (const auto& r : waiting.rows) {
        actions.push_back({tr(lang, "action.pending_manual"),
                           fmt::format("{}/{} @ {} ({} {})", r.checklist, r.item, r.target,
                                       tr(lang, "col.run"), r.run_id),
                           "", "", core::format_time_short(r.run_started_at, ctx.zone())});
    }
    add_more_actions(actions, tr(lang, "action.pending_manual"), waiting.total, waiting.rows.size(),
                     lang);
    return s;
}

} // namespace opsctl::report
