#!/usr/bin/env bash
# bench/run works end to end on tiny data: every scenario runs beside its reference and the
# table names each one. Timings are not asserted (speed is measured by bench/run itself).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

BUILD=$(cd "$(dirname "$BIN")" && pwd)
if [ ! -x "$BUILD/bench/opsctl_bench_gen" ] || ! command -v python3 >/dev/null || ! command -v sqlite3 >/dev/null ||
    ! command -v zstd >/dev/null; then
    echo "skipping: needs the opsctl_bench_gen target, python3, sqlite3 and zstd"
    exit 0
fi

OUT=$(python3 "$SRC/bench/run" --smoke --build "$BUILD" 2>"$WORK/.stderr")
RC=$?
ERR=$(cat "$WORK/.stderr")
expect_rc 0 "bench/run --smoke runs every scenario"
expect_out "generated 2000 tickets" "the generator reports what it wrote"
for scenario in "opsctl --version" "ticket list --limit 50" "ticket list --assignee lina --open" "ticket show 1000" \
    "ticket list --search" "ticket new" "ticket import (500 rows)" "asset list --class server" "asset show" \
    "asset import" "report monthly" "roster show --month" "roster now" "inspect run: 40 built-in items" \
    "backup run (2 MiB)" "backup verify (2 MiB)" "db backup under 3 writers" "db check (chain and records)"; do
    expect_out "| $scenario" "the table has a row for $scenario"
done
expect_out "| ticket import (500 rows)             | " "the ticket import has its row"
expect_true "imports are held to the floor on our schema, the bare .import shown beside" \
    python3 -c "import sys; rows=[l for l in sys.argv[1].splitlines() if ' import (' in l]; assert len(rows)==2, rows; assert all('sqlite3 on our schema' in r and '>= 1.0x rows/s' in r and 'bare .import' in r for r in rows), rows" "$OUT"
expect_no_out "1,000,000 rows" "--smoke leaves out the million-row imports"
expect_no_out "failed" "no scenario failed to run"
finish
