-- The inspection, backup and asset queries `opsctl report monthly` runs for one month, with
-- the bounds as literals (@START@, @END@ replaced by bench/report.sh). Run once for the month
-- and once for the month before, as the review does.
SELECT COUNT(*), COALESCE(SUM(status = 0 AND pending_count = 0), 0) FROM inspect_runs
WHERE started_at >= @START@ AND started_at < @END@;
SELECT COALESCE(SUM(r.status IN (1, 2)), 0),
       COALESCE(SUM(r.kind = 'manual' AND (r.status IS NULL OR r.recorded_at >= @END@)), 0)
FROM inspect_runs u JOIN inspect_results r ON r.run_id = u.id WHERE u.started_at >= @START@ AND u.started_at < @END@;
SELECT checklist, COUNT(*), SUM(status = 0 AND pending_count = 0), SUM(status = 1), SUM(status = 2), SUM(status = 3),
       SUM(pending_count > 0) FROM inspect_runs WHERE started_at >= @START@ AND started_at < @END@ GROUP BY checklist;
SELECT checklist, MAX(started_at) FROM inspect_runs WHERE started_at < @END@ GROUP BY checklist;
SELECT job, MAX(kind), COUNT(*), SUM(status = 'success'), SUM(status = 'failed'),
       SUM(status = 'success' AND EXISTS (SELECT 1 FROM backup_verifications v WHERE v.run_id = b.id AND v.ok = 1))
FROM backup_runs b WHERE started_at >= @START@ AND started_at < @END@ GROUP BY job ORDER BY job;
SELECT COUNT(*), COALESCE(SUM(ok), 0) FROM backup_restores WHERE at >= @START@ AND at < @END@;
SELECT class, COUNT(*) FROM assets WHERE created_at < @END@ GROUP BY class;
SELECT kind, COUNT(*) FROM asset_maintenance WHERE at >= @START@ AND at < @END@ GROUP BY kind;
