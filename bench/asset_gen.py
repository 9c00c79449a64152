#!/usr/bin/env python3
"""Writes N assets as opsctl's import CSV (the export's columns) to stdout, for bench/asset.sh."""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
rng = random.Random(42)
classes = [("server", "SRV"), ("network", "NET"), ("pc", "PC"), ("terminal", "TRM"),
           ("fire-equipment", "FIRE"), ("meeting-room", "ROOM")]
owners = ["zhangwei", "lina", "wangfang", "liuyang", "chenjing", "alice"]
locations = ["机房A", "机房B", "办公区3F", "办公区4F", "会议楼", "库房"]
cols = ["tag", "class", "name", "model", "serial", "owner", "location", "address", "status",
        "purchased", "warranty_until", "parent", "cpu", "memory_gb", "disk_tb", "os", "rack", "kind",
        "ports", "firmware", "laptop", "remote_managed", "expires", "pressure_ok", "capacity",
        "amplifiers", "projectors", "screens", "mixers", "microphones", "terminals", "video_conference"]
out = sys.stdout
out.write(",".join(cols) + "\n")
counters = {}
for i in range(n):
    cls, prefix = classes[i % len(classes)] if i % 3 else classes[0]
    counters[prefix] = counters.get(prefix, 0) + 1
    digits = 3 if prefix == "ROOM" else 4
    tag = f"{prefix}-{counters[prefix]:0{digits}d}"
    row = dict.fromkeys(cols, "")
    row.update(tag=tag, **{"class": cls}, name=f"{cls}-{i}", model=f"M{rng.randrange(50)}",
               serial=f"SN{i:08d}", owner=owners[i % 6], location=locations[i % 6],
               status="in_use", purchased=f"20{rng.randrange(18, 26)}-0{rng.randrange(1, 10)}-1{rng.randrange(10)}")
    if cls == "server":
        row.update(cpu="2x Xeon", memory_gb=str(rng.choice([64, 128, 256])), os="linux", rack=f"A{i % 40}",
                   address=f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}")
    elif cls in ("network", "terminal", "fire-equipment"):
        row.update(kind={"network": "switch", "terminal": "pos", "fire-equipment": "extinguisher"}[cls])
    elif cls == "pc":
        row.update(memory_gb="16", laptop="true")
    elif cls == "meeting-room":
        row.update(capacity=str(10 + i % 90), projectors="1", microphones="4")
    out.write(",".join(row[c] for c in cols) + "\n")
