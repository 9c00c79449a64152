#!/bin/sh
# run_fuzzers.sh BUILD_DIR [SECONDS]: runs every libFuzzer target built in BUILD_DIR/fuzz for
# SECONDS each (default 5), seeded from fuzz/corpus/<name>/, fuzz/regressions/<name>/ and,
# for the policy loader, config/. A crashing input is written to fuzz/regressions/<name>/
# (commit it: from then on the fuzz_<name> CTest test replays it in every build) and the
# script exits 1.
set -eu
build=$1
secs=${2:-5}
src=$(cd "$(dirname "$0")/../.." && pwd)
status=0
found=0
for bin in "$build"/fuzz/fuzz_*; do
    [ -x "$bin" ] || continue
    case $bin in */fuzz_replay_*) continue ;; esac # the CTest replays, built beside them
    found=$((found + 1))
    name=$(basename "$bin")
    short=${name#fuzz_}
    work=$(mktemp -d "${TMPDIR:-/tmp}/opsctl-fuzz.XXXXXX")
    extra=""
    [ "$short" = policy ] && extra="$src/config"
    mkdir -p "$src/fuzz/regressions/$short"
    # shellcheck disable=SC2086
    if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -malloc_limit_mb=512 \
        -artifact_prefix="$src/fuzz/regressions/$short/" \
        "$work" "$src/fuzz/corpus/$short" "$src/fuzz/regressions/$short" $extra >"$work.log" 2>&1; then
        printf '%s: %s\n' "$name" "$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$work.log" | tail -1)"
    else
        printf '%s: FOUND A PROBLEM (input saved under fuzz/regressions/%s/)\n' "$name" "$short"
        grep -E 'ERROR|SUMMARY|runtime error|#[0-9]+ 0x' "$work.log" | head -30
        status=1
    fi
    rm -rf "$work" "$work.log"
done
[ "$found" -gt 0 ] || { echo "no fuzz targets in $build/fuzz" >&2; exit 1; }
exit $status
