#!/usr/bin/env bash
# init, policy check/show, db info/check/backup, global options, exit statuses.
source "$(dirname "$0")/lib.sh"

run --version
expect_rc 0 "--version succeeds"
expect_out "opsctl " "--version names the program"

run
expect_rc 64 "no command is a usage error"
run ticket-nope
expect_rc 64 "an unknown command is a usage error"
run --format
expect_rc 64 "a missing option value is a usage error"

init_sample
expect_true "init writes opsctl.yaml" test -f "$WORK/cfg/opsctl.yaml"
expect_true "init writes the calendar" test -f "$WORK/cfg/policies/calendar.yaml"
expect_true "init creates the database" test -f "$WORK/ops.db"
expect_eq "600" "$(stat -c %a "$WORK/ops.db")" "a new database is mode 0600"

# A second init keeps edited files and is harmless.
echo "# edited" >>"$WORK/cfg/opsctl.yaml"
run init
expect_rc 0 "init twice succeeds"
expect_out "kept" "init says what it kept"
expect_true "init keeps an edited file" grep -q '^# edited' "$WORK/cfg/opsctl.yaml"
run init --force
expect_true "init --force overwrites" bash -c "! grep -q '^# edited' '$WORK/cfg/opsctl.yaml'"

run policy check
expect_rc 0 "the sample policy is valid"
expect_out "is valid" "policy check says valid"
expect_out "people" "policy check counts people"

run --format json policy check
expect_rc 0 "policy check in JSON"
expect_true "JSON output parses" python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert any(r['section']=='people' and r['items']>0 for r in d)" "$OUT"

run policy show site
expect_rc 0 "policy show site"
expect_out "timezone: Asia/Shanghai" "policy show prints the merged site section"
run policy show sitee
expect_rc 64 "policy show of an unknown section is a usage error"
expect_err "did you mean 'site'" "unknown section suggests the nearest"

# Broken policies: every problem reported with file:line:col, exit 78.
cp -r "$WORK/cfg" "$WORK/bad"
cat >"$WORK/bad/policies/zz-broken.yaml" <<'YAML'
site:
  timezone: Mars/Olympus
peple:
  x: {}
people:
  lina:
    name: again
  bob:
    nmae: Bob
YAML
run --config "$WORK/bad" policy check
expect_rc 78 "a broken policy exits 78"
expect_err "zz-broken.yaml:3:1: unknown section 'peple' (did you mean 'people'?)" "unknown section with line, column and suggestion"
expect_err "zz-broken.yaml:2:3: 'site.timezone' is set twice (first at $WORK/bad/opsctl.yaml:" "a setting defined twice names both places"
expect_err "person 'lina' is defined twice (first at $WORK/bad/opsctl.yaml:" "a duplicate person names the first place"
expect_err "zz-broken.yaml:9:5: unknown key 'nmae' in person 'bob' (did you mean 'name'?)" "misspelt key suggests the nearest"
expect_err "policy has " "the summary counts the problems"

printf 'site: [unclosed\n' >"$WORK/bad/policies/zz-broken.yaml"
run --config "$WORK/bad" policy check
expect_rc 78 "a YAML syntax error exits 78"
expect_err "zz-broken.yaml:" "a syntax error names the file"

run --config "$WORK/nowhere" policy check
expect_rc 78 "a missing policy directory exits 78"
expect_err "opsctl init" "the hint says how to create one"

# Discovery: $XDG_CONFIG_HOME/opsctl when OPSCTL_CONFIG is unset.
mkdir -p "$XDG_CONFIG_HOME"
cp -r "$WORK/cfg" "$XDG_CONFIG_HOME/opsctl"
OUT=$(env -u OPSCTL_CONFIG "$BIN" policy check 2>&1)
RC=$?
expect_rc 0 "the policy is found under XDG_CONFIG_HOME"
expect_out "$XDG_CONFIG_HOME/opsctl" "policy check names the discovered directory"

# Database discovery: --db beats OPSCTL_DB.
run --db "$WORK/other.db" db info
expect_rc 66 "db info does not create a database"
expect_err "no database '$WORK/other.db' (chosen by --db)" "the refusal names the path and why it was chosen"
run --db "$WORK/other.db" init -q
expect_rc 0 "init --db creates another database"
run --db "$WORK/other.db" db info
expect_rc 0 "db info on the other database"
expect_out "$WORK/other.db" "db info shows the --db path"
OUT=$(env -u OPSCTL_DB "$BIN" db info 2>&1)
expect_out "$XDG_DATA_HOME/opsctl/opsctl.db" "the default database is under XDG_DATA_HOME"

run db info
expect_rc 0 "db info"
expect_out "Schema version" "db info shows the schema version"
run --format json db info
expect_true "db info JSON is one object" python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert d['schema_version']==d['binary_schema_version']" "$OUT"

run db check
expect_rc 0 "db check on a fresh database"
expect_out "hash chain intact" "db check verifies the audit chain"
chmod 0644 "$WORK/ops.db"
run db check
expect_rc 1 "db check fails on a world-readable database"
expect_out "mode 0644" "db check names the bad mode"
chmod 0600 "$WORK/ops.db"

# A database newer than the binary is refused.
cp "$WORK/ops.db" "$WORK/future.db"
sqlite3 "$WORK/future.db" "PRAGMA user_version = 999"
run --db "$WORK/future.db" db info
expect_rc 1 "a newer database is refused"
expect_err "newer than this opsctl" "the refusal says why"

# A file that is not an opsctl database is refused, not migrated.
sqlite3 "$WORK/foreign.db" "CREATE TABLE x(a); INSERT INTO x VALUES (1)"
run --db "$WORK/foreign.db" db info
expect_rc 65 "a foreign database is refused"
expect_err "not an opsctl database" "the refusal says why"

# db backup while another process writes: the copy is a consistent opsctl database.
(for i in $(seq 1 200); do sqlite3 "$WORK/ops.db" "PRAGMA busy_timeout=5000; INSERT INTO meta(key, value) VALUES ('k$i', 'v')" >/dev/null; done) &
writer=$!
run db backup "$WORK/copy.db"
expect_rc 0 "db backup while another process writes"
wait "$writer"
expect_eq "ok" "$(sqlite3 "$WORK/copy.db" 'PRAGMA integrity_check')" "the copy passes integrity_check"
run --db "$WORK/copy.db" db check
expect_rc 0 "the copy passes db check"
expect_eq "600" "$(stat -c %a "$WORK/copy.db")" "the copy is mode 0600"

# Busy: a writer that cannot get the lock within the timeout exits 75, writing nothing.
python3 - "$WORK/busy.db" "$WORK/locked" <<'PY' &
import os, sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
c.execute("CREATE TABLE holder(x)")
open(sys.argv[2], "w").close()
time.sleep(4)
c.execute("ROLLBACK")
PY
locker=$!
for _ in $(seq 1 50); do [ -f "$WORK/locked" ] && break; sleep 0.1; done
OPSCTL_BUSY_TIMEOUT=300 run --db "$WORK/busy.db" db info
expect_rc 75 "a locked database exits 75 after the busy timeout"
expect_err "locked" "the message says the database is locked"
wait "$locker"
run --db "$WORK/busy.db" db info
expect_rc 0 "once the lock is gone the same command succeeds"

finish
