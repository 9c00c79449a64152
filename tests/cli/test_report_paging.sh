#!/usr/bin/env bash
# The review's paging section (issue 24): time to acknowledge per month and per person. In
# October: zhangwei answers two pages in 3 and 10 minutes, lina one in 20 after it escalated to
# her, nobody answers a page that runs through the whole chain (it ends with wangfang, paged
# last), and a page opened on the 30th is answered only on 2 November (unanswered at the
# month's end, whenever the review is made: it ends October with chenjing, on duty then and
# paged). September: one page answered in 5 minutes.
source "$(dirname "$0")/lib.sh"

init_sample

# Pages go to a port where nothing listens: the pages and their steps are recorded all the
# same, which is what the review reads.
cat >"$OPSCTL_CONFIG/policies/notify.yaml" <<'YAML'
notify:
  timeout: 1s
  channels:
    oncall: {type: webhook, url: "http://127.0.0.1:9/hook", events: []}
  paging:
    channels: [oncall]
    rotation: ops-primary
    escalation: [lina, wangfang]
    after: 15m
    tickets: [P1]
YAML

# as TIME PERSON ARGS...: opsctl as PERSON at TIME; fails the test when opsctl fails.
as() {
    local when=$1 who=$2
    shift 2
    OUT=$(OPSCTL_NOW="$when" OPSCTL_USER="$who" "$BIN" "$@" 2>"$WORK/.stderr" </dev/null)
    RC=$?
    ERR=$(cat "$WORK/.stderr")
    [ "$RC" -eq 0 ] || fail "at $when as $who: opsctl $* ($ERR)"
}
# page_of TITLE: the id of the page about the ticket TITLE.
page_of() {
    "$BIN" --format json page list --all | python3 -c "
import json, sys
print(next(r['id'] for r in json.load(sys.stdin) if sys.argv[1] in r['title']))" "$1"
}

OPSCTL_NOW=2026-11-02T10:00:00+08:00 run report monthly --month 2026-10 --lang en
expect_rc 0 "a review before any page"
expect_no_out "Paging" "a site that never paged has no paging section"

as 2026-09-10T10:00:00+08:00 tester ticket new --priority P1 --title '九月故障' -q
as 2026-09-10T10:05:00+08:00 zhangwei page ack "$(page_of 九月故障)"

as 2026-10-12T10:00:00+08:00 tester ticket new --priority P1 --title '故障A' -q
as 2026-10-12T10:03:00+08:00 zhangwei page ack "$(page_of 故障A)"
as 2026-10-13T10:00:00+08:00 tester ticket new --priority P1 --title '故障B' -q
# notify flush exits 1 here: nothing listens on port 9.
OPSCTL_NOW=2026-10-13T10:16:00+08:00 run notify flush
expect_out "paged 1" "unanswered for 15 minutes, the page goes to lina"
as 2026-10-13T10:20:00+08:00 lina page ack "$(page_of 故障B)"
as 2026-10-14T10:00:00+08:00 tester ticket new --priority P1 --title '故障C' -q
as 2026-10-14T10:10:00+08:00 zhangwei page ack "$(page_of 故障C)"
as 2026-10-29T10:00:00+08:00 tester ticket new --priority P1 --title '故障D' -q
for t in 10:16 10:32 10:48; do
    OPSCTL_NOW=2026-10-29T$t:00+08:00 run notify flush
done
expect_out "exhausted 1" "nobody answers the page about D"
as 2026-10-29T20:00:00+08:00 tester roster override add --rotation ops-primary --person chenjing \
    --from 2026-10-30T09:00 --to 2026-10-30T17:30
as 2026-10-30T17:00:00+08:00 tester ticket new --priority P1 --title '故障E' -q
as 2026-11-02T10:00:00+08:00 zhangwei page ack "$(page_of 故障E)"

OPSCTL_NOW=2026-11-02T10:00:00+08:00 run report monthly --month 2026-10 --lang en --out-dir "$WORK/oct"
expect_rc 0 "the October review with its CSV files"
expect_eq "pages|5|1
pages_acknowledged|3|1
pages_escalated|2|0
pages_unanswered|2|0" "$(csv_rows "$WORK/oct/paging_headline.csv" key value previous)" \
    "pages, acknowledged, escalated and unanswered at the month's end, against September"
expect_eq "2026-09|1|1|5.0|5.0|0|0
2026-10|5|3|10.0|20.0|2|2" \
    "$(csv_rows "$WORK/oct/paging_by_month.csv" month pages acknowledged median_minutes worst_minutes escalated unanswered)" \
    "time to acknowledge per month: the median of 3, 10 and 20 minutes, the worst 20"
want="chenjing|1|0|||0|1
lina|1|1|20.0|20.0|1|0
wangfang|1|0|||1|1
zhangwei|2|2|6.5|10.0|0|0"
expect_eq "$want" \
    "$(csv_rows "$WORK/oct/paging_by_person.csv" person pages acknowledged median_minutes worst_minutes escalated unanswered)" \
    "time to acknowledge per person: who answered, or who was paged last"

# Generated again later, October is the same.
OPSCTL_NOW=2027-01-10T10:00:00+08:00 run report monthly --month 2026-10 --lang en --out-dir "$WORK/oct-later"
expect_eq "$(cat "$WORK/oct/paging_by_person.csv")" "$(cat "$WORK/oct-later/paging_by_person.csv")" \
    "a past month's paging figures do not change"

# Markdown, in both languages.
OPSCTL_NOW=2026-11-02T10:00:00+08:00 run report monthly --month 2026-10 --lang en
expect_out "## Paging" "the English review has a paging section"
expect_out "Time to acknowledge per person" "with the per-person table"
expect_out "5 pages went out; 3 acknowledged, in 10.0 min at the median and 20.0 min at worst" "and its sentence"
OPSCTL_NOW=2026-11-02T10:00:00+08:00 run report monthly --month 2026-10 --lang zh
expect_out "值班呼叫" "the Chinese review has the paging section"
expect_out "确认用时中位数" "with Chinese column titles"
expect_out "本月呼叫 5 次，已确认 3 次" "and a Chinese sentence"

# Every step of every page is in the events, and db check is satisfied.
run db check
expect_rc 0 "db check passes after paging"

finish
