#pragma once
// Building the monthly operations review, and the single tables of `report tickets|sla|...`.
// Public API: other groups may call build_monthly() (e.g. to mail the review) and
// report_table() for one table of a period.

#include "lib/context/context.hpp"
#include "lib/report/review.hpp"
#include "lib/store/report_common.hpp"

#include <optional>
#include <string>
#include <vector>

namespace opsctl::report {

/// A calendar month.
struct Month {
    int year = 1970;
    int month = 1;
    auto operator<=>(const Month&) const = default;
};

/// Parses "YYYY-MM"; nullopt when malformed.
std::optional<Month> parse_month(const std::string& text);
/// "YYYY-MM".
std::string format_month(const Month& m);
/// The month before.
Month previous_month(const Month& m);
/// The last full month before `now` in `zone` (in November, October).
Month last_full_month(std::int64_t now, const core::Zone& zone);
/// The month as [first day 00:00, first day of the next month 00:00) in `zone`.
store::ReportPeriod month_period(const Month& m, const core::Zone& zone);

/// What `report monthly` was asked for.
struct MonthlyRequest {
    Month month;
    Language lang = Language::en;
    bool full_lists = false; // every row of every list (for --out-dir's CSV files)
};

/// Builds the review of a month: only sections whose records exist; every figure with the
/// previous month's for comparison. Reads the database only.
Review build_monthly(Context& ctx, const MonthlyRequest& request);

/// The single tables of `opsctl report <name>`.
enum class TableName { tickets, sla, inspections, backups, assets, roster };
/// The name as the command line writes it.
const char* to_string(TableName name);
/// Every table name, in help order.
const std::vector<TableName>& table_names();
/// One table over [from, to): tickets by type and priority, SLA per priority, runs per
/// checklist, runs per backup job, assets by class, duty hours per person. An empty table
/// (with its columns) when the group has no records.
output::Table report_table(Context& ctx, TableName name, const store::ReportPeriod& period, Language lang);

} // namespace opsctl::report
