#!/bin/sh
# The main job against an embedded default: a scratch folder with the sample policies and a
# fresh database. Usage: tools/demo.sh [BUILD_DIR]
set -eu
build=${1:-build}
bin=$(cd "$build" && pwd)/opsctl
scratch=$(mktemp -d "${TMPDIR:-/tmp}/opsctl-demo.XXXXXX")
export OPSCTL_CONFIG="$scratch/policy" OPSCTL_DB="$scratch/opsctl.db"
echo "# scratch folder: $scratch"
set -x
"$bin" init
"$bin" policy check
"$bin" db info
