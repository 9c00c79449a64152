#!/usr/bin/env bash
# ticket rules from a month of real use (issue 20): automatic assignment follows the roster,
# only a person answers a ticket, asset tags are checked, business time in working days, a
# priority change never breaches on the spot, inspection answers and paused clocks are named,
# several ids per verb, relative dates, verb suggestions, unlink.
source "$(dirname "$0")/lib.sh"

init_sample
export OPSCTL_NOW=2026-10-10T20:00:00+08:00 # a make-up Saturday evening

# 3. Asset tags on tickets must be registered.
run -q asset add --class pc --name 财务部电脑 --location 办公区3F
PC=$OUT
expect_eq "PC-0001" "$PC" "a pc to refer to"
run ticket new --title 'no such pc' --asset PC-9999
expect_rc 65 "ticket new with an unknown asset tag exits 65"
expect_err "no asset 'PC-9999'" "the error names the tag"
run ticket new --title 'typo' --asset PC-001
expect_rc 65 "a mistyped tag exits 65"
expect_err "did you mean 'PC-0001'?" "the error suggests the nearest tag"
run -q ticket new --title 'pc slow' --asset PC-0001
expect_rc 0 "a registered tag is accepted"
PCT=$OUT
run ticket update "$PCT" --asset PC-0010
expect_rc 65 "ticket update --asset checks the tag too"
expect_err "did you mean 'PC-0001'?" "update suggests the nearest tag"
run ticket update "$PCT" --asset ''
expect_rc 0 "an empty tag clears the asset"
printf 'type,title,asset\nincident,ok row,PC-0001\nincident,bad row,PC-0010\n' >"$WORK/assets.csv"
run ticket import --dry-run "$WORK/assets.csv"
expect_rc 65 "an import row naming an unknown asset exits 65"
expect_err "line 3: no asset 'PC-0010' (did you mean 'PC-0001'?)" "the problem names the line, the tag and the nearest one"

finish
