-- The asset and roster queries `opsctl report monthly` runs for one month (@START@, @END@,
-- @NEXT_FIRST@, @NEXT_LAST@ replaced by bench/run): counts per class, maintenance records per
-- kind, warranties ending the month after, and the roster's counts. bench/run adds the
-- per-class queries (bench/report_assets_kind.sql and the service lives ending).
SELECT class, COALESCE(SUM(created_at < @END@ AND (retired_at IS NULL OR retired_at >= @END@)
                           AND (disposed_at IS NULL OR disposed_at >= @END@)), 0),
       COALESCE(SUM(created_at >= @START@), 0), COALESCE(SUM(retired_at >= @START@ AND retired_at < @END@), 0),
       COALESCE(SUM(disposed_at >= @START@ AND disposed_at < @END@), 0)
FROM assets WHERE created_at < @END@ GROUP BY class ORDER BY class;
SELECT kind, COUNT(*) FROM asset_maintenance WHERE at >= @START@ AND at < @END@ GROUP BY kind ORDER BY kind;
SELECT tag, class, name, owner, warranty_until FROM assets
WHERE warranty_until >= '@NEXT_FIRST@' AND warranty_until <= '@NEXT_LAST@' AND status NOT IN ('retired', 'disposed')
ORDER BY warranty_until, tag;
SELECT (SELECT COUNT(*) FROM roster_handovers WHERE at >= @START@ AND at < @END@),
       (SELECT COUNT(*) FROM roster_overrides WHERE starts_at >= @START@ AND starts_at < @END@),
       (SELECT COUNT(*) FROM roster_attendance WHERE checkin_at >= @START@ AND checkin_at < @END@);
SELECT from_person, COUNT(*) FROM roster_handovers WHERE at >= @START@ AND at < @END@ GROUP BY from_person;
SELECT id, rotation, person, replaces, starts_at, ends_at, note, created_at, created_by FROM roster_overrides
WHERE starts_at < @END@ + 172800 AND ends_at > @START@ - 172800 ORDER BY id;
