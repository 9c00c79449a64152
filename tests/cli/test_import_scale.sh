#!/usr/bin/env bash
# Imports of any size: a file with many bad rows is summarised (first 50 problems and a count,
# nothing written), duplicate tags and serials are found by line in a large file, standard
# input is kept on disk rather than in memory (and a folder it cannot be kept in is an error),
# and a progress line shows on a terminal only.
. "$(dirname "$0")/lib.sh"
init_sample
cp "$OPSCTL_DB" "$WORK/p.db" # an empty database for the progress tests below
export OPSCTL_NOW=2026-10-09T10:00:00+08:00

# ---- many bad rows: summarised, counted, nothing written
python3 - "$WORK/bad.csv" <<'PY'
import csv, sys
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["type", "title", "priority"])
    for i in range(1, 501):
        # every third row has a priority the policy does not know
        w.writerow(["incident", f"磁盘告警 {i}", "P9" if i % 3 == 0 else "P2"])
PY
run ticket import "$WORK/bad.csv"
expect_rc 65 "a file with bad rows is refused"
expect_err "cannot import: 166 problems found, nothing was written" "every bad row is counted"
expect_err "line 4: no priority 'P9'" "the first bad row is named by its line"
expect_err "... and 116 more problems" "past the first 50 the problems are counted, not listed"
[ "$(grep -c "no priority 'P9'" <<<"$ERR")" = 50 ] && pass || fail "exactly 50 problems are listed"
run ticket list --format csv
expect_eq 1 "$(wc -l <<<"$OUT")" "nothing was written (only the header is listed)"

# ---- a large ticket file imports whole, with its ids
python3 - "$WORK/tickets.csv" <<'PY'
import csv, sys
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["id", "type", "title", "source"])
    for i in range(1, 3001):
        w.writerow([i * 7, "incident", f"告警 {i}", f"zabbix:{i}"])
PY
run ticket import "$WORK/tickets.csv"
expect_rc 0 "3000 tickets import"
run ticket show 21000 --format json
expect_true "the last row kept its id and source" python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert d['id']==21000 and d['source']=='zabbix:3000', d" "$OUT"
# the same ids again: each one already exists; an open source twice in one file
python3 - "$WORK/again.csv" <<'PY'
import csv, sys
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["id", "type", "title", "source"])
    w.writerow([30001, "incident", "a", "nagios:1"])
    w.writerow([30002, "incident", "b", "nagios:1"])
    w.writerow([30001, "incident", "c", ""])
    w.writerow([-1, "incident", "d", ""])
PY
run ticket import "$WORK/again.csv"
expect_rc 65 "duplicates in the file are refused"
expect_err "line 3: source 'nagios:1' is open twice in the file" "an open source named twice is found"
expect_err "line 4: id 30001 appears twice in the file" "an id named twice is found"
expect_err "line 5: id '-1' is not a positive number" "a negative id is refused"

# ---- assets: duplicates found by line in a large file
python3 - "$WORK/assets.csv" <<'PY'
import csv, sys
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["tag", "class", "name", "serial", "location", "memory_gb"])
    for i in range(1, 5001):
        w.writerow([f"SRV-{i:05d}", "server", f"服务器 {i}", f"SN{i:06d}", "机房A", 64])
    w.writerow(["SRV-00042", "server", "again", "SN999999", "机房A", 64])   # line 5002
PY
run asset import "$WORK/assets.csv"
expect_rc 65 "a tag named twice is refused"
expect_err "assets.csv:5002: tag 'SRV-00042' is also on line 43" "the duplicate names the first line"
expect_err "1 line of" "only the one line is bad"
# --key serial: a serial named twice, and a written tag named twice among new rows
python3 - "$WORK/serials.csv" <<'PY'
import csv, sys
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["tag", "class", "name", "serial", "location", "memory_gb"])
    w.writerow(["NEW-1", "server", "a", "SN-A", "机房A", 8])
    w.writerow(["NEW-2", "server", "b", "SN-A", "机房A", 8])
    w.writerow(["NEW-1", "server", "c", "SN-C", "机房A", 8])
PY
run asset import "$WORK/serials.csv" --key serial
expect_rc 65 "--key serial refuses duplicates"
expect_err "serials.csv:3: serial 'SN-A' is also on line 2" "a serial named twice names its first line"
expect_err "serials.csv:4: tag 'NEW-1' is also on line 2" "a tag named twice names its first line"

# ---- standard input: spooled to a temporary file, all or nothing
head -n 2001 "$WORK/assets.csv" >"$WORK/first.csv"
OUT=$("$BIN" asset import - <"$WORK/first.csv" 2>"$WORK/.stderr"); RC=$?; ERR=$(cat "$WORK/.stderr")
expect_rc 0 "2000 assets import from standard input"
expect_err "2000 added" "all rows of standard input are read"
ls "$WORK"/tmp 2>/dev/null | grep -q . && fail "standard input left a file behind" || pass
mkdir -p "$WORK/tmp"
OUT=$(TMPDIR=$WORK/tmp "$BIN" asset import - --update <"$WORK/first.csv" 2>"$WORK/.stderr"); RC=$?; ERR=$(cat "$WORK/.stderr")
expect_rc 0 "a second import from standard input through TMPDIR"
expect_eq "" "$(ls -A "$WORK/tmp")" "the temporary copy of standard input has no name left behind"
OUT=$(TMPDIR=$WORK/none "$BIN" asset import - <"$WORK/first.csv" 2>"$WORK/.stderr"); RC=$?; ERR=$(cat "$WORK/.stderr")
expect_rc 1 "standard input that cannot be kept is an error"
expect_err "cannot keep standard input in '$WORK/none'" "the error names the folder"

# ---- progress: on a terminal only
if command -v script >/dev/null; then
    python3 - "$WORK/more.csv" <<'PY'
import csv, sys
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["type", "title"])
    for i in range(1, 2001):
        w.writerow(["incident", f"进度 {i}"])
PY
    # script(1) gives the command a terminal (200 columns wide, so that the line is not cut);
    # OPSCTL_PROGRESS_AFTER=0 shows the line at once.
    tty_out=$(OPSCTL_PROGRESS_AFTER=0 OPSCTL_DB=$WORK/p.db script -qec "stty cols 200; '$BIN' ticket import '$WORK/more.csv'" /dev/null)
    [[ "$tty_out" == *"importing '$WORK/more.csv': "*"rows checked"*"written"*"left"* ]] && pass ||
        fail "a terminal gets a progress line with rows, rate and time left: $tty_out"
    [[ "$tty_out" == *"imported 2000 tickets"* ]] && pass || fail "the import finished under a terminal: $tty_out"
    OPSCTL_PROGRESS_AFTER=0 OPSCTL_DB=$WORK/p.db run ticket import "$WORK/more.csv"
    expect_rc 0 "the same import without a terminal"
    [[ "$ERR" != *"rows checked"* && "$ERR" != *$'\r'* ]] && pass || fail "no progress line when stderr is not a terminal"
    # the line waits OPSCTL_PROGRESS_AFTER (default a second): an import that ends sooner shows
    # nothing on a terminal either (a long wait, so that a slow build cannot reach it)
    tty_out=$(OPSCTL_PROGRESS_AFTER=600000 OPSCTL_DB=$WORK/p.db script -qec "stty cols 200; '$BIN' ticket import '$WORK/more.csv'; '$BIN' asset import '$WORK/first.csv' --update" /dev/null)
    [[ "$tty_out" == *"imported 2000 tickets"* && "$tty_out" == *"2000 added"* ]] && pass ||
        fail "both imports ran under a terminal: $tty_out"
    [[ "$tty_out" != *"rows checked"* ]] && pass || fail "an import that ends before the wait shows no progress line: $tty_out"
else
    echo "SKIP: script(1) is not installed: the progress line is not tested" >&2
fi

finish
