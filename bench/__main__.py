"""``python -m bench``: every benchmark area on one generated desk, one results file.

    .venv/bin/python -m bench --quick        # the CI smoke run: 2,000 tickets / 20,000 messages, a few minutes
    .venv/bin/python -m bench                # the full run: 100,000 tickets / 1,000,000 messages
    .venv/bin/python -m bench --only startup,idle --db /tmp/large.db --out /tmp/results.md
    .venv/bin/python -m bench --pg temp --repeat 10   # SQLite and PostgreSQL side by side (bench/pg.py)

The large desk is made by bench/generate.py once per size, seed and generator version and kept
in the user cache directory (``~/.cache/helpdesk-bench/``, or ``--cache-dir``); ``--db`` uses a
database made before instead. The demo desk (``helpdesk demo``'s 200 tickets, the same "now")
is made afresh in a scratch directory. Each area (``bench/<area>.py``, ``measure(ctx) ->
list[Figure]``, see bench/figures.py) runs in turn; its figures, or its error, go to the results
file (default bench/results.md) with the machine, the date and this command line. An area that
fails is reported there and makes the exit status 1, after the others have run; a target
missed does not (it is a result, in the table).

With ``--pg temp`` (the benchmark's own server) or ``--pg postgresql://...`` the areas of
``PG_AREAS`` run a second time, right after their SQLite run, on the same desks copied onto
PostgreSQL (bench/pg.py), and the results file ends with both side by side; without it the file
is as it always was.
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import platform
import shlex
import shutil
import sqlite3
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from platformdirs import user_cache_dir

from bench import pg
from bench.figures import BenchContext, Figure
from bench.generate import DEFAULT_SEED, GENERATOR_VERSION, generate_file, generated_facts
from helpdesk.data.core.clock import Clock, FixedClock, parse_instant
from helpdesk.data.demo import generate_demo
from helpdesk.data.rules.desk import Desk, os_login
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.store import models as m
from helpdesk.data.store.database import open_store

ROOT = Path(__file__).resolve().parents[1]

# Every area, in the order they run: (module in bench/, what it measures).
AREAS = (
    ("search", "search over the desk's subjects and messages"),
    ("queue_keys", "the queue's keys on the large desk"),
    ("thread", "the thread view, up to the 500-message thread"),
    ("reports", "the reports"),
    ("cli_list", "`helpdesk list` and the other reading commands"),
    ("startup", "start to the first painted queue, and memory"),
    ("idle", "idle with the queue open: terminal output and CPU"),
    ("cli_hours", "`helpdesk hours --json`, the shortest command"),
    ("queue_pages", "the queue's pages in the data layer"),
    ("unread_marks", "the queue's unread marks"),
    ("calendar_lookups", "the working calendar's look-ups"),
    ("mail_intake", "mail intake from a Maildir"),
    ("writers", "eight concurrent writers: writes per second and a write's p95"),
)
# The areas that run on PostgreSQL too with --pg (each right after its SQLite run, so both see the
# same load); those about the terminal alone (idle, cli_hours) or pure Python (calendar_lookups,
# mail parsing) and the thread and unread marks' views do not.
PG_AREAS = ("search", "queue_keys", "reports", "cli_list", "startup", "queue_pages", "writers")
QUICK = (2_000, 20_000)
FULL = (100_000, 1_000_000)


@dataclass
class AreaResult:
    name: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    error: str | None = None  # the failure, as the traceback's end
    skipped: str | None = None  # why it did not run (its module is not in this checkout)
    seconds: float = 0.0
    backend: str = "sqlite"  # "postgresql": run on the server's copy of the desk (--pg)

    @property
    def failed(self) -> bool:
        return self.error is not None


# --- running -----------------------------------------------------------------------------


def run_area(name: str, title: str, ctx: BenchContext) -> AreaResult:
    """Import ``bench.<name>`` and call its ``measure``; whatever goes wrong is the area's result."""
    result = AreaResult(name, title, backend=ctx.backend)
    started = time.perf_counter()
    try:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"bench.{name}":
                result.skipped = f"bench/{name}.py is not in this checkout"
                return result
            raise
        figures = module.measure(ctx)
        if not isinstance(figures, list) or not figures:
            raise TypeError(f"measure() returned {type(figures).__name__} {figures!r:.80}, not a list of figures")
        for figure in figures:
            if not isinstance(figure, Figure):
                raise TypeError(f"measure() returned a {type(figure).__name__}, not a Figure")
            for value in (figure.value, figure.reference):
                if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                    raise ValueError(f"{figure.what!r}: {value!r} is no measurement")
        result.figures = figures
    except Exception:  # noqa: BLE001 - any failure of an area is its result; the others still run
        result.error = "".join(traceback.format_exc(limit=-6)).strip()
    finally:
        result.seconds = time.perf_counter() - started
        if m.database_proxy.obj is not None and not m.database_proxy.is_closed():
            m.database_proxy.close()  # an area's store is its own: the next one opens its own
    return result


def exit_status(results: list[AreaResult]) -> int:
    return 1 if any(r.failed for r in results) else 0


def cache_dir(option: str | None) -> Path:
    return Path(option) if option else Path(user_cache_dir("helpdesk-bench", appauthor=False))


def large_desk(args, tickets: int, messages: int, log) -> tuple[Path, dict, str]:
    """The generated desk: ``--db``, or the cached one for these sizes and seed (made if absent).
    Returns its path, the facts its generator recorded and how it came to be."""
    if args.db:
        path = Path(args.db)
        if not path.is_file():
            raise SystemExit(f"bench: --db {path}: no such file")
        return path, generated_facts(path), f"given (--db {path})"
    folder = cache_dir(args.cache_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"desk-{tickets}t-{messages}m-seed{args.seed}-g{GENERATOR_VERSION}.db"
    if path.exists():
        return path, generated_facts(path), f"reused from the cache ({path})"
    log(f"generating {tickets:,} tickets / {messages:,} messages into {path} ...")
    report = generate_file(path, tickets, messages, seed=args.seed)
    log(f"  {report.summary()}")
    return path, generated_facts(path), f"generated now: {report.summary()}"


def demo_desk(workdir: Path, now: str) -> tuple[Path, str]:
    """``helpdesk demo``'s data set (the app's own generator, its real operations) on the same "now"."""
    path = workdir / "demo.db"
    regulation = load_regulation()
    instant = parse_instant(now) if now else Clock().now()
    open_store(str(path), regulation, instant, creator=os_login())
    try:
        report = generate_demo(Desk(regulation, FixedClock(instant), os_login()))
    finally:
        m.database_proxy.close()
    return path, f"{report.tickets} tickets, {report.messages} messages (data/demo.py generate_demo, {report.seconds:.1f} s)"


def count_rows(db: Path) -> tuple[int, int]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        return (connection.execute("SELECT count(*) FROM ticket").fetchone()[0],
                connection.execute("SELECT count(*) FROM message").fetchone()[0])  # fmt: skip


# --- the results file ------------------------------------------------------------------------


def number(value: float) -> str:
    if value == 0:
        return "0"
    size = abs(value)
    if size >= 100:
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:.1f}"
    if size >= 1:
        return f"{value:.2f}"
    return f"{value:#.3g}"


def ratio_text(figure: Figure) -> str:
    return number(figure.ratio) if math.isfinite(figure.ratio) else "∞"


def verdict(figure: Figure) -> str:
    met = figure.met
    return "reported" if met is None else "met" if met else "**missed**"


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def machine() -> list[str]:
    def first(path: str, key: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip() if ":" in line else line.split("=", 1)[1].strip('"')
        except OSError:
            pass
        return "?"

    def package(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "?"

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = first("/proc/meminfo", "MemTotal")
    ram = f"{int(memory.split()[0]) / 1024 / 1024:.0f} GB" if memory != "?" else "?"
    distro = first("/etc/os-release", "PRETTY_NAME=")
    return [
        f"CPU: {first('/proc/cpuinfo', 'model name')}, {cores} cores for this process ({os.cpu_count()} online)",
        f"RAM: {ram}",
        f"OS: {distro} ({platform.system()} {platform.release()}, {platform.machine()})",
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, Textual {package('textual')}, "
        f"peewee {package('peewee')}",
    ]


def render(results: list[AreaResult], *, command: str, started: datetime, seconds: float, data: list[str],
           quick: bool, repeat: int, idle: float, load: tuple[tuple[float, ...], tuple[float, ...]],
           pg_results: list[AreaResult] | None = None) -> str:
    pg_results = pg_results or []
    results_all = results + pg_results
    figures = [f for r in results_all for f in r.figures]
    met = sum(1 for f in figures if f.met)
    missed = sum(1 for f in figures if f.met is False)
    failed = [r.name + (" (PostgreSQL)" if r.backend == "postgresql" else "") for r in results_all if r.failed]
    lines = [
        "# Benchmark results",
        "",
        "Every figure is divided by a reference measured in the same run on the same machine; the target is the",
        "largest acceptable ratio (bench/figures.py). `python -m bench --help` says how to run it; the README's",
        "\"Benchmarks\" section says what each area measures.",
        "",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC, {seconds / 60:.1f} min",
        f"- Command: `{command}`",
        f"- Mode: {'quick (the CI smoke run)' if quick else 'full'}: {repeat} samples a timed figure, idle windows of "
        f"{idle:.0f} s",
        *[f"- {line}" for line in machine()],
        f"- Load average (1, 5, 15 min) at the start: {', '.join(f'{x:.2f}' for x in load[0])}; at the end: "
        f"{', '.join(f'{x:.2f}' for x in load[1])}",
        *[f"- {line}" for line in data],
        f"- Figures: {len(figures)}: {met} met, {missed} missed, {len(figures) - met - missed} reported without a target"
        + (f"; **areas failed: {', '.join(failed)}**" if failed else ""),
        "",
        "| area | figures | met | missed | result | time |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in results_all:
        status = "FAILED" if r.failed else "skipped" if r.skipped else "ok"
        name, anchor = (f"{r.name} (PostgreSQL)", f"{r.name}-on-postgresql") if r.backend == "postgresql" else (r.name, r.name)
        lines.append(f"| [{name}](#{anchor}) | {len(r.figures)} | {sum(1 for f in r.figures if f.met)} | "
                     f"{sum(1 for f in r.figures if f.met is False)} | {status} | {r.seconds:.1f} s |")  # fmt: skip
    for r in results:
        lines += ["", f"## {r.name}", "", f"{r.title} (`bench/{r.name}.py`, {r.seconds:.1f} s)", ""]
        if r.skipped or r.failed:
            lines += _not_run(r, "")
            continue
        lines += ["| # | what | value | reference | ratio | target | result |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for i, f in enumerate(r.figures, 1):
            target = "—" if f.target is None else f"≤ {number(f.target)}"
            lines.append(f"| {i} | {cell(f.what)} | {number(f.value)} {f.unit} | {cell(f.reference_what)}: "
                         f"{number(f.reference)} {f.unit} | {ratio_text(f)} | {target} | {verdict(f)} |")  # fmt: skip
        notes = [(i, f) for i, f in enumerate(r.figures, 1) if f.notes]
        if notes:
            lines += ["", "Notes:", ""]
            lines += [f"{i}. {cell(f.notes)}" for i, f in notes]
    if pg_results:
        lines += side_by_side(results, pg_results)
    return "\n".join(lines) + "\n"


def _not_run(r: AreaResult, where: str) -> list[str]:
    """An area's section when it did not run (skipped) or failed, with why."""
    if r.skipped:
        return [f"Skipped{where}: {r.skipped}."]
    return [f"**FAILED{where}:**", "", "```", r.error or "", "```"]


def _pairs(sqlite: list[Figure], postgres: list[Figure]) -> list[tuple[Figure | None, Figure | None]]:
    """Each PostgreSQL figure beside its SQLite one (the same ``what``; else the same place)."""
    by_what = {f.what: f for f in sqlite}
    pairs, used = [], set()
    for i, f in enumerate(postgres):
        mate = by_what.get(f.what) or (sqlite[i] if i < len(sqlite) else None)
        if mate is not None and id(mate) in used:
            mate = None
        if mate is not None:
            used.add(id(mate))
        pairs.append((mate, f))
    pairs += [(f, None) for f in sqlite if id(f) not in used]
    return pairs


def side_by_side(results: list[AreaResult], pg_results: list[AreaResult]) -> list[str]:
    """The section of a run with --pg: each figure measured on both databases, in one row."""
    sqlite = {r.name: r for r in results}
    lines = ["", "## SQLite | PostgreSQL", "",
             "The areas run on both databases, each figure on the same data set (the PostgreSQL desk is the SQLite "
             "one copied row for row, bench/pg.py), each with its own reference measured in the same run: a "
             "reference \"on the demo desk\" is the demo desk on the same database; where the PostgreSQL reference "
             "is another query, the table below it says which. The SQLite columns repeat the sections above."]  # fmt: skip
    for r in pg_results:
        lines += ["", f"### {r.name} on PostgreSQL", "", f"{r.title} (`bench/{r.name}.py`, {r.seconds:.1f} s on PostgreSQL)", ""]
        if r.skipped or r.failed:
            lines += _not_run(r, " on PostgreSQL")
            continue
        mine = sqlite.get(r.name)
        pairs = _pairs(mine.figures if mine else [], r.figures)
        lines += ["| # | what | target | SQLite | its reference | ratio | PostgreSQL | its reference | ratio |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        others = []
        for i, (a, b) in enumerate(pairs, 1):
            f = b or a
            target = "—" if f.target is None else f"≤ {number(f.target)}"

            def cells(x: Figure | None) -> str:
                if x is None:
                    return "— | — | —"
                judged = "" if x.met is None else " met" if x.met else " **missed**"
                return f"{number(x.value)} {x.unit} | {number(x.reference)} {x.unit} | {ratio_text(x)}{judged}"

            lines.append(f"| {i} | {cell(f.what)} | {target} | {cells(a)} | {cells(b)} |")
            if a is not None and b is not None and a.reference_what != b.reference_what:
                others.append(f"{i}. SQLite: {cell(a.reference_what)}; PostgreSQL: {cell(b.reference_what)}")
            elif a is None or b is None:
                others.append(f"{i}. reference: {cell(f.reference_what)}")
        if others:
            lines += ["", "References where they differ:", "", *others]
        notes = [(i, b) for i, (_, b) in enumerate(pairs, 1) if b is not None and b.notes]
        if notes:
            lines += ["", "Notes on PostgreSQL:", ""]
            lines += [f"{i}. {cell(f.notes)}" for i, f in notes]
    return lines


def command_line(argv: list[str]) -> str:
    python = Path(sys.executable)
    try:
        shown = str(python.relative_to(Path.cwd()))
    except ValueError:
        shown = str(python)
    return shlex.join([shown, "-m", "bench", *argv])


def run_logged(name: str, title: str, ctx: BenchContext, log) -> AreaResult:
    where = " on PostgreSQL" if ctx.postgres else ""
    log(f"{name}{where} ...")
    result = run_area(name, title, ctx)
    status = "FAILED" if result.failed else "skipped" if result.skipped else f"{len(result.figures)} figures"
    log(f"  {status} in {result.seconds:.1f} s")
    for f in result.figures:
        log(f"    {f.what}: {number(f.value)} {f.unit} / {number(f.reference)} = {ratio_text(f)} ({verdict(f)})")
    if result.failed:
        log("    " + (result.error or "").splitlines()[-1])
    return result


def postgres_side(args, ctx: BenchContext, large: Path, facts: dict, cluster, log):
    """The server (started when ``--pg temp``), the large desk on it (loaded or reused) and the
    run's demo desk copied there. Returns the PostgreSQL context (None when the set-up failed),
    the results file's lines about it, and the set-up's failure as a result (or None)."""
    result = AreaResult("postgresql", "the PostgreSQL server and its copy of the desk", backend="postgresql")
    started = time.perf_counter()
    try:
        if args.pg == "temp":
            log("starting the benchmark's PostgreSQL server ...")
            server = cluster.start()
            where = f"the benchmark's own server (--pg temp, bench/pg.py SERVER_SETTINGS; data in {cluster.root})"
        else:
            server, where = args.pg, f"the server of `{pg.shown(args.pg)}`"
        version, settings = pg.server_facts(server)
        loaded = pg.ensure_desk(server, large, facts or {"tickets": ctx.tickets, "messages": ctx.messages}, log)
        log(f"  {loaded.how}")
        demo = pg.ensure_demo(server, ctx.demo_db)
    except Exception:  # noqa: BLE001 - reported like a failed area; the SQLite areas still run
        result.error = "".join(traceback.format_exc(limit=-6)).strip()
        result.seconds = time.perf_counter() - started
        if m.database_proxy.obj is not None and not m.database_proxy.is_closed():
            m.database_proxy.close()
        log("  PostgreSQL set-up FAILED: " + result.error.splitlines()[-1])
        return None, ["PostgreSQL: **set-up failed** (see the section postgresql)"], result
    pg_ctx = replace(ctx, large_db=loaded.url, demo_db=demo, backend="postgresql", sqlite_db=large,
                     repeat=args.pg_repeat or ctx.repeat, extra={**ctx.extra, "pg_server": server})  # fmt: skip
    data = [
        f"PostgreSQL: {version}, {where}; {settings}",
        f"PostgreSQL desk: the large desk copied from its SQLite file, {loaded.how}; the demo desk copied too; "
        f"{pg_ctx.repeat} samples a timed figure",
    ]
    return pg_ctx, data, None


# --- main --------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Every benchmark area on one generated desk, one results file.")
    parser.add_argument("--quick", action="store_true",
                        help=f"CI smoke run: {QUICK[0]:,} tickets / {QUICK[1]:,} messages, few repeats, 5 s idle windows")
    parser.add_argument("--tickets", type=int, help=f"tickets in the large desk (default {FULL[0]:,}; quick {QUICK[0]:,})")
    parser.add_argument("--messages", type=int, help=f"messages in it (default {FULL[1]:,}; quick {QUICK[1]:,})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the generator's seed (default %(default)s)")
    parser.add_argument("--db", help="use this generated database instead of the cached one")
    parser.add_argument("--cache-dir", help="where generated desks are kept (default: the user cache directory)")
    parser.add_argument("--only", help="comma-separated areas to run: " + ", ".join(name for name, _ in AREAS))
    parser.add_argument("--repeat", type=int, help="samples a timed figure (default 20; quick 3)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.md"), help="the results file (default bench/results.md)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory (its path is printed)")
    parser.add_argument("--pg", metavar="URL|temp",
                        help="run the areas that concern the store on PostgreSQL too, side by side: 'temp' starts a "
                             "throw-away server of the benchmark's own (initdb, pg_ctl; stopped at the end), a "
                             "postgresql://USER@HOST:PORT/DB URL uses a server where USER may create databases")
    parser.add_argument("--pg-repeat", type=int, help="samples a timed figure on PostgreSQL (default: --repeat's)")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    names = dict(AREAS)
    selected = [name for name, _ in AREAS]
    if args.only:
        selected = [name.strip() for name in args.only.split(",") if name.strip()]
        unknown = [name for name in selected if name not in names]
        if unknown:
            print(f"bench: no such area: {', '.join(unknown)} (the areas: {', '.join(names)})", file=sys.stderr)
            return 2
    tickets = args.tickets or (QUICK if args.quick else FULL)[0]
    messages = args.messages or (QUICK if args.quick else FULL)[1]

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    started, clock = datetime.now(timezone.utc), time.perf_counter()
    load_before = os.getloadavg()
    if args.pg == "temp" and pg.binaries() is None:
        print("bench: --pg temp: no PostgreSQL server programs (initdb, pg_ctl); apt-get install postgresql",
              file=sys.stderr)  # fmt: skip
        return 2
    if args.pg and args.pg != "temp" and not args.pg.startswith(("postgresql://", "postgres://")):
        print(f"bench: --pg {args.pg}: not 'temp' nor a postgresql:// URL", file=sys.stderr)
        return 2
    cluster = pg.NoCluster()
    if args.pg == "temp":
        cluster = pg.TempCluster(pg.binaries(), pg.cluster_dir(cache_dir(args.cache_dir), pg.binaries()), log)
    workdir = Path(tempfile.mkdtemp(prefix="helpdesk-bench-"))
    try:
        large, facts, how = large_desk(args, tickets, messages, log)
        if facts:
            tickets, messages = facts["tickets"], facts["messages"]
        else:
            tickets, messages = count_rows(large)
        now = facts.get("now", "")
        demo, demo_how = demo_desk(workdir, now)
        ctx = BenchContext(large_db=large, demo_db=demo, workdir=workdir, quick=args.quick, tickets=tickets,
                           messages=messages, repeat=args.repeat or (3 if args.quick else 20),
                           extra={"now": now, "facts": facts})  # fmt: skip
        data = [
            f"Large desk: {tickets:,} tickets / {messages:,} messages (seed {facts.get('seed', '?')}, \"now\" {now or '?'}, "
            f"longest thread #{facts.get('longest_thread', '?')}), {how}",
            f"Demo desk: {demo_how}",
        ]
        pg_ctx, pg_results = None, []
        if args.pg:
            pg_ctx, pg_data, failure = postgres_side(args, ctx, large, facts, cluster, log)
            data += pg_data
            if failure is not None:
                pg_results.append(failure)
        results = []
        for name in selected:
            results.append(run_logged(name, names[name], ctx, log))
            if pg_ctx is not None and name in PG_AREAS:
                pg_results.append(run_logged(name, names[name], pg_ctx, log))
        text = render(results, command=command_line(argv), started=started, seconds=time.perf_counter() - clock,
                      data=data, quick=args.quick, repeat=ctx.repeat, idle=ctx.idle_seconds,
                      load=(load_before, os.getloadavg()), pg_results=pg_results)  # fmt: skip
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        log(f"results: {out}")
        return exit_status(results + pg_results)
    finally:
        cluster.stop()
        if args.keep:
            log(f"scratch directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
