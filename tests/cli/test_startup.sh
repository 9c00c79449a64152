#!/usr/bin/env bash
# Start-up: a command builds only its own group and loads only the policy it needs, while
# --help, completion and suggestions still see every group.
source "$(dirname "$0")/lib.sh"

groups="init ticket asset inspect backup roster report policy db completion"

run --help
expect_rc 0 "--help succeeds"
for group in $groups; do
    expect_out "  $group " "--help lists the '$group' group"
done

run tiket list
expect_rc 64 "a misspelt group is a usage error"
expect_err "unknown command 'tiket'" "a misspelt group is named"
expect_err "did you mean 'ticket'" "a misspelt group gets a suggestion"

run ticket --help
expect_rc 0 "a group's --help succeeds"
for verb in new list show update assign comment move resolve close reopen link sla clock export import; do
    expect_out "  $verb " "ticket --help lists '$verb'"
done
expect_no_out "roster" "a group's --help shows only that group"

run ticket lst
expect_rc 64 "an unknown verb is a usage error"

run ticket list --bogus
expect_rc 64 "an unknown option is a usage error"
expect_err "--bogus" "an unknown option is named"

run __complete -- ro
expect_out "roster" "completion offers every group"
run __complete -- ticket li
expect_out "list" "completion offers a group's verbs"
run completion bash
expect_rc 0 "completion bash succeeds"
expect_out "opsctl" "completion bash prints a script"

init_sample
run ticket new --type incident --priority P2 --title "数据库连接失败" -q
expect_rc 0 "ticket new succeeds"
id=$OUT

# ticket list reads stored columns: a broken SLA or calendar file does not stop it, while
# the commands that compute SLA clocks still refuse it.
printf 'sla:\n  rules: [\n' >"$OPSCTL_CONFIG/policies/sla.yaml"
run ticket list
expect_rc 0 "ticket list needs no SLA rules"
expect_out "数据库连接失败" "ticket list shows the ticket"
run ticket show "$id"
expect_rc 78 "ticket show refuses a broken SLA file"
expect_err "sla.yaml" "ticket show names the broken file"

# --type and --priority are still checked against the policy.
run ticket list --type incdent
expect_rc 65 "an unknown --type is refused"
expect_err "did you mean 'incident'" "an unknown --type gets a suggestion"
run ticket list --priority P9
expect_rc 65 "an unknown --priority is refused"

finish
