// The inspection part of the review: runs and pass rate per checklist, the items that failed
// most, overdue checklists and manual items left pending, from lib/store/report_inspect;
// overdue checklists for the action items from each checklist's newest run.
#include "lib/core/duration.hpp"
#include "lib/core/time.hpp"
#include "lib/report/sections.hpp"
#include "lib/report/targets.hpp"
#include "lib/report/text.hpp"
#include "lib/store/report_inspect.hpp"

#include <fmt/format.h>

#include <map>
#include <algorithm>
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
    bool in_policy = true; // false: a checklist since removed from the policy, shown for its runs
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
    for (const auto& [name, at_run] : last) {
        if (out.find(name) == out.end()) {
            out[name] = ChecklistState{at_run, false, false};
        }
    }
    return out;
}

std::int64_t overdue_count(const std::map<std::string, ChecklistState>& states) {
    std::int64_t n = 0;
    for (const auto& [name, s] : states) {
        n += s.in_policy && s.overdue ? 1 : 0;
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

namespace {

Table checklist_table(Context& ctx, const store::ReportPeriod& p, const std::vector<store::ChecklistRunCounts>& runs,
                      Language lang) {
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
            if (st->second.in_policy) {
                overdue = Cell(tr(lang, st->second.overdue ? "word.yes" : "word.no"));
            }
        }
        // A checklist no longer in the policy still shows its runs, and says why it has no
        // schedule.
        const std::string title = c ? (c->title.empty() ? name : c->title) : tr(lang, "word.not_in_policy");
        t.add_row({name, title,
                   c ? Cell(core::format_duration(c->every)) : Cell::null(), Cell::integer(n.runs),
                   Cell::integer(n.ok), Cell::integer(n.warning), Cell::integer(n.critical), Cell::integer(n.unknown),
                   Cell::integer(n.pending), percent_cell(n.ok, n.runs), last, overdue});
    }
    return t;
}

} // namespace

Table inspections_table(Context& ctx, const store::ReportPeriod& p, Language lang) {
    return checklist_table(ctx, p, store::inspect_period(ctx.db, p).by_checklist, lang);
}

std::optional<Section> inspect_section(Context& ctx, const SectionInput& in, ActionList& actions) {
    if (ctx.policy.checklists.checklists.empty() && !store::report_has_inspections(ctx.db)) {
        return std::nullopt;
    }
    const Language lang = in.lang;
    const auto cur_period = store::inspect_period(ctx.db, in.current);
    const auto& cur = cur_period.totals;
    const auto prev = store::inspect_period(ctx.db, in.previous).totals;
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
    s.figures.back().n = cur.runs;
    s.figures.back().target = k_target_inspection_pass;
    s.figures.back().in_summary = true;
    add("failed_results", Unit::count, count_value(cur.failed_results), count_value(prev.failed_results));
    add("pending_manual", Unit::count, count_value(cur.pending), count_value(prev.pending));
    add("overdue_checklists", Unit::count, count_value(cur_overdue), count_value(prev_overdue));
    auto shown = [&](std::size_t i) { return format_value(s.figures[i], s.figures[i].value, lang); };
    s.sentences.push_back(fill(tr(lang, "sentence.inspections"), {{"runs", shown(0)},
                                                                  {"passed", std::to_string(cur.passed)},
                                                                  {"w_runs", plural(lang, "noun.checklist_run", cur.runs)},
                                                                  {"w_failed", plural(lang, "noun.failing_result", cur.failed_results)},
                                                                  {"w_pending", plural(lang, "noun.manual_item", cur.pending)},
                                                                  {"w_overdue", plural(lang, "noun.checklist", cur_overdue)},
                                                                  {"rate", shown(1)},
                                                                  {"failed", shown(2)},
                                                                  {"pending", shown(3)},
                                                                  {"overdue", shown(4)}}));

    s.tables.push_back({"inspections_by_checklist", tr(lang, "tbl.inspections"), checklist_table(ctx, in.current, cur_period.by_checklist, lang)});

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

    const auto pending = store::pending_results(ctx.db, in.current, rows_to_read(in, in.list_rows));
    ReviewTable left{"inspection_pending", tr(lang, "tbl.pending_manual"), {}};
    left.md_rows = in.list_rows;
    left.total = pending.empty() ? 0 : pending.front().total;
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
    // What stood at the month's end, for the meeting to act on: the checks failing then, the
    // checklists overdue then and the manual items still unanswered then. Nobody holds them
    // by record: whoever was on duty at the month's end owns them.
    const auto at = in.until;
    const auto rows = rows_to_read(in, k_top_rows);
    const auto failing = store::failing_results_at(ctx.db, at, rows);
    const std::string failing_kind = tr(lang, "action.failing_check");
    for (const auto& r : failing) {
        actions.items.push_back({"failing_check", failing_kind, fmt::format("{}/{} @ {}", r.checklist, r.item, r.target),
                                 in.duty_owner,
                                 r.message.empty() ? std::string(status_word(r.status)) : r.message,
                                 r.started_at, r.status == 2 ? 1 : 2});
    }
    actions.count("failing_check", failing_kind, in.duty_owner, failing.empty() ? 0 : failing.front().total);
    const auto states = checklist_states(ctx, in.current);
    const std::string overdue_kind = tr(lang, "action.overdue_checklist");
    std::int64_t overdue_n = 0;
    for (const auto& [name, c] : ctx.policy.checklists.checklists) {
        const auto st = states.find(name);
        if (st == states.end() || !st->second.overdue) {
            continue;
        }
        const auto due_at = st->second.last ? core::add_calendar(*st->second.last, c.every, ctx.zone()) : 0;
        actions.items.push_back({"overdue_checklist", overdue_kind, name, in.duty_owner,
                                 fmt::format("{} {}", tr(lang, "col.every"), core::format_duration(c.every)), due_at,
                                 2});
        ++overdue_n;
    }
    actions.count("overdue_checklist", overdue_kind, in.duty_owner, overdue_n);
    const auto waiting = store::pending_results_at(ctx.db, at, rows);
    const std::string pending_kind = tr(lang, "action.pending_manual");
    for (const auto& r : waiting) {
        actions.items.push_back({"pending_manual", pending_kind,
                                 fmt::format("{}/{} @ {} ({} {})", r.checklist, r.item, r.target, tr(lang, "col.run"),
                                             r.run_id),
                                 in.duty_owner, "", r.started_at, 3});
    }
    actions.count("pending_manual", pending_kind, in.duty_owner, waiting.empty() ? 0 : waiting.front().total);
    return s;
}

} // namespace opsctl::report
