#!/usr/bin/env bash
# Black-box tests of the review's views across months and people (issue 28): trends over the
# last 6 and 12 months (opened, closed, backlog at each month's end, SLA attainment), workload
# and SLA per team and assignee, the month's P1 and major incidents with their business and
# wall-clock durations (issue 20 item 4: business time in working days of the calendar), the
# charts (legend, whole-number count axes, target lines, bars for categories) parsed by
# Mermaid's own parser, and `--format html` as one self-contained page that a validator
# accepts, with user text escaped. Numbers are worked out by hand below.
source "$(dirname "$0")/lib.sh"

init_sample

new() {
    local when=$1
    shift
    at "$when" -q ticket new "$@"
    ID=$OUT
}

# The sample calendar: Mon-Fri 09:00-12:00 and 13:30-18:00 (7.5 h a working day); P1 on a
# 24x7 clock (response 30m, resolution 4h), P2 business (2h / 1d), P3 business (2h / 3d).
at 2026-06-01T09:00:00+08:00 -q asset add --class server --name 核心数据库服务器 --tag srv-09 --set memory_gb=64
# June: J1 answered and resolved in time; J2 never answered, resolved 07-01 (both missed).
new 2026-06-15T09:00:00+08:00 --type incident --priority P3 --title "网络时断时续"
J1=$ID
at 2026-06-15T10:00:00+08:00 ticket assign "$J1" lina
at 2026-06-16T10:00:00+08:00 ticket resolve "$J1" --resolution "更换网线"
at 2026-06-16T10:05:00+08:00 ticket close "$J1" --satisfaction 5
new 2026-06-16T09:00:00+08:00 --type incident --priority P3 --title "打印机卡纸"
J2=$ID
# July: K1 in time; K2 answered late (12:00 > 11:00), resolved in time; K3 answered in time,
# never resolved in July (due Wed 07-08 18:00), closed 08-04.
at 2026-07-01T09:00:00+08:00 ticket resolve "$J2" --resolution "清理"
at 2026-07-01T09:05:00+08:00 ticket close "$J2" --satisfaction 3
new 2026-07-06T09:00:00+08:00 --type incident --priority P3 --title "邮箱满"
K1=$ID
at 2026-07-06T09:30:00+08:00 ticket assign "$K1" lina
at 2026-07-06T15:00:00+08:00 ticket resolve "$K1" --resolution "扩容"
at 2026-07-06T15:05:00+08:00 ticket close "$K1" --satisfaction 4
new 2026-07-06T09:00:00+08:00 --type incident --priority P3 --title "VPN 无法连接"
K2=$ID
at 2026-07-06T12:00:00+08:00 ticket assign "$K2" zhangwei
at 2026-07-07T10:00:00+08:00 ticket resolve "$K2" --resolution "重置证书"
at 2026-07-07T10:05:00+08:00 ticket close "$K2" --satisfaction 4
new 2026-07-06T09:00:00+08:00 --type incident --priority P3 --title "会议室投影仪"
K3=$ID
at 2026-07-06T10:00:00+08:00 ticket assign "$K3" lina
# August: L1, a P1 incident on srv-09, answered 10:10 (due 10:30), resolved 16:00 (due 14:00:
# missed); 6 h on the wall clock, 4h 30m of business time (10:00-12:00, 13:30-16:00).
# L2, a P2 incident, answered 09:30, resolved Thu 08-06 09:30 (due Tue 18:00: missed):
# 7.5 + 7.5 + 0.5 = 15.5 business hours = "2d 30m", 48.5 h wall = "2d 0h".
# L3, a P2 request: not a major incident; never answered (response and resolution missed).
at 2026-08-04T09:00:00+08:00 ticket resolve "$K3" --resolution "更换灯泡"
at 2026-08-04T09:05:00+08:00 ticket close "$K3" --satisfaction 4
TITLE='核心库 <script>alert("x")</script> & '"'"'q'"'"' 宕机'
new 2026-08-03T10:00:00+08:00 --type incident --priority P1 --title "$TITLE" --asset srv-09
L1=$ID
at 2026-08-03T10:10:00+08:00 ticket assign "$L1" lina
at 2026-08-03T16:00:00+08:00 ticket resolve "$L1" --resolution "重启"
at 2026-08-03T16:05:00+08:00 ticket close "$L1" --satisfaction 2
new 2026-08-04T09:00:00+08:00 --type incident --priority P2 --title "财务系统慢"
L2=$ID
at 2026-08-04T09:30:00+08:00 ticket assign "$L2" zhangwei
at 2026-08-06T09:30:00+08:00 ticket resolve "$L2" --resolution "加索引"
at 2026-08-06T09:35:00+08:00 ticket close "$L2" --satisfaction 4
new 2026-08-05T09:00:00+08:00 --type request --priority P2 --title "申请新账号"
L3=$ID

NOW=2026-09-02T10:00:00+08:00
OPSCTL_NOW=$NOW run report monthly --month 2026-08 --lang en --out-dir "$WORK/aug"
expect_rc 0 "the August review with its CSV files"

# 1. Trends: the months before the first ticket are left out; backlog carried month by month.
expect_eq "2026-06|2|1|1|1|2|1|2
2026-07|3|3|1|2|3|2|3
2026-08|3|3|1|2|3|0|3" \
    "$(csv_rows "$WORK/aug/trend_by_month.csv" month opened closed backlog response_met response_due resolution_met resolution_due)" \
    "opened, closed, backlog and attainment per month"
expect_eq "6|2026-03|2026-08|8|7|0|1|5|8|62.5|3|8|37.5
12|2025-09|2026-08|8|7|0|1|5|8|62.5|3|8|37.5" \
    "$(csv_rows "$WORK/aug/trend_summary.csv" months from to opened closed backlog_start backlog_end response_met response_due response_rate resolution_met resolution_due resolution_rate)" \
    "the last 6 and 12 months added up"
# The month in progress reads up to now: at 08-04 12:00, L1 and L2 opened, K3 and L1 closed,
# L2 the only one open.
OPSCTL_NOW=2026-08-04T12:00:00+08:00 run report monthly --month 2026-08 --lang en --out-dir "$WORK/aug-early"
expect_eq "2026-08|2|2|1" "$(csv_rows "$WORK/aug-early/trend_by_month.csv" month opened closed backlog | tail -1)" \
    "the month in progress counts up to now"
# A past month is the same whenever it is generated: August again in November, after more work.
at 2026-10-20T09:00:00+08:00 ticket assign "$L3" liuyang
at 2026-10-20T10:00:00+08:00 ticket resolve "$L3" --resolution "已开通"
OPSCTL_NOW=2026-11-02T10:00:00+08:00 run report monthly --month 2026-08 --lang en --out-dir "$WORK/aug-later"
expect_eq "$(cat "$WORK/aug/trend_by_month.csv")" "$(cat "$WORK/aug-later/trend_by_month.csv")" \
    "the trend of a past month does not change with later work"
expect_eq "$(cat "$WORK/aug/major_incidents.csv")" "$(cat "$WORK/aug-later/major_incidents.csv")" \
    "nor its major incidents"

# 2. Workload per assignee (August): lina opened L1, closed K3 and L1, her L1 answered in time
# and resolved late; zhangwei L2 the same; nobody holds L3, open at the end, both clocks missed.
expect_eq "-|1|0|1|0|1|0|1
lina|1|2|0|1|1|0|1
zhangwei|1|1|0|1|1|0|1" \
    "$(csv_rows "$WORK/aug/workload_by_assignee.csv" assignee opened closed open_at_end response_met response_due resolution_met resolution_due | sort)" \
    "workload and SLA per assignee"
expect_eq "3|3|1|2|3|0|3" "$(python3 - "$WORK/aug/workload_by_team.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
cols = ['opened', 'closed', 'open_at_end', 'response_met', 'response_due', 'resolution_met', 'resolution_due']
print('|'.join(str(sum(int(r[c]) for r in rows)) for c in cols))
PY
)" "the teams add up to the month"
expect_true "assignees are named" grep -q '^lina,李娜,' "$WORK/aug/workload_by_assignee.csv"

# 3. P1 and major incidents: L1 (P1) then L2 (P2 incident), not the P2 request; durations in
# working days of the calendar and on the wall clock, seconds in the CSV.
expect_eq "$L1|P1|srv-09|核心数据库服务器|4h 30m|6h 00m|16200|21600
$L2|P2|-||2d 30m|2d 0h|55800|174600" \
    "$(csv_rows "$WORK/aug/major_incidents.csv" id priority asset asset_name business wall business_secs wall_secs)" \
    "major incidents with business and wall-clock durations"
MD=$(cat "$WORK/aug/review.md")
expect_true "the Markdown names the asset by name and tag" grep -q "| srv-09 *| 核心数据库服务器 *|" <<<"$MD"
OUT=$MD
expect_no_out "Business seconds" "the Markdown leaves the seconds to the CSV"

# 4. Charts: legend on, series named, count axes in whole numbers, target lines, bars for types.
expect_true "Mermaid's legend through the init directive" grep -q '"xyChart": {"showLegend": true}' <<<"$MD"
expect_true "counts on an axis up to 10 (whole-number ticks)" grep -Eq '^    y-axis "Tickets" 0 --> 10$' <<<"$MD"
expect_true "the backlog at each month's end is a line" grep -q '^    line "backlog" \[1, 1, 1\]$' <<<"$MD"
expect_true "the monthly SLA chart has its two target lines" grep -q '^    line "resolution target 90%" \[90, 90, 90\]$' <<<"$MD"
expect_true "the trend chart's months" grep -q '^    x-axis \["2026-06", "2026-07", "2026-08"\]$' <<<"$MD"
expect_true "opened per month are bars" grep -q '^    bar "opened" \[2, 3, 3\]$' <<<"$MD"
expect_no_out "pie showData" "ticket types are bars, no pie"
OPSCTL_NOW=$NOW run report monthly --month 2026-08 --lang zh
printf '%s\n' "$OUT" >"$WORK/aug-zh.md"
expect_out "## 近 12 个月趋势" "the trends in Chinese"
expect_out "## 各团队与处理人的工作量和时限" "the workload in Chinese"
expect_out "## 紧急与重大事件" "the incidents in Chinese"
MERMAID_CHECK="$SRC/tools/mermaid-check.mjs"
if command -v node >/dev/null && [ -d "$SRC/tools/node_modules/mermaid" ] && [ -d "$SRC/tools/node_modules/jsdom" ]; then
    OUT=$(node "$MERMAID_CHECK" "$WORK/aug/review.md" "$WORK/aug-zh.md" 2>&1)
    expect_eq 0 "$?" "every chart parses with Mermaid's own parser ($OUT)"
    cat >"$WORK/broken.md" <<'MD'
```mermaid
xychart-beta
    x-axis [a b
```
MD
    node "$MERMAID_CHECK" "$WORK/broken.md" >/dev/null 2>&1
    expect_eq 1 "$?" "the Mermaid check fails a chart that does not parse"
else
    echo "test_report_trends: skipping the Mermaid parser (run tools/deps.sh)"
fi

# 5. HTML: one page, no script, nothing fetched, user text escaped, print rules, and valid.
OPSCTL_NOW=$NOW run --format html report monthly --month 2026-08 --lang en
expect_rc 0 "the review as HTML"
printf '%s\n' "$OUT" >"$WORK/aug.html"
expect_out "<!DOCTYPE html>" "an HTML document"
expect_out '核心库 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39; 宕机' "a user's title escaped"
expect_no_out "<script" "no script element"
# (a link within the page, href="#...", fetches nothing)
if grep -Eqi 'src=|href="[^#]|href='"'"'|@import|url\(' "$WORK/aug.html"; then fail "nothing fetched"; else pass; fi
expect_out "@media print" "print rules"
expect_out "@page { size: A4;" "A4 pages"
expect_eq 5 "$(grep -c '<svg ' "$WORK/aug.html")" "the charts as inline SVG (types, per day, per priority, 2 trends)"
expect_no_out '<td class="num">16200</td>' "the seconds columns stay in the CSV"
expect_out '<td class="nw">4h 30m</td>' "durations in the page, never wrapped"
OPSCTL_NOW=$NOW run --format html report monthly --month 2026-08 --lang zh
printf '%s\n' "$OUT" >"$WORK/aug-zh.html"
expect_out '<html lang="zh-CN">' "the Chinese page says so"
expect_out "近 12 个月趋势" "in Chinese"
HTML_VALIDATE="$SRC/tools/node_modules/.bin/html-validate"
if command -v node >/dev/null && [ -x "$HTML_VALIDATE" ]; then
    OUT=$("$HTML_VALIDATE" "$WORK/aug.html" "$WORK/aug-zh.html" 2>&1)
    expect_eq 0 "$?" "html-validate accepts the pages ($OUT)"
else
    echo "test_report_trends: skipping html-validate (run tools/deps.sh)"
fi
if command -v tidy >/dev/null; then
    OUT=$(tidy -q -e "$WORK/aug.html" 2>&1)
    expect_eq 0 "$?" "tidy finds no warning ($OUT)"
fi
run --format tsv report monthly --month 2026-08
expect_rc 64 "an unknown review format"
expect_err "use md, html, csv, excel or json" "names html among the formats"

finish
