#!/usr/bin/env bash
# Black-box tests of the review's approvals section (issue 21): the sample's change workflow
# needs a 项目经理 or 技术主管 to approve entering 'approved'. The October review counts the
# changes opened, the approvals, rejections, retrospective approvals and emergency moves of
# the month by person, against September; an emergency move still awaiting its retrospective
# approval at the month's end is listed and is an action item owned by whoever moved it, and
# stays so when the review is generated again after it was approved in November; the
# decisions themselves are in the appendix and in the CSV file.
source "$(dirname "$0")/lib.sh"

init_sample

# at TIME PERSON ARGS...: runs opsctl as PERSON (the sample binds no logins, so $OPSCTL_USER
# says who acts) at a fixed instant, and fails the test on error.
at() {
    local when=$1 who=$2
    shift 2
    OUT=$(OPSCTL_NOW="$when" OPSCTL_USER="$who" "$BIN" "$@" 2>"$WORK/.stderr" </dev/null)
    RC=$?
    ERR=$(cat "$WORK/.stderr")
    [ "$RC" -eq 0 ] || fail "at $when as $who: opsctl $* ($ERR)"
}
# change TIME PERSON TITLE: a change asked for by PERSON, moved on to await approval.
change() {
    at "$1" "$2" -q ticket new --type change --title "$3"
    ID=$OUT
    at "$1" "$2" ticket move "$ID" planning
    at "$1" "$2" ticket move "$ID" approval
}

# September: one change, approved by lina.
change 2026-09-15T10:00:00+08:00 zhangwei '九月变更'
at 2026-09-16T10:00:00+08:00 lina ticket approve "$ID"
# October: C1 approved by lina; C2 rejected by lina; E1 moved by lina as an emergency and
# approved afterwards by zhangwei within the month; E2 moved as an emergency on 10-28 and
# approved only on 11-05.
change 2026-10-05T10:00:00+08:00 zhangwei '核心交换机升级'
C1=$ID
at 2026-10-06T10:00:00+08:00 lina ticket approve "$C1" --reason '方案可行'
at 2026-10-06T11:00:00+08:00 zhangwei ticket move "$C1" approved
change 2026-10-07T10:00:00+08:00 zhangwei '数据库版本升级'
C2=$ID
at 2026-10-08T10:00:00+08:00 lina ticket reject "$C2" --reason '回退方案不完整'
change 2026-10-10T10:00:00+08:00 lina '紧急更换故障电源'
E1=$ID
at 2026-10-12T10:00:00+08:00 lina ticket move "$E1" approved --emergency '电源故障，业务中断'
at 2026-10-14T10:00:00+08:00 zhangwei ticket approve "$E1" --reason '事后确认'
change 2026-10-20T10:00:00+08:00 lina '更换宕机的核心交换机'
E2=$ID
at 2026-10-28T22:00:00+08:00 lina ticket move "$E2" approved --emergency '核心交换机宕机'

OPSCTL_NOW=2026-11-02T10:00:00+08:00 run report monthly --month 2026-10 --lang en --out-dir "$WORK/oct"
expect_rc 0 "the October review with its CSV files"
expect_eq "approval_requested|4|1
approvals_given|1|1
approvals_rejected|1|0
approvals_retrospective|1|0
emergency_moves|2|0
emergency_awaiting|1|0" "$(csv_rows "$WORK/oct/approvals_headline.csv" key value previous)" \
    "changes opened, approvals, rejections, retrospective approvals, emergencies and those awaiting, against September"
expect_eq "lina|1|1|0|2
zhangwei|0|0|1|0" \
    "$(csv_rows "$WORK/oct/approvals_by_person.csv" person approved rejected approved_retrospective emergency)" \
    "who decided what"
expect_eq "$E2|change|approved|lina|核心交换机宕机|2026-10-28 22:00" \
    "$(csv_rows "$WORK/oct/emergencies_awaiting.csv" id type state moved_by reason at)" \
    "the emergency awaiting its retrospective approval at month end (E1 was settled in October)"
expect_eq "$C1|approved|lina|方案可行
$C2|rejected|lina|回退方案不完整
$E1|emergency|lina|电源故障，业务中断
$E1|approved_retrospective|zhangwei|事后确认
$E2|emergency|lina|核心交换机宕机" \
    "$(csv_rows "$WORK/oct/approval_decisions.csv" id decision person reason)" \
    "every decision of the month, with stable codes"
expect_eq "emergency_unapproved|2|#$E2 更换宕机的核心交换机|lina" \
    "$(csv_rows "$WORK/oct/action_items.csv" kind severity item owner | grep '^emergency_unapproved')" \
    "the unapproved emergency is an action item owned by whoever moved it"
MD=$(cat "$WORK/oct/review.md")
OUT=$MD
expect_out "4 tickets were opened under approval rules. Decisions: 1 approved, 1 rejected, 1 approved after an emergency move; 2 tickets were moved past an approval as an emergency; at month end 1 emergency move was still awaiting retrospective approval." \
    "the section's sentence"
APPX=$(grep -n -m1 '^## Appendix' <<<"$MD" | cut -d: -f1)
SEC=$(grep -n -m1 '^## Approvals$' <<<"$MD" | cut -d: -f1)
DEC=$(grep -n -m1 '^### Approvals: Approval decisions of the month$' <<<"$MD" | cut -d: -f1)
AWAIT=$(grep -n -m1 '^### Emergency moves awaiting their retrospective approval at month end$' <<<"$MD" | cut -d: -f1)
expect_true "the section comes before the appendix" test "${SEC:-0}" -gt 0 -a "${SEC:-0}" -lt "${APPX:-0}"
expect_true "the emergencies awaiting approval are in the main part" test "${AWAIT:-0}" -gt "$SEC" -a "${AWAIT:-0}" -lt "$APPX"
expect_true "the decisions list is in the appendix" test "${DEC:-0}" -gt "$APPX"
expect_true "the awaiting emergency is among the top action items" grep -q "| emergency_unapproved | emergency move awaiting approval | #$E2 " <<<"$MD"

# E2 is approved in November: the October review, generated again in December, is the same.
at 2026-11-05T10:00:00+08:00 zhangwei ticket approve "$E2" --reason '补批'
change 2026-11-06T10:00:00+08:00 zhangwei '十一月变更'
at 2026-11-06T11:00:00+08:00 lina ticket approve "$ID"
OPSCTL_NOW=2026-12-10T10:00:00+08:00 run report monthly --month 2026-10 --lang en --out-dir "$WORK/oct-later"
expect_rc 0 "October again in December"
for f in approvals_headline approvals_by_person emergencies_awaiting approval_decisions action_items; do
    expect_eq "$(cat "$WORK/oct/$f.csv")" "$(cat "$WORK/oct-later/$f.csv")" "$f.csv of October does not change with November's work"
done
expect_eq "$(grep -v '^- Generated:' "$WORK/oct/review.md")" "$(grep -v '^- Generated:' "$WORK/oct-later/review.md")" \
    "nor does October's review"
OPSCTL_NOW=2026-12-10T10:00:00+08:00 run report monthly --month 2026-11 --lang en --out-dir "$WORK/nov"
expect_rc 0 "the November review"
expect_eq "approvals_given|1|1
approvals_retrospective|1|1
emergency_awaiting|0|1" \
    "$(csv_rows "$WORK/nov/approvals_headline.csv" key value previous | grep -E '^(approvals_given|approvals_retrospective|emergency_awaiting)\|')" \
    "in November E2 is settled; October's end had one awaiting"
expect_eq "" "$(csv_rows "$WORK/nov/action_items.csv" kind | grep '^emergency_unapproved')" "and no longer an action item"

# Chinese, and a policy without approval rules and no decisions has no such section.
OPSCTL_NOW=2026-11-02T10:00:00+08:00 run report monthly --month 2026-10 --lang zh
expect_out "## 审批" "the section in Chinese"
expect_out "月末仍有 1 个紧急变更待事后审批" "the Chinese sentence"
expect_out "### 审批：本月审批记录" "the decisions in the Chinese appendix"
OPSCTL_NOW=2026-11-02T10:00:00+08:00 run report monthly --month 2026-08 --lang en
expect_out "## Approvals" "the policy has approval rules: the section shows, with zeros, in a month without decisions"
sed -i 's/, approval: {roles: \[项目经理, 技术主管\], quorum: 1}//' "$OPSCTL_CONFIG/policies/tickets.yaml"
run policy check
expect_rc 0 "the policy without approval rules checks"
OPSCTL_NOW=2026-11-02T10:00:00+08:00 run report monthly --month 2026-08 --lang en
expect_no_out "## Approvals" "no rules and no decisions: no approvals section"
OPSCTL_NOW=2026-11-02T10:00:00+08:00 run report monthly --month 2026-10 --lang en
expect_out "## Approvals" "decisions recorded under an older policy still show"

finish
