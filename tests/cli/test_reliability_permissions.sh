#!/usr/bin/env bash
# Permissions: the database and its -wal/-shm files are created 0600 (0640 with the group
# named by site.database_group, whatever the umask); a database, policy file or policy
# folder that others may write is reported by `policy check` (exit 78) and `db check` (exit 1).
# With site.database_group another user in that group runs every read command and cannot
# write; a user outside it reads nothing (as root only: the test creates the group).
source "$(dirname "$0")/lib.sh"

mode_of() { stat -c '%a' "$1"; }

init_sample
export OPSCTL_NOW=2026-10-09T10:00:00+08:00
rm -f "$WORK/ops.db" "$WORK/ops.db-wal" "$WORK/ops.db-shm"
umask 000 # the most careless umask: opsctl must still create a private database
run init -q
expect_rc 0 "init creates the database"
run ticket new --title 'perm check' -q
expect_rc 0 "ticket new writes to it"
# Keep a reader open so that -wal and -shm exist while we look at them.
python3 - "$WORK/ops.db" "$WORK/wal-modes" <<'PY'
import os, sqlite3, stat, sys
db = sys.argv[1]
con = sqlite3.connect(db)
con.execute("select count(*) from tickets").fetchall()
modes = []
for suffix in ("", "-wal", "-shm"):
    p = db + suffix
    modes.append(f"{suffix or 'db'}={stat.S_IMODE(os.stat(p).st_mode):o}" if os.path.exists(p) else f"{suffix}=missing")
open(sys.argv[2], "w").write(" ".join(modes))
PY
expect_eq "db=600 -wal=600 -shm=600" "$(cat "$WORK/wal-modes")" "the database, -wal and -shm are 0600 under umask 000"
umask 022

run policy check
expect_rc 0 "a fresh sample policy passes policy check"
run db check
expect_rc 0 "a fresh database passes db check"
expect_out "owner only (0600)" "db check reports the database mode"

# With site.database_group the files are 0640 and owned by that group.
group=$(id -gn)
mkdir -p "$WORK/grp"
cp -r "$OPSCTL_CONFIG/." "$WORK/grp/"
sed -i "s|^  timezone: Asia/Shanghai|  timezone: Asia/Shanghai\n  database_group: $group|" "$WORK/grp/opsctl.yaml"
OPSCTL_CONFIG="$WORK/grp" OPSCTL_DB="$WORK/grp.db" run init -q
expect_rc 0 "init with a database group"
OPSCTL_CONFIG="$WORK/grp" OPSCTL_DB="$WORK/grp.db" run ticket new --title 'group db' -q
expect_rc 0 "ticket new with a database group"
expect_eq "640 $group" "$(stat -c '%a %G' "$WORK/grp.db")" "a database with a group is 0640 and owned by the group"
OPSCTL_CONFIG="$WORK/grp" OPSCTL_DB="$WORK/grp.db" run db check
expect_rc 0 "a 0640 database with a group passes db check"
OPSCTL_CONFIG="$WORK/grp" OPSCTL_DB="$WORK/grp.db" run policy check
expect_rc 0 "a 0640 database with a group passes policy check"
chmod 0644 "$WORK/grp.db"
OPSCTL_CONFIG="$WORK/grp" OPSCTL_DB="$WORK/grp.db" run policy check
expect_rc 78 "a database readable by others fails policy check even with a group"
expect_err "grp.db' is open to others (mode 0644" "policy check names the database and its mode"

# A database others may read or write.
chmod 0644 "$WORK/ops.db"
run db check
expect_rc 1 "a world-readable database fails db check"
expect_out "mode 0644" "db check names the mode"
run policy check
expect_rc 78 "a world-readable database fails policy check"
expect_err "ops.db' is open to others" "policy check names the database"
expect_out "tickets" "policy check still shows what the policy defines"
chmod 0660 "$WORK/ops.db"
run db check
expect_rc 1 "a group-writable database without database_group fails db check"
chmod 0600 "$WORK/ops.db"

# A database folder others may write (they could replace the file).
mkdir -p "$WORK/open"
chmod 0777 "$WORK/open"
OPSCTL_DB="$WORK/open/ops.db" run init -q
OPSCTL_DB="$WORK/open/ops.db" run db check
expect_rc 1 "a database in a world-writable folder fails db check"
expect_out "is writable by others" "db check names the folder"
OPSCTL_DB="$WORK/open/ops.db" run policy check
expect_rc 78 "a database in a world-writable folder fails policy check"
chmod 0700 "$WORK/open"

# Policy files and folders others may write: anyone could add a hook that runs as us.
chmod o+w "$OPSCTL_CONFIG/policies/tickets.yaml"
run policy check
expect_rc 78 "a world-writable policy file fails policy check"
expect_err "tickets.yaml' is writable by others" "policy check names the file"
run db check
expect_rc 1 "a world-writable policy file fails db check"
expect_out "tickets.yaml' is writable by others" "db check names the file"
chmod o-w "$OPSCTL_CONFIG/policies/tickets.yaml"

chmod o+w "$OPSCTL_CONFIG/policies"
run policy check
expect_rc 78 "a world-writable policies/ folder fails policy check"
expect_err "policies' is writable by others" "policy check names the folder"
chmod o-w "$OPSCTL_CONFIG/policies"

chmod 0777 "$OPSCTL_CONFIG"
run policy check
expect_rc 78 "a world-writable policy folder fails policy check"
expect_err "is writable by others (mode 0777)" "policy check gives the mode"
run policy check "$OPSCTL_CONFIG"
expect_rc 78 "policy check DIR checks that folder too"
chmod 0755 "$OPSCTL_CONFIG"

run policy check
expect_rc 0 "with the modes repaired policy check passes again"
run db check
expect_rc 0 "with the modes repaired db check passes again"

# site.database_group, as its members see it: another user in the group reads every record
# (list, show, reports) but cannot write; a user outside the group reads nothing. CI runs
# as root, which can create the group and switch users; elsewhere this part is skipped.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null && command -v groupadd >/dev/null; then
    team=opsctl-t$$
    groupadd "$team" || fail "groupadd $team"
    trap 'groupdel "$team" 2>/dev/null; rm -rf "$WORK"' EXIT
    member_uid=64101 outsider_uid=64102
    chmod 0711 "$WORK" # others may pass through to the folders below, nothing more
    mkdir -p "$WORK/team"
    cp -r "$OPSCTL_CONFIG/." "$WORK/team/"
    chmod -R go+rX "$WORK/team"
    sed -i "s|^  timezone: Asia/Shanghai|  timezone: Asia/Shanghai\n  database_group: $team|" "$WORK/team/opsctl.yaml"
    export OPSCTL_CONFIG="$WORK/team" OPSCTL_DB="$WORK/teamdb/ops.db"
    run init -q
    expect_rc 0 "init with a database group in a new folder"
    expect_eq "750 $team" "$(stat -c '%a %G' "$WORK/teamdb")" "the database folder init makes is 0750 and the group's"
    expect_eq "640 $team" "$(stat -c '%a %G' "$WORK/teamdb/ops.db")" "the database is 0640 and the group's"
    for side in -wal -shm; do
        expect_eq "640 $team" "$(stat -c '%a %G' "$WORK/teamdb/ops.db$side" 2>&1)" \
            "$side stays beside the database, 0640 and the group's, so that members can read"
    done
    run ticket new --title '组内可读' --priority P2 -q
    expect_rc 0 "the owner writes"
    id=$OUT
    run asset add --class server --name db1 --owner zhangwei --address 10.0.0.5 --set memory_gb=16 -q
    expect_rc 0 "the owner adds an asset"
    gid=$(getent group "$team" | cut -d: -f3)
    as_member() { setpriv --reuid=$member_uid --regid=$member_uid --groups="$gid" env HOME="$WORK/team-home" XDG_CACHE_HOME="$WORK/team-home/.cache" "$BIN" "$@"; }
    as_outsider() { setpriv --reuid=$outsider_uid --regid=$outsider_uid --clear-groups env HOME="$WORK/team-home" XDG_CACHE_HOME="$WORK/team-home/.cache" "$BIN" "$@"; }
    for cmd in "ticket list" "ticket show $id" "ticket clock $id" "asset list" "asset show SRV-0001" \
        "roster show --month 2026-10" "report monthly --month 2026-10" "report tickets --from 2026-10-01 --to 2026-10-31" \
        "inspect list" "backup list" "db info"; do
        # shellcheck disable=SC2086
        OUT=$(as_member $cmd 2>"$WORK/.stderr")
        RC=$?
        ERR=$(cat "$WORK/.stderr")
        expect_rc 0 "a member of site.database_group runs '$cmd'"
    done
    OUT=$(as_member ticket show "$id" 2>"$WORK/.stderr")
    expect_out "组内可读" "a member reads the owner's ticket"
    OUT=$(as_member ticket new --title 'not mine to write' -q 2>"$WORK/.stderr")
    RC=$?
    ERR=$(cat "$WORK/.stderr")
    expect_rc 1 "a member cannot write"
    expect_err "is read-only for this user" "a member is told the database is read-only for them"
    OUT=$(as_outsider ticket list 2>"$WORK/.stderr")
    RC=$?
    ERR=$(cat "$WORK/.stderr")
    expect_rc 1 "a user outside the group reads nothing"
    expect_err "Permission denied" "a user outside the group is told why"
    run ticket list -q
    expect_eq "$id" "$OUT" "the owner's database holds only the owner's ticket"
    run db check
    expect_rc 0 "db check passes after members read"
    expect_eq "640 $team" "$(stat -c '%a %G' "$WORK/teamdb/ops.db-shm")" "-shm is still 0640 and the group's"

    # site.database_group_writes: true lets the members write too; the owner's next command
    # puts the existing files at 0660, and taking the key away puts them back at 0640.
    sed -i "s|^  database_group: $team|  database_group: $team\n  database_group_writes: true|" "$WORK/team/opsctl.yaml"
    run ticket list -q
    for side in "" -wal -shm; do
        expect_eq "660 $team" "$(stat -c '%a %G' "$WORK/teamdb/ops.db$side" 2>&1)" \
            "with database_group_writes the database$side is 0660 and the group's"
    done
    OUT=$(as_member ticket new --title '组员写入' -q 2>"$WORK/.stderr")
    RC=$?
    ERR=$(cat "$WORK/.stderr")
    expect_rc 0 "with database_group_writes a member writes"
    member_ticket=$OUT
    OUT=$(as_member ticket comment "$id" '组员评论' -q 2>"$WORK/.stderr")
    RC=$?
    ERR=$(cat "$WORK/.stderr")
    expect_rc 0 "a member comments on the owner's ticket"
    run ticket show "$member_ticket"
    expect_out "组员写入" "the owner reads the member's ticket"
    run db check
    expect_rc 0 "db check passes after a member wrote (chain and permissions)"
    OUT=$(as_outsider ticket new --title 'outsider' -q 2>"$WORK/.stderr")
    RC=$?
    expect_rc 1 "a user outside the group still writes nothing"
    expect_eq "660 $team" "$(stat -c '%a %G' "$WORK/teamdb/ops.db-wal")" "-wal is still 0660 and the group's after a member wrote"
    sed -i "/^  database_group_writes: true/d" "$WORK/team/opsctl.yaml"
    run ticket list -q
    expect_eq "640 $team" "$(stat -c '%a %G' "$WORK/teamdb/ops.db")" "without the key the database is 0640 again"
    OUT=$(as_member ticket new --title 'no longer' -q 2>"$WORK/.stderr")
    RC=$?
    ERR=$(cat "$WORK/.stderr")
    expect_rc 1 "without the key a member cannot write again"
    # a new folder made for a writable database: the group's, setgid, so files made there keep it
    sed -i "s|^  database_group: $team|  database_group: $team\n  database_group_writes: true|" "$WORK/team/opsctl.yaml"
    OPSCTL_DB="$WORK/teamdb2/ops.db" run init -q
    expect_rc 0 "init of a group-writable database in a new folder"
    expect_eq "2770 $team" "$(stat -c '%a %G' "$WORK/teamdb2")" "its folder is 2770 and the group's"
    expect_eq "660 $team" "$(stat -c '%a %G' "$WORK/teamdb2/ops.db")" "the database is 0660 and the group's"
    chmod 0700 "$WORK"
fi

finish
