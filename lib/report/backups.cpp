// The backup part of the review: runs, success and verification per job, the time each job
// spent past its max_age, and restore drills, from lib/store/report_backup; jobs that were
// in trouble at the month's end become action items.
#include "lib/core/duration.hpp"
#include "lib/core/time.hpp"
#include "lib/report/sections.hpp"
#include "lib/report/targets.hpp"
#include "lib/report/text.hpp"
#include "lib/store/report_backup.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include <set>

namespace opsctl::report {

using output::Cell;
using output::Table;

namespace {

// One job's line of a period.
struct JobLine {
    std::string job, kind;
    store::BackupJobCounts counts;
    std::optional<core::Duration> max_age;
    std::optional<std::int64_t> stale_secs;
};

// Jobs of the policy and jobs with runs in the period (a job since removed from the policy
// still shows what it did), by name.
std::vector<JobLine> job_lines(Context& ctx, const store::ReportPeriod& p) {
    const auto counts = store::backup_runs_by_job(ctx.db, p);
    std::set<std::string> names;
    for (const auto& [name, job] : ctx.policy.backups.jobs) {
        names.insert(name);
    }
    for (const auto& c : counts) {
        names.insert(c.job);
    }
    // Staleness is measured up to now in the month in progress, never into the future.
    const store::ReportPeriod until_now{p.start, end_or_now(ctx, p)};
    std::vector<JobLine> out;
    for (const auto& name : names) {
        JobLine l;
        l.job = name;
        for (const auto& c : counts) {
            if (c.job == name) {
                l.counts = c;
                l.kind = c.kind;
            }
        }
        if (auto it = ctx.policy.backups.jobs.find(name); it != ctx.policy.backups.jobs.end()) {
            l.kind = policy::kind_name(it->second.kind);
            l.max_age = it->second.max_age;
            // The same 24x7 reading of max_age as `backup status` reports.
            if (l.max_age) {
                l.stale_secs = store::backup_stale_seconds(ctx.db, name, until_now, l.max_age->approx_seconds());
            }
        }
        out.push_back(std::move(l));
    }
    return out;
}

struct BackupMonth {
    std::vector<JobLine> jobs;
    std::int64_t runs = 0, success = 0, verified = 0, stale_secs = 0;
    bool stale_measured = false;
    std::pair<std::int64_t, std::int64_t> drills;
};

BackupMonth backup_month(Context& ctx, const store::ReportPeriod& p) {
    BackupMonth m;
    m.jobs = job_lines(ctx, p);
    for (const auto& j : m.jobs) {
        m.runs += j.counts.runs;
        m.success += j.counts.success;
        m.verified += j.counts.verified;
        // The worst job's time past its max_age: a share of the month, never more than it
        // (a sum over jobs could say 43 days in a 31-day month).
        if (j.stale_secs) {
            m.stale_secs = std::max(m.stale_secs, *j.stale_secs);
            m.stale_measured = true;
        }
    }
    m.drills = store::restore_drill_counts(ctx.db, p);
    return m;
}

double days_of(std::int64_t secs) { return static_cast<double>(secs) / 86400.0; }

Table job_table(const std::vector<JobLine>& jobs, Language lang) {
    Table t;
    t.add_column("job", tr(lang, "col.job"))
        .add_column("kind", tr(lang, "col.kind"))
        .add_column("runs", tr(lang, "col.runs"))
        .add_column("success", tr(lang, "col.success"))
        .add_column("failed", tr(lang, "col.failed"))
        .add_column("success_rate", tr(lang, "col.success_rate"))
        .add_column("verified", tr(lang, "col.verified"))
        .add_column("verification_rate", tr(lang, "col.verification_rate"))
        .add_column("max_age", tr(lang, "col.max_age"))
        .add_column("days_past_max_age", tr(lang, "col.days_past_max_age"));
    for (const auto& j : jobs) {
        const auto& c = j.counts;
        t.add_row({j.job, j.kind, Cell::integer(c.runs), Cell::integer(c.success), Cell::integer(c.failed),
                   percent_cell(c.success, c.runs), Cell::integer(c.verified), percent_cell(c.verified, c.success),
                   j.max_age ? Cell(core::format_duration(*j.max_age)) : Cell::null(),
                   j.stale_secs ? Cell::number(days_of(*j.stale_secs), 1) : Cell::null()});
    }
    return t;
}

} // namespace

Table backups_table(Context& ctx, const store::ReportPeriod& p, Language lang) {
    return job_table(job_lines(ctx, p), lang);
}

std::optional<Section> backup_section(Context& ctx, const SectionInput& in, ActionList& actions) {
    if (ctx.policy.backups.jobs.empty() && !store::report_has_backups(ctx.db)) {
        return std::nullopt;
    }
    const Language lang = in.lang;
    const auto cur = backup_month(ctx, in.current);
    const auto prev = backup_month(ctx, in.previous);

    Section s;
    s.key = "backups";
    s.title = tr(lang, "backups.title");
    auto add = [&](std::string key, Unit unit, std::optional<double> v, std::optional<double> p) {
        s.figures.push_back({key, tr(lang, "fig." + key), unit, v, p});
    };
    auto stale = [](const BackupMonth& m) {
        return m.stale_measured ? std::optional<double>(days_of(m.stale_secs)) : std::nullopt;
    };
    add("backup_runs", Unit::count, count_value(cur.runs), count_value(prev.runs));
    add("backup_success", Unit::percent, percent_of(cur.success, cur.runs), percent_of(prev.success, prev.runs));
    s.figures.back().n = cur.runs;
    s.figures.back().target = k_target_backup_success;
    s.figures.back().in_summary = true;
    add("backup_verified", Unit::percent, percent_of(cur.verified, cur.success),
        percent_of(prev.verified, prev.success));
    add("days_past_max_age", Unit::days, stale(cur), stale(prev));
    add("restore_drills", Unit::count, count_value(cur.drills.first), count_value(prev.drills.first));
    add("restore_drills_ok", Unit::count, count_value(cur.drills.second), count_value(prev.drills.second));
    auto shown = [&](std::size_t i) { return format_value(s.figures[i], s.figures[i].value, lang); };
    s.sentences.push_back(fill(tr(lang, "sentence.backups"), {{"runs", shown(0)},
                                                              {"success", shown(1)},
                                                              {"w_runs", plural(lang, "noun.backup_run", cur.runs)},
                                                              {"w_drills", plural(lang, "noun.restore_drill", cur.drills.first)},
                                                              {"verified", shown(2)},
                                                              {"stale", shown(3)},
                                                              {"drills", shown(4)},
                                                              {"drills_ok", shown(5)}}));

    s.tables.push_back({"backups_by_job", tr(lang, "tbl.backups"), job_table(cur.jobs, lang)});

    const auto drills = store::restore_drills(ctx.db, in.current, rows_to_read(in, in.list_rows));
    ReviewTable d{"restore_drills", tr(lang, "tbl.restore_drills"), {}};
    d.md_rows = in.list_rows;
    d.total = drills.empty() ? 0 : drills.front().total;
    d.table.add_column("at", tr(lang, "col.at"))
        .add_column("job", tr(lang, "col.job"))
        .add_column("run", tr(lang, "col.backup_run"))
        .add_column("duration_s", tr(lang, "col.duration_s"))
        .add_column("files", tr(lang, "col.files"))
        .add_column("result", tr(lang, "col.result"))
        .add_column("by", tr(lang, "col.by"));
    for (const auto& r : drills) {
        d.table.add_row({core::format_time_short(r.at, ctx.zone()), r.job, Cell::integer(r.run_id),
                         Cell::number(static_cast<double>(r.duration_ms) / 1000.0, 1), Cell::integer(r.files),
                         r.ok ? "ok" : "failed", r.actor});
    }
    s.tables.push_back(std::move(d));
    // Jobs in trouble at the month's end, read as `backup status` reads them now: the last run
    // failed, no successful backup, the newest one past max_age, or the last verification failed.
    const std::string kind = tr(lang, "action.backup_critical");
    std::int64_t n = 0;
    for (const auto& [name, job] : ctx.policy.backups.jobs) {
        const auto st = store::backup_job_at(ctx.db, name, in.until);
        if (!st.last_run_id) {
            continue;
        }
        std::vector<std::string> why;
        if (st.last_status == "failed") {
            why.push_back(fmt::format("last run {} failed: {}", *st.last_run_id, st.last_error));
        }
        if (!st.last_success_at) {
            why.push_back("no successful backup");
        } else if (job.max_age && core::add_calendar(*st.last_success_at, *job.max_age, ctx.zone()) < in.until) {
            why.push_back(fmt::format("newest backup was {} old at the month's end, past max_age {}",
                                      core::format_seconds(in.until - *st.last_success_at),
                                      core::format_duration(*job.max_age)));
        }
        if (st.failed_verification_run) {
            why.push_back(fmt::format("last verification of run {} failed", *st.failed_verification_run));
        }
        if (why.empty()) {
            continue;
        }
        actions.items.push_back({"backup_critical", kind, name, in.duty_owner, fmt::format("{}", fmt::join(why, "; ")),
                                 st.last_success_at.value_or(st.last_finished_at.value_or(0)), 1});
        ++n;
    }
    actions.count("backup_critical", kind, in.duty_owner, n);
    return s;
}

} // namespace opsctl::report
