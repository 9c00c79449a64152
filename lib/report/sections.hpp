#pragma once
// Internal to lib/report: one builder per section of the review. Each returns nullopt when
// its group has nothing to show, and adds the rows it contributes to the action items.

#include "lib/context/context.hpp"
#include "lib/report/review.hpp"
#include "lib/store/report_common.hpp"

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
};

/// One row of the action items: what, about what, whose, and since when.
struct ActionItem {
    std::string kind;   // translated kind ("open problem")
    std::string item;   // "#12 数据库主从延迟" or a checklist item
    std::string owner;  // person id, or empty
    std::string detail; // priority / state / days overdue
    std::string since;  // local time
};

std::optional<Section> ticket_section(Context& ctx, const SectionInput& in, std::vector<ActionItem>& actions);
std::optional<Section> roster_section(Context& ctx, const SectionInput& in, std::vector<ActionItem>& actions);
std::optional<Section> inspect_section(Context& ctx, const SectionInput& in, std::vector<ActionItem>& actions);
std::optional<Section> backup_section(Context& ctx, const SectionInput& in, std::vector<ActionItem>& actions);
std::optional<Section> asset_section(Context& ctx, const SectionInput& in, std::vector<ActionItem>& actions);

/// The action items as a table (kind, item, owner, detail, since).
output::Table action_table(const std::vector<ActionItem>& actions, Language lang);

/// 100 * part / whole, nullopt when whole is 0.
std::optional<double> percent_of(std::int64_t part, std::int64_t whole);
/// The share as a table cell with one decimal, empty when whole is 0.
output::Cell percent_cell(std::int64_t part, std::int64_t whole);
/// A count as a figure value.
std::optional<double> count_value(std::int64_t value);
/// Appends "... and N more" under `kind` when `total` exceeds the `shown` items listed.
void add_more_actions(std::vector<ActionItem>& actions, const std::string& kind, std::int64_t total,
                      std::size_t shown, Language lang);
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
