#!/usr/bin/env bash
# PostgreSQL: a write transaction that fails with a serialization failure (SQLSTATE 40001) or
# a deadlock (40P01) runs again from its start, a bounded number of times within the busy
# timeout, and then exits 75; nothing of a failed attempt stays. The conflicts are made by a
# trigger on events that raises the SQLSTATE for the first N inserts (a sequence counts them:
# sequences are not rolled back). Needs the CTest fixture "postgresql"; skips without it.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_pg.sh"
pg_require

export OPSCTL_NOW=2026-10-09T10:00:00+08:00
pg_new_database
export OPSCTL_DB=$PG_URL
init_sample

pg_sql -d "$PG_DB" "
CREATE TABLE t_inject (failures BIGINT NOT NULL, state TEXT NOT NULL);
INSERT INTO t_inject VALUES (0, '40001');
CREATE SEQUENCE t_attempts;
CREATE FUNCTION t_conflict() RETURNS trigger LANGUAGE plpgsql AS \$\$
DECLARE f BIGINT; s TEXT;
BEGIN
    SELECT failures, state INTO f, s FROM t_inject;
    IF nextval('t_attempts') <= f THEN
        RAISE EXCEPTION 'injected conflict %', s USING ERRCODE = s;
    END IF;
    RETURN NEW;
END
\$\$;
CREATE TRIGGER t_conflict BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION t_conflict();" >/dev/null

# inject N STATE: the next N event inserts fail with STATE.
inject() {
    pg_sql -d "$PG_DB" "UPDATE t_inject SET failures = $1, state = '$2'; ALTER SEQUENCE t_attempts RESTART" >/dev/null
}
count() { pg_sql -d "$PG_DB" "$1"; }

inject 3 40001
run ticket new --title '重试的工单' --body 'serialization failure, three times' -q
expect_rc 0 "a ticket whose transaction hits 3 serialization failures is still created"
id=$OUT
expect_eq 1 "$(count "SELECT count(*) FROM tickets WHERE title = '重试的工单'")" "it is there exactly once"
expect_eq 1 "$(count "SELECT count(*) FROM events WHERE entity = 'ticket' AND entity_id = '$id' AND action = 'created'")" \
    "with exactly one event"
expect_true "the transaction ran 4 times" test "$(count "SELECT last_value FROM t_attempts")" -ge 4

inject 2 40P01
run ticket comment "$id" '死锁之后的评论'
expect_rc 0 "a comment whose transaction hits 2 deadlocks is still written"
expect_eq 1 "$(count "SELECT count(*) FROM ticket_comments WHERE body = '死锁之后的评论'")" "the comment is there once"

inject 2 40001
run ticket assign "$id" lina
expect_rc 0 "an assignment retried after conflicts"
expect_eq "lina" "$(count "SELECT assignee FROM tickets WHERE id = $id")" "is applied"
expect_eq 1 "$(count "SELECT count(*) FROM events WHERE entity_id = '$id' AND action = 'assigned'")" "once"

inject 1 40001
run asset add --class server --name "db-重试" --tag SRV-RETRY --set memory_gb=64
expect_rc 0 "asset add retried after a conflict"
expect_eq 1 "$(count "SELECT count(*) FROM assets WHERE tag = 'SRV-RETRY'")" "the asset is there once"

# A conflict that never ends: bounded attempts, then 75 and nothing written.
inject 1000 40001
run ticket new --title '永远冲突' -q
expect_rc 75 "a transaction that keeps conflicting exits 75 (busy)"
expect_err "conflicted with another one" "the error says why"
expect_err "try again" "and what to do"
expect_eq 0 "$(count "SELECT count(*) FROM tickets WHERE title = '永远冲突'")" "nothing of it is written"
attempts=$(count "SELECT last_value FROM t_attempts")
expect_true "it ran a bounded number of times ($attempts)" test "$attempts" -ge 2 -a "$attempts" -le 8

# Within the busy timeout: with none, the first conflict is the answer.
inject 1000 40P01
OUT=$(OPSCTL_BUSY_TIMEOUT=0 "$BIN" ticket new --title 'no wait' -q 2>"$WORK/.stderr")
RC=$?
ERR=$(cat "$WORK/.stderr")
expect_rc 75 "with no busy timeout a conflict exits 75 at once"
expect_err "1 time" "after one attempt"

# Other failures are not retried: a constraint is an answer, not a race.
inject 0 40001
run ticket new --title 'dup source' --source 'mail:1' -q
run ticket new --title 'dup source again' --source 'mail:1' -q
expect_rc 65 "a duplicate source is refused once, not retried"

pg_sql -d "$PG_DB" "DROP TRIGGER t_conflict ON events; DROP TABLE t_inject" >/dev/null
run db check
expect_rc 0 "db check passes after the retried and the failed transactions"
expect_out "hash chain intact" "the chain is whole"

finish
