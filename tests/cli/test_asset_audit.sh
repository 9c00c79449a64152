#!/usr/bin/env bash
# Stock-takes (盘点): one open per place, tags from a barcode scanner on stdin (CRLF, BOM,
# blanks, spaces, repeats, unknown tags), the missing and the unexpected at the finish, the
# last stock-take in `asset show`, audits due by class cadence in `asset due`, the missing in
# the monthly review; depreciation: book values in exact decimals in `asset show` and
# `report assets`.
source "$(dirname "$0")/lib.sh"

init_sample
export OPSCTL_NOW=2026-10-09T10:00:00+08:00
db() { db_sql "$1"; } # either engine (tests/CMakeLists.txt runs this on PostgreSQL too)

add() { "$BIN" -q asset add "$@" </dev/null; }
srv1=$(add --class server --name db-01 --location 机房A --owner zhangwei --set memory_gb=64)
srv2=$(add --class server --name db-02 --location 机房A --owner lina --set memory_gb=64)
srv3=$(add --class server --name web-01 --location 机房A --owner lina --set memory_gb=32)
blade=$(add --class server --name 刀片-1 --parent "$srv1" --set memory_gb=16)   # no place: sits in db-01
elsewhere=$(add --class server --name mail-01 --location 机房B --set memory_gb=16)
lent=$(add --class pc --name 笔记本 --location 机房A)
gone=$(add --class pc --name 旧电脑 --location 机房A)
"$BIN" asset retire "$gone" --reason 报废 </dev/null >/dev/null && "$BIN" asset dispose "$gone" </dev/null >/dev/null
"$BIN" asset checkout "$lent" --to zhangwei --due 2026-10-20 </dev/null >/dev/null

# Start: one open stock-take per place.
run asset audit start --location 机房A
expect_rc 0 "a stock-take starts"
expect_out "stock-take 1 started at 机房A" "start names the stock-take and the place"
run asset audit start --location 机房A
expect_rc 65 "a second open stock-take at the same place is refused"
expect_err "stock-take 1 at '机房A' is still open" "the error names the open one"
expect_err "opsctl asset audit finish 1" "the hint says how to finish it"
run asset audit start --location 火星
expect_rc 65 "a place the policy does not list is refused"
run asset audit start --location ''
expect_rc 64 "an empty place is refused"
expect_eq "1" "$(db "select count(*) from asset_audits")" "nothing more was written"

# Scan: a scanner's file with a BOM, CRLF, blank lines, spaces, a repeat and an unknown tag.
printf '\xef\xbb\xbf%s\r\n\r\n  %s  \r\n%s\r\n%s\r\nXYZ-999\r\n%s\n' "$srv1" "$srv2" "$srv1" "$elsewhere" "$blade" >"$WORK/scan1.txt"
OUT=$("$BIN" asset audit scan <"$WORK/scan1.txt" 2>"$WORK/.stderr"); RC=$?; ERR=$(cat "$WORK/.stderr")
expect_rc 0 "a scanner's file is read"
expect_out "6 scans read, 5 new, 5 tags seen so far" "repeats are counted once, blank lines are no scans"
expect_err "tag 'XYZ-999' is not in the register" "an unknown tag is named, not an error"
expect_eq "2" "$(db "select scans from asset_audit_items where audit_id=1 and tag='$srv1'")" "the repeat's scans are kept"
expect_eq "$srv2" "$(db "select tag from asset_audit_items where audit_id=1 and tag like '% %' or tag = '$srv2'")" \
    "spaces around a tag are no part of it"
expect_eq "5|5" "$(db "select count(*), sum(case when tag in ('$srv1', '$srv2', '$elsewhere', 'XYZ-999', '$blade') then 1 else 0 end) from asset_audit_items where audit_id = 1")" \
    "the tags are stored as printed on the labels: no CR, no BOM"

# A bad line refuses the whole batch, naming it; the rest of the stock-take is untouched.
printf '%s\nSRV-\x01BAD\n' "$srv3" >"$WORK/bad.txt"
OUT=$("$BIN" asset audit scan 1 - <"$WORK/bad.txt" 2>"$WORK/.stderr"); RC=$?; ERR=$(cat "$WORK/.stderr")
expect_rc 65 "a control character in a scan is bad input"
expect_err "stdin:2: the tag holds a control character" "the error names the line"
expect_eq "0" "$(db "select count(*) from asset_audit_items where tag='$srv3'")" "nothing of the batch was recorded"

# Tags as arguments, with the stock-take's number first.
run asset audit scan 1 "$srv3" </dev/null
expect_rc 0 "tags may be given as arguments"
expect_out "6 tags seen so far" "the argument was counted"
run asset audit scan 99 "$srv3" </dev/null
expect_rc 66 "an unknown stock-take is not found"
run asset audit show 1
expect_rc 0 "an open stock-take can be shown"
expect_out "seen" "its tags are 'seen' while open"

# Finish: the missing, the out and the unexpected.
run asset audit finish --location 机房A
expect_rc 0 "the stock-take finishes"
expect_err "stock-take 1 at 机房A finished: 4 found, 0 missing, 2 unexpected" "the counts are on stderr"
expect_out "$lent" "a lent asset is listed"
expect_eq "out|zhangwei" "$(db "select state, holder from asset_audit_items where audit_id=1 and tag='$lent'")" \
    "an asset lent elsewhere is 'out', not missing"
expect_eq "found" "$(db "select state from asset_audit_items where audit_id=1 and tag='$blade'")" \
    "an asset inside an expected one (no place of its own) is expected with it"
expect_eq "unexpected|机房B" "$(db "select state, registered from asset_audit_items where audit_id=1 and tag='$elsewhere'")" \
    "an asset registered elsewhere is unexpected, with its registered place"
expect_eq "unexpected|" "$(db "select state, coalesce(registered, '') from asset_audit_items where audit_id=1 and tag='XYZ-999'")" \
    "an unknown tag is unexpected"
expect_eq "0" "$(db "select count(*) from asset_audit_items where audit_id=1 and tag='$gone'")" \
    "a disposed asset is not expected"
run asset audit finish 1
expect_rc 65 "a finished stock-take cannot finish again"
run asset audit scan 1 "$srv1" </dev/null
expect_rc 65 "a finished stock-take takes no scans"

# A second stock-take: srv3 not seen is missing.
at 2026-10-10T10:00:00+08:00 asset audit start --location 机房A
at 2026-10-10T10:05:00+08:00 asset audit scan "$srv1" "$srv2" "$blade"
OUT=$(OPSCTL_NOW=2026-10-10T11:00:00+08:00 "$BIN" --format csv asset audit finish 2>"$WORK/.stderr" </dev/null); RC=$?
expect_rc 0 "the second stock-take finishes"
expect_out "$srv3,missing,server,web-01,lina,机房A" "finish lists the missing asset in CSV with its owner and place"
run asset audit list
expect_rc 0 "stock-takes are listed"
expect_out "finished" "the list shows their status"
run --format json asset audit show 2
expect_rc 0 "a stock-take as JSON"
expect_eq "1" "$(printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["missing"])')" \
    "the JSON record has the counts"
expect_eq "started scanned scanned finished" \
    "$(db "select action from events where entity='asset_audit' and entity_id='1' order by id" | xargs)" \
    "start, each scan batch and finish are events of the stock-take (the refused batch is none)"

# asset show: the last stock-take of each asset.
run asset show "$srv3"
expect_out "2026-10-10 missing #2 机房A" "asset show gives the last stock-take's result"
run asset show "$srv1"
expect_out "2026-10-10 found #2 机房A" "asset show gives the day it was last found"

# Concurrency of places: two open at once need naming.
at 2026-10-11T09:00:00+08:00 asset audit start --location 机房A
at 2026-10-11T09:00:00+08:00 asset audit start --location 机房B
OPSCTL_NOW=2026-10-11T09:10:00+08:00 run asset audit scan "$elsewhere" </dev/null
expect_rc 64 "with two open stock-takes the one meant must be named"
expect_err "3 (机房A), 4 (机房B)" "the error lists the open ones"
OPSCTL_NOW=2026-10-11T09:10:00+08:00 run asset audit scan --location 机房B "$elsewhere" </dev/null
expect_rc 0 "--location picks the open one of a place"

# asset due: a class's audit_every (1y in the sample policy) counts from the last sighting.
OPSCTL_NOW=2027-10-05T10:00:00+08:00 run asset due --within 7d
expect_out "audit" "a stock-take due is listed"
expect_out "$srv1" "the asset found a year ago is due"
OPSCTL_NOW=2027-10-12T10:00:00+08:00 run --format csv asset due --within 1d
expect_rc 1 "an overdue stock-take makes asset due exit 1"
expect_out "$srv3,server,web-01,lina,audit" "an asset last seen over a year ago is due"
expect_out "tag,class,name,owner,what,due,last,state,holder" "the columns of asset due are kept"

# The review: missing assets of the month's stock-takes are action items.
OPSCTL_NOW=2026-11-02T09:00:00+08:00 run report monthly --month 2026-10 --lang en
expect_rc 0 "the review runs"
expect_out "asset missing at stock-take" "the missing asset is an action item"
expect_out "$srv3" "the action item names the asset"

run db check
expect_rc 0 "db check passes with stock-takes (their rows match their events)"
db "update asset_audit_items set state='found' where audit_id=2 and tag='$srv3'" >/dev/null
run db check
expect_rc 1 "a stock-take changed outside opsctl is found by db check"
expect_out "stock-take 2 does not match" "db check names the stock-take"
db "update asset_audit_items set state='missing' where audit_id=2 and tag='$srv3'" >/dev/null

# Depreciation: server: straight line over the service life (5y), 5% residual.
pc=$(add --class pc --name 财务电脑 --purchased 2026-01-01 --set 'price=¥12,000.50')
expect_eq "12000.50" "$(db "select value from asset_fields where tag='$pc' and key='price'")" "a money field is kept as a decimal"
run asset update "$pc" --set price=12.345
expect_rc 65 "an amount with three decimals is refused"
expect_err "field 'price' must be an amount" "the error names the field"
run asset update "$pc" --set price=-5
expect_rc 65 "a negative amount is refused"
# pc: 4y life from 2026-01-01 (1461 days), residual 5% = 600.03 (600.025 rounded half up).
run --format json asset show "$pc" --on 2026-01-01
expect_eq "12000.50|600.03|2030-01-01" "$(printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["book_value"]+"|"+d["residual_value"]+"|"+d["written_down"])')" \
    "on the purchase day the book value is the cost"
run --format json asset show "$pc" --on 2027-01-01
# 12000.50 - (12000.50 - 600.03) * 365 / 1461 = 12000.50 - 2848.17 = 9152.33
expect_eq "9152.33" "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["book_value"])')" \
    "a year later the straight line has taken 365/1461 of the depreciable amount"
run --format json asset show "$pc" --on 2031-06-30
expect_eq "600.03" "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["book_value"])')" \
    "after its life the asset is worth its residual value"
run asset show "$pc" --on someday
expect_rc 64 "a bad --on is a usage error"
run --format json asset show "$srv1"
expect_eq "None" "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["book_value"])')" \
    "an asset without cost has no book value"
run --format csv report assets --from 2026-12-01 --to 2026-12-31
expect_rc 0 "report assets runs"
# 2026-12-31: 364 days: 12000.50 - 11400.47 * 364 / 1461 = 12000.50 - 2840.36 = 9160.14
expect_out "pc,电脑," "the pc class is in the table"
expect_out ",1,12000.50,9160.14,2026-12-31" "report assets gives the class's cost and book value on the span's last day"

# A policy that names no money field for the cost is refused with its place.
cat >"$OPSCTL_CONFIG/policies/zz-bad.yaml" <<'YAML'
assets:
  classes:
    printer:
      prefix: PRN
      service_life: 3y
      depreciation: {method: straight_line, cost: price, residual: 120%}
      fields:
        price: string
YAML
run policy check
expect_rc 78 "a bad depreciation is a policy error"
expect_err "zz-bad.yaml" "the error names the file"
expect_err "residual" "a share above 100% is named"
rm "$OPSCTL_CONFIG/policies/zz-bad.yaml"

finish
