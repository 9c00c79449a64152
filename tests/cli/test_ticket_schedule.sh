#!/usr/bin/env bash
# Scheduled work: `ticket schedule run` opens each period of the policy's schedules once (run
# twice, run concurrently, a closed ticket), catches up after a missed week (every period or
# only the newest, on the business calendar with its holidays and make-up workdays), and
# `ticket schedule list` shows the next dates in every format. Bad schedules are exit 78 with
# file:line:col. Runs on PostgreSQL too (tests/CMakeLists.txt).
source "$(dirname "$0")/lib.sh"

init_sample
db() { db_sql "$1"; }
cat >"$WORK/cfg/policies/schedules.yaml" <<'YAML'
schedules:
  ups:
    title: UPS测试 {{period}}
    body: 第一个工作日 {{due}}
    type: change
    assignee: liuyang
    every: 1mo
    day: first-workday
  daily:
    title: 日检 {{due}}
    type: request
    assignee: wangfang
    every: 1d
    start: 2026-10-01
    on_day_off: skip
  daily-latest:
    title: 最新 {{period}}
    type: request
    assignee: wangfang
    every: 1d
    start: 2026-10-01
    on_day_off: skip
    catch_up: latest
  fire:
    title: 消防年检 {{asset}} {{asset.name}}
    type: request
    assignee: zhangwei
    assets: {class: fire-equipment, status: in_use}
    every: 1y
    start: 2026-03-01
    on_day_off: keep
  duty:
    title: 值班巡查
    rotation: ops-primary
    every: 1w
    start: 2026-10-05
YAML

run policy check
expect_rc 0 "the schedules are a valid policy"
expect_out "schedules" "policy check counts the schedules"

F1=$("$BIN" -q asset add --class fire-equipment --name '灭火器 一号' --set kind=extinguisher --status in_use)
F2=$("$BIN" -q asset add --class fire-equipment --name '灭火器 二号' --set kind=extinguisher --status in_use)

# Friday 2026-10-09, 10:00: National Day (10-01..10-07) is over; the 8th was the first working day.
NOW=2026-10-09T10:00:00+08:00
export OPSCTL_NOW=$NOW

run ticket schedule list --format json
expect_rc 0 "schedule list"
row() { # row SCHEDULE INDEX FIELD: a field of the list's JSON
    printf '%s' "$OUT" | python3 -c "import json,sys; r=[x for x in json.load(sys.stdin) if x['schedule']=='$1']; print(r[$2]['$3'] if len(r)>$2 else '-')"
}
expect_eq "2026-10-01 2026-10-08 due" "$(row ups 0 period) $(row ups 0 due) $(row ups 0 state)" \
    "a schedule never run: its latest period is due, on the first working day after the holidays"
expect_eq "2026-11-01 2026-11-02 upcoming" "$(row ups 1 period) $(row ups 1 due) $(row ups 1 state)" \
    "the next month's first working day follows (1 Nov is a Sunday)"
expect_eq "2026-10-05 2026-10-08" "$(row duty 0 period) $(row duty 0 due)" "a weekly period on a holiday moves to the next working day"
expect_eq "change P3 liuyang" "$(row ups 0 type) $(row ups 0 priority) $(row ups 0 assignee)" "type, priority (the type's) and assignee"
expect_eq "1mo, first working day" "$(row ups 0 every)" "the cadence is described"
expect_eq "None" "$(row ups 0 last)" "nothing opened yet: last is null"
run ticket schedule list ups --next 5 --format csv --no-header
expect_eq "5" "$(printf '%s\n' "$OUT" | wc -l)" "--next 5 lists five dates"
expect_out "UPS测试 2026-11-01" "the listed title has the period filled in"
for f in csv tsv md; do
    run ticket schedule list ups --format $f
    expect_out "2026-11-02" "schedule list --format $f shows the dates"
done
run ticket schedule list --next 0
expect_rc 64 "--next 0 is a usage error"
run ticket schedule list upz
expect_rc 66 "an unknown schedule"
expect_err "did you mean 'ups'?" "the error suggests the nearest schedule"

# A dry run writes nothing.
before=$(db "select count(*) from tickets")
run ticket schedule run --dry-run
expect_rc 0 "a dry run"
expect_out "UPS测试 2026-10-01" "a dry run lists what would open"
expect_eq "$before" "$(db "select count(*) from tickets")" "a dry run opens no ticket"

on_duty=$("$BIN" -q roster now --rotation ops-primary)
run ticket schedule run --format json
expect_rc 0 "the first run"
opened() { printf '%s' "$OUT" | python3 -c "import json,sys; print(' '.join(sorted(x['schedule']+'@'+x['period']+(':'+x['asset'] if x['asset'] else '') for x in json.load(sys.stdin))))"; }
expect_eq "daily-latest@2026-10-09 daily@2026-10-09 duty@2026-10-05 fire@2026-03-01:$F1 fire@2026-03-01:$F2 ups@2026-10-01" \
    "$(opened)" "the first run opens the latest due period of each schedule, per asset for 'assets'"
ups_id=$(printf '%s' "$OUT" | python3 -c "import json,sys; print([x['ticket'] for x in json.load(sys.stdin) if x['schedule']=='ups'][0])")
run ticket show "$ups_id" --format json
expect_out '"title": "UPS测试 2026-10-01"' "the title's placeholders are filled in"
expect_out '"assignee": "liuyang"' "the schedule's assignee"
expect_out '"type": "change"' "the schedule's type"
expect_out '"body": "第一个工作日 2026-10-08"' "the body's placeholders"
created=$(printf '%s' "$OUT" | python3 -c "import json,sys; h=[e for e in json.load(sys.stdin)['history'] if e['action']=='created'][0]['fields']; print(h['schedule'], h['period'], h['due'])")
expect_eq "ups 2026-10-01 2026-10-08" "$created" "the created event names the schedule, the period and its due day"
duty_assignee=$(db "select t.assignee from tickets t join ticket_schedule_runs r on r.ticket_id = t.id where r.schedule = 'duty'")
expect_eq "$on_duty" "$duty_assignee" "a rotation's schedule goes to whoever is on duty in it"
fire_title=$(db "select t.title from tickets t join ticket_schedule_runs r on r.ticket_id = t.id where r.target = '$F1'")
expect_eq "消防年检 $F1 灭火器 一号" "$fire_title" "a per-asset ticket names its asset"

total=$(db "select count(*) from tickets")
run -q ticket schedule run
expect_rc 0 "a second run the same day"
expect_eq "" "$OUT" "a second run opens nothing"
expect_eq "$total" "$(db "select count(*) from tickets")" "no ticket twice"
OPSCTL_NOW=2026-10-09T17:00:00+08:00 run -q ticket schedule run
expect_eq "" "$OUT" "nor later the same day"

# Closing the ticket does not make its period due again.
daily_id=$(db "select ticket_id from ticket_schedule_runs where schedule = 'daily'")
"$BIN" -q ticket resolve "$daily_id" --resolution '正常' && "$BIN" -q ticket close "$daily_id"
expect_eq "0" "$(db "select is_open from tickets where id = $daily_id")" "the daily ticket is closed"
run -q ticket schedule run daily
expect_eq "" "$OUT" "a closed period stays closed"

# A week without cron: Friday 2026-10-16. Saturday 10-10 was a make-up workday.
export OPSCTL_NOW=2026-10-16T10:00:00+08:00
run ticket schedule list daily daily-latest --format json
expect_eq "2026-10-10 due" "$(row daily 0 period) $(row daily 0 state)" "list shows the oldest missed period as due"
expect_eq "2026-10-16 due" "$(row daily-latest 0 period) $(row daily-latest 0 state)" "catch_up: latest lists only the newest"
expect_eq "2026-10-09" "$(row daily 0 last)" "the newest period opened"
run ticket schedule run daily daily-latest --format json
expect_rc 0 "the catch-up run"
expect_eq "daily-latest@2026-10-16 daily@2026-10-10 daily@2026-10-12 daily@2026-10-13 daily@2026-10-14 daily@2026-10-15 daily@2026-10-16" \
    "$(opened)" "catch_up: all opens each missed working day (the make-up Saturday too, not the Sunday); latest only the newest"
F3=$("$BIN" -q asset add --class fire-equipment --name '灭火器 三号' --set kind=extinguisher --status in_use)
run ticket schedule run --format json
expect_eq "duty@2026-10-12 fire@2026-03-01:$F3" "$(opened)" "an asset registered later gets its own period; the week's duty opens"

# Monday 2026-11-02: the month's first working day.
export OPSCTL_NOW=2026-11-02T10:00:00+08:00
run -q ticket schedule run ups
expect_rc 0 "the monthly run"
expect_eq "1" "$(printf '%s\n' "$OUT" | grep -c .)" "-q prints the id of the one ticket opened"
expect_eq "2026-11-01|2026-11-02" "$(db "select period, due_on from ticket_schedule_runs where schedule = 'ups' order by period desc limit 1")" \
    "the period and the day it fell due are recorded"

# Concurrent runs: four at once catching up two months of a daily schedule; each period once.
export OPSCTL_NOW=2026-12-31T10:00:00+08:00
for i in 1 2 3 4; do
    OPSCTL_BUSY_TIMEOUT=30000 "$BIN" -q ticket schedule run daily >"$WORK/run$i.out" 2>"$WORK/run$i.err" &
done
rcs=""
for job in $(jobs -p); do
    wait "$job"
    rcs="$rcs$?"
done
expect_eq "0000" "$rcs" "four concurrent runs succeed"
all_ids=$(cat "$WORK"/run?.out | sort -n)
expect_eq "$(printf '%s\n' "$all_ids" | grep -c .)" "$(printf '%s\n' "$all_ids" | sort -u | grep -c .)" "no ticket is printed by two runs"
expect_eq "0" "$(db "select count(*) from (select period from ticket_schedule_runs where schedule = 'daily' group by period having count(*) > 1) d")" \
    "no period opened twice"
expect_eq "$(db "select count(*) from ticket_schedule_runs where schedule = 'daily'")" \
    "$(db "select count(*) from tickets where source like 'schedule:daily:%'")" "one ticket per period"
expect_eq "$(db "select count(*) from ticket_schedule_runs where schedule = 'daily' and period > '2026-10-16'")" \
    "$(printf '%s\n' "$all_ids" | grep -c .)" "the runs together opened every missed working day"
expect_eq "2026-12-31" "$(db "select max(period) from ticket_schedule_runs where schedule = 'daily'")" "up to today"
run db check
expect_rc 0 "db check passes after the runs"

# A schedule that cannot open is named; the others open; exit 1.
cat >"$WORK/cfg/policies/zz-broken.yaml" <<'YAML'
schedules:
  gone:
    title: 旧设备
    asset: NOPE-0001
    assignee: lina
    every: 1d
    start: 2026-12-01
YAML
run ticket schedule run
expect_rc 1 "a schedule that cannot open fails the run"
expect_err "schedule 'gone': asset 'NOPE-0001' is not registered" "the error names the schedule and the asset"
rm "$WORK/cfg/policies/zz-broken.yaml"

# Bad schedules: exit 78, file:line:col, what is wrong.
bad() { # bad YAML MESSAGE DESCRIPTION
    printf 'schedules:\n  bad:\n%s\n' "$1" >"$WORK/cfg/policies/zz-bad.yaml"
    run ticket schedule list
    expect_rc 78 "$3"
    expect_err "zz-bad.yaml:" "$3: the file is named"
    expect_err "$2" "$3: the message"
    rm "$WORK/cfg/policies/zz-bad.yaml"
}
bad $'    title: x\n    every: 4h' "'every' is a number of days, weeks, months or years" "hours are no cadence"
bad $'    title: x\n    every: 1w' "needs 'start'" "a weekly cadence needs a start"
bad $'    title: x\n    every: 1d\n    start: 2026-01-01\n    day: first-workday' "needs a cadence in months" "first-workday with days"
bad $'    title: x\n    every: 1mo\n    type: incidnet' "did you mean 'incident'?" "an unknown type"
bad $'    title: x\n    every: 1mo\n    assignee: lina\n    rotation: desk' "not both" "assignee and rotation"
bad $'    title: x\n    every: 1mo\n    rotation: dsk' "rotation 'dsk' is not in 'roster'" "an unknown rotation"
bad $'    title: x {{perod}}\n    every: 1mo' "unknown placeholder {{perod}}" "a misspelt placeholder"
bad $'    title: x\n    every: 1mo\n    catch_up: some' "catch_up" "an unknown catch-up rule"
bad $'    title: x\n    every: 1mo\n    evrey: 1d' "did you mean 'every'?" "a misspelt key"
bad $'    title: x\n    every: 1mo\n    assets: {class: ups}' "asset class 'ups' is not in 'assets'" "an unknown asset class"

finish
