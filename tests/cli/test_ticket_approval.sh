#!/usr/bin/env bash
# Approvals on workflow transitions: the sample's change workflow needs a 项目经理 or 技术主管
# to approve entering 'approved'; the requester never counts; a rejection blocks; quorum
# 'all'; the emergency path with its retrospective approval; the lists and the history.
source "$(dirname "$0")/lib.sh"

export OPSCTL_NOW=2026-11-03T10:00:00+08:00
init_sample

# as PERSON ARGS...: the sample binds no logins, so $OPSCTL_USER says who acts.
as() {
    local who=$1
    shift
    OUT=$(OPSCTL_USER=$who "$BIN" "$@" 2>"$WORK/.stderr")
    RC=$?
    ERR=$(cat "$WORK/.stderr")
}

as zhangwei ticket new --type change --title '核心交换机升级' -q
expect_rc 0 "zhangwei asks for a change"
id=$OUT
as zhangwei ticket move "$id" planning
as zhangwei ticket move "$id" approval
expect_rc 0 "the change waits for approval"

as zhangwei ticket move "$id" approved
expect_rc 77 "entering 'approved' without an approval exits 77"
expect_err "may not enter 'approved' yet" "the refusal names the guarded state"
expect_err "may still approve: lina" "the refusal names who may still approve (the requester is left out)"

as zhangwei ticket approve "$id"
expect_rc 77 "the requester may not approve their own change"
expect_err "asked for ticket $id" "separation of duties is explained"
as wangfang ticket approve "$id"
expect_rc 77 "a person without an approving role may not approve"
expect_err "is not an approver" "and is told so"

run ticket list --awaiting-approval -q
expect_eq "$id" "$OUT" "the change is listed as awaiting approval"
as lina ticket list --awaiting-approval --by me -q
expect_eq "$id" "$OUT" "--by me lists what lina may approve"
as zhangwei ticket list --awaiting-approval --by me -q
expect_eq "" "$OUT" "the requester has nothing to approve"
run ticket list --awaiting-approval --by nosuch
expect_rc 65 "--by names no person: bad input"
expect_err "--by 'nosuch' is no person of the policy" "--by names the unknown person"

as lina ticket reject "$id"
expect_rc 64 "a rejection needs --reason"
as lina ticket reject "$id" --reason '回退方案不完整'
expect_rc 0 "lina rejects"
as lina ticket approve "$id"
expect_rc 65 "a person decides once"
as zhangwei ticket move "$id" approved
expect_rc 77 "a rejected change may not enter 'approved'"
expect_err "rejected by lina: 回退方案不完整" "the refusal gives the rejection and its reason"

# Back to planning: the request ends, the next one starts afresh.
as zhangwei ticket move "$id" planning
as zhangwei ticket move "$id" approval
as lina ticket approve "$id" --reason '方案已补充'
expect_rc 0 "lina approves the revised change"
run ticket show "$id"
expect_out "Approvals" "ticket show lists the decisions"
expect_out "rejected (done)" "the old rejection is shown as done"
expect_out "1 of 1 to enter 'approved'" "ticket show says where the request stands"
as zhangwei ticket move "$id" approved
expect_rc 0 "with the quorum met the change enters 'approved'"
run --format json ticket show "$id"
expect_out '"decision": "approved"' "JSON lists the approvals"
expect_out '"approved_by": [' "the move's event records who approved"
run ticket list --awaiting-approval -q
expect_eq "" "$OUT" "nothing awaits approval any more"

# Emergency: pass now, approve afterwards, by someone other than who moved it.
as lina ticket new --type change --title '紧急更换故障电源' -q
em=$OUT
as lina ticket move "$em" planning
as lina ticket move "$em" approval
as lina ticket move "$em" approved --emergency ''
expect_rc 64 "an emergency move needs a reason"
as lina ticket move "$em" approved --emergency '电源故障，业务中断'
expect_rc 0 "an emergency move passes the approval"
run ticket list --awaiting-approval -q
expect_eq "$em" "$OUT" "the emergency change awaits its retrospective approval"
as lina ticket approve "$em"
expect_rc 77 "who moved it in an emergency may not approve it afterwards"
as zhangwei ticket move "$em" implementing
expect_rc 0 "the change goes on while its approval is due"
as zhangwei ticket approve "$em" --reason '事后确认'
expect_rc 0 "zhangwei approves afterwards"
run ticket list --awaiting-approval -q
expect_eq "" "$OUT" "the retrospective approval settles the emergency"
run ticket show "$em"
expect_out "approved (afterwards)" "ticket show marks the retrospective approval"
expect_out "电源故障" "the emergency's reason is in the history"

# Quorum 'all' and named people, in a policy of our own.
sed -i 's/approval: {roles: \[项目经理, 技术主管\], quorum: 1}/approval: {roles: [项目经理], people: [liuyang, lina], quorum: all}/' \
    "$OPSCTL_CONFIG/policies/tickets.yaml"
run policy check
expect_rc 0 "an approval with named people and quorum all checks"
as wangfang ticket new --type change --title '机房断电演练' -q
all=$OUT
as wangfang ticket move "$all" planning
as wangfang ticket move "$all" approval
as zhangwei ticket approve "$all"
as lina ticket approve "$all"
as wangfang ticket move "$all" approved
expect_rc 77 "with quorum all, two of three is not enough"
expect_err "may still approve: liuyang" "the one missing is named"
as liuyang ticket approve "$all"
as wangfang ticket move "$all" approved
expect_rc 0 "all three approved"

sed -i 's/people: \[liuyang, lina\]/people: [liuyng]/' "$OPSCTL_CONFIG/policies/tickets.yaml"
run policy check
expect_rc 78 "an approval naming no person is a policy error"
expect_err "did you mean 'liuyang'" "the person meant is suggested"
sed -i 's/people: \[liuyng\]/people: [liuyang]/; s/roles: \[项目经理\]/roles: [项目经历]/' "$OPSCTL_CONFIG/policies/tickets.yaml"
run policy check
expect_rc 78 "an approval naming no role is a policy error"
expect_err "names no role '项目经历'" "the unknown role is named"

finish
