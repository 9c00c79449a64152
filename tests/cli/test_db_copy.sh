#!/usr/bin/env bash
# Database copies under load: `db backup` and the `database` backup kind finish while three
# writer loops keep adding tickets, and the copy is a sound database holding the tickets.
# (The copy used to go in steps of 1024 pages, and every write by another connection
# restarted it: with three writers it never finished. Speed is measured by bench/dbcopy.sh.)
source "$(dirname "$0")/lib.sh"

init_sample
N=${OPSCTL_TEST_TICKETS:-100000}
python3 -c "
import sys
n = int(sys.argv[1])
with open(sys.argv[2], 'w') as f:
    f.write('type,priority,title,body\n')
    for i in range(n):
        f.write('incident,P3,load ticket %d,%s\n' % (i, 'x' * 200))" "$N" "$WORK/load.csv"
run -q ticket import "$WORK/load.csv"
expect_rc 0 "$N tickets are imported"

# Three writer loops, each bounded, all stopped when the test ends however it ends: told to
# stop and waited for, so that no opsctl they started is still writing into $WORK as it goes.
PIDS=()
cleanup() {
    touch "$WORK/stop" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
for w in 1 2 3; do
    (
        for i in $(seq 1 2000); do
            "$BIN" -q ticket new --title "writer $w ticket $i" >/dev/null 2>&1
            [ -e "$WORK/stop" ] && break
        done
    ) &
    PIDS+=($!)
done
# The writers are writing before the copy starts.
for _ in $(seq 1 3000); do
    [ "$(sqlite3 -cmd ".timeout 10000" "$OPSCTL_DB" "select count(*) from tickets where title like 'writer %'" 2>/dev/null)" -ge 6 ] && break
    sleep 0.01
done
BEFORE=$(sqlite3 -cmd ".timeout 10000" "$OPSCTL_DB" "select count(*) from tickets")
expect_true "the writers are writing when the copy starts" test "$BEFORE" -gt "$N"

# Bounded by `timeout` only so that a copy that never ends fails the test instead of hanging it.
OUT=$(timeout 240 "$BIN" db backup "$WORK/copy/ops-copy.db" 2>"$WORK/.stderr")
RC=$?
ERR=$(cat "$WORK/.stderr")
expect_rc 0 "db backup finishes while three writers write"
expect_eq "ok" "$(sqlite3 "$WORK/copy/ops-copy.db" 'PRAGMA integrity_check')" "the copy passes SQLite's integrity check"
COPIED=$(sqlite3 "$WORK/copy/ops-copy.db" "select count(*) from tickets")
expect_true "the copy holds every imported ticket and those written before it ($COPIED >= $BEFORE)" test "$COPIED" -ge "$BEFORE"
expect_eq "delete" "$(sqlite3 "$WORK/copy/ops-copy.db" 'PRAGMA journal_mode')" "the copy stands alone (no WAL files needed)"
expect_eq "600" "$(stat -c %a "$WORK/copy/ops-copy.db")" "the copy is private"
expect_eq "" "$(find "$WORK/copy" -name '*.tmp')" "no temporary file is left"

# The database backup kind copies the same way, and its archive verifies deeply.
OUT=$(timeout 240 "$BIN" backup run opsctl-db 2>"$WORK/.stderr")
RC=$?
ERR=$(cat "$WORK/.stderr")
expect_rc 0 "the database job finishes while three writers write"
run backup verify --deep opsctl-db
expect_rc 0 "the database job's archive verifies deeply"
R=$("$BIN" -q backup list opsctl-db -n 1)
run backup restore "$R" --to "$WORK/restored"
expect_rc 0 "the database job's backup restores"
DBFILE=$(find "$WORK/restored" -name ops.db)
expect_eq "ok" "$(sqlite3 "$DBFILE" 'PRAGMA integrity_check')" "the restored copy passes the integrity check"
expect_true "the restored copy holds the imported tickets" \
    test "$(sqlite3 "$DBFILE" "select count(*) from tickets")" -gt "$N"
touch "$WORK/stop"
finish
