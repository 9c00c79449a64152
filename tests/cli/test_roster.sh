#!/usr/bin/env bash
# roster: now, show (all formats and iCalendar), overrides, handovers, attendance, gaps, load.
source "$(dirname "$0")/lib.sh"

init_sample
NOW=2026-10-09T10:00:00+08:00 # a Friday, the day shift; the desk's turn is wangfang's
export OPSCTL_NOW=$NOW

run policy check
expect_rc 0 "the sample roster policy is valid"
expect_out "roster" "policy check counts the roster"

run roster now
expect_rc 0 "someone is on duty on a Friday morning"
expect_out "alice" "ops-primary has alice this week"
expect_out "wangfang" "the desk has wangfang today"
run -q roster now --rotation ops-primary
expect_eq "alice" "$OUT" "-q prints only the person id"
run -q roster now --team ops --at 2026-10-09T23:00:00+08:00
expect_eq "lina" "$OUT" "the night shift at 23:00 is the on-call rotation's"
run -q roster now --rotation ops-oncall --at "2026-10-10 03:00"
expect_eq "lina" "$OUT" "the night shift runs past midnight"
run roster now --rotation desk --at "2026-10-11 10:00"
expect_rc 1 "nobody on the desk on a Sunday exits 1"
expect_err "nobody is on duty for rotation 'desk'" "and says so"
run roster now --rotation dsek
expect_rc 65 "an unknown rotation exits 65, as every value the policy does not define"
expect_err "did you mean 'desk'" "with a suggestion"

# The schedule of a month, in every format.
run roster show --month 2026-10 --rotation ops-primary
expect_rc 0 "show a month"
expect_no_out "2026-10-02 09:00" "no day shift on a National Day holiday"
expect_out "2026-10-10 09:00" "the make-up Saturday is worked"
for f in csv tsv json md; do
    run --format $f roster show --month 2026-10
    expect_rc 0 "show --format $f"
done
run --format json roster show --from 2026-10-09 --to 2026-10-09 --rotation desk
expect_true "JSON rows carry person, times and the override flag" python3 -c "
import json,sys
rows=json.loads(sys.argv[1])
assert len(rows)==1 and rows[0]['person']=='wangfang' and rows[0]['overridden'] is False, rows
assert rows[0]['start']=='2026-10-09T09:00:00+08:00' and rows[0]['hours']==8.5, rows" "$OUT"
run roster show --month 2026-13
expect_rc 64 "a bad month is a usage error"
run --format yaml roster show
expect_rc 64 "an unknown format is a usage error"

# Overrides: a cover inside a shift, then a later overlapping one wins.
run -q roster override add --rotation ops-primary --person zhangwei --from "2026-10-09 12:00" --to "2026-10-09 15:00" --note "看牙医"
expect_rc 0 "add an override"
FIRST=$OUT
run roster override add --rotation ops-primary --person liuyang --from "2026-10-09 13:00" --to "2026-10-09 14:00"
expect_rc 0 "add an overlapping override"
expect_out "liuyang on duty for 'ops-primary'" "the override is confirmed"
run -q roster now --rotation ops-primary --at "2026-10-09 13:30"
expect_eq "liuyang" "$OUT" "the latest override wins where two overlap"
run -q roster now --rotation ops-primary --at "2026-10-09 12:30"
expect_eq "zhangwei" "$OUT" "the earlier override still holds outside the later one"
run --format csv roster show --from 2026-10-09 --to 2026-10-09 --rotation ops-primary
expect_eq 6 "$(printf '%s\n' "$OUT" | wc -l)" "the shift is cut into five pieces (plus the header)"
expect_out ",true,alice" "show marks overridden pieces and whom they replace"
run roster show --from 2026-10-09 --to 2026-10-09 --rotation ops-primary
expect_out "#$FIRST" "the table names the override"
run roster override add --rotation ops-primary --person liuyang --from "2026-10-03 10:00" --to "2026-10-03 12:00"
expect_rc 65 "an override on a holiday covers no shift"
run roster override add --rotation ops-primary --person alice --from "2026-10-09 16:00" --to "2026-10-09 17:00"
expect_rc 65 "an override that changes nothing is refused"
run roster override add --rotation ops-primary --person liuyang --from "2026-10-09 14:00" --to "2026-10-09 13:00"
expect_rc 64 "an override ending before it begins is a usage error"
run -q roster override add --rotation desk --person lina --from 2026-10-13 --to 2026-10-13 --replaces wangfang
expect_rc 0 "a swap over whole days"
run -q roster now --rotation desk --at "2026-10-13 17:00"
expect_eq "lina" "$OUT" "a bare --to date includes that day"
run roster override list --month 2026-10
expect_rc 0 "list overrides"
expect_out "看牙医" "the note is listed"
run roster override remove "$FIRST"
expect_rc 0 "remove an override"
run roster override remove "$FIRST"
expect_rc 66 "removing it twice is not found"
run -q roster now --rotation ops-primary --at "2026-10-09 12:30"
expect_eq "alice" "$OUT" "the rotation is back after the removal"

# iCalendar: parsed with strict RFC 5545 line rules, events counted.
run --format ics roster show --month 2026-10 --rotation ops-primary
expect_rc 0 "show --format ics"
ICS="$WORK/roster.ics"
"$BIN" --format ics roster show --month 2026-10 --rotation ops-primary >"$ICS"
"$BIN" --format csv --no-header roster show --month 2026-10 --rotation ops-primary >"$WORK/rows.csv"
expect_true "the iCalendar file parses and has one event per duty" python3 - "$ICS" "$WORK/rows.csv" <<'PY'
import sys, re
data = open(sys.argv[1], 'rb').read()
rows = [l for l in open(sys.argv[2], encoding='utf-8').read().splitlines() if l]
assert data.endswith(b'\r\n'), 'ends with CRLF'
raw = data[:-2].split(b'\r\n')
assert all(b'\n' not in l and b'\r' not in l for l in raw), 'bare LF or CR'
for l in raw:
    assert len(l) <= 75, ('line over 75 octets', l)
    l.decode('utf-8')  # folding never splits a character
lines = []
for l in raw:
    if l.startswith(b' ') or l.startswith(b'\t'):
        assert lines, 'continuation first'
        lines[-1] += l[1:]
    else:
        lines.append(l)
lines = [l.decode('utf-8') for l in lines]
name = re.compile(r'^[A-Za-z0-9-]+(;[A-Za-z0-9-]+=("[^"]*"|[^;:,"]*)(,("[^"]*"|[^;:,"]*))*)*:')
stack, events, uids = [], [], set()
for l in lines:
    assert name.match(l), ('bad content line', l)
    key, value = l.split(':', 1)
    if key == 'BEGIN':
        stack.append(value); cur = {}
        if value == 'VEVENT': events.append(cur)
        continue
    if key == 'END':
        assert stack and stack.pop() == value, ('unbalanced', value)
        continue
    props = events[-1] if stack and stack[-1] == 'VEVENT' else {}
    assert key not in props or key == 'CATEGORIES', ('repeated', key)
    props[key] = value
    if key in ('SUMMARY', 'DESCRIPTION'):
        assert not re.search(r'(?<!\\)[;,]', value.replace('\\\\', '')), ('unescaped', value)
assert not stack, 'unclosed component'
assert lines[0] == 'BEGIN:VCALENDAR' and 'VERSION:2.0' in lines and any(l.startswith('PRODID:') for l in lines)
stamp = re.compile(r'^\d{8}T\d{6}Z$')
for e in events:
    for k in ('UID', 'DTSTAMP', 'DTSTART', 'DTEND', 'SUMMARY'):
        assert k in e, ('missing', k)
    assert stamp.match(e['DTSTART']) and stamp.match(e['DTEND']) and e['DTEND'] > e['DTSTART']
    uids.add(e['UID'])
assert len(events) == len(rows), (len(events), len(rows))
assert len(uids) == len(events), 'UIDs are unique'
assert any('DTSTART:20261010T010000Z' == 'DTSTART:' + e['DTSTART'] for e in events), 'make-up Saturday 09:00+08'
PY
"$BIN" --format ics roster show --month 2026-10 --rotation ops-primary >"$WORK/again.ics"
expect_true "UIDs and content are stable between runs" cmp -s "$ICS" "$WORK/again.ics"
run --format ics roster show --from 2026-10-09 --to 2026-10-09 --rotation ops-primary
expect_out "SUMMARY:刘洋 on duty (ops-primary\\, day) [override]" "the summary names the person in Chinese and marks the override"

# Handovers list the urgent open tickets, the inspection items still failing and the stale
# backups of the moment. A checklist with one failing item, a job that never ran, a job whose
# newest backup is past its max_age (2d) and one that is fresh.
cat >"$WORK/cfg/policies/handover-checks.yaml" <<YAML
checklists:
  handover-watch:
    every: 1d
    items:
      service: {kind: command, shell: true, command: 'test -e $WORK/up && echo "OK - up" || { echo "CRITICAL - service down"; exit 2; }'}
      fine: {kind: command, command: [/bin/sh, -c, 'echo "OK - fine"']}
backups:
  never-run:
    kind: database
    dest: backups/never-run
    every: 1d
    max_age: 2d
YAML
OPSCTL_NOW=2026-10-06T10:00:00+08:00 run backup run opsctl-db
expect_rc 0 "back up the database three days before"
OPSCTL_NOW=2026-10-09T09:00:00+08:00 run backup run policy
expect_rc 0 "back up the policy an hour before"
OPSCTL_NOW=2026-10-09T09:30:00+08:00 run inspect run handover-watch
expect_rc 2 "the watched service is down"
OPSCTL_NOW=2026-10-09T08:00:00+08:00 run -q ticket new --type incident --priority P1 --title "核心交换机宕机"
expect_rc 0 "open a P1 incident"
P1=$OUT
run -q ticket new --type incident --priority P3 --title "打印机卡纸"
run ticket assign "$P1" --auto
expect_out "to alice" "ticket assign --auto picks whoever is on duty for the type's team"
run --as alice roster handover --note "交换机 3 号口松动, 已处理"
expect_rc 0 "record a handover"
expect_out "ops-primary" "the handover is for the rotation alice is on"
expect_true "by default it goes to whoever follows (liuyang's override from 13:00)" grep -q "^To: *liuyang$" <<<"$OUT"
expect_out "#$P1 P1 核心交换机宕机" "the handover lists the open P1 ticket"
expect_no_out "打印机卡纸" "but not a P3 one"
expect_true "it lists the failing inspection item" grep -Eq "handover-watch/service on [^ ]+: CRITICAL - service down \(run [0-9]+, 2026-10-09 09:30\)" <<<"$OUT"
expect_no_out "handover-watch/fine" "but not an item that passed"
expect_out "opsctl-db: newest backup is 3d" "it lists the backup past its max_age, with its age"
expect_out "past max_age 2d" "and the max_age it passed"
expect_out "never-run: never ran" "it lists the job that never ran"
expect_no_out "policy: " "but not the fresh backup"
expect_true "the counts are shown" grep -Eq "^Failed inspections: *1$" <<<"$OUT"
expect_true "the counts are shown" grep -Eq "^Stale backups: *2$" <<<"$OUT"
expect_no_out "Not collected" "everything was collected"
run --format json roster handovers
expect_rc 0 "list handovers"
expect_true "the handover is listed with its snapshot" python3 -c "
import json,sys
rows=json.loads(sys.argv[1])
assert len(rows)==1 and rows[0]['from']=='alice' and rows[0]['note'].startswith('交换机'), rows
snap=rows[0]['snapshot']
assert isinstance(snap, dict), 'the snapshot is a JSON object, not a string of JSON: %r' % snap
assert set(['tickets','slas','inspections','backups']) <= set(snap), snap
assert [t['priority'] for t in snap['tickets']]==['P1'] and rows[0]['open_tickets']==1, snap
assert [(i['checklist'], i['item'], i['status']) for i in snap['inspections']]==[('handover-watch','service','CRITICAL')], snap
assert rows[0]['failed_inspections']==1, rows[0]
assert sorted(b['job'] for b in snap['backups'])==['never-run','opsctl-db'] and rows[0]['stale_backups']==2, snap
assert 'unavailable' not in snap, snap" "$OUT"
run roster handovers --since 2026-10-10
expect_no_out "alice" "--since leaves out earlier handovers"

# Once the service is back and the database backed up, the next handover lists neither.
touch "$WORK/up"
OPSCTL_NOW=2026-10-09T10:10:00+08:00 run inspect run handover-watch
expect_rc 0 "the watched service is back"
OPSCTL_NOW=2026-10-09T10:10:00+08:00 run backup run opsctl-db
expect_rc 0 "back up the database again"
OPSCTL_NOW=2026-10-09T10:20:00+08:00 run --as alice --format json roster handover
expect_rc 0 "a second handover"
expect_true "a recovered item and a fresh job are no longer handed over" python3 -c "
import json,sys
rec=json.loads(sys.argv[1])
rec=rec[0] if isinstance(rec, list) else rec
snap=rec['snapshot']
assert isinstance(snap, dict), snap
assert snap['inspections']==[] and rec['failed_inspections']==0, rec
assert [b['job'] for b in snap['backups']]==['never-run'] and rec['stale_backups']==1, rec" "$OUT"
run --as nobody roster handover
expect_rc 65 "an unknown person cannot hand over (exit 65, as every value the policy does not define)"

# Attendance.
OPSCTL_NOW=2026-10-09T09:20:00+08:00 run --as wangfang roster checkin
expect_rc 0 "check in"
OPSCTL_NOW=2026-10-09T09:25:00+08:00 run --as wangfang roster checkin
expect_rc 65 "checking in twice is refused"
OPSCTL_NOW=2026-10-09T17:40:00+08:00 run --as wangfang roster checkout
expect_rc 0 "check out"
expect_out "8h 20m" "checkout says how long"
OPSCTL_NOW=2026-10-09T18:00:00+08:00 run --as wangfang roster checkout
expect_rc 65 "checking out twice is refused"
OPSCTL_NOW=2026-10-10T12:00:00+08:00 run --format json roster attendance --month 2026-10
expect_rc 0 "attendance for a month"
expect_true "wangfang was late once; alice missed her days (one cut in two by an override)" python3 -c "
import json,sys
rows={r['person']: r for r in json.loads(sys.argv[1])}
w=rows['wangfang']
assert w['late']==1 and w['missed']==0 and w['turns']==1 and w['checked_in_hours']==8.3, w
a=rows['alice']
assert a['turns']==4 and a['missed']==4 and a['scheduled_hours']==150.0, a" "$OUT"

# Gaps and load.
run roster gaps --from 2026-10-01 --to 2026-10-31
expect_rc 0 "the sample covers ops around the clock"
run roster gaps --team desk --from 2026-10-09 --to 2026-10-10
expect_rc 1 "the desk has gaps outside office hours"
expect_out "2026-10-09 17:30" "the gap starts when the day shift ends"
expect_err "gap" "and the error says so"
run --format json roster load --month 2026-10 --team ops
expect_rc 0 "load per person"
expect_true "load has hours, night and holiday hours and a fair share" python3 -c "
import json,sys
rows=json.loads(sys.argv[1])
assert {r['person'] for r in rows}=={'zhangwei','lina','liuyang','alice'}, rows
assert abs(sum(r['share'] for r in rows)-100)<0.5, rows
assert all(r['night_hours']>0 for r in rows), rows
assert any(r['holiday_hours']>0 for r in rows), rows
avg=sum(r['hours'] for r in rows)/len(rows)
for r in rows: assert abs(r['vs_average']-r['hours']/avg)<0.01, r" "$OUT"

# The audit trail records roster changes.
run db check
expect_rc 0 "the database checks out after roster changes"

finish
