#!/usr/bin/env bash
# First runs: an ordinary user (created here, removed at the end) runs the README's tour with
# no XDG_* or OPSCTL_* variables and gets ~/.config/opsctl and ~/.local/share/opsctl/opsctl.db,
# never /etc; root's commands choose /etc/opsctl and /var/lib/opsctl/opsctl.db (checked with
# `policy path`, without writing /etc); `policy path` says which rule chose each. `init` over a
# hand-written opsctl.yaml leaves a policy that checks clean, or exits 78.
source "$(dirname "$0")/lib.sh"

export OPSCTL_NOW=2026-11-03T10:00:00+08:00
mkdir -p "$WORK/bin"
ln -s "$BIN" "$WORK/bin/opsctl"

# --- init over a hand-written opsctl.yaml (any user) ---------------------------------------
mkdir -p "$WORK/own"
cat >"$WORK/own/opsctl.yaml" <<'EOF'
site:
  name: Our team
  timezone: Europe/Berlin
people:
  anna:
    name: Anna
    roles: [admin]
EOF
OPSCTL_CONFIG="$WORK/own" OPSCTL_DB="$WORK/own.db" run init
expect_rc 0 "init over a hand-written opsctl.yaml succeeds"
expect_out "written by hand" "init says it kept the hand-written policy"
expect_true "init adds no sample policies/ files beside it" test ! -e "$WORK/own/policies"
OPSCTL_CONFIG="$WORK/own" OPSCTL_DB="$WORK/own.db" run policy check
expect_rc 0 "the policy init leaves checks clean"
OPSCTL_CONFIG="$WORK/own" OPSCTL_DB="$WORK/own.db" run ticket list
expect_rc 0 "the database init made is usable"

mkdir -p "$WORK/broken"
printf 'site:\n  name: x\n  timezone: Mars/Olympus\n' >"$WORK/broken/opsctl.yaml"
OPSCTL_CONFIG="$WORK/broken" OPSCTL_DB="$WORK/broken.db" run init
expect_rc 78 "init over a hand-written policy that does not check exits 78"
expect_err "opsctl.yaml:3:" "the problem is named with file:line:col"
expect_true "no database is made for a policy that does not check" test ! -e "$WORK/broken.db"

OPSCTL_CONFIG="$WORK/own" OPSCTL_DB="$WORK/own.db" run init --force -q
expect_rc 0 "init --force installs the whole sample over it"
OPSCTL_CONFIG="$WORK/own" OPSCTL_DB="$WORK/own.db" run policy check
expect_rc 0 "the whole sample checks clean"
OPSCTL_CONFIG="$WORK/own" run init
expect_rc 0 "init again over the untouched sample"
expect_out "kept  $WORK/own/policies/tickets.yaml" "init again keeps every sample file"

# --- Where root's commands look (without writing /etc) --------------------------------------
clean_env=(env -i PATH="$WORK/bin:/usr/bin:/bin" TZ=UTC OPSCTL_NOW="$OPSCTL_NOW" LANG=C.UTF-8)
if [ "$(id -u)" -eq 0 ] && [ ! -e /root/.config/opsctl ]; then
    mkdir -p "$WORK/roothome"
    OUT=$("${clean_env[@]}" HOME="$WORK/roothome" opsctl --format json policy path 2>"$WORK/.stderr")
    RC=$?
    ERR=$(cat "$WORK/.stderr")
    expect_rc 0 "policy path as root"
    expect_out '"policy_dir":"/etc/opsctl"' "root's policy directory is /etc/opsctl"
    expect_out "root, and no ~/.config/opsctl" "policy path says why /etc/opsctl"
    if [ ! -e /etc/opsctl/opsctl.yaml ]; then
        # Without a site-wide policy its database cannot be known yet: it may be in site.database.
        expect_out '"database":""' "the database is unknown until the policy exists"
    fi
    mkdir -p "$WORK/sitecfg"
    OPSCTL_CONFIG="$WORK/sitecfg" run init --no-db -q
    # The rule for /etc/opsctl's database, seen through a copy of the sample with no site.database.
    OUT=$("${clean_env[@]}" HOME="$WORK/roothome" opsctl --config "$WORK/sitecfg" --format json policy path 2>&1)
    expect_out '"database_rule":"~/.local/share/opsctl/opsctl.db, as $XDG_DATA_HOME is unset"' \
        "another policy directory's database is under ~/.local/share"
    # The whole tour as root, in a scratch folder (as the README says).
    tour=$(awk '/^```sh tour$/ {on=1; next} /^```$/ {on=0} on' "$SRC/README.md")
    mkdir -p "$WORK/roottour"
    OUT=$(cd "$WORK/roottour" && "${clean_env[@]}" HOME="$WORK/roothome" bash -ec "$tour" 2>&1)
    RC=$?
    if [ "$RC" -le 1 ]; then pass; else fail "the README tour as root"; fi
    expect_true "root's tour put its policy in ./tour/policy" test -f "$WORK/roottour/tour/policy/opsctl.yaml"
    expect_true "root's tour put its database in ./tour/opsctl.db" test -f "$WORK/roottour/tour/opsctl.db"
fi

# --- The README tour as an ordinary user ----------------------------------------------------
if [ "$(id -u)" -ne 0 ] || ! command -v useradd >/dev/null || ! command -v runuser >/dev/null; then
    echo "skipped: the ordinary-user tour needs root (useradd, runuser)"
    finish
fi
user=opsctl-u$$
home="$WORK/users/$user"
mkdir -p "$WORK/users"
chmod 0711 "$WORK" "$WORK/users" "$WORK/bin"
etc_before=$(ls -la /etc/opsctl 2>&1)
useradd -M -d "$home" -s /bin/bash "$user" || fail "useradd $user"
trap 'userdel "$user" 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir -p "$home"
chown "$user:" "$home"
as_user() { # COMMAND-LINE: runs it in bash as the user, in their home, XDG_* and OPSCTL_* unset
    OUT=$(cd "$home" && runuser -u "$user" -- env -i PATH="$WORK/bin:/usr/bin:/bin" HOME="$home" TZ=UTC \
        LANG=C.UTF-8 OPSCTL_NOW="$OPSCTL_NOW" bash -c "$1" 2>"$WORK/.stderr")
    RC=$?
    ERR=$(cat "$WORK/.stderr")
}
as_user "opsctl policy path"
expect_rc 0 "policy path as a new user"
if [ -d /etc/opsctl ]; then
    expect_out "'opsctl init' installs into" "policy path says that init installs elsewhere than /etc/opsctl"
fi
expect_out "$home/.config/opsctl" "policy path names ~/.config/opsctl for a new user"
as_user "opsctl init"
expect_rc 0 "init as an ordinary user"
expect_no_out "/etc/opsctl" "init as an ordinary user does not reach for /etc"
expect_out "wrote $home/.config/opsctl/opsctl.yaml" "init installs into ~/.config/opsctl"
expect_out "database $home/.local/share/opsctl/opsctl.db" "init makes the database under ~/.local/share"
tour=$(awk '/^```sh tour$/ {on=1; next} /^```$/ {on=0} on' "$SRC/README.md")
while IFS= read -r line; do
    case "$line" in "" | export* | "opsctl init") continue ;; esac
    as_user "$line"
    case "$line" in
    "opsctl inspect run"* | "opsctl backup status"*) if [ "$RC" -le 1 ]; then pass; else fail "tour as $user: $line"; fi ;;
    *) expect_rc 0 "tour as an ordinary user: $line" ;;
    esac
done <<<"$tour"
as_user "opsctl policy path"
expect_out "$home/.config/opsctl" "policy path names the user's policy directory"
expect_out "~/.config/opsctl exists" "policy path says which rule chose it"
expect_out "$home/.local/share/opsctl/opsctl.db" "policy path names the user's database"
expect_out "XDG_DATA_HOME is unset" "policy path says why that database"
expect_eq "$user" "$(stat -c %U "$home/.local/share/opsctl/opsctl.db")" "the database belongs to the user"
expect_eq "600" "$(stat -c %a "$home/.local/share/opsctl/opsctl.db")" "the user's database is private"
expect_true "the tour's backups went beside the user's database" test -d "$home/.local/share/opsctl/backups/policy"
expect_eq "$etc_before" "$(ls -la /etc/opsctl 2>&1)" "/etc/opsctl is untouched"

# An ordinary user without a database yet is told where it would be and how to make it.
as_user "rm ~/.local/share/opsctl/opsctl.db*; opsctl ticket list"
expect_rc 66 "a user's command without a database exits 66"
expect_err "no database '$home/.local/share/opsctl/opsctl.db'" "it names the path"
expect_err "opsctl init" "it says how to create it"

finish
