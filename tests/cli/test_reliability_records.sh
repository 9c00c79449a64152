#!/usr/bin/env bash
# Records that prove themselves: a ticket or asset row changed, inserted or removed with the
# sqlite3 shell (around opsctl) makes `opsctl db check` exit 1 naming the first such record,
# while the changes opsctl makes itself (including `ticket sla`, which refreshes the SLA
# columns without an event) and an import check clean.
source "$(dirname "$0")/lib.sh"

init_sample
export OPSCTL_NOW=2026-10-09T10:00:00+08:00
run ticket new --title '数据库连接失败' --priority P2 -q
run ticket new --title '打印机卡纸' -q
run ticket assign 1 lina
run ticket comment 2 '已更换硒鼓'
run asset add --class server --name 数据库主机 --owner zhangwei --address 10.0.0.5 --set cpu=16 --set memory_gb=64 -q
printf 'type,title\r\nincident,导入的工单\r\n' >"$WORK/in.csv"
run ticket import "$WORK/in.csv"
expect_rc 0 "an import"
OPSCTL_NOW=2026-10-20T10:00:00+08:00 run ticket sla
run db check
expect_rc 0 "what opsctl wrote checks clean (ticket sla included)"
expect_out "records match their events" "db check reports the records"

# tamper NAME SQL: runs SQL on a copy of the database and sets OUT/ERR/RC of db check on it.
tamper() {
    local copy="$WORK/$1.db"
    rm -f "$copy" "$copy-wal" "$copy-shm"
    (umask 077 && sqlite3 "$WORK/ops.db" ".backup '$copy'")
    sqlite3 "$copy" "$2"
    OPSCTL_DB="$copy" run db check
}

tamper title "UPDATE tickets SET title = '已篡改' WHERE id = 2"
expect_rc 1 "a ticket edited in the sqlite3 shell fails db check"
expect_out "ticket 2 does not match its newest event" "db check names the edited ticket"
expect_out "hash chain intact" "the events themselves are untouched"

tamper same "UPDATE tickets SET title = title WHERE id = 2"
expect_rc 0 "writing the same value back is no change"

tamper owner "UPDATE assets SET owner = 'mallory' WHERE tag = 'SRV-0001'"
expect_rc 1 "an asset edited in the sqlite3 shell fails db check"
expect_out "asset SRV-0001 does not match" "db check names the edited asset"

tamper status "UPDATE tickets SET status = 'closed', is_open = 0 WHERE id = 1"
expect_rc 1 "a ticket closed behind opsctl's back fails db check"
expect_out "ticket 1" "and is named"

tamper insert "INSERT INTO tickets (id, type, priority, status, title, created_at, updated_at) \
    VALUES (99, 'incident', 'P3', 'new', '凭空出现', 0, 0)"
expect_rc 1 "a ticket inserted in the sqlite3 shell fails db check"
expect_out "ticket 99 has no event" "db check names the inserted ticket"

tamper digest "UPDATE events SET digest = '' WHERE id = (SELECT max(id) FROM events WHERE entity = 'ticket')"
expect_rc 1 "clearing an event's digest breaks the chain"
expect_out "was altered after it was written" "the altered event is named"

# opsctl's own change after a tamper does not hide it: the row matches again only because
# opsctl wrote it, so the edit stays visible in the history.
run ticket comment 2 '再次处理'
run db check
expect_rc 0 "the original database still checks clean after more changes"

finish
