#!/usr/bin/env bash
# Black-box tests of the review's layout (issue 28: "fits in well under 10 screens before its
# appendices"): the summary, action items, charts and short tables come first; each section's
# figures against the previous month and the long detail tables (per day, type x priority,
# per assignee, per month, breached tickets, the full warranty list, maintenance, duty per
# person) sit in one appendix at the end, in Markdown (en, zh) and HTML; a chart whose table
# moved says where its numbers are; the CSV files and the JSON keep every table and row.
source "$(dirname "$0")/lib.sh"

init_sample


# July and August: tickets on several days, assigned, some resolved late, some left open; a
# server whose warranty ends in September.
at 2026-07-01T09:00:00+08:00 -q asset add --class server --name db-01 --owner zhangwei --set memory_gb=64 \
    --warranty-until 2026-09-15 --tag SRV-0001
for day in 07-06 07-20 08-03 08-04 08-05 08-10 08-11 08-12 08-17 08-18 08-24 08-25; do
    at "2026-${day}T09:00:00+08:00" -q ticket new --type incident --priority P3 --title "网络时断时续 $day"
    id=$OUT
    at "2026-${day}T09:30:00+08:00" ticket assign "$id" lina
    case $day in
    08-0*) at "2026-${day}T15:00:00+08:00" ticket resolve "$id" --resolution "更换网线" ;;
    07-*) at "2026-${day}T15:00:00+08:00" ticket resolve "$id" --resolution "更换网线" ;;
    esac
done
at 2026-08-07T09:00:00+08:00 -q ticket new --type request --priority P2 --title "申请新账号"

NOW=2026-09-02T10:00:00+08:00
# line_of PATTERN: the first line of $OUT matching the extended regex (0: none).
line_of() {
    local n
    n=$(grep -nE -m1 -- "$1" <<<"$OUT" | cut -d: -f1)
    echo "${n:-0}"
}
# after_appendix TEXT PATTERN: PATTERN's first line comes after the appendix heading.
after_appendix() {
    local what=$1 pattern=$2 n
    n=$(line_of "$pattern")
    if [ "$n" -gt "$APPX" ]; then pass; else fail "$what: '$pattern' at line $n, the appendix at $APPX"; fi
}
before_appendix() {
    local what=$1 pattern=$2 n
    n=$(line_of "$pattern")
    if [ "$n" -gt 0 ] && [ "$n" -lt "$APPX" ]; then pass; else fail "$what: '$pattern' at line $n, the appendix at $APPX"; fi
}

# 1. Markdown, English.
OPSCTL_NOW=$NOW run report monthly --month 2026-08 --lang en
expect_rc 0 "the August review"
APPX=$(line_of '^## Appendix')
expect_true "one appendix heading" test "$(grep -c '^## Appendix' <<<"$OUT")" -eq 1
expect_true "the appendix is the last section" test "$(grep -n '^## ' <<<"$OUT" | tail -1 | cut -d: -f1)" -eq "$APPX"
before_appendix "key figures first" '^## Key figures$'
before_appendix "then the action items" '^## Action items$'
before_appendix "the ticket section" '^## Tickets$'
before_appendix "the trends" '^## Trends over the last 12 months$'
before_appendix "the per-day chart stays with its section" '^    title "Tickets opened \(bars\) and closed \(line\) per day"$'
before_appendix "and says where its numbers are" 'The numbers are in the appendix, under "Tickets: Tickets opened and closed per day"'
before_appendix "short tables stay: SLA per priority" '^\| Priority +\| Response met'
after_appendix "the per-day table" '^### Tickets: Tickets opened and closed per day$'
after_appendix "its rows" '^\| 2026-08-03 +\| +1 \|'
after_appendix "type x priority" '^### Tickets: Tickets opened by type and priority$'
after_appendix "per assignee" '^### Workload and SLA per team and assignee: Per assignee$'
after_appendix "the per-month trend table" '^### Trends over the last 12 months: Tickets and SLA per month$'
after_appendix "the section's figures against the previous month" '^### Tickets: headline figures$'
after_appendix "the full warranty list" '^\| SRV-0001 +\| db-01 +\| server +\| zhangwei +\| warranty '
after_appendix "the breached tickets" '^### Tickets: Tickets that breached an SLA target$'
expect_eq 0 "$(head -n "$APPX" <<<"$OUT" | grep -cE '^\| 2026-08-[0-9]{2} ')" "no per-day row before the appendix"
MAIN_EN=$((APPX - 1))

# 2. Markdown, Chinese: the same order.
OPSCTL_NOW=$NOW run report monthly --month 2026-08 --lang zh
expect_rc 0 "the August review in Chinese"
APPX=$(line_of '^## 附录')
expect_true "the Chinese appendix is the last section" test "$(grep -n '^## ' <<<"$OUT" | tail -1 | cut -d: -f1)" -eq "$APPX"
before_appendix "关键指标 first" '^## 关键指标$'
before_appendix "每日 chart before" '^    title "每日新建（柱）与关闭（线）工单"$'
after_appendix "每日 table after" '^### 工单：每日新建与关闭工单$'
after_appendix "按处理人 after" '^### 各团队与处理人的工作量和时限：按处理人$'
after_appendix "主要指标 after" '^### 工单：主要指标$'
expect_eq "$MAIN_EN" "$((APPX - 1))" "the part before the appendix has as many lines in both languages"
# No heading repeats, in the appendix either (MD024).
expect_eq "" "$(grep -E '^#+ ' <<<"$OUT" | sort | uniq -d)" "no repeated heading"

# 3. HTML: the appendix section after every other one, the detail tables in it, a link to them.
OPSCTL_NOW=$NOW run report monthly --month 2026-08 --lang en --format html
expect_rc 0 "the August review as HTML"
APPX=$(line_of '^<section id="appendix"')
expect_true "the appendix section is the last" test "$(grep -n '^<section ' <<<"$OUT" | tail -1 | cut -d: -f1)" -eq "$APPX"
before_appendix "the per-day chart" '<title>Tickets opened \(bars\) and closed \(line\) per day</title>'
before_appendix "a link to its numbers" '<a href="#tickets_per_day">Tickets: Tickets opened and closed per day</a>'
after_appendix "the per-day table" '^<h3 id="tickets_per_day">'
after_appendix "per assignee" '^<h3 id="workload_by_assignee">'
after_appendix "headline figures" '^<h3 id="tickets_headline">'
expect_out "section.appendix { break-before: page; }" "the appendix starts a new printed page"
# What a browser showed (1920x1080 and A4): a caption under a chart read as the title of the
# next one, dates and durations broke over two lines in print, a dashed target line had a
# solid legend swatch, and the figures' values sat on the left.
expect_eq "$(grep -c '^<figure>$' <<<"$OUT")" "$(grep -A1 '^<figure>$' <<<"$OUT" | grep -c '^<figcaption>')" \
    "every chart's caption is above its drawing"
expect_out '<td class="nw">2026-08-03</td>' "dates never wrap"
expect_out 'td.nw, th.nw { white-space: nowrap; }' "the no-wrap rule"
expect_out 'table { font-size: 8pt; }' "tables in a smaller print size, to fit A4"
expect_out 'p.more { break-before: avoid; }' "a capped list's note stays with its table on paper"
expect_true "a target line's legend swatch is dashed" grep -Eq '<line x1="[0-9.]+" y1="20" x2="[0-9.]+" y2="20" stroke="[^"]+" stroke-width="4" stroke-dasharray="8 4"/>' <<<"$OUT"
expect_true "the key figures' values are aligned as numbers" grep -Eq '<tr><td( class="nw")?>Tickets opened</td><td class="num">[0-9]+</td>' <<<"$OUT"
expect_eq "" "$(grep -oE ' id="[^"]*"' <<<"$OUT" | sort | uniq -d)" "no repeated id"
if command -v tidy >/dev/null; then
    printf '%s\n' "$OUT" >"$WORK/aug.html"
    OUT=$(tidy -q -e "$WORK/aug.html" 2>&1)
    expect_eq 0 "$?" "tidy finds no warning ($OUT)"
fi

# 4. CSV and JSON lose nothing: every table with every row.
OPSCTL_NOW=$NOW run report monthly --month 2026-08 --lang en --out-dir "$WORK/aug"
expect_rc 0 "the CSV files"
expect_eq 31 "$(tail -n +2 "$WORK/aug/tickets_per_day.csv" | wc -l)" "every day of August in the CSV"
for f in tickets_per_day tickets_by_type_priority workload_by_assignee trend_by_month assets_ending tickets_headline; do
    expect_true "$f.csv written" test -s "$WORK/aug/$f.csv"
done
OPSCTL_NOW=$NOW run report monthly --month 2026-08 --lang en --format json
expect_rc 0 "the JSON review"
expect_eq "31|2" "$(python3 -c '
import json, sys
doc = json.load(sys.stdin)
tables = {t["key"]: t["rows"] for s in doc["sections"] for t in s["tables"]}
print(len(tables["tickets_per_day"]), len(tables["workload_by_assignee"]), sep="|")' <<<"$OUT")" \
    "the JSON holds the per-day and per-assignee tables whole"

finish
