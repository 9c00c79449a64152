#!/usr/bin/env bash
# Records that prove themselves beyond tickets and assets: backup runs (with their
# verifications, restore drills and prunes), inspection runs (with their results, manual answers
# included), roster overrides, handovers and attendance. What opsctl writes checks clean; a row
# changed, inserted or deleted with the sqlite3 shell makes `opsctl db check` exit 1 naming the
# record and its table.
source "$(dirname "$0")/lib.sh"

init_sample
export OPSCTL_NOW=2026-10-09T10:00:00+08:00

run backup run --all
expect_rc 0 "the sample backup jobs run"
run -q backup list policy
PR=$OUT
run backup verify
expect_rc 0 "the backups verify"
run backup restore "$PR" --to "$WORK/drill"
expect_rc 0 "a restore drill"
# Retention: runs pruned, their files deleted and the prunes recorded.
cat >"$WORK/cfg/policies/test-jobs.yaml" <<YAML
backups:
  keepers:
    kind: archive
    paths: [policies]
    dest: backups/keepers
    keep: {daily: 1}
YAML
for day in 01 02 03; do
    OPSCTL_NOW=2026-10-${day}T10:00:00+08:00 run -q backup run keepers
done
run backup prune keepers
expect_rc 0 "a prune"
PRUNED=$(sqlite3 "$WORK/ops.db" "SELECT min(run_id) FROM backup_prunes")
expect_true "the prune is recorded" test -n "$PRUNED"

run inspect run daily
expect_rc 0 "the daily checklist runs"
run --format json inspect run weekly-hardware </dev/null
RUN=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])[0]['run'])" "$OUT")
run inspect record "$RUN" cables --status ok --note "全部牢固"
expect_rc 0 "a manual item is answered"
run inspect record "$RUN" noise --status fail --note "2号机柜风扇异响"
expect_rc 0 "a failing answer changes the run's status"

run -q roster override add --rotation ops-primary --person zhangwei --from "2026-10-09 12:00" --to "2026-10-09 15:00" --note "看牙医"
OV=$OUT
run -q roster override add --rotation ops-primary --person liuyang --from "2026-10-10 12:00" --to "2026-10-10 15:00"
GONE=$OUT
run roster override remove "$GONE"
expect_rc 0 "an override is removed"
run --as alice roster handover --note "交换机 3 号口松动"
expect_rc 0 "a handover"
OPSCTL_NOW=2026-10-09T09:20:00+08:00 run --as wangfang roster checkin
OPSCTL_NOW=2026-10-09T18:20:00+08:00 run --as wangfang roster checkout
expect_rc 0 "a check-in and check-out"

run db check
expect_rc 0 "what opsctl wrote checks clean"
expect_out "records match their events" "db check reports the records"
expect_no_out "not compared" "every record written now carries a digest"

# tamper NAME SQL: runs SQL on a copy of the database and sets OUT/ERR/RC of db check on it.
tamper() {
    local copy="$WORK/$1.db"
    rm -f "$copy" "$copy-wal" "$copy-shm"
    (umask 077 && sqlite3 "$WORK/ops.db" ".backup '$copy'")
    sqlite3 "$copy" "$2"
    OPSCTL_DB="$copy" run db check
}

tamper backup-status "UPDATE backup_runs SET status = 'failed' WHERE id = $PR"
expect_rc 1 "a backup run edited in the sqlite3 shell fails db check"
expect_out "backup run $PR does not match its newest event" "db check names the backup run"
expect_out "'backup_runs' row $PR" "and its table"

tamper backup-verify "UPDATE backup_verifications SET ok = 0, detail = 'x' WHERE run_id = $PR"
expect_rc 1 "a verification edited in the sqlite3 shell fails db check"
expect_out "backup run $PR does not match" "the run the verification belongs to is named"

tamper backup-drill "DELETE FROM backup_restores"
expect_rc 1 "a restore drill deleted in the sqlite3 shell fails db check"
expect_out "backup run $PR does not match" "the run of the drill is named"

tamper backup-prune "UPDATE backup_prunes SET size_bytes = 0 WHERE run_id = $PRUNED"
expect_rc 1 "a prune record edited in the sqlite3 shell fails db check"
expect_out "backup run $PRUNED does not match" "the pruned run is named"

tamper backup-insert "INSERT INTO backup_runs (id, job, kind, started_at, finished_at, status, actor) \
    VALUES (99, 'policy', 'archive', 0, 1, 'success', 'root')"
expect_rc 1 "a backup run inserted in the sqlite3 shell fails db check"
expect_out "backup run 99 has no event" "the inserted run is named"

tamper backup-delete "DELETE FROM backup_verifications WHERE run_id = $PR; DELETE FROM backup_restores WHERE run_id = $PR; DELETE FROM backup_runs WHERE id = $PR"
expect_rc 1 "a backup run deleted in the sqlite3 shell fails db check"
expect_out "backup run $PR was removed outside opsctl" "the deleted run is named"

tamper inspect-run "UPDATE inspect_runs SET status = 0 WHERE id = $RUN"
expect_rc 1 "an inspection run's status edited in the sqlite3 shell fails db check"
expect_out "inspection run $RUN does not match its newest event" "db check names the run"
expect_out "'inspect_results'" "and the tables its rows live in"

tamper inspect-result "UPDATE inspect_results SET status = 0, message = 'ok' WHERE run_id = $RUN AND item = 'noise'"
expect_rc 1 "a failed result turned ok in the sqlite3 shell fails db check"
expect_out "inspection run $RUN does not match" "the result's run is named"

tamper inspect-add "INSERT INTO inspect_results (run_id, checklist, item, kind, target, status) \
    VALUES ($RUN, 'weekly-hardware', 'extra', 'manual', 'local', 0)"
expect_rc 1 "a result added to a run in the sqlite3 shell fails db check"
expect_out "inspection run $RUN does not match" "the run is named"

tamper inspect-insert "INSERT INTO inspect_runs (id, checklist, started_at, status, actor) VALUES (77, 'daily', 0, 0, 'root')"
expect_rc 1 "an inspection run inserted in the sqlite3 shell fails db check"
expect_out "inspection run 77 has no event" "the inserted run is named"

tamper override "UPDATE roster_overrides SET person = 'lina' WHERE id = $OV"
expect_rc 1 "an override edited in the sqlite3 shell fails db check"
expect_out "roster override $OV does not match its newest event" "db check names the override"
expect_out "'roster_overrides' row $OV" "and its table"

tamper override-back "INSERT INTO roster_overrides (id, rotation, person, starts_at, ends_at, created_at, created_by) \
    VALUES ($GONE, 'ops-primary', 'liuyang', 1, 2, 0, 'root')"
expect_rc 1 "a removed override put back in the sqlite3 shell fails db check"
expect_out "roster override $GONE was removed by opsctl and is back" "db check names it"

tamper override-delete "DELETE FROM roster_overrides WHERE id = $OV"
expect_rc 1 "an override deleted in the sqlite3 shell fails db check"
expect_out "roster override $OV was removed outside opsctl" "db check names the deleted override"

tamper handover "UPDATE roster_handovers SET note = '一切正常'"
expect_rc 1 "a handover edited in the sqlite3 shell fails db check"
expect_out "handover 1 does not match" "db check names the handover"

tamper attendance "UPDATE roster_attendance SET checkout_at = checkout_at + 7200"
expect_rc 1 "an attendance record edited in the sqlite3 shell fails db check"
expect_out "attendance record 1 does not match" "db check names the attendance record"

tamper same "UPDATE backup_runs SET status = status; UPDATE inspect_results SET note = note"
expect_rc 0 "writing the same values back is no change"

# opsctl's own later changes keep the records clean: a prune, another answer, another run.
run inspect record "$RUN" dust --status ok
expect_rc 0 "another answer"
OPSCTL_NOW=2026-10-09T11:00:00+08:00 run backup run policy
expect_rc 0 "another backup run"
run db check
expect_rc 0 "the database still checks clean after more changes"

finish
