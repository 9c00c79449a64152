-- Time past max_age of one job in one month (@JOB@, @START@, @END@, @MAXAGE@ replaced by
-- bench/report.sh), as lib/store/report_backup.cpp computes it.
WITH base AS (SELECT COALESCE(
                  (SELECT MAX(finished_at) FROM backup_runs WHERE job = '@JOB@' AND status = 'success'
                     AND finished_at < @START@),
                  (SELECT MIN(started_at) FROM backup_runs WHERE job = '@JOB@' AND started_at < @END@)) AS t),
     points AS (SELECT t FROM base WHERE t IS NOT NULL
                UNION ALL
                SELECT finished_at FROM backup_runs WHERE job = '@JOB@' AND status = 'success'
                  AND finished_at >= @START@ AND finished_at < @END@
                UNION ALL
                SELECT @END@ WHERE EXISTS (SELECT 1 FROM base WHERE t IS NOT NULL)),
     spans AS (SELECT t, LAG(t) OVER (ORDER BY t) AS prev FROM points)
SELECT (SELECT COUNT(*) FROM points),
       COALESCE(SUM(MAX(0, MIN(t, @END@) - MAX(prev + @MAXAGE@, @START@))), 0) FROM spans WHERE prev IS NOT NULL;
