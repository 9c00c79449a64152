#!/usr/bin/env bash
# Command jobs as real backup tools: restic end to end (back up, verify, deep verify, break
# the repository and see verify fail, restore and compare), captured values, inert
# placeholders, the documented environment and env file, stderr tails, deep refusals.
source "$(dirname "$0")/lib.sh"

init_sample
export OPSCTL_NOW=2026-10-09T10:00:00+08:00
B="$WORK/backups"

# Jobs that need no tool beyond sh.
cat >"$WORK/cfg/policies/jobs.yaml" <<YAML
backups:
  plain:
    kind: command
    command: [sh, -c, "echo plain output"]
    dest: $B/plain
  envy:
    kind: command
    command: [sh, -c, "env | sort"]
    env: [PASS_ME]
    env_file: $WORK/envy.env
    dest: $B/envy
  noisy:
    kind: command
    command: [sh, -c, 'for i in \$(seq 1 30); do echo "noise line \$i" >&2; done; exit 4']
    dest: $B/noisy
  dashy:
    kind: command
    command: [sh, -c, "echo 'id: --delete-all'"]
    capture: {id: 'id: (\\S+)'}
    verify_command: [echo, "{{id}}"]
    dest: $B/dashy
  ctrl:
    kind: command
    command: [printf, 'id: a\\033[31mb\\n']
    capture: {id: 'id: (.*)'}
    dest: $B/ctrl
  nomatch:
    kind: command
    command: [sh, -c, "echo nothing to see"]
    capture: {id: 'snapshot ([0-9a-f]+) saved'}
    dest: $B/nomatch
YAML
printf '# secrets for envy\nFROM_FILE=secret-value-1\nexport QUOTED="two words"\n' >"$WORK/envy.env"
chmod 644 "$WORK/envy.env"

run policy check
expect_rc 0 "the command jobs are valid"

# The env file holds secrets: readable by others, it is refused, without its contents.
PASS_ME=yes NOT_PASSED=leak run backup run envy
expect_rc 1 "a job with an env file others can read fails"
expect_err "has mode 0644" "the error says the env file is readable by others"
if [[ "$ERR" != *secret-value-1* ]]; then pass; else fail "the error does not show the env file's secrets"; fi
chmod 600 "$WORK/envy.env"
PASS_ME=yes NOT_PASSED=leak run backup run envy
expect_rc 0 "with mode 0600 the job runs"
ENVOUT=$(cat "$B"/envy/envy-*.out)
[[ "$ENVOUT" == *"PASS_ME=yes"* ]] && pass || fail "a variable named in 'env' is passed on"
[[ "$ENVOUT" == *"FROM_FILE=secret-value-1"* ]] && pass || fail "the env file's variables are passed"
[[ "$ENVOUT" == *"QUOTED=two words"* ]] && pass || fail "quotes around an env file value are taken off"
[[ "$ENVOUT" == *"OPSCTL_JOB=envy"* ]] && pass || fail "OPSCTL_JOB names the job"
[[ "$ENVOUT" != *"NOT_PASSED"* ]] && pass || fail "a variable not named in 'env' is not passed"
[[ "$ENVOUT" != *"OPSCTL_DB"* ]] && pass || fail "opsctl's own settings are not passed"

# A failing command keeps the last 20 lines of its stderr.
run backup run noisy
expect_rc 1 "a failing command fails the run"
run --format json backup list noisy
expect_true "the recorded error holds the last 20 lines of stderr, not one" python3 -c "
import json,sys; e=json.loads(sys.argv[1])[0]['error']
assert 'exited with status 4' in e, e
assert all('noise line %d' % i in e for i in range(11, 31)), e
assert 'noise line 10' not in e and 'noise line 1\n' not in e, e" "$OUT"

# Captured values are inert: a value that could be read as an option, or holds a control
# character, is refused; a capture that finds nothing fails the run.
run backup run dashy
expect_rc 1 "a captured value starting with '-' fails the run"
expect_err "starts with '-'" "the error says why the value is refused"
run backup run ctrl
expect_rc 1 "a captured value with a control character fails the run"
expect_err "control character" "the error names the control character"
run backup run nomatch
expect_rc 1 "a capture that finds nothing fails the run"
expect_err "capture 'id' found nothing" "the error names the capture"

# --deep on a job that cannot be verified deeply is refused, not a silent checksum.
run backup run plain
expect_rc 0 "the plain command job runs"
run backup verify plain
expect_rc 0 "a plain command job verifies its checksum"
expect_out "checksum matches" "the verification says what it checked"
run backup verify --deep plain
expect_rc 64 "--deep on a command job without a verify command is refused"
expect_err "cannot verify backup job 'plain' deeply" "the refusal names the job"
run --format json backup show "$("$BIN" -q backup list plain -n 1)"
expect_true "the refused deep verification is not recorded" python3 -c "
import json,sys; d=json.loads(sys.argv[1]); assert d['verifications'] == 1, d" "$OUT"

# Policy mistakes are found by policy check: unknown placeholders, restore without
# {{target}}, capture names taken by placeholders, verify: restore without a command.
cp -r "$WORK/cfg" "$WORK/badcfg"
rm "$WORK/badcfg/policies/jobs.yaml"
cat >"$WORK/badcfg/policies/bad.yaml" <<YAML
backups:
  bad:
    kind: command
    command: [restic, backup, /srv]
    capture: {path: 'x (y)'}
    verify_command: [restic, check, "{{snapshto}}"]
    restore_command: [restic, restore, latest]
    dest: $B/bad
  bad2:
    kind: command
    command: [pg_dump, erp]
    verify: restore
    dest: $B/bad2
YAML
run --config "$WORK/badcfg" policy check
expect_rc 78 "a bad command job is a configuration error"
expect_err "unknown placeholder {{snapshto}}" "a misspelt placeholder is named"
expect_err "must name {{target}}" "a restore command without {{target}} is refused"
expect_err "capture name 'path' is taken" "a capture name may not shadow a placeholder"
expect_err "'verify: restore' on kind 'command' needs" "verify: restore needs a deep verify command"

if ! command -v restic >/dev/null; then
    echo "skipping the restic part: restic is not installed (Debian package restic, tools/deps.sh)"
    finish
fi

# restic end to end: the repository password comes from a 0600 file named in the env file.
mkdir -p "$WORK/src/sub"
printf 'alpha\n' >"$WORK/src/a.txt"
head -c 300000 /dev/urandom >"$WORK/src/sub/blob.bin"
printf '中文 file\n' >"$WORK/src/sub/说明.txt"
printf 'correct horse battery staple\n' >"$WORK/restic.pw"
chmod 600 "$WORK/restic.pw"
printf 'RESTIC_REPOSITORY=%s\nRESTIC_PASSWORD_FILE=%s\n' "$WORK/repo" "$WORK/restic.pw" >"$WORK/restic.env"
chmod 600 "$WORK/restic.env"
RESTIC_PASSWORD_FILE="$WORK/restic.pw" restic -q -r "$WORK/repo" init >/dev/null 2>&1
expect_true "the restic repository is initialised" test -f "$WORK/repo/config"

cat >"$WORK/cfg/policies/restic.yaml" <<YAML
backups:
  docs:
    kind: command
    command: [restic, backup, --host, opsctl-test, $WORK/src]
    suffix: .log
    capture: {snapshot: 'snapshot ([0-9a-f]{8,64}) saved'}
    verify_command: [restic, check]
    deep_verify_command: [restic, check, --read-data]
    restore_command: [restic, restore, "{{snapshot}}", --target, "{{target}}"]
    env_file: $WORK/restic.env
    dest: $B/docs
YAML
run policy check
expect_rc 0 "the restic job is valid"
run backup run docs
expect_rc 0 "the restic job backs up"
RUN=$("$BIN" -q backup list docs -n 1)
SNAP=$(RESTIC_PASSWORD_FILE="$WORK/restic.pw" restic -r "$WORK/repo" snapshots --json 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["short_id"])')
run backup show "$RUN"
expect_out "snapshot=$SNAP" "show names the snapshot captured from restic's output"

run backup verify docs
expect_rc 0 "verify runs restic check on the job's repository"
expect_out "'restic' ok" "the verification says the tool's check passed"
run backup verify --deep docs
expect_rc 0 "verify --deep runs restic check --read-data"

run backup restore "$RUN" --to "$WORK/restored"
expect_rc 0 "restore runs restic restore into the target"
expect_true "the restored tree is identical to the source" diff -r "$WORK/src" "$WORK/restored$WORK/src"

# Break the repository: remove one pack file. The checksum of restic's log still matches,
# but verify runs restic check, which fails: CRITICAL.
pack=$(find "$WORK/repo/data" -type f | head -1)
rm -f "$pack"
run backup verify docs
expect_rc 2 "verify fails (CRITICAL) when restic check fails"
expect_out "FAILED" "the verification is reported failed"
expect_err "'restic' exited with status" "the error quotes restic's failure"
run backup status docs
expect_rc 2 "status is CRITICAL after the failed verification"
expect_out "last verification of run $RUN failed" "status says which verification failed"
finish
