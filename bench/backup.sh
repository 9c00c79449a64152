#!/usr/bin/env bash
# Backup benchmark: archive a generated tree (default 1024 MiB) with `opsctl backup run` and
# with `tar -cf - DIR | zstd -1 -T0`, then check the archive with `opsctl backup verify` and
# with `openssl dgst -sha256`; best of N runs each, side by side with the ratios.
# usage: bench/backup.sh [BUILD_DIR] [MIB] [RUNS]     (targets: run <= 1.3x, verify <= 1.2x)
set -eu
BUILD=${1:-build}
MIB=${2:-1024}
RUNS=${3:-3}
BIN=$(cd "$BUILD" && pwd)/opsctl
DIR=$(mktemp -d "${TMPDIR:-/tmp}/opsctl-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
export OPSCTL_CONFIG=$DIR/cfg OPSCTL_DB=$DIR/bench.db OPSCTL_USER=bench NO_COLOR=1
"$BIN" init >/dev/null

# Half incompressible data, half base64 text (compresses to about 3/4): closer to real
# backups than either alone. Files of 8 MiB plus a folder of small files.
echo "== generate $MIB MiB under $DIR/src"
mkdir -p "$DIR/src/big" "$DIR/src/small"
files=$((MIB / 8))
for i in $(seq 1 "$files"); do
    if [ $((i % 2)) -eq 0 ]; then
        head -c 8M /dev/urandom >"$DIR/src/big/random-$i.bin"
    else
        head -c 6M /dev/urandom | base64 -w 76 | head -c 8M >"$DIR/src/big/text-$i.txt"
    fi
done
# 2,000 small files of four base64 lines each.
head -c 480000 /dev/urandom | base64 -w 60 | split -l 4 -a 4 -d - "$DIR/src/small/f"
du -sh "$DIR/src"

cat >"$DIR/cfg/policies/bench.yaml" <<YAML
backups:
  bench:
    kind: archive
    paths: [$DIR/src]
    dest: $DIR/out
YAML

# Seconds (3 decimals) of the best of $RUNS runs of a shell command.
best() {
    local best= t0 t1 ns
    for _ in $(seq 1 "$RUNS"); do
        t0=$(date +%s%N)
        bash -c "$1" >/dev/null
        t1=$(date +%s%N)
        ns=$((t1 - t0))
        if [ -z "$best" ] || [ "$ns" -lt "$best" ]; then best=$ns; fi
    done
    awk -v n="$best" 'BEGIN { printf "%.3f", n / 1e9 }'
}

row() {
    awk -v n="$1" -v a="$2" -v r="$3" -v b="$4" -v t="$5" 'BEGIN {
        printf "%-22s opsctl %7.3f s   %-26s %7.3f s   ratio %.2f (target <= %s)\n", n, a, r, b, a / b, t }'
}

cat "$DIR"/src/big/* >/dev/null # warm the page cache for both sides
echo "== archive (best of $RUNS)"
ours=$(best "'$BIN' backup run bench && rm -f '$DIR'/out/bench-*.tar.zst")
theirs=$(best "tar -cf - -C / '${DIR#/}/src' | zstd -q -1 -T0 >'$DIR/ref.tar.zst'")
row "backup run" "$ours" "tar | zstd -1 -T0" "$theirs" 1.3

"$BIN" backup run bench >/dev/null
ARCH=$(ls "$DIR"/out/bench-*.tar.zst)
RUN=$("$BIN" -q backup list bench --limit 1)
echo "archive: $(stat -c %s "$ARCH") bytes (tar | zstd: $(stat -c %s "$DIR/ref.tar.zst") bytes)"
echo "== verify (best of $RUNS)"
ours=$(best "'$BIN' backup verify $RUN")
theirs=$(best "openssl dgst -sha256 '$ARCH'")
row "backup verify" "$ours" "openssl dgst -sha256" "$theirs" 1.2
ours=$(best "'$BIN' backup verify --deep $RUN")
theirs=$(best "mkdir -p '$DIR/x' && zstd -dc '$ARCH' | tar -xf - -C '$DIR/x'; rm -rf '$DIR/x'")
row "backup verify --deep" "$ours" "zstd -dc | tar -x" "$theirs" "-"
