-- Queries the review runs for the month only (not for the month before).
SELECT type, priority, COUNT(*) FROM tickets
WHERE created_at >= @START@ AND created_at < @END@ GROUP BY type, priority;
SELECT CASE WHEN @END@ - created_at < 86400 THEN 0 WHEN @END@ - created_at < 3 * 86400 THEN 1
            WHEN @END@ - created_at < 7 * 86400 THEN 2 WHEN @END@ - created_at < 30 * 86400 THEN 3
            ELSE 4 END AS bucket, COUNT(*)
FROM (SELECT created_at FROM tickets WHERE closed_at IS NULL AND created_at < @END@
      UNION ALL SELECT created_at FROM tickets WHERE closed_at >= @END@ AND created_at < @END@)
GROUP BY bucket;
SELECT asset, COUNT(*) AS n, SUM(is_open) FROM tickets
WHERE created_at >= @START@ AND created_at < @END@ AND asset IS NOT NULL AND asset <> ''
  AND type IN ('incident') GROUP BY asset ORDER BY n DESC, asset LIMIT 10;
SELECT COALESCE(SUM(created_at >= @START@), 0), COALESCE(SUM(closed_at >= @START@ AND closed_at < @END@), 0),
       COALESCE(SUM(closed_at IS NULL OR closed_at >= @END@), 0)
FROM tickets WHERE (closed_at IS NULL OR closed_at >= @START@) AND created_at < @END@ AND type IN ('problem');
SELECT COALESCE(SUM(created_at >= @START@), 0), COALESCE(SUM(closed_at >= @START@ AND closed_at < @END@), 0),
       COALESCE(SUM(closed_at IS NULL OR closed_at >= @END@), 0)
FROM tickets WHERE (closed_at IS NULL OR closed_at >= @START@) AND created_at < @END@ AND type IN ('change');
SELECT COALESCE(complaint_type, ''), COUNT(*), SUM(is_open) FROM tickets
WHERE created_at >= @START@ AND created_at < @END@ AND (complaint_type IS NOT NULL OR type IN ('complaint'))
GROUP BY 1 ORDER BY 2 DESC, 1;
SELECT id, type, priority, status, title, assignee, created_at, response_breached, resolution_breached
FROM tickets WHERE (closed_at IS NULL OR closed_at >= @START@) AND created_at < @END@
  AND (response_breached = 1 OR resolution_breached = 1)
  AND ((response_breached = 1 AND responded_at >= @START@ AND responded_at < @END@)
       OR (resolution_breached = 1 AND resolved_at >= @START@ AND resolved_at < @END@) OR is_open = 1)
ORDER BY created_at, id;
SELECT id, type, priority, status, title, assignee, created_at, response_breached, resolution_breached
FROM tickets WHERE is_open = 1 AND type IN ('problem') ORDER BY created_at, id;
SELECT id, type, priority, status, title, assignee, created_at, response_breached, resolution_breached
FROM tickets WHERE is_open = 1 AND (response_breached = 1 OR resolution_breached = 1) ORDER BY created_at, id;
