#!/usr/bin/env bash
# Notify events of approvals: a hook subscribed to `approval.*` receives approval.requested
# when a change comes to wait for approval, approval.rejected and approval.granted for the
# decisions (who, why, whether the quorum is met), and approval.emergency for an emergency
# move whose approval is due afterwards, then the retrospective approval.
source "$(dirname "$0")/lib.sh"

export OPSCTL_NOW=2026-11-03T10:00:00+08:00
init_sample
LOG="$WORK/events.jsonl"
cat >"$OPSCTL_CONFIG/policies/notify.yaml" <<YAML
notify:
  hooks:
    approvers:
      command: [/bin/sh, -c, 'cat >>"\$0"; echo >>"\$0"', "$LOG"]
      events: [approval.*]
YAML
run policy check
expect_rc 0 "a hook for approval.* passes policy check"

# as PERSON ARGS...: the sample binds no logins, so $OPSCTL_USER says who acts.
as() {
    local who=$1
    shift
    OUT=$(OPSCTL_USER=$who "$BIN" "$@" 2>"$WORK/.stderr")
    RC=$?
    ERR=$(cat "$WORK/.stderr")
}

# last_event CHECK: the newest event the hook received satisfies the Python expression CHECK
# (on `e`, its data `d`); DESCRIPTION follows.
last_event() {
    local check=$1 desc=$2
    if python3 - "$LOG" "$check" <<'EOF'; then pass; else fail "$desc"; fi
import json, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
e = json.loads(lines[-1])
d = e["data"]
ok = eval(sys.argv[2])
if not ok:
    print(json.dumps(e, ensure_ascii=False), file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
}
# count KIND: how many events of KIND the hook received.
count() { python3 -c "import json,os,sys; p=sys.argv[1]; print(sum(json.loads(l)['kind']==sys.argv[2] for l in open(p) if l.strip()) if os.path.exists(p) else 0)" "$LOG" "$1"; }

as zhangwei ticket new --type change --title '核心交换机升级' -q
id=$OUT
as zhangwei ticket move "$id" planning
expect_eq "0" "$(count approval.requested)" "nothing is requested before a guarded state follows"
as zhangwei ticket move "$id" approval
expect_rc 0 "the change comes to wait for approval"
last_event "e['kind'] == 'approval.requested' and d['id'] == $id and d['state'] == 'approved' \
    and d['needed'] == 1 and 'lina' in d['may_approve'] and 'zhangwei' not in d['may_approve'] \
    and d['status'] == 'approval'" \
    "approval.requested names the ticket, the guarded state and who may approve (not the requester)"

as lina ticket reject "$id" --reason '回退方案不完整'
expect_rc 0 "lina rejects"
last_event "e['kind'] == 'approval.rejected' and d['id'] == $id and d['by'] == 'lina' \
    and d['reason'] == '回退方案不完整' and d['state'] == 'approved' and not d['retrospective']" \
    "approval.rejected says who rejected and why"

as zhangwei ticket move "$id" planning
as zhangwei ticket move "$id" approval
expect_eq "2" "$(count approval.requested)" "the revised change is requested again"
as lina ticket approve "$id" --reason '方案已补充'
expect_rc 0 "lina approves"
last_event "e['kind'] == 'approval.granted' and d['id'] == $id and d['by'] == 'lina' and d['met'] \
    and d['approved_by'] == ['lina'] and 'lina' not in d['may_approve'] and not d['retrospective']" \
    "approval.granted says who approved and that the quorum is met"
as zhangwei ticket move "$id" approved
expect_rc 0 "the approved change moves on"

# Emergency: passes now, its approval is due afterwards.
as lina ticket new --type change --title '紧急更换故障电源' -q
em=$OUT
as lina ticket move "$em" planning
as lina ticket move "$em" approval
as lina ticket move "$em" approved --emergency '电源故障，业务中断'
expect_rc 0 "an emergency move"
last_event "e['kind'] == 'approval.emergency' and d['id'] == $em and d['by'] == 'lina' \
    and d['reason'] == '电源故障，业务中断' and d['state'] == 'approved' and d['status'] == 'approved' \
    and 'lina' not in d['may_approve'] and d['may_approve']" \
    "approval.emergency says who moved, why, and who may approve afterwards"
as zhangwei ticket approve "$em" --reason '事后确认'
expect_rc 0 "the retrospective approval"
last_event "e['kind'] == 'approval.granted' and d['id'] == $em and d['retrospective'] and d['met'] \
    and d['by'] == 'zhangwei'" \
    "the retrospective approval is announced as such"

expect_eq "3" "$(count approval.requested)" "each request is announced once (two for the first change, one for the second)"
expect_eq "1" "$(count approval.emergency)" "the emergency is announced once"
expect_eq "2" "$(count approval.granted)" "both approvals are announced"
expect_eq "1" "$(count approval.rejected)" "the rejection is announced"
expect_eq "0" "$(count ticket.created)" "a hook for approval.* gets no other kinds"

finish
