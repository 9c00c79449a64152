#pragma once
// The inspect domain's public API: schedules, history, manual answers and the current state
// of items, for `opsctl inspect` and for other groups (handover, monthly report).

#include "lib/context/context.hpp"
#include "lib/core/duration.hpp"
#include "lib/store/inspect_repo.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::inspect {

/// A recorded checklist run (with its results counted by status).
using RunRecord = store::InspectRunRow;
/// A recorded item result; `status` nullopt is a manual item still pending.
using ResultRecord = store::InspectResultRow;

/// A checklist and its schedule.
struct ChecklistSchedule {
    std::string name;
    std::string title;
    core::Duration every;
    std::size_t items = 0;
    bool per_asset = false;
    std::optional<RunRecord> last;  // the newest run
    std::int64_t due_at = 0;        // last run + every; now when it never ran
    bool overdue = false;           // due_at <= now
};

/// Every checklist of the policy with its last run and when it is due, by name.
std::vector<ChecklistSchedule> checklist_schedules(Context& ctx);
/// The checklists that are due now (never run, or last run + every has passed).
std::vector<ChecklistSchedule> overdue_checklists(Context& ctx);
/// The newest results recorded for a target (host name or asset tag), newest run first.
std::vector<ResultRecord> latest_results_for_target(Context& ctx, const std::string& target, int limit);
/// Items whose latest result is WARNING or CRITICAL (for the shift handover), by checklist.
std::vector<ResultRecord> failed_items_now(Context& ctx);
/// Manual items still waiting for a person, oldest first.
std::vector<ResultRecord> pending_manual_items(Context& ctx);

/// Which runs `history` lists.
struct HistoryFilter {
    std::string checklist;
    std::optional<std::int64_t> since;
    bool failed_only = false;
    int limit = 50;
};
/// Recorded runs, newest first.
std::vector<RunRecord> run_history(Context& ctx, const HistoryFilter& filter);

/// One run with its results.
struct RunDetail {
    RunRecord run;
    std::vector<ResultRecord> results;
};
/// A recorded run; throws NotFound.
RunDetail show_run(Context& ctx, std::int64_t run_id);

/// Answers a manual item of a recorded run (status 0-3, a note); `target` may be empty when
/// the run has one target. Throws NotFound for an unknown run or item, UsageError for an item
/// that is not manual or an ambiguous target. Returns the updated result.
ResultRecord record_answer(Context& ctx, std::int64_t run_id, const std::string& item, const std::string& target,
                           int status, const std::string& note);

} // namespace opsctl::inspect
