-- The inspection and backup lists the review shows for the month only (@START@, @END@
-- replaced by bench/report.sh): the items that failed most, the manual items left pending,
-- the restore drills.
WITH f AS (SELECT r.checklist, r.item, r.target, COUNT(*) AS n
           FROM inspect_runs u JOIN inspect_results r ON r.run_id = u.id
           WHERE u.started_at >= @START@ AND u.started_at < @END@ AND r.status IN (1, 2)
           GROUP BY r.checklist, r.item, r.target),
     last AS (SELECT f.*, (SELECT l.status FROM inspect_results l JOIN inspect_runs lu ON lu.id = l.run_id
                           WHERE l.checklist = f.checklist AND l.item = f.item AND l.target = f.target
                             AND lu.started_at < @END@
                           ORDER BY l.run_id DESC LIMIT 1) AS last_status FROM f)
SELECT checklist, item, SUM(n) AS failures, COUNT(*), COALESCE(SUM(last_status IN (1, 2)), 0) FROM last
GROUP BY checklist, item ORDER BY failures DESC, checklist, item LIMIT 10;
SELECT r.run_id, r.checklist, r.item, r.target, u.started_at, COUNT(*) OVER ()
FROM inspect_runs u JOIN inspect_results r ON r.run_id = u.id
WHERE u.started_at >= @START@ AND u.started_at < @END@
  AND r.kind = 'manual' AND (r.status IS NULL OR r.recorded_at >= @END@)
ORDER BY u.started_at, r.run_id, r.item, r.target LIMIT 50;
SELECT x.id, x.run_id, b.job, x.at, x.duration_ms, x.files, x.ok, x.target, x.detail, x.actor, COUNT(*) OVER ()
FROM backup_restores x JOIN backup_runs b ON b.id = x.run_id
WHERE x.at >= @START@ AND x.at < @END@ ORDER BY x.at, x.id LIMIT 50;
