"""The benchmark's PostgreSQL side: a server to run on, the generated desk copied onto it, and
what the results file says about the server.

* ``--pg temp``: :class:`TempCluster`, a server of the benchmark's own (Debian's ``initdb`` and
  ``pg_ctl``, as tests/postgres.py starts the tests' one) on 127.0.0.1, started for the run and
  stopped at its end, with the settings of :data:`SERVER_SETTINGS`, so the figures do not depend
  on how a machine's own cluster is set up. Its data directory is kept (:func:`cluster_dir`), so
  the desk it was loaded with is reused by the next run.
* ``--pg postgresql://USER@HOST:PORT/DB``: an existing server; USER must be allowed to create
  databases. DB is only where the benchmark connects to create (and drop) its own.

The large desk on PostgreSQL is the SQLite desk the run uses, copied row for row (the same
seed, sizes and "now", the same ids and numbers): :func:`load_desk` makes the store with the
project's own schema (``open_store``), replaces what it seeded, and streams every table with
``COPY ... FROM STDIN`` (psycopg), parents first, with the big tables' secondary indexes, the
foreign-key triggers and the search index's triggers off; then it builds the indexes again,
moves the sequences past the copied ids, rebuilds the search index once (as
``fulltext.bulk_load`` does) and runs ``ANALYZE``. The database is named after the data set
(``hd_bench_100000t_1000000m_seed7_g1``) and kept: a later run reuses it when its marker row
(``meta`` key :data:`MARKER`, written last, in the load's final transaction) names the same data
set; an unfinished or different one is dropped and loaded again.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import peewee as pw

from helpdesk.data.core.clock import Clock, parse_instant
from helpdesk.data.rules.desk import os_login
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.store import fulltext, numbers
from helpdesk.data.store import models as m
from helpdesk.data.store.database import masked, open_store
from helpdesk.data.store.transfer import MODELS

MARKER = "bench.pg_loaded"  # meta row: the data set this database holds, written when the load is whole
DEMO_DATABASE = "hd_bench_demo"
WRITERS_DATABASE = "hd_bench_writers"
SUPERUSER = "postgres"
# The throw-away cluster's settings. synchronous_commit=off with fsync on is what the SQLite
# store does (WAL with synchronous=NORMAL): a commit is not flushed to disk, a crash of the
# server loses no committed page, a power cut may lose the last commits.
SERVER_SETTINGS = {
    "shared_buffers": "512MB",
    "effective_cache_size": "4GB",
    "maintenance_work_mem": "256MB",
    "work_mem": "16MB",
    "fsync": "on",
    "synchronous_commit": "off",
    "full_page_writes": "on",
    "max_wal_size": "4GB",
    "checkpoint_timeout": "15min",
    "max_connections": "50",
}
SHOWN_SETTINGS = ("shared_buffers", "work_mem", "effective_cache_size", "synchronous_commit", "fsync",
                  "full_page_writes", "max_connections", "jit")  # fmt: skip


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin directory (Debian's layout, or initdb on PATH)."""
    found = [p for p in Path("/usr/lib/postgresql").glob("*/bin/initdb") if p.parts[-3].isdigit()]
    if found:
        return max(found, key=lambda p: int(p.parts[-3])).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def cluster_dir(cache: Path, bin_dir: Path) -> Path:
    """Where ``--pg temp`` keeps its cluster between runs: beside the cached SQLite desks, or, when
    run as root (the server then runs as ``postgres``, who cannot enter root's home), in
    /var/tmp under a name made from the cache directory's path."""
    major = bin_dir.parts[-2] if len(bin_dir.parts) >= 2 and bin_dir.parts[-2].isdigit() else "pg"
    if os.geteuid() != 0:
        return Path(cache) / f"postgresql-{major}"
    key = hashlib.sha1(str(Path(cache).resolve()).encode()).hexdigest()[:10]
    return Path("/var/tmp") / f"helpdesk-bench-postgresql-{major}-{key}"


class TempCluster:
    """A PostgreSQL server of the benchmark's own (``--pg temp``), with :data:`SERVER_SETTINGS`,
    listening on 127.0.0.1 (a free port each time) and on a socket in its own directory.

    Its data directory (:func:`cluster_dir`) is kept when the run ends and the server stopped, so
    the next run starts it again and finds the large desk it loaded (loading 100k/1M takes
    minutes); delete the directory to throw it all away. initdb refuses to run as root: then the
    server runs as the ``postgres`` user (``runuser``)."""

    def __init__(self, bin_dir: Path, root: Path, log) -> None:
        self.bin, self.root, self.log = bin_dir, Path(root), log
        self.port = 0
        self.running = False
        self._as_root = os.geteuid() == 0

    def _run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess:
        command = ["runuser", "-u", SUPERUSER, "--", *argv] if self._as_root else list(argv)
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=300)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def start(self) -> str:
        """Start it (made first if absent); returns the URL of its ``postgres`` database (trust
        authentication, 127.0.0.1)."""
        if not (self.data / "PG_VERSION").exists():
            shutil.rmtree(self.root, ignore_errors=True)
            self.root.mkdir(parents=True)
            if self._as_root:
                shutil.chown(self.root, SUPERUSER, SUPERUSER)
            self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                      "--locale", "C.UTF-8", "--no-sync")  # fmt: skip
        options = " ".join(f"-c {k}={v}" for k, v in SERVER_SETTINGS.items())
        options += f" -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root}"
        for _attempt in range(5):  # another process may take the free port first
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                self.port = probe.getsockname()[1]
            started = self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-w",
                                "-t", "300", "-o", f"{options} -p {self.port}", "start", check=False)  # fmt: skip
            if started.returncode == 0:
                self.running = True
                atexit.register(self.stop)
                return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres"
            time.sleep(0.3)
        log = (self.root / "log").read_text(errors="replace") if (self.root / "log").exists() else ""
        raise RuntimeError(f"pg_ctl start failed: {started.stderr.strip()}\n{log[-1500:]}")

    def stop(self) -> None:
        if self.running:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "300", "stop",
                      check=False)  # fmt: skip
            self.running = False

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


class NoCluster:
    """What the runner stops when it started no server (``--pg URL``, or no --pg)."""

    def stop(self) -> None:
        pass


# --- databases on the server ------------------------------------------------------------------


def database_url(server: str, name: str) -> str:
    """``server``'s URL naming the database ``name`` instead (user, host, port and options kept)."""
    parts = urlsplit(server)
    return urlunsplit(parts._replace(path="/" + name))


def _connect(url: str, **kwargs):
    import psycopg  # only a run with --pg needs it

    return psycopg.connect(url, **kwargs)


def admin(server: str):
    """An autocommit connection to ``server``'s maintenance database (the URL's own)."""
    return _connect(server, autocommit=True)


def exists(server: str, name: str) -> bool:
    with admin(server) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def drop(server: str, name: str) -> None:
    with admin(server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create(server: str, name: str, template: str | None = None) -> None:
    with admin(server) as conn:
        copy = ""
        if template:
            strategy = " STRATEGY FILE_COPY" if conn.info.server_version >= 150000 else ""
            copy = f' TEMPLATE "{template}"{strategy}'
        conn.execute(f'CREATE DATABASE "{name}"{copy}')


def desk_name(facts: dict) -> str:
    return (f"hd_bench_{facts['tickets']}t_{facts['messages']}m_seed{facts.get('seed', 'x')}"
            f"_g{facts.get('generator', 'x')}")  # fmt: skip


def marker(url: str) -> dict | None:
    """The data set a loaded database says it holds, or None (not loaded, or not completely)."""
    try:
        with _connect(url) as conn:
            if conn.execute("SELECT to_regclass('meta')").fetchone()[0] is None:
                return None
            row = conn.execute("SELECT value FROM meta WHERE key = %s", (MARKER,)).fetchone()
    except Exception:  # noqa: BLE001 - no such database, or not ours: load it
        return None
    return json.loads(row[0]) if row else None


@dataclass(frozen=True)
class Loaded:
    url: str
    how: str  # "reused ..." or "loaded now ..."
    seconds: float  # 0 when reused
    phases: dict


def ensure_desk(server: str, sqlite_db: Path, facts: dict, log) -> Loaded:
    """The large desk on the server: reused when its marker names this data set, else loaded now."""
    name = desk_name(facts)
    url = database_url(server, name)
    wanted = {key: facts.get(key) for key in ("tickets", "messages", "seed", "now", "generator", "longest_thread")}
    if exists(server, name):
        if marker(url) == wanted:
            return Loaded(url, f"reused (database {name}, loaded before: its marker names this data set)", 0.0, {})
        log(f"  database {name} is incomplete or holds other data: loading it again")
        drop(server, name)
    create(server, name)
    log(f"loading the large desk into PostgreSQL ({name}) ...")
    seconds, phases = load_desk(url, sqlite_db, wanted)
    how = (f"loaded now in {seconds:.1f} s (" + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items())
           + f"), database {name}")
    return Loaded(url, how, seconds, phases)


def ensure_demo(server: str, sqlite_db: Path) -> str:
    """The run's demo desk on the server (made afresh, as the SQLite one is)."""
    drop(server, DEMO_DATABASE)
    create(server, DEMO_DATABASE)
    url = database_url(server, DEMO_DATABASE)
    load_desk(url, sqlite_db, None)
    return url


# --- loading --------------------------------------------------------------------------------


def _sqlite_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}


def _converters(model, columns: list[str]):
    """Per column, how a value SQLite holds becomes one PostgreSQL takes (None: as it is)."""
    fields = {f.column_name: f for f in model._meta.sorted_fields}
    out = []
    for name in columns:
        field = fields[name]
        if isinstance(field, pw.BooleanField):
            out.append(lambda v: None if v is None else bool(v))
        elif isinstance(field, pw.BlobField):
            out.append(None)
        elif isinstance(field, (pw.CharField, pw.TextField)):  # PostgreSQL's text holds no NUL
            out.append(lambda v: v.replace("\x00", "") if isinstance(v, str) and "\x00" in v else v)
        else:
            out.append(None)
    return out


def load_desk(url: str, sqlite_db: Path, facts: dict | None) -> tuple[float, dict]:
    """Copy the SQLite desk ``sqlite_db`` into the empty database ``url``; ``facts``: the marker
    written last (None: none). Returns the seconds and the seconds of each phase."""
    started = time.perf_counter()
    phases: dict[str, float] = {}
    lap = [started]

    def done(phase: str) -> None:
        now = time.perf_counter()
        phases[phase] = now - lap[0]
        lap[0] = now

    source = sqlite3.connect(f"file:{sqlite_db}?mode=ro", uri=True)
    now_text = source.execute("SELECT value FROM meta WHERE key = 'bench.generated'").fetchone()
    now = parse_instant(json.loads(now_text[0])["now"]) if now_text else None
    db = open_store(url, load_regulation(), now or Clock().now(), creator=os_login())
    try:
        conn = db.connection()
        done("schema")
        # The foreign keys' triggers off for the load (rows go in parents first anyway): a superuser's right.
        replica = bool(db.execute_sql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0])
        fulltext.drop_triggers(db)
        indexes = db.execute_sql(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) "
            "AND i.tablename IN ('message', 'event', 'ticket', 'customer', 'attachment')"
        ).fetchall()
        with db.atomic():
            if replica:
                db.execute_sql("SET LOCAL session_replication_role = replica")
            for model in reversed(MODELS):  # what open_store seeded gives way to the desk's own rows
                if model is m.Meta:
                    model.delete().where(model.key != "schema_version").execute()
                else:
                    model.delete().execute()
            for name, _ in indexes:
                db.execute_sql(f'DROP INDEX "{name}"')
            for model in MODELS:
                table = model._meta.table_name
                present = _sqlite_columns(source, table)
                columns = [f.column_name for f in model._meta.sorted_fields if f.column_name in present]
                convert = _converters(model, columns)
                work = [(i, c) for i, c in enumerate(convert) if c is not None]
                quoted = ", ".join(f'"{c}"' for c in columns)
                where = " WHERE key != 'schema_version'" if model is m.Meta else ""
                rows = source.execute(f'SELECT {quoted} FROM "{table}"{where}')
                with conn.cursor().copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                    for row in rows:
                        if work:
                            row = list(row)
                            for i, c in work:
                                row[i] = c(row[i])
                        copy.write_row(row)
        done("rows (COPY)")
        with db.atomic():
            for _, sql in indexes:
                db.execute_sql(sql)
        done("indexes")
        with db.atomic():
            for model in MODELS:
                if isinstance(model._meta.primary_key, pw.AutoField):
                    table = model._meta.table_name
                    db.execute_sql(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(\"id\"), 0) + 1, false) "
                                   f'FROM "{table}"', (table,))  # fmt: skip
            numbers.prepare(db)
            highest = m.Ticket.select(pw.fn.MAX(m.Ticket.number)).scalar()
            db.execute_sql("SELECT setval(%s, %s, false)", (numbers.SEQUENCE, max(numbers.FIRST_NUMBER, (highest or 0) + 1)))
            fulltext.install(db, build=True)  # the one rebuild, and the triggers back
        done("search index")
        conn.autocommit = True
        db.execute_sql("ANALYZE")
        conn.autocommit = False
        done("analyze")
        if facts is not None:
            with db.atomic():
                m.put_meta(MARKER, json.dumps(facts))
    finally:
        source.close()
        db.close()
    return time.perf_counter() - started, phases


# --- what the results say about the server ----------------------------------------------------


def server_facts(server: str) -> list[str]:
    with admin(server) as conn:
        version = conn.execute("SELECT version()").fetchone()[0].split(" on ")[0]
        settings = {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in SHOWN_SETTINGS}
    return [version, ", ".join(f"{k}={v}" for k, v in settings.items())]


def shown(server: str) -> str:
    return masked(server)
