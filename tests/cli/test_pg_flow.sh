#!/usr/bin/env bash
# PostgreSQL: a team's database behind the same CLI. init, tickets in Chinese, search for two
# characters, comments, close, db info and db check, two writers at once; URLs with a
# password and databases that cannot classify Chinese are refused. Needs the CTest fixture
# "postgresql" (tests/pg/cluster.sh); skips without it.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_pg.sh"
pg_require

export OPSCTL_NOW=2026-10-09T10:00:00+08:00
pg_new_database template0 "ENCODING 'UTF8' LOCALE 'C.UTF-8'"
URL=$PG_URL
export OPSCTL_DB=$URL

# Only init makes the schema: any other command on an empty database says so.
"$BIN" init --no-db >/dev/null
run ticket list
expect_rc 66 "a command on a database without the schema exits 66"
expect_err "holds no opsctl schema" "the error says the schema is missing"
expect_err "opsctl init" "the error says what to run"

# The same schema version as a new SQLite database: one list of migrations per engine, in step.
"$BIN" --db "$WORK/same.db" init >/dev/null
version=$(sqlite3 "$WORK/same.db" "PRAGMA user_version")
run init
expect_rc 0 "init creates the schema on PostgreSQL"
expect_out "schema version $version" "init reports the schema version"
expect_eq "$version" "$(pg_sql -d "$PG_DB" "SELECT version FROM opsctl_schema")" "the driver's own table holds the schema version"
run init
expect_rc 0 "init again is safe"

"$BIN" asset add --class server --name db-01 --tag SRV-001 --set memory_gb=64 >/dev/null
run ticket new --type incident --priority P2 --title '数据库连接失败' --body 'ORA-12541 "无监听"; DROP TABLE tickets;' --asset SRV-001 -q
expect_rc 0 "ticket new with a Chinese title"
expect_eq 1 "$OUT" "the first ticket is 1"
run ticket new --title 'printer jam' --reporter 王芳 -q
expect_eq 2 "$OUT" "ids follow on"
run ticket new --title '网络中断 in building B' -q
expect_eq 3 "$OUT" "a third ticket"

run ticket list
expect_rc 0 "ticket list"
expect_out "数据库连接失败" "the list shows the Chinese title"
expect_out "printer jam" "the list shows every open ticket"
run ticket show 1
expect_out 'ORA-12541 "无监听"; DROP TABLE tickets;' "show prints the body exactly"
expect_out "Response SLA" "show has the response clock"

# Search: two Chinese characters (the bigram index), one character, any case, SQL as text.
run ticket list --search 连接
expect_out "数据库连接失败" "a 2-character Chinese substring finds the ticket"
expect_no_out "printer" "and only tickets holding it"
run ticket list --search 库
expect_out "数据库连接失败" "one character finds it too"
run ticket list --search 'PRINTER'
expect_out "printer jam" "search ignores case"
run ticket list --search "DROP TABLE"
expect_out "数据库连接失败" "SQL-looking text is searched as text"
run ticket list --search "%"
expect_no_out "printer" "% is a character, not a wildcard"

run ticket comment 2 '换了硒鼓' --spent 15m
expect_rc 0 "comment"
run ticket list --search 硒鼓
expect_out "printer jam" "a comment's words are found"
run ticket assign 1 lina
expect_rc 0 "assign"
run ticket move 1 in-progress
run ticket resolve 1 --resolution 重启监听
expect_rc 0 "resolve"
run ticket close 1 --satisfaction 5
expect_rc 0 "close"
run ticket list
expect_no_out "数据库连接失败" "a closed ticket leaves the default list"
run ticket list --closed
expect_out "数据库连接失败" "--closed lists it"

run db info
expect_rc 0 "db info"
expect_out "$URL" "db info names the URL"
expect_out "postgresql" "db info names the engine"
expect_no_out "opsctl_schema" "the driver's tables are not listed"
run --format json db info
expect_true "db info counts the rows" python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert d['rows_tickets']==3 and d['schema_version']==int(sys.argv[2]), d" "$OUT" "$version"
run db check
expect_rc 0 "db check passes"
expect_out "hash chain intact" "the event chain verifies"
expect_out "records match their events" "the records match their digests"

# A row changed behind opsctl's back is found, as on SQLite.
pg_sql -d "$PG_DB" "UPDATE tickets SET title = 'tampered' WHERE id = 2" >/dev/null
run db check
expect_rc 1 "db check fails on a tampered row"
pg_sql -d "$PG_DB" "UPDATE tickets SET title = 'printer jam' WHERE id = 2" >/dev/null

# db backup: a pg_dump in custom format, which pg_restore loads into a database that then
# passes db check (the chain and the records came along).
run db backup "$WORK/ops.dump"
expect_rc 0 "db backup on PostgreSQL"
expect_out "copied" "db backup says what it copied"
expect_true "the copy is private" test "$(stat -c %a "$WORK/ops.dump")" = 600
MAIN_DB=$PG_DB
pg_new_database template0 "ENCODING 'UTF8' LOCALE 'C.UTF-8'"
expect_true "pg_restore loads the copy" "$OPSCTL_PG_BIN/pg_restore" --no-owner -h "$OPSCTL_PG_HOST" -d "$PG_DB" "$WORK/ops.dump"
run --db "$PG_URL" db check
expect_rc 0 "the restored copy passes db check"
run --db "$PG_URL" ticket list --search 硒鼓
expect_out "printer jam" "the restored copy's search works"
PG_DB=$MAIN_DB

# Two writers at once: both wait their turn on the lock row and both succeed.
OPSCTL_NOW=2026-10-09T11:00:00+08:00 "$BIN" ticket new --title '并发一' -q >"$WORK/w1" 2>&1 &
p1=$!
OPSCTL_NOW=2026-10-09T11:00:00+08:00 "$BIN" ticket new --title '并发二' -q >"$WORK/w2" 2>&1 &
p2=$!
wait $p1
r1=$?
wait $p2
r2=$?
expect_eq "0 0" "$r1 $r2" "two concurrent writers both succeed ($(cat "$WORK/w1" "$WORK/w2"))"
expect_eq "4 5" "$(sort -n "$WORK/w1" "$WORK/w2" | tr '\n' ' ' | sed 's/ $//')" "they get different ids"
run db check
expect_rc 0 "the chain holds after concurrent writes"

# A writer that cannot get the lock within the busy timeout exits 75, as on SQLite.
"$OPSCTL_PG_BIN/psql" -X -q -h "$OPSCTL_PG_HOST" -d "$PG_DB" \
    -c "BEGIN; SELECT 1 FROM opsctl_schema FOR UPDATE; SELECT pg_sleep(3); COMMIT" >/dev/null 2>&1 &
holder=$!
for _ in $(seq 50); do
    [ "$(pg_sql "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE d.datname = '$PG_DB' AND l.mode = 'RowShareLock'")" -gt 0 ] && break
    sleep 0.1
done
OPSCTL_BUSY_TIMEOUT=200 run ticket new --title 'blocked'
expect_rc 75 "a writer that waits past the busy timeout exits 75"
expect_err "is locked by another process" "the error says the database is locked"
wait $holder

# Passwords never go in the URL: refused, and never printed.
run --db 'postgresql://ops:s3cret@db.example/opsctl' ticket list
expect_rc 64 "a URL with user:password@ is refused"
expect_err ".pgpass" "the hint names .pgpass"
expect_true "the password is not printed" bash -c '! grep -q s3cret <<<"$1"' _ "$ERR$OUT"
run --db 'postgres:///opsctl?host=/tmp&pass%77ord=s3cret' ticket list
expect_rc 64 "a password= parameter is refused, however it is spelt"
expect_true "that password is not printed either" bash -c '! grep -q s3cret <<<"$1"' _ "$ERR$OUT"
OPSCTL_DB='postgresql://ops:s3cret@db.example/opsctl' run ticket list
expect_rc 64 "\$OPSCTL_DB with a password is refused"
expect_err "PGPASSFILE" "the hint names PGPASSFILE"
# site.database: the same URL forms, from the policy (a password there is a policy problem).
printf 'site:\n  database: "postgresql://ops:s3cret@db.example/opsctl"\n' >"$OPSCTL_CONFIG/policies/zz-db.yaml"
OPSCTL_DB= run ticket list
expect_rc 78 "site.database with a password is refused as a policy problem"
expect_err "site.database" "the error names where the URL came from"
expect_true "that password is not printed" bash -c '! grep -q s3cret <<<"$1"' _ "$ERR$OUT"
printf 'site:\n  database: "%s"\n' "$URL" >"$OPSCTL_CONFIG/policies/zz-db.yaml"
OPSCTL_DB= run ticket list --search 连接
expect_out "数据库连接失败" "site.database names the PostgreSQL database"
OPSCTL_DB= run policy path
expect_out "site.database in the policy" "policy path says the policy chose it"
rm "$OPSCTL_CONFIG/policies/zz-db.yaml"

# Two hosts running init at once on an empty database: both succeed, one schema results.
pg_new_database template0 "ENCODING 'UTF8' LOCALE 'C.UTF-8'"
"$BIN" init --db "$PG_URL" >"$WORK/i1" 2>&1 &
p1=$!
"$BIN" init --db "$PG_URL" >"$WORK/i2" 2>&1 &
p2=$!
wait $p1
r1=$?
wait $p2
r2=$?
expect_eq "0 0" "$r1 $r2" "two inits at once both succeed ($(cat "$WORK/i1" "$WORK/i2"))"
expect_eq "$version" "$(pg_sql -d "$PG_DB" "SELECT version FROM opsctl_schema")" "the schema is at the current version once"
run --db "$PG_URL" db check
expect_rc 0 "the database two inits made passes db check"

# A database whose LC_CTYPE is C cannot tell Chinese letters apart: init refuses it.
pg_new_database template0 "ENCODING 'UTF8' LOCALE 'C'"
run init --db "$PG_URL"
expect_rc 65 "init refuses a C-locale database"
expect_err "LC_CTYPE is 'C'" "the error names the locale"
expect_err "C.UTF-8" "the hint names a locale to use"
expect_eq 0 "$(pg_sql -d "$PG_DB" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" "nothing was created"

# SQLite commands never load libpq; PostgreSQL ones load it on first use.
OPSCTL_DB="$WORK/ops.db" "$BIN" init >/dev/null 2>&1
LD_DEBUG=files OPSCTL_DB="$WORK/ops.db" "$BIN" ticket list >/dev/null 2>"$WORK/ld-sqlite"
expect_true "a SQLite command does not load libpq" bash -c '! grep -q "libpq" "$1"' _ "$WORK/ld-sqlite"
LD_DEBUG=files "$BIN" ticket list >/dev/null 2>"$WORK/ld-pg"
expect_true "a PostgreSQL command loads libpq" grep -q "libpq.so.5" "$WORK/ld-pg"

finish
