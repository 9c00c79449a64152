#!/usr/bin/env bash
# Black-box tests of `opsctl report`: a known month built through the real CLI with
# OPSCTL_NOW, every headline figure checked against values worked out by hand below, the
# Markdown checked against a small lint rule set and every CSV read back with python3's csv.
source "$(dirname "$0")/lib.sh"

init_sample

# An empty database: no ticket section, still a valid review (the roster's schedule comes
# from the policy, so its section is there).
OPSCTL_NOW=2026-11-05T10:00:00+08:00 run report monthly --lang en
expect_rc 0 "monthly on an empty database"
expect_out "# Monthly operations review — 2026-10" "the default month is the last full month"
expect_no_out "## Tickets" "no ticket section without tickets"
expect_out "## Duty roster" "a roster section from the policy's rotations"
# A policy without rotations and no records: nothing to show, and the review says so.
mkdir -p "$WORK/bare"
printf 'site:\n  name: Bare\n  timezone: Asia/Shanghai\n' >"$WORK/bare/opsctl.yaml"
run --config "$WORK/bare" --db "$WORK/bare.db" init -q
expect_rc 0 "init keeps a bare hand-written policy"
OPSCTL_NOW=2026-11-05T10:00:00+08:00 run --config "$WORK/bare" --db "$WORK/bare.db" report monthly --lang en
expect_rc 0 "monthly with a bare policy"
expect_out "Nothing was recorded for this month." "an empty review says so"

# new TIME ARGS...: opens a ticket and sets ID.
new() {
    local when=$1
    shift
    at "$when" -q ticket new "$@"
    ID=$OUT
}

# The assets the tickets name (tickets name registered assets only).
at 2026-09-01T09:00:00+08:00 -q asset add --class server --name 存储服务器 --tag srv-01 --set memory_gb=64
at 2026-09-01T09:00:00+08:00 -q asset add --class pc --name 培训室电脑 --tag pc-07

# The calendar (sample policy): Mon-Fri 09:00-12:00 + 13:30-18:00 = 7.5 h a day; 2026-09-25..27
# and 2026-10-01..07 are holidays; Saturday 2026-10-10 is a make-up workday. SLA: P1 24x7
# 30m/4h; P2 business 2h/1d (1d = 7.5 h); P3 2h/3d; P4 2d/10d.
#
# September (the previous month):
# T1 incident P3, created Tue 09-29 10:00, assigned 11:00 (response 1 h, met), resolved
#    Wed 09-30 10:00 (2 + 4.5 + 1 = 7.5 h business, met), closed 11:00 with satisfaction 4.
new 2026-09-29T10:00:00+08:00 --type incident --title "邮件服务器无法登录"
T1=$ID
at 2026-09-29T11:00:00+08:00 ticket assign "$T1" lina
at 2026-09-30T10:00:00+08:00 ticket resolve "$T1" --resolution "重启服务"
at 2026-09-30T11:00:00+08:00 ticket close "$T1" --satisfaction 4
# T2 incident P3 on srv-01, created Wed 09-30 17:00, just before the National Day holiday;
#    assigned Thu 10-08 09:30: 1 h on 09-30 + 0.5 h on 10-08 = 1.5 h (met: the holiday does
#    not count); resolved Fri 10-09 10:00: 1 + 7.5 + 1 = 9.5 h (met, 3d = 22.5 h); closed
#    10-09 11:00 with satisfaction 5.
new 2026-09-30T17:00:00+08:00 --type incident --title "存储告警" --asset srv-01
T2=$ID
at 2026-10-08T09:30:00+08:00 ticket assign "$T2" liuyang
at 2026-10-09T10:00:00+08:00 ticket resolve "$T2" --resolution "更换硬盘"
at 2026-10-09T11:00:00+08:00 ticket close "$T2" --satisfaction 5
# October:
# T3 request P4 on pc-07, created Fri 10-09 17:00; a public comment on the make-up Saturday
#    10-10 at 10:00: 1 + 1 = 2 h (met); resolved 10-10 15:00: 1 + 3 + 1.5 = 5.5 h (met);
#    closed Mon 10-12 09:00 with satisfaction 3.
new 2026-10-09T17:00:00+08:00 --type request --title "培训新员工使用OA" --asset pc-07
T3=$ID
at 2026-10-10T10:00:00+08:00 ticket comment "$T3" "已安排周六培训"
at 2026-10-10T15:00:00+08:00 ticket resolve "$T3" --resolution "培训完成"
at 2026-10-12T09:00:00+08:00 ticket close "$T3" --satisfaction 3
# T4 incident P2 on srv-01, created Mon 10-12 09:00; moved to in-progress 10:00 (response
#    1 h, met); waiting on the customer from 11:00 to Tue 10-13 11:00 (paused); resolved
#    10-13 14:00: 2 h + 1 h + 0.5 h = 3.5 h (met; 11 h had the pause counted, a breach);
#    closed 15:00 with satisfaction 5.
new 2026-10-12T09:00:00+08:00 --type incident --priority P2 --title "财务系统打印异常" --asset srv-01
T4=$ID
at 2026-10-12T10:00:00+08:00 ticket move "$T4" in-progress
at 2026-10-12T11:00:00+08:00 ticket move "$T4" waiting-customer
at 2026-10-13T11:00:00+08:00 ticket move "$T4" in-progress
at 2026-10-13T14:00:00+08:00 ticket resolve "$T4" --resolution "更新驱动"
at 2026-10-13T15:00:00+08:00 ticket close "$T4" --satisfaction 5
# T5 incident P1 on srv-01, created Thu 10-15 20:00; assigned 21:00: 60 min on the 24x7
#    clock against 30m, a breach (0 h of business time: after hours); resolved 23:00 (3 h
#    against 4 h, met; 0 h business); closed Fri 10-16 09:00 with satisfaction 2.
new 2026-10-15T20:00:00+08:00 --type incident --priority P1 --title "核心数据库宕机" --asset srv-01
T5=$ID
at 2026-10-15T21:00:00+08:00 ticket assign "$T5" zhangwei
at 2026-10-15T23:00:00+08:00 ticket resolve "$T5" --resolution "主备切换"
at 2026-10-16T09:00:00+08:00 ticket close "$T5" --satisfaction 2
# T6 problem P3, created Tue 10-20 09:00, never answered: open at month end, an action item.
new 2026-10-20T09:00:00+08:00 --type problem --title "数据库主从延迟反复出现"
T6=$ID
# T7 complaint P2 (响应慢), created Wed 10-21 09:00, assigned 13:00: 3 h business against
#    2 h, a breach; still open: an action item.
new 2026-10-21T09:00:00+08:00 --type complaint --complaint-type 响应慢 --title "报修两次无人处理"
T7=$ID
at 2026-10-21T13:00:00+08:00 ticket assign "$T7" wangfang
# Roster: zhangwei covers the desk day of lina on Wed 10-14 (an override; the hours stay the same);
# liuyang hands the on-call rotation over to alice on Mon 10-12.
at 2026-10-13T10:00:00+08:00 --as zhangwei roster override add --rotation desk --person zhangwei \
    --from 2026-10-14T09:00 --to 2026-10-14T17:30 --note 病假
at 2026-10-12T09:05:00+08:00 --as liuyang roster handover --rotation ops-oncall --to alice --note "夜班无异常"
#
# Roster by hand (sample rotations: ops-primary and desk work the 09:00-17:30 day shift on
# working days; ops-oncall the 17:30-09:00 night every day and 09:00-17:30 on days off):
#   October: 18 working days (22 weekdays - 5 holiday weekdays + the make-up Saturday 10-10),
#   13 days off: 2 x 18 x 8.5 + (31 x 24 - 31 x 8.5) + 13 x 8.5 = 306 + 480.5 + 110.5 = 897 h;
#   September: 22 working days (22 weekdays - 09-25 + the make-up Sunday 09-20), 8 days off:
#   2 x 22 x 8.5 + (30 x 24 - 30 x 8.5) + 8 x 8.5 = 374 + 465 + 68 = 907 h. No gaps.
#
# October by hand:
#   opened 5 (T3-T7), closed 4 (T2-T5), backlog at month end 2 (T6, T7), P1 1 (T5)
#   response SLA: every ticket whose response deadline fell in October, answered or not:
#     T2 (10-08 10:00), T3 (10-12 17:00), T4 (10-12 11:00) met; T5 (10-15 20:30), T6 (10-20
#     11:00, never answered: breached by the clock alone), T7 (10-21 11:00) missed -> 3 of 6
#     = 50.0%
#     answered in October (T2, T3, T4, T5, T7): business hours 1.5, 2, 1, 0, 3: mean 7.5 / 5
#     = 1.50 h; p90 = 5th of 5 sorted = 3.00 h
#   resolution SLA: every ticket whose resolution deadline fell in October, resolved or not:
#     T1 (09-30 10:00 + the 15 h left = 10-09 10:00), T2 (10-10 17:00), T3, T4 (10-13
#     18:00), T5 (10-16 00:00) met; T6 (10-22 18:00) and T7 (10-21 18:00) unresolved -> 5 of
#     7 = 71.4%
#     resolved in October (T2-T5): business hours 9.5, 5.5, 3.5, 0: mean 18.5 / 4 = 4.625 ->
#     4.63 h; p90 = 4th of 4 = 9.50 h
#   satisfaction (5 + 3 + 5 + 2) / 4 = 3.75; complaints 1 (T7)
# September by hand: opened 2 (T1, T2), closed 1, backlog 1 (T2), P1 0, response 100.0%
#   (T1, due 09-29 12:00), resolution: no deadline in September (none), response mean/p90
#   1.00 h, resolution mean/p90 7.50 h, satisfaction 4.00, complaints 0.
# Changes (between the values as shown): opened +3, closed +3, backlog +1, P1 +1, response
#   -50.0 pp, resolution none, response mean +0.50 h, p90 +2.00 h, resolution mean -2.87 h
#   (4.63 - 7.50), p90 +2.00 h, satisfaction -0.25, complaints +1.

NOW=2026-11-05T10:00:00+08:00

# The headline figures as CSV: one row per figure with this month, the previous and the change.
OPSCTL_NOW=$NOW run --format csv report monthly --lang en
expect_rc 0 "monthly --format csv"
printf '%s\n' "$OUT" >"$WORK/figures.csv"
check_figure() {
    local key=$1 value=$2 previous=$3 change=$4
    local got
    got=$(python3 - "$WORK/figures.csv" "$key" <<'PY'
import csv, sys
for row in csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')):
    if row['section'] == 'tickets' and row['key'] == sys.argv[2]:
        print(f"{row['value']}|{row['previous']}|{row['change']}")
PY
)
    expect_eq "$value|$previous|$change" "$got" "figure $key"
}
check_figure opened 5 2 3
check_figure closed 4 1 3
check_figure backlog 2 1 1
check_figure top_priority 1 0 1
check_figure response_sla 50.0 100.0 -50.0
check_figure resolution_sla 71.4 "" ""
# Business time in seconds (the Markdown writes it in working days of the calendar); the
# change is taken between the values as shown, to the minute.
check_figure response_mean 5400 3600 1800
check_figure response_p90 10800 3600 7200
check_figure resolution_mean 16650 27000 -10320
check_figure resolution_p90 34200 27000 7200
check_figure satisfaction 3.75 4.00 -0.25
# Issue 20: business time reads in working days of the calendar (7h 30m each), never 24-hour
# days: a P90 of 9.5 business hours is "1d 2h", a mean of 4.625 h "4h 38m".
OPSCTL_NOW=$NOW run report monthly --lang en
md_row() { printf '%s\n' "$OUT" | grep -F "| $1 " | head -1 | tr -s ' '; }
expect_eq "| 90th percentile time to resolve (business) | 1d 2h | 1d | +2h 00m |" \
    "$(md_row '90th percentile time to resolve (business)')" "P90 resolution in working days"
expect_eq "| Mean time to resolve (business) | 4h 38m | 1d | -2h 52m |" \
    "$(md_row 'Mean time to resolve (business)')" "mean resolution with its change"
check_figure complaints 1 0 1
check_figure() {
    local section=$1 key=$2 value=$3 previous=$4 change=$5
    local got
    got=$(python3 - "$WORK/figures.csv" "$section" "$key" <<'PY'
import csv, sys
for row in csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')):
    if row['section'] == sys.argv[2] and row['key'] == sys.argv[3]:
        print(f"{row['value']}|{row['previous']}|{row['change']}")
PY
)
    expect_eq "$value|$previous|$change" "$got" "figure $section.$key"
}
check_figure roster duty_hours 897.00 907.00 -10.00
check_figure roster handovers 1 0 1
check_figure roster overrides 1 0 1
check_figure roster gap_hours 0.00 0.00 0.00

# The Markdown review in English: sections, charts with their tables, action items.
OPSCTL_NOW=$NOW run report monthly --lang en
expect_rc 0 "monthly in Markdown"
printf '%s\n' "$OUT" >"$WORK/review-en.md"
expect_out "5 tickets were opened and 4 closed; 2 remained open at month end." "headline sentence"
expect_out "| Response SLA met" "figure label"
expect_out '```mermaid' "mermaid charts"
expect_out "title \"Tickets opened by type, most frequent first\"" "bars of tickets by type"
expect_no_out "pie showData" "no pie for categories"
expect_out "xychart-beta" "xychart of tickets per day"
expect_out "| 2026-10-12 | " "per-day table"
expect_out "| srv-01 | " "top assets table"
expect_no_out "| pc-07 | " "a request is not an incident"
expect_out "open problem" "open problem is an action item"
expect_out "#$T6 数据库主从延迟反复出现" "the open problem is listed"
expect_out "#$T7 报修两次无人处理" "the breached open complaint is listed"

# Chinese.
OPSCTL_NOW=$NOW run report monthly --lang zh
expect_rc 0 "monthly in Chinese"
printf '%s\n' "$OUT" >"$WORK/review-zh.md"
expect_out "# 月度运维例会报告 — 2026-10" "Chinese title"
expect_out "本月新建工单 5 个，关闭 4 个，月末仍有 2 个未关闭。" "Chinese headline sentence"
expect_out "| 响应时限达标率" "Chinese figure label"
expect_out "-50.0 个百分点" "Chinese change in percentage points"

# report.language in the policy is the default language (the sample says zh).
OPSCTL_NOW=$NOW run report monthly
expect_out "# 月度运维例会报告" "report.language sets the default"

# The single tables.
OPSCTL_NOW=$NOW run --format csv report sla --lang en
expect_rc 0 "report sla"
expect_out "priority,response_met,response_breached,response_rate,resolution_met,resolution_breached,resolution_rate" "sla columns"
expect_out "P1,0,1,0.0,1,0,100.0" "P1: response breached, resolution met"
expect_out "P2,1,1,50.0,1,1,50.0" "P2: T4 met, T7 breached (its resolution unresolved)"
OPSCTL_NOW=$NOW run --format csv report tickets --from 2026-10-01 --to 2026-10-31
expect_out "incident,事件,1,1,0,0,2" "incidents by priority"
expect_out "total,合计,1,2,1,1,5" "totals"
OPSCTL_NOW=$NOW run --format json report tickets --from 2026-09-01 --to 2026-09-30
expect_out '"type":"incident","title":"事件","P1":0,"P2":0,"P3":2' "September by --from/--to"
run report tickets --from 2026-10-31 --to 2026-10-01
expect_rc 64 "--to before --from"
run report monthly --month 2026-13
expect_rc 64 "bad --month"
expect_err "bad month '2026-13'" "bad month message"
run report monthly --lang fr
expect_rc 64 "bad --lang"

# JSON parses and carries the figures.
OPSCTL_NOW=$NOW run --format json report monthly --month 2026-10
expect_rc 0 "monthly json"
expect_true "json parses with figures" python3 -c '
import json, sys
doc = json.loads(sys.argv[1])
tickets = [s for s in doc["sections"] if s["key"] == "tickets"][0]
figs = {f["key"]: f for f in tickets["figures"]}
assert doc["month"] == "2026-10", doc["month"]
assert figs["opened"]["value"] == 5 and figs["opened"]["previous"] == 2
assert abs(figs["satisfaction"]["value"] - 3.75) < 1e-9
assert [s["key"] for s in doc["sections"]][:2] == ["summary", "actions"]
' "$OUT"

# --out-dir: review.md and one CSV per table, every CSV readable by python's csv module.
OPSCTL_NOW=$NOW run report monthly --month 2026-10 --out-dir "$WORK/review" --lang en
expect_rc 0 "--out-dir"
expect_true "review.md written" test -s "$WORK/review/review.md"
expect_true "headline csv written" test -s "$WORK/review/tickets_headline.csv"
expect_true "no temporary files left" bash -c "! ls -A '$WORK/review' | grep -q tmp"
expect_true "every CSV parses" python3 - "$WORK/review" <<'PY'
import csv, glob, os, sys
files = sorted(glob.glob(os.path.join(sys.argv[1], '*.csv')))
assert len(files) >= 8, files
for path in files:
    with open(path, newline='', encoding='utf-8') as f:
        rows = list(csv.reader(f, strict=True))
    assert rows, path
    width = len(rows[0])
    assert all(len(r) == width for r in rows), path
PY
OPSCTL_NOW=$NOW run report monthly --month 2026-10 --out "$WORK/out.md"
expect_rc 0 "--out"
expect_true "--out wrote the review" grep -q "月度运维例会报告" "$WORK/out.md"

# The Markdown rule set (markdownlint's MD001, MD003-ish, MD009, MD012, MD022, MD025, MD031,
# MD032, MD040, MD041 and MD058): one H1 and first; headings go down one level at a time;
# blank lines around headings, tables, lists and fences; no trailing spaces; no two blank
# lines in a row; fenced code names its language; the file ends with one newline.
cat >"$WORK/mdlint.py" <<'PY'
import sys
def lint(path):
    text = open(path, encoding='utf-8').read()
    problems = []
    if not text.endswith('\n') or text.endswith('\n\n'):
        problems.append('file must end with exactly one newline')
    lines = text.split('\n')[:-1]
    level = 0
    h1 = 0
    fence = False
    def blank(i):
        return i < 0 or i >= len(lines) or lines[i].strip() == ''
    for i, line in enumerate(lines):
        n = i + 1
        if line != line.rstrip():
            problems.append(f'{n}: trailing space')
        if line.startswith('```'):
            if not fence:
                if len(line.strip()) == 3:
                    problems.append(f'{n}: fenced code without a language')
                if not blank(i - 1):
                    problems.append(f'{n}: no blank line before a fence')
            elif not blank(i + 1):
                problems.append(f'{n}: no blank line after a fence')
            fence = not fence
            continue
        if fence:
            continue
        if i > 0 and blank(i) and blank(i - 1):
            problems.append(f'{n}: two blank lines')
        if line.startswith('#'):
            hashes = len(line) - len(line.lstrip('#'))
            if line[hashes:hashes + 1] != ' ':
                problems.append(f'{n}: no space after #')
            if hashes == 1:
                h1 += 1
                if i != 0:
                    problems.append(f'{n}: H1 is not the first line')
            elif hashes > level + 1:
                problems.append(f'{n}: heading jumps from H{level} to H{hashes}')
            level = hashes
            if not blank(i - 1) or not blank(i + 1):
                problems.append(f'{n}: heading without blank lines around it')
        for start in ('|', '- '):
            if line.startswith(start):
                prev_same = i > 0 and lines[i - 1].startswith(start)
                next_same = i + 1 < len(lines) and lines[i + 1].startswith(start)
                if not prev_same and not blank(i - 1):
                    problems.append(f'{n}: no blank line before a table or list')
                if not next_same and not blank(i + 1):
                    problems.append(f'{n}: no blank line after a table or list')
    if fence:
        problems.append('unclosed fence')
    if h1 != 1:
        problems.append(f'{h1} H1 headings, want 1')
    return problems
bad = False
for path in sys.argv[1:]:
    for p in lint(path):
        print(f'{path}:{p}')
        bad = True
sys.exit(1 if bad else 0)
PY
expect_true "markdown lint (en, zh, out-dir)" python3 "$WORK/mdlint.py" "$WORK/review-en.md" "$WORK/review-zh.md" "$WORK/review/review.md"
# The lint itself catches what it claims to.
printf '# A\n\n### C\n' >"$WORK/bad.md"
expect_true "markdown lint rejects a skipped level" bash -c "! python3 '$WORK/mdlint.py' '$WORK/bad.md' >/dev/null"

finish
