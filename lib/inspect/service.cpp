#include "lib/inspect/service.hpp"

#include "lib/context/audit.hpp"
#include "lib/core/error.hpp"
#include "lib/policy/lookup.hpp"
#include "lib/inspect/status.hpp"
#include "lib/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace opsctl::inspect {

std::vector<ChecklistSchedule> checklist_schedules(Context& ctx) {
    const auto last = store::last_inspect_runs(ctx.db);
    std::vector<ChecklistSchedule> out;
    for (const auto& [name, c] : ctx.policy.checklists.checklists) {
        ChecklistSchedule s;
        s.name = name;
        s.title = c.title;
        s.every = c.every;
        s.items = c.items.size();
        s.per_asset = c.assets.has_value();
        if (auto it = last.find(name); it != last.end()) {
            s.last = it->second;
            s.due_at = core::add_calendar(it->second.started_at, c.every, ctx.zone());
        } else {
            s.due_at = ctx.now;
        }
        s.overdue = s.due_at <= ctx.now;
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<ChecklistSchedule> overdue_checklists(Context& ctx) {
    auto all = checklist_schedules(ctx);
    std::erase_if(all, [](const ChecklistSchedule& s) { return !s.overdue; });
    return all;
}

std::vector<ResultRecord> latest_results_for_target(Context& ctx, const std::string& target, int limit) {
    return store::inspect_results_for_target(ctx.db, target, limit);
}

std::vector<ResultRecord> failed_items_now(Context& ctx) {
    // The bounded query the monthly review uses too, put in this listing's order.
    auto rows = store::failing_inspect_results(ctx.db, -1).rows;
    std::sort(rows.begin(), rows.end(), [](const ResultRecord& a, const ResultRecord& b) {
        return std::tie(a.checklist, a.target, a.id) < std::tie(b.checklist, b.target, b.id);
    });
    return rows;
}

std::vector<ResultRecord> pending_manual_items(Context& ctx) {
    auto rows = store::pending_inspect_results(ctx.db, -1).rows;
    std::sort(rows.begin(), rows.end(), [](const ResultRecord& a, const ResultRecord& b) {
        return std::tie(a.run_id, a.id) < std::tie(b.run_id, b.id);
    });
    return rows;
}

std::vector<RunRecord> run_history(Context& ctx, const HistoryFilter& f) {
    if (!f.checklist.empty()) {
        policy::require_name(ctx.policy, "checklists", f.checklist);
    }
    store::InspectRunFilter s;
    s.checklist = f.checklist;
    s.since = f.since;
    s.failed_only = f.failed_only;
    s.limit = f.limit;
    return store::list_inspect_runs(ctx.db, s);
}

RunDetail show_run(Context& ctx, std::int64_t run_id) {
    auto run = store::find_inspect_run(ctx.db, run_id);
    if (!run) {
        throw NotFound(fmt::format("no inspection run {}", run_id), "see 'opsctl inspect history'");
    }
    return RunDetail{*run, store::inspect_results_of_run(ctx.db, run_id)};
}

ResultRecord record_answer(Context& ctx, std::int64_t run_id, const std::string& item, const std::string& target,
                           int status, const std::string& note) {
    auto detail = show_run(ctx, run_id);
    std::vector<ResultRecord*> matches;
    std::vector<std::string> items;
    for (auto& r : detail.results) {
        if (std::find(items.begin(), items.end(), r.item) == items.end()) {
            items.push_back(r.item);
        }
        if (r.item == item && (target.empty() || r.target == target)) {
            matches.push_back(&r);
        }
    }
    if (matches.empty()) {
        const bool known_item = std::find(items.begin(), items.end(), item) != items.end();
        if (known_item) {
            throw NotFound(fmt::format("no target '{}' for item '{}' in run {}", target, item, run_id));
        }
        throw NotFound(fmt::format("no item '{}' in run {} (items: {})", item, run_id, util::join(items, ", ")));
    }
    if (matches.size() > 1) {
        std::vector<std::string> targets;
        for (const auto* m : matches) {
            targets.push_back(m->target);
        }
        throw UsageError(fmt::format("item '{}' ran on {} targets in run {}", item, matches.size(), run_id),
                         "name one with --target: " + util::join(targets, ", "));
    }
    ResultRecord r = *matches.front();
    if (r.kind != "manual") {
        throw UsageError(fmt::format("item '{}' is a '{}' check, not a manual item", item, r.kind),
                         "only manual items are answered with 'inspect record'");
    }
    const std::string message = note.empty() ? "answered by " + ctx.actor : note;
    store::write_transaction(ctx.db, [&] {
        store::answer_inspect_result(ctx.db, r.id, status, message, note, ctx.now, ctx.actor);
        nlohmann::json fields = {{"result", r.id},
                                 {"checklist", r.checklist},
                                 {"item", r.item},
                                 {"target", r.target},
                                 {"status", {status_word(r.status), status_word(status)}}};
        if (!note.empty()) {
            fields["note"] = note;
        }
        // An event of the run: the answer changes the run's status too, and the run with its
        // results is the record whose digest the event carries (lib/store/record_digest.hpp).
        audit::record(ctx, "inspect_run", std::to_string(run_id), "answered", std::move(fields));
    });
    r.status = status;
    r.message = message;
    r.note = note;
    r.recorded_at = ctx.now;
    r.recorded_by = ctx.actor;
    return r;
}

} // namespace opsctl::inspect
