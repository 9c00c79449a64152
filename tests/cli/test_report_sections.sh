#!/usr/bin/env bash
# Black-box tests of the inspection, backup and asset parts of `opsctl report`: a known
# October 2026 built through the real CLI with OPSCTL_NOW (a failed and a recovered check, a
# manual item left pending, a failed and a stale backup, a restore drill, assets added and
# retired, maintenance done and overdue), every figure checked against values worked out
# by hand in the comments below, and every CSV read back with python3's csv module.
source "$(dirname "$0")/lib.sh"

init_sample


# Test checklists and backup jobs instead of the sample's (which probe this machine).
# svc: two command items whose state follows flag files; hw: one manual question.
mkdir -p "$WORK/flags" "$WORK/data"
echo "业务数据" >"$WORK/data/a.txt"
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
      db:
        kind: command
        title: 数据库可用
        command: [/bin/sh, -c, 'test -e $WORK/flags/db && echo "OK - up" || { echo "WARNING - slow"; exit 1; }']
  hw:
    title: 硬件检查
    every: 1w
    items:
      cables:
        kind: manual
        question: 线缆是否牢固
YAML
cat >"$WORK/cfg/policies/backups.yaml" <<YAML
backups:
  files:
    kind: archive
    paths: ["$WORK/data"]
    dest: $WORK/backups
    every: 1d
    max_age: 2d
YAML
run policy check
expect_rc 0 "the test policy is valid"

# An empty database still shows the inspection and backup sections (checklists and jobs are
# defined) but no asset section (no asset registered).
OPSCTL_NOW=2026-09-05T10:00:00+08:00 run report monthly --lang en
expect_rc 0 "monthly before any record"
expect_out "## Inspections" "inspections section from the defined checklists"
expect_out "## Backups" "backups section from the defined jobs"
expect_no_out "## Assets" "no asset section without assets"

# Inspections (checklists svc every 1d, hw every 1w):
#   S0 Mon 09-28 08:00 svc, both flags up: OK.
#   R1 Mon 10-05 08:00 svc, db down: WARNING (db fails).
#   R2 Tue 10-06 08:00 svc, db up again: OK (db recovered).
#   H1 Sat 10-10 09:00 hw, cables answered OK at 10:00: OK.
#   R3 Tue 10-20 08:00 svc, web down: CRITICAL (web fails; no later run: still failing).
#   H2 Sun 10-25 09:00 hw, cables never answered: pending.
touch "$WORK/flags/web" "$WORK/flags/db"
at 2026-09-28T08:00:00+08:00 inspect run svc
rm "$WORK/flags/db"
# `inspect run` exits as a monitoring plugin: 1 WARNING, 2 CRITICAL.
OPSCTL_NOW=2026-10-05T08:00:00+08:00 run inspect run svc
expect_rc 1 "R1 is a WARNING"
touch "$WORK/flags/db"
at 2026-10-06T08:00:00+08:00 inspect run svc
at 2026-10-10T09:00:00+08:00 -q inspect run hw
H1=$OUT
at 2026-10-10T10:00:00+08:00 inspect record "$H1" cables --status ok --note 牢固
rm "$WORK/flags/web"
OPSCTL_NOW=2026-10-20T08:00:00+08:00 run inspect run svc
expect_rc 2 "R3 is CRITICAL"
at 2026-10-25T09:00:00+08:00 inspect run hw
# October by hand:
#   runs 5 (R1 R2 R3 H1 H2); passed 2 (R2, H1; H2 is not answered) -> 40.0%
#   failing results 2 (db in R1, web in R3); manual items pending at month end 1 (H2)
#   overdue at month end (11-01 00:00): svc (last 10-20 08:00 + 1d) yes; hw (10-25 09:00 +
#   1w = 11-01 09:00) no -> 1
# September: runs 1, passed 1 -> 100.0%; failing 0; pending 0; overdue at 10-01 00:00: svc
#   (09-28 + 1d) and hw (never ran) -> 2.
# Changes: +4, -60.0 pp, +2, +1, -1.

# Backups (job files, max_age 2d):
#   B0 Tue 09-29 10:00 ok; B1 Fri 10-02 10:00 ok; B2 Fri 10-09 10:00 failed (source
#   missing); B3 Sat 10-10 10:00 ok, verified 10-11; B4 Wed 10-28 10:00 ok; a restore drill
#   of B3 on 10-15.
at 2026-09-29T10:00:00+08:00 backup run files
at 2026-10-02T10:00:00+08:00 backup run files
mv "$WORK/data" "$WORK/data.away"
OPSCTL_NOW=2026-10-09T10:00:00+08:00 run backup run files
expect_rc 1 "a backup of a missing folder fails"
mv "$WORK/data.away" "$WORK/data"
at 2026-10-10T10:00:00+08:00 -q backup run files
B3=$OUT
at 2026-10-11T09:00:00+08:00 backup verify "$B3"
at 2026-10-15T14:00:00+08:00 backup restore "$B3" --to "$WORK/drill"
at 2026-10-28T10:00:00+08:00 backup run files
# October by hand: runs 4, succeeded 3 -> 75.0%; verified 1 of 3 -> 33.3%;
#   past max_age (2d after each good backup until the next one, inside October):
#     B0 09-29 10:00 -> B1 10-02 10:00: stale 10-01 10:00 .. 10-02 10:00 = 1 d
#     B1 10-02 10:00 -> B3 10-10 10:00: stale 10-04 10:00 .. 10-10 10:00 = 6 d
#     B3 10-10 10:00 -> B4 10-28 10:00: stale 10-12 10:00 .. 10-28 10:00 = 16 d
#     B4 10-28 10:00 -> month end 11-01 00:00: stale 10-30 10:00 .. = 1 d 14 h
#     total 24 d 14 h = 24.58 -> 24.6 d
#   restore drills 1, succeeded 1.
# September: runs 1, 100.0%, verified 0 of 1 -> 0.0%, past max_age 0.0 d, drills 0.

# Assets (sample classes: server check 1w, clean 3mo, service life 5y; pc check 1mo, clean
# 6mo, service life 4y; warranty in the asset):
#   SRV-0001 registered 09-01, checked 09-28 and 10-20, warranty until 2026-11-15.
#   SRV-0002 registered 09-01, never maintained; retired 10-12.
#   SRV-0003 registered 10-08, checked 10-09.
#   PC-0001 registered 10-16, purchased 2022-11-20 (4 years of service end 2026-11-20).
at 2026-09-01T09:00:00+08:00 -q asset add --class server --name db-01 --owner zhangwei --set memory_gb=64 \
    --warranty-until 2026-11-15 --tag SRV-0001
at 2026-09-01T09:00:00+08:00 -q asset add --class server --name web-01 --owner lina --set memory_gb=32 --tag SRV-0002
at 2026-09-28T15:00:00+08:00 asset maint add SRV-0001 --kind check --note 巡检正常
at 2026-10-08T09:00:00+08:00 -q asset add --class server --name app-01 --owner lina --set memory_gb=32 --tag SRV-0003
at 2026-10-09T15:00:00+08:00 asset maint add SRV-0003 --kind check --note 上架检查
at 2026-10-12T09:00:00+08:00 asset retire SRV-0002 --reason 老化
at 2026-10-16T09:00:00+08:00 -q asset add --class pc --name 李娜的电脑 --owner lina --purchased 2022-11-20 --tag PC-0001
at 2026-10-20T15:00:00+08:00 asset maint add SRV-0001 --kind check --note 风扇除尘
# October by hand: in service at month end 3 (SRV-0001, SRV-0003, PC-0001); added 2
#   (SRV-0003, PC-0001); retired 1 (SRV-0002); maintenance records 2 (10-09, 10-20).
#   Due by month end (last before 10-01, else registration, plus the cadence, by 11-01 00:00):
#     server check 1w: SRV-0001 (09-28 + 1w = 10-05) done 10-20; SRV-0003 (10-08 + 1w =
#       10-15) done 10-09 -> due 2, done 2
#     server clean 3mo: SRV-0001 and SRV-0003 (09-01 + 3mo, 10-08 + 3mo) not yet -> 0
#     pc check 1mo: PC-0001 (10-16 + 1mo = 11-16) not yet -> 0
#   -> due 2, done 2 -> 100.0%
#   ending in November: SRV-0001's warranty (2026-11-15), PC-0001's service life (2026-11-20).
# September: in service at 09-30 end 2; added 2; retired 0; records 1 (09-28); due: server
#   check SRV-0001 (09-28 is in September: base 09-01 + 1w = 09-08) and SRV-0002 (09-01 +
#   1w) -> due 2, done 1 (SRV-0001 on 09-28) -> 50.0%; ending in October: none -> 0, 0.

NOW=2026-11-05T10:00:00+08:00
OPSCTL_NOW=$NOW run --format csv report monthly --month 2026-10 --lang en
expect_rc 0 "monthly --format csv"
printf '%s\n' "$OUT" >"$WORK/figures.csv"
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
check_figure inspections inspection_runs 5 1 4
check_figure inspections pass_rate 40.0 100.0 -60.0
check_figure inspections failed_results 2 0 2
check_figure inspections pending_manual 1 0 1
check_figure inspections overdue_checklists 1 2 -1
check_figure backups backup_runs 4 1 3
check_figure backups backup_success 75.0 100.0 -25.0
check_figure backups backup_verified 33.3 0.0 33.3
check_figure backups days_past_max_age 24.6 0.0 24.6
check_figure backups restore_drills 1 0 1
check_figure backups restore_drills_ok 1 0 1
check_figure assets assets_in_service 3 2 1
check_figure assets assets_added 2 2 0
check_figure assets assets_retired 1 0 1
check_figure assets maintenance_records 2 1 1
check_figure assets maintenance_due 2 2 0
check_figure assets maintenance_done 100.0 50.0 50.0
check_figure assets warranties_ending 1 0 1
check_figure assets service_lives_ending 1 0 1

# The Markdown review: the sections, their tables, and today's action items.
OPSCTL_NOW=$NOW run report monthly --month 2026-10 --lang en
expect_rc 0 "monthly in Markdown"
printf '%s\n' "$OUT" >"$WORK/review-en.md"
# Markdown tables pad their cells; squeeze the spaces so rows read as "| a | b |".
OUT=$(printf '%s\n' "$OUT" | tr -s ' ')
expect_out "## Inspections" "inspections section"
expect_out "5 checklist runs, 2 of them passed (40.0%)" "inspections sentence"
expect_out "| svc | 服务巡检 | 1d | 3 | 1 | 1 | 1 | 0 | 0 | 33.3 |" "svc runs by status"
expect_out "| hw | 硬件检查 | 1w | 2 | 1 | 0 | 0 | 0 | 1 | 50.0 |" "hw runs (the pending run is not a pass)"
expect_out "| svc | db | 数据库可用 | 1 | 1 | 0 |" "db failed and recovered"
expect_out "| svc | web | 网站可用 | 1 | 1 | 1 |" "web failed and still failing"
expect_out "| hw | cables |" "the pending manual item is listed"
expect_out "## Backups" "backups section"
expect_out "| files | archive | 4 | 3 | 1 | 75.0 | 1 | 33.3 | 2d | 24.6 |" "backup job line"
expect_out "| files | $B3 |" "the restore drill is listed"
expect_out "## Assets" "assets section"
expect_out "| server | 服务器 | 2 | 1 | 1 | 0 |" "servers: in service, added, retired"
expect_out "| pc | 电脑 | 1 | 1 | 0 | 0 |" "pcs"
expect_out "| server | check | 1w | 2 | 2 | 0 | 100.0 |" "server checks due and done"
expect_out "| SRV-0001 | db-01 | server | zhangwei | warranty | warranty | 2026-11-15 |" "warranty ending next month"
expect_out "| PC-0001 | 李娜的电脑 | pc | lina | service_life | service life | 2026-11-20 |" "service life ending next month"
# Action items as they stood at the month's end (11-01 00:00), whenever the review is made:
# web still failing; svc overdue (hw is not: 10-25 09:00 + 1w = 11-01 09:00); cables
# pending; the backup was past max_age (10-28 10:00 + 2d); SRV-0001's check was overdue
# (10-20 + 1w = 10-27), and so was SRV-0003's (10-09 + 1w = 10-16).
expect_out "| check still failing | svc/web @ " "failing check is an action item"
expect_out "| checklist overdue | svc |" "overdue checklist is an action item"
expect_no_out "| checklist overdue | hw |" "the weekly checklist was not overdue at the month's end"
expect_out "| manual check pending | hw/cables @ " "pending manual item is an action item"
expect_out "| backup critical | files |" "stale backup is an action item"
expect_out "| overdue maintenance | SRV-0001 db-01 | zhangwei | check" "overdue maintenance is an action item"
expect_out "| overdue maintenance | SRV-0003 app-01 | lina | check" "second overdue maintenance"
expect_no_out "SRV-0002 web-01 | lina" "a retired asset is not due"

OPSCTL_NOW=$NOW run report monthly --month 2026-10 --lang zh
expect_rc 0 "monthly in Chinese"
printf '%s\n' "$OUT" >"$WORK/review-zh.md"
OUT=$(printf '%s\n' "$OUT" | tr -s ' ')
expect_out "## 巡检" "Chinese inspections title"
expect_out "本月巡检 5 次，通过 2 次（40.0%）" "Chinese inspections sentence"
expect_out "## 备份" "Chinese backups title"
expect_out "## 资产" "Chinese assets title"
expect_out "| 逾期维护 | SRV-0001 db-01 |" "Chinese action item"

# The single tables, in every format.
for verb in inspections backups assets; do
    for format in table csv tsv json md; do
        OPSCTL_NOW=$NOW run --format "$format" report "$verb" --from 2026-10-01 --to 2026-10-31 --lang en
        expect_rc 0 "report $verb --format $format"
    done
done
OPSCTL_NOW=$NOW run --format csv report inspections --from 2026-10-01 --to 2026-10-31
expect_out "checklist,title,every,runs,ok,warning,critical,unknown,pending,pass_rate,last_run,overdue" "inspections columns"
expect_out "svc,服务巡检,1d,3,1,1,1,0,0,33.3," "svc line"
OPSCTL_NOW=$NOW run --format json report backups --from 2026-10-01 --to 2026-10-31
expect_out '"job":"files","kind":"archive","runs":4,"success":3,"failed":1,"success_rate":75.0' "backups json"
OPSCTL_NOW=$NOW run --format csv report backups --from 2026-09-01 --to 2026-09-30
expect_out "files,archive,1,1,0,100.0,0,0.0,2d,0.0" "September by --from/--to"
OPSCTL_NOW=$NOW run --format csv report assets --from 2026-10-01 --to 2026-10-31
expect_out "class,title,in_service,added,retired,disposed" "assets columns"
expect_out "server,服务器,2,1,1,0" "servers in October"

# --out-dir: one CSV per table, all readable; the Markdown passes the lint of test_report.sh.
OPSCTL_NOW=$NOW run report monthly --month 2026-10 --out-dir "$WORK/review" --lang en
expect_rc 0 "--out-dir"
for f in inspections_headline inspections_by_checklist inspection_failed_items inspection_pending \
    backups_headline backups_by_job restore_drills assets_headline assets_by_class maintenance_due assets_ending; do
    expect_true "$f.csv written" test -s "$WORK/review/$f.csv"
done
expect_true "every CSV parses" python3 - "$WORK/review" <<'PY'
import csv, glob, os, sys
for path in sorted(glob.glob(os.path.join(sys.argv[1], '*.csv'))):
    with open(path, newline='', encoding='utf-8') as f:
        rows = list(csv.reader(f, strict=True))
    assert rows, path
    assert all(len(r) == len(rows[0]) for r in rows), path
PY
# The lint is the one test_report.sh writes out; take it from there so both use the same rules.
awk '/^cat >"\$WORK\/mdlint.py" <<.PY.$/ {on = 1; next} on && /^PY$/ {exit} on' "$SRC/tests/cli/test_report.sh" >"$WORK/mdlint.py"
expect_true "the lint was found" grep -q "def lint" "$WORK/mdlint.py"
expect_true "markdown lint (en, zh, out-dir)" python3 "$WORK/mdlint.py" "$WORK/review-en.md" "$WORK/review-zh.md" "$WORK/review/review.md"

# JSON carries the key figures and the action items first, then the sections in order.
OPSCTL_NOW=$NOW run --format json report monthly --month 2026-10
expect_true "json sections in order" python3 -c '
import json, sys
keys = [s["key"] for s in json.loads(sys.argv[1])["sections"]]
assert keys == ["summary", "actions", "inspections", "backups", "assets", "roster"], keys
' "$OUT"

finish
