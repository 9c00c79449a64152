// opsctl inspect run|record|list|due|history|show|pending
#include "cmd/common.hpp"
#include "lib/output/time.hpp"

#include "lib/core/error.hpp"
#include "lib/core/relative_time.hpp"
#include "lib/core/time.hpp"
#include "lib/inspect/formats.hpp"
#include "lib/inspect/runner.hpp"
#include "lib/inspect/service.hpp"
#include "lib/inspect/status.hpp"
#include "lib/util/file.hpp"
#include "lib/util/text.hpp"

#include <fmt/format.h>

#include <iostream>
#include <sstream>
#include <unistd.h>

namespace opsctl::cmd {

namespace {

namespace sec = policy::section;

struct InspectRunOptions {
    std::vector<std::string> checklists;
    std::string target;
    int jobs = 4;
    std::string timeout;
    bool no_record = false;
    bool ticket = false;
    std::string out;
};
struct InspectRecordOptions {
    std::int64_t run = 0;
    std::string item;
    std::string status;
    std::string note;
    std::string target;
};
struct InspectListOptions {};
struct InspectDueOptions {};
struct InspectHistoryOptions {
    std::string checklist;
    std::string since;
    bool failed = false;
    int limit = 50;
};
struct InspectShowOptions {
    std::int64_t run = 0;
};
struct InspectPendingOptions {};

constexpr unsigned k_sections = sec::k_checklists | sec::k_notify | sec::k_people | sec::k_tickets | sec::k_calendar |
                                sec::k_sla | sec::k_roster;

output::Cell status_cell(std::optional<int> s) { return output::Cell{inspect::status_word(s)}; }

// A run whose answered items are all OK but which still waits for people reads "pending".
output::Cell run_status_cell(const inspect::RunRecord& r) {
    return output::Cell{r.status == 0 && r.pending_count > 0 ? "pending" : inspect::status_word(r.status)};
}

// Asks a person on the terminal; an empty answer or "skip" leaves the item pending.
std::optional<inspect::ManualAnswer> ask_on_terminal(const policy::Checklist& c, const policy::ChecklistItem& item,
                                                     const std::string& target) {
    while (true) {
        std::cerr << fmt::format("[{} · {}] {}\n  ok / warn / fail / skip: ", c.name, target, item.title);
        std::string line;
        if (!std::getline(std::cin, line)) {
            std::cerr << '\n';
            return std::nullopt;
        }
        const std::string word(util::trim(line));
        if (word.empty() || word == "skip" || word == "s") {
            return std::nullopt;
        }
        auto status = inspect::parse_status_word(word);
        if (!status && (word == "o" || word == "y" || word == "yes")) {
            status = inspect::k_ok;
        } else if (!status && word == "w") {
            status = inspect::k_warning;
        } else if (!status && (word == "f" || word == "n" || word == "no")) {
            status = inspect::k_critical;
        }
        if (!status) {
            std::cerr << "  please answer ok, warn, fail or skip\n";
            continue;
        }
        std::cerr << "  note (optional): ";
        std::string note;
        std::getline(std::cin, note);
        return inspect::ManualAnswer{*status, std::string(util::trim(note))};
    }
}

output::Cell time_cell(std::int64_t t, const Context& ctx) { return output::time_cell(t, ctx.zone()); }

void run_inspect_run(const InspectRunOptions& opt, Globals& g) {
    const bool monitoring = g.format == "prometheus" || g.format == "nagios" || g.format == "junit";
    if (!monitoring && !g.common_format()) {
        throw UsageError(fmt::format("unknown format '{}'", g.format),
                         "use table, csv, tsv, json, md, prometheus, nagios or junit");
    }
    if (opt.jobs < 1) {
        throw UsageError("--jobs must be at least 1");
    }
    auto ctx = g.context(k_sections, "inspect.run");
    inspect::RunOptions ro;
    ro.checklists = opt.checklists;
    ro.target = opt.target;
    ro.jobs = opt.jobs;
    if (!opt.timeout.empty()) {
        const auto d = core::parse_duration_or_throw(opt.timeout, "--timeout");
        ro.timeout_ms = static_cast<int>(std::max<std::int64_t>(1, d.approx_seconds()) * 1000);
    }
    ro.record = !opt.no_record;
    ro.tickets = opt.ticket;
    // Manual items are asked only when a person is there to answer.
    if (::isatty(STDIN_FILENO) && ::isatty(STDERR_FILENO)) {
        ro.ask = ask_on_terminal;
    }
    const auto report = inspect::run_checklists(ctx, ro);
    for (const auto& w : report.warnings) {
        std::cerr << "opsctl: warning: " << w << '\n';
    }
    // With --out the output is written whole and renamed into place (a node_exporter
    // textfile folder must never see half a file), whatever the exit status.
    std::ostringstream text;
    std::ostream& out = opt.out.empty() ? static_cast<std::ostream&>(std::cout) : text;
    if (g.format == "prometheus") {
        inspect::write_prometheus(report, out);
    } else if (g.format == "nagios") {
        inspect::write_nagios(report, out);
    } else if (g.format == "junit") {
        inspect::write_junit(report, ctx.zone(), out);
    } else {
        output::Table t;
        t.add_column("run", "Run")
            .add_column("checklist", "Checklist")
            .add_column("target", "Target")
            .add_column("item", "Item")
            .add_column("kind", "Kind")
            .add_column("status", "Status")
            .add_column("message", "Message")
            .add_column("perfdata", "Perfdata")
            .add_column("duration_ms", "ms")
            .add_column("ticket", "Ticket");
        for (const auto& run : report.runs) {
            for (const auto& r : run.results) {
                t.add_row({run.run_id ? output::Cell::integer(run.run_id) : output::Cell::null(), r.checklist,
                           r.target, r.item, r.kind, status_cell(r.status), r.message, r.perfdata,
                           output::Cell::integer(r.duration_ms), r.ticket});
            }
        }
        auto options = g.render_options();
        if (options.format == output::Format::table && options.columns.empty()) {
            // Perfdata is for machines; the table stays readable.
            options.columns = {"run", "checklist", "target", "item", "status", "message", "duration_ms"};
            for (const auto& run : report.runs) {
                for (const auto& r : run.results) {
                    if (!r.ticket.empty()) {
                        options.columns.push_back("ticket");
                        break;
                    }
                }
            }
            options.max_cell_width = 100;
        }
        if (g.quiet && opt.out.empty()) {
            g.print(t);
        } else {
            output::render(t, options, out);
        }
    }
    if (!opt.out.empty()) {
        // Read by node_exporter or a CI server, not only by root: 0644.
        util::write_file_atomic(opt.out, text.str(), 0644);
    }
    if (report.status != 0) {
        std::cout.flush();
        // The exit status is the worst item's, as a monitoring plugin's; the output says why.
        throw Error(report.status, "");
    }
}

void run_inspect_record(const InspectRecordOptions& opt, Globals& g) {
    const auto status = inspect::parse_status_word(opt.status);
    if (!status) {
        throw UsageError(fmt::format("unknown status '{}'", opt.status), "use ok, warn or fail");
    }
    auto ctx = g.context(sec::k_checklists, "inspect.record");
    const auto r = inspect::record_answer(ctx, opt.run, opt.item, opt.target, *status, opt.note);
    // "fail" is stored as the probes' CRITICAL (and "warn" as WARNING): the table names the
    // level it became, with the word that was typed; machine formats keep the stored word.
    const std::string stored = inspect::status_word(r.status);
    const std::string typed = util::to_lower(opt.status);
    output::Cell shown = g.format == "table" && typed != stored ? output::Cell{fmt::format("{} ({})", stored, typed)}
                                                                 : status_cell(r.status);
    output::Record rec;
    rec.add("result", "Result", output::Cell::integer(r.id))
        .add("run", "Run", output::Cell::integer(r.run_id))
        .add("checklist", "Checklist", r.checklist)
        .add("item", "Item", r.item)
        .add("target", "Target", r.target)
        .add("status", "Status", shown)
        .add("note", "Note", r.note)
        .add("recorded_by", "Recorded by", r.recorded_by);
    g.print(rec);
}

output::Table schedule_table(const std::vector<inspect::ChecklistSchedule>& rows, const Context& ctx) {
    output::Table t;
    t.add_column("checklist", "Checklist")
        .add_column("title", "Title")
        .add_column("every", "Every")
        .add_column("items", "Items")
        .add_column("last_run", "Last run")
        .add_column("last_started", "Last started")
        .add_column("last_status", "Last status")
        .add_column("pending", "Pending")
        .add_column("due", "Due")
        .add_column("overdue", "Overdue");
    for (const auto& s : rows) {
        t.add_row({s.name, s.title, core::format_duration(s.every), output::Cell::integer(static_cast<std::int64_t>(s.items)),
                   s.last ? output::Cell::integer(s.last->id) : output::Cell::null(),
                   s.last ? output::Cell{time_cell(s.last->started_at, ctx)} : output::Cell::null(),
                   s.last ? run_status_cell(*s.last) : output::Cell{"never"},
                   s.last ? output::Cell::integer(s.last->pending_count) : output::Cell::null(),
                   s.last ? output::Cell{time_cell(s.due_at, ctx)} : output::Cell{"now"},
                   output::Cell::boolean(s.overdue)});
    }
    return t;
}

void run_inspect_list(const InspectListOptions&, Globals& g) {
    auto ctx = g.context(sec::k_checklists);
    g.print(schedule_table(inspect::checklist_schedules(ctx), ctx));
}

void run_inspect_due(const InspectDueOptions&, Globals& g) {
    auto ctx = g.context(sec::k_checklists);
    const auto rows = inspect::overdue_checklists(ctx);
    g.print(schedule_table(rows, ctx));
    if (!rows.empty()) {
        throw Failure(fmt::format("{} checklist{} due", rows.size(), rows.size() == 1 ? " is" : "s are"),
                      "run them with 'opsctl inspect run NAME'");
    }
}

void run_inspect_history(const InspectHistoryOptions& opt, Globals& g) {
    auto ctx = g.context(sec::k_checklists);
    inspect::HistoryFilter f;
    f.checklist = opt.checklist;
    if (!opt.since.empty()) {
        f.since = core::parse_time_option(opt.since, ctx.zone(), ctx.now, core::Bound::start, "--since");
    }
    f.failed_only = opt.failed;
    f.limit = opt.limit;
    output::Table t;
    t.add_column("run", "Run")
        .add_column("checklist", "Checklist")
        .add_column("started", "Started")
        .add_column("status", "Status")
        .add_column("targets", "Targets")
        .add_column("items", "Items")
        .add_column("ok", "OK")
        .add_column("warning", "Warn")
        .add_column("critical", "Crit")
        .add_column("unknown", "Unknown")
        .add_column("pending", "Pending")
        .add_column("actor", "By");
    for (const auto& r : inspect::run_history(ctx, f)) {
        t.add_row({output::Cell::integer(r.id), r.checklist, time_cell(r.started_at, ctx), run_status_cell(r),
                   output::Cell::integer(r.target_count), output::Cell::integer(r.item_count),
                   output::Cell::integer(r.ok), output::Cell::integer(r.warning), output::Cell::integer(r.critical),
                   output::Cell::integer(r.unknown), output::Cell::integer(r.pending_count), r.actor});
    }
    g.print(t);
}

output::Table results_table(const std::vector<inspect::ResultRecord>& rows, const Context& ctx) {
    output::Table t;
    t.add_column("result", "Result")
        .add_column("run", "Run")
        .add_column("checklist", "Checklist")
        .add_column("target", "Target")
        .add_column("item", "Item")
        .add_column("kind", "Kind")
        .add_column("status", "Status")
        .add_column("message", "Message")
        .add_column("perfdata", "Perfdata")
        .add_column("duration_ms", "ms")
        .add_column("recorded", "Recorded")
        .add_column("recorded_by", "By")
        .add_column("note", "Note");
    for (const auto& r : rows) {
        t.add_row({output::Cell::integer(r.id), output::Cell::integer(r.run_id), r.checklist, r.target, r.item, r.kind,
                   status_cell(r.status), r.message, r.perfdata, output::Cell::integer(r.duration_ms),
                   r.recorded_at ? output::Cell{time_cell(*r.recorded_at, ctx)} : output::Cell::null(),
                   r.recorded_by, r.note});
    }
    return t;
}

void run_inspect_show(const InspectShowOptions& opt, Globals& g) {
    auto ctx = g.context(sec::k_checklists);
    const auto d = inspect::show_run(ctx, opt.run);
    auto options = g.render_options();
    if (options.format == output::Format::table && !g.quiet) {
        std::cout << fmt::format("run {} · {} · started {} · {} · {} target{} · by {}\n\n", d.run.id, d.run.checklist,
                                 core::format_time_short(d.run.started_at, ctx.zone()), inspect::status_name(d.run.status),
                                 d.run.target_count, d.run.target_count == 1 ? "" : "s", d.run.actor);
        if (options.columns.empty()) {
            options.columns = {"result", "target", "item", "kind", "status", "message", "recorded_by", "note"};
            options.max_cell_width = 100;
        }
        output::render(results_table(d.results, ctx), options, std::cout);
        return;
    }
    g.print(results_table(d.results, ctx));
}

void run_inspect_pending(const InspectPendingOptions&, Globals& g) {
    auto ctx = g.context(sec::k_checklists);
    g.print(results_table(inspect::pending_manual_items(ctx), ctx));
}

} // namespace

void register_inspect(CLI::App& app, Globals& g) {
    auto* group = app.add_subcommand("inspect", "Inspection checklists: built-in probes, plugins, manual items");
    group->require_subcommand(1);

    auto run_opt = std::make_shared<InspectRunOptions>();
    auto* run = group->add_subcommand(
        "run", "Run checklists now, record the results, exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN");
    run->add_option("checklists", run_opt->checklists, "Checklist names")->required();
    run->add_option("--target", run_opt->target, "Only this target (host name or asset tag)");
    run->add_option("-j,--jobs", run_opt->jobs, "Items run at the same time (default 4)");
    run->add_option("--timeout", run_opt->timeout, "Timeout of every item, e.g. 10s (default: the policy's)");
    run->add_flag("--no-record", run_opt->no_record, "Record nothing (log positions stay where they were)");
    run->add_flag("--ticket", run_opt->ticket, "Open tickets for failures even where the checklist does not ask");
    run->add_option("--out", run_opt->out,
                    "Write the output to FILE, whole and atomically (e.g. a node_exporter "
                    "textfile), not stdout");
    run->footer("Formats: table, csv, tsv, json, md, and prometheus, nagios, junit.\n"
                "Exit status: the worst item's: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (CRITICAL outranks\n"
                "UNKNOWN); pending manual items do not count; 64 for an unknown checklist.");
    run->callback([run_opt, &g] { run_inspect_run(*run_opt, g); });

    auto rec_opt = std::make_shared<InspectRecordOptions>();
    auto* rec = group->add_subcommand("record", "Answer a manual item of a run: --status ok|warn|fail");
    rec->add_option("run", rec_opt->run, "Run id")->required();
    rec->add_option("item", rec_opt->item, "Item name")->required();
    rec->add_option("--status", rec_opt->status, "ok, warn or fail (stored as ok, warning, critical)")->required();
    rec->add_option("--note", rec_opt->note, "What was found or done");
    rec->add_option("--target", rec_opt->target, "Which target, when the run had several");
    rec->callback([rec_opt, &g] { run_inspect_record(*rec_opt, g); });

    auto list_opt = std::make_shared<InspectListOptions>();
    auto* list = group->add_subcommand("list", "Checklists, their last run and when each is due");
    list->callback([list_opt, &g] { run_inspect_list(*list_opt, g); });

    auto due_opt = std::make_shared<InspectDueOptions>();
    auto* due = group->add_subcommand("due", "Checklists that are due or overdue (exit 1 if any)");
    due->callback([due_opt, &g] { run_inspect_due(*due_opt, g); });

    auto hist_opt = std::make_shared<InspectHistoryOptions>();
    auto* hist = group->add_subcommand("history", "Recorded runs, newest first");
    hist->add_option("checklist", hist_opt->checklist, "Only this checklist");
    hist->add_option("--since", hist_opt->since, "Runs started at or after this time");
    hist->add_flag("--failed", hist_opt->failed, "Only runs that were not OK");
    hist->add_option("--limit", hist_opt->limit, "At most this many runs (default 50)");
    hist->callback([hist_opt, &g] { run_inspect_history(*hist_opt, g); });

    auto show_opt = std::make_shared<InspectShowOptions>();
    auto* show = group->add_subcommand("show", "One run and its results");
    show->add_option("run", show_opt->run, "Run id")->required();
    show->callback([show_opt, &g] { run_inspect_show(*show_opt, g); });

    auto pend_opt = std::make_shared<InspectPendingOptions>();
    auto* pend = group->add_subcommand("pending", "Manual items waiting for an answer");
    pend->callback([pend_opt, &g] { run_inspect_pending(*pend_opt, g); });
}

} // namespace opsctl::cmd
