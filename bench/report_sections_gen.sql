-- Inspection and backup records for bench/report.sh, generated in SQL (not through the CLI):
-- 5,000 runs of the sample checklists over 2026 (one every 105 min) with 200 results each
-- (20 items x 10 hosts) = 1,000,000 results, a few failing and manual ones left pending;
-- 10,000 backup runs of the two sample jobs (one every 52.5 min), one in twenty failed,
-- one in three verified, one in five hundred restored in a drill.
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
INSERT INTO inspect_runs (id, checklist, started_at, finished_at, status, target_count, item_count,
                          pending_count, actor)
SELECT i, CASE WHEN i % 12 = 0 THEN 'weekly-hardware' ELSE 'daily' END, 1767196800 + i * 6300,
       1767196800 + i * 6300 + 40, 0, 10, 20, 0, 'bench'
FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999)
INSERT INTO inspect_results (id, run_id, checklist, item, kind, target, status, message, duration_ms,
                             recorded_at, recorded_by)
SELECT i + 1, 1 + i / 200, CASE WHEN (1 + i / 200) % 12 = 0 THEN 'weekly-hardware' ELSE 'daily' END,
       'item-' || (i % 20), CASE WHEN i % 20 = 19 THEN 'manual' ELSE 'command' END,
       'host-' || ((i / 20) % 10),
       CASE WHEN i % 20 = 19 THEN CASE WHEN (i / 200) % 7 = 0 THEN NULL ELSE 0 END
            WHEN (i * 7919) % 1009 = 0 THEN 2 WHEN (i * 104729) % 211 = 0 THEN 1 ELSE 0 END,
       'OK - fine', 5,
       CASE WHEN i % 20 = 19 AND (i / 200) % 7 <> 0 THEN 1767196800 + (1 + i / 200) * 6300 + 3600 END,
       CASE WHEN i % 20 = 19 AND (i / 200) % 7 <> 0 THEN 'bench' END
FROM n;
-- A run's status is the worst of its answered results, its pending count the unanswered ones.
UPDATE inspect_runs SET
    status = (SELECT COALESCE(MAX(status), 0) FROM inspect_results r WHERE r.run_id = inspect_runs.id),
    pending_count = (SELECT COUNT(*) FROM inspect_results r WHERE r.run_id = inspect_runs.id AND r.status IS NULL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
INSERT INTO backup_runs (id, job, kind, started_at, finished_at, status, size_bytes, files, sha256, path,
                         error, actor)
SELECT i, CASE WHEN i % 2 = 0 THEN 'policy' ELSE 'opsctl-db' END,
       CASE WHEN i % 2 = 0 THEN 'archive' ELSE 'database' END,
       1767196800 + i * 3150, 1767196800 + i * 3150 + 60,
       CASE WHEN i % 20 = 0 THEN 'failed' ELSE 'success' END, 1048576 + i, 12, 'ab' || i,
       '/srv/backup/' || i, CASE WHEN i % 20 = 0 THEN 'disk full' END, 'bench'
FROM n;
INSERT INTO backup_verifications (run_id, at, ok, deep, detail)
SELECT id, finished_at + 600, id % 31 <> 0, 0, 'ok' FROM backup_runs WHERE id % 3 = 0 AND status = 'success';
INSERT INTO backup_restores (run_id, at, duration_ms, ok, target, files, detail, actor)
SELECT id, finished_at + 7200, 42000 + id, 1, '/tmp/drill', 12, 'ok', 'bench' FROM backup_runs WHERE id % 500 = 1;
COMMIT;
ANALYZE;
