#!/usr/bin/env bash
# Files opsctl writes (the review with --out and --out-dir, ticket and asset exports, init's
# sample policy, backup archives) never go through a name someone planted: symlinks to a
# victim file at the final name and at the temporary name the writer would use are left alone,
# the victim is unchanged and the output is a regular file. A write that fails (a file size
# limit, a full file system) exits 1 with a message and leaves no partial or temporary file.
source "$(dirname "$0")/lib.sh"

init_sample
export OPSCTL_NOW=2026-11-05T10:00:00+08:00
for title in '=1+1 磁盘告警' '打印机卡纸' '@SUM(A1) 网络中断' '-5 度机房空调'; do
    OPSCTL_NOW=2026-10-12T10:00:00+08:00 run -q ticket new --title "$title" --body "$(head -c 20000 /dev/zero | tr '\0' x)"
    expect_rc 0 "ticket new '$title'"
done
run -q asset add --class server --name db-01 --owner zhangwei --location 机房A --set memory_gb=64
expect_rc 0 "asset add"

export VICTIM="$WORK/victim"
printf 'precious\n' >"$VICTIM"
# victim_intact DESCRIPTION
victim_intact() {
    expect_eq "precious" "$(cat "$VICTIM")" "$1: the file a planted symlink points to is unchanged"
    printf 'precious\n' >"$VICTIM"
}
# regular FILE DESCRIPTION: FILE is a regular file, not a symlink.
regular() {
    if [ -f "$1" ] && [ ! -L "$1" ]; then pass; else fail "$2: '$1' is not a regular file"; fi
}
# no_temp DIR DESCRIPTION: nothing but the planted names and final files: no temporary file left.
no_temp() {
    local left
    left=$(find "$1" -maxdepth 1 \( -name '*.tmp' -o -name '*.tmp.*' -o -name '*.partial' \) ! -type l | wc -l)
    expect_eq "0" "$left" "$2: no temporary file is left in '$1'"
}

# run_planted PLANT ARGS...: runs opsctl like `run`, after the shell command PLANT has run in
# the very process that then becomes opsctl (exec), so PLANT's $$ is opsctl's pid: the old
# writers named their temporary files after it (".review.md.tmp.<pid>", "opsctl.yaml.tmp<pid>").
run_planted() {
    local plant=$1
    shift
    OUT=$(bash -c "$plant"'
exec "$@"' planted "$BIN" "$@" 2>"$WORK/.stderr")
    RC=$?
    ERR=$(cat "$WORK/.stderr")
}

# report monthly --out-dir: every file the review writes, at its final name and at the
# temporary name of the old writer.
run report monthly --month 2026-10 --out-dir "$WORK/ref"
expect_rc 0 "report monthly --out-dir (reference run)"
NAMES=$(cd "$WORK/ref" && ls)
export NAMES D="$WORK/review"
mkdir -p "$D"
for n in $NAMES; do ln -s "$VICTIM" "$D/$n"; done
run_planted 'for n in $NAMES; do ln -s "$VICTIM" "$D/.$n.tmp.$$"; done' report monthly --month 2026-10 --out-dir "$D"
expect_rc 0 "report monthly --out-dir over planted symlinks"
victim_intact "report monthly --out-dir"
for n in $NAMES; do regular "$D/$n" "report monthly --out-dir"; done
expect_eq "$(cat "$WORK/ref/review.md")" "$(cat "$D/review.md")" "the review written over planted names is the whole review"
expect_eq "644" "$(stat -c %a "$D/review.md")" "the review's files are 0644"
no_temp "$D" "report monthly --out-dir"

# report monthly --out FILE
export F="$WORK/out/review.md"
mkdir -p "$WORK/out"
ln -s "$VICTIM" "$F"
run_planted 'ln -s "$VICTIM" "$(dirname "$F")/.$(basename "$F").tmp.$$"' report monthly --month 2026-10 --out "$F"
expect_rc 0 "report monthly --out over planted symlinks"
victim_intact "report monthly --out"
regular "$F" "report monthly --out"
no_temp "$WORK/out" "report monthly --out"

# ticket export -o and asset export -o: the old writers opened the final name itself.
ln -s "$VICTIM" "$WORK/out/tickets.csv"
run ticket export -o "$WORK/out/tickets.csv"
expect_rc 0 "ticket export -o over a planted symlink"
victim_intact "ticket export -o"
regular "$WORK/out/tickets.csv" "ticket export -o"
expect_eq "600" "$(stat -c %a "$WORK/out/tickets.csv")" "a ticket export is 0600"
ln -s "$VICTIM" "$WORK/out/assets.csv"
run asset export -o "$WORK/out/assets.csv"
expect_rc 0 "asset export -o over a planted symlink"
victim_intact "asset export -o"
regular "$WORK/out/assets.csv" "asset export -o"
expect_eq "600" "$(stat -c %a "$WORK/out/assets.csv")" "an asset export is 0600"
no_temp "$WORK/out" "exports"

# inspect run --out: a node_exporter textfile, where the shipped cron line used to redirect
# to the fixed name opsctl.prom.tmp.
ln -s "$VICTIM" "$WORK/out/opsctl.prom"
ln -s "$VICTIM" "$WORK/out/opsctl.prom.tmp"
run inspect run daily --no-record --format prometheus --out "$WORK/out/opsctl.prom"
if [ "$RC" -le 3 ]; then pass; else fail "inspect run --out exits as a plugin (0-3)"; fi
victim_intact "inspect run --out"
regular "$WORK/out/opsctl.prom" "inspect run --out"
expect_true "the textfile holds the metrics" grep -q '^opsctl_inspect_run_status' "$WORK/out/opsctl.prom"
expect_eq "" "$OUT" "with --out nothing goes to standard output"
expect_eq "644" "$(stat -c %a "$WORK/out/opsctl.prom")" "the textfile is 0644, for node_exporter"
no_temp "$WORK/out" "inspect run --out"

# roster show --out: a calendar that others subscribe to, where the manual used to redirect.
ln -s "$VICTIM" "$WORK/out/duty.ics"
run --format ics roster show --month 2026-11 --out "$WORK/out/duty.ics"
expect_rc 0 "roster show --out over a planted symlink"
victim_intact "roster show --out"
regular "$WORK/out/duty.ics" "roster show --out"
expect_true "the calendar is whole" grep -q '^END:VCALENDAR' "$WORK/out/duty.ics"
expect_eq "" "$OUT" "with --out nothing goes to standard output"
expect_eq "644" "$(stat -c %a "$WORK/out/duty.ics")" "the calendar is 0644"
no_temp "$WORK/out" "roster show --out"

# init: the sample policy's files, at their temporary names ("<file>.tmp<pid>") in a new
# folder, and at their final names with --force.
export C="$WORK/cfg2"
mkdir -p "$C/policies"
SAMPLE=$(cd "$OPSCTL_CONFIG" && find . -type f \( -name '*.yaml' -o -name '*.md' \) | sed 's|^\./||')
export SAMPLE
run_planted 'for n in $SAMPLE; do ln -s "$VICTIM" "$C/$n.tmp$$"; done' --config "$C" init --no-db
expect_rc 0 "init over planted temporary names"
victim_intact "init"
for n in $SAMPLE; do regular "$C/$n" "init"; done
expect_eq "644" "$(stat -c %a "$C/opsctl.yaml")" "sample policy files are 0644"
rm -f "$C"/*.tmp* "$C"/policies/*.tmp*
for n in $SAMPLE; do ln -sf "$VICTIM" "$C/$n"; done
run --config "$C" init --no-db --force
expect_rc 0 "init --force over planted symlinks"
victim_intact "init --force"
for n in $SAMPLE; do regular "$C/$n" "init --force"; done
no_temp "$C" "init"
no_temp "$C/policies" "init"

# backup run: the archive's final name (its time stamp and run id are known in advance).
# (A relative dest is under the database's folder.)
B="$(dirname "$OPSCTL_DB")/backups/policy"
mkdir -p "$B"
ln -s "$VICTIM" "$B/policy-20261105T020000Z-r1.tar.zst"
ln -s "$VICTIM" "$B/.policy-20261105T020000Z-r1.tar.zst.partial"
run backup run policy
expect_rc 0 "backup run over planted symlinks"
victim_intact "backup run"
regular "$B/policy-20261105T020000Z-r1.tar.zst" "backup run"
expect_eq "600" "$(stat -c %a "$B/policy-20261105T020000Z-r1.tar.zst")" "an archive is 0600"
no_temp "$B" "backup run"

# A file size limit: the write fails part way (EFBIG). opsctl says so, exits 1, removes its
# temporary file and leaves the old file alone; it is not killed by SIGXFSZ. (The limit leaves
# room for SQLite's 32 KiB shared-memory file; the export is 80 KiB.)
mkdir -p "$WORK/limit"
printf 'old\n' >"$WORK/limit/tickets.csv"
OUT=$(prlimit --fsize=40000 -- "$BIN" ticket export -o "$WORK/limit/tickets.csv" 2>"$WORK/.stderr")
RC=$?
ERR=$(cat "$WORK/.stderr")
expect_rc 1 "ticket export past a file size limit"
expect_err "cannot write '$WORK/limit/tickets.csv'" "the error names the file"
expect_err "File too large" "the error says why"
expect_eq "old" "$(cat "$WORK/limit/tickets.csv")" "the old export is unchanged"
expect_eq "tickets.csv" "$(ls -A "$WORK/limit")" "no partial or temporary file is left"

# A full file system (a 1 MiB tmpfs, filled but for one page), in a mount namespace of its
# own so that nothing outlives the test. Needs root; skipped where mounting is not possible.
MNT="$WORK/mnt"
mkdir -p "$MNT"
if command -v unshare >/dev/null && unshare -m --propagation private true 2>/dev/null; then
    OUT=$(unshare -m --propagation private bash -c '
        mount -t tmpfs -o size=1m tmpfs "$1" || exit 99
        head -c $((1024 * 1024 - 4096)) /dev/zero >"$1/filler" 2>/dev/null
        "$2" report monthly --month 2026-10 --out-dir "$1/review" 2>"$3"
        echo "rc=$?"
        printf "old\n" >"$1/tickets.csv" 2>/dev/null
        "$2" ticket export -o "$1/tickets.csv" 2>>"$3"
        echo "rc2=$?"
        echo "left:"; ls -A "$1" "$1/review"
        echo "tickets:"; cat "$1/tickets.csv"
    ' tmpfs "$MNT" "$BIN" "$WORK/tmpfs.err" 2>&1)
    if [[ "$OUT" == *"rc="* ]]; then
        ERR=$(cat "$WORK/tmpfs.err")
        expect_out "rc=1" "report monthly --out-dir on a full file system exits 1"
        expect_err "No space left on device" "the error says the disk is full"
        expect_out "rc2=1" "ticket export on a full file system exits 1"
        expect_no_out ".tmp" "no temporary file is left on the full file system"
        expect_out "tickets:
old" "the old export is unchanged"
    else
        printf 'skipped: cannot mount a tmpfs here (%s)\n' "$OUT"
    fi
else
    printf 'skipped: no mount namespace here\n'
fi

finish
