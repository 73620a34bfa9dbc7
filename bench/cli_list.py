"""``helpdesk list`` on the large desk: a thousand tickets as JSON against reading them in plain
SQL, the read function behind it alone, and the memory of listing every ticket.

* ``helpdesk list --json --limit 1000``: the command (``tui.cli.main.main``) in this process,
  its output written to memory: it reads its arguments, the settings and the regulation, opens
  the store, checks the agent, reads the newest 1,000 tickets with their message counts and
  their unread marks, and writes the JSON document (the notes say how much of that the same
  command with one row takes);
* the read function alone: ``data.read.listing.pages`` for the same 1,000 rows;
* reference for both: the raw SQL reading the same 1,000 rows with their message counts (a
  grouped subquery joined to them) on a plain ``sqlite3`` connection, connected each time as
  the command opens its store each time (the connection costs well under a millisecond);
* ``helpdesk list --all --json`` in a process of its own, its peak memory (the child's maximum
  resident set) against ``helpdesk hours --json``'s, the same program doing almost nothing:
  reported, no target (it should not grow with the desk: rows are written a page at a time).

Target for the command: 2x the raw SQL. Medians of the timed runs after one warm-up each.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench.figures import BenchContext, Figure, median, run_alone, timed_ms
from helpdesk.data.core.clock import Clock, parse_instant
from helpdesk.data.read import listing
from helpdesk.data.rules.desk import os_login
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.store import models as m
from helpdesk.data.store.database import open_store
from helpdesk.tui.cli.main import main as helpdesk_main

ROWS = 1000
RAW_SQL = f"""
SELECT t.id, t.number, t.subject, t.status, p.name, t.channel, c.name, c.email, a.login, t.priority, t.scope,
       t.created_at, t.updated_at, t.due_at, t.waiting_since, t.support_ended, t.out_of_hours, COALESCE(mc.n, 0)
FROM ticket t
JOIN customer c ON c.id = t.customer_id
LEFT JOIN product p ON p.id = t.product_id
LEFT JOIN agent a ON a.id = t.assignee_id
LEFT JOIN (SELECT ticket_id, COUNT(*) AS n FROM message
           WHERE ticket_id IN (SELECT id FROM ticket ORDER BY number DESC LIMIT {ROWS})
           GROUP BY ticket_id) mc ON mc.ticket_id = t.id
ORDER BY t.number DESC LIMIT {ROWS}
"""
# Runs a command with its output thrown away and prints the peak resident set of its process.
PEAK = ("import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")  # fmt: skip


# What profiling found (issue 10 item 9), written into the first figure's notes.
LIST_FOUND = (
    "Profiled (cProfile, CPU): about 22 us a row past the read: building the row (instants parsed, "
    "7 us), its JSON element (14 fields written one by one, 8 us), its flags (the working calendar: "
    "a waiting ticket's stale date counted day by day; now kept per calendar and date) and its unread "
    "mark. The fixed part (8 ms): the regulation read and its calendar's year tables built (3 ms), "
    "argparse with every sub-command of tickets.py (2 ms), opening the store and admitting the agent "
    "(peewee building its SQL, 2 ms). What remains is Python work per row that the raw SQL does not "
    "do; a writer of JSON per list (the keys known once) and a lazier calendar are the next steps."
)


def _settings(workdir: Path) -> Path:
    config = workdir / "cli_list.toml"
    config.write_text("# the benchmark's settings: the defaults\n")
    return config


@contextlib.contextmanager
def _environment(config: Path):
    saved = {key: value for key, value in os.environ.items() if key.startswith("HELPDESK_")}
    for key in saved:
        del os.environ[key]
    os.environ["HELPDESK_CONFIG"] = str(config)
    try:
        yield
    finally:
        for key in [k for k in os.environ if k.startswith("HELPDESK_")]:
            del os.environ[key]
        os.environ.update(saved)


def _command(db: Path | str, now: str, *args: str) -> list[str]:
    return ["--db", str(db), *(["--now", now] if now else []), *args]


def _peak_mb(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(peak resident MB, wall seconds) of ``argv`` run in a process of its own."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK, *argv], env=env, capture_output=True, text=True, timeout=3600)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{argv[-4:]} failed: {done.stderr[-400:]}")
    peak = int(done.stdout.split()[-1])
    return (peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024), seconds  # bytes on macOS, KB on Linux


def measure(ctx: BenchContext) -> list[Figure]:
    now = ctx.extra.get("now", "")
    config = _settings(ctx.workdir)
    repeat = 3 if ctx.quick else max(5, min(ctx.repeat, 20))

    def raw() -> list[tuple]:
        if ctx.postgres:  # the same SQL on a psycopg connection, connected each time too
            import psycopg  # a run with --pg has it

            with psycopg.connect(str(ctx.large_db)) as connection:
                return connection.execute(RAW_SQL).fetchall()
        connection = sqlite3.connect(f"file:{ctx.large_db}?mode=ro", uri=True)
        try:
            return connection.execute(RAW_SQL).fetchall()
        finally:
            connection.close()

    def command(rows: int = ROWS) -> str:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            code = helpdesk_main(_command(ctx.large_db, now, "list", "--json", "--limit", str(rows)))
        if code != 0:
            raise RuntimeError(f"helpdesk list exited {code}")
        return out.getvalue()

    with _environment(config):
        listed = [item["number"] for item in json.loads(command())]
        expected = [row[1] for row in raw()]
        if listed != expected:
            raise AssertionError("helpdesk list and the raw SQL read different tickets")
        command_ms = timed_ms(command, repeat)
        raw_ms = timed_ms(raw, repeat)
        one_ms = timed_ms(lambda: command(1), repeat)  # what the command costs before its rows

    open_store(str(ctx.large_db), load_regulation(), parse_instant(now) if now else Clock().now(), creator=os_login())
    try:
        query = listing.ListQuery(limit=ROWS)
        read_ms = timed_ms(lambda: [row for page in listing.pages(query) for row in page], repeat)
    finally:
        m.database_proxy.close()
    raw_again_ms = timed_ms(raw, repeat)

    env = {key: value for key, value in os.environ.items() if not key.startswith("HELPDESK_")}
    env.update({"HELPDESK_CONFIG": str(config), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
    program = [sys.executable, "-c", "import sys; from helpdesk.tui.cli.main import main; sys.exit(main())"]
    all_mb, all_seconds = _peak_mb([*program, *_command(ctx.large_db, now, "list", "--all", "--json")], env)
    hours_mb, _ = _peak_mb([*program, *_command(ctx.large_db, now, "hours", "--json")], env)

    how = f"in-process, median of {repeat} runs after one warm-up each"
    driver = "psycopg, connected each time" if ctx.postgres else "sqlite3"
    return [
        Figure(f"`helpdesk list --json --limit {ROWS}`, {ctx.tickets:,} tickets (the command in-process: store, "
               "rows, unread marks, JSON)", median(command_ms), "ms",
               f"the raw SQL reading the same {ROWS:,} rows with message counts ({driver})", median(raw_ms), 2.0,
               notes=f"{how}; the tickets listed checked equal to the raw SQL's; {median(one_ms):.1f} ms of it is "
                     "the command with one row (arguments, settings, regulation, store and agent checks); the "
                     "interpreter's start and the imports are cli_hours' figure. " + LIST_FOUND),  # fmt: skip
        Figure(f"the read behind it: data.read.listing.pages, {ROWS:,} rows with message counts and links",
               median(read_ms), "ms", f"the same raw SQL ({ROWS:,} rows with message counts)", median(raw_again_ms),
               None, notes=f"{how}; the rows as tuples with their instants as datetimes"),  # fmt: skip
        Figure(f"`helpdesk list --all --json` ({ctx.tickets:,} tickets): peak memory of its process", all_mb, "MB",
               "`helpdesk hours --json`: the same program doing almost nothing", hours_mb, None,
               notes=f"maximum resident set of the child process; the listing took {all_seconds:.1f} s wall "
                     "(output thrown away)"),  # fmt: skip
    ]


if __name__ == "__main__":  # python -m bench.AREA DB [NOW]: this area alone on a desk made before
    raise SystemExit(run_alone(measure, repeat=7))
