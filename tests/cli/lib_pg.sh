# Helpers for tests that run on PostgreSQL (source after lib.sh). The cluster is the CTest
# fixture "postgresql" (tests/pg/cluster.sh); $OPSCTL_PG_STATE names its state file.
# shellcheck shell=bash

# pg_require: skips the test (exit 77) when there is no cluster to run on, saying why.
pg_require() {
    local state=${OPSCTL_PG_STATE:-}
    if [ -z "$state" ] || [ ! -f "$state" ]; then
        echo "SKIP: no PostgreSQL cluster (run through ctest, which starts one as root)"
        exit 77
    fi
    # shellcheck source=/dev/null
    . "$state"
    if [ -n "${OPSCTL_PG_SKIP:-}" ]; then
        echo "SKIP: $OPSCTL_PG_SKIP"
        exit 77
    fi
    PG_DBS=()
    trap 'pg_cleanup; rm -rf "$WORK"' EXIT
}

# pg_sql [-d DB] SQL: runs SQL through psql as the cluster's superuser.
pg_sql() {
    local db=postgres
    if [ "$1" = -d ]; then
        db=$2
        shift 2
    fi
    "$OPSCTL_PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$OPSCTL_PG_HOST" -d "$db" -c "$1"
}

# pg_url DB: the URL of database DB in the cluster.
pg_url() { printf 'postgresql:///%s?host=%s' "$1" "$OPSCTL_PG_HOST"; }

# pg_new_database [TEMPLATE [OPTIONS]]: creates a database of its own for this test (from the
# migrated template unless told otherwise) and sets PG_DB to its name and PG_URL to its URL;
# removed when the test ends.
pg_new_database() {
    local template=${1:-opsctl_template} options=${2:-}
    PG_DB="t_$(basename "$0" .sh | tr -c 'a-z0-9_\n' _)_$$_${#PG_DBS[@]}"
    PG_DBS+=("$PG_DB")
    pg_sql "CREATE DATABASE $PG_DB TEMPLATE $template $options" >/dev/null || return 1
    PG_URL=$(pg_url "$PG_DB")
}

pg_cleanup() {
    local name
    for name in "${PG_DBS[@]}"; do
        pg_sql "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1
    done
}
