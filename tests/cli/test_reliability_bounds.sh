#!/usr/bin/env bash
# Bounded work and sane values: a missing database is never created except by init; every
# range a command expands is bounded (exit 64 naming the bound) and every command stays under
# 64 MiB on the sample data; ids and times an import gives are within sane limits (exit 65
# naming the line and column); a policy file that is not UTF-8 is refused with file:line:col.
source "$(dirname "$0")/lib.sh"

export OPSCTL_NOW=2026-10-09T10:00:00+08:00
# ASan's shadow memory and quarantine count too: a larger ceiling in the sanitizer build.
scale=1
[ "${OPSCTL_SANITIZED:-0}" = 1 ] && scale=4
mib64=$((65536 * scale))
peak() { python3 "$SRC/tests/reliability/peak_rss.py" "$WORK/.rss" "$BIN" "$@" >"$WORK/.out" 2>"$WORK/.stderr"; RC=$?; OUT=$(cat "$WORK/.out"); ERR=$(cat "$WORK/.stderr"); RSS=$(cat "$WORK/.rss"); }

# --- The database file: only init creates one -------------------------------------------
run init --no-db -q
expect_rc 0 "init --no-db installs the policy only"
expect_true "init --no-db creates no database" test ! -e "$WORK/ops.db"
for cmd in "ticket list" "ticket sla" "db info" "db check" "inspect run daily" "report monthly --month 2026-09" "roster show"; do
    # shellcheck disable=SC2086
    run $cmd
    expect_rc 66 "'$cmd' refuses a missing database"
    expect_err "no database '$WORK/ops.db'" "'$cmd' names the missing database"
    expect_err "opsctl init" "'$cmd' says how to create it"
    expect_true "'$cmd' did not create '$WORK/ops.db'" test ! -e "$WORK/ops.db"
done
# An unmounted /var/lib/opsctl: the folder itself is missing.
OPSCTL_DB="$WORK/unmounted/ops.db" run ticket new --title 'into the void' -q
expect_rc 66 "a database in a missing folder is refused"
expect_err "chosen by \$OPSCTL_DB" "the error says which rule chose the path"
expect_true "no folder was created for it" test ! -e "$WORK/unmounted"
# A file that exists but is empty (init killed at the start) is completed by any command.
: >"$WORK/half.db"
chmod 600 "$WORK/half.db"
OPSCTL_DB="$WORK/half.db" run ticket list
expect_rc 0 "an existing, empty database file is migrated, not refused"
run init -q
expect_rc 0 "init creates the database"
expect_true "init made '$WORK/ops.db'" test -s "$WORK/ops.db"

# --- Ranges -------------------------------------------------------------------------------
peak roster show --to 9999-12-31
expect_rc 64 "roster show --to 9999-12-31 is refused"
expect_err "longer than 366 days" "the refusal names the bound"
expect_true "roster show --to 9999-12-31 stays under 64 MiB (peak ${RSS} KiB)" test "$RSS" -lt "$mib64"
run roster show --from 2026-01-01 --to 2026-12-31
expect_rc 0 "a year of roster is fine"
run roster show --from 0001-01-01 --to 2026-12-31
expect_rc 64 "roster show from year 1 is refused"
for verb in attendance gaps load "override list"; do
    # shellcheck disable=SC2086
    run roster $verb --from 2026-01-01 --to 2031-01-01
    expect_rc 64 "roster $verb over five years is refused"
    expect_err "366 days" "roster $verb names the bound"
done
run roster override add --rotation ops-primary --person lina --from 2026-10-10 --to 2036-10-10
expect_rc 64 "an override of ten years is refused"
expect_err "more than 366 days" "the override refusal names the bound"
peak report roster --from 0001-01-01 --to 9999-12-31
expect_rc 64 "report roster over 9999 years is refused"
expect_err "longer than 1096 days" "the report refusal names the bound"
expect_true "the refused report stays small (peak ${RSS} KiB)" test "$RSS" -lt "$mib64"
run report roster --from 2024-01-01 --to 2026-09-30
expect_rc 0 "a report over 33 months is fine"

# --- Every command stays under 64 MiB on the sample data ------------------------------------
run asset add --class server --name db1 --owner zhangwei --address 10.0.0.5 --set memory_gb=16 -q
expect_rc 0 "an asset for the memory runs"
run ticket new --type incident --priority P2 --title 'disk full' --asset SRV-0001 -q
run ticket comment 1 'looking' --spent 10m
for cmd in "ticket list" "ticket show 1" "ticket clock 1" "ticket sla" "ticket export" "asset list" "asset show SRV-0001" \
    "inspect run daily" "inspect list" "backup status" "roster show --month 2026-10" "roster now" \
    "roster attendance --month 2026-10" "roster gaps --from 2026-01-01 --to 2026-12-31" \
    "report monthly --month 2026-10" "report roster --from 2024-01-01 --to 2026-12-31" \
    "report tickets --from 2024-01-01 --to 2026-12-31" "policy check" "policy show" "db info" "db check"; do
    # shellcheck disable=SC2086
    peak $cmd
    # inspect run and backup status exit as monitoring plugins do (0-3).
    if [ "$RC" -le 3 ]; then pass; else fail "'$cmd' ran"; fi
    expect_true "'$cmd' stays under 64 MiB (peak ${RSS} KiB)" test "$RSS" -lt "$mib64"
done

# --- Ids ------------------------------------------------------------------------------------
hdr=id,type,priority,title,created_at,resolved_at,closed_at
printf '%s\r\n9223372036854775807,incident,P3,huge,,,\r\n' "$hdr" >"$WORK/huge.csv"
run ticket import "$WORK/huge.csv"
expect_rc 65 "an id of 2^63-1 is refused"
expect_err "line 2: id 9223372036854775807 is larger than 999999999" "the refusal names the line and the limit"
printf '%s\r\n1000000000,incident,P3,too big,,,\r\n999999999,incident,P3,largest,,,\r\n' "$hdr" >"$WORK/edge.csv"
run ticket import "$WORK/edge.csv"
expect_rc 65 "an id of 10^9 is refused"
expect_err "line 2:" "the refusal names the row"
printf '%s\r\n999999999,incident,P3,largest,,,\r\n' "$hdr" >"$WORK/max.csv"
run ticket import "$WORK/max.csv"
expect_rc 0 "the largest id is accepted"
run ticket new --title 'after the largest' -q
expect_rc 0 "ticket new after the largest id"
expect_eq "1000000000" "$OUT" "numbering continues after the largest id"
printf '%s\r\n,incident,P3,imported later,,,\r\n' "$hdr" >"$WORK/later.csv"
run ticket import "$WORK/later.csv"
expect_rc 0 "a later import still works"
for id in 99999999999999999999 9223372036854775808 -1 0 abc; do
    run ticket show "$id"
    if [ "$RC" -ge 64 ] && [ "$RC" -le 66 ]; then pass; else fail "ticket show $id exits 64-66"; fi
    expect_true "ticket show $id says why on one line" test "$(printf '%s' "$ERR" | grep -c 'opsctl: error')" -eq 1
done

# --- Times ----------------------------------------------------------------------------------
bad_time() { # CSV-ROW DESCRIPTION EXPECTED-STDERR
    printf '%s\r\n%s\r\n' "$hdr" "$1" >"$WORK/t.csv"
    run ticket import "$WORK/t.csv"
    expect_rc 65 "$2 is refused"
    expect_err "$3" "$2: the refusal names the row and column"
}
bad_time ",incident,P3,closed first,2026-09-01T10:00:00+08:00,2026-09-01T11:00:00+08:00,2026-08-01T10:00:00+08:00" \
    "closed_at before created_at" "line 2: closed_at '2026-08-01T10:00:00+08:00' is before created_at"
bad_time ",incident,P3,resolved first,2026-09-01T10:00:00+08:00,2026-08-31T10:00:00+08:00," \
    "resolved_at before created_at" "line 2: resolved_at"
bad_time ",incident,P3,closed before resolved,2026-09-01T10:00:00+08:00,2026-09-02T10:00:00+08:00,2026-09-01T12:00:00+08:00" \
    "closed_at before resolved_at" "closed_at '2026-09-01T12:00:00+08:00' is before resolved_at"
bad_time ",incident,P3,year one,0001-01-01T00:00:00+00:00,," "created_at in year 1" "line 2: created_at '0001-01-01T00:00:00+00:00' is before 2000-01-01"
bad_time ",incident,P3,year 9999,2026-09-01T10:00:00+08:00,,9999-12-31T00:00:00+00:00" "closed_at in 9999" \
    "line 2: closed_at '9999-12-31T00:00:00+00:00' is more than a day in the future"
bad_time ",incident,P3,tomorrow+,2026-10-11T10:00:00+08:00,," "created_at two days ahead" "more than a day in the future"
printf '%s\r\n%s\r\n' "$hdr" ",incident,P3,fine,2020-03-01T10:00:00+08:00,2020-03-02T10:00:00+08:00,2020-03-03T10:00:00+08:00" >"$WORK/t.csv"
run ticket import "$WORK/t.csv"
expect_rc 0 "sane times are imported"

# Asset dates: a purchase in year 1 or more than a year ahead, a warranty in 9999.
run asset add --class server --name old --owner zhangwei --set memory_gb=16 --purchased 0001-01-01 -q
expect_rc 65 "a purchase in year 1 is refused"
expect_err "purchased '0001-01-01' is not between 1970-01-01 and 2027-10-09" "the refusal names the field"
printf 'class,name,owner,purchased,warranty_until\r\nserver,a,zhangwei,2024-01-01,9999-12-31\r\nserver,b,zhangwei,2028-01-01,\r\n' >"$WORK/assets.csv"
run asset import "$WORK/assets.csv"
expect_rc 65 "asset import refuses impossible dates"
expect_err "warranty_until '9999-12-31'" "a warranty in 9999 is named"
expect_err "purchased '2028-01-01'" "a purchase more than a year ahead is named"
run asset add --class server --name fine --owner zhangwei --set memory_gb=16 --purchased 2024-01-01 --warranty-until 2029-01-01 -q
expect_rc 0 "sane asset dates are accepted"

# --- A policy file that is not UTF-8 --------------------------------------------------------
printf '# \xd4\xcb\xce\xac \xb1\xa8\xb1\xed (GBK)\n' >>"$OPSCTL_CONFIG/policies/report.yaml"
line=$(wc -l <"$OPSCTL_CONFIG/policies/report.yaml")
for attempt in first second; do # the second run would find the parse cache
    run policy check
    expect_rc 78 "a GBK byte in a policy file fails policy check ($attempt run)"
    expect_err "policies/report.yaml:$line:3: the file is not valid UTF-8" "the refusal names file:line:col ($attempt run)"
done
run ticket list
expect_rc 78 "a command that reads the policy refuses it too"

finish
