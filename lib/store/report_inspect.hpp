#pragma once
// The review's inspection aggregates over inspect_runs and inspect_results (see
// schema_inspect.cpp). A run counts in a period when it started in it; its results count
// with it. A result "fails" with status WARNING (1) or CRITICAL (2); a manual result is
// "left pending" when it had no answer by the period's end.

#include "lib/store/report_common.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::store {

/// Runs of one checklist in a period by their worst answered status; `ok` only counts runs
/// with every item answered, `pending` the runs with a manual item still unanswered.
struct ChecklistRunCounts {
    std::string checklist;
    std::int64_t runs = 0, ok = 0, warning = 0, critical = 0, unknown = 0, pending = 0;
};

/// The inspection totals of a period.
struct InspectTotals {
    std::int64_t runs = 0;            // runs started in the period
    std::int64_t passed = 0;          // of those, with every item answered and OK
    std::int64_t failed_results = 0;  // results WARNING or CRITICAL
    std::int64_t pending = 0;         // manual results still unanswered at the period's end
};

/// An item that failed in a period, with how it stood at the period's end.
struct FailedItem {
    std::string checklist, item;
    std::int64_t failures = 0;      // failing results in the period
    std::int64_t targets = 0;       // distinct targets it failed on
    std::int64_t still_failing = 0; // of those targets, failing in their last result before the end
};

/// A manual result left pending at the period's end; `total` counts all before the limit.
struct PendingResult {
    std::int64_t total = 0;
    std::int64_t run_id = 0;
    std::string checklist, item, target;
    std::int64_t started_at = 0;
};

/// True when any inspection run is recorded.
bool report_has_inspections(Database& db);
/// A period's runs as they stood at its end: the totals, and the runs per checklist (by name).
struct InspectPeriod {
    InspectTotals totals;
    std::vector<ChecklistRunCounts> by_checklist;
};
/// The totals and runs per checklist of the period, from one read of its runs' results.
InspectPeriod inspect_period(Database& db, const ReportPeriod& p);
/// The items with the most failing results in the period, most first, at most `limit`.
std::vector<FailedItem> most_failed_items(Database& db, const ReportPeriod& p, std::int64_t limit);
/// Manual results of the period's runs unanswered at its end, oldest first, at most `limit`.
std::vector<PendingResult> pending_results(Database& db, const ReportPeriod& p, std::int64_t limit);
// What stands now (failing and pending items) comes from inspect_repo's bounded
// failing_inspect_results() and pending_inspect_results(), shared with lib/inspect.
/// The start of each checklist's newest run that started before `end`.
std::map<std::string, std::int64_t> last_inspect_run_before(Database& db, std::int64_t end);

/// A check whose latest result at an instant was WARNING or CRITICAL; `total` counts all
/// before the limit.
struct FailingResult {
    std::int64_t total = 0;
    std::int64_t run_id = 0;
    std::string checklist, item, target, message;
    int status = 2;
    std::int64_t started_at = 0;
};
/// The checks failing at `at` (their latest result in a run started before it, a manual one
/// answered before it, is WARNING or CRITICAL): CRITICAL first, then the oldest run; at most
/// `limit` (< 0: all).
std::vector<FailingResult> failing_results_at(Database& db, std::int64_t at, std::int64_t limit);
/// The manual results pending at `at` (in a run started before it, not answered before it),
/// oldest run first; at most `limit` (< 0: all).
std::vector<PendingResult> pending_results_at(Database& db, std::int64_t at, std::int64_t limit);

} // namespace opsctl::store
