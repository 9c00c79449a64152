#!/usr/bin/env bash
# Mail over TLS against aiosmtpd on 127.0.0.1 (smtp_server.py), with a certificate made here
# for 127.0.0.1 by a certificate authority made here: a channel's `ca_file` names that
# authority, and mail goes out over STARTTLS (smtp://, the login after the handshake) and over
# implicit TLS (smtps://). A server whose certificate that authority did not sign is refused
# with an error that says so and holds no secret, and the mail waits in the outbox.
source "$(dirname "$0")/lib.sh"

SMTP_PY=/usr/bin/python3
if ! "$SMTP_PY" -c 'import aiosmtpd' 2>/dev/null; then
    fail "python3-aiosmtpd is not installed (tools/debian-packages.txt)"
    finish
fi

export OPSCTL_NOW=2026-12-07T10:00:00+08:00 # a Monday, inside working hours
init_sample

# A certificate authority, the server's certificate for 127.0.0.1 signed by it, and a second,
# self-signed certificate for 127.0.0.1 that no policy trusts.
PKI="$WORK/pki"
mkdir -p "$PKI"
(
    cd "$PKI" || exit 1
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=opsctl test CA' \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj '/CN=127.0.0.1'
    printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 \
        -extfile server.ext
    openssl req -x509 -newkey rsa:2048 -nodes -keyout rogue.key -out rogue.pem -days 2 -subj '/CN=127.0.0.1' \
        -addext subjectAltName=IP:127.0.0.1
) >"$WORK/openssl.log" 2>&1 || { fail "openssl could not make the test certificates: $(cat "$WORK/openssl.log")"; finish; }

export SMTP_USER=opsctl SMTP_PASS=smtp-tls-9a8b-secret SMTP_PW=smtp-tls-9a8b-secret
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT
# start NAME MODE CERT: an SMTP server in MODE (starttls or tls) with CERT, saving to $WORK/NAME.
start() {
    mkdir -p "$WORK/$1"
    MAILDIR="$WORK/$1" PORT_FILE="$WORK/$1.port" SMTP_TLS=$2 SMTP_CERT="$PKI/$3.pem" SMTP_KEY="$PKI/$3.key" \
        "$SMTP_PY" "$SRC/tests/cli/smtp_server.py" 2>"$WORK/$1.log" &
    PIDS+=($!)
}
start starttls starttls server
start tls tls server
start rogue starttls rogue
for _ in $(seq 100); do
    [ -s "$WORK/starttls.port" ] && [ -s "$WORK/tls.port" ] && [ -s "$WORK/rogue.port" ] && break
    sleep 0.1
done
for s in starttls tls rogue; do
    [ -s "$WORK/$s.port" ] || { fail "the $s SMTP server did not start: $(cat "$WORK/$s.log")"; finish; }
done

# channel NAME URL [CA_FILE]: a mail channel for P1 tickets.
channel() {
    printf '    %s:\n      type: mail\n      url: %s\n      user: opsctl\n      password: {env: SMTP_PW}\n' "$1" "$2"
    printf '      from: opsctl@example.com\n      to: [oncall@example.com]\n      priorities: [P1]\n'
    printf '      events: [ticket.created]\n'
    [ -n "${3:-}" ] && printf '      ca_file: %s\n' "$3"
    return 0
}
{
    printf 'notify:\n  timeout: 3s\n  channels:\n'
    channel mail-starttls "smtp://127.0.0.1:$(cat "$WORK/starttls.port")" "$PKI/ca.pem"
    channel mail-smtps "smtps://127.0.0.1:$(cat "$WORK/tls.port")" "$PKI/ca.pem"
} >"$OPSCTL_CONFIG/policies/notify.yaml"
run policy check
expect_rc 0 "mail channels with a ca_file pass policy check"

run ticket new --priority P1 --title '邮件网关证书测试' -q
expect_rc 0 "ticket new"
expect_eq "" "$ERR" "no warning: both mails went out"
# received DIR: the envelope of the one mail in DIR as "from to tls login".
received() {
    python3 - "$WORK/$1" <<'PY'
import glob, json, sys
files = sorted(glob.glob(sys.argv[1] + "/*.json"))
for f in files:
    e = json.load(open(f))
    print(e["from"], ",".join(e["to"]), "tls" if e["tls"] else "clear", e["login"])
PY
}
expect_eq "opsctl@example.com oncall@example.com tls opsctl" "$(received starttls)" \
    "mail over STARTTLS: one mail, sent after the handshake, logged in"
expect_eq "opsctl@example.com oncall@example.com tls opsctl" "$(received tls)" \
    "mail over implicit TLS (smtps://): one mail, logged in"
expect_true "the mail's subject is the ticket's" "$SMTP_PY" -c "
import email, email.header, glob, sys
raw = open(glob.glob(sys.argv[1] + '/*.eml')[0], 'rb').read()
subject = str(email.header.make_header(email.header.decode_header(email.message_from_bytes(raw)['Subject'])))
assert '邮件网关证书测试' in subject, subject
" "$WORK/starttls"
run --format json notify list
expect_true "both messages are sent" python3 -c "
import json, sys
rows = json.loads(sys.argv[1])
assert sorted((r['channel'], r['status']) for r in rows) == [('mail-smtps', 'sent'), ('mail-starttls', 'sent')], rows
" "$OUT"

# Without ca_file the system's authorities are trusted, and they did not sign this certificate.
{
    printf 'notify:\n  timeout: 3s\n  channels:\n'
    channel no-ca "smtp://127.0.0.1:$(cat "$WORK/starttls.port")"
    # A server with a certificate that the channel's authority did not sign.
    channel rogue "smtp://127.0.0.1:$(cat "$WORK/rogue.port")" "$PKI/ca.pem"
} >"$OPSCTL_CONFIG/policies/notify.yaml"
run ticket new --priority P1 --title 'wrong certificate' -q
expect_rc 0 "a refused certificate does not fail the command"
expect_err "certificate" "the warning says the certificate was refused"
expect_eq 0 "$(find "$WORK/rogue" -name '*.eml' | wc -l)" "nothing reached the server with the wrong certificate"
expect_eq 1 "$(find "$WORK/starttls" -name '*.eml' | wc -l)" "nothing more reached the server without ca_file"
run --format json notify list --status pending
expect_true "both mails wait with an error that names the certificate" python3 -c "
import json, sys
rows = json.loads(sys.argv[1])
assert sorted(r['channel'] for r in rows) == ['no-ca', 'rogue'], rows
assert all('certificate' in r['error'].lower() for r in rows), rows
" "$OUT"
expect_no_out "$SMTP_PW" "no error holds the SMTP password"
if grep -rqF "$SMTP_PW" "$WORK/ops.db" "$WORK/ops.db-wal" 2>/dev/null; then
    fail "the SMTP password is in the database"
else
    pass
fi
if printf '%s' "$ERR" | grep -qF "$SMTP_PW"; then fail "the warning holds the SMTP password"; else pass; fi

# ca_file: an absolute path, only where TLS is spoken; one that cannot be read is an error of
# the send (the mail waits), not a crash.
bad() {
    printf 'notify:\n  channels:\n%s\n' "$2" >"$OPSCTL_CONFIG/policies/notify.yaml"
    run policy check
    expect_rc 78 "$1: exit 78"
    expect_err "notify.yaml" "$1: the error names the file"
    expect_err "$3" "$1: the error says what is wrong"
}
bad "a relative ca_file" "    m: {type: mail, url: 'smtps://127.0.0.1:1', from: a@example.com, to: b@example.com, ca_file: ca.pem}" \
    "'ca_file' must be an absolute path"
bad "a ca_file for mail in clear text" "    m: {type: mail, url: 'smtp://127.0.0.1:1', tls: none, from: a@example.com, to: b@example.com, ca_file: /etc/ssl/ca.pem}" \
    "'ca_file' applies only to mail over STARTTLS or TLS"
bad "a ca_file for an http:// webhook" "    h: {type: webhook, url: 'http://127.0.0.1:1/x', ca_file: /etc/ssl/ca.pem}" \
    "'ca_file' applies only to an https:// url"
{
    printf 'notify:\n  timeout: 3s\n  channels:\n'
    channel missing-ca "smtps://127.0.0.1:$(cat "$WORK/tls.port")" "$WORK/no-such-ca.pem"
} >"$OPSCTL_CONFIG/policies/notify.yaml"
run ticket new --priority P1 --title 'missing ca_file' -q
expect_rc 0 "a missing ca_file does not fail the command"
expect_err "cannot read ca_file '$WORK/no-such-ca.pem'" "the warning names the ca_file that cannot be read"

finish
