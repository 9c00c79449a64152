#!/usr/bin/env bash
# Database copy benchmark: `opsctl db backup` of an N-ticket database (default 100,000)
# idle, then while three writer loops run `opsctl ticket new` back to back; the same for
# the `database` backup kind (`backup run`, which copies and archives). Target: the copy
# under load takes at most 3x its idle time.
# usage: bench/dbcopy.sh [BUILD_DIR] [COUNT] [ROUNDS]
set -eu
BUILD=${1:-build}
COUNT=${2:-100000}
ROUNDS=${3:-3}
BIN=$(cd "$BUILD" && pwd)/opsctl
GEN=$(cd "$BUILD" && pwd)/bench/opsctl_bench_ticket_gen
DIR=$(mktemp -d "${TMPDIR:-/tmp}/opsctl-bench.XXXXXX")
PIDS=()
cleanup() {
    touch "$DIR/stop"
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$DIR"
}
trap cleanup EXIT
export OPSCTL_CONFIG=$DIR/cfg OPSCTL_DB=$DIR/bench.db OPSCTL_USER=bench NO_COLOR=1
export OPSCTL_NOW=2026-10-09T10:00:00+08:00
"$BIN" init >/dev/null
echo "== generate $COUNT tickets"
if [ -x "$GEN" ]; then
    rm -f "$OPSCTL_DB"
    "$GEN" "$OPSCTL_DB" "$COUNT" "$OPSCTL_NOW" >/dev/null
else
    python3 -c "
import sys
with open(sys.argv[2], 'w') as f:
    f.write('type,priority,title,body\n')
    for i in range(int(sys.argv[1])):
        f.write('incident,P3,bench ticket %d,%s\n' % (i, 'x' * 200))" "$COUNT" "$DIR/t.csv"
    "$BIN" -q ticket import "$DIR/t.csv" >/dev/null
fi
echo "database: $(du -h "$OPSCTL_DB" | cut -f1), $(sqlite3 "$OPSCTL_DB" 'select count(*) from tickets') tickets"

# Seconds (ms resolution) of one run of a command given as arguments.
secs() {
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null
    t1=$(date +%s%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'
}
# The median of the numbers on stdin.
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

copy_db() { rm -f "$DIR/copy.db"; "$BIN" db backup "$DIR/copy.db"; }
run_job() { "$BIN" backup run opsctl-db; }

measure() { # name, command; prints the median of $ROUNDS rounds
    local i out=""
    for i in $(seq 1 "$ROUNDS"); do out="$out$(secs "$@")
"; done
    printf '%s' "$out" | median
}

echo "== idle ($ROUNDS rounds each)"
idle_copy=$(measure copy_db)
idle_job=$(measure run_job)
echo "db backup idle: ${idle_copy} s;  backup run opsctl-db idle: ${idle_job} s"

echo "== three writer loops running 'opsctl ticket new' back to back"
for w in 1 2 3; do
    ( while [ ! -e "$DIR/stop" ]; do "$BIN" -q ticket new --title "bench writer $w" >/dev/null 2>&1 || true; done ) &
    PIDS+=($!)
done
before=$(sqlite3 "$OPSCTL_DB" "select count(*) from tickets where title like 'bench writer %'")
t0=$(date +%s%N)
load_copy=$(measure copy_db)
load_job=$(measure run_job)
t1=$(date +%s%N)
after=$(sqlite3 "$OPSCTL_DB" "select count(*) from tickets where title like 'bench writer %'")
touch "$DIR/stop"
for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
PIDS=()
writes=$(awk -v n=$((after - before)) -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", n / ((b - a) / 1e9) }')
echo "db backup under load: ${load_copy} s;  backup run opsctl-db under load: ${load_job} s  (writers: $((after - before)) tickets, $writes/s)"
echo "integrity of the last copy: $(sqlite3 "$DIR/copy.db" 'PRAGMA integrity_check')"
awk -v a="$idle_copy" -v b="$load_copy" -v c="$idle_job" -v d="$load_job" 'BEGIN {
    printf "db backup              idle %7.3f s   3 writers %7.3f s   ratio %.2f (target <= 3)\n", a, b, b / a
    printf "backup run opsctl-db   idle %7.3f s   3 writers %7.3f s   ratio %.2f (target <= 3)\n", c, d, d / c
    exit (b / a > 3 || d / c > 3) ? 1 : 0
}'
