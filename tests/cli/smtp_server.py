#!/usr/bin/python3
"""An SMTP server on 127.0.0.1 for test_notify.sh (Debian's python3-aiosmtpd): each message it
receives is written to MAILDIR as one file, with the envelope in a JSON file beside it.
Environment: MAILDIR, PORT_FILE (the chosen port is written there)."""
import json
import os
import socket
import threading

from aiosmtpd.controller import Controller


class Saver:
    count = 0

    async def handle_DATA(self, server, session, envelope):
        Saver.count += 1
        base = os.path.join(os.environ["MAILDIR"], f"{Saver.count:03d}")
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".json", "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos}, f)
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    port = free_port()
    controller = Controller(Saver(), hostname="127.0.0.1", port=port)
    controller.start()
    path = os.environ["PORT_FILE"]
    with open(path + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(path + ".tmp", path)
    threading.Event().wait()


if __name__ == "__main__":
    main()
