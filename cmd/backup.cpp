// opsctl backup run|list|show|verify|prune|status|restore
#include "cmd/common.hpp"
#include "cmd/progress.hpp"
#include "lib/output/time.hpp"

#include "lib/backup/service.hpp"
#include "lib/core/duration.hpp"
#include "lib/core/error.hpp"
#include "lib/core/time.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <unistd.h>

namespace opsctl::cmd {

namespace {

namespace sec = policy::section;
constexpr unsigned k_sections = sec::k_site | sec::k_backups | sec::k_notify;

struct BackupRunOptions {
    std::vector<std::string> jobs;
    bool all = false;
    bool due = false;
};
struct BackupListOptions {
    std::string job;
    int limit = 0;
};
struct BackupShowOptions {
    std::int64_t run = 0;
};
struct BackupVerifyOptions {
    std::vector<std::string> targets;
    bool deep = false;
};
struct BackupPruneOptions {
    std::string job;
    bool dry_run = false;
};
struct BackupStatusOptions {
    std::string job;
};
struct BackupRestoreOptions {
    std::int64_t run = 0;
    std::string to;
    std::vector<std::string> only;
    bool force = false;
};

std::string mib(std::int64_t bytes) { return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20)); }

// A backup's progress: the share done and its MiB, or the MiB alone when the total is unknown.
backup::ProgressFn progress_of(ProgressLine& line) {
    if (!line.on()) {
        return {};
    }
    return [&line](const backup::Progress& p) {
        if (!line.due()) {
            return;
        }
        if (p.bytes_total > 0) {
            const double pct = 100.0 * static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total);
            line.show(fmt::format("{:3.0f}%  {} of {}", std::min(pct, 100.0), mib(p.bytes_done), mib(p.bytes_total)));
        } else {
            line.show(mib(p.bytes_done));
        }
    };
}

output::Cell opt_int(const std::optional<std::int64_t>& v) {
    return v ? output::Cell::integer(*v) : output::Cell::null();
}

output::Cell opt_time(const std::optional<std::int64_t>& t, const Context& ctx) {
    return output::time_cell(t, ctx.zone());
}

// A time inside a text cell, in the form of the output format (output::time_text).
std::string stamp(const Globals& g, const Context& ctx, std::int64_t t) {
    return output::time_text(t, ctx.zone(), output::parse_format(g.format).value_or(output::Format::table));
}

std::string verification_text(const backup::BackupRun& r, const Context& ctx, const Globals& g) {
    if (!r.verified_at) {
        return "";
    }
    return fmt::format("{}{} {}", r.verified_ok.value_or(false) ? "ok" : "FAILED",
                       r.verified_deep.value_or(false) ? " (deep)" : "", stamp(g, ctx, *r.verified_at));
}

// Values captured from a command job's output ({"snapshot": "1a2b"}) as "snapshot=1a2b".
std::string captured_text(const std::string& json) {
    if (json.empty()) {
        return "";
    }
    const auto j = nlohmann::json::parse(json, nullptr, false);
    if (!j.is_object()) {
        return "";
    }
    std::string out;
    for (const auto& [k, v] : j.items()) {
        out += fmt::format("{}{}={}", out.empty() ? "" : " ", k, v.is_string() ? v.get<std::string>() : v.dump());
    }
    return out;
}

// A recorded detail starts with "ok: " when all went well; the line that shows it already
// says ok, once.
std::string without_ok(const std::string& detail) {
    return detail.rfind("ok: ", 0) == 0 ? detail.substr(4) : detail;
}

std::string state_name(int s) {
    switch (s) {
    case backup::state::k_ok:
        return "OK";
    case backup::state::k_warning:
        return "WARNING";
    case backup::state::k_critical:
        return "CRITICAL";
    default:
        return "UNKNOWN";
    }
}

void run_backup_run(const BackupRunOptions& opt, Globals& g) {
    if (opt.all && !opt.jobs.empty()) {
        throw UsageError("name jobs or give --all, not both", "see 'opsctl backup run --help'");
    }
    auto ctx = g.context(k_sections, "backup.run");
    backup::RunRequest req;
    req.jobs = opt.jobs;
    // A bare `backup run`, as cron and systemd timers call it, runs every job that is due.
    req.all = opt.all || opt.jobs.empty();
    req.due = opt.due || (!opt.all && opt.jobs.empty());
    ProgressLine line("backing up");
    req.progress = progress_of(line);
    const auto outcomes = backup::run_jobs(ctx, req);
    output::Table t;
    t.add_column("run", "Run").add_column("job", "Job").add_column("status", "Status");
    t.add_column("size_bytes", "Size (bytes)").add_column("files", "Files").add_column("duration", "Duration");
    t.add_column("path", "Path").add_column("note", "Note");
    std::vector<std::string> failed;
    for (const auto& o : outcomes) {
        const bool ran = o.status != "skipped";
        t.add_row({ran ? output::Cell::integer(o.run_id) : output::Cell::null(), o.job, o.status,
                   ran && o.status == "success" ? output::Cell::integer(o.size_bytes) : output::Cell::null(),
                   ran && o.status == "success" ? output::Cell::integer(o.files) : output::Cell::null(),
                   ran ? output::Cell{core::format_seconds(o.duration_ms / 1000)} : output::Cell::null(), o.path,
                   o.status == "failed" ? o.error : o.warning});
        if (o.status == "failed") {
            failed.push_back(fmt::format("'{}': {}", o.job, o.error));
        } else if (o.status == "success" && !o.warning.empty()) {
            std::cerr << fmt::format("opsctl: warning: backup job '{}': {}\n", o.job, o.warning);
        }
    }
    g.print(t);
    if (!failed.empty()) {
        throw Failure(fmt::format("{} of {} backup job{} failed: {}", failed.size(), outcomes.size(),
                                  outcomes.size() == 1 ? "" : "s", fmt::join(failed, "; ")));
    }
}

void run_backup_list(const BackupListOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections);
    const auto runs = backup::list_runs(ctx, opt.job.empty() ? std::nullopt : std::optional(opt.job), opt.limit);
    output::Table t;
    t.add_column("id", "Run").add_column("job", "Job").add_column("started", "Started");
    t.add_column("duration", "Duration").add_column("size_bytes", "Size (bytes)").add_column("files", "Files");
    t.add_column("status", "Status").add_column("verified", "Last verification").add_column("path", "Path");
    t.add_column("error", "Error");
    for (const auto& r : runs) {
        std::string status = r.status;
        if (r.pruned_at) {
            status += " (pruned)";
        }
        t.add_row({output::Cell::integer(r.id), r.job, output::time_cell(r.started_at, ctx.zone()),
                   r.finished_at ? output::Cell{core::format_seconds(*r.finished_at - r.started_at)} : output::Cell::null(),
                   opt_int(r.size_bytes), opt_int(r.files), status, verification_text(r, ctx, g), r.path,
                   r.error.empty() ? r.warning : r.error});
    }
    g.print(t);
}

void run_backup_show(const BackupShowOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections);
    const auto d = backup::show_run(ctx, opt.run);
    const auto& r = d.run;
    output::Record rec;
    rec.add("id", "Run", output::Cell::integer(r.id));
    rec.add("job", "Job", r.job);
    rec.add("kind", "Kind", r.kind);
    rec.add("status", "Status", r.status);
    rec.add("started", "Started", output::time_cell(r.started_at, ctx.zone()));
    rec.add("finished", "Finished", output::time_cell(r.finished_at, ctx.zone()));
    rec.add("path", "Path", r.path);
    rec.add("size_bytes", "Size (bytes)", opt_int(r.size_bytes));
    rec.add("source_bytes", "Source bytes", opt_int(r.source_bytes));
    rec.add("files", "Members", opt_int(r.files));
    rec.add("sha256", "SHA-256", r.sha256);
    rec.add("manifest", "Manifest",
            r.kind == "command" ? "none (one command's output; its SHA-256 above)"
                                : fmt::format("last member '{}' of the archive", backup::k_manifest_member));
    rec.add("captured", "Captured", captured_text(r.captured));
    rec.add("error", "Error", r.error);
    rec.add("warning", "Warning", r.warning);
    rec.add("pruned", "Pruned", opt_time(r.pruned_at, ctx));
    rec.add("actor", "By", r.actor);
    rec.add("verifications", "Verifications", output::Cell::integer(static_cast<std::int64_t>(d.verifications.size())));
    if (!d.verifications.empty()) {
        const auto& v = d.verifications.back();
        rec.add("last_verification", "Last verification",
                fmt::format("{} {}{}: {}", stamp(g, ctx, v.at), v.ok ? "ok" : "FAILED",
                            v.deep ? " (deep)" : "", without_ok(v.detail)));
    }
    rec.add("restores", "Restore drills", output::Cell::integer(static_cast<std::int64_t>(d.restores.size())));
    if (!d.restores.empty()) {
        const auto& x = d.restores.back();
        rec.add("last_restore", "Last restore drill",
                fmt::format("{} {} in {} ms into '{}': {}", stamp(g, ctx, x.at),
                            x.ok ? "ok" : "FAILED", x.duration_ms, x.target, without_ok(x.detail)));
    }
    g.print(rec);
}

void run_backup_verify(const BackupVerifyOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections, "backup.verify");
    ProgressLine line("verifying");
    const auto outcomes = backup::verify(ctx, opt.targets, opt.deep, progress_of(line));
    output::Table t;
    t.add_column("run", "Run").add_column("job", "Job").add_column("deep", "Deep").add_column("result", "Result");
    t.add_column("detail", "Detail").add_column("path", "Path");
    std::vector<std::string> bad;
    for (const auto& o : outcomes) {
        t.add_row({output::Cell::integer(o.run_id), o.job, output::Cell::boolean(o.deep), o.ok ? "ok" : "FAILED",
                   o.detail, o.path});
        if (!o.ok) {
            bad.push_back(fmt::format("run {} ('{}'): {}", o.run_id, o.job, o.detail));
        }
    }
    g.print(t);
    if (!bad.empty()) {
        throw Error(backup::state::k_critical, fmt::format("verification failed: {}", fmt::join(bad, "; ")));
    }
}

void run_backup_prune(const BackupPruneOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections, "backup.prune");
    const auto decisions = backup::prune(ctx, opt.job.empty() ? std::nullopt : std::optional(opt.job), opt.dry_run);
    output::Table t;
    t.add_column("run", "Run").add_column("job", "Job").add_column("started", "Started");
    t.add_column("size_bytes", "Size (bytes)").add_column("decision", "Decision").add_column("path", "Path");
    for (const auto& d : decisions) {
        std::string decision;
        if (d.keep) {
            decision = fmt::format("kept by {}", fmt::join(d.reasons, ", "));
        } else {
            decision = d.deleted ? "deleted" : (opt.dry_run ? "would delete" : "not deleted");
        }
        if (!d.note.empty()) {
            decision += " (" + d.note + ")";
        }
        t.add_row({output::Cell::integer(d.run.id), d.run.job, output::time_cell(d.run.started_at, ctx.zone()),
                   opt_int(d.run.size_bytes), decision, d.run.path});
    }
    g.print(t);
}

void run_backup_status(const BackupStatusOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections);
    std::vector<backup::JobStatus> statuses;
    if (opt.job.empty()) {
        statuses = backup::job_statuses(ctx);
    } else {
        statuses.push_back(backup::job_status(ctx, opt.job));
    }
    output::Table t;
    t.add_column("job", "Job").add_column("state", "State").add_column("last_success", "Last success");
    t.add_column("age", "Age").add_column("max_age", "Max age").add_column("last_verified", "Last verification");
    t.add_column("size_bytes", "Size (bytes)").add_column("previous_size_bytes", "Previous size");
    t.add_column("summary", "Summary");
    for (const auto& s : statuses) {
        std::string verified;
        if (s.last_verified_at) {
            verified = fmt::format("{} {}", s.last_verification_ok.value_or(false) ? "ok" : "FAILED",
                                   stamp(g, ctx, *s.last_verified_at));
        }
        t.add_row({s.job, state_name(s.status), opt_time(s.last_success_at, ctx),
                   s.age_seconds ? output::Cell{core::format_seconds(*s.age_seconds)} : output::Cell::null(),
                   s.max_age_seconds ? output::Cell{core::format_seconds(*s.max_age_seconds)} : output::Cell::null(),
                   verified, opt_int(s.last_size_bytes), opt_int(s.previous_size_bytes), s.summary});
    }
    g.print(t);
    const int overall = backup::overall_status(statuses);
    if (overall != backup::state::k_ok) {
        std::vector<std::string> lines;
        for (const auto& s : statuses) {
            if (s.status == overall) {
                lines.push_back(fmt::format("'{}': {}", s.job, s.summary));
            }
        }
        throw Error(overall, fmt::format("backup status {}: {}", state_name(overall), fmt::join(lines, "; ")));
    }
}

void run_backup_restore(const BackupRestoreOptions& opt, Globals& g) {
    auto ctx = g.context(k_sections, "backup.restore");
    backup::RestoreRequest req;
    req.run_id = opt.run;
    req.target = opt.to;
    req.only = opt.only;
    req.force = opt.force;
    ProgressLine line("restoring");
    req.progress = progress_of(line);
    const auto o = backup::restore(ctx, req);
    for (const auto& w : o.warnings) {
        std::cerr << fmt::format("opsctl: warning: {}\n", w);
    }
    output::Record rec;
    rec.add("run", "Run", output::Cell::integer(o.run_id));
    rec.add("job", "Job", o.job);
    rec.add("target", "Target", o.target);
    rec.add("files", "Members", output::Cell::integer(o.files));
    rec.add("duration_ms", "Duration (ms)", output::Cell::integer(o.duration_ms));
    rec.add("result", "Result", o.ok ? "ok" : "FAILED");
    rec.add("detail", "Detail", o.detail);
    g.print(rec);
    if (!o.ok) {
        throw Failure(fmt::format("restore drill of run {} failed: {}", o.run_id, o.detail));
    }
}

} // namespace

void register_backup(CLI::App& app, Globals& g) {
    auto* group = app.add_subcommand("backup", "Backup jobs: run, verify, prune, status, restore drills");
    group->require_subcommand(1);

    auto run_opt = std::make_shared<BackupRunOptions>();
    auto* run = group->add_subcommand("run", "Run backup jobs; without names, every job that is due (exit 1 when one failed)");
    run->add_option("job", run_opt->jobs, "Jobs to run (default: every job that is due)");
    run->add_flag("--all", run_opt->all, "Run every job");
    run->add_flag("--due", run_opt->due, "Only jobs whose 'every' has passed since their last success");
    run->callback([run_opt, &g] { run_backup_run(*run_opt, g); });

    auto list_opt = std::make_shared<BackupListOptions>();
    auto* list = group->add_subcommand("list", "One row per run, newest first");
    list->add_option("job", list_opt->job, "Only this job");
    list->add_option("-n,--limit", list_opt->limit, "At most this many runs");
    list->callback([list_opt, &g] { run_backup_list(*list_opt, g); });

    auto show_opt = std::make_shared<BackupShowOptions>();
    auto* show = group->add_subcommand("show", "One run: manifest summary, verifications, restore drills");
    show->add_option("run", show_opt->run, "Run id")->required();
    show->callback([show_opt, &g] { run_backup_show(*show_opt, g); });

    auto verify_opt = std::make_shared<BackupVerifyOptions>();
    auto* verify = group->add_subcommand(
        "verify", "Re-hash backups, run command jobs' verify_command (exit 2 when missing, truncated, altered or failing)");
    verify->add_option("target", verify_opt->targets, "Jobs (their newest backup) or run ids; default: the newest backup of every job");
    verify->add_flag("--deep", verify_opt->deep,
                     "Extract into a temporary folder and compare every member with the manifest; command jobs run their "
                     "deep_verify_command (exit 64 when they have none)");
    verify->callback([verify_opt, &g] { run_backup_verify(*verify_opt, g); });

    auto prune_opt = std::make_shared<BackupPruneOptions>();
    auto* prune = group->add_subcommand("prune", "Delete backups that no 'keep' rule keeps");
    prune->add_option("job", prune_opt->job, "Only this job");
    prune->add_flag("-n,--dry-run", prune_opt->dry_run, "Say what would be deleted, delete nothing");
    prune->callback([prune_opt, &g] { run_backup_prune(*prune_opt, g); });

    auto status_opt = std::make_shared<BackupStatusOptions>();
    auto* status = group->add_subcommand(
        "status", "Per job: freshness against max_age, verification, size trend (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)");
    status->add_option("job", status_opt->job, "Only this job");
    status->callback([status_opt, &g] { run_backup_status(*status_opt, g); });

    auto restore_opt = std::make_shared<BackupRestoreOptions>();
    auto* restore = group->add_subcommand("restore", "Restore a run into a folder, recorded as a restore drill");
    restore->add_option("run", restore_opt->run, "Run id")->required();
    restore->add_option("--to", restore_opt->to, "Folder to restore into (empty unless --force)")->required();
    restore->add_option("--only", restore_opt->only, "Only these members (paths or folders)");
    restore->add_flag("--force", restore_opt->force,
                      "Restore into a non-empty folder, and restore an archive that does not verify (said on stderr; "
                      "without owners or setuid bits; the drill fails)");
    restore->callback([restore_opt, &g] { run_backup_restore(*restore_opt, g); });
}

} // namespace opsctl::cmd
