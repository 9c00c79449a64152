#!/usr/bin/env bash
# Concurrency: 8 opsctl processes at once for ~20 s (ticket new, comment, assign, a 50-row
# import, readers and online backups; report monthly when built in) with the default busy
# timeout. Every write that reported success is in the database exactly once, none that
# failed is partly there, failures are only exit 75 (and rare), and `db check` is clean.
# REL_CONCURRENCY_SECONDS changes the length (default 20).
source "$(dirname "$0")/lib.sh"

init_sample
# On PostgreSQL the script reads the database back through the cluster's psql.
[ -n "${OPSCTL_PG_BIN:-}" ] && export OPSCTL_PSQL="$OPSCTL_PG_BIN/psql" OPSCTL_SCRATCH="$WORK"
export OPSCTL_NOW=2026-10-09T10:00:00+08:00
OUT=$(python3 "$SRC/tests/reliability/concurrency.py" "$BIN" "${REL_CONCURRENCY_SECONDS:-20}" 2>&1)
RC=$?
ERR=""
printf '%s\n' "$OUT"
expect_rc 0 "8 concurrent writers keep every promise"
expect_out "by 8 processes" "the run happened"

finish
