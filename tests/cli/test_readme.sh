#!/usr/bin/env bash
# Runs every command of the README's tour (the ```sh tour block) in a scratch folder:
# the README cannot teach a command that does not work.
source "$(dirname "$0")/lib.sh"

export OPSCTL_NOW=2026-11-03T10:00:00+08:00
mkdir -p "$WORK/bin"
ln -s "$BIN" "$WORK/bin/opsctl"
export PATH="$WORK/bin:$PATH"
cd "$WORK" || exit 1

tour=$(awk '/^```sh tour$/ {on=1; next} /^```$/ {on=0} on' "$SRC/README.md")
expect_true "the README has a tour" test -n "$tour"
while IFS= read -r line; do
    [ -z "$line" ] && continue
    OUT=$(bash -c "set -e; if [ -f '$WORK/.tour-env' ]; then source '$WORK/.tour-env'; fi; $line" 2>"$WORK/.stderr")
    RC=$?
    ERR=$(cat "$WORK/.stderr")
    case "$line" in
    export*) echo "$line" >>"$WORK/.tour-env" ;;
    esac
    # Plugin-style commands may report WARNING (1) on a machine under load; anything
    # else must succeed.
    case "$line" in
    "opsctl inspect run"* | "opsctl backup status"*)
        if [ "$RC" -le 1 ]; then pass; else fail "README tour: $line"; fi
        ;;
    *)
        expect_rc 0 "README tour: $line"
        ;;
    esac
done <<<"$tour"

finish
