#!/bin/sh
# The main job against an embedded default: runs the README's tour in a scratch folder
# with the sample policies (compiled into the binary) and a fresh database.
# Usage: tools/demo.sh [BUILD_DIR]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/opsctl-demo.XXXXXX")
mkdir -p "$scratch/bin"
ln -s "$build/opsctl" "$scratch/bin/opsctl"
PATH="$scratch/bin:$PATH"
export PATH
cd "$scratch"
echo "# scratch folder: $scratch"
awk '/^```sh tour$/ {on=1; next} /^```$/ {on=0} on' "$root/README.md" >"$scratch/tour.sh"
while IFS= read -r line; do
    [ -z "$line" ] && continue
    printf '\n$ %s\n' "$line"
    # Plugin-style commands report problems through their exit status; the tour goes on.
    eval "$line" || echo "(exit status $?)"
done <"$scratch/tour.sh"
