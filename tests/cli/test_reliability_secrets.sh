#!/usr/bin/env bash
# Secrets stay secret: an http item's password comes from a private file or the environment,
# reaches the server (checked by a local server that wants Basic authentication) and nothing
# else: not the results, tickets, events, database, outputs or messages. A password written
# into a policy URL is refused; a secret in a policy file others can read is warned about.
source "$(dirname "$0")/lib.sh"

init_sample
export OPSCTL_NOW=2026-10-09T10:00:00+08:00
SECRET="S3cret-pw-7f3a9c"
WRONG="Wr0ng-pw-c1d2e3"
DATA_PW="D4ta-pw-5b6c7d" # kept in an asset field by its owner: only that record may hold it
DATA_USER_TOKEN="ghp-T0ken-8e9f0a" # a token given as the URL's user, in an asset field
DATA_QUERY_TOKEN="qtok-1a2b3c4d"    # a token given as an access_token parameter, in an asset field

cat >"$WORK/server.py" <<'PY'
import base64, http.server, socketserver, sys
want = "Basic " + base64.b64encode(("monitor:" + sys.argv[2]).encode()).decode()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.headers.get("Authorization") == want
        body = b"status: healthy\n" if ok else b"who are you?\n"
        self.send_response(200 if ok else 401)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
s = socketserver.TCPServer(("127.0.0.1", 0), H)
open(sys.argv[1] + ".tmp", "w").write(str(s.server_address[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.serve_forever()
PY
python3 "$WORK/server.py" "$WORK/port" "$SECRET" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [ -f "$WORK/port" ] && break; sleep 0.05; done
PORT=$(cat "$WORK/port")

ALL="$WORK/all-output" # every stdout and stderr of this test, searched for the secret at the end
: >"$ALL"
keep() { printf '%s\n%s\n' "$OUT" "$ERR" >>"$ALL"; }

# 1. A password in the URL is refused, pointing to password_file; the message does not repeat it.
cat >"$WORK/cfg/policies/zz-secret.yaml" <<YAML
checklists:
  monitor:
    every: 1h
    items:
      health: {kind: http, url: "http://monitor:$SECRET@127.0.0.1:$PORT/health", contains: healthy}
YAML
run policy check
keep
expect_rc 78 "a password in an http URL fails policy check"
expect_err "'url' holds a password" "the problem is named"
expect_err "password_file" "the fix is named"
run inspect run monitor
keep
expect_rc 78 "inspect refuses to run with a password in the URL"
cat >"$WORK/cfg/policies/zz-secret.yaml" <<YAML
checklists:
  monitor:
    every: 1h
    items:
      health: {kind: http, url: "http://127.0.0.1:$PORT/health", auth: {user: monitor, password: "$SECRET"}}
YAML
run policy check
keep
expect_rc 78 "a password written under auth is refused too"
expect_err "'auth' takes no 'password'" "auth.password is explained"

# 2. The password from a file of mode 0600.
printf '%s\n' "$SECRET" >"$WORK/monitor.pass"
chmod 600 "$WORK/monitor.pass"
cat >"$WORK/cfg/policies/zz-secret.yaml" <<YAML
checklists:
  monitor:
    every: 1h
    ticket: {type: incident, on: critical}
    items:
      health: {kind: http, url: "http://127.0.0.1:$PORT/health", contains: healthy, auth: {user: monitor, password_file: $WORK/monitor.pass}}
YAML
run policy check
keep
expect_rc 0 "auth with password_file is valid"
run --format json inspect run monitor
keep
expect_rc 0 "the password from the file authenticates"
expect_out "status 200" "the server accepted it"

# A file others can read is refused for this run (UNKNOWN) and named.
chmod 644 "$WORK/monitor.pass"
run --format json inspect run monitor
keep
expect_rc 3 "a password file others can read makes the item UNKNOWN"
expect_out "is open to others (mode 0644)" "the too-open file is explained"
chmod 600 "$WORK/monitor.pass"

# A wrong password: CRITICAL, a ticket is opened, and still no password anywhere.
printf '%s\n' "$WRONG" >"$WORK/monitor.pass"
run --format json inspect run monitor
keep
expect_rc 2 "a wrong password is CRITICAL"
expect_out "status 401" "the server refused it"
run --format json ticket list
keep
expect_out "monitor/health" "a ticket was opened for the failure"
run --format json ticket show 1
keep
run inspect history
keep

# 3. The password from an environment variable.
cat >"$WORK/cfg/policies/zz-secret.yaml" <<YAML
checklists:
  monitor:
    every: 1h
    items:
      health: {kind: http, url: "http://127.0.0.1:$PORT/health", contains: healthy, auth: {user: monitor, password_env: MONITOR_PASS}}
YAML
MONITOR_PASS=$SECRET run --format json inspect run monitor
keep
expect_rc 0 "the password from the environment authenticates"
run --format json inspect run monitor
keep
expect_rc 3 "an unset password variable makes the item UNKNOWN"
expect_out "environment variable 'MONITOR_PASS'" "the missing variable is named"

# 4. A URL from data (a custom field) that holds userinfo is shown redacted.
cat >"$WORK/cfg/policies/zz-secret.yaml" <<YAML
assets:
  classes:
    service:
      prefix: SVC
      fields:
        health_url: string
checklists:
  services:
    every: 1h
    targets: {assets: {class: service}}
    ticket: {type: incident, on: critical}
    items:
      health: {kind: http, url: "{{asset.health_url}}", contains: healthy}
YAML
run -q asset add --class service --name portal --status in_use --set "health_url=http://monitor:$DATA_PW@127.0.0.1:$PORT/health"
keep
SVC=$OUT
run -q asset add --class service --name wiki --status in_use \
    --set "health_url=http://$DATA_USER_TOKEN@127.0.0.1:$PORT/health?access_token=$DATA_QUERY_TOKEN&v=1"
keep
run --format json inspect run services
keep
expect_rc 2 "the service check fails with the wrong password"
expect_out "http://monitor:***@127.0.0.1:$PORT/health" "the URL is shown with its password redacted"
expect_out "http://***@127.0.0.1:$PORT/health?access_token=***&v=1" "a token as user or as access_token is redacted"
expect_true "results, tickets and their events never hold a password or token from a URL" bash -c "
    ! sqlite3 '$OPSCTL_DB' \"select message from inspect_results; select title, body from tickets;
        select fields from events where entity <> 'asset'; select body from ticket_comments\" |
        grep -q -e '$DATA_PW' -e '$DATA_USER_TOKEN' -e '$DATA_QUERY_TOKEN'"
expect_true "the check saw the tickets" bash -c "sqlite3 '$OPSCTL_DB' 'select body from tickets' | grep -q 'monitor:\*\*\*@'"
rm "$WORK/cfg/policies/zz-secret.yaml"

# 5. Secrets written into a policy file that others can read are warned about.
cat >"$WORK/cfg/policies/zz-notify.yaml" <<'YAML'
notify:
  hooks:
    dingtalk:
      command: [curl, -s, -H, "Content-Type: application/json", "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef", -d, "@-"]
    pager:
      command: [/usr/local/bin/page, --token, "tok-abcdef123456"]
    fine:
      command: [/usr/local/bin/page, --token-file, /etc/opsctl/page.token]
YAML
chmod 644 "$WORK/cfg/policies/zz-notify.yaml"
run policy check
keep
expect_rc 0 "a readable secret is a warning, not a failure"
expect_err "zz-notify.yaml:3:5: notify hook 'dingtalk' argument 5: a URL with a 'access_token' parameter looks like a secret" \
    "the hook with a token in its URL is named with its place"
expect_err "notify hook 'pager' argument 3: the value of '--token'" "a token argument is named"
expect_err "is readable by others (mode 0644)" "the file's mode is given"
expect_true "the warning does not repeat the secret" bash -c "! grep -q -e 0123456789abcdef -e tok-abcdef <<<\"\$1\"" _ "$ERR"
expect_true "a file named for a secret is no secret" bash -c "! grep -q \"'fine'\" <<<\"\$1\"" _ "$ERR"
chmod 640 "$WORK/cfg/policies/zz-notify.yaml"
run policy check
keep
expect_rc 0 "the policy is still valid"
expect_true "no warning once others cannot read the file" bash -c "! grep -q 'looks like a secret' <<<\"\$1\"" _ "$ERR"
rm "$WORK/cfg/policies/zz-notify.yaml"

# Nothing holds the password: the database file (tables, events, WAL), a dump, any output.
run db check
keep
expect_true "the database file never holds the password" bash -c "! grep -a -q -e '$SECRET' -e '$WRONG' '$OPSCTL_DB'* 2>/dev/null"
expect_true "a dump of the database never holds the password" bash -c "! sqlite3 '$OPSCTL_DB' .dump | grep -q -e '$SECRET' -e '$WRONG'"
expect_true "no output or message held the password" bash -c \
    "! grep -q -e '$SECRET' -e '$WRONG' -e '$DATA_PW' -e '$DATA_USER_TOKEN' -e '$DATA_QUERY_TOKEN' '$ALL'"
expect_true "the test saw the outputs" test -s "$ALL"

finish
