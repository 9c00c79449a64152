#!/usr/bin/env python3
"""crash.py OPSCTL ROUNDS: kills opsctl with SIGKILL at many points during work that writes,
then checks what a user relies on after a crash:
  - `ticket import` of a few thousand rows: all rows or none, and the same command succeeds
    when run again after a kill that came before the commit;
  - creating and migrating a fresh database (`init`): the next command finds a complete schema
    (a missing file is refused by every command but init);
  - `db backup`: no half-written copy under the final name;
  - `asset import` of a thousand rows: all rows or none, and it succeeds when run again;
  - `backup run`: no archive under a final name that is not complete and listed as a
    successful run (one whose record was cut off is recorded by the next run, never
    deleted), no run left 'running' once the job runs again, which then succeeds;
  - `inspect run`: a run is recorded with all its results or not at all;
and after every kill `db check` exits 0. Groups not built in are skipped.
Prints one line per scenario; exits 1 with the problems found."""
import os
import re
import random
import signal
import sqlite3
import subprocess
import sys
import time

BIN, ROUNDS = sys.argv[1], int(sys.argv[2])
DB = os.environ["OPSCTL_DB"]
WORK = os.path.dirname(DB)
problems = []
random.seed(11)


def opsctl(*args, env=None):
    p = subprocess.run([BIN, *args], capture_output=True, env=env)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def killed_run(args, delay, env=None):
    """Starts opsctl, SIGKILLs it after `delay` seconds; returns its exit status."""
    p = subprocess.Popen([BIN, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        p.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGKILL)
        p.wait()
    return p.returncode


def db_check(what, env=None):
    rc, out, err = opsctl("db", "check", env=env)
    if rc != 0:
        problems.append(f"{what}: db check exit {rc}: {out.strip()} {err.strip()}")
    return rc == 0


def timed(args, env=None):
    t = time.monotonic()
    rc, out, err = opsctl(*args, env=env)
    return rc, time.monotonic() - t, err


def count(sql, db=DB):
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def import_scenario(group, header, row, table, column, entity=None):
    """Kills `opsctl GROUP import` of 1000 rows at random points: all rows or none, with one
    event each when `entity` names the events' entity, and a killed import runs again."""
    rows = 1000

    def write_csv(tag):
        path = f"{WORK}/{tag}.csv"
        with open(path, "w") as f:
            f.write(header + "\r\n")
            for i in range(rows):
                f.write(row(tag, i) + "\r\n")
        return path

    def present(tag):
        return count(f"select count(*) from {table} where {column} like '{tag} %'")

    # How long a whole import takes here (sanitizer builds are slower), on a scratch database.
    env = dict(os.environ, OPSCTL_DB=f"{WORK}/measure-{group}.db")
    opsctl("init", "-q", env=env)  # only init creates a database
    rc, full, err = timed([group, "import", write_csv(f"measure-{group}")], env=env)
    if rc != 0:
        problems.append(f"a plain {group} import failed: {err}")
        return
    kills = {"before commit": 0, "after commit": 0}
    for r in range(ROUNDS):
        tag = f"crash-{group}-{r}"
        path = write_csv(tag)
        delay = random.uniform(0.0, full * 1.1)
        killed_run([group, "import", path], delay)
        db_check(f"{group} import killed at {delay:.3f}s")
        have = present(tag)
        if have not in (0, rows):
            problems.append(f"{group} import killed at {delay:.3f}s left {have} of {rows} rows")
            continue
        if have and entity:
            events = count(f"select count(*) from events where entity = '{entity}' and entity_id in "
                           f"(select cast(id as text) from {table} where {column} like '{tag} %')")
            if events < rows:
                problems.append(f"{group} import killed at {delay:.3f}s has {rows} rows but {events} events")
        if have == 0:
            kills["before commit"] += 1
            rc, out, err = opsctl(group, "import", path)
            if rc != 0:
                problems.append(f"{group} import run again after a kill at {delay:.3f}s failed: {rc} {err.strip()}")
            elif present(tag) != rows:
                problems.append(f"{group} import run again after a kill at {delay:.3f}s did not import every row")
        else:
            kills["after commit"] += 1
    db_check(f"after the {group} import kills")
    print(f"{group} import ({rows} rows, {full:.2f}s whole): {ROUNDS} kills, "
          f"{kills['before commit']} before the commit, {kills['after commit']} after")


def init_scenario():
    # A fresh database: file creation, WAL switch and every migration, killed anywhere. Only
    # init creates a database; a file it left half-migrated is completed by any command.
    env_base = dict(os.environ)
    rc, full, err = timed(["init", "-q"], env=dict(env_base, OPSCTL_DB=f"{WORK}/fresh-measure.db"))
    if rc != 0:
        problems.append(f"creating a fresh database failed: {err}")
        return
    for r in range(ROUNDS):
        db = f"{WORK}/fresh-{r}.db"
        env = dict(env_base, OPSCTL_DB=db)
        delay = random.uniform(0.0, full * 1.2)
        killed_run(["init", "-q"], delay, env=env)
        if not os.path.exists(db):
            # Killed before the file existed: other commands refuse it, init makes it.
            rc, out, err = opsctl("ticket", "list", env=env)
            if rc != 66 or os.path.exists(db):
                problems.append(f"ticket list without a database (init killed at {delay:.3f}s): {rc} {err.strip()}")
            rc, out, err = opsctl("init", "-q", env=env)
            if rc != 0:
                problems.append(f"init after a kill at {delay:.3f}s: {rc} {err.strip()}")
        if not db_check(f"fresh database killed at {delay:.3f}s", env=env):
            continue
        rc, out, err = opsctl("ticket", "new", "--title", "after the crash", "-q", env=env)
        if rc != 0:
            problems.append(f"ticket new on a database killed while created at {delay:.3f}s: {rc} {err.strip()}")
        rc, out, err = opsctl("db", "info", "--format", "json", env=env)
        if rc != 0 or '"schema_version": 0' in out:
            problems.append(f"db info after a kill at {delay:.3f}s: {rc} {out} {err}")
    print(f"fresh database + migrations ({full:.2f}s whole): {ROUNDS} kills")


def backup_scenario():
    target = f"{WORK}/backups/ops-copy.db"
    os.makedirs(os.path.dirname(target), exist_ok=True)
    rc, full, err = timed(["db", "backup", target])
    if rc != 0:
        problems.append(f"db backup failed: {err}")
        return
    os.remove(target)
    for r in range(ROUNDS):
        delay = random.uniform(0.0, full * 1.2)
        killed_run(["db", "backup", target], delay)
        if os.path.exists(target):
            try:
                con = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
                ok = con.execute("pragma integrity_check").fetchone()[0]
                n = con.execute("select count(*) from tickets").fetchone()[0]
                con.close()
            except sqlite3.Error as e:
                ok, n = str(e), 0
            if ok != "ok" or n == 0:
                problems.append(f"db backup killed at {delay:.3f}s left a broken '{target}': {ok}, {n} tickets")
            os.remove(target)
        db_check(f"db backup killed at {delay:.3f}s")
        rc, out, err = opsctl("db", "backup", target)
        if rc != 0:
            problems.append(f"db backup run again after a kill at {delay:.3f}s failed: {err.strip()}")
        if os.path.exists(target):
            os.remove(target)
    print(f"db backup ({full:.2f}s whole): {ROUNDS} kills")


def backup_run_scenario():
    # The sample's 'policy' job archives the policy folder; make it big enough to take time.
    config = os.environ["OPSCTL_CONFIG"]
    filler = os.path.join(config, "filler")
    os.makedirs(filler, exist_ok=True)
    rnd = random.Random(5)
    for i in range(16):
        with open(os.path.join(filler, f"f{i}.bin"), "wb") as f:
            f.write(rnd.randbytes(256 * 1024))
    rc, full, err = timed(["backup", "run", "policy"])
    if rc != 0:
        problems.append(f"backup run failed: {err}")
        return
    for r in range(ROUNDS):
        delay = random.uniform(0.0, full * 1.2)
        killed_run(["backup", "run", "policy"], delay)
        db_check(f"backup run killed at {delay:.3f}s")
        con = sqlite3.connect(DB, timeout=30)
        good = {row[0] for row in con.execute("select path from backup_runs where status = 'success'")}
        con.close()
        dest = os.path.join(os.path.dirname(DB), "backups", "policy")
        # A kill between the rename into place and the commit that records the success leaves
        # a complete archive of a run still marked 'running': the next run must record it
        # (a complete backup is never deleted).
        unrecorded = []
        for name in os.listdir(dest):
            if name.startswith("."):
                continue  # lock and .partial files are not backups
            if os.path.join(dest, name) in good:
                continue
            m = re.search(r"-r(\d+)\.", name)
            status = None
            if m:
                con = sqlite3.connect(DB, timeout=30)
                row = con.execute("select status from backup_runs where id = ?", (int(m.group(1)),)).fetchone()
                con.close()
                status = row[0] if row else None
            if status == "running":
                unrecorded.append(name)
            else:
                problems.append(f"backup run killed at {delay:.3f}s left '{name}' under a final name "
                                f"without a successful run (run status: {status})")
        rc, out, err = opsctl("backup", "run", "policy")
        if rc != 0:
            problems.append(f"backup run again after a kill at {delay:.3f}s failed: {rc} {err.strip()}")
        con = sqlite3.connect(DB, timeout=30)
        good = {row[0] for row in con.execute("select path from backup_runs where status = 'success'")}
        con.close()
        for name in unrecorded:
            if os.path.join(dest, name) not in good or not os.path.exists(os.path.join(dest, name)):
                problems.append(f"'{name}', left by a kill at {delay:.3f}s before its run was recorded, "
                                f"was not kept and recorded as a success by the next run")
        running = count("select count(*) from backup_runs where job = 'policy' and status = 'running'")
        if running:
            problems.append(f"after a kill at {delay:.3f}s and a new run, {running} runs still say 'running'")
    db_check("after the backup run kills")
    print(f"backup run ({full:.2f}s whole): {ROUNDS} kills")


def inspect_run_scenario():
    rc, full, err = timed(["inspect", "run", "daily"])
    if rc > 3:
        problems.append(f"inspect run failed: {rc} {err}")
        return
    for r in range(ROUNDS):
        delay = random.uniform(0.0, full * 1.2)
        killed_run(["inspect", "run", "daily"], delay)
        db_check(f"inspect run killed at {delay:.3f}s")
        partial = count("select count(*) from inspect_runs r where r.item_count > 0 and "
                        "(select count(*) from inspect_results x where x.run_id = r.id) <> "
                        "r.item_count * r.target_count")
        if partial:
            problems.append(f"inspect run killed at {delay:.3f}s: {partial} runs without all their results")
    db_check("after the inspect run kills")
    print(f"inspect run ({full:.2f}s whole): {ROUNDS} kills")


import_scenario("ticket", "type,title,body,reporter",
                lambda tag, i: f"incident,{tag} row {i},\"body {i}, with a comma\",王芳", "tickets", "title", "ticket")
import_scenario("asset", "class,name,cpu,memory_gb", lambda tag, i: f"server,{tag} 主机 {i},8,32", "assets", "name")
init_scenario()
backup_scenario()
backup_run_scenario()
inspect_run_scenario()
for p in problems[:30]:
    print("PROBLEM:", p)
sys.exit(1 if problems else 0)
