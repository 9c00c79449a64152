#include "lib/report/monthly.hpp"

#include "lib/core/error.hpp"
#include "lib/core/time.hpp"
#include "lib/report/sections.hpp"
#include "lib/report/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace opsctl::report {

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

void add_more_actions(std::vector<ActionItem>& actions, const std::string& kind, std::int64_t total,
                      std::size_t shown, Language lang) {
    if (total <= static_cast<std::int64_t>(shown)) {
        return;
    }
    actions.push_back(
        {kind, fill(tr(lang, "list.more"), {{"more", std::to_string(total - static_cast<std::int64_t>(shown))}}), "",
         "", ""});
}

std::int64_t end_or_now(const Context& ctx, const store::ReportPeriod& p) { return std::min(p.end, ctx.now); }

Table action_table(const std::vector<ActionItem>& actions, Language lang) {
    Table t;
    t.add_column("kind", tr(lang, "col.kind"))
        .add_column("item", tr(lang, "col.item"))
        .add_column("owner", tr(lang, "col.owner"))
        .add_column("detail", tr(lang, "col.detail"))
        .add_column("since", tr(lang, "col.since"));
    for (const auto& a : actions) {
        t.add_row({a.kind, a.item, a.owner, a.detail, a.since});
    }
    return t;
}

namespace {

std::vector<std::int64_t> day_starts(const Month& m, const core::Zone& zone) {
    std::vector<std::int64_t> out;
    const core::Date first{m.year, m.month, 1};
    const int days = core::days_in_month(m.year, m.month);
    for (int d = 0; d <= days; ++d) {
        out.push_back(zone.start_of(core::add_days(first, d)));
    }
    return out;
}

} // namespace

Review build_monthly(Context& ctx, const MonthlyRequest& request) {
    // The review reads two months of every table and their indexes, some twice: with
    // SQLite's default 2 MiB of cache, the kernel copying the same pages in again was an
    // eighth of its time (0.3 s of system time on the full-scale bench database).
    ctx.db.set_page_cache_mib(32);
    const auto& zone = ctx.zone();
    const Language lang = request.lang;
    Review review;
    review.lang = lang;
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
    in.previous = month_period(previous_month(request.month), zone);
    in.day_starts = day_starts(request.month, zone);
    in.lang = lang;

    std::vector<ActionItem> actions;
    // One read transaction, so that every figure comes from the same snapshot even while
    // other commands write.
    SQLite::Transaction snapshot(ctx.db.sql(), SQLite::TransactionBehavior::DEFERRED);
    for (auto* builder : {&ticket_section, &inspect_section, &backup_section, &asset_section, &roster_section}) {
        if (auto section = builder(ctx, in, actions)) {
            review.sections.push_back(std::move(*section));
        }
    }
    if (!review.sections.empty()) {
        Section s;
        s.key = "actions";
        s.title = tr(lang, "actions.title");
        s.sentences.push_back(tr(lang, actions.empty() ? "actions.none" : "actions.intro"));
        if (!actions.empty()) {
            s.tables.push_back({"action_items", tr(lang, "tbl.actions"), action_table(actions, lang)});
        }
        review.sections.push_back(std::move(s));
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
