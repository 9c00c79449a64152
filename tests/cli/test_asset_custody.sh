#!/usr/bin/env bash
# Asset custody: check-out to a person or a place with a return day, check-in, the history in
# `asset show`, late returns in `asset due` (exit 1) and in the monthly review.
source "$(dirname "$0")/lib.sh"

init_sample
export OPSCTL_NOW=2026-10-09T10:00:00+08:00 # a Friday
db() { db_sql "$1"; } # either engine (tests/CMakeLists.txt runs this on PostgreSQL too)
laptop=$("$BIN" -q asset add --class pc --name '笔记本 X1' --owner lina)
projector=$("$BIN" -q asset add --class pc --name '投影仪' )

run asset checkout "$laptop" --to zhangwei --due 2026-10-16 --note '出差北京'
expect_rc 0 "checkout to a person"
expect_out "checked out $laptop to zhangwei, back by 2026-10-16" "checkout says to whom and until when"
expect_eq "zhangwei|person|$(date -d '2026-10-17T00:00:00+08:00' +%s)" \
    "$(db "select holder, holder_kind, due_at from asset_custody where tag='$laptop'")" \
    "the return is due at the midnight after the day given"
expect_eq "1" "$(db "select count(*) from events where entity='asset' and entity_id='$laptop' and action='checked-out'")" \
    "the check-out is an event of the asset"

# What is refused, and writes nothing.
before=$(db "select count(*) from asset_custody")
run asset checkout "$laptop" --to lina
expect_rc 65 "an asset out already cannot go out again"
expect_err "checked out to zhangwei already" "the error names who has it"
expect_err "opsctl asset checkin $laptop" "the hint gives the check-in"
run asset checkout "$projector" --to nobody-here
expect_rc 65 "an unknown person is refused"
expect_err "no person 'nobody-here'" "the error names the person"
run asset checkout "$projector" --to lina --location '3F 会议室'
expect_rc 64 "a person and a place at once is a usage error"
run asset checkout "$projector"
expect_rc 64 "neither a person nor a place is a usage error"
run asset checkout "$projector" --location $'room\e[31m'
expect_rc 64 "a place with a control character is refused"
run asset checkout "$projector" --location '3F' --due 2026-10-08
expect_rc 64 "a return day already past is refused"
run asset checkout "$projector" --location '3F' --due someday
expect_rc 64 "a return day that is no date is refused"
run asset checkout NOPE-0001 --to lina
expect_rc 66 "an unknown asset exits 66"
expect_eq "$before" "$(db "select count(*) from asset_custody")" "nothing refused was written"

run asset checkout "$projector" --location '3F 会议室' --due 2w
expect_rc 0 "checkout to a place, for a length of loan"
expect_eq "$(date -d '2026-10-24T00:00:00+08:00' +%s)" "$(db "select due_at from asset_custody where tag='$projector'")" \
    "2w from Friday 2026-10-09 is due back on Friday 2026-10-23"

# show: who has it now, and the history.
run asset show "$laptop"
expect_true "show names the holder" grep -Eq "Held by: +zhangwei" <<<"$OUT"
expect_true "show names the return day" grep -Eq "Due back: +2026-10-16" <<<"$OUT"
expect_out "出差北京" "the custody history shows the note"
run --format json asset show "$laptop"
expect_true "JSON show has the holder and the history" python3 -c "
import json,sys; d=json.loads(sys.argv[1]); assert d['held_by']=='zhangwei', d; assert d['custody'][0]['holder']=='zhangwei'" "$OUT"

# Not late yet: asset due lists the return as due; late: overdue, exit 1.
run asset due --within 30d
expect_rc 0 "a return not yet late is due, not overdue"
expect_true "asset due lists the return with its day and holder" grep -Eq "$laptop .*return +2026-10-16 .*due +zhangwei" <<<"$OUT"
OPSCTL_NOW=2026-10-20T10:00:00+08:00 run --format csv asset due --within 1d
expect_rc 1 "a late return makes asset due exit 1"
expect_true "the late return is overdue in the CSV" grep -q "^$laptop,.*,return,.*,overdue,zhangwei" <<<"$OUT"

# The review of October, generated in November, lists the late return as an action item.
OPSCTL_NOW=2026-11-02T10:00:00+08:00 run --format md report monthly --month 2026-10
expect_rc 0 "the review runs"
expect_out "逾期未归还" "the review lists the late return"
expect_true "the action item names the asset and its holder" grep -q "$laptop.*zhangwei" <<<"$OUT"

# Check-in: late by how much, then free to go out again; the history keeps both.
OPSCTL_NOW=2026-10-20T10:00:00+08:00 run asset checkin "$laptop" --note '屏幕有划痕'
expect_rc 0 "checkin"
expect_out "checked in $laptop from zhangwei" "checkin names who had it"
expect_out "late" "checkin says it came back late"
expect_eq "1" "$(db "select count(*) from events where entity_id='$laptop' and action='checked-in' and fields like '%\"late_secs\":%'")" \
    "the check-in event records how late"
run asset checkin "$laptop"
expect_rc 65 "checking in an asset that is not out exits 65"
OPSCTL_NOW=2026-10-20T10:00:00+08:00 run asset due --within 1d
expect_no_out "$laptop" "a returned asset is no longer due"
OPSCTL_NOW=2026-10-21T10:00:00+08:00 run asset checkout "$laptop" --to lina
expect_rc 0 "after the check-in it may go out again"
OPSCTL_NOW=2026-10-21T10:00:00+08:00 run asset show "$laptop"
expect_true "the history lists both check-outs" bash -c '[ "$(grep -Ec "^(lina|zhangwei) " <<<"$1")" -eq 2 ]' _ "$OUT"

# A retired asset is not lent.
"$BIN" asset checkin "$projector" >/dev/null
run asset retire "$projector" --reason 'lamp gone'
expect_rc 0 "retire the projector"
run asset checkout "$projector" --to lina
expect_rc 65 "a retired asset cannot be checked out"
expect_err "is retired" "the error says why"

finish
