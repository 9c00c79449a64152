#!/usr/bin/env bash
# Contracts between opsctl and what reads or feeds it: notify event kinds (every kind the code
# sends is documented and a hook pattern that matches none is refused), one exit status (65)
# with a suggestion for every filter value the policy does not define, one form of time in
# machine output (ISO 8601 with offset), and every JSON key of the main show/list commands
# documented in the group's man page (JSON OUTPUT).
source "$(dirname "$0")/lib.sh"

init_sample
export OPSCTL_NOW=2026-10-12T10:00:00+08:00
POLICIES="$WORK/cfg/policies"

# opsctl-policy(5) assembled the way the build does.
cmake -DSRC="$SRC/man" -DOUT="$WORK/opsctl-policy.5" -P "$SRC/cmake/policy_man.cmake" >/dev/null 2>&1 ||
    fail "assembling opsctl-policy(5) failed"

# hook EVENTS: writes a notify hook subscribed to EVENTS (a YAML flow list).
hook() {
    cat >"$POLICIES/notify.yaml" <<YAML
notify:
  hooks:
    chat:
      command: [/bin/true]
      events: $1
YAML
}

# Notify event kinds: every kind that lib/ sends, found in the code itself.
mapfile -t KINDS < <(grep -rhE 'emit\(|announce\(|after_commit\(|queue\(ctx|notices\.push_back|notices = \{|emplace_back\("|recovered \? "' "$SRC/lib" --include='*.cpp' |
    grep -oE '"(ticket|approval|asset|inspect|backup|roster)\.[a-z_]+"' | tr -d '"' | sort -u)
if [ "${#KINDS[@]}" -ge 10 ]; then pass; else fail "found only ${#KINDS[@]} event kinds in lib/: ${KINDS[*]}"; fi
for kind in "${KINDS[@]}"; do
    if grep -q "^\.It Ql $kind\$" "$WORK/opsctl-policy.5"; then pass; else fail "opsctl-policy(5) does not list the event kind '$kind'"; fi
    hook "[$kind]"
    run policy check
    expect_rc 0 "a hook for '$kind' (sent by the code) passes policy check"
done
# The page lists no kind that the code does not send.
for kind in $(awk '/^\.It Ql [a-z]+\.[a-z_]+$/ {print $3}' "$WORK/opsctl-policy.5"); do
    if printf '%s\n' "${KINDS[@]}" | grep -qx "$kind"; then pass; else fail "opsctl-policy(5) lists '$kind', which nothing sends"; fi
done
# The page's own example is a valid policy.
example=$(grep -m1 -E '^ +events: \[' "$WORK/opsctl-policy.5" | sed 's/^ *events: //')
hook "$example"
run policy check
expect_rc 0 "the example hook of opsctl-policy(5) ($example) is valid"
expect_true "the example sends escalations" grep -q "ticket.escalated" <<<"$example"
# The old example subscribed to 'sla.*', which matches nothing: refused, with the kind meant.
hook "[ticket.created, sla.*]"
run policy check
expect_rc 78 "a pattern that matches no event kind fails policy check"
expect_err "notify.yaml:5:" "the problem names the file and line"
expect_err "event pattern 'sla.*' matches no event kind" "and the pattern"
expect_err "did you mean 'ticket.escalated'?" "and suggests the kind that was meant"
hook "[ticket.*, backup.*, '*']"
run policy check
expect_rc 0 "group prefixes and '*' match kinds"
hook "[tickets.*]"
run policy check
expect_rc 78 "a misspelt group is refused"
expect_err "did you mean 'ticket.*'?" "with the group it resembles"
rm -f "$POLICIES/notify.yaml"

# Unknown filter values: exit 65 with a suggestion in every group, never an empty list.
run -q ticket new --title "打印机卡纸" --priority P3 --assignee lina
expect_rc 0 "a ticket to filter"
# unknown_value DESCRIPTION HINT ARGS...: the command exits 65 and suggests HINT.
unknown_value() {
    local desc=$1 hint=$2
    shift 2
    run "$@"
    expect_rc 65 "$desc exits 65"
    expect_err "$hint" "$desc suggests a known value"
    expect_eq "" "$OUT" "$desc prints no list"
}
unknown_value "ticket list --status nosuch" "known:" ticket list --status nosuch
unknown_value "ticket list --status a misspelt state" "did you mean 'resolved'?" ticket list --status resolvd
unknown_value "ticket list --assignee nobody" "no person 'nosuch'" ticket list --assignee nosuch
unknown_value "ticket list --assignee a misspelt id" "did you mean 'lina'?" ticket list --assignee lnia
unknown_value "ticket list --team nosuch" "no team 'nosuch'" ticket list --team nosuch
unknown_value "ticket list --team a misspelt team" "did you mean 'desk'?" ticket list --team dsek
unknown_value "ticket list --priority P9" "no priority 'P9'" ticket list --priority P9
unknown_value "ticket list --type a misspelt type" "did you mean 'incident'?" ticket list --type incidnt
unknown_value "asset list --class" "did you mean 'server'?" asset list --class servr
unknown_value "asset list --owner" "did you mean 'lina'?" asset list --owner lnia
unknown_value "asset list --location" "no location '机房C'" asset list --location 机房C
unknown_value "asset list --status" "did you mean 'in_use'?" asset list --status in_sue
unknown_value "asset export --class" "no asset class 'nosuch'" asset export --class nosuch
unknown_value "asset maint list --kind" "did you mean 'clean'?" asset maint list --kind claen
unknown_value "inspect history CHECKLIST" "no checklist 'dialy'" inspect history dialy
unknown_value "inspect run CHECKLIST" "no checklist 'dialy'" inspect run dialy
unknown_value "backup list JOB" "did you mean 'policy'?" backup list polcy
unknown_value "backup status JOB" "no backup job 'nosuch'" backup status nosuch
unknown_value "roster show --rotation" "no rotation 'nosuch'" roster show --rotation nosuch
unknown_value "roster show --person" "did you mean 'lina'?" roster show --person lnia
unknown_value "roster now --team" "no team 'nosuch'" roster now --team nosuch
unknown_value "roster gaps --team" "no team 'nosuch'" roster gaps --team nosuch
# Known values still filter.
run -q ticket list --status new --assignee lina --team ops --priority P3
expect_rc 0 "known filter values work"
expect_eq "1" "$OUT" "and find the ticket"
run -q ticket list --assignee zhangwei
expect_rc 0 "a known person without tickets is an empty list, not an error"
expect_eq "" "$OUT" "nothing listed"

# One form of time in machine output: ISO 8601 with the site's offset, in every group.
ISO='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}$'
run inspect run daily
run backup run policy
expect_rc 0 "a backup run to list"
# iso_times JSON KEY...: every listed key of every object in JSON (a list or one record) is
# null or an ISO 8601 time with offset.
iso_times() {
    python3 - "$@" <<'PY'
import json, re, sys
doc = json.loads(sys.argv[1]); keys = sys.argv[2:]
rows = doc if isinstance(doc, list) else [doc]
assert rows, "nothing listed"
iso = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
for r in rows:
    for k in keys:
        assert k in r, (k, r)
        assert r[k] is None or iso.match(r[k]), (k, r[k])
PY
}
run --format json inspect history
expect_true "inspect history: started is ISO 8601 with offset" iso_times "$OUT" started
run --format json inspect list
expect_true "inspect list: times are ISO 8601 with offset" iso_times "$OUT" last_started
run --format json backup list
expect_true "backup list: started is ISO 8601 with offset" iso_times "$OUT" started
run --format json backup show 1
expect_true "backup show: started and finished are ISO 8601 with offset" iso_times "$OUT" started finished
run --format csv backup list
expect_true "backup list CSV: the same form" grep -qE ',2026-10-12T10:00:00\+08:00,' <<<"$OUT"
run backup list
expect_out "2026-10-12 10:00" "tables show the short local form"
expect_true "tables leave out seconds and offset" bash -c "! grep -q '10:00:00+08:00' <<<\"\$1\"" _ "$OUT"
# The handover's snapshot is structured JSON with ISO times, not a string of JSON.
run --as lina --format json roster handover --note "交接"
expect_rc 0 "a handover to show"
expect_true "the snapshot is an object whose times are ISO 8601" python3 -c "
import json,re,sys
h=json.loads(sys.argv[1]); h=h[0] if isinstance(h,list) else h
s=h['snapshot']
assert isinstance(s, dict) and set(['tickets','slas','inspections','backups']) <= set(s), s
iso=re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$')
def walk(v):
    if isinstance(v, dict):
        for k, x in v.items():
            if k=='at' or k.endswith('_at'):
                assert x is None or (isinstance(x,str) and iso.match(x)), (k, x)
            walk(x)
    elif isinstance(v, list):
        for x in v: walk(x)
walk(s)" "$OUT"
run --format json roster handovers
expect_true "handovers list the snapshot as an object too" python3 -c "
import json,sys
rows=json.loads(sys.argv[1]); assert rows and isinstance(rows[-1]['snapshot'], dict), rows" "$OUT"

# JSON OUTPUT: every key of every show and list is documented in its group's man page,
# nested keys too, and the old name of the paused time is gone.
run -q asset add --class server --name db-01 --set memory_gb=8
run asset maint add SRV-0001 --kind clean --note 除尘
run ticket comment 1 --text "已联系"
# documented GROUP ARGS...: every key of `opsctl --format json ARGS` (and of the objects
# under it, one level down) appears as a `Li` word in the JSON OUTPUT section of
# opsctl-GROUP(1). Custom asset fields (documented as one entry) are left out.
documented() {
    local group=$1
    shift
    run --format json "$@"
    if [ "$RC" -ne 0 ]; then fail "$* --format json failed"; return; fi
    python3 - "$SRC/man/opsctl-$group.1" "$OUT" "$*" <<'PY'
import json, re, sys
page, doc, what = open(sys.argv[1], encoding="utf-8").read(), json.loads(sys.argv[2]), sys.argv[3]
m = re.search(r"^\.Sh JSON OUTPUT\n(.*?)^\.Sh ", page, re.S | re.M)
assert m, "no JSON OUTPUT section"
words = set()
for line in m.group(1).splitlines():
    if line.startswith(".It Li ") or line.startswith(".Li "):
        words.update(w.strip(",") for w in line.split()[1:])
custom = {"memory_gb", "cpu", "disk_tb", "os", "rack", "price"}
keys = set()
def walk(v, depth):
    if isinstance(v, list):
        for x in v: walk(x, depth)
    elif isinstance(v, dict):
        for k, x in v.items():
            keys.add(k)
            if depth < 1 and k not in ("fields", "snapshot"):
                walk(x, depth + 1)
walk(doc, 0)
assert keys, "no keys in the output of " + what
missing = sorted(keys - words - custom)
assert not missing, "opsctl %s: undocumented JSON keys %s" % (what, missing)
PY
    if [ $? -eq 0 ]; then pass; else fail "the JSON keys of '$*' are documented in opsctl-$group(1)"; fi
}
documented ticket ticket list
documented ticket ticket show 1
documented asset asset list
documented asset asset show SRV-0001
documented asset asset maint list
run asset audit start --location 机房A
run asset audit scan 1 SRV-0001 NOPE-1 </dev/null
documented asset asset audit list
documented asset asset audit show 1
documented inspect inspect list
documented inspect inspect history
documented inspect inspect show 1
documented backup backup list
documented backup backup show 1
documented roster roster now --at "2026-10-12 10:00"
documented roster roster show
documented roster roster handovers
run --format json ticket show 1
expect_true "the paused time is named as wall time" python3 -c "
import json,sys
t=json.loads(sys.argv[1]); c=t['resolution_clock']
assert 'paused_wall_secs' in c and 'paused_secs' not in c, c" "$OUT"

finish
