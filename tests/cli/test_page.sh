#!/usr/bin/env bash
# Paging the person on duty until someone answers, on the clock (OPSCTL_NOW): a P1 ticket pages
# whoever the roster puts on duty (an override included), then the next level of the chain
# each time `after` passes unacknowledged, and stops on `page ack` or when someone acts on the
# ticket; a chain that runs out is exhausted. Each step is an event. Pages go out through a
# webhook on 127.0.0.1 (notify_server.py).
source "$(dirname "$0")/lib.sh"

T0=2026-12-07T10:00:00+08:00 # a Monday, day shift
at_min() { TZ=Asia/Shanghai date -d "2026-12-07 10:00:00 +0800 + $1 minutes" +%Y-%m-%dT%H:%M:%S%:z; }
export OPSCTL_NOW=$T0
init_sample

export WECOM_KEY=x DING_TOKEN=x DING_SECRET=x FEISHU_HOOK=x FEISHU_SECRET=x HOOK_TOKEN=page-token-secret
export LOG="$WORK/requests.jsonl" FLAKY_MODE="$WORK/flaky.mode"
: >"$LOG"
echo ok >"$FLAKY_MODE"
SERVER=
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
PORT_FILE="$WORK/http.port" python3 "$SRC/tests/cli/notify_server.py" &
SERVER=$!
for _ in $(seq 100); do
    [ -s "$WORK/http.port" ] && break
    sleep 0.1
done
HTTP=$(cat "$WORK/http.port")

cat >"$OPSCTL_CONFIG/policies/notify.yaml" <<YAML
notify:
  channels:
    oncall:
      type: webhook
      url: http://127.0.0.1:$HTTP/hook
      key: {env: HOOK_TOKEN}
      events: []
  paging:
    channels: [oncall]
    rotation: ops-primary
    escalation: [lina, wangfang]
    after: 15m
    tickets: [P1]
    backups: true
YAML
run policy check
expect_rc 0 "a paging policy passes policy check"

# pages_to PERSON: how many pages the webhook received for PERSON.
pages_to() {
    python3 - "$LOG" "$1" <<'PY'
import json, sys
print(sum(1 for l in open(sys.argv[1]) if (r := json.loads(l))['body'].get('kind') == 'page'
          and r['accepted'] and r['body']['data']['person'] == sys.argv[2]))
PY
}
# pages_about TEXT: who received the pages whose title holds TEXT, one per line.
pages_about() {
    python3 - "$LOG" "$1" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r['body'].get('kind') == 'page' and r['accepted'] and sys.argv[2] in r['body']['title']:
        print(r['body']['data']['person'])
PY
}
flush_at() {
    OPSCTL_NOW=$(at_min "$1") run notify flush
    [ "$RC" -eq 0 ] && pass || fail "notify flush at +$1m"
}

run roster now -q --rotation ops-primary
FIRST=$OUT
expect_true "someone is on duty in ops-primary at 10:00" test -n "$FIRST"

run ticket new --priority P3 --title 'printer jam' -q
run page list
expect_no_out "printer" "a P3 ticket pages nobody"

run ticket new --priority P1 --title '核心交换机宕机' -q
T1=$OUT
# The first page goes out at once, in the command that opened the ticket, not at the next
# flush from cron.
expect_eq 1 "$(pages_to "$FIRST")" "the person on duty in ops-primary ($FIRST) is paged by 'ticket new' itself"
run --format json page list
expect_true "the P1 ticket opened a page and paged its first level" python3 -c "
import json, sys
rows = json.loads(sys.argv[1])
assert len(rows) == 1 and rows[0]['status'] == 'open' and rows[0]['step'] == 1 and '核心交换机宕机' in rows[0]['title'], rows
assert rows[0]['person'] == sys.argv[2], rows
" "$OUT" "$FIRST"
PAGE=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])[0]['id'])" "$OUT")
run --format json notify list
expect_true "the page's message was sent, not left pending" python3 -c "
import json, sys
rows = [r for r in json.loads(sys.argv[1]) if r['kind'] == 'page']
assert len(rows) == 1 and rows[0]['status'] == 'sent', rows
" "$OUT"

flush_at 0
expect_out "paged 0" "the first flush finds the first level paged already"
expect_eq 1 "$(pages_to "$FIRST")" "the person on duty is paged once"
expect_eq 1 "$(python3 -c "
import json, sys
print(sum(1 for l in open(sys.argv[1]) if (r := json.loads(l))['body'].get('kind') == 'page'
          and 'opsctl page ack $PAGE' in r['body']['text'] and '核心交换机宕机' in r['body']['title']))" "$LOG")" \
    "the page names the ticket and the command to acknowledge it"
flush_at 10
expect_out "paged 0" "nobody else is paged before 'after' has passed"
flush_at 16
expect_out "paged 1" "unanswered after 15m: the next level"
expect_eq 1 "$(pages_to lina)" "the second level (lina) is paged"
OPSCTL_NOW=$(at_min 20) OPSCTL_USER=wangfang run page ack "$PAGE"
expect_rc 0 "page ack"
expect_out "acknowledged page $PAGE" "page ack says so"
flush_at 40
expect_out "paged 0" "an acknowledged page pages nobody"
expect_eq 0 "$(pages_to wangfang)" "the third level is never paged"
run page ack "$PAGE"
expect_rc 65 "a page acknowledged already cannot be acknowledged again"
run page ack 999
expect_rc 66 "no such page: exit 66"
run page list
expect_no_out "核心交换机宕机" "page list shows only open pages"
run --format csv page list --all
expect_out "acknowledged" "page list --all shows the acknowledged page"
expect_out "wangfang" "and who acknowledged it"

# Events: each step of the page is one.
expect_eq "opened paged paged acknowledged" \
    "$(sqlite3 "$WORK/ops.db" "SELECT action FROM events WHERE entity = 'page' AND entity_id = '$PAGE' ORDER BY id" | xargs)" \
    "every step of the page is an event"

# A roster override puts someone else on duty: they are the one paged.
COVER=liuyang
[ "$FIRST" = liuyang ] && COVER=chenjing
run roster override add --rotation ops-primary --person "$COVER" --from 2026-12-07T09:00 --to 2026-12-07T18:00
expect_rc 0 "an override for the day"
run ticket new --priority P1 --title '数据库主库宕机' -q
T2=$OUT
flush_at 1
expect_eq 1 "$(pages_to "$COVER")" "the page follows the roster override ($COVER)"

# Acting on the ticket stops its page.
OPSCTL_NOW=$(at_min 5) OPSCTL_USER=$COVER run ticket comment "$T2" '正在处理'
flush_at 17
expect_out "acknowledged by acting 1" "a comment on the ticket acknowledges its page"
expect_eq 1 "$(pages_to lina)" "lina is not paged for the ticket someone acts on"

# Nobody answers: the chain runs out after its last level.
run ticket new --priority P1 --title '机房断电' -q
for m in 30 46 62; do flush_at $m; done
expect_out "exhausted 1" "after the last level the page is exhausted"
run --format json page list --all
expect_true "the exhausted page paged three people" python3 -c "
import json, sys
rows = [r for r in json.loads(sys.argv[1]) if '机房断电' in r['title']]
assert len(rows) == 1 and rows[0]['status'] == 'exhausted' and rows[0]['step'] == 3, rows
" "$OUT"
expect_eq 1 "$(pages_to wangfang)" "the last level was paged once"

# At night ops-primary (a day shift) has nobody on duty: the command that opens the page skips
# that level and pages the next one (lina) at once.
OPSCTL_NOW=$(at_min 780) run ticket new --priority P1 --title '夜间机房温度告警' -q
expect_eq "lina" "$(pages_about 夜间机房温度告警)" "at 23:00 the first level is skipped and lina is paged at once"
run -q page list
for id in $OUT; do OPSCTL_NOW=$(at_min 781) run page ack "$id"; done

# A failed backup pages at once too, from the `backup run` that failed.
cat >"$OPSCTL_CONFIG/policies/broken-backup.yaml" <<'YAML'
backups:
  broken:
    kind: command
    command: [/bin/false]
    dest: backups/broken
    every: 1d
    max_age: 2d
YAML
OPSCTL_NOW=$(at_min 120) run backup run broken
expect_rc 1 "the backup fails"
OPSCTL_NOW=$(at_min 120) run roster now -q --rotation ops-primary
expect_eq "$OUT" "$(pages_about broken)" "'backup run' paged the person on duty ($OUT) about the failed job itself"
run -q page list
for id in $OUT; do OPSCTL_NOW=$(at_min 125) run page ack "$id"; done
rm "$OPSCTL_CONFIG/policies/broken-backup.yaml"

# A paging channel that hangs: the command that opened the page waits the channel's timeout
# once and finishes; the page's step is taken and its message waits in the outbox for the
# next flush, which delivers it once.
sed -i "s|url: http://127.0.0.1:$HTTP/hook|url: http://127.0.0.1:$HTTP/flaky\n      timeout: 1s|" \
    "$OPSCTL_CONFIG/policies/notify.yaml"
echo hang >"$FLAKY_MODE"
OPSCTL_NOW=$(at_min 200) run ticket new --priority P1 --title '存储阵列告警' -q
expect_rc 0 "a hanging paging channel does not fail the command"
expect_err "will retry" "the page that could not be sent is a warning"
run --format json page list
expect_true "the hanging channel's page took its first step all the same" python3 -c "
import json, sys
rows = [r for r in json.loads(sys.argv[1]) if '存储阵列告警' in r['title']]
assert len(rows) == 1 and rows[0]['step'] == 1, rows
" "$OUT"
echo ok >"$FLAKY_MODE"
flush_at 202
expect_out "sent 1" "the next flush sends the page"
flush_at 210
expect_out "sent 0" "and never again"
expect_eq 1 "$(python3 -c "
import json, sys
print(sum(1 for l in open(sys.argv[1]) if (r := json.loads(l))['path'] == '/flaky' and r['accepted']
          and '存储阵列告警' in r['body']['title']))" "$LOG")" \
    "the hanging channel received the page once"

# Pages prove themselves like the other records: db check compares each with the digest of
# its newest event, and names one changed, added or removed outside opsctl.
run db check
expect_rc 0 "db check passes after all that paging"
tamper() {
    local copy="$WORK/$1.db"
    rm -f "$copy" "$copy-wal" "$copy-shm"
    (umask 077 && sqlite3 "$WORK/ops.db" ".backup '$copy'")
    sqlite3 "$copy" "$2"
    OPSCTL_DB="$copy" run db check
}
tamper page-ack "UPDATE pages SET acked_by = 'lina', acked_at = acked_at - 600 WHERE id = $PAGE"
expect_rc 1 "a page whose acknowledgement was edited in the sqlite3 shell fails db check"
expect_out "page $PAGE does not match its newest event" "db check names the page"
expect_out "'pages' row $PAGE" "and its table"
tamper page-insert "INSERT INTO pages (id, kind, subject, title, status, opened_at, next_at) VALUES (500, 'ticket.created', 'ticket 1', 'x', 'open', 0, 0)"
expect_rc 1 "a page inserted in the sqlite3 shell fails db check"
expect_out "page 500 has no event" "db check names the inserted page"
tamper page-delete "DELETE FROM pages WHERE id = $PAGE"
expect_rc 1 "a page deleted in the sqlite3 shell fails db check"
expect_out "page $PAGE was removed outside opsctl" "db check names the deleted page"

# Bad paging policies are refused, naming the file.
bad() {
    local desc=$1 yaml=$2 want=$3
    printf 'notify:\n  channels:\n    oncall: {type: webhook, url: "http://127.0.0.1:9/x", events: []}\n  paging:\n%s\n' "$yaml" \
        >"$OPSCTL_CONFIG/policies/notify.yaml"
    run policy check
    expect_rc 78 "$desc: exit 78"
    expect_err "notify.yaml" "$desc: the error names the file"
    expect_err "$want" "$desc: the error says what is wrong"
}
bad "an unknown channel" "    channels: [pager]
    rotation: ops-primary" "names no channel 'pager'"
bad "an unknown rotation" "    channels: [oncall]
    rotation: ops-primery" "names no rotation 'ops-primery'"
bad "an escalation level that is nobody" "    channels: [oncall]
    rotation: ops-primary
    escalation: [nobody]" "neither a rotation nor a person"

finish
