#pragma once
// The backup tables (see schema_backup.cpp): runs, verifications, restore drills, prunes.

#include "lib/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace opsctl::store {

/// One row of backup_runs, with the newest verification of the run joined in.
struct BackupRunRow {
    std::int64_t id = 0;
    std::string job;
    std::string kind;
    std::int64_t started_at = 0;
    std::optional<std::int64_t> finished_at;
    std::string status; // running, success, failed
    std::optional<std::int64_t> size_bytes;
    std::optional<std::int64_t> source_bytes;
    std::optional<std::int64_t> files;
    std::string sha256;
    std::string path;
    std::string error;
    std::string warning;
    std::string actor;
    std::optional<std::int64_t> pruned_at;
    std::optional<std::int64_t> verified_at; // newest verification, if any
    std::optional<bool> verified_ok;
    std::optional<bool> verified_deep;
    std::string captured; // command kind: a JSON object of the values captured from its output ("" when none)
};

/// One row of backup_verifications.
struct BackupVerificationRow {
    std::int64_t id = 0;
    std::int64_t run_id = 0;
    std::int64_t at = 0;
    bool ok = false;
    bool deep = false;
    std::string detail;
};

/// One row of backup_restores (a restore drill).
struct BackupRestoreRow {
    std::int64_t id = 0;
    std::int64_t run_id = 0;
    std::int64_t at = 0;
    std::int64_t duration_ms = 0;
    bool ok = false;
    std::string target;
    std::int64_t files = 0;
    std::string detail;
    std::string actor;
};

/// One row of backup_prunes.
struct BackupPruneRow {
    std::int64_t id = 0;
    std::int64_t run_id = 0;
    std::int64_t at = 0;
    std::string path;
    std::int64_t size_bytes = 0;
    std::string actor;
};

/// Inserts a run in status 'running'; returns its id. Call inside a WriteTransaction.
std::int64_t insert_backup_run(Database& db, const std::string& job, const std::string& kind,
                               std::int64_t started_at, const std::string& actor);
/// Turns the job's runs left 'running' into 'failed' with `error`; returns their ids.
std::vector<std::int64_t> fail_running_backup_runs(Database& db, const std::string& job,
                                                   std::int64_t at, const std::string& error);
/// Marks a run successful with what it produced.
void finish_backup_run(Database& db, const BackupRunRow& run);
/// Marks a run failed.
void fail_backup_run(Database& db, std::int64_t id, std::int64_t finished_at, const std::string& error);
/// Sets pruned_at on a run.
void mark_backup_run_pruned(Database& db, std::int64_t id, std::int64_t at);

/// The run with this id.
std::optional<BackupRunRow> find_backup_run(Database& db, std::int64_t id);
/// Runs, newest first; of one job when `job` is set; at most `limit` (0: all).
std::vector<BackupRunRow> list_backup_runs(Database& db, const std::optional<std::string>& job, int limit = 0);
/// The job's successful runs whose file was not pruned, newest first.
std::vector<BackupRunRow> live_backup_runs(Database& db, const std::string& job);
/// The job's newest run that is not 'running'.
std::optional<BackupRunRow> last_finished_backup_run(Database& db, const std::string& job);

/// Records a verification (inside a WriteTransaction); returns its id.
std::int64_t insert_backup_verification(Database& db, const BackupVerificationRow& row);
/// The verifications of a run, oldest first.
std::vector<BackupVerificationRow> backup_verifications_for(Database& db, std::int64_t run_id);
/// The job's newest verification (of any of its runs).
std::optional<BackupVerificationRow> last_backup_verification(Database& db, const std::string& job);
/// The job's newest successful verification.
std::optional<BackupVerificationRow> last_ok_backup_verification(Database& db, const std::string& job);

/// Records a restore drill (inside a WriteTransaction); returns its id.
std::int64_t insert_backup_restore(Database& db, const BackupRestoreRow& row);
/// The restore drills of a run, oldest first.
std::vector<BackupRestoreRow> backup_restores_for(Database& db, std::int64_t run_id);

/// Records a deleted backup file (inside a WriteTransaction); returns its id.
std::int64_t insert_backup_prune(Database& db, const BackupPruneRow& row);

} // namespace opsctl::store
