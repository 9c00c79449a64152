#!/usr/bin/env python3
"""concurrency.py OPSCTL SECONDS: 8 opsctl processes at once against one database for
SECONDS (creating and commenting tickets, importing tickets and assets, the scheduled
inspection and backup, assigning, reading and the monthly report), then checks that every write that reported success is there exactly once, that no
write that failed is even partly there, that failures are only exit 75 (database busy), and
that `db check` is clean. Groups that are not built into the binary are skipped.
On PostgreSQL ($OPSCTL_DB a postgresql:// URL) the database is read back through psql
($OPSCTL_PSQL), and the readers leave out `db backup` (a SQLite file copy).
Prints a summary line; exits 1 on the first broken promise."""
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time

BIN, SECONDS = sys.argv[1], float(sys.argv[2])
DB = os.environ["OPSCTL_DB"]
PG = DB.startswith(("postgresql://", "postgres://"))
# Where the import files go: beside the database file, or $OPSCTL_SCRATCH for a URL.
SCRATCH = os.environ["OPSCTL_SCRATCH"] if PG else os.path.dirname(DB)
HELP = subprocess.run([BIN, "--help"], capture_output=True, text=True).stdout
GROUPS = {g for g in ("asset", "inspect", "backup", "report") if f"\n  {g} " in HELP or f" {g} " in HELP}

results = []  # (worker kind, key, rc, stdout, stderr)
lock = threading.Lock()
deadline = time.monotonic() + SECONDS


def opsctl(*args, stdin=None):
    p = subprocess.run([BIN, *args], capture_output=True, input=stdin)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def note(kind, key, rc, out, err):
    with lock:
        results.append((kind, key, rc, out, err))


def creator(w):
    n = 0
    while time.monotonic() < deadline:
        n += 1
        title = f"conc-new-{w}-{n}"
        rc, out, err = opsctl("ticket", "new", "--title", title, "--body", "x" * 200, "-q")
        note("new", title, rc, out, err)


def commenter(w):
    n = 0
    while time.monotonic() < deadline:
        n += 1
        text = f"conc-comment-{w}-{n}"
        rc, out, err = opsctl("ticket", "comment", str(random.randint(1, 5)), text, "--spent", "1m")
        note("comment", text, rc, out, err)


def importer(w):
    n = 0
    while time.monotonic() < deadline:
        n += 1
        tag = f"conc-import-{w}-{n}"
        rows = "".join(f"incident,{tag}-row{i},imported body {i}\r\n" for i in range(50))
        path = f"{SCRATCH}/{tag}.csv"
        with open(path, "w") as f:
            f.write("type,title,body\r\n" + rows)
        rc, out, err = opsctl("ticket", "import", path)
        note("import", tag, rc, out, err)


def asset_importer(w):
    n = 0
    while time.monotonic() < deadline:
        n += 1
        tag = f"conc-assets-{w}-{n}"
        path = f"{SCRATCH}/{tag}.csv"
        with open(path, "w") as f:
            f.write("class,name,cpu,memory_gb\r\n" + "".join(f"server,{tag}-{i},8,32\r\n" for i in range(20)))
        rc, out, err = opsctl("asset", "import", path)
        note("asset-import", tag, rc, out, err)


def scheduled(w):
    # What cron runs: the daily inspection and the nightly backup, one after the other.
    n = 0
    while time.monotonic() < deadline:
        n += 1
        if "inspect" in GROUPS and (n % 2 or "backup" not in GROUPS):
            rc, out, err = opsctl("inspect", "run", "daily", "-q")
            note("inspect", str(n), rc, out, err)
        elif "backup" in GROUPS:
            rc, out, err = opsctl("backup", "run", "policy")
            note("backup", str(n), rc, out, err)
        else:
            time.sleep(0.2)


def mover(w):
    # Assigns tickets 6..10 alternately to two people: each success is one 'assigned' event.
    n = 0
    while time.monotonic() < deadline:
        n += 1
        tid = 6 + (n % 5)
        rc, out, err = opsctl("ticket", "assign", str(tid), ["lina", "zhangwei"][(n // 5) % 2])
        note("assign", f"{tid}-{n}", rc, out, err)


def reader(w):
    n = 0
    while time.monotonic() < deadline:
        n += 1
        cmds = [["ticket", "list", "--all", "--limit", "20"], ["--format", "json", "ticket", "show", "1"]]
        if not PG:
            cmds.append(["db", "backup", f"{os.path.dirname(DB)}/copy-{w}.db"])
        if "report" in GROUPS:
            cmds.append(["report", "monthly", "--month", "2026-10"])
        cmd = cmds[n % len(cmds)]
        rc, out, err = opsctl(*cmd)
        note("read:" + cmd[0 if cmd[0] != "--format" else 2], str(n), rc, out, err)


class PsqlConnection:
    """The few sqlite3 calls below, answered by psql for a PostgreSQL database."""

    def execute(self, sql, params=()):
        for p in params:
            sql = sql.replace("?", "'" + str(p).replace("'", "''") + "'", 1)
        out = subprocess.run([os.environ.get("OPSCTL_PSQL", "psql"), "-X", "-q", "-A", "-t", "-F", "\x1f",
                              "-d", DB, "-c", sql], capture_output=True, text=True, check=True).stdout
        rows = [tuple(int(v) if v.lstrip("-").isdigit() else v for v in line.split("\x1f"))
                for line in out.splitlines()]
        return Rows(rows)

    def close(self):
        pass


class Rows(list):
    def fetchone(self):
        return self[0] if self else None


def main():
    # Seed: tickets 1..10 for comments and moves.
    for i in range(10):
        rc, out, err = opsctl("ticket", "new", "--title", f"seed {i}", "-q")
        if rc != 0:
            print(f"seeding failed: {rc} {err}")
            return 1
    kinds = [creator, creator, commenter, importer, asset_importer if "asset" in GROUPS else creator,
             scheduled, mover, reader]
    threads = [threading.Thread(target=k, args=(i,)) for i, k in enumerate(kinds)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started

    problems = []
    busy = 0
    for kind, key, rc, out, err in results:
        if rc == 75:
            busy += 1
            if "locked" not in err and "busy" not in err:
                problems.append(f"{kind} {key}: exit 75 without saying the database is busy: {err!r}")
        elif kind == "inspect" and rc in (1, 2, 3):
            pass  # a monitoring verdict (WARNING, CRITICAL, UNKNOWN), not a failure
        elif rc != 0:
            problems.append(f"{kind} {key}: exit {rc} (only 0 or 75 allowed): {err.strip()!r}")

    con = PsqlConnection() if PG else sqlite3.connect(DB)
    titles = {}
    for tid, title in con.execute("select id, title from tickets"):
        titles.setdefault(title, []).append(tid)
    comments = {}
    for (body,) in con.execute("select body from ticket_comments"):
        comments[body] = comments.get(body, 0) + 1
    assigned_events = con.execute("select count(*) from events where entity='ticket' and action='assigned'").fetchone()[0]

    for kind, key, rc, out, err in results:
        if kind == "new":
            ids = titles.get(key, [])
            if rc == 0 and (len(ids) != 1 or out.strip() != str(ids[0])):
                problems.append(f"ticket '{key}' reported id {out.strip()} but the database has {ids}")
            if rc != 0 and ids:
                problems.append(f"ticket '{key}' failed with {rc} but is in the database as {ids}")
        elif kind == "comment":
            c = comments.get(key, 0)
            if rc == 0 and c != 1:
                problems.append(f"comment '{key}' succeeded but is there {c} times")
            if rc != 0 and c:
                problems.append(f"comment '{key}' failed with {rc} but is there")
        elif kind == "import":
            have = sum(1 for i in range(50) if titles.get(f"{key}-row{i}"))
            if rc == 0 and have != 50:
                problems.append(f"import '{key}' succeeded but only {have} of 50 rows are there")
            if rc != 0 and have:
                problems.append(f"import '{key}' failed with {rc} but {have} of its rows are there")
        elif kind == "asset-import":
            have = con.execute("select count(*) from assets where name like ?", (key + "-%",)).fetchone()[0]
            if rc == 0 and have != 20:
                problems.append(f"asset import '{key}' succeeded but only {have} of 20 assets are there")
            if rc != 0 and have:
                problems.append(f"asset import '{key}' failed with {rc} but {have} of its assets are there")
    if "inspect" in GROUPS:
        recorded = sum(1 for r in results if r[0] == "inspect" and r[2] in (0, 1, 2, 3))
        runs = con.execute("select count(*) from inspect_runs").fetchone()[0]
        if runs != recorded:
            problems.append(f"{recorded} inspection runs gave a verdict but {runs} are recorded")
    if "backup" in GROUPS:
        ok_backups = sum(1 for r in results if r[0] == "backup" and r[2] == 0)
        good = con.execute("select count(*) from backup_runs where status = 'success'").fetchone()[0]
        if ok_backups != good:
            problems.append(f"{ok_backups} backup runs succeeded but {good} are recorded as successes")
        for (path,) in con.execute("select path from backup_runs where status = 'success' and pruned_at is null"):
            if not os.path.exists(path):
                problems.append(f"backup '{path}' is recorded as a success but is not there")
    ok_assigns = sum(1 for r in results if r[0] == "assign" and r[2] == 0)
    # Seeding assigns nothing; every successful assign wrote exactly one event.
    if ok_assigns != assigned_events:
        problems.append(f"{ok_assigns} assigns succeeded but {assigned_events} assigned events exist")
    tickets_without_event = con.execute(
        "select count(*) from tickets t where not exists (select 1 from events e where e.entity='ticket' "
        "and e.entity_id = cast(t.id as text))").fetchone()[0]
    if tickets_without_event:
        problems.append(f"{tickets_without_event} tickets have no event")
    con.close()

    rc, out, err = opsctl("db", "check")
    if rc != 0:
        problems.append(f"db check failed after the run: {out} {err}")

    by_kind = {}
    for kind, key, rc, out, err in results:
        k = by_kind.setdefault(kind, [0, 0])
        k[0] += 1
        k[1] += rc == 75
    summary = ", ".join(f"{k} {v[0]} ({v[1]} busy)" for k, v in sorted(by_kind.items()))
    print(f"{len(results)} commands in {elapsed:.1f}s by 8 processes, {busy} busy (exit 75): {summary}")
    if results and busy > len(results) * 0.02:
        problems.append(f"{busy} of {len(results)} commands ran out of the busy timeout (more than 2%)")
    for p in problems[:20]:
        print("PROBLEM:", p)
    return 1 if problems else 0


sys.exit(main())
