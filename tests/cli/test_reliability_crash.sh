#!/usr/bin/env bash
# Crashes: opsctl is killed with SIGKILL at random points (fixed seed) during a 1000-row
# `ticket import`, a 1000-row `asset import`, `backup run`, `inspect run`, while creating
# and migrating a fresh database, and during `db backup`.
# After each kill `db check` is clean, an import is all there or not at all, no copy sits
# half-written under its final name, and the same command succeeds when run again.
# REL_CRASH_ROUNDS changes the number of kills per scenario (default 10).
source "$(dirname "$0")/lib.sh"

init_sample
export OPSCTL_NOW=2026-10-09T10:00:00+08:00
# The sanitizer build runs each command several times slower: fewer kills there.
rounds=${REL_CRASH_ROUNDS:-10}
[ "${OPSCTL_SANITIZED:-0}" = 1 ] && rounds=${REL_CRASH_ROUNDS:-3}
OUT=$(python3 "$SRC/tests/reliability/crash.py" "$BIN" "$rounds" 2>&1)
RC=$?
ERR=""
printf '%s\n' "$OUT"
expect_rc 0 "every kill leaves a consistent database and a command that can be run again"
expect_out "ticket import" "the import scenario ran"
expect_out "asset import" "the asset import scenario ran"
expect_out "backup run" "the backup run scenario ran"
expect_out "inspect run" "the inspect run scenario ran"

finish
