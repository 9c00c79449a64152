#!/usr/bin/env bash
# Audit trail: events are hash-chained; altering or deleting any events row with the sqlite3
# shell (in the middle or at the end of the chain) makes `opsctl db check` exit 1 and name
# the first bad row, while an untouched database checks clean.
source "$(dirname "$0")/lib.sh"

init_sample
export OPSCTL_NOW=2026-10-09T10:00:00+08:00
for i in 1 2 3; do
    run ticket new --title "audit $i" -q
done
run ticket comment 1 'looked at it'
run ticket assign 2 lina
printf 'type,title\r\nincident,imported one\r\nrequest,imported two\r\n' >"$WORK/in.csv"
run ticket import "$WORK/in.csv"
expect_rc 0 "an import writes events too"
events=$(sqlite3 "$WORK/ops.db" 'select count(*) from events')
expect_true "there are events to tamper with ($events)" test "$events" -ge 7

run db check
expect_rc 0 "an untouched database checks clean"
expect_out "hash chain intact" "db check reports the chain"

# tamper NAME SQL: runs SQL on a copy of the database and sets OUT/ERR/RC of db check on it.
tamper() {
    local copy="$WORK/$1.db"
    rm -f "$copy" "$copy-wal" "$copy-shm"
    # umask 077: the copy is as private as opsctl's own files, so only the events check fails.
    (umask 077 && sqlite3 "$WORK/ops.db" ".backup '$copy'")
    sqlite3 "$copy" "$2"
    OPSCTL_DB="$copy" run db check
}

tamper fields "update events set fields = '{\"title\":[\"x\",\"y\"]}' where id = 3"
expect_rc 1 "altered fields fail db check"
expect_out "event 3 was altered" "db check names the altered row"
expect_err "failed 1 check" "the error says how many checks failed"

tamper actor "update events set actor = 'mallory' where id = 2"
expect_rc 1 "an altered actor fails db check"
expect_out "event 2 was altered" "db check names the row with the altered actor"

tamper at "update events set at = at - 86400 where id = 4"
expect_rc 1 "an altered time fails db check"
expect_out "event 4" "db check names the row with the altered time"

tamper middle "delete from events where id = 3"
expect_rc 1 "a removed row fails db check"
expect_out "event 4 does not follow" "db check names the row after the removed one"

tamper first "delete from events where id = 1"
expect_rc 1 "removing the first row fails db check"
expect_out "event 2 does not follow" "db check names the row after the removed first one"

last=$(sqlite3 "$WORK/ops.db" 'select max(id) from events')
tamper tail "delete from events where id = $last"
expect_rc 1 "removing the newest row fails db check"
expect_out "events after $((last - 1)) were removed" "db check names where the chain was cut"

tamper all "delete from events"
expect_rc 1 "emptying the events table fails db check"

tamper rehash "update events set entity_id = '99' where id = 2"
expect_rc 1 "changing what an event is about fails db check"
expect_out "event 2" "db check names it"

# The real database is still clean, and new writes keep it so.
run ticket new --title 'after the checks' -q
run db check
expect_rc 0 "the untouched database still checks clean after more writes"

finish
