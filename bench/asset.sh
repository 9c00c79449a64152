#!/usr/bin/env bash
# Asset register benchmark: import 100,000 assets, then time `asset list --class server
# --limit 50` and `asset show TAG` against the same SQL run by the sqlite3 shell.
# Usage: bench/asset.sh [BUILD_DIR] [ROWS] [REPEAT]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BIN=${OPSCTL_BIN:-${1:-$here/../build}/opsctl}
ROWS=${2:-100000}
REPEAT=${3:-100}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/opsctl-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export OPSCTL_CONFIG="$WORK/cfg" OPSCTL_DB="$WORK/ops.db" OPSCTL_USER=bench NO_COLOR=1
"$BIN" init >/dev/null

python3 "$here/asset_gen.py" "$ROWS" >"$WORK/assets.csv"
ms() { echo $(( $(date +%s%N) / 1000000 )); }

t0=$(ms)
"$BIN" -q asset import "$WORK/assets.csv"
t1=$(ms)
import_ms=$((t1 - t0))
# The reference: the sqlite3 shell's .import of the same file into a plain table.
sqlite3 "$WORK/ref.db" ".mode csv" ".import $WORK/assets.csv plain" >/dev/null
t2=$(ms)
sqlite3 "$WORK/ref2.db" ".mode csv" ".import $WORK/assets.csv plain" >/dev/null
t3=$(ms)
ref_ms=$((t3 - t2))

TAG=SRV-0500
# The statements `asset list` and `asset show` run, as SQL text for the shell.
COLS="tag, class, name, model, serial, owner, location, address, status, purchased, warranty_until, parent, retire_reason, created_at, updated_at, retired_at, disposed_at"
LIST_SQL="SELECT $COLS FROM assets WHERE 1 AND class = 'server' ORDER BY tag LIMIT 50;"
SHOW_SQL="SELECT $COLS FROM assets WHERE tag = '$TAG';
SELECT key, value FROM asset_fields WHERE tag = '$TAG';
SELECT id, tag, kind, at, note, result, spent_secs, cost, actor, created_at FROM asset_maintenance WHERE 1 AND tag = '$TAG' ORDER BY at DESC, id DESC LIMIT 20;
SELECT tag FROM assets WHERE parent = '$TAG' ORDER BY tag;"

# time_loop NAME CMD...: average milliseconds per run over $REPEAT runs.
time_loop() {
    local start end i
    start=$(date +%s%N)
    for ((i = 0; i < REPEAT; i++)); do "$@" >/dev/null; done
    end=$(date +%s%N)
    awk -v ns=$((end - start)) -v n="$REPEAT" 'BEGIN { printf "%.2f", ns / n / 1e6 }'
}

list_opsctl=$(time_loop "$BIN" asset list --class server --limit 50)
list_sqlite=$(time_loop sqlite3 "$OPSCTL_DB" "$LIST_SQL")
show_opsctl=$(time_loop "$BIN" asset show "$TAG")
show_sqlite=$(time_loop sqlite3 "$OPSCTL_DB" "$SHOW_SQL")

printf '%-38s %12s %12s %8s\n' "benchmark ($ROWS assets)" "opsctl" "reference" "ratio"
awk -v rows="$ROWS" -v a="$import_ms" -v b="$ref_ms" 'BEGIN {
    printf "%-38s %9.0f/s %9.0f/s %8.2f\n", "import (rows/s; ref: sqlite3 .import)", rows / (a / 1000), rows / (b / 1000), a / b }'
awk -v a="$list_opsctl" -v b="$list_sqlite" 'BEGIN {
    printf "%-38s %9.2f ms %9.2f ms %8.2f\n", "asset list --class server --limit 50", a, b, a / b }'
awk -v a="$show_opsctl" -v b="$show_sqlite" 'BEGIN {
    printf "%-38s %9.2f ms %9.2f ms %8.2f\n", "asset show '"$TAG"'", a, b, a / b }'
