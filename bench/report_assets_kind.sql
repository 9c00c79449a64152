-- Maintenance due and done of one class and kind in one month (@CLASS@, @KIND@, @START@,
-- @END@, @CUTOFF@ replaced by bench/run), as lib/store/report_asset.cpp counts them.
SELECT (SELECT COUNT(*) FROM assets WHERE class = '@CLASS@' AND created_at < @END@
          AND (retired_at IS NULL OR retired_at >= @END@) AND (disposed_at IS NULL OR disposed_at >= @END@))
       - (SELECT COUNT(*) FROM (SELECT DISTINCT tag FROM asset_maintenance WHERE kind = '@KIND@'
                                  AND at > @CUTOFF@ AND at < @START@) x
            CROSS JOIN assets a ON a.tag = x.tag WHERE a.class = '@CLASS@' AND created_at < @END@
            AND (retired_at IS NULL OR retired_at >= @END@) AND (disposed_at IS NULL OR disposed_at >= @END@))
       - (SELECT COUNT(*) FROM assets a WHERE class = '@CLASS@' AND created_at < @END@
            AND (retired_at IS NULL OR retired_at >= @END@) AND (disposed_at IS NULL OR disposed_at >= @END@)
            AND created_at > @CUTOFF@
            AND NOT EXISTS (SELECT 1 FROM asset_maintenance m WHERE m.tag = a.tag AND m.kind = '@KIND@'
                              AND m.at < @START@)),
       (SELECT COUNT(*) FROM (SELECT DISTINCT tag FROM asset_maintenance WHERE kind = '@KIND@'
                                AND at >= @START@ AND at < @END@) x
          CROSS JOIN assets a ON a.tag = x.tag WHERE a.class = '@CLASS@' AND created_at < @END@
          AND (retired_at IS NULL OR retired_at >= @END@) AND (disposed_at IS NULL OR disposed_at >= @END@)
          AND COALESCE((SELECT MAX(m.at) FROM asset_maintenance m WHERE m.tag = a.tag AND m.kind = '@KIND@'
                          AND m.at < @START@), a.created_at) <= @CUTOFF@);
