#include "lib/store/migrations.hpp"

namespace opsctl::store {

// Inspection records.
//
// inspect_runs: one row per checklist run (`opsctl inspect run daily` of two checklists
//   writes two rows). `status` is the worst status of its answered results (0 OK,
//   1 WARNING, 2 CRITICAL, 3 UNKNOWN); pending manual items do not count. `finished_at` is
//   set when the run ends. `target_count` is how many targets (hosts or assets) it ran on.
//
// inspect_results: one row per (run, item, target). `status` is 0-3, or NULL while a manual
//   item waits for a person (`pending`); `inspect record` fills it in later and sets
//   `recorded_at` / `recorded_by` / `note`. `checklist` repeats the run's checklist so that
//   per-item aggregates need no join. `perfdata` is Nagios performance data
//   ("used=42%;85;95;0;100 free=1234B"), `message` the one-line result.
//
// inspect_log_positions: where each log_scan item stopped reading each file (byte offset,
//   with the file's inode and size then, to notice rotation and truncation).
//
// Useful queries for reports:
//   pass rate per checklist in [from, to):
//     SELECT checklist, COUNT(*) AS runs, SUM(status = 0) AS passed FROM inspect_runs
//     WHERE started_at >= ? AND started_at < ? GROUP BY checklist;
//   most-failed items: SELECT checklist, item, COUNT(*) FROM inspect_results
//     WHERE status IN (1, 2) AND recorded_at >= ? ... GROUP BY checklist, item ORDER BY 3 DESC;
//   pending manual items: SELECT * FROM inspect_results WHERE status IS NULL;
//   current state: the view inspect_latest_results (latest result per checklist, item, target);
//   last run per checklist: the view inspect_last_runs. Whether a checklist is overdue
//   depends on its `every` in the policy: use inspect::overdue_checklists().
const char* schema_inspect() {
    return R"sql(
CREATE TABLE inspect_runs (
    id INTEGER PRIMARY KEY,
    checklist TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    status INTEGER NOT NULL DEFAULT 0 CHECK (status BETWEEN 0 AND 3),
    target_count INTEGER NOT NULL DEFAULT 1,
    item_count INTEGER NOT NULL DEFAULT 0,
    pending_count INTEGER NOT NULL DEFAULT 0,
    actor TEXT NOT NULL
);
CREATE INDEX inspect_runs_checklist_started ON inspect_runs (checklist, started_at);
CREATE INDEX inspect_runs_started ON inspect_runs (started_at);
CREATE INDEX inspect_runs_status ON inspect_runs (status);

CREATE TABLE inspect_results (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES inspect_runs (id) ON DELETE CASCADE,
    checklist TEXT NOT NULL,
    item TEXT NOT NULL,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    status INTEGER CHECK (status IS NULL OR status BETWEEN 0 AND 3),
    message TEXT NOT NULL DEFAULT '',
    perfdata TEXT NOT NULL DEFAULT '',
    duration_ms INTEGER NOT NULL DEFAULT 0,
    recorded_at INTEGER,
    recorded_by TEXT,
    note TEXT NOT NULL DEFAULT '',
    UNIQUE (run_id, item, target)
);
CREATE INDEX inspect_results_status ON inspect_results (status);
CREATE INDEX inspect_results_item ON inspect_results (checklist, item, target, run_id);
CREATE INDEX inspect_results_target ON inspect_results (target, run_id);

CREATE TABLE inspect_log_positions (
    checklist TEXT NOT NULL,
    item TEXT NOT NULL,
    target TEXT NOT NULL,
    file TEXT NOT NULL,
    inode INTEGER NOT NULL,
    byte_offset INTEGER NOT NULL,
    size INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (checklist, item, target, file)
);

CREATE VIEW inspect_latest_results AS
SELECT r.*, u.started_at AS run_started_at
FROM (SELECT checklist, item, target, MAX(run_id) AS run_id FROM inspect_results
      GROUP BY checklist, item, target) m
JOIN inspect_results r ON r.run_id = m.run_id AND r.item = m.item AND r.target = m.target
JOIN inspect_runs u ON u.id = r.run_id;

CREATE VIEW inspect_last_runs AS
SELECT u.* FROM (SELECT DISTINCT checklist FROM inspect_runs) c
JOIN inspect_runs u ON u.id = (SELECT u2.id FROM inspect_runs u2 WHERE u2.checklist = c.checklist
                               ORDER BY u2.started_at DESC, u2.id DESC LIMIT 1);
)sql";
}

} // namespace opsctl::store
