// opsctl report monthly|tickets|sla|inspections|backups|assets|roster
#include "cmd/common.hpp"

#include "lib/core/date.hpp"
#include "lib/core/error.hpp"
#include "lib/core/relative_time.hpp"
#include "lib/report/monthly.hpp"
#include "lib/report/render.hpp"
#include "lib/util/file.hpp"

#include <fmt/format.h>

#include <iostream>
#include <sstream>

namespace opsctl::cmd {

namespace {

namespace ps = policy::section;
// The review reads every group's records; from the policy it needs the names and titles of
// ticket types and priorities, the roster (whose schedule is computed, not stored), the
// calendar and people it rests on, checklists and backup jobs (schedules, max_age), asset
// classes (cadences, service lives) and its own settings.
constexpr unsigned k_sections = ps::k_tickets | ps::k_report | ps::k_calendar | ps::k_people | ps::k_roster |
                                ps::k_checklists | ps::k_backups | ps::k_assets;

struct MonthlyOptions {
    std::string month, out, out_dir, lang;
};
struct TableOptions {
    report::TableName name = report::TableName::tickets;
    std::string from, to, lang;
};

report::Language language(const std::string& option, const Context& ctx) {
    if (!option.empty()) {
        return report::parse_language(option, "--lang");
    }
    return report::parse_language(ctx.policy.report.language, "report.language");
}

void run_report_monthly(const MonthlyOptions& o, Globals& g) {
    // The review's own formats: md (also for the default "table"), html (one page), json, and
    // csv or excel (the headline figures; --out-dir writes every table, in the spreadsheet
    // form with excel).
    std::string format = g.format == "table" ? "md" : g.format;
    if (format != "md" && format != "html" && format != "json" && format != "csv" && format != "excel") {
        throw UsageError(fmt::format("report monthly cannot write format '{}'", g.format),
                         "use md, html, csv, excel or json");
    }
    const auto csv_format = format == "excel" ? output::Format::excel : output::Format::csv;
    if (!o.out.empty() && !o.out_dir.empty()) {
        throw UsageError("--out and --out-dir cannot be used together", "--out-dir writes review.md and the CSVs");
    }
    auto ctx = g.context(k_sections);
    report::MonthlyRequest request;
    if (o.month.empty()) {
        request.month = report::last_full_month(ctx.now, ctx.zone());
    } else if (auto m = report::parse_month(o.month)) {
        request.month = *m;
    } else {
        throw UsageError(fmt::format("bad month '{}' for --month", o.month), "write YYYY-MM, e.g. 2026-10");
    }
    request.lang = language(o.lang, ctx);
    // The CSV files hold every row of every list; the Markdown alone shows the first.
    request.full_lists = !o.out_dir.empty();
    const auto review = report::build_monthly(ctx, request);
    if (!o.out_dir.empty()) {
        for (const auto& path : report::write_out_dir(review, o.out_dir, csv_format)) {
            std::cout << path.string() << '\n';
        }
        return;
    }
    std::ostringstream text;
    if (format == "md") {
        report::render_markdown(review, text);
    } else if (format == "html") {
        report::render_html(review, text);
    } else if (format == "json") {
        report::render_json(review, text);
    } else {
        report::render_figures_csv(review, text, csv_format);
    }
    if (!o.out.empty()) {
        util::write_file_atomic(o.out, text.str(), report::k_report_mode);
        return;
    }
    std::cout << text.str();
}

core::Date date_option(const Context& ctx, const std::string& text, const char* what, core::Bound bound) {
    auto d = core::parse_date_option(text, ctx.zone(), ctx.now, bound);
    if (!d) {
        throw UsageError(fmt::format("bad date '{}' for {}", text, what),
                         "write YYYY-MM-DD, today, yesterday, this week, last week, this month, last month or 7d");
    }
    return *d;
}

void run_report_table(const TableOptions& o, Globals& g) {
    auto ctx = g.context(k_sections);
    const auto month = report::last_full_month(ctx.now, ctx.zone());
    auto period = report::month_period(month, ctx.zone());
    if (!o.from.empty()) {
        period.start = ctx.zone().start_of(date_option(ctx, o.from, "--from", core::Bound::start));
    }
    if (!o.to.empty()) {
        // --to names the last day included.
        period.end = ctx.zone().start_of(core::add_days(date_option(ctx, o.to, "--to", core::Bound::end), 1));
    }
    if (period.end <= period.start) {
        throw UsageError("--to is before --from", "both dates are included: --from 2026-10-01 --to 2026-10-31");
    }
    // Three years at most: tables such as the roster's expand the period day by day.
    constexpr std::int64_t k_max_report_days = 1096;
    if (period.end - period.start > k_max_report_days * 86400 + 2 * 3600) {
        throw UsageError(fmt::format("the report period from {} to {} is longer than {} days",
                                     core::format_date(ctx.zone().date_of(period.start)),
                                     core::format_date(core::add_days(ctx.zone().date_of(period.end), -1)), k_max_report_days),
                         "ask for at most three years at a time");
    }
    g.print(report::report_table(ctx, o.name, period, language(o.lang, ctx)));
}

} // namespace

void register_report(CLI::App& app, Globals& g) {
    auto* group = app.add_subcommand("report", "The monthly operations review and its tables");
    group->require_subcommand(1);
    group->footer("Exit status: 0 ok; 1 a file could not be written; 64 usage; 78 bad policy.");
    {
        auto o = std::make_shared<MonthlyOptions>();
        auto* sub =
            group->add_subcommand("monthly", "The review of a month in Markdown (default), html, json, "
                                             "csv or excel (--format), for the monthly meeting");
        sub->add_option("--month", o->month, "YYYY-MM (default: the last full month in the site's time zone)")
            ->check([](const std::string& v) { return v.empty() ? std::string("an empty month (write YYYY-MM)") : ""; });
        sub->add_option("--out", o->out, "Write to FILE instead of stdout");
        sub->add_option("--out-dir", o->out_dir,
                        "Write review.md and one CSV per table into DIR (with --format excel: for "
                        "a spreadsheet)");
        sub->add_option("--lang", o->lang, "en or zh (default: report.language)");
        sub->callback([o, &g] { run_report_monthly(*o, g); });
    }
    const std::vector<std::pair<report::TableName, const char*>> tables = {
        {report::TableName::tickets, "Tickets opened by type and priority"},
        {report::TableName::sla, "SLA attainment per priority (response and resolution)"},
        {report::TableName::inspections, "Inspection runs, pass rate and overdue state per checklist"},
        {report::TableName::backups, "Backup runs, success, verification and days past max_age per job"},
        {report::TableName::assets, "Assets by class: in service, added, retired, disposed"},
        {report::TableName::roster, "Duty hours, handovers and attendance per person"},
    };
    for (const auto& [name, help] : tables) {
        auto o = std::make_shared<TableOptions>();
        o->name = name;
        auto* sub = group->add_subcommand(report::to_string(name), help);
        sub->add_option("--from", o->from, "First day YYYY-MM-DD (default: the last full month)");
        sub->add_option("--to", o->to, "Last day YYYY-MM-DD, included");
        sub->add_option("--lang", o->lang, "en or zh for column titles (default: report.language)");
        sub->callback([o, &g] { run_report_table(*o, g); });
    }
}

} // namespace opsctl::cmd
