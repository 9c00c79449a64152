#!/usr/bin/env bash
# CSV for a spreadsheet (--format excel): a UTF-8 byte order mark, CRLF line ends and every
# cell a spreadsheet would run as a formula (= + - @ tab CR) neutralised with a leading '.
# The exact CSV (--format csv, and exports by default) stays byte for byte what scripts read.
# Ticket and asset exports in the spreadsheet form import back to the very same records.
source "$(dirname "$0")/lib.sh"

init_sample
export OPSCTL_NOW=2026-10-12T10:00:00+08:00

TITLES=('=1+1' '-5' '@x' '+86 138 0000 0000' "'=HYPERLINK(\"http://x\")" '会议室投影仪故障' '-2+3 温度')
for t in "${TITLES[@]}"; do
    run -q ticket new --title "$t" --body "=cmd|' /C calc'!A0"
    expect_rc 0 "ticket new '$t'"
done
run -q asset add --class server --name '=1+1' --owner zhangwei --location 机房A --serial '@SN-1' --model '-5' --set memory_gb=64
expect_rc 0 "asset add with formula-like values"
run -q asset add --class pc --name '张伟的笔记本' --owner zhangwei --location 办公区3F --serial '+3F'
expect_rc 0 "asset add with Chinese text"

# The exact export is unchanged: no byte order mark, formulas raw, as scripts expect.
run ticket export -o "$WORK/exact.csv"
expect_rc 0 "ticket export (exact)"
expect_eq "id,type" "$(head -c 7 "$WORK/exact.csv")" "the exact export has no byte order mark"
expect_true "the exact export carries the values raw" grep -q '^1,[^,]*,[^,]*,[^,]*,[01],=1+1,' "$WORK/exact.csv"

# The spreadsheet form.
run --format excel ticket export -o "$WORK/tickets-excel.csv"
expect_rc 0 "ticket export --format excel"
run --format excel asset export -o "$WORK/assets-excel.csv"
expect_rc 0 "asset export --format excel"
cat >"$WORK/check.py" <<'PY'
import csv, io, re, sys
# What a spreadsheet would do with the file: every cell that starts with = + - @ tab CR runs,
# unless it is a plain number.
for path in sys.argv[1:]:
    raw = open(path, "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path}: no byte order mark"
    body = raw[3:]
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b""), f"{path}: not CRLF"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    for row in rows:
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                assert re.fullmatch(r"-\d+(\.\d+)?", cell), f"{path}: a live formula {cell!r}"
    print(len(rows))
PY
expect_true "both spreadsheet exports start with a BOM, use CRLF and hold no live formula" \
    python3 "$WORK/check.py" "$WORK/tickets-excel.csv" "$WORK/assets-excel.csv"
expect_true "a formula title is neutralised" grep -q "'=1+1" "$WORK/tickets-excel.csv"
expect_true "an apostrophe before a formula gets one more" grep -qF "''=HYPERLINK" "$WORK/tickets-excel.csv"
expect_true "Chinese text is kept" grep -q '会议室投影仪故障' "$WORK/tickets-excel.csv"
expect_true "a plain negative number stays a number" grep -q ',-5,' "$WORK/tickets-excel.csv"

# Both forms import back to the same records: the exact export of the copy equals the original's.
OPSCTL_DB="$WORK/copy.db" run init
OPSCTL_DB="$WORK/copy.db" run ticket import "$WORK/tickets-excel.csv"
expect_rc 0 "ticket import of the spreadsheet form"
OPSCTL_DB="$WORK/copy.db" run ticket export -o "$WORK/copy.csv"
expect_eq "$(cat "$WORK/exact.csv")" "$(cat "$WORK/copy.csv")" "spreadsheet form -> import -> exact export is unchanged"
OPSCTL_DB="$WORK/copy.db" run --format json ticket list --all
expect_true "titles came back exactly" python3 -c "
import json, sys
got = sorted(t['title'] for t in json.loads(sys.argv[1]))
want = sorted(sys.argv[2:])
assert got == want, (got, want)" "$OUT" "${TITLES[@]}"

# The exact form imports back byte for byte: without a byte order mark nothing is taken off,
# so the title that really starts with '= keeps its apostrophe.
OPSCTL_DB="$WORK/copy3.db" run init
OPSCTL_DB="$WORK/copy3.db" run ticket import "$WORK/exact.csv"
expect_rc 0 "ticket import of the exact form"
OPSCTL_DB="$WORK/copy3.db" run ticket export -o "$WORK/copy3.csv"
expect_eq "$(cat "$WORK/exact.csv")" "$(cat "$WORK/copy3.csv")" "exact form -> import -> exact export is unchanged"

run asset export
printf '%s\n' "$OUT" >"$WORK/assets-exact.csv"
OPSCTL_DB="$WORK/copy.db" run asset import "$WORK/assets-excel.csv"
expect_rc 0 "asset import of the spreadsheet form"
OPSCTL_DB="$WORK/copy.db" run asset export
expect_eq "$(cat "$WORK/assets-exact.csv")" "$OUT" "asset spreadsheet form -> import -> exact export is unchanged"

# A spreadsheet saved again by Excel (CSV UTF-8) has a BOM and CRLF too; the exact form with
# CRLF and a BOM imports the same.
OPSCTL_DB="$WORK/copy2.db" run init
{ printf '\xef\xbb\xbf'; sed 's/$/\r/' "$WORK/assets-exact.csv"; } >"$WORK/assets-crlf.csv"
OPSCTL_DB="$WORK/copy2.db" run asset import "$WORK/assets-crlf.csv"
expect_rc 0 "asset import of CRLF with a BOM"
OPSCTL_DB="$WORK/copy2.db" run asset export
expect_eq "$(cat "$WORK/assets-exact.csv")" "$OUT" "BOM + CRLF import gives the same register"

# Every list command takes --format excel; --format csv is unchanged.
run --format excel ticket list --all --columns id,title
expect_rc 0 "ticket list --format excel"
expect_true "a list in the spreadsheet form" python3 -c "
import sys
raw = open(sys.argv[1], 'rb').read()
assert raw.startswith(b'\xef\xbb\xbfid,title\r\n1,\'=1+1\r\n'), raw[:40]" <("$BIN" --format excel ticket list --all --columns id,title)
run --format csv ticket list --all --columns id,title
expect_out "id,title
1,=1+1" "--format csv keeps the exact values"

# report monthly: --format excel writes the figures, and with --out-dir every CSV, in the
# spreadsheet form; review.md is unchanged.
run --format excel report monthly --month 2026-10 --out-dir "$WORK/review"
expect_rc 0 "report monthly --out-dir --format excel"
for f in "$WORK"/review/*.csv; do
    expect_eq "efbbbf" "$(head -c 3 "$f" | od -An -tx1 | tr -d ' \n')" "$(basename "$f") starts with a byte order mark"
done
expect_true "review.md has no byte order mark" test "$(head -c 1 "$WORK/review/review.md")" = "#"
run --format excel report monthly --month 2026-10
expect_rc 0 "report monthly --format excel"
expect_eq "efbbbf" "$(printf '%s' "$OUT" | head -c 3 | od -An -tx1 | tr -d ' \n')" "the figures in the spreadsheet form"

finish
