#!/usr/bin/env python3
"""A notify hook / command check that records what it inherited: every open descriptor
(with what it points to) and the whole environment, as JSON appended to argv[1]."""
import json
import os
import sys

fds = {}
for name in os.listdir("/proc/self/fd"):
    try:
        fds[name] = os.readlink(f"/proc/self/fd/{name}")
    except OSError:
        pass
record = {"fds": fds, "env": dict(os.environ), "stdin": sys.stdin.read()}
with open(sys.argv[1], "a") as f:
    f.write(json.dumps(record) + "\n")
