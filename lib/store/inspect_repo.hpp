#pragma once
// SQL for inspection runs, their results and log_scan positions (tables in schema_inspect.cpp).

#include "lib/store/database.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace opsctl::store {

/// One row of inspect_runs, with its results counted by status.
struct InspectRunRow {
    std::int64_t id = 0;
    std::string checklist;
    std::int64_t started_at = 0;
    std::optional<std::int64_t> finished_at;
    int status = 0;
    std::int64_t target_count = 1;
    std::int64_t item_count = 0;
    std::int64_t pending_count = 0;
    std::string actor;
    // Counted from inspect_results when read (not stored).
    std::int64_t ok = 0, warning = 0, critical = 0, unknown = 0;
};

/// One row of inspect_results.
struct InspectResultRow {
    std::int64_t id = 0;
    std::int64_t run_id = 0;
    std::string checklist;
    std::string item;
    std::string kind;
    std::string target;
    std::optional<int> status; // nullopt: a manual item waiting for an answer
    std::string message;
    std::string perfdata;
    std::int64_t duration_ms = 0;
    std::optional<std::int64_t> recorded_at;
    std::string recorded_by;
    std::string note;
    std::int64_t run_started_at = 0; // read only
};

/// Filters for listing runs.
struct InspectRunFilter {
    std::string checklist;                 // empty: all
    std::optional<std::int64_t> since;     // started at or after
    bool failed_only = false;              // status other than OK
    int limit = 100;
};

/// Where a log_scan item stopped reading a file.
struct LogPosition {
    std::int64_t inode = 0;
    std::int64_t offset = 0;
    std::int64_t size = 0;
};

/// (checklist, item, target, file) of a log position.
using LogPositionKey = std::tuple<std::string, std::string, std::string, std::string>;

/// Inserts a run and its results (inside a WriteTransaction); returns the run id and sets
/// each result's run_id and id.
std::int64_t insert_inspect_run(Database& db, const InspectRunRow& run, std::vector<InspectResultRow>& results);
/// One run, or nullopt.
std::optional<InspectRunRow> find_inspect_run(Database& db, std::int64_t id);
/// The results of a run in insertion order.
std::vector<InspectResultRow> inspect_results_of_run(Database& db, std::int64_t run_id);
/// Runs, newest first.
std::vector<InspectRunRow> list_inspect_runs(Database& db, const InspectRunFilter& filter);
/// The newest run of each checklist that has one, keyed by checklist.
std::map<std::string, InspectRunRow> last_inspect_runs(Database& db);
/// The latest result of each (checklist, item, target), optionally of one checklist, one
/// target, or only those with a status at least `min_status` (pending ones are left out then).
std::vector<InspectResultRow> latest_inspect_results(Database& db, const std::string& checklist,
                                                     const std::string& target, std::optional<int> min_status);
/// The newest results of a target, newest first, at most `limit`.
std::vector<InspectResultRow> inspect_results_for_target(Database& db, const std::string& target, int limit);
/// The first rows of a bounded listing and how many there are in all.
struct InspectResultPage {
    std::vector<InspectResultRow> rows;
    std::int64_t total = 0;
};
/// Items whose latest result is WARNING or CRITICAL, oldest run first (then checklist, item,
/// target), at most `limit` of them (all when negative).
InspectResultPage failing_inspect_results(Database& db, std::int64_t limit);
/// Manual items still waiting for an answer, oldest run first (then item, target), at most
/// `limit` of them (all when negative).
InspectResultPage pending_inspect_results(Database& db, std::int64_t limit);
/// Answers a result (inside a WriteTransaction) and recomputes its run's status and pending count.
void answer_inspect_result(Database& db, std::int64_t result_id, int status, const std::string& message,
                           const std::string& note, std::int64_t at, const std::string& by);
/// Every saved log position of a checklist.
std::map<LogPositionKey, LogPosition> load_log_positions(Database& db, const std::string& checklist);
/// Saves log positions (inside a WriteTransaction).
void save_log_positions(Database& db, const std::map<LogPositionKey, LogPosition>& positions, std::int64_t at);

} // namespace opsctl::store
