#!/usr/bin/env bash
# Ticket benchmark: generate N tickets (default 1,000,000) over two years, then time four
# commands against the same query run by the sqlite3 shell as a whole process, and the
# import throughput.  usage: bench/ticket.sh [BUILD_DIR] [COUNT]
set -eu
BUILD=${1:-build}
COUNT=${2:-1000000}
BIN=$BUILD/opsctl
GEN=$BUILD/bench/opsctl_bench_ticket_gen
DIR=$(mktemp -d "${TMPDIR:-/tmp}/opsctl-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
export OPSCTL_CONFIG=$DIR/cfg OPSCTL_DB=$DIR/bench.db OPSCTL_USER=bench NO_COLOR=1
export OPSCTL_NOW=2026-10-09T10:00:00+08:00
"$BIN" init >/dev/null
rm -f "$OPSCTL_DB"

echo "== generate $COUNT tickets"
/usr/bin/time -f "generator: %e s wall, %U s user" "$GEN" "$OPSCTL_DB" "$COUNT" "$OPSCTL_NOW"

# ms per run, best of 7, of a command line given as arguments.
best_ms() {
    local best=999999 t0 t1 ms
    for _ in 1 2 3 4 5 6 7; do
        t0=$(date +%s%N)
        "$@" >/dev/null
        t1=$(date +%s%N)
        ms=$(((t1 - t0) / 1000))
        [ "$ms" -lt "$best" ] && best=$ms
    done
    echo "$best"
}

COLS="t.id, t.priority, t.type, t.status, t.assignee, t.team, t.asset, t.title, t.created_at, t.sla_order"
compare() {
    local name=$1 sql=$2
    shift 2
    local a b
    a=$(best_ms "$BIN" "$@")
    b=$(best_ms sqlite3 "$OPSCTL_DB" "$sql")
    awk -v n="$name" -v a="$a" -v b="$b" 'BEGIN { printf "%-34s opsctl %7.2f ms   sqlite3 %7.2f ms   ratio %.2f\n", n, a/1000, b/1000, a/b }'
}

echo "== queries (best of 7, whole process)"
compare "ticket list --limit 50" \
    "SELECT $COLS FROM tickets t WHERE t.is_open = 1 ORDER BY t.sla_order, t.id LIMIT 50" \
    ticket list --limit 50
compare "ticket list --assignee lina --open" \
    "SELECT $COLS FROM tickets t WHERE t.is_open = 1 AND t.assignee = 'lina' ORDER BY t.sla_order, t.id" \
    ticket list --assignee lina --open
ID=$((COUNT / 2))
compare "ticket show $ID" \
    "SELECT * FROM tickets WHERE id = $ID; SELECT * FROM ticket_comments WHERE ticket_id = $ID; SELECT * FROM events WHERE entity = 'ticket' AND entity_id = '$ID' ORDER BY id" \
    ticket show "$ID"
compare "ticket list --search 数据库 --limit 20" \
    "SELECT $COLS FROM tickets_fts f JOIN tickets t ON t.id = f.rowid WHERE tickets_fts MATCH '\"数据库\"' ORDER BY t.id DESC LIMIT 20" \
    ticket list --search 数据库 --limit 20

echo "== import"
N=$((COUNT < 100000 ? COUNT : 100000))
"$BIN" ticket export | head -n $((N + 1)) >"$DIR/export.csv"
t0=$(date +%s%N)
"$BIN" --db "$DIR/import.db" ticket import "$DIR/export.csv" >/dev/null
t1=$(date +%s%N)
awk -v n="$N" -v ns="$((t1 - t0))" 'BEGIN { printf "ticket import: %d rows in %.2f s = %.0f rows/s (target 100000)\n", n, ns/1e9, n/(ns/1e9) }'
t0=$(date +%s%N)
sqlite3 "$DIR/ref.db" ".import --csv $DIR/export.csv t"
t1=$(date +%s%N)
awk -v n="$N" -v ns="$((t1 - t0))" 'BEGIN { printf "sqlite3 .import (no checks, no index): %.0f rows/s\n", n/(ns/1e9) }'
