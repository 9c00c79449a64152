#include "lib/inspect/runner.hpp"

#include "lib/context/audit.hpp"
#include "lib/core/error.hpp"
#include "lib/policy/lookup.hpp"
#include "lib/inspect/probes.hpp"
#include "lib/inspect/status.hpp"
#include "lib/inspect/tickets.hpp"
#include "lib/notify/notify.hpp"
#include "lib/notify/outbox.hpp"
#include "lib/store/inspect_repo.hpp"
#include "lib/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <unistd.h>

namespace opsctl::inspect {

namespace {

using policy::ItemKind;

// One item on one target, waiting for a worker.
struct Job {
    std::size_t run = 0;
    const policy::Checklist* checklist = nullptr;
    const policy::ChecklistItem* item = nullptr;
    policy::ChecklistItem resolved;
    std::vector<std::string> missing;
    std::vector<util::RefusedValue> refused;
    int timeout_ms = 30000;
    std::size_t index = 0; // of the result in its run
    ItemResult* result = nullptr;
    std::optional<LogCursor> cursor_in;
    std::optional<LogCursor> cursor_out;
};

// Names the asset and field (or the placeholder and target) whose value was refused, and
// how the policy can allow it when it is meant.
std::string refusal_message(const util::RefusedValue& refused, const std::string& target) {
    const std::string filter = refused.reason.rfind("starts with", 0) == 0 ? "allow-dash" : "allow-control";
    const std::string subject =
        refused.name.rfind("asset.", 0) == 0
            ? fmt::format("asset '{}' field '{}'", target, refused.name.substr(6))
            : fmt::format("{{{{{}}}}} of target '{}'", refused.name, target);
    if (refused.reason.find("NUL") != std::string::npos) {
        return fmt::format("not run: {} {}", subject, refused.reason); // no filter allows a NUL byte
    }
    return fmt::format("not run: {} {} (write {{{{{}|{}}}}} in the policy if that is intended)", subject,
                       refused.reason, refused.name, filter);
}

void run_job(Job& job, std::int64_t now) {
    const auto started = std::chrono::steady_clock::now();
    ItemResult& r = *job.result;
    if (!job.missing.empty()) {
        r.status = k_unknown;
        r.message = fmt::format("no value for {{{{{}}}}} on target '{}'", job.missing.front(), r.target);
        return;
    }
    if (!job.refused.empty()) {
        r.status = k_unknown;
        r.message = refusal_message(job.refused.front(), r.target);
        return;
    }
    ProbeInput in;
    in.now = now;
    in.timeout_ms = job.timeout_ms;
    in.cursor = job.cursor_in ? &*job.cursor_in : nullptr;
    auto out = run_probe(job.resolved, in);
    r.status = out.result.status;
    r.message = std::move(out.result.message);
    r.perfdata = std::move(out.result.perfdata);
    job.cursor_out = out.cursor;
    r.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
                        .count();
}

bool failing(std::optional<int> s) { return s && (*s == k_warning || *s == k_critical); }

} // namespace

std::size_t ChecklistRun::pending() const {
    return static_cast<std::size_t>(
        std::count_if(results.begin(), results.end(), [](const ItemResult& r) { return !r.status; }));
}

std::string local_target_name() {
    char buf[256] = {0};
    if (::gethostname(buf, sizeof buf - 1) != 0 || !buf[0]) {
        return "localhost";
    }
    std::string name = buf;
    return name.substr(0, name.find('.'));
}

policy::ChecklistItem substitute_item(const policy::ChecklistItem& item, const std::map<std::string, std::string>& vars,
                                      std::vector<std::string>& missing, std::vector<util::RefusedValue>& refused) {
    policy::ChecklistItem r = item;
    auto fill = [&](std::string& s, util::TemplateUse use) {
        auto e = util::expand_template(s, vars, use);
        s = std::move(e.text);
        missing.insert(missing.end(), e.missing.begin(), e.missing.end());
        refused.insert(refused.end(), e.refused.begin(), e.refused.end());
    };
    // What reaches a program, the network or the file system is checked; what is only
    // compared or shown is not.
    for (auto* s : {&r.path, &r.host, &r.port, &r.url}) {
        fill(*s, util::TemplateUse::argument);
    }
    for (auto* s : {&r.pattern, &r.process_name, &r.contains, &r.title}) {
        fill(*s, util::TemplateUse::text);
    }
    for (auto& a : r.command) {
        fill(a, r.shell ? util::TemplateUse::shell : util::TemplateUse::argument);
    }
    return r;
}

std::vector<Target> checklist_targets(Context& ctx, const policy::Checklist& checklist) {
    std::map<std::string, std::string> common{{"opsctl.database", ctx.db.path().string()}};
    if (!checklist.assets) {
        Target t;
        t.name = local_target_name();
        t.vars = common;
        t.vars["target"] = t.name;
        return {t};
    }
    return asset_targets(ctx, checklist, common);
}

RunReport run_checklists(Context& ctx, const RunOptions& options) {
    const auto& policy = ctx.policy.checklists;
    std::vector<const policy::Checklist*> lists;
    for (const auto& name : options.checklists) {
        const auto* c = policy.find(name);
        if (!c) {
            opsctl::policy::require_one_of("checklist", name, policy.names());
            continue;
        }
        if (std::find(lists.begin(), lists.end(), c) == lists.end()) {
            lists.push_back(c);
        }
    }
    if (lists.empty()) {
        throw UsageError("name at least one checklist", "see 'opsctl inspect list'");
    }

    RunReport report;
    report.runs.resize(lists.size());
    std::vector<std::vector<Target>> targets(lists.size());
    std::vector<std::string> all_target_names;
    for (std::size_t i = 0; i < lists.size(); ++i) {
        auto ts = checklist_targets(ctx, *lists[i]);
        for (const auto& t : ts) {
            all_target_names.push_back(t.name);
        }
        if (!options.target.empty()) {
            std::erase_if(ts, [&](const Target& t) { return t.name != options.target; });
        }
        targets[i] = std::move(ts);
    }
    if (!options.target.empty() &&
        std::all_of(targets.begin(), targets.end(), [](const auto& ts) { return ts.empty(); })) {
        std::sort(all_target_names.begin(), all_target_names.end());
        all_target_names.erase(std::unique(all_target_names.begin(), all_target_names.end()), all_target_names.end());
        throw NotFound(fmt::format("no target '{}' in {} (targets: {})", options.target,
                                   lists.size() == 1 ? "checklist '" + lists[0]->name + "'" : "these checklists",
                                   all_target_names.empty() ? "none" : util::join(all_target_names, ", ")));
    }

    // Result slots first, so that workers write into fixed places and the output keeps
    // the policy's order.
    std::vector<Job> jobs;
    std::vector<std::pair<std::size_t, std::size_t>> manual; // (run, result index)
    std::vector<std::map<store::LogPositionKey, store::LogPosition>> positions(lists.size());
    for (std::size_t i = 0; i < lists.size(); ++i) {
        const auto& c = *lists[i];
        auto& run = report.runs[i];
        run.checklist = c.name;
        run.title = c.title;
        run.started_at = ctx.now;
        run.targets = targets[i].size();
        positions[i] = store::load_log_positions(ctx.db, c.name);
        for (const auto& t : targets[i]) {
            for (const auto& item : c.items) {
                ItemResult r;
                r.checklist = c.name;
                r.item = item.name;
                r.kind = policy::item_kind_name(item.kind);
                r.target = t.name;
                r.title = item.title;
                run.results.push_back(std::move(r));
            }
        }
        std::size_t k = 0;
        for (const auto& t : targets[i]) {
            for (const auto& item : c.items) {
                if (item.kind == ItemKind::manual) {
                    run.results[k].title = util::expand_template(item.title, t.vars, util::TemplateUse::text).text;
                    manual.emplace_back(i, k++);
                    continue;
                }
                Job job;
                job.run = i;
                job.index = k;
                job.checklist = &c;
                job.item = &item;
                job.resolved = substitute_item(item, t.vars, job.missing, job.refused);
                const auto limit = options.timeout_ms ? *options.timeout_ms
                                                      : static_cast<int>((item.timeout ? *item.timeout : c.timeout)
                                                                             .approx_seconds() * 1000);
                job.timeout_ms = std::max(1, limit);
                if (item.kind == ItemKind::log_scan) {
                    auto it = positions[i].find({c.name, item.name, t.name, job.resolved.path});
                    if (it != positions[i].end()) {
                        job.cursor_in = LogCursor{it->second.inode, it->second.offset, it->second.size};
                    }
                }
                jobs.push_back(std::move(job));
                ++k;
            }
        }
    }
    // Pointers into the results are taken once every vector has its final size.
    for (auto& job : jobs) {
        job.result = &report.runs[job.run].results[job.index];
    }

    const auto wall_start = std::chrono::steady_clock::now();
    const int workers = std::max(1, std::min<int>(options.jobs, static_cast<int>(jobs.size())));
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t j; (j = next.fetch_add(1)) < jobs.size();) {
            run_job(jobs[j], ctx.now);
        }
    };
    if (workers <= 1) {
        work();
    } else {
        std::vector<std::thread> threads;
        for (int w = 0; w < workers; ++w) {
            threads.emplace_back(work);
        }
        for (auto& t : threads) {
            t.join();
        }
    }

    // Manual items: asked one at a time, after the automatic ones.
    for (const auto& [i, k] : manual) {
        auto& r = report.runs[i].results[k];
        const auto& c = *lists[i];
        std::optional<ManualAnswer> answer;
        if (options.ask) {
            answer = options.ask(c, *c.item(r.item), r.target);
        }
        if (answer) {
            r.status = answer->status;
            r.note = answer->note;
            r.message = answer->note.empty() ? "answered by " + ctx.actor : answer->note;
        } else {
            r.message = "waiting for a person: " + r.title;
        }
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

    for (std::size_t i = 0; i < lists.size(); ++i) {
        auto& run = report.runs[i];
        run.seconds = wall;
        run.finished_at = ctx.now + static_cast<std::int64_t>(wall);
        for (const auto& r : run.results) {
            if (r.status) {
                run.status = worse(run.status, *r.status);
            }
        }
        report.status = worse(report.status, run.status);
    }
    if (!options.record) {
        return report;
    }

    // Record everything in one transaction; notify and tickets follow once it is committed.
    std::vector<Transition> transitions;
    // The notify event of a check that started or stopped failing.
    const auto notice = [&](const Transition& t) {
        const auto& r = report.runs[t.run].results[t.result];
        const bool recovered = !failing(r.status);
        return std::pair<std::string, nlohmann::json>{recovered ? "inspect.recovered" : "inspect.failed",
                                                      {{"checklist", r.checklist},
                                                       {"item", r.item},
                                                       {"target", r.target},
                                                       {"status", status_word(r.status)},
                                                       {"previous", status_word(t.previous)},
                                                       {"message", r.message},
                                                       {"run", report.runs[t.run].run_id}}};
    };
    {
        store::write_transaction(ctx.db, [&] {
            transitions.clear();
            for (std::size_t i = 0; i < lists.size(); ++i) {
                auto& run = report.runs[i];
                std::map<std::pair<std::string, std::string>, std::optional<int>> before;
                for (const auto& p : store::latest_inspect_results(ctx.db, run.checklist, options.target, std::nullopt)) {
                    before[{p.item, p.target}] = p.status;
                }
                store::InspectRunRow row;
                row.checklist = run.checklist;
                row.started_at = run.started_at;
                row.finished_at = run.finished_at;
                row.status = run.status;
                row.target_count = static_cast<std::int64_t>(run.targets);
                row.item_count = static_cast<std::int64_t>(run.results.size());
                row.pending_count = static_cast<std::int64_t>(run.pending());
                row.actor = ctx.actor;
                std::vector<store::InspectResultRow> rows;
                rows.reserve(run.results.size());
                for (const auto& r : run.results) {
                    store::InspectResultRow x;
                    x.item = r.item;
                    x.kind = r.kind;
                    x.target = r.target;
                    x.status = r.status;
                    x.message = r.message;
                    x.perfdata = r.perfdata;
                    x.duration_ms = r.duration_ms;
                    if (r.status) {
                        x.recorded_at = run.finished_at;
                        x.recorded_by = ctx.actor;
                    }
                    x.note = r.note;
                    rows.push_back(std::move(x));
                }
                run.run_id = store::insert_inspect_run(ctx.db, row, rows);
                for (std::size_t k = 0; k < rows.size(); ++k) {
                    run.results[k].result_id = rows[k].id;
                    const auto& r = run.results[k];
                    auto it = before.find({r.item, r.target});
                    const std::optional<int> prev = it == before.end() ? std::nullopt : it->second;
                    if (r.status && (failing(r.status) || failing(prev)) && r.status != prev) {
                        transitions.push_back(Transition{i, k, prev});
                    }
                }
                audit::record(ctx, "inspect_run", std::to_string(run.run_id), "ran",
                              {{"checklist", run.checklist},
                               {"status", status_word(run.status)},
                               {"items", run.results.size()},
                               {"pending", run.pending()},
                               {"targets", run.targets}});
            }
            // Where each log_scan stopped, so that the next run reads only new lines.
            std::map<store::LogPositionKey, store::LogPosition> moved;
            for (const auto& job : jobs) {
                if (job.cursor_out) {
                    moved[{job.checklist->name, job.item->name, job.result->target, job.resolved.path}] =
                        store::LogPosition{job.cursor_out->inode, job.cursor_out->offset, job.cursor_out->size};
                }
            }
            store::save_log_positions(ctx.db, moved, ctx.now);
            for (const auto& t : transitions) {
                const auto [kind, data] = notice(t);
                notify::queue(ctx, kind, data);
            }
        });
    }

    for (const auto& t : transitions) {
        const auto [kind, data] = notice(t);
        notify::after_commit(ctx, kind, data);
    }
    follow_up_tickets(ctx, lists, report, transitions, options.tickets);
    return report;
}

} // namespace opsctl::inspect
