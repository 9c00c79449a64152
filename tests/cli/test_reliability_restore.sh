#!/usr/bin/env bash
# backup restore and deep verify that never lie: write errors (a full tmpfs, a file size
# limit), absolute symlinks, a job path that is a symlink, tampered archives (devices,
# FIFOs, setuid-root files), owners/xattrs/ACLs, and sparse files.
source "$(dirname "$0")/lib.sh"

# Every path below is under $WORK: never run without it (this test mounts and chowns).
[ -n "${WORK:-}" ] && [ -d "$WORK" ] || { echo "test_reliability_restore: lib.sh not loaded" >&2; exit 1; }
init_sample
export OPSCTL_NOW=2026-10-09T10:00:00+08:00
B="$WORK/backups"
TINY="$WORK/tiny"
# A tmpfs mounted by this test goes with it, whatever happens.
trap 'umount "$TINY" 2>/dev/null; rm -rf "$WORK"' EXIT

# run_limited LIMIT ARGS...: like run, under `prlimit --fsize=LIMIT` (no root needed).
run_limited() {
    local limit=$1
    shift
    OUT=$(prlimit --fsize="$limit" "$BIN" "$@" 2>"$WORK/.stderr")
    RC=$?
    ERR=$(cat "$WORK/.stderr")
}
# last_drill: "ok" or "failed", the newest restore drill in the database.
last_drill() {
    python3 -c "
import sqlite3,sys; c=sqlite3.connect(sys.argv[1])
print('ok' if c.execute('select ok from backup_restores order by id desc limit 1').fetchone()[0] else 'failed')" "$OPSCTL_DB"
}
# drills: how many restore drills are recorded.
drills() {
    python3 -c "
import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('select count(*) from backup_restores').fetchone()[0])" "$OPSCTL_DB"
}
# set_recorded RUN FILE: records FILE's size and SHA-256 as the run's, as if it had written it.
set_recorded() {
    python3 -c "
import hashlib,os,sqlite3,sys; c=sqlite3.connect(sys.argv[1]); p=sys.argv[3]
c.execute('update backup_runs set sha256=?, size_bytes=? where id=?',
          (hashlib.sha256(open(p,'rb').read()).hexdigest(), os.path.getsize(p), int(sys.argv[2])))
c.commit()" "$OPSCTL_DB" "$1" "$2"
}

mkdir -p "$WORK/data" "$WORK/etc" "$WORK/real" "$WORK/linksonly" "$WORK/owned" "$WORK/sparse" "$WORK/tamper"
head -c 5000000 /dev/urandom >"$WORK/data/big.bin"
echo web01 >"$WORK/etc/hostname"
ln -s /usr/share/zoneinfo/Asia/Shanghai "$WORK/etc/localtime"
ln -s ../../nowhere "$WORK/etc/up"
echo payload >"$WORK/real/data.txt"
ln -s "$WORK/real" "$WORK/srv-data"
ln -s /etc/hostname "$WORK/linksonly/h"
echo placeholder >"$WORK/tamper/file"
cat >"$WORK/cfg/policies/restore-jobs.yaml" <<YAML
backups:
  data:
    kind: archive
    paths: [$WORK/data]
    dest: backups/data
  etc:
    kind: archive
    paths: [$WORK/etc]
    dest: backups/etc
  linked:
    kind: archive
    paths: [$WORK/srv-data]
    dest: backups/linked
  linksonly:
    kind: archive
    paths: [$WORK/linksonly]
    dest: backups/linksonly
  owned:
    kind: archive
    paths: [$WORK/owned]
    dest: backups/owned
  sparse:
    kind: archive
    paths: [$WORK/sparse]
    dest: backups/sparse
  tamper:
    kind: archive
    paths: [$WORK/tamper]
    dest: backups/tamper
YAML
run policy check
expect_rc 0 "the restore test jobs are valid"

# 1. Write errors. A 5 MB file restored under a 2 MiB file size limit: exit 1, the file and
# the error named, the drill recorded as failed, no partial file left.
run -q backup run data
expect_rc 0 "back up a 5 MB random file"
D=$OUT
run_limited 2097152 backup restore "$D" --to "$WORK/r-fsize"
expect_rc 1 "a restore that hits the file size limit fails"
expect_err "big.bin" "the failure names the file"
expect_err "File too large" "the failure names the error"
expect_eq "failed" "$(last_drill)" "the drill is recorded as failed"
expect_eq "0" "$(find "$WORK/r-fsize" -name big.bin | wc -l)" "no partial file is left"
run_limited 2097152 backup verify "$D" --deep
expect_rc 2 "a deep verify whose scratch extraction hits the file size limit fails"
expect_err "File too large" "deep verify says why"
run backup verify "$D" --deep
expect_rc 0 "the backup itself is fine"

# The same on a full file system: a 2 MiB tmpfs (needs root, as in CI).
if [ "$(id -u)" = 0 ] && mkdir -p "$TINY" && mount -t tmpfs -o size=2m tmpfs "$TINY" 2>/dev/null; then
    run backup restore "$D" --to "$TINY/r"
    expect_rc 1 "a restore onto a full disk fails"
    expect_err "No space left on device" "the failure says the disk is full"
    expect_err "$TINY/r$WORK/data/big.bin" "the failure names the file"
    expect_eq "failed" "$(last_drill)" "the drill onto a full disk is recorded as failed"
    expect_eq "0" "$(find "$TINY/r" -name big.bin | wc -l)" "no partial file is left on the full disk"
    TMPDIR="$TINY" run backup verify "$D" --deep
    expect_rc 2 "a deep verify with a full scratch folder fails"
    expect_err "No space left on device" "deep verify says the scratch folder is full"
    expect_eq "0" "$(find "$TINY" -mindepth 1 -name 'opsctl-verify-*' | wc -l)" "deep verify cleans its scratch folder"
    umount "$TINY"
else
    printf 'note: not root or no tmpfs; the full-disk case ran only under prlimit\n' >&2
fi
run backup restore "$D" --to "$WORK/r-data"
expect_rc 0 "the same restore with room succeeds"
expect_true "the restored file is identical" cmp -s "$WORK/data/big.bin" "$WORK/r-data$WORK/data/big.bin"
expect_eq "ok" "$(last_drill)" "the good drill is recorded as ok"

# 2. Absolute symlinks are data: restored as symlinks, with --only too.
run -q backup run etc
E=$OUT
run backup verify "$E" --deep
expect_rc 0 "a folder with an absolute symlink verifies deep"
run backup restore "$E" --to "$WORK/r-etc"
expect_rc 0 "a folder with an absolute symlink restores"
expect_eq "/usr/share/zoneinfo/Asia/Shanghai" "$(readlink "$WORK/r-etc$WORK/etc/localtime")" "the absolute symlink is restored as it was"
expect_eq "../../nowhere" "$(readlink "$WORK/r-etc$WORK/etc/up")" "a relative symlink leading out is restored as it was"
run backup restore "$E" --to "$WORK/r-etc-only" --only "$WORK/etc/hostname"
expect_rc 0 "--only an unrelated file of that backup works"
expect_eq "web01" "$(cat "$WORK/r-etc-only$WORK/etc/hostname")" "--only restores the file"
# Nothing is written through a symlink: a member inside an archived symlink is refused.
ETCARCH=$(ls "$B"/etc/etc-*.tar.zst)
cp "$ETCARCH" "$WORK/etc-orig.tar.zst"
python3 - "$WORK/evil.tar" "$WORK/escape" <<'PY'
import io, sys, tarfile
path, escape = sys.argv[1], sys.argv[2]
with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tf:
    ti = tarfile.TarInfo("link"); ti.type = tarfile.SYMTYPE; ti.linkname = escape
    tf.addfile(ti)
    ti = tarfile.TarInfo("link/planted"); ti.size = 4
    tf.addfile(ti, io.BytesIO(b"bad\n"))
PY
mkdir -p "$WORK/escape"
zstd -q -f "$WORK/evil.tar" -o "$ETCARCH"
set_recorded "$E" "$ETCARCH"
run backup restore "$E" --to "$WORK/r-evil"
expect_rc 65 "a member inside an archived symlink is refused"
expect_err "which is a symlink" "the refusal names the symlink"
expect_true "nothing was written through the symlink" test ! -e "$WORK/escape/planted"
expect_eq "0" "$(find "$WORK/r-evil" -mindepth 1 | wc -l)" "nothing is written for that archive"
cp "$WORK/etc-orig.tar.zst" "$ETCARCH"

# 3. A job path that is itself a symlink is followed; a run with no regular file is WARNING.
run backup run linked
expect_rc 0 "a job whose path is a symlink runs"
expect_true "its data is archived" bash -c "zstd -dc '$B'/linked/linked-*.tar.zst | tar -tf - | grep -q 'srv-data/data.txt$'"
L=$(python3 -c "
import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute(\"select id from backup_runs where job='linked'\").fetchone()[0])" "$OPSCTL_DB")
run backup restore "$L" --to "$WORK/r-linked"
expect_rc 0 "restore the followed path"
expect_eq "payload" "$(cat "$WORK/r-linked$WORK/srv-data/data.txt")" "the data behind the symlink comes back"
run backup verify linked
run backup status linked
expect_rc 0 "a verified job with data is OK"
run backup run linksonly
expect_rc 0 "a job with only symlinks still runs"
expect_err "no regular file" "the run warns that it archived no file"
run backup verify linksonly
run backup status linksonly
expect_rc 1 "a job whose newest backup holds no file is WARNING"
expect_out "no regular file" "status says why"

# 4. Tampered archives: devices, FIFOs and setuid-root files.
run -q backup run tamper
T=$OUT
TARCH=$(ls "$B"/tamper/tamper-*.tar.zst)
python3 - "$WORK/tampered.tar" "${WORK#/}/tamper" <<'PY'
import io, json, sys, tarfile
path, root = sys.argv[1], sys.argv[2]
with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tf:
    d = tarfile.TarInfo(root); d.type = tarfile.DIRTYPE; d.mode = 0o755
    tf.addfile(d)
    dev = tarfile.TarInfo(root + "/disk"); dev.type = tarfile.CHRTYPE; dev.devmajor = 1; dev.devminor = 3; dev.mode = 0o666
    tf.addfile(dev)
    fifo = tarfile.TarInfo(root + "/pipe"); fifo.type = tarfile.FIFOTYPE; fifo.mode = 0o666
    tf.addfile(fifo)
    suid = tarfile.TarInfo(root + "/shell"); suid.size = 10; suid.mode = 0o4755; suid.uid = 0; suid.gid = 0
    tf.addfile(suid, io.BytesIO(b"#!/bin/sh\n"))
    manifest = json.dumps({"format": 1, "job": "tamper", "members": [
        {"path": root, "type": "dir", "size": 0, "mode": "0755", "mtime": 0},
        {"path": root + "/shell", "type": "file", "size": 10, "mode": "4755", "mtime": 0,
         "sha256": "ignored"}]}).encode()
    m = tarfile.TarInfo(".opsctl-manifest.json"); m.size = len(manifest)
    tf.addfile(m, io.BytesIO(manifest))
PY
zstd -q -f "$WORK/tampered.tar" -o "$TARCH"
before=$(drills)
run backup restore "$T" --to "$WORK/r-tamper"
expect_rc 65 "an archive whose checksum does not match is refused"
expect_err "does not verify" "the refusal says the archive does not verify"
expect_err "SHA-256" "the refusal says which check failed"
expect_eq "0" "$(find "$WORK/r-tamper" -mindepth 1 | wc -l)" "nothing is written from an archive that does not verify"
expect_eq "$((before + 1))|failed" "$(drills)|$(last_drill)" "the refused drill is recorded as failed"
run backup restore "$T" --to "$WORK/r-forced" --force
expect_rc 1 "--force restores what it can but the drill fails"
expect_err "warning: run $T does not verify" "--force says loudly that the archive does not verify"
expect_err "setuid" "--force says what it does not restore"
expect_eq "0" "$(find "$WORK/r-forced" -type c -o -type b -o -type p -o -type s | wc -l)" "no device or FIFO is created, even with --force"
expect_eq "755" "$(stat -c %a "$WORK/r-forced$WORK/tamper/shell")" "no setuid bit from an archive that does not verify"
# Even with a matching checksum (the database altered too), devices and FIFOs are never created.
set_recorded "$T" "$TARCH"
run backup restore "$T" --to "$WORK/r-tamper2"
expect_rc 65 "an archive holding a device is refused although its checksum matches"
expect_err "character device" "the refusal names the device"
expect_eq "0" "$(find "$WORK/r-tamper2" -mindepth 1 | wc -l)" "nothing is written"
run backup verify "$T" --deep
expect_rc 2 "deep verify fails an archive holding a device"
expect_err "FIFO" "deep verify names the FIFO"

# 5. Owners, groups, modes, extended attributes and ACLs come back (as root).
echo mine >"$WORK/owned/by-nobody"
echo nameless >"$WORK/owned/by-number"
printf '#!/bin/sh\n' >"$WORK/owned/tool"
chmod 4755 "$WORK/owned/tool"
chmod 0640 "$WORK/owned/by-nobody"
python3 -c "import os,sys; os.setxattr(sys.argv[1], 'user.opsctl', b'kept')" "$WORK/owned/by-nobody" 2>/dev/null
HAVE_XATTR=$?
if [ "$(id -u)" = 0 ]; then
    chown nobody:"$(id -gn nobody)" "$WORK/owned/by-nobody"
    chown 54321:54321 "$WORK/owned/by-number"
    # An access ACL granting nobody rw-, written as the kernel's system.posix_acl_access
    # attribute (what setfacl writes), so that the test needs no acl package.
    python3 - "$WORK/owned/by-number" "$(id -u nobody)" 2>/dev/null <<'PY'
import os, struct, sys
undefined = 0xFFFFFFFF
entries = [(0x01, 6, undefined), (0x02, 6, int(sys.argv[2])), (0x04, 4, undefined), (0x10, 6, undefined),
           (0x20, 4, undefined)]
os.setxattr(sys.argv[1], "system.posix_acl_access",
            struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *e) for e in entries))
PY
    HAVE_ACL=$?
fi
run -q backup run owned
O=$OUT
run backup restore "$O" --to "$WORK/r-owned"
expect_rc 0 "restore the owned files"
R="$WORK/r-owned$WORK/owned"
expect_eq "640" "$(stat -c %a "$R/by-nobody")" "the mode comes back"
if [ "$(id -u)" = 0 ]; then
    expect_eq "nobody:$(id -gn nobody)" "$(stat -c %U:%G "$R/by-nobody")" "a file owned by nobody comes back owned by nobody"
    expect_eq "54321:54321" "$(stat -c %u:%g "$R/by-number")" "an owner without a name comes back by number"
    expect_eq "4755" "$(stat -c %a "$R/tool")" "a setuid file of a verified archive keeps its bit (restored by root)"
    if [ "$HAVE_ACL" = 0 ]; then
        expect_true "the ACL comes back" python3 -c "
import os, struct, sys
raw = os.getxattr(sys.argv[1], 'system.posix_acl_access')
entries = [struct.unpack_from('<HHI', raw, 4 + 8 * k) for k in range((len(raw) - 4) // 8)]
assert (0x02, 6, int(sys.argv[2])) in entries, entries" "$R/by-number" "$(id -u nobody)"
    else
        printf 'note: this file system takes no POSIX ACL; the ACL case did not run\n' >&2
    fi
fi
if [ "$(id -u)" = 0 ] && [ "$HAVE_XATTR" = 0 ]; then
    expect_eq "kept" "$(python3 -c "import os,sys; print(os.getxattr(sys.argv[1], 'user.opsctl').decode())" "$R/by-nobody" 2>&1)" \
        "the extended attribute comes back"
fi
if [ "$(id -u)" != 0 ]; then
    printf 'note: not root; owners, groups, xattrs, ACLs and setuid bits were not checked\n' >&2
fi

# 6. A 1 TiB sparse file: archived as its data, restored with its holes.
python3 - "$WORK/sparse/disk.img" <<'PY'
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o644)
os.pwrite(fd, b"head", 0)
os.pwrite(fd, b"middle", 512 << 30)
os.ftruncate(fd, 1 << 40)
os.close(fd)
PY
run -q backup run sparse
expect_rc 0 "back up a 1 TiB sparse file"
S=$OUT
SARCH=$(ls "$B"/sparse/sparse-*.tar.zst)
expect_true "the archive holds the data, not a terabyte of zeros" test "$(stat -c %s "$SARCH")" -lt 1048576
run backup verify "$S" --deep
expect_rc 0 "the sparse backup verifies deep"
run backup restore "$S" --to "$WORK/r-sparse"
expect_rc 0 "restore the sparse file"
RS="$WORK/r-sparse$WORK/sparse/disk.img"
expect_eq "1099511627776" "$(stat -c %s "$RS")" "the restored file is 1 TiB long"
expect_true "the restored file keeps its holes" test "$(du -k "$RS" | cut -f1)" -lt 1024
expect_true "the restored data is where it was" python3 -c "
import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY)
assert os.pread(fd, 4, 0) == b'head' and os.pread(fd, 6, 512 << 30) == b'middle'
assert os.pread(fd, 6, (512 << 30) - 6) == bytes(6)" "$RS"

finish
