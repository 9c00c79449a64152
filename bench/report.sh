#!/usr/bin/env bash
# Benchmark of `opsctl report monthly` on a generated large database: 1,000,000 tickets,
# 1,000,000 inspection results from 5,000 checklist runs and 10,000 backup runs over 2026
# (bench/report_sections_gen.sql), against the same aggregate queries run by the sqlite3
# shell. Prints both times, the ratio and opsctl's peak
# memory. Targets: under 2 s, under 100 MiB, within 1.5x of sqlite3.
#   usage: bench/report.sh [path/to/opsctl] [tickets]
set -eu

BIN=${1:-${OPSCTL_BIN:-$(dirname "$0")/../build/opsctl}}
N=${2:-1000000}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/opsctl-bench-report.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export OPSCTL_CONFIG="$WORK/cfg" OPSCTL_DB="$WORK/ops.db" OPSCTL_USER=bench NO_COLOR=1
export OPSCTL_NOW=2027-01-05T10:00:00+08:00
unset OPSCTL_BUSY_TIMEOUT

"$BIN" init >/dev/null
"$BIN" report monthly >/dev/null # creates and migrates the database

# Tickets in creation order (as a real database fills), one every 31 s from 2026-01-01
# (Asia/Shanghai): mixed types and priorities, most closed within hours or days, one in
# fifty still open, about one in nine with a breached response.
start=$(date +%s)
sqlite3 "$OPSCTL_DB" <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N),
t AS (SELECT i, 1767196800 + i * (31536000 / $N) AS c,
             CASE i % 10 WHEN 0 THEN 'request' WHEN 1 THEN 'problem' WHEN 2 THEN 'change'
                         WHEN 3 THEN 'complaint' WHEN 4 THEN 'bug' ELSE 'incident' END AS ty
      FROM n)
INSERT INTO tickets (id, type, priority, status, is_open, title, asset, created_at, updated_at,
                     responded_at, resolved_at, closed_at, sla_rule, sla_clock,
                     response_target_secs, resolution_target_secs, response_business_secs,
                     resolution_business_secs, response_clock_secs, resolution_clock_secs,
                     response_breached, resolution_breached, satisfaction, complaint_type)
SELECT i, ty, 'P' || (1 + i % 4),
       CASE WHEN i % 50 = 0 THEN 'in-progress' ELSE 'closed' END, i % 50 = 0,
       'ticket ' || i, CASE WHEN ty = 'incident' THEN 'srv-' || (i % 997) END, c, c,
       c + (i * 7919) % 14400, CASE WHEN i % 50 <> 0 THEN c + 14400 + (i * 104729) % 259200 END,
       CASE WHEN i % 50 <> 0 THEN c + 18000 + (i * 104729) % 259200 END, 'normal', 'business',
       7200, 81000, (i * 7919) % 14400, 14400 + (i * 104729) % 259200,
       (i * 7919) % 14400, 14400 + (i * 104729) % 259200,
       (i * 7919) % 14400 > 7200 AND i % 9 = 0, (14400 + (i * 104729) % 259200) > 81000 AND i % 7 = 0,
       CASE WHEN i % 3 = 0 THEN 1 + i % 5 END, CASE WHEN ty = 'complaint' THEN '响应慢' END
FROM t;
COMMIT;
ANALYZE;
SQL
echo "generated $N tickets in $(($(date +%s) - start)) s ($(du -h "$OPSCTL_DB" | cut -f1))"
start=$(date +%s)
sqlite3 "$OPSCTL_DB" <"$HERE/report_sections_gen.sql" >/dev/null
echo "generated 1000000 inspection results and 10000 backup runs in $(($(date +%s) - start)) s ($(du -h "$OPSCTL_DB" | cut -f1))"

# The review of the last full month (December, as on 2027-01-05), the usual case: the
# month's rows are the newest. Month bounds: Asia/Shanghai is UTC+8 all year.
MONTH=2026-12
START=$(date -d '2026-12-01T00:00:00+08:00' +%s)
END=$(date -d '2027-01-01T00:00:00+08:00' +%s)
PSTART=$(date -d '2026-11-01T00:00:00+08:00' +%s)
# The nearest-rank 90th percentile offsets (opsctl derives them from counts it already has).
offset() { # offset START END COLUMN
    sqlite3 "$OPSCTL_DB" "SELECT MAX(0, CAST(0.9 * COUNT(*) + 0.999999 AS INTEGER) - 1) FROM tickets
        WHERE (closed_at IS NULL OR closed_at >= $1) AND +created_at < $2 AND $3 >= $1 AND $3 < $2"
}
queries() { # queries START END
    sed -e "s/@START@/$1/g" -e "s/@END@/$2/g" -e "s/@ROFF@/$(offset "$1" "$2" responded_at)/g" \
        -e "s/@SOFF@/$(offset "$1" "$2" resolved_at)/g" "$HERE/report_queries.sql"
}
{
    queries "$START" "$END"
    queries "$PSTART" "$START"
    sed -e "s/@START@/$START/g" -e "s/@END@/$END/g" "$HERE/report_month_only.sql"
    # Inspections, backups and assets, for the month and the month before; each sample job's
    # time past its max_age (2d); then what the action items read.
    for span in "$START $END" "$PSTART $START"; do
        set -- $span
        sed -e "s/@START@/$1/g" -e "s/@END@/$2/g" "$HERE/report_sections.sql"
        for job in opsctl-db policy; do
            sed -e "s/@START@/$1/g" -e "s/@END@/$2/g" -e "s/@JOB@/$job/g" -e "s/@MAXAGE@/172800/g" \
                "$HERE/report_sections_stale.sql"
        done
    done
    sed -e "s/@START@/$START/g" -e "s/@END@/$END/g" "$HERE/report_sections_month_only.sql"
    cat "$HERE/report_sections_now.sql"
    for d in $(seq 0 30); do
        a=$((START + d * 86400))
        b=$((a + 86400))
        echo "SELECT COUNT(*) FROM tickets WHERE created_at >= $a AND created_at < $b;"
        echo "SELECT COUNT(*) FROM tickets WHERE closed_at >= $a AND closed_at < $b;"
    done
} >"$WORK/queries.sql"

# Warm the page cache once, then take the best of three runs of each.
"$BIN" report monthly --month "$MONTH" >/dev/null
sqlite3 "$OPSCTL_DB" <"$WORK/queries.sql" >/dev/null

best() { sort -n | head -1; }
for _ in 1 2 3; do
    /usr/bin/time -f '%e %M %U %S' -o "$WORK/t" "$BIN" report monthly --month "$MONTH" --lang en >"$WORK/review.md"
    cat "$WORK/t"
done >"$WORK/opsctl.times"
for _ in 1 2 3; do
    /usr/bin/time -f '%e %M %U %S' -o "$WORK/t" sqlite3 "$OPSCTL_DB" <"$WORK/queries.sql" >/dev/null
    cat "$WORK/t"
done >"$WORK/sqlite.times"
ours=$(cut -d' ' -f1 "$WORK/opsctl.times" | best)
ours_kib=$(cut -d' ' -f2 "$WORK/opsctl.times" | sort -n | tail -1)
ref=$(cut -d' ' -f1 "$WORK/sqlite.times" | best)
ref_kib=$(cut -d' ' -f2 "$WORK/sqlite.times" | sort -n | tail -1)
# CPU seconds (user + system) say less about other load on the machine than wall time does.
ours_cpu=$(awk '{ print $3 + $4 }' "$WORK/opsctl.times" | best)
ref_cpu=$(awk '{ print $3 + $4 }' "$WORK/sqlite.times" | best)
awk -v o="$ours" -v r="$ref" -v om="$ours_kib" -v rm="$ref_kib" -v oc="$ours_cpu" -v rc="$ref_cpu" 'BEGIN {
    printf "%-34s %8s %8s %10s\n", "", "seconds", "CPU s", "peak MiB"
    printf "%-34s %8.3f %8.2f %10.1f\n", "opsctl report monthly", o, oc, om / 1024
    printf "%-34s %8.3f %8.2f %10.1f\n", "sqlite3 shell, same queries", r, rc, rm / 1024
    printf "ratio opsctl / sqlite3: %.2f (target <= 1.5); time target < 2 s; memory target < 100 MiB\n", (r > 0 ? o / r : 0)
}'
echo "review: $(wc -l <"$WORK/review.md") lines, $(wc -c <"$WORK/review.md") bytes"
