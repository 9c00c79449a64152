#!/usr/bin/env bash
# Black-box tests of the monthly review as a meeting reads it (issue 28; issue 20 items 6 and
# 18): breaches decided from the SLA clocks whether or not `ticket sla` ran; "Resolution SLA
# met" over every ticket due in the month, resolved or not; a past month read as it stood at
# its end (generated again after more work, the same review); the key figures first, against
# targets with their sample sizes; the top action items by severity with an owner each;
# capped lists in Markdown with every row in the CSV files and stable codes whatever the
# language; English plurals; no repeated heading (markdownlint's MD024); late check-ins as
# `roster attendance` counts them; the worst backup job's days past max_age within the month;
# a checklist removed from the policy still shows its last run.
source "$(dirname "$0")/lib.sh"

init_sample


# Test checklists and two backup jobs instead of the sample's (which probe this machine).
mkdir -p "$WORK/flags" "$WORK/data"
echo "业务数据" >"$WORK/data/a.txt"
write_checklists() {
    cat >"$WORK/cfg/policies/checklists.yaml" <<YAML
checklists:
  svc:
    title: 服务巡检
    every: 1d
    items:
      web:
        kind: command
        title: 网站可用
        command: [/bin/sh, -c, 'test -e $WORK/flags/web && echo "OK - up" || { echo "CRITICAL - down"; exit 2; }']
  hw:
    title: 硬件检查
    every: 1w
    items:
      cables:
        kind: manual
        question: 线缆是否牢固
YAML
}
write_checklists
cat >"$WORK/cfg/policies/backups.yaml" <<YAML
backups:
  files:
    kind: archive
    paths: ["$WORK/data"]
    dest: $WORK/backups
    every: 1d
    max_age: 2d
  more:
    kind: archive
    paths: ["$WORK/data"]
    dest: $WORK/backups2
    every: 1d
    max_age: 1d
YAML
run policy check
expect_rc 0 "the test policy is valid"

# October (sample calendar: 7.5 working hours a day; P2 response 2h / resolution 1d, P3 2h / 3d):
#   B1..B12  12 P3 incidents opened Mon 10-12 09:00, never answered: each response was due
#            10-12 11:00 and its resolution 10-14 (22.5 business hours): both missed.
#   OK       a P3 incident opened Tue 10-13 09:00, assigned 10:00, resolved 15:00, closed: met.
#   PB       a P2 problem opened Tue 10-20 09:00, assigned to lina 10:00 (response met); never
#            resolved: its resolution was due 10-20 18:00, missed; open at month end.
# Response: 14 due in October, 2 met -> 14.3%; resolution: 14 due, 1 met -> 7.1% (counting
# only resolved tickets would say 100%). Nobody runs `ticket sla`: the *_breached flags stay 0.
BREACHED=()
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
    at 2026-10-12T09:00:00+08:00 -q ticket new --type incident --priority P3 --title "打印机故障 $i"
    BREACHED+=("$OUT")
done
at 2026-10-13T09:00:00+08:00 -q ticket new --type incident --priority P3 --title "邮箱无法登录"
OK=$OUT
at 2026-10-13T10:00:00+08:00 ticket assign "$OK" liuyang
at 2026-10-13T15:00:00+08:00 ticket resolve "$OK" --resolution 重置密码
at 2026-10-13T16:00:00+08:00 ticket close "$OK" --satisfaction 5
at 2026-10-20T09:00:00+08:00 -q ticket new --type problem --priority P2 --title "数据库主从延迟"
PB=$OUT
at 2026-10-20T10:00:00+08:00 ticket assign "$PB" lina

# Inspections: svc fails on Tue 10-20 (CRITICAL) and is still failing at month end; hw runs on
# Sun 10-25 and its manual item is still unanswered at month end. A retired checklist "old"
# ran once on 10-05 and is then removed from the policy.
cat >>"$WORK/cfg/policies/checklists.yaml" <<YAML
  old:
    title: 旧清单
    every: 1d
    items:
      ping:
        kind: command
        title: 旧检查
        command: [/bin/true]
YAML
at 2026-10-05T08:00:00+08:00 inspect run old
write_checklists
OPSCTL_NOW=2026-10-20T08:00:00+08:00 run inspect run svc
expect_rc 2 "svc is CRITICAL"
at 2026-10-25T09:00:00+08:00 -q inspect run hw
HW=$OUT

# Backups: files succeeds on 10-02 and 10-28 (stale 10-04 10:00 .. 10-28 10:00 = 24 d, and
# 10-30 10:00 .. 11-01 = 1 d 14 h: 25.6 d); more succeeds on 10-02 only (stale 10-03 10:00 ..
# 11-01 00:00 = 28.6 d). The worst job: 28.6 d, within October's 31 (a sum would say 54.2).
at 2026-10-02T10:00:00+08:00 backup run files
at 2026-10-02T10:00:00+08:00 -q backup run more
MORE=$OUT
at 2026-10-28T10:00:00+08:00 backup run files

# Check-ins: zhangwei has the ops-primary day shift (09:00) the week of 10-12; late after 10m.
for day in 12 13 14; do
    case $day in 12) t=09:30 ;; 13) t=09:05 ;; 14) t=09:45 ;; esac
    at "2026-10-${day}T${t}:00+08:00" --as zhangwei roster checkin
    at "2026-10-${day}T17:30:00+08:00" --as zhangwei roster checkout
done

strip_generated() { grep -v -e '^- Generated:' -e '^- 生成时间:'; }

# 1. The review of October on 1 November.
NOW1=2026-11-01T09:00:00+08:00
OPSCTL_NOW=$NOW1 run report monthly --month 2026-10 --lang en
expect_rc 0 "October on 1 November"
printf '%s\n' "$OUT" >"$WORK/oct-1.md"
OPSCTL_NOW=$NOW1 run report monthly --month 2026-10 --lang en --out-dir "$WORK/oct-1"
expect_rc 0 "October on 1 November, --out-dir"
OPSCTL_NOW=$NOW1 run --format csv report monthly --month 2026-10 --lang en
printf '%s\n' "$OUT" >"$WORK/figures-1.csv"

figure() { # figure FILE SECTION KEY: the value of one figure in a --format csv review
    python3 - "$1" "$2" "$3" <<'PY'
import csv, sys
for row in csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')):
    if row['section'] == sys.argv[2] and row['key'] == sys.argv[3]:
        print(row['value'])
PY
}
expect_eq "14.3" "$(figure "$WORK/figures-1.csv" tickets response_sla)" "response SLA from the clocks (2 of 14 due)"
expect_eq "7.1" "$(figure "$WORK/figures-1.csv" tickets resolution_sla)" "resolution SLA over every ticket due, resolved or not (1 of 14)"
expect_eq "28.6" "$(figure "$WORK/figures-1.csv" backups days_past_max_age)" "days past max_age: the worst job, within the month"
OUT=$(cat "$WORK/oct-1.md")
expect_out "Of the 14 tickets whose response was due in the month, 14.3% were answered in time" "the SLA sentence says what is counted"
expect_out "whose resolution was due in the month, resolved or not, 7.1% were resolved in time" "the review says unresolved tickets count"
expect_out "14 tickets were opened" "plural sentence"
expect_out "3 checklist runs, 1 of them passed (33.3%); 1 failing result;" "plural runs, singular failing result"
expect_out "; 1 checklist overdue at month end." "singular checklist"
expect_out "1 manual item left pending" "singular manual item"

# The key figures first, then the action items.
h2=$(grep '^## ' "$WORK/oct-1.md" | head -2 | tr '\n' '|')
expect_eq "## Key figures|## Action items|" "$h2" "key figures, then action items, open the review"
key=$(awk '/^## Key figures/{on=1;next} /^## /{on=0} on' "$WORK/oct-1.md" | tr -s ' ')
expect_true "key figures: response SLA with n, target and a missed mark" \
    grep -q "| Response SLA met | 14.3% | 14 | ≥ 95.0% | ✗ MISSED |" <<<"$key"
expect_true "key figures: backup success met" grep -q "| Backup runs that succeeded | 100.0% | 3 | ≥ 100.0% | ✓ met |" <<<"$key"
expect_true "key figures: the first screen" test "$(awk '/^## Key figures/{on=1} /^## Action items/{exit} on' "$WORK/oct-1.md" | wc -l)" -le 30
# The top action items: at most 10, most severe first, then the oldest, each with an owner.
expect_true "top action items: 10 rows, sorted by severity, owners filled" python3 - "$WORK/oct-1.md" <<'PY'
import sys
text = open(sys.argv[1], encoding='utf-8').read()
part = text.split('### Top action items', 1)[1].split('\n### ', 1)[0]
rows = [l for l in part.splitlines() if l.startswith('|')][2:]
assert len(rows) == 10, rows
cells = [[c.strip() for c in r.strip('|').split('|')] for r in rows]
sev = [int(c[0]) for c in cells]
assert sev == sorted(sev), sev
assert all(c[5] for c in cells), cells
# The CRITICAL check and the failing backup job (severity 1) lead.
assert cells[0][0] == '1', cells[0]
PY
OUT=$(tr -s ' ' <"$WORK/oct-1.md")
expect_out "| open_problem | open problem | #$PB 数据库主从延迟 | lina |" "the open problem, owned by its assignee"
expect_out "| open_problem | open problem | lina | 1 |" "action items counted by kind and owner"
expect_out "| breached_open | breached ticket still open |" "breached tickets counted by owner"
# The breached list is capped in Markdown; every row is in its CSV file.
expect_out "The first 10 of 13 rows; every row is in breached_tickets.csv." "a capped list says where the rest is"
expect_true "breached_tickets.csv holds all 13" test "$(python3 -c '
import csv, sys
print(len(list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))))' "$WORK/oct-1/breached_tickets.csv")" -eq 13
expect_true "action_items.csv holds every item" python3 - "$WORK/oct-1/action_items.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
kinds = {r['kind'] for r in rows}
assert {'open_problem', 'breached_open', 'failing_check', 'pending_manual', 'backup_critical'} <= kinds, kinds
assert len([r for r in rows if r['kind'] == 'breached_open']) == 13, rows
assert not any(r['item'].startswith('...') for r in rows), rows
PY
# The checklist no longer in the policy shows its run and when it last ran.
OUT=$(tr -s ' ' <"$WORK/oct-1.md")
expect_out "| old | (no longer in the policy) | | 1 | 1 | 0 | 0 | 0 | 0 | 100.0 | 2026-10-05 08:00 | |" "a removed checklist keeps its runs and its last run"

# Late check-ins: the review counts what `roster attendance` counts.
OPSCTL_NOW=$NOW1 run --format csv roster attendance --month 2026-10
late=$(python3 -c '
import csv, io, sys
print(sum(int(r["late"]) for r in csv.DictReader(io.StringIO(sys.argv[1]))))' "$OUT")
expect_eq "2" "$late" "roster attendance: two late check-ins"
expect_eq "$late" "$(figure "$WORK/figures-1.csv" roster late_checkins)" "the review's late check-ins agree with roster attendance"

# 2. Work after the month: new tickets, the breached tickets and the problem closed, backups
# run and verified, inspections run and the pending manual item answered; then October again
# in December: the same review, generation time aside.
at 2026-11-03T09:00:00+08:00 -q ticket new --type incident --priority P1 --title "核心交换机故障"
at 2026-11-03T10:00:00+08:00 ticket assign "$OUT" zhangwei
for id in "${BREACHED[@]:0:6}" "$PB"; do
    at 2026-11-04T10:00:00+08:00 ticket close "$id"
done
at 2026-11-02T08:00:00+08:00 backup run files
at 2026-11-02T09:00:00+08:00 backup verify "$MORE"
touch "$WORK/flags/web"
at 2026-11-02T08:00:00+08:00 inspect run svc
at 2026-11-02T10:00:00+08:00 inspect record "$HW" cables --status ok
NOW2=2026-12-10T09:00:00+08:00
OPSCTL_NOW=$NOW2 run report monthly --month 2026-10 --lang en
expect_rc 0 "October on 10 December"
printf '%s\n' "$OUT" >"$WORK/oct-2.md"
expect_true "October reads the same in December (Markdown)" \
    diff <(strip_generated <"$WORK/oct-1.md") <(strip_generated <"$WORK/oct-2.md")
OPSCTL_NOW=$NOW2 run report monthly --month 2026-10 --lang en --out-dir "$WORK/oct-2"
expect_rc 0 "October on 10 December, --out-dir"
expect_true "October reads the same in December (every CSV)" diff -r "$WORK/oct-1" "$WORK/oct-2" -x review.md
expect_true "October reads the same in December (review.md)" \
    diff <(strip_generated <"$WORK/oct-1/review.md") <(strip_generated <"$WORK/oct-2/review.md")

# 3. Breaches are decided from the clocks: the sweep that sets the stored flags changes no figure.
OPSCTL_NOW=$NOW2 run --format csv report monthly --month 2026-10 --lang en
printf '%s\n' "$OUT" >"$WORK/figures-2.csv"
OPSCTL_NOW=$NOW2 run ticket sla
expect_rc 2 "ticket sla finds the breached clocks and sets their flags"
OPSCTL_NOW=$NOW2 run --format csv report monthly --month 2026-10 --lang en
expect_eq "$(cat "$WORK/figures-2.csv")" "$OUT" "ticket sla changes no figure of the review"

# 4. Stable codes in the CSV files whatever --lang says; translated labels beside them.
OPSCTL_NOW=$NOW2 run report monthly --month 2026-10 --lang zh --out-dir "$WORK/oct-zh"
expect_rc 0 "--out-dir in Chinese"
expect_true "codes, not translations, in the Chinese CSV files" python3 - "$WORK/oct-zh" <<'PY'
import csv, os, sys
d = sys.argv[1]
def rows(name):
    return list(csv.DictReader(open(os.path.join(d, name), newline='', encoding='utf-8')))
b = rows('breached_tickets.csv')
assert {r['breached'] for r in b} <= {'response', 'resolution', 'response+resolution'}, b
assert {r['state_at_end'] for r in b} == {'open'}, b
assert {r['priority'] for r in b} == {'P2', 'P3'}, b
assert {r['type'] for r in b} == {'incident', 'problem'}, b
a = rows('action_items.csv')
assert {r['kind'] for r in a} >= {'open_problem', 'failing_check'}, a
assert any(r['kind_label'] == '未关闭的问题' for r in a), a
k = rows('key_figures.csv')
assert {r['state'] for r in k} <= {'met', 'missed', ''}, k
PY

# 5. Markdown without repeated headings (markdownlint MD024) and otherwise clean, in both
# languages; with markdownlint-cli itself when tools/deps.sh installed it.
OPSCTL_NOW=$NOW2 run report monthly --month 2026-10 --lang zh
printf '%s\n' "$OUT" >"$WORK/oct-zh.md"
cat >"$WORK/md024.py" <<'PY'
import re, sys
bad = False
for path in sys.argv[1:]:
    seen = {}
    fence = False
    for n, line in enumerate(open(path, encoding='utf-8'), 1):
        if line.startswith('```'):
            fence = not fence
        if fence or not line.startswith('#'):
            continue
        text = re.sub(r'^#+\s*', '', line).strip()
        if text in seen:
            print(f'{path}:{n}: MD024 heading "{text}" repeats line {seen[text]}')
            bad = True
        seen.setdefault(text, n)
sys.exit(1 if bad else 0)
PY
expect_true "no repeated headings (en, zh, out-dir)" python3 "$WORK/md024.py" "$WORK/oct-1.md" "$WORK/oct-zh.md" "$WORK/oct-1/review.md"
printf '# A\n\n## B\n\n## B\n' >"$WORK/dup.md"
expect_true "the MD024 check finds a repeated heading" bash -c "! python3 '$WORK/md024.py' '$WORK/dup.md' >/dev/null"
MDL="$SRC/tools/node_modules/.bin/markdownlint"
if [ -x "$MDL" ] && command -v node >/dev/null 2>&1; then
    printf '{"default": true, "MD013": false}\n' >"$WORK/mdl.json"
    expect_true "markdownlint-cli passes (line length aside)" "$MDL" -c "$WORK/mdl.json" "$WORK/oct-1.md" "$WORK/oct-zh.md" "$WORK/oct-1/review.md"
    expect_true "markdownlint-cli finds the repeated heading" bash -c "! '$MDL' -c '$WORK/mdl.json' '$WORK/dup.md' 2>/dev/null"
else
    echo "test_report_review: markdownlint-cli not installed (tools/deps.sh installs it); the MD024 check above ran" >&2
fi

# 6. A month with one ticket reads in the singular.
at 2026-09-15T09:00:00+08:00 -q ticket new --type incident --priority P3 --title "九月唯一的工单"
OPSCTL_NOW=$NOW2 run report monthly --month 2026-09 --lang en
expect_out "1 ticket was opened" "singular ticket sentence"

finish
