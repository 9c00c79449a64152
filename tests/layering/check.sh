#!/usr/bin/env bash
# The layers of lib/ (lib/README.md) hold because the build enforces them: each layer's
# library compiles with the include roots of the layers it links, and nothing else. This
# compiles probes with exactly those roots (the flags files CMake writes per layer): an
# include along the direction compiles, one against it fails for want of the header.
# It also checks what the compiler cannot see: yaml-cpp is read only in lib/policy,
# SQLite only in lib/store, and cmd/ names nothing of lib/store.
# shellcheck shell=bash
set -u

CXX=${OPSCTL_CXX:?set OPSCTL_CXX to the C++ compiler}
FLAGS=${OPSCTL_LAYER_FLAGS:?set OPSCTL_LAYER_FLAGS to the folder of the per-layer flags files}
SRC=${OPSCTL_SOURCE:?set OPSCTL_SOURCE to the source tree}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/opsctl-layering.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

PASSES=0
FAILS=0
pass() { PASSES=$((PASSES + 1)); }
fail() {
    FAILS=$((FAILS + 1))
    printf 'FAIL: %s\n' "$1" >&2
}

# compile LAYER HEADER: compiles a file in lib/LAYER's place that includes HEADER, with the
# include roots LAYER's library compiles with; sets RC and ERR.
compile() {
    local layer=$1 header=$2
    local flags="$FLAGS/opsctl_$layer.flags"
    if [ ! -s "$flags" ]; then
        fail "no include flags for layer '$layer' ($flags)"
        RC=0
        ERR=
        return
    fi
    printf '#include "%s"\n' "$header" >"$WORK/probe.cpp"
    ERR=$("$CXX" -std=c++20 -fsyntax-only "@$flags" "$WORK/probe.cpp" 2>&1)
    RC=$?
}

# allowed LAYER HEADER: LAYER may include HEADER, and it compiles.
allowed() {
    compile "$1" "$2"
    if [ "$RC" -eq 0 ]; then
        pass
    else
        fail "$1 may include $2, but it does not compile: $(printf '%s' "$ERR" | head -3)"
    fi
}

# refused LAYER HEADER: HEADER sits in a layer above (or beside) LAYER: the include does not
# compile, because the header is not found (and not for some other reason).
refused() {
    if [ ! -f "$SRC/$2" ]; then
        fail "the probe's header $2 does not exist: the check would prove nothing"
        return
    fi
    compile "$1" "$2"
    # g++ says "HEADER: No such file or directory", clang++ "'HEADER' file not found".
    if [ "$RC" -ne 0 ] && printf '%s' "$ERR" | grep -qF -e "$2: No such file or directory" -e "'$2' file not found"; then
        pass
    else
        fail "$1 must not include $2, but it compiles (rc $RC): $(printf '%s' "$ERR" | head -3)"
    fi
}

# The foundations know nothing above them.
allowed core lib/core/time.hpp
refused core lib/util/text.hpp
allowed util lib/core/error.hpp
refused util lib/policy/policy.hpp
# policy, store and output sit beside each other, above core and util.
allowed policy lib/util/text.hpp
refused policy lib/store/database.hpp
allowed store lib/util/text.hpp
refused store lib/policy/policy.hpp
refused store lib/context/context.hpp
refused store lib/ticket/service.hpp
allowed output lib/util/text.hpp
refused output lib/store/database.hpp
refused output lib/policy/policy.hpp
# What the domains are handed.
allowed access lib/policy/policy.hpp
refused access lib/store/database.hpp
allowed notify lib/policy/policy.hpp
allowed notify lib/context/context.hpp
refused notify lib/ticket/service.hpp
allowed context lib/context/audit.hpp
refused context lib/notify/outbox.hpp
refused context lib/asset/inventory.hpp
allowed setup lib/setup/database.hpp
refused setup lib/context/context.hpp
refused setup lib/ticket/service.hpp
# Domains: the edges between them run one way.
allowed asset lib/context/audit.hpp
refused asset lib/ticket/service.hpp
allowed roster lib/context/audit.hpp
refused roster lib/ticket/service.hpp
refused roster lib/inspect/service.hpp
refused roster lib/backup/service.hpp
allowed backup lib/notify/notify.hpp
refused backup lib/ticket/service.hpp
allowed ticket lib/roster/duty.hpp
allowed ticket lib/asset/service.hpp
refused ticket lib/inspect/service.hpp
refused ticket lib/handover/handover.hpp
allowed inspect lib/ticket/service.hpp
allowed page lib/roster/duty.hpp
allowed page lib/notify/outbox.hpp
refused page lib/inspect/service.hpp
refused ticket lib/page/page.hpp
refused notify lib/page/page.hpp
refused inspect lib/report/monthly.hpp
# Above the domains: nothing of cmd/, nothing of each other.
allowed report lib/roster/duty.hpp
refused report lib/handover/handover.hpp
refused report cmd/common.hpp
allowed handover lib/ticket/service.hpp
allowed handover lib/inspect/service.hpp
allowed handover lib/backup/service.hpp
refused handover lib/report/monthly.hpp
refused handover cmd/common.hpp

# Third-party libraries each stay in their one layer.
cd "$SRC" || exit 1
if out=$(grep -rlE '#include <yaml-cpp/' lib cmd | grep -v '^lib/policy/'); then
    fail "yaml-cpp outside lib/policy: $out"
else
    pass
fi
if out=$(grep -rlE '#include <(SQLiteCpp/|sqlite3\.h)' lib cmd | grep -v '^lib/store/sqlite_driver\.cpp$'); then
    fail "SQLite outside the SQLite driver (lib/store/sqlite_driver.cpp): $out"
else
    pass
fi
# Engine-specific SQL (PRAGMA, sqlite_master) is a dialect hook of the driver.
if out=$(grep -rnE 'PRAGMA |sqlite_master|sqlite_schema' lib cmd | grep -v '^lib/store/sqlite_driver\.cpp:' |
    grep -vE '^[^:]+:[0-9]+:[[:space:]]*//'); then
    fail "SQLite's own SQL outside the SQLite driver: $out"
else
    pass
fi
# cmd/ parses, calls lib/ and renders: it reads and writes nothing itself.
if out=$(grep -rn 'store::' cmd); then
    fail "cmd/ reaches into lib/store: $out"
else
    pass
fi

printf '%d passed, %d failed\n' "$PASSES" "$FAILS"
[ "$FAILS" -eq 0 ]
