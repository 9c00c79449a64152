# Shared helpers for the black-box tests: each test_*.sh sources this, runs the real
# binary ($OPSCTL_BIN) in a scratch folder, and ends with `finish`.
# shellcheck shell=bash
set -u

BIN=${OPSCTL_BIN:?set OPSCTL_BIN to the opsctl binary}
SRC=${OPSCTL_SOURCE:?set OPSCTL_SOURCE to the source tree}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/opsctl-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# A clean, fixed environment: nothing from the caller's policy or database leaks in.
export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" XDG_DATA_HOME="$WORK/home/.local/share"
export XDG_CACHE_HOME="$WORK/home/.cache"
export OPSCTL_CONFIG="$WORK/cfg" OPSCTL_DB="$WORK/ops.db" OPSCTL_USER=tester NO_COLOR=1 TZ=UTC
unset OPSCTL_NOW OPSCTL_BUSY_TIMEOUT OPSCTL_CACHE_DIR SUDO_USER
mkdir -p "$HOME"

# OPSCTL_TEST_ENGINE=postgresql: the same script on a PostgreSQL database of its own, made
# from the migrated template of the cluster that ctest started (tests/pg/cluster.sh).
if [ "${OPSCTL_TEST_ENGINE:-sqlite}" = postgresql ]; then
    # shellcheck source=tests/cli/lib_pg.sh
    . "$SRC/tests/cli/lib_pg.sh"
    pg_require
    pg_new_database || { echo "cannot create a PostgreSQL database for the test" >&2; exit 1; }
    export OPSCTL_DB=$PG_URL
fi

# db_sql SQL: runs SQL on the test's own database ($OPSCTL_DB, on either engine) and prints
# the rows as sqlite3 does ('|' between columns).
db_sql() {
    if [ "${OPSCTL_TEST_ENGINE:-sqlite}" = postgresql ]; then
        pg_sql -d "$PG_DB" "$1"
    else
        sqlite3 "$OPSCTL_DB" "$1"
    fi
}

PASSES=0
FAILS=0

# run ARGS...: runs opsctl; sets OUT (stdout), ERR (stderr) and RC.
run() {
    OUT=$("$BIN" "$@" 2>"$WORK/.stderr")
    RC=$?
    ERR=$(cat "$WORK/.stderr")
}

# at TIME ARGS...: runs opsctl at a fixed instant (OPSCTL_NOW=TIME), nothing on stdin; sets
# OUT, ERR and RC as run does, and fails the test (with the error) when opsctl fails.
at() {
    local when=$1
    shift
    OUT=$(OPSCTL_NOW="$when" "$BIN" "$@" 2>"$WORK/.stderr" </dev/null)
    RC=$?
    ERR=$(cat "$WORK/.stderr")
    [ "$RC" -eq 0 ] || fail "at $when: opsctl $* ($ERR)"
}

# run_in TEXT ARGS...: like run, with TEXT on stdin.
run_in() {
    local input=$1
    shift
    OUT=$(printf '%s' "$input" | "$BIN" "$@" 2>"$WORK/.stderr")
    RC=$?
    ERR=$(cat "$WORK/.stderr")
}

pass() { PASSES=$((PASSES + 1)); }
fail() {
    FAILS=$((FAILS + 1))
    printf 'FAIL: %s\n' "$1" >&2
    printf '  exit: %s\n  stdout: %s\n  stderr: %s\n' "${RC:-}" "${OUT:-}" "${ERR:-}" | head -c 4000 >&2
}

# expect_rc N DESCRIPTION
expect_rc() {
    if [ "$RC" -eq "$1" ]; then pass; else fail "$2 (wanted exit $1, got $RC)"; fi
}
# expect_out TEXT DESCRIPTION: stdout contains TEXT
expect_out() {
    if [[ "$OUT" == *"$1"* ]]; then pass; else fail "$2 (stdout lacks '$1')"; fi
}
# expect_no_out TEXT DESCRIPTION: stdout does not contain TEXT
expect_no_out() {
    if [[ "$OUT" != *"$1"* ]]; then pass; else fail "$2 (stdout has '$1')"; fi
}
# expect_err TEXT DESCRIPTION: stderr contains TEXT
expect_err() {
    if [[ "$ERR" == *"$1"* ]]; then pass; else fail "$2 (stderr lacks '$1')"; fi
}
# expect_eq WANTED GOT DESCRIPTION
expect_eq() {
    if [ "$1" == "$2" ]; then pass; else fail "$3 (wanted '$1', got '$2')"; fi
}
# expect_true DESCRIPTION COMMAND...: the command succeeds
expect_true() {
    local desc=$1
    shift
    if "$@"; then pass; else fail "$desc"; fi
}

# csv_rows FILE COLS...: the named columns of each row of a CSV file (one of the review's
# --out-dir files, say), joined by '|', one row per line.
csv_rows() {
    python3 - "$@" <<'PY'
import csv, sys
path, cols = sys.argv[1], sys.argv[2:]
for row in csv.DictReader(open(path, newline='', encoding='utf-8')):
    print('|'.join(row[c] for c in cols))
PY
}

# init_sample: installs the sample policy and a fresh database.
init_sample() {
    run init
    if [ "$RC" -ne 0 ]; then
        fail "opsctl init failed"
        finish
    fi
}

finish() {
    printf '%s: %d passed, %d failed\n' "$(basename "$0" .sh)" "$PASSES" "$FAILS"
    [ "$FAILS" -eq 0 ] || exit 1
    exit 0
}
