#!/usr/bin/env bash
# Built-in notification channels against real servers on 127.0.0.1: a stand-in for the WeCom,
# DingTalk and Feishu robots and a JSON webhook that checks each payload and signature as the
# services document them (notify_server.py), and an SMTP server (python3-aiosmtpd). A change
# writes its messages to the outbox with its event and sends them after commit; a receiver
# that fails, then hangs, then recovers gets each message once; secrets stay out of the
# policy, the database, the errors and the output; hostile titles stay data.
source "$(dirname "$0")/lib.sh"

SMTP_PY=/usr/bin/python3
if ! "$SMTP_PY" -c 'import aiosmtpd' 2>/dev/null; then
    fail "python3-aiosmtpd is not installed (tools/debian-packages.txt)"
    finish
fi

export OPSCTL_NOW=2026-12-07T10:00:00+08:00 # a Monday, inside working hours
init_sample

# Secrets, each a value that must never show up in the policy, the database or any output.
export WECOM_KEY=wk-5f1c2e93-secret DING_TOKEN=dt-a81b33-secret DING_SECRET=SECd1n9-77aa-secret
export FEISHU_HOOK=fh-0c4d9e-secret FEISHU_SECRET=fs-b6e2-secret HOOK_TOKEN=ht-e4f5a6-secret
SECRETS="$WECOM_KEY $DING_TOKEN $DING_SECRET $FEISHU_HOOK $FEISHU_SECRET $HOOK_TOKEN smtp-pw-1f2e-secret"
mkdir -p "$WORK/secrets"
printf '%s\n' "$WECOM_KEY" >"$WORK/secrets/wecom.key"
printf '%s' "$DING_SECRET" >"$WORK/secrets/dingtalk.secret"
chmod 600 "$WORK/secrets/"*

export LOG="$WORK/requests.jsonl" FLAKY_MODE="$WORK/flaky.mode"
echo ok >"$FLAKY_MODE"
: >"$LOG"
export MAILDIR="$WORK/mail"
mkdir -p "$MAILDIR"
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT
PORT_FILE="$WORK/http.port" python3 "$SRC/tests/cli/notify_server.py" &
PIDS+=($!)
PORT_FILE="$WORK/smtp.port" "$SMTP_PY" "$SRC/tests/cli/smtp_server.py" &
PIDS+=($!)
for _ in $(seq 100); do
    [ -s "$WORK/http.port" ] && [ -s "$WORK/smtp.port" ] && break
    sleep 0.1
done
HTTP=$(cat "$WORK/http.port")
SMTP=$(cat "$WORK/smtp.port")
[ -n "$HTTP" ] && [ -n "$SMTP" ] || { fail "the test servers did not start"; finish; }

write_policy() {
    cat >"$OPSCTL_CONFIG/policies/notify.yaml" <<YAML
notify:
  timeout: 2s
  backoff: 1m
  channels:
    wecom:
      type: wecom
      url: http://127.0.0.1:$HTTP/cgi-bin/webhook/send
      key: {file: $WORK/secrets/wecom.key}
      events: [ticket.created]
    dingtalk:
      type: dingtalk
      url: http://127.0.0.1:$HTTP/robot/send
      key: {env: DING_TOKEN}
      secret: {file: $WORK/secrets/dingtalk.secret}
      events: [ticket.*]
      priorities: [P1, P2]
      language: en
    feishu:
      type: feishu
      url: http://127.0.0.1:$HTTP/open-apis/bot/v2/hook
      key: {env: FEISHU_HOOK}
      secret: {env: FEISHU_SECRET}
      events: [ticket.created]
    hook:
      type: webhook
      url: http://127.0.0.1:$HTTP/hook
      key: {env: HOOK_TOKEN}
      events: [ticket.created]
    mail:
      type: mail
      url: smtp://127.0.0.1:$SMTP
      tls: none
      from: opsctl@example.com
      to: [oncall@example.com, lead@example.com]
      events: [ticket.created]
      priorities: [P1]
$1
YAML
}
write_policy ""
run policy check
expect_rc 0 "a policy with a channel of each type passes policy check"

# count FILTER: how many logged requests satisfy the Python expression FILTER (on `r`).
count() {
    python3 - "$LOG" "$1" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    n += bool(eval(sys.argv[2]))
print(n)
PY
}

TITLE=$'磁盘满了 *urgent* [x](http://evil) <b> "},\\\r\nBcc: victim@example.com'
run ticket new --priority P1 --title "$TITLE" -q
expect_rc 0 "a P1 ticket with a hostile title is opened"
ID=$OUT
expect_eq 1 "$(count "r['path'] == '/cgi-bin/webhook/send' and r['accepted']")" "WeCom received the markdown message with its key"
expect_eq 1 "$(count "r['path'] == '/robot/send' and r['accepted']")" "DingTalk accepted the signed URL"
expect_eq 1 "$(count "r['path'].startswith('/open-apis/') and r['accepted']")" "Feishu accepted the signed body"
expect_eq 1 "$(count "r['path'] == '/hook' and r['accepted'] and r['body']['kind'] == 'ticket.created' and r['body']['data']['id'] == $ID")" \
    "the webhook received the event with its bearer token and Idempotency-Key"
expect_eq 0 "$(count "r['problems']")" "no request broke a service's rules"
export TITLE
expect_eq 1 "$(count "r['path'] == '/hook' and r['body']['data']['title'] == __import__('os').environ['TITLE']")" \
    "the webhook's JSON carries the hostile title byte for byte"
expect_eq 1 "$(count "r['path'] == '/cgi-bin/webhook/send' and '\\\\[x\\\\]\\\\(http://evil\\\\)' in r['text'] and '&lt;b&gt;' in r['text'] and '\\n#' not in r['text']")" \
    "Markdown and HTML in the title reach the robot escaped"
expect_eq 1 "$(count "r['path'] == '/robot/send' and 'Ticket #$ID opened' in r['text']")" "DingTalk's message is in the channel's language (en)"
expect_eq 1 "$(count "r['path'] == '/cgi-bin/webhook/send' and '工单 #$ID 新建' in r['text'] and 'opsctl ticket show $ID' in r['text']")" \
    "the default zh template names the ticket and the command to act"

# The mail: a Chinese subject in RFC 2047, one Subject header, no injected Bcc.
mails=("$MAILDIR"/*.eml)
expect_eq 1 "${#mails[@]}" "one mail arrived for the P1 ticket"
if "$SMTP_PY" - "${mails[0]}" "$ID" <<'PY'; then pass; else fail "the mail's subject decodes to the ticket's title and no header was injected"; fi
import email, email.header, sys
raw = open(sys.argv[1], "rb").read()
msg = email.message_from_bytes(raw)
subject = str(email.header.make_header(email.header.decode_header(msg["Subject"])))
ok = ("磁盘满了" in subject and f"#{sys.argv[2]}" in subject and "\n" not in subject
      and msg.get_all("Bcc") is None and len(msg.get_all("Subject")) == 1
      and b"=?UTF-8?B?" in raw and "Bcc: victim" not in msg.get_payload(decode=True).decode())
if not ok:
    print(raw.decode(errors="replace"), file=sys.stderr)
sys.exit(0 if ok else 1)
PY
expect_true "the envelope names both recipients" grep -q 'lead@example.com' "$MAILDIR/001.json"

run --format json notify list --status sent
expect_rc 0 "notify list --status sent"
expect_true "five messages are sent, each linked to the ticket's event" python3 -c "
import json, sys
rows = json.loads(sys.argv[1])
assert len(rows) == 5, rows
assert sorted(r['channel'] for r in rows) == ['dingtalk', 'feishu', 'hook', 'mail', 'wecom'], rows
assert all(r['event'] and r['status'] == 'sent' and r['attempts'] == 1 for r in rows), rows
" "$OUT"
run --format csv notify list
expect_out "id,status,channel,kind,title" "notify list --format csv has a header row"

# Routing: a P3 ticket goes to neither DingTalk (P1, P2) nor mail (P1).
run ticket new --priority P3 --title 'printer jam' -q
expect_eq 1 "$(count "r['path'] == '/robot/send'")" "a P3 ticket is not sent to a channel for P1 and P2"
expect_eq 1 "$(find "$MAILDIR" -name '*.eml' | wc -l)" "a P3 ticket is not mailed"

# Nothing is sent twice: flushing again sends nothing.
run notify flush
expect_rc 0 "notify flush with nothing due"
expect_out "sent 0" "nothing was due"
expect_eq 2 "$(count "r['path'] == '/cgi-bin/webhook/send'")" "WeCom got each message once"

# A receiver that fails, then hangs, then recovers: retried with backoff, delivered once.
write_policy "    flaky:
      type: webhook
      url: http://127.0.0.1:$HTTP/flaky
      timeout: 1s
      events: [ticket.created]"
echo fail >"$FLAKY_MODE"
run ticket new --priority P2 --title 'flaky receiver' -q
expect_rc 0 "a failed send does not fail the command"
expect_err "will retry" "the failed send is a warning"
run --format json notify list --status pending
expect_true "the message waits with its error and the next attempt a minute on" python3 -c "
import json, sys
rows = json.loads(sys.argv[1])
assert len(rows) == 1 and rows[0]['channel'] == 'flaky' and rows[0]['error'] == 'HTTP status 500', rows
assert rows[0]['next_attempt'].startswith('2026-12-07T10:01:00'), rows
" "$OUT"
run notify flush
expect_out "sent 0" "a flush before the backoff sends nothing"
echo hang >"$FLAKY_MODE"
OPSCTL_NOW=2026-12-07T10:01:30+08:00 run notify flush
expect_rc 1 "notify flush exits 1 when a send fails"
expect_err "timed out" "a hanging receiver is given up on after the channel's timeout"
echo ok >"$FLAKY_MODE"
OPSCTL_NOW=2026-12-07T10:02:00+08:00 run notify flush
expect_out "sent 0" "the backoff doubles: not due yet at 10:02"
OPSCTL_NOW=2026-12-07T10:05:00+08:00 run notify flush
expect_rc 0 "the recovered receiver takes the message"
expect_out "sent 1" "one message sent on recovery"
OPSCTL_NOW=2026-12-07T10:30:00+08:00 run notify flush
expect_out "sent 0" "a delivered message is never sent again"
expect_eq 1 "$(count "r['path'] == '/flaky' and r['accepted']")" "the flaky receiver accepted the message exactly once"
expect_eq 1 "$(python3 -c "
import json, sys
keys = {json.loads(l).get('key') for l in open(sys.argv[1]) if '/flaky' in l}
print(len(keys))" "$LOG")" "every attempt carried the same Idempotency-Key"

# Two receivers that hang: the command waits the section's timeout (2s) once in all, not once
# per channel; what is left waits in the outbox, unattempted, for the next flush.
write_policy "    flaky1:
      type: webhook
      url: http://127.0.0.1:$HTTP/flaky
      events: [ticket.created]
    flaky2:
      type: webhook
      url: http://127.0.0.1:$HTTP/flaky
      events: [ticket.created]"
echo hang >"$FLAKY_MODE"
OPSCTL_NOW=2026-12-07T10:40:00+08:00 run ticket new --priority P4 --title 'two hanging receivers' -q
expect_rc 0 "hanging receivers do not fail the command"
OPSCTL_NOW=2026-12-07T10:40:00+08:00 run --format json notify list --status pending
expect_true "one hanging send used the time; the other channels were not tried" python3 -c "
import json, sys
rows = {r['channel']: r for r in json.loads(sys.argv[1])}
assert rows['flaky1']['attempts'] == 1 and 'timed out' in rows['flaky1']['error'].lower(), rows
assert rows['flaky2']['attempts'] == 0 and rows['hook']['attempts'] == 0 and rows['wecom']['attempts'] == 0, rows
" "$OUT"
echo ok >"$FLAKY_MODE"
OPSCTL_NOW=2026-12-07T10:45:00+08:00 run notify flush
expect_rc 0 "the next flush sends what waited"
expect_eq 0 "$(OPSCTL_NOW=2026-12-07T10:45:00+08:00 "$BIN" -q notify list --status pending | wc -l)" "nothing is left pending"

# Giving up: a channel that keeps failing past 'attempts' is marked failed.
write_policy "    gone:
      type: webhook
      url: http://127.0.0.1:1/nothing-listens
      events: [ticket.created]"
sed -i 's/^  backoff: 1m$/  backoff: 1m\n  attempts: 2/' "$OPSCTL_CONFIG/policies/notify.yaml"
run ticket new --priority P4 --title 'no receiver' -q
OPSCTL_NOW=2026-12-07T11:00:00+08:00 run notify flush
expect_rc 1 "the second failure fails the flush"
expect_err "failed for good after 2 attempts" "the message is given up after the policy's attempts"
run notify list --status failed
expect_out "gone" "notify list --status failed shows it"
OPSCTL_NOW=2026-12-07T11:00:00+08:00 run report monthly --month 2026-12 --out-dir "$WORK/review"
expect_rc 0 "the month's review"
expect_true "the message given up on is an action item of the review" \
    grep -q ',notification_failed,.*ticket.created → gone' "$WORK/review/action_items.csv"

# Secrets: a key file others may read is refused, by name, without its content.
chmod 644 "$WORK/secrets/wecom.key"
run ticket new --priority P4 --title 'open key file' -q
expect_err "wecom.key" "a group- or world-readable key file is named in the warning"
chmod 600 "$WORK/secrets/wecom.key"
run --format json notify list
for s in $SECRETS; do
    expect_no_out "$s" "notify list shows no secret"
    if grep -rqF "$s" "$WORK/ops.db" "$WORK/ops.db-wal" "$OPSCTL_CONFIG" 2>/dev/null; then
        fail "a secret ($s) is in the database or the policy"
    else
        pass
    fi
done
expect_true "no secret in any warning" bash -c "! grep -qF -e '$WECOM_KEY' -e '$DING_SECRET' <<<'$ERR'"

# A secret in an error path: the robot echoes a wrong key in its answer; the outbox's error
# and the warning show it cut out.
printf '%s' "wrong-key-7c1d-secret" >"$WORK/secrets/wecom.key"
run ticket new --priority P4 --title 'wrong key' -q
expect_err "invalid webhook url, key ***" "the robot's answer is in the warning, the key cut out"
[[ "$ERR" != *"wrong-key-7c1d-secret"* ]] && pass || fail "the warning shows the wrong key"
run --format json notify list --status pending
expect_out 'invalid webhook url, key ***' "the outbox's error has the key cut out"
expect_no_out "wrong-key-7c1d-secret" "notify list does not show the key"
if grep -qF "wrong-key-7c1d-secret" "$WORK/ops.db" "$WORK/ops.db-wal" 2>/dev/null; then
    fail "the echoed key is in the database"
else
    pass
fi
printf '%s' "$WECOM_KEY" >"$WORK/secrets/wecom.key"

# Mail is never sent in clear text when STARTTLS is required and the server lacks it.
write_policy "    mail-tls:
      type: mail
      url: smtp://127.0.0.1:$SMTP
      user: opsctl
      password: {env: SMTP_PW}
      from: opsctl@example.com
      to: [oncall@example.com]
      events: [ticket.created]"
export SMTP_PW=smtp-pw-1f2e-secret
before=$(find "$MAILDIR" -name '*.eml' | wc -l)
run ticket new --priority P4 --title 'needs STARTTLS' -q
expect_eq "$before" "$(find "$MAILDIR" -name '*.eml' | wc -l)" "no mail goes out without the STARTTLS it requires"
run --format json notify list --status pending
expect_true "the mail waits with an error" python3 -c "
import json, sys
rows = [r for r in json.loads(sys.argv[1]) if r['channel'] == 'mail-tls']
assert len(rows) == 1 and rows[0]['error'], rows
" "$OUT"
expect_no_out "$SMTP_PW" "the SMTP password is in no error"
if grep -qF "$SMTP_PW" "$WORK/ops.db" "$WORK/ops.db-wal" 2>/dev/null; then fail "the SMTP password is in the database"; else pass; fi

# Quiet hours follow the business calendar: on a Saturday a P3 message waits for Monday's
# first working hour, while a P1 (excepted) goes out at once.
write_policy "    quiet:
      type: webhook
      url: http://127.0.0.1:$HTTP/hook
      key: {env: HOOK_TOKEN}
      events: [ticket.created]
      quiet_hours: outside-business-hours
      quiet_except: [P1]"
sed -i 's/^  attempts: 2$//' "$OPSCTL_CONFIG/policies/notify.yaml"
before=$(count "r['path'] == '/hook' and r['accepted']")
OPSCTL_NOW=2026-12-05T10:00:00+08:00 run ticket new --priority P3 --title 'weekend request' -q
OPSCTL_NOW=2026-12-05T10:00:00+08:00 run --format json notify list --status pending
expect_true "on a Saturday the P3 message waits for Monday 09:00" python3 -c "
import json, sys
rows = [r for r in json.loads(sys.argv[1]) if r['channel'] == 'quiet']
assert len(rows) == 1 and rows[0]['attempts'] == 0 and rows[0]['next_attempt'] == '2026-12-07T09:00:00+08:00', rows
" "$OUT"
OPSCTL_NOW=2026-12-05T10:00:00+08:00 run ticket new --priority P1 --title 'weekend outage' -q
# 'hook' (no quiet hours) takes both at once, 'quiet' only the P1.
expect_eq $((before + 3)) "$(count "r['path'] == '/hook' and r['accepted']")" \
    "a P1 goes out at once in quiet hours, the P3 waits"
expect_eq 1 "$(count "r['path'] == '/hook' and r['accepted'] and r['body']['title'].endswith('weekend request')")" \
    "only the channel without quiet hours sent the P3 on Saturday"
OPSCTL_NOW=2026-12-07T09:00:00+08:00 run notify flush
expect_out "sent 1" "Monday morning's flush sends the held message"
expect_eq 2 "$(count "r['path'] == '/hook' and r['accepted'] and r['body']['title'].endswith('weekend request')")" \
    "the held message goes out on Monday morning"

# Bad channel settings are refused by policy check, naming the file and the key.
bad() {
    local desc=$1 yaml=$2 want=$3
    printf 'notify:\n  channels:\n%s\n' "$yaml" >"$OPSCTL_CONFIG/policies/notify.yaml"
    run policy check
    expect_rc 78 "$desc: exit 78"
    expect_err "notify.yaml:" "$desc: the error names the file"
    expect_err "$want" "$desc: the error says what is wrong"
    [[ "$ERR" != *"plain-secret-value"* ]] && pass || fail "$desc: the error repeats the secret"
}
bad "a secret written in the policy" "    w: {type: wecom, key: plain-secret-value}" "names where the secret is read"
bad "a key in the URL" "    w: {type: wecom, url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=plain-secret-value', key: {env: K}}" "'url' holds a secret"
bad "mail in clear text to another host" "    m: {type: mail, url: 'smtp://mail.example.com', tls: none, from: a@example.com, to: b@example.com}" "allowed only to 127.0.0.1"
bad "a recipient with a header in it" "    m: {type: mail, url: 'smtp://127.0.0.1:25', tls: none, from: a@example.com, to: [\"b@example.com\\\\r\\\\nBcc: c@example.com\"]}" "is not one plain address"
bad "an unknown channel type" "    x: {type: slack}" "'type'"
bad "a priority that does not exist" "    w: {type: wecom, key: {env: K}, priorities: [P9]}" "names no priority 'P9'"
bad "a misspelt key" "    w: {type: wecom, key: {env: K}, evnets: [ticket.created]}" "evnets"

finish
