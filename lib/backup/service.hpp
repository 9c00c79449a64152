#pragma once
// Backup jobs: running them, listing and showing runs, verifying, pruning, status for
// monitoring and the monthly review, and restore drills. Domain functions take Context&,
// return data and never print.

#include "lib/backup/archive.hpp"
#include "lib/context/context.hpp"
#include "lib/store/backup_repo.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::backup {

/// One backup run, as stored.
using BackupRun = store::BackupRunRow;

/// Monitoring-plugin states, as `backup status` exits.
namespace state {
inline constexpr int k_ok = 0;
inline constexpr int k_warning = 1;
inline constexpr int k_critical = 2;
inline constexpr int k_unknown = 3;
} // namespace state

/// What `backup run` should do.
struct RunRequest {
    std::vector<std::string> jobs; // by name; empty with `all`
    bool all = false;
    bool due = false; // only jobs whose `every` has passed since their last success
    ProgressFn progress;
};

/// What happened to one job.
struct RunOutcome {
    std::string job;
    std::int64_t run_id = 0; // 0 when skipped
    std::string status;      // success, failed, skipped (not due)
    std::string path;
    std::int64_t size_bytes = 0;
    std::int64_t files = 0;
    std::string sha256;
    std::int64_t duration_ms = 0;
    std::string error;
    std::string warning; // size dropped, files changed while read
};

/// Runs jobs one after the other; a failing job is recorded and the others still run.
/// Throws NotFound for an unknown job name, Busy when the job is already running.
std::vector<RunOutcome> run_jobs(Context& ctx, const RunRequest& request);

/// Runs of all jobs or of one, newest first (0: no limit).
std::vector<store::BackupRunRow> list_runs(Context& ctx, const std::optional<std::string>& job, int limit);

/// One run with its verifications and restore drills.
struct RunDetail {
    store::BackupRunRow run;
    std::vector<store::BackupVerificationRow> verifications;
    std::vector<store::BackupRestoreRow> restores;
};
/// The run `id`; throws NotFound.
RunDetail show_run(Context& ctx, std::int64_t id);

/// The result of verifying one run.
struct VerifyOutcome {
    std::int64_t run_id = 0;
    std::string job;
    std::string path;
    bool ok = false;
    bool deep = false;
    std::string detail; // "ok", or what is wrong: missing, truncated, altered, member mismatches
};
/// Verifies runs named by id, the newest backup of jobs named, or (no targets) the newest
/// backup of every job; deep (or the job's `verify: restore`) extracts into a temporary
/// folder and compares with the manifest. Records each verification.
std::vector<VerifyOutcome> verify(Context& ctx, const std::vector<std::string>& targets, bool deep,
                                  const ProgressFn& progress = {});

/// What prune decided for one backup.
struct PruneDecision {
    store::BackupRunRow run;
    bool keep = true;
    std::vector<std::string> reasons; // kept by: last, daily, ..., "newest verified", "outside dest"
    bool deleted = false;             // false on --dry-run
    std::string note;
};
/// Applies each job's `keep` (restic semantics) to its live backups; never deletes the
/// newest verified backup nor a file outside the job's dest; records each deletion.
std::vector<PruneDecision> prune(Context& ctx, const std::optional<std::string>& job, bool dry_run);

/// The health of one job, for `backup status`, the shift handover and the monthly report.
struct JobStatus {
    std::string job;
    std::string kind;
    int status = state::k_unknown; // 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (never ran)
    std::string summary;           // why, in one line
    std::optional<std::int64_t> last_run_id;
    std::string last_run_status;              // success, failed, running; empty when never ran
    std::optional<std::int64_t> last_success_run_id;
    std::optional<std::int64_t> last_success_at; // finished_at of the newest successful run
    std::optional<std::int64_t> age_seconds;     // now - last_success_at
    std::optional<std::int64_t> max_age_seconds; // the job's max_age on a 24x7 clock
    std::optional<std::int64_t> last_verified_at;
    std::optional<bool> last_verification_ok;
    std::optional<std::int64_t> last_size_bytes;     // newest successful backup
    std::optional<std::int64_t> previous_size_bytes; // the one before it
};
/// Every job's status, in job-name order.
std::vector<JobStatus> job_statuses(Context& ctx);
/// The status of one job; throws NotFound for an unknown job.
JobStatus job_status(Context& ctx, const std::string& job);
/// The worst state of several jobs: CRITICAL, then UNKNOWN, then WARNING, then OK.
int overall_status(const std::vector<JobStatus>& statuses);

/// What `backup restore` should do.
struct RestoreRequest {
    std::int64_t run_id = 0;
    std::filesystem::path target;
    std::vector<std::string> only; // member paths or folders
    bool force = false;            // restore into a non-empty target, and an archive that does not verify
    ProgressFn progress;
};
/// The result of a restore drill.
struct RestoreOutcome {
    std::int64_t run_id = 0;
    std::string job;
    bool ok = false;
    std::int64_t files = 0;
    std::int64_t duration_ms = 0;
    std::string target;
    std::string detail;
    std::vector<std::string> warnings; // what `force` let through, and what it skipped
};
/// Restores a run into `target` and records the drill. Refuses (Failure) a non-empty
/// target without `force`; (DataError, nothing written) an archive with members that would
/// land outside the target, and, without `force`, an archive that does not verify (checksum,
/// manifest, member types). Owners, extended attributes and ACLs are restored by root, and
/// setuid/setgid bits kept, only from an archive that verified. A write error fails the
/// drill; the file being written is removed.
RestoreOutcome restore(Context& ctx, const RestoreRequest& request);

/// The folder a job writes to: absolute, "~/...", or relative to the database's folder.
std::filesystem::path job_dest(const Context& ctx, const policy::BackupJob& job);

} // namespace opsctl::backup
