#!/usr/bin/env bash
# The review's hourly ticket tally (migration 16): kept by triggers as tickets are opened,
# answered, resolved, closed, reopened and changed, it gives the trend the same counts as a
# recount of the tickets, also in a zone at :45 past the hour and for a month that ends now,
# at minutes that are not on the hour; `db check` names a tally that differs and
# `db check --repair` rebuilds it without touching a record. Runs on both engines.
source "$(dirname "$0")/lib.sh"

init_sample
# Nepal is 5:45 ahead of UTC: its midnights are never on a UTC hour, so every month's bounds
# fall inside a tally bucket and the edges are counted from the indexes.
sed -i 's|^\(  *timezone:\).*|\1 Asia/Kathmandu|' "$WORK/cfg/opsctl.yaml"
run policy check
expect_rc 0 "the policy in Asia/Kathmandu"

new() {
    local when=$1
    shift
    at "$when" -q ticket new "$@"
    ID=$OUT
}
# June to August, at minutes on and off the hour, around the months' local midnights.
new 2026-06-30T23:50:00+05:45 --type incident --priority P1 --title "机房断电"
A=$ID
at 2026-07-01T00:05:00+05:45 ticket assign "$A" lina
at 2026-07-01T00:40:00+05:45 ticket resolve "$A" --resolution "恢复供电"
at 2026-07-01T00:41:00+05:45 ticket close "$A" --satisfaction 5
new 2026-07-01T00:10:00+05:45 --type incident --priority P2 --title "交换机告警"
B=$ID
new 2026-07-15T09:17:00+05:45 --type request --priority P3 --title "申请 VPN"
C=$ID
at 2026-07-15T09:50:00+05:45 ticket assign "$C" zhangwei
at 2026-07-31T23:59:00+05:45 ticket resolve "$C" --resolution "已开通"
new 2026-08-01T00:00:00+05:45 --type incident --priority P2 --title "磁盘将满"
D=$ID
at 2026-08-02T10:00:00+05:45 ticket resolve "$B" --resolution "更换模块"
at 2026-08-02T10:01:00+05:45 ticket close "$B" --satisfaction 4
# Reopened: its closing leaves July's count and its resolution deadline moves on.
at 2026-08-03T11:11:00+05:45 ticket reopen "$A" --note "又断电了"
at 2026-08-03T11:30:00+05:45 ticket update "$D" --priority P1
new 2026-08-20T16:33:00+05:45 --type incident --priority P3 --title "打印机"
E=$ID
at 2026-09-01T08:15:00+05:45 ticket assign "$E" lina
at 2026-09-01T08:20:00+05:45 ticket resolve "$A" --resolution "更换 UPS"
at 2026-09-02T09:07:00+05:45 ticket close "$A" --satisfaction 3

run db check
expect_rc 0 "db check after opening, answering, resolving, closing, reopening and changing"
expect_out "the review's hourly ticket counts match the tickets" "db check names the tally"

# trend_of NOW MONTH: the review's trend per month, and the same counted from the tickets
# between the zone's local midnights (the last month up to NOW).
trend_of() {
    OPSCTL_NOW=$1 run report monthly --month "$2" --lang en --out-dir "$WORK/r"
    csv_rows "$WORK/r/trend_by_month.csv" month opened closed response_due response_met resolution_due resolution_met
}
recount() {
    local now=$1 months=$2
    python3 - "$now" "$months" <<'PY' | while IFS='|' read -r month s e; do
import sys
from datetime import datetime
from zoneinfo import ZoneInfo
zone = ZoneInfo('Asia/Kathmandu')
now = int(datetime.fromisoformat(sys.argv[1]).timestamp())
for m in sys.argv[2].split():
    y, mo = map(int, m.split('-'))
    s = int(datetime(y, mo, 1, tzinfo=zone).timestamp())
    e = int(datetime(y + (mo == 12), mo % 12 + 1, 1, tzinfo=zone).timestamp())
    print(f"{m}|{s}|{min(e, now)}")
PY
        row=$(db_sql "SELECT (SELECT COUNT(*) FROM tickets WHERE created_at >= $s AND created_at < $e),
            (SELECT COUNT(*) FROM tickets WHERE closed_at >= $s AND closed_at < $e),
            (SELECT COUNT(*) FROM tickets WHERE response_due_at >= $s AND response_due_at < $e),
            (SELECT COUNT(*) FROM tickets WHERE response_due_at >= $s AND response_due_at < $e
                AND responded_at <= response_due_at),
            (SELECT COUNT(*) FROM tickets WHERE resolution_due_at >= $s AND resolution_due_at < $e),
            (SELECT COUNT(*) FROM tickets WHERE resolution_due_at >= $s AND resolution_due_at < $e
                AND COALESCE(resolved_at, closed_at) <= resolution_due_at)")
        echo "$month|$row"
    done
}
GOT=$(trend_of 2026-09-10T10:00:00+05:45 2026-08)
expect_eq "$(recount 2026-09-10T10:00:00+05:45 "2026-06 2026-07 2026-08")" "$GOT" \
    "a past month's trend equals a recount between local midnights at :45"
expect_true "the trend counts something in every month" test "$(grep -c '|0|0|0|0|0|0$' <<<"$GOT")" -eq 0
# The month in progress ends now, at 08:17: its last minutes are counted from the indexes.
GOT=$(trend_of 2026-09-01T08:17:00+05:45 2026-09)
expect_eq "$(recount 2026-09-01T08:17:00+05:45 "2026-06 2026-07 2026-08 2026-09")" "$GOT" \
    "the month in progress equals a recount up to now, off the hour"

# A tally that differs: named by db check (exit 1), rebuilt by --repair, records untouched.
EVENTS=$(db_sql "SELECT COUNT(*) FROM events")
db_sql "UPDATE ticket_tally SET n = n + 1 WHERE measure = 0 AND bucket = (SELECT MIN(bucket) FROM ticket_tally WHERE measure = 0)" >/dev/null
db_sql "DELETE FROM ticket_tally WHERE measure = 1" >/dev/null
run db check
expect_rc 1 "db check fails on a tally that differs from the tickets"
expect_out "differ from the tickets (rebuild them with 'opsctl db check --repair')" "db check says how to mend it"
run db check --repair
expect_rc 0 "db check --repair rebuilds the tally and then passes"
expect_err "rebuilt the review's hourly ticket counts (" "--repair says what it rebuilt"
expect_eq "$EVENTS" "$(db_sql "SELECT COUNT(*) FROM events")" "--repair writes no event and changes no record"
expect_eq "$(recount 2026-09-10T10:00:00+05:45 "2026-06 2026-07 2026-08")" "$(trend_of 2026-09-10T10:00:00+05:45 2026-08)" \
    "the rebuilt tally gives the same trend"
run db check --repair
expect_rc 0 "--repair on a sound tally"
expect_eq "" "$ERR" "--repair on a sound tally rebuilds nothing and says nothing"

finish
