#include "lib/store/migrations.hpp"

namespace opsctl::store {

// The backup tables. Times are INTEGER Unix seconds (UTC). The monthly report aggregates
// them in SQL, for example per job and month:
//   runs and success rate      backup_runs            GROUP BY job, status = 'success'
//   verification rate          backup_verifications   JOIN backup_runs ON run_id
//   days past max_age          gaps between successive successful runs' finished_at
//   restore drills             backup_restores        (ok, duration_ms)
//   space freed by retention   backup_prunes          (size_bytes)
//
// backup_runs: one row per attempt of a job.
//   status     'running' while the process works (a row left 'running' by a killed process
//              is turned into 'failed' with error 'interrupted' by the job's next run),
//              then 'success' or 'failed'
//   size_bytes size of the backup file under its final name
//   source_bytes bytes of the members before compression (archive and database kinds)
//   files      members in the manifest (1 for command and database kinds)
//   sha256     hex SHA-256 of the whole backup file as written
//   path       absolute path of the backup file (NULL until it is complete)
//   warning    a note on a successful run, e.g. the size dropped below min_size_ratio
//   pruned_at  when `backup prune` deleted the file (the row stays for history)
// backup_verifications: one row per `backup verify` of a run; ok 0/1; deep 1 when the
//   archive was extracted and every member compared with the manifest.
// backup_restores: one row per `backup restore` (a restore drill): duration, result, target.
// backup_prunes: one row per file deleted by `backup prune`.
const char* schema_backup() {
    return R"sql(
CREATE TABLE backup_runs (
    id           INTEGER PRIMARY KEY,
    job          TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    status       TEXT    NOT NULL CHECK (status IN ('running', 'success', 'failed')),
    size_bytes   INTEGER,
    source_bytes INTEGER,
    files        INTEGER,
    sha256       TEXT,
    path         TEXT,
    error        TEXT,
    warning      TEXT,
    actor        TEXT    NOT NULL DEFAULT '',
    pruned_at    INTEGER
);
CREATE INDEX backup_runs_job_started ON backup_runs (job, started_at);
CREATE INDEX backup_runs_started ON backup_runs (started_at);

CREATE TABLE backup_verifications (
    id      INTEGER PRIMARY KEY,
    run_id  INTEGER NOT NULL REFERENCES backup_runs (id),
    at      INTEGER NOT NULL,
    ok      INTEGER NOT NULL CHECK (ok IN (0, 1)),
    deep    INTEGER NOT NULL CHECK (deep IN (0, 1)),
    detail  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX backup_verifications_run ON backup_verifications (run_id, at);
CREATE INDEX backup_verifications_at ON backup_verifications (at);

CREATE TABLE backup_restores (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES backup_runs (id),
    at          INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    ok          INTEGER NOT NULL CHECK (ok IN (0, 1)),
    target      TEXT    NOT NULL,
    files       INTEGER NOT NULL DEFAULT 0,
    detail      TEXT    NOT NULL DEFAULT '',
    actor       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX backup_restores_run ON backup_restores (run_id);
CREATE INDEX backup_restores_at ON backup_restores (at);

CREATE TABLE backup_prunes (
    id         INTEGER PRIMARY KEY,
    run_id     INTEGER NOT NULL REFERENCES backup_runs (id),
    at         INTEGER NOT NULL,
    path       TEXT    NOT NULL,
    size_bytes INTEGER NOT NULL DEFAULT 0,
    actor      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX backup_prunes_run ON backup_prunes (run_id);
CREATE INDEX backup_prunes_at ON backup_prunes (at);
)sql";
}

} // namespace opsctl::store
