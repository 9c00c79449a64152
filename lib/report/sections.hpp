#pragma once
// Internal to lib/report: one builder per section of the review. Each returns nullopt when
// its group has nothing to show, and adds the rows it contributes to the action items.

#include "lib/context/context.hpp"
#include "lib/report/review.hpp"
#include "lib/store/report_common.hpp"
#include "lib/store/report_tickets.hpp"
#include "lib/store/report_trends.hpp"

#include <optional>
#include <string>
#include <vector>

namespace opsctl::report {

/// What a section builder gets: the month, the one before it, the language.
struct SectionInput {
    store::ReportPeriod current;
    store::ReportPeriod previous;
    std::vector<std::int64_t> day_starts; // each local day's start in the month, then its end
    Language lang = Language::en;
    std::int64_t until = 0;    // the month's end, or now in the month in progress
    bool full_lists = false;   // every row of every list (the CSV files), not only the first
    std::size_t list_rows = 10; // rows of each long list Markdown shows (report.list_limit)
    std::string duty_owner;    // who was on duty at the month's end: the owner of items nobody holds
    std::vector<std::int64_t> trend_bounds; // the starts of the last 12 months up to this one, then `until`
    std::vector<std::string> trend_labels;  // those months as YYYY-MM
    // The ticket figures of the month and of the one before (in that order), read once for the
    // ticket and workload sections (ticket_month_figures()).
    const std::vector<store::TicketPeriodFigures>* ticket_figures = nullptr;
    // The trend's months (store::ticket_trend()), counted in parts by both of the review's
    // threads; the trend section reads them itself when unset.
    const std::vector<store::TrendMonth>* trend = nullptr;
};

/// How many action items the review's first screen shows; the CSV file holds them all.
inline constexpr std::size_t k_top_rows = 10;

/// One row of the action items: what, about what, whose, how severe and since when.
struct ActionItem {
    std::string kind_code; // stable code ("open_problem")
    std::string kind;      // translated kind ("open problem")
    std::string item;      // "#12 数据库主从延迟" or a checklist item
    std::string owner;     // person id (or team), never empty
    std::string detail;    // priority / state / days overdue
    std::int64_t since = 0; // when it became an action item (0: unknown)
    int severity = 3;       // 1 critical, 2 high, 3 medium, 4 low
};

/// The action items as of the month's end: the rows kept (every row, or the first of each
/// kind by severity and age), and how many there are of each kind per owner.
struct ActionList {
    std::vector<ActionItem> items;
    struct Count {
        std::string kind_code, kind, owner;
        std::int64_t count = 0;
    };
    std::vector<Count> counts;
    /// Adds the kind's per-owner counts.
    void count(const std::string& kind_code, const std::string& kind, const std::string& owner, std::int64_t n);
};

/// The ticket figures of the month and of the one before it: `in.ticket_figures` when set,
/// else read now into `storage`.
const std::vector<store::TicketPeriodFigures>& ticket_month_figures(Context& ctx, const SectionInput& in,
                                                                    std::vector<store::TicketPeriodFigures>& storage);

std::optional<Section> ticket_section(Context& ctx, const SectionInput& in, ActionList& actions);
std::optional<Section> roster_section(Context& ctx, const SectionInput& in, ActionList& actions);
std::optional<Section> inspect_section(Context& ctx, const SectionInput& in, ActionList& actions);
std::optional<Section> backup_section(Context& ctx, const SectionInput& in, ActionList& actions);
std::optional<Section> asset_section(Context& ctx, const SectionInput& in, ActionList& actions);
/// Opened, closed, backlog and SLA attainment per month over the last 12 months, and the last 6 and 12 added up.
std::optional<Section> trend_section(Context& ctx, const SectionInput& in, ActionList& actions);
/// Opened, closed, open at the end and SLA attainment per team and per assignee.
std::optional<Section> workload_section(Context& ctx, const SectionInput& in, ActionList& actions);
/// The month's top-priority tickets and second-priority incidents with their durations.
std::optional<Section> incident_section(Context& ctx, const SectionInput& in, ActionList& actions);
/// Approvals, rejections and emergency moves of the month by person, and the emergency moves
/// awaiting their retrospective approval at the month's end (action items).
std::optional<Section> approval_section(Context& ctx, const SectionInput& in, ActionList& actions);

/// Pages of the month against the month before and per person: acknowledged, the median and
/// worst time to acknowledge, escalated, and never acknowledged (lib/report/paging.cpp).
std::optional<Section> paging_section(Context& ctx, const SectionInput& in, ActionList& actions);

/// How many rows of a long list to read: every one for the CSV files, else the first.
inline std::int64_t rows_to_read(const SectionInput& in, std::size_t shown) {
    return in.full_lists ? -1 : static_cast<std::int64_t>(shown);
}

/// The action items as a table (kind code and label, severity, item, owner, detail, since).
output::Table action_table(const Context& ctx, const std::vector<ActionItem>& actions, Language lang);
/// The severity's word ("critical", "high", ...).
std::string severity_word(int severity, Language lang);

/// 100 * part / whole, nullopt when whole is 0.
std::optional<double> percent_of(std::int64_t part, std::int64_t whole);
/// The share as a table cell with one decimal, empty when whole is 0.
output::Cell percent_cell(std::int64_t part, std::int64_t whole);
/// A count as a figure value.
std::optional<double> count_value(std::int64_t value);
/// The period's end, or now when the period runs past it: what "at the period's end" means
/// for the month in progress.
std::int64_t end_or_now(const Context& ctx, const store::ReportPeriod& p);

/// `text` with each "{name}" replaced by its value.
std::string fill(std::string text, const std::vector<std::pair<std::string, std::string>>& values);

/// Single tables (see report_table).
output::Table tickets_table(Context& ctx, const store::ReportPeriod& p, Language lang);
output::Table sla_table(Context& ctx, const store::ReportPeriod& p, Language lang);
output::Table roster_table(Context& ctx, const store::ReportPeriod& p, Language lang);
output::Table inspections_table(Context& ctx, const store::ReportPeriod& p, Language lang);
output::Table backups_table(Context& ctx, const store::ReportPeriod& p, Language lang);
output::Table assets_table(Context& ctx, const store::ReportPeriod& p, Language lang);

} // namespace opsctl::report
