#!/usr/bin/env python3
"""peak_rss.py OUT_FILE COMMAND...: runs COMMAND (stdin, stdout and stderr passed through),
writes the child's peak resident set size in KiB (VmHWM, from getrusage) to OUT_FILE and
exits with the child's status."""
import resource
import subprocess
import sys

out_file = sys.argv[1]
rc = subprocess.call(sys.argv[2:])
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(out_file, "w") as f:
    f.write(f"{peak_kib}\n")
sys.exit(rc if rc >= 0 else 128 - rc)
