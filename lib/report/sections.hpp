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

/// The action items as a table (kind, item, owner, detail, since).
output::Table action_table(const std::vector<ActionItem>& actions, Language lang);

/// `text` with each "{name}" replaced by its value.
std::string fill(std::string text, const std::vector<std::pair<std::string, std::string>>& values);

/// Single tables (see report_table).
output::Table tickets_table(Context& ctx, const store::ReportPeriod& p, Language lang);
output::Table sla_table(Context& ctx, const store::ReportPeriod& p, Language lang);
output::Table roster_table(Context& ctx, const store::ReportPeriod& p, Language lang);

} // namespace opsctl::report
