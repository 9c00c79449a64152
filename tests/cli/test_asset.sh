#!/usr/bin/env bash
# asset: add/list/show/update/retire/dispose/transfer, maintenance, due, export/import, count.
source "$(dirname "$0")/lib.sh"

init_sample
export OPSCTL_NOW=2026-10-09T10:00:00+08:00

run policy check
expect_rc 0 "the sample policy with assets is valid"
expect_out "assets" "policy check counts asset classes"

# add: tags from the class prefix, custom fields checked against the class.
run -q asset add --class server --name db-01 --owner zhangwei --location 机房A --model "Dell R750" \
    --serial SN-001 --address 10.0.0.11 --purchased 2022-03-01 --warranty-until 2026-10-20 \
    --set memory_gb=256 --set os=linux --set cpu="2x Xeon"
expect_rc 0 "add a server"
expect_eq "SRV-0001" "$OUT" "the first server gets SRV-0001"
run -q asset add --class server --name web-01 --owner lina --location 机房A --set memory_gb=64
expect_eq "SRV-0002" "$OUT" "the next server gets SRV-0002"
run asset add --class meeting-room --name 3楼大会议室 --location 会议楼 --set capacity=100 --set projectors=1 \
    --set microphones=8 --set video_conference=yes
expect_rc 0 "add a meeting room"
expect_out "ROOM-001" "meeting rooms use their own prefix and width"
run asset add --class pc --name 张伟的笔记本 --owner zhangwei --location 办公区3F --set laptop=true --tag PC-0100
expect_out "PC-0100" "a hand-given tag is kept"
run -q asset add --class pc --name spare --location 库房
expect_eq "PC-0101" "$OUT" "generated tags continue above a hand-given one"

run asset add --class server --name x --set os=linux
expect_rc 65 "a missing required field exits 65"
expect_err "required field 'memory_gb'" "the missing field is named"
run asset add --class server --name x --set memory_gb=lots
expect_rc 65 "a wrong type exits 65"
expect_err "memory_gb" "the bad field is named"
run asset add --class server --name x --set memory_gb=8 --set colour=red
expect_rc 65 "an unknown field exits 65"
expect_err "unknown field 'colour'" "the unknown field is named"
run asset add --class server --name x --set memory_gb=8 --set os=solaris
expect_rc 65 "an enum value outside the list exits 65"
run asset add --class server --name x --set memory_gb=8 --owner nobody
expect_rc 65 "an owner who is not a person exits 65"
expect_err "owner 'nobody'" "the bad owner is named"
run asset add --class server --name x --set memory_gb=8 --tag SRV-0001
expect_rc 65 "a duplicate tag exits 65"
expect_err "already exists" "the duplicate is explained"
run asset add --class serverr --name x
expect_rc 65 "an unknown class exits 65, as every value the policy does not define"
expect_err "did you mean 'server'" "the unknown class gets a suggestion"
run asset add --class server --name x --set memory_gb=8 --location 火星
expect_rc 65 "an unknown location exits 65"

# list and filters
run asset list
expect_rc 0 "list"
expect_out "SRV-0001" "list shows the server"
expect_out "3楼大会议室" "list shows Chinese names"
run -q asset list --class server
expect_eq "SRV-0001
SRV-0002" "$OUT" "list --class"
run -q asset list --owner zhangwei
expect_eq "PC-0100
SRV-0001" "$OUT" "list --owner"
run -q asset list --where memory_gb=256
expect_eq "SRV-0001" "$OUT" "list --where on a custom field"
run -q asset list --where video_conference=true
expect_eq "ROOM-001" "$OUT" "list --where compares booleans in stored form"
run -q asset list --where model="Dell R750"
expect_eq "SRV-0001" "$OUT" "list --where on a built-in column"
run -q asset list --search Xeon
expect_eq "SRV-0001" "$OUT" "list --search looks into custom fields"
run asset list --where colour=red
expect_rc 64 "list --where on an unknown key is a usage error"
run --format json asset list --class server
expect_true "list in JSON parses" python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert [r['tag'] for r in d]==['SRV-0001','SRV-0002']" "$OUT"

# show
run asset show SRV-0001
expect_rc 0 "show"
expect_out "内存(GB)" "show labels custom fields"
expect_out "256" "show lists custom field values"
expect_out "张伟" "show names the owner"
run -q ticket new --type incident --priority P3 --title "db-01 风扇异响" --asset SRV-0001
expect_rc 0 "a ticket naming the asset"
run asset show SRV-0001
expect_out "db-01 风扇异响" "show lists the tickets that name the asset"
run asset show SRV-9999
expect_rc 66 "show of a missing tag exits 66"

# update and the lifecycle
run asset update SRV-0002 --set memory_gb=128 --location 机房B
expect_rc 0 "update"
expect_out "memory_gb" "update lists the changed field"
expect_out "机房B" "update shows the new value"
run asset update SRV-0002 --status maintenance
expect_rc 0 "in_use -> maintenance"
run asset update SRV-0002 --status in_use
expect_rc 0 "maintenance -> in_use"
run asset update SRV-0002 --status in_stock
expect_rc 65 "in_use -> in_stock goes backwards"
expect_err "only moves forward" "the lifecycle rule is explained"
run asset dispose SRV-0002
expect_rc 65 "dispose before retire is refused"
run asset retire SRV-0002 --reason "超过使用年限"
expect_rc 0 "retire"
run asset update SRV-0002 --status in_use
expect_rc 65 "a retired asset cannot come back"
run asset dispose SRV-0002
expect_rc 0 "dispose after retire"
run asset retire SRV-0002 --reason again
expect_rc 65 "a disposed asset cannot be retired again"

# maintenance records
run asset maint add SRV-0001 --kind check --note "检查连接是否松动、是否有异响" --result 正常 --spent 30m \
    --at 2026-10-08T09:00
expect_rc 0 "maint add"
run asset maint add SRV-0001 --kind clean --note 除尘 --cost 50 --at 2026-10-01
expect_rc 0 "maint add with a cost"
run asset maint add SRV-0001 --kind polish --note x
expect_rc 65 "an unknown maintenance kind exits 65"
run asset maint add SRV-9999 --kind check --note x
expect_rc 66 "maintenance of a missing asset exits 66"
run asset maint list SRV-0001
expect_out "检查连接" "maint list shows the note"
expect_out "30m" "maint list shows the time spent"
run -q asset maint list --kind clean
expect_eq "2" "$OUT" "maint list --kind"
run asset show SRV-0001
expect_out "除尘" "show lists the maintenance history"
run --format json asset show SRV-0001
expect_true "show in JSON is one document with the history" python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert d['tag']=='SRV-0001' and len(d['maintenance'])==2" "$OUT"

# due: the server was checked 2026-10-08 (next 10-15, within 30d); the room never was (overdue
# a week after registration), the server's warranty ends 10-20.
run asset due
expect_rc 0 "nothing overdue yet"
expect_out "warranty" "a warranty ending soon is listed"
OPSCTL_NOW=2026-10-20T10:00:00+08:00 run asset due
expect_rc 1 "due exits 1 when something is overdue"
expect_out "overdue" "overdue items are marked"
run asset due --within 6y
expect_out "service_life" "service life is listed when reached within the window"

# transfer: the handover when someone leaves
run asset transfer --from zhangwei --to lina --dry-run
expect_rc 0 "transfer --dry-run"
expect_out "PC-0100" "dry run lists the assets"
run -q asset list --owner zhangwei
expect_eq "PC-0100
SRV-0001" "$OUT" "dry run changes nothing"
run asset transfer --from zhangwei --to nobody
expect_rc 65 "transfer to someone not in the policy exits 65"
run asset transfer --from zhangwei --to lina --class pc
expect_rc 0 "transfer one class"
run -q asset list --owner lina --class pc
expect_eq "PC-0100" "$OUT" "the pc moved"
run asset transfer --from zhangwei --to lina
run -q asset list --owner zhangwei
expect_eq "" "$OUT" "zhangwei owns nothing after the handover"
expect_eq 2 "$(db_sql "select count(*) from events where entity='asset' and action='transferred'")" "every transfer is an event"

# count
run asset count --by class
expect_rc 0 "count by class"
expect_out "服务器" "count shows class labels"
run --format csv asset count --by status
expect_out "disposed,,1" "count by status in CSV"

# export -> import round trip
run asset export
expect_rc 0 "export"
printf '%s\n' "$OUT" >"$WORK/export.csv"
head -1 "$WORK/export.csv" | grep -q '^tag,class,name,model,serial,owner,location,address,status,purchased,warranty_until,parent,' && pass || fail "export header"
run asset import "$WORK/export.csv" --update
expect_rc 0 "re-importing an export succeeds"
expect_err "0 added, 0 updated, 5 unchanged" "re-importing an export changes nothing"
OPSCTL_DB="$WORK/copy.db" run init -q
OPSCTL_DB="$WORK/copy.db" run asset import "$WORK/export.csv"
expect_rc 0 "an export imports into an empty database"
OPSCTL_DB="$WORK/copy.db" run asset export
expect_eq "$(cat "$WORK/export.csv")" "$OUT" "export -> import -> export is unchanged"

# import checks every row first and writes nothing when one is bad
cat >"$WORK/bad.csv" <<'CSV'
class,name,owner,memory_gb,capacity
server,ok-1,lina,32,
server,bad-type,lina,many,
meeting-room,bad-room,nobody,,
CSV
run asset import "$WORK/bad.csv"
expect_rc 65 "a bad import exits 65"
expect_err "bad.csv:3:" "the bad line is named"
expect_err "bad.csv:4:" "every bad line is named"
expect_err "nothing was imported" "the summary says nothing was written"
run -q asset list --search ok-1
expect_eq "" "$OUT" "no row of a bad file is written"

printf 'tag,class,name,owner,memory_gb,notes\n' >"$WORK/badhdr.csv"
run asset import "$WORK/badhdr.csv"
expect_rc 65 "an unknown column exits 65"
expect_err "unknown column 'notes'" "the unknown column is named"

# quoted fields, CRLF, BOM, a field with a newline
printf '\xef\xbb\xbftag,class,name,model,memory_gb\r\nSRV-0100,server,"db, ""new""","line1\nline2",16\r\n' >"$WORK/quoted.csv"
run asset import "$WORK/quoted.csv" --dry-run
expect_rc 0 "dry run of a quoted CRLF file"
expect_out "add" "dry run prints what would be added"
run -q asset list --where tag=SRV-0100
expect_eq "" "$OUT" "dry run writes nothing"
run asset import "$WORK/quoted.csv"
expect_rc 0 "import a quoted CRLF file with a BOM"
run --format json asset show SRV-0100
expect_true "quoted values survive" python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert d['name']=='db, \"new\"' and d['model']=='line1\nline2'" "$OUT"

# from stdin: a child before its parent, a row without a tag gets the next free one that the
# file does not name; a bad row at the end leaves none of the earlier, good rows behind
csv=$'tag,class,name,parent,memory_gb\nSRV-0903,server,blade-sw,SRV-0901,8\n,server,untagged,,8\nSRV-0901,server,chassis,,8\n'
run_in "$csv$(printf 'SRV-0902,server,x,nowhere,8')" asset import -
expect_rc 65 "a bad last row from stdin exits 65"
expect_err "stdin:5: no parent asset 'nowhere'" "the bad stdin line is named"
run -q asset list --search blade-sw
expect_eq "" "$OUT" "the good rows before the bad one are not written"
run_in "$csv" asset import -
expect_rc 0 "import from stdin, a parent after its child"
expect_err "3 added" "all three rows are added"
run --format json asset show SRV-0903
expect_true "the child names its parent" python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert d['parent']=='SRV-0901', d" "$OUT"
run -q asset list --search untagged
expect_true "the untagged row got a generated tag that is not the file's SRV-0901 ($OUT)" test -n "$OUT" -a "$OUT" != "SRV-0901"

# --update by serial, --dry-run shows field changes
printf 'serial,owner,memory_gb\nSN-001,wangfang,512\n' >"$WORK/upd.csv"
run asset import "$WORK/upd.csv" --key serial --update --dry-run
expect_rc 0 "dry run of an update by serial"
expect_out "memory_gb" "the changed field is listed"
expect_out "512" "the new value is listed"
run asset import "$WORK/upd.csv" --key serial
expect_rc 65 "an existing asset without --update is refused"
run asset import "$WORK/upd.csv" --key serial --update
expect_rc 0 "update by serial"
run -q asset list --owner wangfang
expect_eq "SRV-0001" "$OUT" "the owner changed by serial"

# A long file (rows are checked and hashed ahead of the writes, in batches): a bad row or a
# malformed record at the end leaves none of the 2000 good rows; without it every row is
# written with its event, untagged rows continue the numbering, and the chain verifies.
python3 -c '
import sys
rows = ["tag,class,name,memory_gb"] + [f"PC-{i:05d},pc,desk {i},8" if i % 2 else f",pc,spare {i},4" for i in range(2000)]
sys.stdout.write("\r\n".join(rows) + "\r\n")' >"$WORK/long.csv"
{ cat "$WORK/long.csv"; printf 'PC-99999,nope,bad class,1\r\n'; } >"$WORK/long-bad.csv"
{ cat "$WORK/long.csv"; printf 'PC-99998,pc,"never closed\r\n'; } >"$WORK/long-broken.csv"
before=$(db_sql 'select (select count(*) from assets), (select count(*) from events)')
run asset import "$WORK/long-bad.csv"
expect_rc 65 "a bad last row after 2000 good ones exits 65"
expect_err "long-bad.csv:2002:" "the bad row is named by its line"
run asset import "$WORK/long-broken.csv"
expect_rc 65 "a malformed last record after 2000 good rows exits 65"
expect_eq "$before" "$(db_sql 'select (select count(*) from assets), (select count(*) from events)')" \
    "neither failed import writes anything"
run asset import "$WORK/long.csv"
expect_rc 0 "the long file imports"
expect_err "2000 added" "every row is added"
expect_eq "2000|2000" "$(db_sql "select count(*), count(distinct e.entity_id) from assets a join events e on e.entity = 'asset' and e.entity_id = a.tag and e.action = 'created' where a.name like 'desk %' or a.name like 'spare %'")" \
    "each imported asset has its created event"
expect_eq "0" "$(db_sql "select count(*) from assets where (name like 'desk %' or name like 'spare %') and class = 'pc' and tag not like 'PC-%'")" \
    "untagged rows get tags of their class"
expect_eq "1000" "$(db_sql "select count(*) from asset_fields f join assets a using (tag) where a.name like 'spare %' and f.key = 'memory_gb' and f.value = '4'")" \
    "custom fields are written for generated tags too"
run db check
expect_rc 0 "the event chain verifies after the long import"

# every change leaves an event; maintenance records are never edited
expect_eq "created disposed maintained retired transferred updated" \
    "$(db_sql "select distinct action from events where entity='asset' order by action" | tr '\n' ' ' | sed 's/ $//')" \
    "events for created, updated, retired, disposed, maintained"
run asset maint
expect_rc 64 "maint needs a verb (there is no edit)"

finish
