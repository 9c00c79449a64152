#!/bin/bash
# One throwaway PostgreSQL cluster for a whole ctest run (CTest fixture "postgresql"):
#   cluster.sh start STATE   initdb into a scratch folder, start it (Unix socket only, fsync
#                            off), make the migrated template database opsctl_template, and
#                            write STATE: a shell file naming the socket folder for the tests
#   cluster.sh stop STATE    stop the server and remove its folder (also after failed tests)
# Without root or without PostgreSQL's server binaries, STATE says why instead, and the tests
# that need the cluster skip (exit 77). Each test makes its own database from the template
# (tests/cli/lib_pg.sh, tests/unit/test_store_fixture.hpp).
set -u
action=${1:?start or stop}
state=${2:?the state file}
pg_bin=${OPSCTL_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}

stop() {
    [ -f "$state" ] || return 0
    # shellcheck source=/dev/null
    . "$state"
    if [ -n "${OPSCTL_PG_DIR:-}" ] && [ -d "$OPSCTL_PG_DIR" ]; then
        runuser -u postgres -- "$pg_bin/pg_ctl" -D "$OPSCTL_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
        rm -rf "$OPSCTL_PG_DIR"
    fi
    rm -f "$state"
}

skip() {
    printf 'OPSCTL_PG_SKIP=%q\n' "$1" >"$state"
    echo "PostgreSQL tests will skip: $1"
    exit 0
}

case $action in
stop)
    stop
    exit 0
    ;;
start) ;;
*)
    echo "usage: cluster.sh start|stop STATE" >&2
    exit 64
    ;;
esac

stop # a cluster left by an interrupted run
[ "$(id -u)" -eq 0 ] || skip "not root (the cluster runs as the postgres user)"
[ -x "$pg_bin/initdb" ] && [ -x "$pg_bin/pg_ctl" ] || skip "no PostgreSQL server (install the Debian package postgresql)"
id postgres >/dev/null 2>&1 || skip "no postgres user"

dir=$(mktemp -d /tmp/opsctl-pg.XXXXXX) || exit 1
chmod 0700 "$dir"
chown postgres: "$dir"
printf 'OPSCTL_PG_DIR=%q\nOPSCTL_PG_HOST=%q\nOPSCTL_PG_BIN=%q\n' "$dir" "$dir/socket" "$pg_bin" >"$state"
fail() {
    echo "cluster.sh: $1" >&2
    [ -f "$dir/log" ] && tail -n 20 "$dir/log" >&2
    stop
    exit 1
}
runuser -u postgres -- mkdir -m 0700 "$dir/socket" || fail "cannot make the socket folder"
# The superuser is named root: the tests run as root and connect as themselves, over a
# socket in a folder only postgres (and root) can enter, with trust authentication.
runuser -u postgres -- "$pg_bin/initdb" -D "$dir/data" -U root --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; fail "initdb failed"; }
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
    -o "-c listen_addresses='' -k $dir/socket -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" \
    start >/dev/null || fail "the server did not start"

psql=("$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir/socket" -d postgres)
"${psql[@]}" -c "CREATE DATABASE opsctl_template TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'" ||
    fail "cannot create the template database"
if [ -n "${OPSCTL_BIN:-}" ]; then
    cfg=$(mktemp -d) || fail "no scratch folder"
    OPSCTL_CONFIG=$cfg/cfg OPSCTL_DB= HOME=$cfg "$OPSCTL_BIN" init --db "postgresql:///opsctl_template?host=$dir/socket" \
        >"$dir/init.log" 2>&1 || { cat "$dir/init.log" >&2; rm -rf "$cfg"; fail "opsctl init of the template failed"; }
    rm -rf "$cfg"
fi
echo "PostgreSQL cluster at $dir/socket"
