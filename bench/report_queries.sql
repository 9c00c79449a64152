-- The aggregate queries `opsctl report monthly` runs for one month, with the bounds as
-- literals (@START@, @END@ replaced by bench/report.sh). Run once for the month and once
-- for the month before, as the review does.
SELECT COUNT(*), COALESCE(SUM(priority = 'P1'), 0),
       COALESCE(SUM(complaint_type IS NOT NULL OR type IN ('complaint')), 0)
FROM tickets WHERE created_at >= @START@ AND created_at < @END@;
SELECT COUNT(*), AVG(satisfaction) FROM tickets WHERE closed_at >= @START@ AND closed_at < @END@;
SELECT (SELECT COUNT(*) FROM tickets WHERE closed_at IS NULL AND created_at < @END@) +
       (SELECT COUNT(*) FROM tickets WHERE closed_at >= @END@ AND created_at < @END@);
SELECT priority,
       SUM(r), SUM(r * (response_target_secs IS NOT NULL)),
       SUM(r * (response_target_secs IS NOT NULL) * (response_breached = 0)), SUM(r * response_business_secs),
       SUM(s), SUM(s * (resolution_target_secs IS NOT NULL)),
       SUM(s * (resolution_target_secs IS NOT NULL) * (resolution_breached = 0)), SUM(s * resolution_business_secs)
FROM (SELECT priority, response_target_secs, response_breached, response_business_secs,
             resolution_target_secs, resolution_breached, resolution_business_secs,
             COALESCE(responded_at >= @START@ AND responded_at < @END@, 0) AS r,
             COALESCE(resolved_at >= @START@ AND resolved_at < @END@, 0) AS s
      FROM tickets WHERE (closed_at IS NULL OR closed_at >= @START@) AND created_at < @END@)
WHERE r = 1 OR s = 1 GROUP BY priority ORDER BY priority;
SELECT response_business_secs FROM tickets
WHERE (closed_at IS NULL OR closed_at >= @START@) AND created_at < @END@
  AND responded_at >= @START@ AND responded_at < @END@
ORDER BY response_business_secs LIMIT 1 OFFSET (
  SELECT CAST(0.9 * COUNT(*) + 0.999999 AS INTEGER) - 1 FROM tickets
  WHERE (closed_at IS NULL OR closed_at >= @START@) AND created_at < @END@
    AND responded_at >= @START@ AND responded_at < @END@);
SELECT resolution_business_secs FROM tickets
WHERE (closed_at IS NULL OR closed_at >= @START@) AND created_at < @END@
  AND resolved_at >= @START@ AND resolved_at < @END@
ORDER BY resolution_business_secs LIMIT 1 OFFSET (
  SELECT CAST(0.9 * COUNT(*) + 0.999999 AS INTEGER) - 1 FROM tickets
  WHERE (closed_at IS NULL OR closed_at >= @START@) AND created_at < @END@
    AND resolved_at >= @START@ AND resolved_at < @END@);
