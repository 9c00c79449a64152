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
mapfile -t KINDS < <(grep -rhE 'emit\(|notices\.push_back' "$SRC/lib" --include='*.cpp' |
    grep -oE '"(ticket|asset|inspect|backup|roster)\.[a-z_]+"' | tr -d '"' | sort -u)
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

finish
