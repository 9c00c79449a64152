#!/usr/bin/env bash
# inspect run/record/list/due/history/show/pending: probes against a local server and temp
# files, plugin exit codes, timeouts, manual items, monitoring formats, exit statuses.
source "$(dirname "$0")/lib.sh"

init_sample
run policy check
expect_rc 0 "the sample checklists are valid"
expect_true "policy check counts two checklists" bash -c "grep -Eq 'checklists +2' <<<\"\$1\"" _ "$OUT"

# The sample daily checklist passes on an ordinary machine.
run --format json inspect run daily
expect_rc 0 "the sample daily checklist passes"
expect_true "daily has six results, all ok" python3 -c "
import json,sys; d=json.loads(sys.argv[1]); assert len(d)==6, d; assert all(r['status']=='ok' for r in d), d
assert {r['kind'] for r in d} >= {'disk','memory','load','file_age','log_scan'}" "$OUT"

run inspect run dayly
expect_rc 65 "an unknown checklist exits 65, as every value the policy does not define"
expect_err "no checklist 'dayly' (did you mean 'daily'?)" "the error suggests the nearest checklist"

# Manual items without a terminal are recorded pending and do not change the exit status.
run --format json inspect run weekly-hardware </dev/null
expect_rc 0 "manual items alone exit 0"
RUN_ID=$(python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert all(r['status']=='pending' for r in d); print(d[0]['run'])" "$OUT")
expect_true "manual items are pending" test -n "$RUN_ID"
run inspect pending -q
expect_eq 5 "$(wc -l <<<"$OUT")" "inspect pending lists the five open questions"
run inspect record "$RUN_ID" cables --status ok --note "全部牢固"
expect_rc 0 "a manual item is answered later"
run inspect record "$RUN_ID" noise --status fail --note "2号机柜风扇异响"
expect_rc 0 "a failing answer is recorded"
run inspect record "$RUN_ID" root-disk --status ok
expect_rc 66 "an item not in the run is not found"
run inspect record "$RUN_ID" dust --status maybe
expect_rc 64 "an unknown answer is a usage error"
run --format json inspect show "$RUN_ID"
expect_true "show has the answers and notes" python3 -c "
import json,sys; d={r['item']:r for r in json.loads(sys.argv[1])}
assert d['cables']['status']=='ok' and d['cables']['note']=='全部牢固'
assert d['noise']['status']=='critical' and d['noise']['recorded_by']=='tester'
assert d['dust']['status']=='pending'" "$OUT"
run --format json inspect history --failed
expect_true "the answered failure makes the run critical" python3 -c "
import json,sys; d=json.loads(sys.argv[1]); assert [r['checklist'] for r in d]==['weekly-hardware'], d
assert d[0]['status']=='critical' and d[0]['pending']==3" "$OUT"
run inspect show 999
expect_rc 66 "show of an unknown run exits 66"

# Schedules: daily is due again a day later, weekly-hardware a week later.
run inspect due
expect_rc 0 "nothing is due right after the runs"
OPSCTL_NOW=$(date -d '+2 days' --iso-8601=seconds) run --format csv inspect due
expect_rc 1 "due exits 1 when a checklist is overdue"
expect_out "daily," "daily is overdue after two days"
expect_no_out "weekly-hardware," "weekly-hardware is not due after two days"
run --format json inspect list
expect_true "list shows last status and due time" python3 -c "
import json,sys; d={r['checklist']:r for r in json.loads(sys.argv[1])}
assert d['daily']['last_status']=='ok' and d['daily']['overdue'] is False and d['daily']['every']=='1d'" "$OUT"

# A local server for tcp and http probes.
cat >"$WORK/server.py" <<'PY'
import http.server, socketserver, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        code = 500 if self.path == "/broken" else 200
        body = b"status: healthy\n"
        self.send_response(code); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
s = socketserver.TCPServer(("127.0.0.1", 0), H)
open(sys.argv[1] + ".tmp", "w").write(str(s.server_address[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.serve_forever()
PY
python3 "$WORK/server.py" "$WORK/port" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [ -f "$WORK/port" ] && break; sleep 0.05; done
PORT=$(cat "$WORK/port")
CLOSED=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")

mkdir -p "$WORK/backup"
touch -d '2026-10-09T06:00:00+08:00' "$WORK/backup/db-1.tar"
touch -d '2026-10-07T06:00:00+08:00' "$WORK/backup/db-0.tar"
printf 'boot ok\nERROR disk slow\n' >"$WORK/app.log"
cat >"$WORK/cfg/policies/test-probes.yaml" <<YAML
checklists:
  probes:
    title: 探针
    every: 1h
    items:
      port-open: {kind: tcp, host: 127.0.0.1, port: $PORT, timeout: 2s}
      port-closed: {kind: tcp, host: 127.0.0.1, port: $CLOSED, timeout: 2s}
      health: {kind: http, url: "http://127.0.0.1:$PORT/health", contains: healthy}
      health-text: {kind: http, url: "http://127.0.0.1:$PORT/health", contains: "nope"}
      broken: {kind: http, url: "http://127.0.0.1:$PORT/broken"}
      backups: {kind: file_age, path: "$WORK/backup/*.tar", warn_age: 6h, max_age: 1d}
      no-backups: {kind: file_age, path: "$WORK/backup/*.zst", max_age: 1d}
      app-log: {kind: log_scan, file: "$WORK/app.log", pattern: "ERROR|FATAL", warn: 1, crit: 3}
      me: {kind: process, name: python3, min: 1}
  plugins:
    title: 插件
    every: 1d
    items:
      ok: {kind: command, command: [/bin/sh, -c, 'echo "OK - fine | t=1s;2;3"']}
      warn: {kind: command, command: [/bin/sh, -c, 'echo "WARNING - meh"; exit 1']}
      env: {kind: command, shell: true, command: 'echo "OK - \$HOME \$OPSCTL_DB"; test -z "\$OPSCTL_DB"'}
      stdin: {kind: command, command: [/bin/sh, -c, 'if read x; then echo "WARNING - got stdin"; exit 1; fi; echo OK - closed']}
  slow:
    title: 超时
    every: 1d
    items:
      hang: {kind: command, command: [sleep, "60"], timeout: 1s}
      hang-unknown: {kind: command, shell: true, command: "sleep 59.7 & sleep 59.7", timeout: 1s, on_timeout: unknown}
      quick: {kind: memory}
YAML
run policy check
expect_rc 0 "the test checklists are valid"

export OPSCTL_NOW=2026-10-09T10:00:00+08:00
run --format json inspect run probes --jobs 3
expect_rc 2 "probes exit with the worst status (critical)"
expect_true "each probe judged as expected" python3 -c "
import json,sys; d={r['item']:r for r in json.loads(sys.argv[1])}
want={'port-open':'ok','port-closed':'critical','health':'ok','health-text':'critical','broken':'critical',
      'backups':'ok','no-backups':'critical','app-log':'warning','me':'ok'}
bad={k:(d[k]['status'],d[k]['message']) for k in want if d[k]['status']!=want[k]}
assert not bad, bad
assert 'db-1.tar' in d['backups']['message'], d['backups']
assert 'status 500' in d['broken']['message']
assert 'matches' in d['app-log']['perfdata']" "$OUT"

OPSCTL_NOW=2026-10-09T13:00:00+08:00 run --format json inspect run probes
expect_true "file_age warns when the newest backup passes warn_age; log_scan sees no new lines" python3 -c "
import json,sys; d={r['item']:r for r in json.loads(sys.argv[1])}
assert d['backups']['status']=='warning', d['backups']
assert d['app-log']['status']=='ok' and d['app-log']['message'].startswith('0 of 0 new lines'), d['app-log']" "$OUT"
printf 'ERROR a\nERROR b\nERROR c\n' >>"$WORK/app.log"
run --format json inspect run probes --no-record
expect_true "three new matching lines are critical" python3 -c "
import json,sys; d={r['item']:r for r in json.loads(sys.argv[1])}
assert d['app-log']['status']=='critical' and d['app-log']['message'].startswith('3 of 3'), d['app-log']
assert d['app-log']['run'] is None" "$OUT"
run --format json inspect run probes
expect_true "--no-record left the log position where it was" python3 -c "
import json,sys; d={r['item']:r for r in json.loads(sys.argv[1])}
assert d['app-log']['message'].startswith('3 of 3'), d['app-log']" "$OUT"
mv "$WORK/app.log" "$WORK/app.log.1"
printf 'FATAL after rotation\n' >"$WORK/app.log"
run --format json inspect run probes
expect_true "a rotated log is read from its start" python3 -c "
import json,sys; d={r['item']:r for r in json.loads(sys.argv[1])}
assert d['app-log']['status']=='warning' and 'rotated' in d['app-log']['message'], d['app-log']" "$OUT"

run --format json inspect run plugins
expect_rc 1 "plugins exit with the worst status (warning)"
expect_true "plugin exit codes, first line, perfdata, minimal env, closed stdin" python3 -c "
import json,sys; d={r['item']:r for r in json.loads(sys.argv[1])}
assert d['ok']['status']=='ok' and d['ok']['message']=='OK - fine' and d['ok']['perfdata']=='t=1s;2;3', d['ok']
assert d['warn']['status']=='warning' and d['warn']['message']=='WARNING - meh'
assert d['env']['status']=='ok' and d['env']['message'].strip()=='OK - /', d['env']
assert d['stdin']['status']=='ok', d['stdin']" "$OUT"

START=$(date +%s%N)
run --format json inspect run slow
END=$(date +%s%N)
expect_rc 2 "a hanging command is critical (the policy's default)"
expect_true "the hanging run ends within a few seconds" test $(((END - START) / 1000000)) -lt 5000
expect_true "timeouts give the policy's status and the run goes on" python3 -c "
import json,sys; d={r['item']:r for r in json.loads(sys.argv[1])}
assert d['hang']['status']=='critical' and d['hang']['message'].startswith('timed out'), d['hang']
assert d['hang-unknown']['status']=='unknown', d['hang-unknown']
assert d['quick']['status']=='ok'" "$OUT"
expect_true "no process of a timed-out check survives" bash -c "! pgrep -f '^sleep 59.7$' >/dev/null"
run inspect run slow --timeout 1s --jobs 1 --no-record
expect_rc 2 "--timeout applies to every item"

# Monitoring formats.
run --format prometheus inspect run probes --no-record
expect_rc 2 "prometheus output keeps the exit status"
expect_out "# TYPE opsctl_inspect_item_status gauge" "prometheus has typed gauges"
expect_out "opsctl_inspect_item_status{checklist=\"probes\",item=\"port-closed\",target=\"" "one gauge per item with labels"
expect_out "opsctl_inspect_run_timestamp_seconds{checklist=\"probes\"} 1791511200" "the run's timestamp"
expect_true "every line is a comment or a well-formed sample" python3 -c "
import re,sys
seen=[]
for line in sys.argv[1].splitlines():
    if line.startswith('# TYPE '):
        name=line.split()[2]; assert name not in seen, name; seen.append(name); continue
    if line.startswith('# HELP '): continue
    assert re.fullmatch(r'[a-zA-Z_:][a-zA-Z0-9_:]*\{([a-z_]+=\"([^\"\\\\\n]|\\\\.)*\",?)+\} -?[0-9.]+(e[+-]?[0-9]+)?', line), line
    assert line.split('{')[0]==seen[-1], line" "$OUT"
if command -v promtool >/dev/null; then
    expect_true "promtool accepts the metrics" bash -c "promtool check metrics <<<\"\$1\"" _ "$OUT"
fi
run --format nagios inspect run plugins --no-record
expect_rc 1 "nagios output keeps the exit status"
expect_true "nagios prints one status line with perfdata" bash -c "[[ \$(wc -l <<<\"\$1\") == 1 && \"\$1\" == 'INSPECT WARNING - plugins: 1 warning, 3 ok (warn WARNING: WARNING - meh) | '\\''ok.t'\\''=1s;2;3' ]]" _ "$OUT"
run --format junit inspect run probes --no-record
expect_true "junit is XML with one testcase per item" python3 -c "
import sys, xml.etree.ElementTree as ET
root=ET.fromstring(sys.argv[1]); cases=root.findall('.//testcase'); assert len(cases)==9
assert root.get('failures')=='4', root.attrib" "$OUT"
run --format yaml inspect run probes
expect_rc 64 "an unknown format is a usage error"

run inspect run probes --target nowhere
expect_rc 66 "an unknown target is not found"
expect_err "no target 'nowhere'" "the error names the target"

# The history keeps every recorded run; --no-record added none.
run --format json inspect history probes
expect_true "history lists the recorded runs only" python3 -c "
import json,sys; d=json.loads(sys.argv[1]); assert len(d)==4, len(d)" "$OUT"
run --format json inspect history --since 2026-10-09T12:00:00+08:00 probes
expect_true "--since filters by start time" python3 -c "
import json,sys; d=json.loads(sys.argv[1]); assert len(d)==1, d" "$OUT"

# Tickets: one per failing (checklist, item, target), comments while open, a recovery note.
cat >"$WORK/cfg/policies/test-tickets.yaml" <<YAML
checklists:
  watched:
    every: 1d
    ticket: {type: incident, on: critical}
    items:
      service: {kind: command, shell: true, command: 'test -e $WORK/up && echo "OK - up" || { echo "CRITICAL - down"; exit 2; }'}
      fine: {kind: memory}
YAML
unset OPSCTL_NOW
run --format json inspect run watched
expect_rc 2 "the watched service is down"
TICKET=$(python3 -c "
import json,sys; d={r['item']:r for r in json.loads(sys.argv[1])}
t=d['service']['ticket']; assert t.startswith('opened '), d; assert d['fine']['ticket']=='', d; print(t.split()[1])" "$OUT")
expect_true "a failing item opens a ticket" test -n "$TICKET"
run --format json inspect run watched
expect_true "a second failure comments on the open ticket" python3 -c "
import json,sys; d={r['item']:r for r in json.loads(sys.argv[1])}
assert d['service']['ticket']=='commented on $TICKET', d['service']" "$OUT"
touch "$WORK/up"
run --format json inspect run watched
expect_rc 0 "the service is back"
expect_true "recovery is noted on the ticket" python3 -c "
import json,sys; d={r['item']:r for r in json.loads(sys.argv[1])}
assert d['service']['ticket']=='recovery noted on $TICKET', d['service']" "$OUT"
run -q ticket list
expect_eq "$TICKET" "$OUT" "exactly one ticket was opened"
run inspect run watched --no-record
expect_rc 0 "an unrecorded run opens nothing"

# Per-asset checklists run once on every asset of the class in service, with its fields.
cat >"$WORK/cfg/policies/zz-assets.yaml" <<'YAML'
checklists:
  servers:
    every: 1d
    targets: {assets: {class: server}}
    items:
      ping:
        kind: command
        command: [sh, -c, 'test "$1" = 10.0.0.5 && echo "OK - $2 answers" || { echo "WARNING - $2"; exit 1; }', sh, "{{asset.address}}", "{{asset.name}}"]
YAML
run asset add --class server --name 数据库主机 --address 10.0.0.5 --status in_use --set cpu=16 --set memory_gb=64 -q
run asset add --class server --name web --address 10.0.0.9 --status in_use --set cpu=8 --set memory_gb=32 -q
run asset add --class server --name 无地址 --status in_use --set cpu=8 --set memory_gb=32 -q
run asset add --class server --name 备用机 --address 10.0.0.5 --set cpu=8 --set memory_gb=32 -q
run --format csv --no-header inspect run servers
expect_rc 3 "the worst target decides: an asset without an address is UNKNOWN"
expect_out "SRV-0001,ping,command,ok,OK - 数据库主机 answers" "the first server's address and name reach the command"
expect_out "SRV-0002,ping,command,warning,WARNING - web" "the second server is judged on its own"
expect_out "no value for {{asset.address}} on target 'SRV-0003'" "an asset without an address is named"
expect_true "an asset in stock is not a target" bash -c "! grep -q SRV-0004 <<<\"\$1\"" _ "$OUT"
run inspect run servers --target SRV-0002 -q
expect_rc 1 "--target runs one asset"
rm "$WORK/cfg/policies/zz-assets.yaml"

# Policy mistakes are reported with their place.
cat >"$WORK/cfg/policies/zz-bad.yaml" <<'YAML'
checklists:
  bad:
    every: 1d
    items:
      a: {kind: dsik}
      b: {kind: command, command: "check_disk -w 10%"}
      c: {kind: disk, warn: lots}
      d: {kind: tcp, host: "{{asset.address}}", port: 22}
YAML
run policy check
expect_rc 78 "a broken checklist exits 78"
expect_err "zz-bad.yaml:5:" "the unknown kind is located"
expect_err "did you mean 'disk'" "the unknown kind suggests the nearest"
expect_err "'command' is a list of arguments (no shell)" "a command string without shell is refused"
expect_err "'warn' must be a percentage such as 85% or a size such as 2G, not 'lots'" "a bad threshold is explained"
expect_err "uses {{asset...}} but checklist 'bad' has no 'targets" "asset fields need asset targets"

finish
