#!/usr/bin/env bash
# Who may do what: people bound to OS logins, service accounts, --as, roles and their
# permissions, as real OS users meet them (separate accounts made here and removed at the
# end, switched to with setpriv), and `policy who-can` / `policy can` for the auditor.
source "$(dirname "$0")/lib.sh"

export OPSCTL_NOW=2026-11-03T10:00:00+08:00
init_sample

# --- the sample: roles defined, no logins: everyone may do everything, as before ------------
run policy check
expect_rc 0 "the sample policy with its roles checks clean"
expect_out "roles" "policy check counts the roles"
run --as nobody ticket comment 1 x
expect_rc 66 "without logins --as is not checked (the ticket is what is missing)"
run ticket new --title '打印机卡纸' -q
expect_rc 0 "without logins anyone writes"
run policy who-can ticket.approve
expect_rc 0 "who-can answers"
expect_out "zhangwei" "the 项目经理 may approve"
expect_out "项目经理" "who-can names the role that grants it"
expect_no_out "wangfang" "the 服务台 may not approve"
run policy who-can ticket.aprove
expect_rc 64 "who-can refuses an unknown permission"
expect_err "did you mean 'ticket.approve'" "who-can suggests the permission meant"
run policy can zhangwei asset.retire
expect_rc 0 "policy can: yes exits 0"
expect_out "项目经理" "policy can names the granting role"
run policy can wangfang asset.retire
expect_rc 1 "policy can: no exits 1"
expect_out "服务台" "policy can names the roles the person holds"
run policy can nobody asset.retire
expect_rc 66 "policy can: no such person"
run __complete -- policy who-can ticket.ap
expect_out "ticket.approve" "completion offers the permissions"
run __complete -- policy can zh
expect_out "zhangwei" "completion offers the people for policy can"
run --format json policy who-can people.act-for
expect_out '"id":"zhangwei"' "who-can speaks JSON"

# --- policy check refuses what cannot be meant ----------------------------------------------
cp -r "$OPSCTL_CONFIG" "$WORK/bad"
sed -i 's/permissions: \[ticket.create, ticket.import,/permissions: [ticket.craete, ticket.import,/' "$WORK/bad/opsctl.yaml"
run policy check "$WORK/bad"
expect_rc 78 "a role with an unknown permission is a policy error"
expect_err "unknown permission 'ticket.craete'" "the unknown permission is named"
expect_err "did you mean 'ticket.create'" "the permission meant is suggested"
expect_err "opsctl.yaml:" "the problem has its file and line"
cp -r "$OPSCTL_CONFIG" "$WORK/bad2"
sed -i 's/roles: \[服务台\]/roles: [服务员]/' "$WORK/bad2/opsctl.yaml"
run policy check "$WORK/bad2"
expect_rc 78 "a person holding an unknown role is a policy error"
expect_err "unknown role '服务员'" "the unknown role is named"
cp -r "$OPSCTL_CONFIG" "$WORK/bad3"
sed -i 's/    # logins: \[zhangwei\]/    logins: [zw]/; s/    roles: \[服务台\]/    roles: [服务台]\n    logins: [zw]/' "$WORK/bad3/opsctl.yaml"
run policy check "$WORK/bad3"
expect_rc 78 "one login for two people is a policy error"
expect_err "login 'zw' belongs to both" "the shared login is named"

# --- bound to logins: real OS accounts ------------------------------------------------------
if [ "$(id -u)" -ne 0 ] || ! command -v useradd >/dev/null || ! command -v setpriv >/dev/null ||
    ! command -v groupadd >/dev/null; then
    echo "skipped: the OS-account part needs root (useradd, groupadd, setpriv)"
    finish
fi
manager=opsctl-m$$ dba=opsctl-d$$ team=opsctl-g$$
stranger_uid=64131 # no passwd entry: the account is its number
groupadd "$team" || fail "groupadd $team"
useradd -M -N -g "$team" -s /bin/false "$manager" || fail "useradd $manager"
useradd -M -N -g "$team" -s /bin/false "$dba" || fail "useradd $dba"
trap 'userdel "$manager" 2>/dev/null; userdel "$dba" 2>/dev/null; groupdel "$team" 2>/dev/null; rm -rf "$WORK"' EXIT
gid=$(getent group "$team" | cut -d: -f3)

# The team's database, writable by the group; the policy readable by all.
chmod 0711 "$WORK"
mkdir -p "$WORK/team-home"
chmod 0777 "$WORK/team-home"
cp -r "$OPSCTL_CONFIG/." "$WORK/team/"
sed -i "s|^  timezone: Asia/Shanghai|  timezone: Asia/Shanghai\n  database_group: $team\n  database_group_writes: true|" \
    "$WORK/team/opsctl.yaml"
sed -i "s|    # logins: \[zhangwei\]|    logins: [$manager]|" "$WORK/team/opsctl.yaml"
sed -i "s|    roles: \[应用数据库管理员\]|    roles: [应用数据库管理员]\n    logins: [$dba]|" "$WORK/team/opsctl.yaml"
sed -i "s|^# service_accounts:|service_accounts:|; s|^#   root: {actor: 系统}|  root: {actor: 系统}|" "$WORK/team/opsctl.yaml"
chmod -R go+rX "$WORK/team"
export OPSCTL_CONFIG="$WORK/team" OPSCTL_DB="$WORK/teamdb/ops.db"
unset OPSCTL_USER
run init -q
expect_rc 0 "root, a service account, may init"
run policy check
expect_rc 0 "the bound policy checks clean"

# as UID [GROUPS] ARGS...: runs opsctl as another OS account (no sudo: SUDO_USER unset).
as() {
    local uid=$1
    shift
    OUT=$(setpriv --reuid="$uid" --regid="$gid" --groups="$gid" env -u SUDO_USER -u OPSCTL_USER \
        HOME="$WORK/team-home" XDG_CACHE_HOME="$WORK/team-home/.cache" "$BIN" "$@" 2>"$WORK/.stderr")
    RC=$?
    ERR=$(cat "$WORK/.stderr")
}
manager_uid=$(id -u "$manager")
dba_uid=$(id -u "$dba")

# root from cron: a service account, acting as its actor name.
run ticket new --type change --title '数据库主备切换' -q
expect_rc 0 "root, a service account, writes"
change=$OUT
run --format json ticket show "$change"
expect_out '"actor": "系统"' "the service's event records its actor name"
expect_out '"account": "root"' "and the OS account"

# An account that is no person: reads, but never writes.
as $stranger_uid ticket list
expect_rc 0 "an account that is no person still reads"
as $stranger_uid ticket comment "$change" '我来处理'
expect_rc 77 "an account that is no person may not write (EX_NOPERM)"
expect_err "OS account '$stranger_uid' is no person" "the refusal names the account"
expect_err "logins:" "the refusal says how to add it"
as $stranger_uid --as zhangwei ticket comment "$change" '冒充'
expect_rc 77 "an account that is no person may not act for anyone"

# A person with a role: what the role grants, and nothing else.
as "$dba_uid" ticket comment "$change" '已核对备份'
expect_rc 0 "chenjing (应用数据库管理员) comments"
as "$dba_uid" ticket close "$change"
expect_rc 77 "chenjing may not close a ticket"
expect_err "'chenjing' (OS account '$dba') lacks the permission 'ticket.close'" "the missing permission is named"
expect_err "项目经理" "the refusal names a role that grants it"
as "$dba_uid" --as zhangwei ticket comment "$change" '冒充经理'
expect_rc 77 "--as needs people.act-for"
expect_err "people.act-for" "the refusal names people.act-for"
OUT=$(setpriv --reuid="$dba_uid" --regid="$gid" --groups="$gid" env OPSCTL_USER=zhangwei \
    HOME="$WORK/team-home" "$BIN" ticket comment "$change" '环境变量冒充' 2>"$WORK/.stderr")
RC=$?
ERR=$(cat "$WORK/.stderr")
expect_rc 77 "\$OPSCTL_USER is --as: it needs people.act-for too"
OUT=$(setpriv --reuid="$dba_uid" --regid="$gid" --groups="$gid" env SUDO_USER="$manager" \
    HOME="$WORK/team-home" "$BIN" ticket close "$change" 2>"$WORK/.stderr")
RC=$?
ERR=$(cat "$WORK/.stderr")
expect_rc 77 "a \$SUDO_USER set by an ordinary user is not believed"
expect_err "'chenjing'" "the forger is still who they are"

# The manager acts for lina: both are recorded.
as "$manager_uid" --as lina ticket comment "$change" '李娜电话告知：已完成'
expect_rc 0 "zhangwei (项目经理, people.act-for) acts for lina"
run --format json ticket show "$change"
expect_out '"actor": "lina"' "the event records the person acted for"
expect_out "\"account\": \"$manager\"" "and the account that acted"
run ticket show "$change"
expect_out "lina ($manager)" "the history table shows both"
as "$manager_uid" --as nobody ticket comment "$change" x
expect_rc 65 "--as someone who is no person is refused"
expect_err "no person" "and says so"

# Under sudo: $SUDO_USER names the person.
OUT=$(SUDO_USER="$manager" "$BIN" ticket comment "$change" '经 sudo' 2>"$WORK/.stderr")
RC=$?
expect_rc 0 "under sudo the person is \$SUDO_USER"
run --format json ticket show "$change"
expect_out '"actor": "zhangwei"' "sudo by the manager's account is zhangwei"

# Approvals as the accounts meet them: chenjing asks, cannot approve or force it through.
as "$dba_uid" ticket new --type change --title '数据库参数调整' -q
cr=$OUT
as "$dba_uid" ticket move "$cr" planning
as "$dba_uid" ticket move "$cr" approval
as "$dba_uid" ticket move "$cr" approved
expect_rc 77 "the change waits for its approval"
expect_err "may still approve: lina, zhangwei" "the approvers are named"
as "$dba_uid" ticket approve "$cr"
expect_rc 77 "chenjing lacks ticket.approve"
expect_err "'ticket.approve'" "the missing permission is named"
as "$dba_uid" ticket move "$cr" approved --emergency '线上故障'
expect_rc 77 "an emergency move needs ticket.emergency"
expect_err "'ticket.emergency'" "and says so"
as "$manager_uid" ticket approve "$cr"
expect_rc 0 "the manager's account approves as zhangwei"
as "$dba_uid" ticket move "$cr" approved
expect_rc 0 "with the approval the change moves on"
run --format json ticket show "$cr"
expect_out '"person": "zhangwei"' "the approval names the person behind the account"

# The audit chain holds the accounts: db check passes, and an altered account is found.
run db check
expect_rc 0 "db check passes over events with accounts"
sqlite3 "$OPSCTL_DB" "UPDATE events SET account = 'root' WHERE account = '$manager'"
run db check
expect_rc 1 "an event whose account was changed fails db check"

finish
