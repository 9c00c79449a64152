#include "lib/report/monthly.hpp"

#include "lib/core/error.hpp"
#include "lib/core/time.hpp"
#include "lib/report/sections.hpp"
#include "lib/report/text.hpp"
#include "lib/roster/duty.hpp"
#include "lib/store/database.hpp"
#include "lib/store/notify_repo.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <thread>
#include <limits>
#include <tuple>

namespace opsctl::report {

using output::Cell;
using output::Table;

std::optional<Month> parse_month(const std::string& text) {
    if (text.size() != 7 || text[4] != '-') {
        return std::nullopt;
    }
    const auto date = core::parse_date(text + "-01");
    if (!date) {
        return std::nullopt;
    }
    return Month{date->year, date->month};
}

std::string format_month(const Month& m) { return fmt::format("{:04}-{:02}", m.year, m.month); }

Month previous_month(const Month& m) {
    return m.month == 1 ? Month{m.year - 1, 12} : Month{m.year, m.month - 1};
}

Month last_full_month(std::int64_t now, const core::Zone& zone) {
    const auto today = zone.date_of(now);
    return previous_month(Month{today.year, today.month});
}

store::ReportPeriod month_period(const Month& m, const core::Zone& zone) {
    const core::Date first{m.year, m.month, 1};
    return {zone.start_of(first), zone.start_of(core::add_months(first, 1))};
}

std::string fill(std::string text, const std::vector<std::pair<std::string, std::string>>& values) {
    for (const auto& [name, value] : values) {
        const std::string key = "{" + name + "}";
        for (auto pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos + value.size())) {
            text.replace(pos, key.size(), value);
        }
    }
    return text;
}

std::optional<double> percent_of(std::int64_t part, std::int64_t whole) {
    if (whole <= 0) {
        return std::nullopt;
    }
    return 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

output::Cell percent_cell(std::int64_t part, std::int64_t whole) {
    const auto p = percent_of(part, whole);
    return p ? output::Cell::number(*p, 1) : output::Cell::null();
}

std::optional<double> count_value(std::int64_t value) { return static_cast<double>(value); }

std::int64_t end_or_now(const Context& ctx, const store::ReportPeriod& p) { return std::min(p.end, ctx.now); }

void ActionList::count(const std::string& kind_code, const std::string& kind, const std::string& owner,
                       std::int64_t n) {
    if (n <= 0) {
        return;
    }
    for (auto& c : counts) {
        if (c.kind_code == kind_code && c.owner == owner) {
            c.count += n;
            return;
        }
    }
    counts.push_back({kind_code, kind, owner, n});
}

std::string severity_word(int severity, Language lang) {
    return tr(lang, fmt::format("severity.{}", std::clamp(severity, 1, 4)));
}

Table action_table(const Context& ctx, const std::vector<ActionItem>& actions, Language lang) {
    Table t;
    t.add_column("severity", tr(lang, "col.severity"))
        .add_column("severity_label", tr(lang, "col.severity_label"))
        .add_column("kind", tr(lang, "col.kind"))
        .add_column("kind_label", tr(lang, "col.kind_label"))
        .add_column("item", tr(lang, "col.item"))
        .add_column("owner", tr(lang, "col.owner"))
        .add_column("detail", tr(lang, "col.detail"))
        .add_column("since", tr(lang, "col.since"));
    for (const auto& a : actions) {
        t.add_row({Cell::integer(a.severity), severity_word(a.severity, lang), a.kind_code, a.kind, a.item, a.owner,
                   a.detail, a.since > 0 ? Cell(core::format_time_short(a.since, ctx.zone())) : Cell::null()});
    }
    return t;
}

namespace {

// Each of the review's two connections (see build_monthly).
constexpr int k_review_cache_mib = 24;

std::vector<std::int64_t> day_starts(const Month& m, const core::Zone& zone) {
    std::vector<std::int64_t> out;
    const core::Date first{m.year, m.month, 1};
    const int days = core::days_in_month(m.year, m.month);
    for (int d = 0; d <= days; ++d) {
        out.push_back(zone.start_of(core::add_days(first, d)));
    }
    return out;
}

// Who holds what nobody holds: the first person on duty (rotation policy order) at the last
// second of the month, or the first person of the policy.
std::string duty_owner(const Context& ctx, std::int64_t at) {
    if (!ctx.policy.roster.rotations.empty()) {
        const auto duties = roster::on_duty(ctx, at);
        if (!duties.empty()) {
            return duties.front().person;
        }
    }
    return "-";
}

Section summary_section(const Review& review) {
    Section s;
    s.key = "summary";
    s.title = tr(review.lang, "summary.title");
    s.sentences.push_back(tr(review.lang, "summary.intro"));
    return s;
}

Section action_section(const Context& ctx, ActionList& actions, bool full, std::size_t list_rows, Language lang) {
    Section s;
    s.key = "actions";
    s.title = tr(lang, "actions.title");
    s.sentences.push_back(tr(lang, actions.items.empty() ? "actions.none" : "actions.intro"));
    if (actions.items.empty()) {
        return s;
    }
    // Most severe first, then the oldest; items without a time after those with one.
    std::stable_sort(actions.items.begin(), actions.items.end(), [](const ActionItem& a, const ActionItem& b) {
        const auto since_a = a.since > 0 ? a.since : std::numeric_limits<std::int64_t>::max();
        const auto since_b = b.since > 0 ? b.since : std::numeric_limits<std::int64_t>::max();
        return std::tie(a.severity, since_a) < std::tie(b.severity, since_b);
    });
    std::int64_t total = 0;
    for (const auto& c : actions.counts) {
        total += c.count;
    }
    const std::vector<ActionItem> top(actions.items.begin(),
                                      actions.items.begin() + static_cast<std::ptrdiff_t>(
                                                                  std::min(k_top_rows, actions.items.size())));
    ReviewTable first{"top_action_items", tr(lang, "tbl.top_actions"), action_table(ctx, top, lang)};
    s.tables.push_back(std::move(first));
    ReviewTable by_owner{"action_items_by_owner", tr(lang, "tbl.actions_by_owner"), {}};
    by_owner.table.add_column("kind", tr(lang, "col.kind"))
        .add_column("kind_label", tr(lang, "col.kind_label"))
        .add_column("owner", tr(lang, "col.owner"))
        .add_column("count", tr(lang, "col.count"));
    auto counts = actions.counts;
    std::stable_sort(counts.begin(), counts.end(), [](const ActionList::Count& a, const ActionList::Count& b) {
        return std::tie(a.kind_code, b.count, a.owner) < std::tie(b.kind_code, a.count, b.owner);
    });
    for (const auto& c : counts) {
        by_owner.table.add_row({c.kind_code, c.kind, c.owner, Cell::integer(c.count)});
    }
    by_owner.md_rows = list_rows;
    s.tables.push_back(std::move(by_owner));
    if (full) {
        ReviewTable all{"action_items", tr(lang, "tbl.actions"), action_table(ctx, actions.items, lang)};
        all.md_rows = list_rows;
        all.total = total;
        s.tables.push_back(std::move(all));
    }
    return s;
}

// The detail tables a team lead reads after the meeting rather than in it: long per-day,
// per-person and per-item lists, and the grids whose sums the main part already shows.
// Markdown and HTML put them in the appendix; CSV and JSON hold them as before.
bool in_appendix(const std::string& table_key) {
    static const std::vector<std::string> k_keys = {
        "tickets_by_type_priority", "tickets_per_day",  "breached_tickets", "workload_by_assignee", "assets_ending_by_owner",
        "trend_summary",            "trend_by_month",   "maintenance_due",  "assets_ending",
        "roster_duty",              "approval_decisions"};
    return std::find(k_keys.begin(), k_keys.end(), table_key) != k_keys.end();
}

} // namespace

Review build_monthly(Context& ctx, const MonthlyRequest& request) {
    // The review reads two months of every table and their indexes, some twice: with
    // SQLite's default 2 MiB of cache, the kernel copying the same pages in again was an
    // eighth of its time (0.3 s of system time on the full-scale bench database).
    ctx.db.set_page_cache_mib(k_review_cache_mib);
    const auto& zone = ctx.zone();
    const Language lang = request.lang;
    Review review;
    review.lang = lang;
    review.full_lists = request.full_lists;
    review.title = tr(lang, "review.title");
    review.site = ctx.policy.site.name;
    review.month = format_month(request.month);
    review.previous_month = format_month(previous_month(request.month));
    const core::Date first{request.month.year, request.month.month, 1};
    const core::Date last{request.month.year, request.month.month,
                          core::days_in_month(request.month.year, request.month.month)};
    review.period = fmt::format("{} .. {} ({})", core::format_date(first), core::format_date(last), zone.name());
    review.generated = core::format_time(ctx.now, zone);

    SectionInput in;
    in.current = month_period(request.month, zone);
    if (in.current.start > ctx.now) {
        // Nothing of it has happened: every figure would be "as of now" under a future title.
        throw UsageError(fmt::format("month '{}' has not begun", format_month(request.month)),
                         fmt::format("the month in progress is {}",
                                     format_month(Month{zone.date_of(ctx.now).year, zone.date_of(ctx.now).month})));
    }
    in.previous = month_period(previous_month(request.month), zone);
    in.day_starts = day_starts(request.month, zone);
    in.lang = lang;
    // Everything is read as it stood at the month's end (or now, in the month in progress),
    // so that a past month's review is the same whenever it is generated.
    in.until = end_or_now(ctx, in.current);
    in.full_lists = request.full_lists;
    in.list_rows = ctx.policy.report.list_limit;
    in.duty_owner = duty_owner(ctx, in.until - 1);
    // The trend's months: the 11 before this one and this one, bounded by local midnights
    // (months are not all the same length, nor, with DST, their days).
    Month m = request.month;
    for (int i = 0; i < 11; ++i) {
        m = previous_month(m);
    }
    for (int i = 0; i < 12; ++i, m = m.month == 12 ? Month{m.year + 1, 1} : Month{m.year, m.month + 1}) {
        in.trend_bounds.push_back(month_period(m, zone).start);
        in.trend_labels.push_back(format_month(m));
    }
    in.trend_bounds.push_back(in.until);

    // The sections in their order, each with the action items it adds. Two threads build
    // them, each on its own connection, in the same snapshot (one read transaction on each,
    // so that every figure comes from the same instant even while other commands write): the
    // main one the ticket sections, which share one read of the tickets, and the second the
    // other jobs, largest first; whichever is free takes the next of those. The trend's
    // months are two of the jobs (the half year before and the last one), joined by the
    // main thread at the end: as one job it left one thread busy for a sixth of the review
    // while the other waited. On 2 cores the review then takes about half its CPU time.
    using Builder = std::optional<Section> (*)(Context&, const SectionInput&, ActionList&);
    const std::vector<Builder> builders = {&ticket_section,  &incident_section, &approval_section,
                                           &workload_section, &trend_section,   &inspect_section,
                                           &backup_section,  &asset_section,    &roster_section,
                                           &paging_section};
    constexpr std::size_t k_trend_builder = 4;
    const std::vector<std::size_t> ticket_builders = {0, 1, 3};
    std::vector<std::optional<Section>> built(builders.size());
    std::vector<ActionList> added(builders.size());
    const bool has_tickets = store::report_has_tickets(ctx.db);
    const std::size_t half = in.trend_bounds.size() / 2;
    std::vector<store::TrendMonth> early, late;
    std::int64_t backlog_at_end = 0;
    auto build = [&](std::size_t i) {
        return [&, i](Context& c) { built[i] = builders[i](c, in, added[i]); };
    };
    std::vector<std::function<void(Context&)>> shared_jobs = {build(7)}; // assets
    if (has_tickets) {
        shared_jobs.push_back([&](Context& c) {
            const std::vector<std::int64_t> bounds(in.trend_bounds.begin(), in.trend_bounds.begin() + half + 1);
            early = store::ticket_trend_months(c.db, bounds);
        });
        shared_jobs.push_back([&](Context& c) {
            const std::vector<std::int64_t> bounds(in.trend_bounds.begin() + half, in.trend_bounds.end());
            late = store::ticket_trend_months(c.db, bounds);
            backlog_at_end = store::ticket_backlog_at(c.db, in.trend_bounds.back());
        });
    }
    for (const auto i : {5, 8, 6, 2, 9}) { // inspections, roster, backups, approvals, paging
        shared_jobs.push_back(build(i));
    }
    {
        auto twin = ctx.db.open_twin();
        twin->set_page_cache_mib(k_review_cache_mib);
        store::SharedReadTransaction snapshot(ctx.db, *twin);
        Context side{ctx.policy, *twin, ctx.now, ctx.actor};
        std::atomic<std::size_t> next_shared{0};
        auto take_shared = [&](Context& c) {
            for (std::size_t k; (k = next_shared.fetch_add(1)) < shared_jobs.size();) {
                shared_jobs[k](c);
            }
        };
        std::exception_ptr side_error;
        std::thread worker([&] {
            try {
                take_shared(side);
            } catch (...) {
                side_error = std::current_exception();
                next_shared = shared_jobs.size(); // nothing more to take
            }
        });
        std::exception_ptr main_error;
        try {
            // The ticket and workload sections share one read of the two months' tickets.
            SectionInput main_in = in;
            std::vector<store::TicketPeriodFigures> figures;
            if (has_tickets) {
                main_in.ticket_figures = &ticket_month_figures(ctx, in, figures);
            }
            for (const auto i : ticket_builders) {
                built[i] = builders[i](ctx, main_in, added[i]);
            }
            take_shared(ctx);
        } catch (...) {
            main_error = std::current_exception();
            next_shared = shared_jobs.size();
        }
        worker.join();
        for (const auto& e : {main_error, side_error}) {
            if (e) {
                std::rethrow_exception(e);
            }
        }
        std::vector<store::TrendMonth> trend;
        SectionInput trend_in = in;
        if (has_tickets) {
            trend = std::move(early);
            trend.insert(trend.end(), late.begin(), late.end());
            store::chain_backlog(trend, backlog_at_end);
            trend_in.trend = &trend;
        }
        built[k_trend_builder] = builders[k_trend_builder](ctx, trend_in, added[k_trend_builder]);
    }
    ActionList actions;
    std::vector<Section> sections;
    for (std::size_t i = 0; i < builders.size(); ++i) {
        for (auto& item : added[i].items) {
            actions.items.push_back(std::move(item));
        }
        for (const auto& c : added[i].counts) {
            actions.count(c.kind_code, c.kind, c.owner, c.count);
        }
        if (built[i]) {
            sections.push_back(std::move(*built[i]));
        }
    }
    // Notifications of the month that were given up on: nobody heard of what they announced.
    // Whoever is on duty at the month's end sees to the channel.
    if (store::report_table_exists(ctx.db, "notifications")) {
        const std::string kind = tr(lang, "action.notification_failed");
        const std::string owner = in.duty_owner.empty() ? "-" : in.duty_owner;
        for (const auto& n : store::failed_notifications(ctx.db, in.current.start, in.until)) {
            actions.items.push_back({"notification_failed", kind, fmt::format("{} → {} #{}", n.kind, n.channel, n.id),
                                     owner, n.last_error, n.created_at, 2});
            actions.count("notification_failed", kind, owner, 1);
        }
    }
    if (!sections.empty()) {
        review.sections.push_back(summary_section(review));
        review.sections.push_back(action_section(ctx, actions, request.full_lists, in.list_rows, lang));
        for (auto& section : sections) {
            for (auto& t : section.tables) {
                t.appendix = in_appendix(t.key);
            }
            review.sections.push_back(std::move(section));
        }
    }
    return review;
}

const char* to_string(TableName name) {
    switch (name) {
    case TableName::tickets:
        return "tickets";
    case TableName::sla:
        return "sla";
    case TableName::inspections:
        return "inspections";
    case TableName::backups:
        return "backups";
    case TableName::assets:
        return "assets";
    case TableName::roster:
        return "roster";
    }
    return "tickets";
}

const std::vector<TableName>& table_names() {
    static const std::vector<TableName> k_names = {TableName::tickets,     TableName::sla,
                                                   TableName::inspections, TableName::backups,
                                                   TableName::assets,      TableName::roster};
    return k_names;
}

Table report_table(Context& ctx, TableName name, const store::ReportPeriod& period, Language lang) {
    switch (name) {
    case TableName::tickets:
        return tickets_table(ctx, period, lang);
    case TableName::sla:
        return sla_table(ctx, period, lang);
    case TableName::roster:
        return roster_table(ctx, period, lang);
    case TableName::inspections:
        return inspections_table(ctx, period, lang);
    case TableName::backups:
        return backups_table(ctx, period, lang);
    case TableName::assets:
        return assets_table(ctx, period, lang);
    }
    throw Failure(fmt::format("no report table '{}'", to_string(name)));
}

} // namespace opsctl::report
