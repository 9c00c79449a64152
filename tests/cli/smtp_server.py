#!/usr/bin/python3
"""An SMTP server on 127.0.0.1 for test_notify.sh (Debian's python3-aiosmtpd): each message it
receives is written to MAILDIR as one file, with the envelope in a JSON file beside it (and
whether it came over TLS, and who logged in).
Environment: MAILDIR, PORT_FILE (the chosen port is written there); for TLS, SMTP_TLS
("starttls": required before MAIL and AUTH; "tls": implicit TLS, as smtps://), SMTP_CERT and
SMTP_KEY (PEM files); SMTP_USER and SMTP_PASS, the one login AUTH accepts (only over TLS)."""
import json
import os
import socket
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Saver:
    count = 0

    async def handle_DATA(self, server, session, envelope):
        Saver.count += 1
        base = os.path.join(os.environ["MAILDIR"], f"{Saver.count:03d}")
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".json", "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                       "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
                       "login": session.auth_data if session.authenticated else None}, f)
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = (os.environ.get("SMTP_USER") and auth_data.login.decode() == os.environ["SMTP_USER"]
          and auth_data.password.decode() == os.environ.get("SMTP_PASS"))
    return AuthResult(success=bool(ok), handled=False, auth_data=auth_data.login.decode() if ok else None)


def main():
    port = free_port()
    mode = os.environ.get("SMTP_TLS", "")
    kwargs = {}
    if mode:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(os.environ["SMTP_CERT"], os.environ["SMTP_KEY"])
        kwargs = {"authenticator": authenticate}
        if mode == "starttls":
            kwargs.update(tls_context=context, require_starttls=True, auth_require_tls=True)
        else:
            # Every byte is over TLS already (aiosmtpd's auth_require_tls knows only STARTTLS).
            kwargs.update(ssl_context=context, auth_require_tls=False)
    controller = Controller(Saver(), hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    path = os.environ["PORT_FILE"]
    with open(path + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(path + ".tmp", path)
    threading.Event().wait()


if __name__ == "__main__":
    main()
