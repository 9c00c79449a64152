#!/usr/bin/env bash
# Recording a backup: a run that finished but met a busy database while being recorded
# keeps its complete backup (exit 75, saying so), and the job's next run records it instead
# of deleting it as "interrupted". `backup show` says "ok" once.
source "$(dirname "$0")/lib.sh"

init_sample
export OPSCTL_NOW=2026-10-09T10:00:00+08:00
B="$WORK/backups"

# The job's command starts (when $WORK/hold exists) a process in its own session that takes
# the database's write lock and keeps it until the test kills it (or for two minutes).
cat >"$WORK/hold.py" <<'PY'
import os, signal, sqlite3, sys, time
signal.alarm(120)
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(os.getpid()))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
if os.path.exists(os.path.join(os.path.dirname(sys.argv[2]), "hold-brief")):
    time.sleep(0.5)  # a moment of contention: the lock is released after half a second
    sys.exit(0)
signal.pause()
PY
cat >"$WORK/cfg/policies/hold.yaml" <<YAML
backups:
  held:
    kind: command
    command: [sh, -c, 'echo "finished work"; if [ -e "\$1/hold" ]; then setsid python3 "\$1/hold.py" "\$2" "\$1/holder.pid" </dev/null >/dev/null 2>&1 & while [ ! -s "\$1/holder.pid" ]; do sleep 0.01; done; fi', sh, $WORK, $OPSCTL_DB]
    dest: $B/held
YAML
cleanup() {
    [ -s "$WORK/holder.pid" ] && kill "$(cat "$WORK/holder.pid")" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

run policy check
expect_rc 0 "the test job is valid"

touch "$WORK/hold"
OPSCTL_BUSY_TIMEOUT=100 run backup run held
expect_rc 75 "a finished run that cannot be recorded exits 75"
expect_err "finished but its run" "the error says the backup finished"
expect_err "complete backup is kept" "the error says the backup is kept"
KEPT=$(find "$B/held" -name 'held-*-r*.out')
expect_true "the complete backup is under its final name" test -f "$KEPT"
expect_eq "finished work" "$(cat "$KEPT" 2>/dev/null)" "the kept backup holds the command's output"

kill "$(cat "$WORK/holder.pid")"
while kill -0 "$(cat "$WORK/holder.pid")" 2>/dev/null; do sleep 0.01; done
rm -f "$WORK/hold" "$WORK/holder.pid"
run backup run held
expect_rc 0 "the next run succeeds"
expect_true "the kept backup is not deleted by the next run" test -f "$KEPT"
run --format json backup list held
expect_true "the next run records the kept backup as a success, with a warning" python3 -c "
import json,sys; d=json.loads(sys.argv[1]); assert len(d) == 2, d
old = d[1]
assert old['status'] == 'success' and old['path'] == sys.argv[2], d
assert 'recorded by a later run' in (old.get('error') or ''), d" "$OUT" "$KEPT"
OLD=$("$BIN" -q backup list held | tail -1)
run backup verify "$OLD"
expect_rc 0 "the recorded backup verifies"

# A moment of contention (the lock is held for half a second, longer than the busy timeout)
# is outlasted by retrying: the run is recorded as a success and its backup kept.
touch "$WORK/hold" "$WORK/hold-brief"
OPSCTL_BUSY_TIMEOUT=100 run backup run held
expect_rc 0 "a run whose recording meets a briefly busy database is recorded after retrying"
run --format json backup list held -n 1
expect_true "the retried run is recorded as a success with its backup in place" python3 -c "
import json,os,sys; r=json.loads(sys.argv[1])[0]
assert r['status'] == 'success' and os.path.isfile(r['path']), r" "$OUT"
while [ -s "$WORK/holder.pid" ] && kill -0 "$(cat "$WORK/holder.pid")" 2>/dev/null; do sleep 0.01; done
rm -f "$WORK/hold" "$WORK/hold-brief" "$WORK/holder.pid"

# show prints a verification's result once.
run backup show "$OLD"
expect_out "ok: checksum matches" "show prints the verification"
expect_no_out "ok: ok:" "show does not double the 'ok' prefix"
run backup restore "$OLD" --to "$WORK/r"
run backup show "$OLD"
expect_no_out "ok: ok:" "show does not double the restore drill's 'ok' prefix either"
finish
