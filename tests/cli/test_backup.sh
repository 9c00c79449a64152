#!/usr/bin/env bash
# backup run/list/show/verify/prune/status/restore on the sample policy and on test jobs.
source "$(dirname "$0")/lib.sh"

init_sample
export OPSCTL_NOW=2026-10-09T10:00:00+08:00
B="$WORK/backups"

run policy check
expect_rc 0 "the sample policy with backup jobs is valid"

run backup status
expect_rc 3 "status is UNKNOWN before any run"
expect_out "never ran" "status says the jobs never ran"

run backup run policy --all
expect_rc 64 "run with jobs and --all is a usage error"
run backup run nosuch
expect_rc 65 "an unknown job exits 65, as every value the policy does not define"
expect_err "known: opsctl-db, policy" "unknown job lists the known ones"

run backup run --all
expect_rc 0 "the sample jobs run"
expect_out "success" "run reports success"
expect_true "the policy archive is under its final name" bash -c "ls >/dev/null '$B'/policy/policy-*-r*.tar.zst"
expect_true "the database backup is under its final name" bash -c "ls >/dev/null '$B'/opsctl-db/opsctl-db-*-r*.tar.zst"
expect_eq "0" "$(find "$B" -name '*.partial' | wc -l)" "no temporary files are left"
expect_eq "700" "$(stat -c %a "$B/policy")" "backup folders are private"

run --format json backup list
expect_rc 0 "list in JSON"
expect_true "list has two successful runs with checksums" python3 -c "
import json,sys; d=json.loads(sys.argv[1]); assert len(d)==2, d
assert all(r['status']=='success' and r['size_bytes']>0 and r['files']>0 for r in d), d" "$OUT"

run -q backup list policy
PR=$OUT
run -q backup list opsctl-db
DR=$OUT
run backup show "$PR"
expect_rc 0 "show a run"
expect_out "SHA-256" "show prints the checksum"
expect_out ".opsctl-manifest.json" "show says where the manifest is"

run backup status
expect_rc 1 "status is WARNING before verification"
expect_out "never verified" "status says the backups were never verified"

run backup verify
expect_rc 0 "the fresh backups verify"
expect_out "members match the manifest" "the database job verifies deep (verify: restore)"
expect_out "checksum matches" "the policy job verifies its checksum"

run backup status
expect_rc 0 "status is OK once fresh and verified"
OPSCTL_NOW=2026-10-12T10:00:00+08:00 run backup status
expect_rc 2 "status is CRITICAL past max_age"
expect_out "past max_age" "status says which job is too old"

OPSCTL_NOW=2026-10-09T11:00:00+08:00 run backup run --all --due
expect_rc 0 "run --due"
expect_out "not due" "jobs that ran an hour ago are not due"
OPSCTL_NOW=2026-10-09T11:00:00+08:00 run backup run
expect_rc 0 "a bare run (as from cron) runs what is due"
expect_out "not due" "a bare run skips jobs that are not due"

# Restore drills.
run backup restore "$DR" --to "$WORK/r1"
expect_rc 0 "restore the database backup"
DBFILE=$(find "$WORK/r1" -name ops.db)
expect_true "the restored database is a readable SQLite file" python3 -c "
import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); assert c.execute('select count(*) from events').fetchone()[0] > 0" "$DBFILE"
run backup restore "$DR" --to "$WORK/r1"
expect_rc 1 "restore refuses a non-empty target"
expect_err "is not empty" "restore says the target is not empty"
run backup restore "$PR" --to "$WORK/r2" --only "$WORK/cfg/policies/backups.yaml"
expect_rc 0 "restore --only one file"
expect_true "only the chosen file is restored" test -f "$WORK/r2$WORK/cfg/policies/backups.yaml"
expect_true "other files are not restored" test ! -e "$WORK/r2$WORK/cfg/opsctl.yaml"
run backup show "$DR"
expect_out "Restore drills" "show lists restore drills"
expect_true "the drill is recorded" python3 -c "
import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); assert c.execute('select count(*) from backup_restores where ok=1').fetchone()[0] == 2" "$WORK/ops.db"

# Damaged archives: truncated, altered, missing -> exit 2 naming which.
ARCH=$(ls "$B"/policy/policy-*.tar.zst)
cp "$ARCH" "$WORK/orig.tar.zst"
truncate -s -100 "$ARCH"
run backup verify policy
expect_rc 2 "a truncated archive fails verification"
expect_err "truncated" "verify says truncated"
run backup verify "$PR" --deep
expect_rc 2 "a truncated archive fails deep verification"
expect_err "truncated" "deep verify says truncated"
cp "$WORK/orig.tar.zst" "$ARCH"
python3 -c "
import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[len(b)//2]^=0xff; open(p,'wb').write(b)" "$ARCH"
run backup verify "$PR"
expect_rc 2 "an altered archive fails verification"
expect_err "altered" "verify says altered"
expect_err "run $PR ('policy')" "verify names the run and job"
rm "$ARCH"
run backup verify "$PR"
expect_rc 2 "a missing archive fails verification"
expect_err "missing" "verify says missing"
run backup status policy
expect_rc 2 "a failed verification makes status CRITICAL"
cp "$WORK/orig.tar.zst" "$ARCH"
run backup verify "$PR"
expect_rc 0 "the put-back archive verifies again"

# Archives with members escaping the target are refused as a whole (a symlink is data,
# wherever it points, but nothing is written through one).
for kind in dotdot absolute symlink; do
    python3 - "$WORK/evil.tar" "$kind" <<'PY'
import io, sys, tarfile
path, kind = sys.argv[1], sys.argv[2]
with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tf:
    ok = tarfile.TarInfo("fine.txt"); ok.size = 3
    tf.addfile(ok, io.BytesIO(b"ok\n"))
    if kind == "symlink":
        ti = tarfile.TarInfo("link"); ti.type = tarfile.SYMTYPE; ti.linkname = "/etc"
        tf.addfile(ti)
        ti = tarfile.TarInfo("link/x"); ti.size = 4
        tf.addfile(ti, io.BytesIO(b"bad\n"))
    else:
        ti = tarfile.TarInfo("../x" if kind == "dotdot" else "/etc/x"); ti.size = 4
        tf.addfile(ti, io.BytesIO(b"bad\n"))
PY
    zstd -q -f "$WORK/evil.tar" -o "$ARCH"
    run backup restore "$PR" --to "$WORK/evil-$kind"
    expect_rc 65 "restore refuses an archive with a $kind member"
    expect_err "outside" "restore says the $kind member lands outside"
    expect_eq "0" "$(find "$WORK/evil-$kind" -mindepth 1 | wc -l)" "nothing is written for a $kind member"
done
expect_true "nothing escaped the target" test ! -e "$WORK/x"
cp "$WORK/orig.tar.zst" "$ARCH"

# Test jobs: a failing archive, commands, a large tree for the kill test, retention.
mkdir -p "$WORK/big"
for i in 1 2 3 4 5 6 7 8; do head -c 16M /dev/urandom >"$WORK/big/f$i"; done
cat >"$WORK/cfg/policies/test-jobs.yaml" <<YAML
backups:
  broken:
    kind: archive
    paths: [$WORK/does-not-exist]
    dest: backups/broken
  stdout:
    kind: command
    command: [sh, -c, "echo hello from stdout"]
    suffix: .txt
    dest: backups/stdout
  writes-dest:
    kind: command
    command: [sh, -c, 'echo written > "\$1"', sh, "{{dest}}"]
    dest: backups/writes
  failing-cmd:
    kind: command
    command: [sh, -c, "echo boom >&2; exit 3"]
    dest: backups/failing
  big:
    kind: archive
    paths: [$WORK/big]
    dest: backups/big
  keepers:
    kind: archive
    paths: [policies]
    dest: backups/keepers
    keep: {daily: 2}
YAML
run policy check
expect_rc 0 "the test jobs are valid"

run backup run broken
expect_rc 1 "a failing job exits 1"
expect_err "cannot read" "the failure says what could not be read"
run --format json backup list broken
expect_true "the failed run is recorded with its error" python3 -c "
import json,sys; d=json.loads(sys.argv[1]); assert d[0]['status']=='failed' and 'cannot read' in d[0]['error'], d" "$OUT"

run backup run stdout writes-dest
expect_rc 0 "command jobs run"
expect_eq "hello from stdout" "$(cat "$B"/stdout/stdout-*.txt)" "stdout is saved as the backup file"
expect_eq "written" "$(cat "$B"/writes/writes-dest-*.out)" "a command can write to {{dest}}"
run backup verify stdout writes-dest
expect_rc 0 "command outputs verify"
run backup run failing-cmd
expect_rc 1 "a failing command fails the run"
expect_err "exited with status 3: boom" "the error quotes the command's stderr"
expect_eq "0" "$(find "$B/failing" -type f -name 'failing-cmd-*' | wc -l)" "a failed command leaves no backup file"

# Kill during a run: no file under a final name, no success record, the next run succeeds.
"$BIN" backup run big >/dev/null 2>&1 &
PID=$!
for _ in $(seq 1 2000); do
    if [ -n "$(find "$B/big" -name '*.partial' -size +1M 2>/dev/null)" ]; then break; fi
    sleep 0.01
done
kill -9 "$PID"
wait "$PID" 2>/dev/null
expect_eq "0" "$(find "$B/big" -name 'big-*.tar.zst' | wc -l)" "a killed run leaves no file under a final name"
run --format json backup list big
expect_true "a killed run has no success record" python3 -c "
import json,sys; d=json.loads(sys.argv[1]); assert len(d)==1 and d[0]['status']=='running', d" "$OUT"
run backup run big
expect_rc 0 "the run after a kill succeeds"
expect_eq "0" "$(find "$B/big" -name '*.partial' | wc -l)" "the next run removes the leftover"
run --format json backup list big
expect_true "the killed run is recorded as interrupted" python3 -c "
import json,sys; d=json.loads(sys.argv[1]); assert d[0]['status']=='success' and d[1]['status']=='failed' and 'interrupted' in d[1]['error'], d" "$OUT"
# Members and the archive are hashed on their own threads while the data streams through:
# what is recorded must still be exactly what sha256sum says (128 MiB: many buffers).
BIGARCH=$(ls "$B"/big/big-*.tar.zst)
RECORDED=$(python3 -c "
import sqlite3,sys; c=sqlite3.connect(sys.argv[1])
print(c.execute(\"select sha256 from backup_runs where job='big' and status='success'\").fetchone()[0])" "$WORK/ops.db")
expect_eq "$(sha256sum <"$BIGARCH" | cut -d' ' -f1)" "$RECORDED" "the recorded checksum is the archive's SHA-256"
zstd -dc "$BIGARCH" | tar -xOf - .opsctl-manifest.json >"$WORK/manifest.json"
expect_true "every member's SHA-256 in the manifest matches its file" python3 -c "
import hashlib,json,sys
m={e['path']: e for e in json.load(open(sys.argv[1]))['members']}
for i in range(1, 9):
    p=sys.argv[2] + '/f%d' % i
    want=hashlib.sha256(open(p,'rb').read()).hexdigest()
    assert m[p.lstrip('/')]['sha256'] == want, (p, m[p.lstrip('/')])" "$WORK/manifest.json" "$WORK/big"
# Killed after the archive was renamed into place but before the run was recorded: the
# archive was flushed before its rename, so it is complete; the next run records it.
run -q backup run big
sqlite3 "$OPSCTL_DB" "update backup_runs set status = 'running', finished_at = null, path = null where id = $OUT"
stranded=$(find "$B/big" -name "big-*-r$OUT.tar.zst")
expect_true "the stranded archive is there before the next run" test -f "$stranded"
run backup run big
expect_rc 0 "the run after a kill between rename and record succeeds"
expect_true "a complete archive whose run was never recorded is kept" test -f "$stranded"
STRANDED_RUN=$(basename "$stranded" .tar.zst)
STRANDED_RUN=${STRANDED_RUN##*-r}
run backup verify "$STRANDED_RUN"
expect_rc 0 "the next run recorded the stranded archive as a success that verifies"
rm -rf "$WORK/big" "$B/big"

# Retention: five daily runs, keep daily 2. The third is the newest verified, the second is
# recorded outside dest: both are kept; only the first is deleted.
ids=()
for day in 01 02 03 04 05; do
    OPSCTL_NOW=2026-11-${day}T10:00:00+08:00 run -q backup run keepers
    ids+=("$OUT")
done
OPSCTL_NOW=2026-11-05T11:00:00+08:00 run backup verify "${ids[2]}"
expect_rc 0 "verify the third keepers run"
OUTSIDE="$WORK/outside.tar.zst"
mv "$(ls "$B"/keepers/keepers-*-r"${ids[1]}".tar.zst)" "$OUTSIDE"
python3 -c "
import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('update backup_runs set path=? where id=?', (sys.argv[2], int(sys.argv[3]))); c.commit()" "$WORK/ops.db" "$OUTSIDE" "${ids[1]}"
OPSCTL_NOW=2026-11-05T12:00:00+08:00 run backup prune keepers --dry-run
expect_rc 0 "prune --dry-run"
expect_out "kept by daily" "prune says which rule keeps a backup"
expect_out "newest verified" "prune never deletes the newest verified backup"
expect_out "outside dest" "prune never deletes outside dest"
expect_out "would delete" "prune --dry-run says what it would delete"
expect_eq "4" "$(find "$B/keepers" -name '*.tar.zst' | wc -l)" "dry run deletes nothing"
OPSCTL_NOW=2026-11-05T12:00:00+08:00 run backup prune keepers
expect_rc 0 "prune"
expect_out "deleted" "prune reports deletions"
expect_true "the outside file is untouched" test -f "$OUTSIDE"
expect_true "the newest verified backup is kept" bash -c "ls >/dev/null '$B'/keepers/keepers-*-r${ids[2]}.tar.zst"
expect_true "the oldest backup is deleted" bash -c "! ls '$B'/keepers/keepers-*-r${ids[0]}.tar.zst 2>/dev/null"
expect_eq "3" "$(find "$B/keepers" -name '*.tar.zst' | wc -l)" "retention leaves daily 2 plus the newest verified"
expect_true "the deletion is recorded" python3 -c "
import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); assert c.execute('select run_id from backup_prunes').fetchall() == [(int(sys.argv[2]),)]" "$WORK/ops.db" "${ids[0]}"
run backup list keepers
expect_out "success (pruned)" "list marks pruned runs"

# libarchive is opened only when a backup needs it: every other command starts without it
# (and the libraries it pulls in), while the runs above still read and wrote archives.
if command -v ldd >/dev/null; then
    expect_true "the binary does not link libarchive" bash -c "! ldd '$OPSCTL_BIN' | grep -q libarchive"
fi
expect_true "a command without backups does not load libarchive" bash -c "
    ! LD_DEBUG=files '$OPSCTL_BIN' policy check 2>&1 | grep -q libarchive"
expect_true "a deep verification loads libarchive when it needs it" bash -c "
    LD_DEBUG=files '$OPSCTL_BIN' backup verify --deep $PR 2>&1 | grep -q 'file=libarchive.so.13'"

finish
