-- The queries behind the review's action items from inspections and backups (state as of
-- now, whatever the month): items failing now and manual items pending (report_inspect),
-- the checklists' last runs (inspect's schedules), each sample job's status (backup status).
WITH c AS (SELECT checklist, item, target FROM inspect_results WHERE status = 1
           UNION SELECT checklist, item, target FROM inspect_results WHERE status = 2),
     l AS (SELECT c.checklist, c.item, c.target,
                  (SELECT MAX(x.run_id) FROM inspect_results x WHERE x.checklist = c.checklist
                     AND x.item = c.item AND x.target = c.target) AS run_id FROM c)
SELECT r.run_id, r.checklist, r.item, r.target, r.status, r.message, u.started_at, COUNT(*) OVER ()
FROM l JOIN inspect_results r ON r.run_id = l.run_id AND r.item = l.item AND r.target = l.target
JOIN inspect_runs u ON u.id = r.run_id WHERE r.status IN (1, 2)
ORDER BY u.started_at, r.checklist, r.item, r.target LIMIT 50;
SELECT r.run_id, r.checklist, r.item, r.target, (SELECT u.started_at FROM inspect_runs u WHERE u.id = r.run_id),
       COUNT(*) OVER ()
FROM inspect_results r WHERE r.status IS NULL ORDER BY r.run_id, r.item, r.target LIMIT 50;
SELECT * FROM inspect_last_runs;
SELECT * FROM backup_runs r WHERE r.job = 'policy' AND r.status <> 'running' ORDER BY r.started_at DESC, r.id DESC LIMIT 1;
SELECT * FROM backup_runs r WHERE r.job = 'policy' AND r.status = 'success' AND r.pruned_at IS NULL
ORDER BY r.started_at DESC, r.id DESC;
SELECT * FROM backup_runs r WHERE r.job = 'opsctl-db' AND r.status <> 'running' ORDER BY r.started_at DESC, r.id DESC LIMIT 1;
SELECT * FROM backup_runs r WHERE r.job = 'opsctl-db' AND r.status = 'success' AND r.pruned_at IS NULL
ORDER BY r.started_at DESC, r.id DESC;
