#!/usr/bin/env bash
# Parent and child tickets: a problem and its incidents. One parent per ticket, no cycles,
# a parent closes after its children (or with --force), resolve --children resolves them.
source "$(dirname "$0")/lib.sh"

init_sample
export OPSCTL_NOW=2026-10-09T10:00:00+08:00
db() { db_sql "$1"; } # either engine (tests/CMakeLists.txt runs this on PostgreSQL too)

problem=$("$BIN" -q ticket new --type problem --title '核心交换机反复重启')
inc1=$("$BIN" -q ticket new --type incident --title '三楼断网')
inc2=$("$BIN" -q ticket new --type incident --title '四楼断网')
other=$("$BIN" -q ticket new --type problem --title '另一个问题')

run ticket link "$inc1" --parent "$problem"
expect_rc 0 "link --parent"
expect_out "ticket $inc1 is now a child of $problem" "link --parent says what it did"
run ticket link "$inc2" --to "$problem" --kind child-of
expect_rc 0 "--kind child-of is the same link"
run ticket link "$inc1" --parent "$problem"
expect_rc 0 "linking to the same parent again changes nothing"
expect_eq "1" "$(db "select count(*) from ticket_links where ticket_id=$inc1 and kind='child-of'")" "the link is stored once"

# One parent, no cycles, no mixing of the two forms.
run ticket link "$inc1" --parent "$other"
expect_rc 65 "a second parent is refused"
expect_err "ticket $inc1 already has parent $problem" "the error names the parent it has"
expect_err "ticket unlink $inc1 --parent $problem" "the hint gives the command that frees it"
run ticket link "$problem" --parent "$inc1"
expect_rc 65 "a parent cannot become a child of its child"
expect_err "already below" "the error says why"
run ticket link "$problem" --parent "$problem"
expect_rc 65 "a ticket cannot be its own parent"
run ticket link "$inc1" --parent "$other" --kind related
expect_rc 64 "--parent with --kind is a usage error"
run ticket link "$inc1" --kind related
expect_rc 64 "link without --to or --parent is a usage error"
expect_err "give --to ID" "the error says what to give"
run ticket link "$inc1" --parent 999
expect_rc 66 "an unknown parent exits 66"

# show: the parent from the child, the children from the parent.
run ticket show "$inc1"
expect_true "the child shows its parent" grep -Eq "parent +$problem +核心交换机反复重启" <<<"$OUT"
run ticket show "$problem"
expect_true "the parent shows its first child" grep -Eq "child +$inc1 +三楼断网" <<<"$OUT"
expect_true "the parent shows its second child" grep -Eq "child +$inc2 +四楼断网" <<<"$OUT"

# Closing a parent with open children is refused, and writes nothing.
before=$(db "select count(*) from events")
run ticket close "$problem"
expect_rc 65 "closing a parent with open children exits 65"
expect_err "ticket $problem has open children $inc1, $inc2" "the error names the open children"
expect_err "pass --force" "the hint names --force"
expect_eq "$before" "$(db "select count(*) from events")" "a refused close writes no event"
expect_eq "new" "$(db "select status from tickets where id=$problem")" "a refused close leaves the state"
run ticket move "$problem" cancelled
expect_rc 65 "moving a parent into a final state is refused the same way"

# resolve names the children it leaves open; --children resolves them.
run ticket resolve "$problem" --resolution '更换电源模块'
expect_rc 0 "resolving a parent is allowed"
expect_err "open children not resolved: $inc1, $inc2" "resolve names the open children on stderr"
expect_eq "new" "$(db "select status from tickets where id=$inc1")" "without --children they stay open"
run ticket reopen "$problem"
run ticket resolve "$problem" --resolution '更换电源模块' --children
expect_rc 0 "resolve --children"
expect_eq "resolved|更换电源模块" "$(db "select status, resolution from tickets where id=$inc1")" "the first child is resolved with the parent's resolution"
expect_eq "resolved" "$(db "select status from tickets where id=$inc2")" "the second child is resolved"
expect_eq "1" "$(db "select count(*) from events where entity='ticket' and entity_id='$inc2' and action='resolved' and fields like '%\"with_parent\":$problem%'")" "the child's event names the parent"

# Children closed by the same command count as closed; else --force.
run ticket close "$problem" "$inc1"
expect_rc 65 "one child still open: refused"
expect_err "open child $inc2" "the one left open is named"
expect_eq "resolved" "$(db "select status from tickets where id=$inc1")" "all or nothing: the child named with it is not closed either"
run ticket close "$problem" "$inc1" "$inc2"
expect_rc 0 "closing the parent with all its children in one command"
expect_eq "closed closed closed" "$(for t in "$problem" "$inc1" "$inc2"; do db "select status from tickets where id=$t"; done | xargs)" "all three are closed"

third=$("$BIN" -q ticket new --type incident --title '五楼断网')
"$BIN" ticket link "$third" --parent "$other" >/dev/null
run ticket close "$other" --force
expect_rc 0 "--force closes a parent with an open child"
expect_eq "new" "$(db "select status from tickets where id=$third")" "--force leaves the child as it was"

# unlink --parent frees the child for another parent.
run ticket unlink "$third" --parent "$problem"
expect_rc 66 "unlink --parent of the wrong parent exits 66"
run ticket unlink "$third" --parent "$other"
expect_rc 0 "unlink --parent"
run ticket link "$third" --parent "$problem"
expect_rc 0 "after unlink, another parent may be given"

finish
