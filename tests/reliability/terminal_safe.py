#!/usr/bin/env python3
"""Fails (exit 1, naming the offset) when stdin holds anything that could drive a terminal:
C0 controls other than LF and TAB, DEL, invalid UTF-8, C1 controls, bidi overrides and
line/paragraph separators. Used by the hostile-input tests on table output and stderr."""
import sys

data = sys.stdin.buffer.read()
try:
    text = data.decode("utf-8", errors="strict")
except UnicodeDecodeError as e:
    print(f"invalid UTF-8 at byte {e.start}: {data[max(0, e.start - 20):e.start + 20]!r}", file=sys.stderr)
    sys.exit(1)
BAD = set(range(0x00, 0x20)) - {0x0A, 0x09}
BAD |= {0x7F} | set(range(0x80, 0xA0)) | set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))
BAD |= {0x2028, 0x2029, 0x200E, 0x200F, 0x061C}
for i, ch in enumerate(text):
    if ord(ch) in BAD:
        print(f"raw U+{ord(ch):04X} at character {i}: {text[max(0, i - 20):i + 20]!r}", file=sys.stderr)
        sys.exit(1)
