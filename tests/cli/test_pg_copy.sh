#!/usr/bin/env bash
# db copy: a whole database moves between engines and within one. A SQLite database filled
# through the CLI (tickets in Chinese with tabs, backslashes and newlines, comments, assets,
# maintenance, attendance, events) is copied into an empty PostgreSQL database, which passes
# `db check` and lists and shows everything byte for byte as the original does; ids are kept
# and new rows on the copy take the next ids; a non-empty destination is refused unless
# --replace; the copy goes back into a new SQLite file, and PostgreSQL to PostgreSQL too.
# Needs the CTest fixture "postgresql" for the PostgreSQL parts; skips without it.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_pg.sh"
pg_require

export OPSCTL_NOW=2026-10-09T10:00:00+08:00
init_sample
LITE=$OPSCTL_DB

"$BIN" asset add --class server --name 'db-01 主库' --tag SRV-001 --set memory_gb=64 >/dev/null
"$BIN" asset add --class server --name '备份服务器' >/dev/null
"$BIN" asset add --class pc --name '前台电脑' --owner lina >/dev/null
"$BIN" asset maint add SRV-001 --kind check --note '风扇噪音，已清灰' >/dev/null
"$BIN" ticket new --type incident --priority P2 --title '数据库连接失败' \
    --body $'ORA-12541 "无监听";\tDROP TABLE tickets; C:\\temp\\x\nsecond line\r\nthird' --asset SRV-001 -q >/dev/null
"$BIN" ticket new --title 'printer jam' --reporter 王芳 -q >/dev/null
"$BIN" ticket new --title '网络中断 in building B' -q >/dev/null
"$BIN" ticket comment 2 '换了硒鼓' --spent 15m >/dev/null
"$BIN" ticket assign 1 lina >/dev/null
"$BIN" ticket move 1 in-progress >/dev/null
"$BIN" ticket resolve 1 --resolution '重启监听' >/dev/null
"$BIN" ticket close 1 --satisfaction 5 >/dev/null
"$BIN" roster checkin >/dev/null
run db check
expect_rc 0 "the SQLite original passes db check"

# views DB: what a person sees of database DB, one output after another.
views() {
    local db=$1 id
    for args in "ticket list" "ticket list --closed" "asset list" "--format json asset list" "ticket list --search 连接" \
        "ticket list --search 硒鼓" "--format csv ticket list --closed"; do
        # shellcheck disable=SC2086
        "$BIN" --db "$db" $args 2>&1
    done
    for id in 1 2 3; do
        "$BIN" --db "$db" ticket show "$id" 2>&1
    done
    "$BIN" --db "$db" asset show SRV-001 2>&1
}
views "$LITE" >"$WORK/lite.views"

# SQLite -> an empty PostgreSQL database (no schema yet: the copy makes it).
pg_new_database template0 "ENCODING 'UTF8' LOCALE 'C.UTF-8'"
PG1=$PG_URL
PG1_DB=$PG_DB
run db copy "$LITE" "$PG1"
expect_rc 0 "db copy SQLite -> PostgreSQL"
expect_out "copied" "it says what it copied"
expect_out "search entries" "search entries included"
run --db "$PG1" db check
expect_rc 0 "the PostgreSQL copy passes db check"
expect_out "hash chain intact" "its event chain verifies"
expect_out "records match their events" "its records match their events"
views "$PG1" >"$WORK/pg1.views"
expect_true "list, show and search print byte for byte the same on the copy ($(diff "$WORK/lite.views" "$WORK/pg1.views" | head -5))" \
    cmp -s "$WORK/lite.views" "$WORK/pg1.views"
expect_eq "$(sqlite3 "$LITE" "SELECT count(*) || ' ' || max(id) || ' ' || (SELECT hash FROM events ORDER BY id DESC LIMIT 1) FROM events")" \
    "$(pg_sql -d "$PG1_DB" "SELECT count(*) || ' ' || max(id) || ' ' || (SELECT hash FROM events ORDER BY id DESC LIMIT 1) FROM events")" \
    "every event came along, with its id and hash"
expect_eq "$(sqlite3 "$LITE" "SELECT group_concat(tag, ',') FROM (SELECT tag FROM assets ORDER BY rowid)")" \
    "$(pg_sql -d "$PG1_DB" "SELECT string_agg(tag, ',' ORDER BY rowid) FROM assets")" "assets keep the order they were registered in"

# New rows on the copy follow the copied ids (identity sequences set past the largest).
run --db "$PG1" ticket new --title '复制之后' -q
expect_rc 0 "a new ticket on the copy"
expect_eq 4 "$OUT" "takes the next ticket id"
run --db "$PG1" ticket comment 4 '新的评论'
expect_rc 0 "a new comment on the copy (its id follows the copied ones)"
run --db "$PG1" asset maint add SRV-001 --kind clean --note '再次清灰'
expect_rc 0 "a new maintenance record on the copy"
run --db "$PG1" asset add --class server --name 'new one' --set memory_gb=8
expect_rc 0 "a new asset on the copy"
run --db "$PG1" db check
expect_rc 0 "db check passes after writing on the copy"

# A destination that holds records is refused, and left alone; --replace empties it first.
run db copy "$LITE" "$PG1"
expect_rc 65 "a non-empty destination is refused"
expect_err "is not empty" "the error says why"
expect_err "--replace" "and names the way out"
expect_eq 4 "$(pg_sql -d "$PG1_DB" "SELECT count(*) FROM tickets")" "the refused copy changed nothing"
run db copy --replace "$LITE" "$PG1"
expect_rc 0 "--replace copies over a destination that holds records"
expect_eq 3 "$(pg_sql -d "$PG1_DB" "SELECT count(*) FROM tickets")" "it holds the source's rows only"
run --db "$PG1" db check
expect_rc 0 "the replaced copy passes db check"

# PostgreSQL -> a new SQLite file, and PostgreSQL -> PostgreSQL (from the migrated template).
run db copy "$PG1" "$WORK/back/ops.db"
expect_rc 0 "db copy PostgreSQL -> SQLite"
expect_true "the new file is private" test "$(stat -c %a "$WORK/back/ops.db")" = 600
run --db "$WORK/back/ops.db" db check
expect_rc 0 "the copy back passes db check"
views "$WORK/back/ops.db" >"$WORK/back.views"
expect_true "the copy back prints what the original does ($(diff "$WORK/lite.views" "$WORK/back.views" | head -5))" \
    cmp -s "$WORK/lite.views" "$WORK/back.views"
run --db "$WORK/back/ops.db" ticket new --title 'after the round trip' -q
expect_eq 4 "$OUT" "ids carry on in the copy back"
pg_new_database
PG2=$PG_URL
run db copy "$PG1" "$PG2"
expect_rc 0 "db copy PostgreSQL -> PostgreSQL"
run --db "$PG2" db check
expect_rc 0 "that copy passes db check"
views "$PG2" >"$WORK/pg2.views"
expect_true "and prints the same" cmp -s "$WORK/lite.views" "$WORK/pg2.views"

# SQLite -> SQLite.
run db copy "$LITE" "$WORK/same.db"
expect_rc 0 "db copy SQLite -> SQLite"
run --db "$WORK/same.db" db check
expect_rc 0 "passes db check"
views "$WORK/same.db" >"$WORK/same.views"
expect_true "and prints the same" cmp -s "$WORK/lite.views" "$WORK/same.views"

# Bad input: nothing half-written.
run db copy "$LITE" "$LITE"
expect_rc 64 "the same database as source and destination is refused"
run db copy "$WORK/missing.db" "$WORK/never.db"
expect_rc 66 "a missing source is refused"
expect_true "and no destination file is left" test ! -e "$WORK/never.db"
printf 'not a database' >"$WORK/other.txt"
run db copy "$LITE" "$WORK/other.txt"
expect_rc 1 "a destination that is not an opsctl database is refused"
expect_err "not a database" "saying so"
expect_eq "not a database" "$(cat "$WORK/other.txt")" "and left as it was"
run db copy "$LITE" "postgresql://u:secret@localhost/x"
expect_rc 64 "a URL with a password is refused"
expect_no_out "secret" "without printing it"
[[ "$ERR" != *secret* ]] && pass || fail "the error does not print the password"
run db copy "$LITE"
expect_rc 64 "db copy needs a destination"

finish
