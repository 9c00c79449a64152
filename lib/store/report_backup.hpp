#pragma once
// The review's backup aggregates over backup_runs, backup_verifications and backup_restores
// (see schema_backup.cpp). A run counts in a period when it started in it; a restore drill
// when it was made in it.

#include "lib/store/report_common.hpp"

#include <optional>
#include <string>
#include <vector>

namespace opsctl::store {

/// Runs of one job in a period.
struct BackupJobCounts {
    std::string job, kind;
    std::int64_t runs = 0, success = 0, failed = 0;
    std::int64_t verified = 0; // successful runs with at least one passed verification
};

/// A restore drill; `total` counts all in the period before the limit.
struct RestoreDrill {
    std::int64_t total = 0;
    std::int64_t id = 0, run_id = 0;
    std::string job;
    std::int64_t at = 0, duration_ms = 0, files = 0;
    bool ok = false;
    std::string target, detail, actor;
};

/// True when any backup run is recorded.
bool report_has_backups(Database& db);
/// Runs per job in the period, by job name.
std::vector<BackupJobCounts> backup_runs_by_job(Database& db, const ReportPeriod& p);
/// Seconds of the period during which the job's newest successful backup was older than
/// `max_age` seconds (before its first success: counted from its first run); nullopt when
/// the job had never run before the period's end. `p.end` should not lie after now.
std::optional<std::int64_t> backup_stale_seconds(Database& db, const std::string& job, const ReportPeriod& p,
                                                 std::int64_t max_age);
/// Restore drills made in the period, oldest first, at most `limit`.
std::vector<RestoreDrill> restore_drills(Database& db, const ReportPeriod& p, std::int64_t limit);
/// Restore drills made in the period: how many, and how many succeeded.
std::pair<std::int64_t, std::int64_t> restore_drill_counts(Database& db, const ReportPeriod& p);

/// How a backup job stood at an instant: its last run finished before it, its newest success
/// finished before it, and whether its last verification before it failed.
struct BackupJobAt {
    std::optional<std::int64_t> last_run_id;
    std::string last_status, last_error;
    std::optional<std::int64_t> last_finished_at;
    std::optional<std::int64_t> last_success_at;
    std::optional<std::int64_t> failed_verification_run; // the run whose last verification failed
};
/// The job's state at `at`, from the records made before it.
BackupJobAt backup_job_at(Database& db, const std::string& job, std::int64_t at);

} // namespace opsctl::store
