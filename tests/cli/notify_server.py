#!/usr/bin/env python3
"""A stand-in for the chat robots and a webhook receiver, on 127.0.0.1 only (test_notify.sh).

Checks each request as the real service documents it and answers as it would:
  WeCom     POST /cgi-bin/webhook/send?key=KEY, {"msgtype": "markdown", "markdown": {"content"}}
  DingTalk  POST /robot/send?access_token=T&timestamp=MS&sign=S, S = urlencode(base64(
            HmacSHA256(key=secret, msg=MS + "\n" + secret)))
  Feishu    POST /open-apis/bot/v2/hook/HOOK, body {"timestamp", "sign", "msg_type": "text",
            "content": {"text"}}, sign = base64(HmacSHA256(key=timestamp + "\n" + secret, msg=""))
  webhook   POST /hook with "Authorization: Bearer TOKEN" and an Idempotency-Key header that
            equals the body's idempotency_key
  flaky     POST /flaky: as the file FLAKY_MODE says: "fail" (HTTP 500), "hang" (answers after
            20 s), "ok"
Every request is appended to LOG as one JSON line: path, what was checked, whether it was
accepted, the idempotency key and the message text.
Environment: WECOM_KEY, DING_TOKEN, DING_SECRET, FEISHU_HOOK, FEISHU_SECRET, HOOK_TOKEN,
FLAKY_MODE (a file), LOG, PORT_FILE (the chosen port is written there).
"""
import base64
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ENV = os.environ
LOG = ENV["LOG"]


def record(entry):
    with open(LOG, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False) + "\n")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, code, obj):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        raw_query = url.query
        query = urllib.parse.parse_qs(raw_query)
        body_bytes = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        entry = {"path": url.path, "query": raw_query}
        try:
            body = json.loads(body_bytes)
        except ValueError:
            entry["problem"] = "body is not JSON"
            record(entry)
            return self.answer(400, {"errcode": 40001, "errmsg": "bad json"})
        entry["body"] = body
        problems = []
        if url.path == "/cgi-bin/webhook/send":
            if query.get("key") != [ENV["WECOM_KEY"]]:
                # As careless services do: the bad key echoed in the answer.
                problems.append("invalid webhook url, key " + query.get("key", [""])[0])
            if body.get("msgtype") != "markdown" or not isinstance(body.get("markdown", {}).get("content"), str):
                problems.append("not a markdown message")
            entry["text"] = body.get("markdown", {}).get("content")
            reply = (200, {"errcode": 93000 if problems else 0, "errmsg": "; ".join(problems) or "ok"})
        elif url.path == "/robot/send":
            if query.get("access_token") != [ENV["DING_TOKEN"]]:
                problems.append("wrong access_token")
            ts = query.get("timestamp", [""])[0]
            secret = ENV["DING_SECRET"]
            want = base64.b64encode(hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest())
            # The sign arrives URL-encoded in the raw query; parse_qs decodes it once.
            if query.get("sign", [""])[0].encode() != want:
                problems.append("sign not match")
            if "sign=" + urllib.parse.quote_plus(want.decode()) not in raw_query and \
               "sign=" + urllib.parse.quote(want.decode(), safe="") not in raw_query:
                problems.append("sign not URL-encoded")
            md = body.get("markdown", {})
            if body.get("msgtype") != "markdown" or not md.get("title") or not md.get("text"):
                problems.append("not a markdown message with title and text")
            entry["text"] = md.get("text")
            reply = (200, {"errcode": 310000 if problems else 0, "errmsg": "; ".join(problems) or "ok"})
        elif url.path.startswith("/open-apis/bot/v2/hook/"):
            if url.path.rsplit("/", 1)[1] != ENV["FEISHU_HOOK"]:
                problems.append("wrong hook")
            ts = body.get("timestamp", "")
            key = f"{ts}\n{ENV['FEISHU_SECRET']}".encode()
            want = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
            if body.get("sign") != want:
                problems.append("sign match fail")
            if body.get("msg_type") != "text" or not body.get("content", {}).get("text"):
                problems.append("not a text message")
            entry["text"] = body.get("content", {}).get("text")
            reply = (200, {"code": 19021 if problems else 0, "msg": "; ".join(problems) or "success"})
        elif url.path in ("/hook", "/flaky"):
            key = self.headers.get("Idempotency-Key")
            entry["key"] = key
            entry["text"] = body.get("text")
            if key != body.get("idempotency_key"):
                problems.append("Idempotency-Key header differs from the body's")
            if url.path == "/hook" and self.headers.get("Authorization") != "Bearer " + ENV["HOOK_TOKEN"]:
                problems.append("wrong bearer token")
            reply = (200, {"ok": True})
            if url.path == "/flaky":
                mode = open(ENV["FLAKY_MODE"]).read().strip()
                entry["mode"] = mode
                if mode == "fail":
                    reply = (500, {"error": "internal"})
                elif mode == "hang":
                    time.sleep(20)
                    reply = (200, {"late": True})
            if problems:
                reply = (403, {"error": "; ".join(problems)})
        else:
            problems.append("unknown path")
            reply = (404, {"error": "no such path"})
        entry["problems"] = problems
        entry["accepted"] = not problems and reply[0] == 200 and entry.get("mode") in (None, "ok")
        record(entry)
        try:
            self.answer(*reply)
        except (BrokenPipeError, ConnectionResetError):
            pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(ENV["PORT_FILE"] + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(ENV["PORT_FILE"] + ".tmp", ENV["PORT_FILE"])
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
