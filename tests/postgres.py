"""A throw-away PostgreSQL server for the tests: one cluster per test session (per xdist worker).

``Cluster.start`` runs Debian's ``initdb`` and ``pg_ctl`` (``/usr/lib/postgresql/*/bin/``, the
newest version there) on a temporary directory, listening on 127.0.0.1 at a free port with its
unix socket inside that directory, and ``stop`` removes it all. initdb refuses to run as root:
then the server runs as the ``postgres`` operating-system user (``runuser``), in a directory
that user owns. Durability is off (``fsync``, ``synchronous_commit``, ``full_page_writes``):
a test database lives for one test.

Each test gets a fresh database: ``CREATE DATABASE ... TEMPLATE`` a prepared one (the helpdesk
schema, indexes and seed, made once per session). That takes a few hundred milliseconds on a
busy machine, so :class:`Copies` makes them ahead in a thread of its own (and drops the used
ones there) while the tests run.
"""

from __future__ import annotations

import atexit
import glob
import os
import queue
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

SUPERUSER = "postgres"


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin directory, or None without one."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A PostgreSQL server of its own in a temporary directory."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.port = 0
        self.root: Path | None = None
        self._as_root = os.geteuid() == 0

    # -- running the server's programs as the user that owns the cluster ---------------------
    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        argv = list(command)
        if self._as_root:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        # Not pytest's PYTEST_CURRENT_TEST: a test id can be longer than exec() takes.
        env = {name: value for name, value in os.environ.items() if name != "PYTEST_CURRENT_TEST"}
        return subprocess.run(argv, check=check, capture_output=True, text=True, timeout=120, env=env)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def start(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="helpdesk-pg-"))
        if self._as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "-A", "trust",
                  "-E", "UTF8", "--locale", "C.UTF-8", "--no-sync")  # fmt: skip
        options = (f"-c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
                   "-c shared_buffers=32MB -c max_locks_per_transaction=256")  # fmt: skip
        for _attempt in range(5):  # another process may take the free port first
            self.port = _free_port()
            started = self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-w",
                                "-t", "60", "-o", f"{options} -p {self.port}", "start", check=False)  # fmt: skip
            if started.returncode == 0:
                atexit.register(self.stop)  # should the session end without its teardown
                return
            time.sleep(0.2)
        log = (self.root / "log").read_text(errors="replace") if (self.root / "log").exists() else ""
        raise RuntimeError(f"pg_ctl start failed: {started.stderr}\n{log[-2000:]}")

    def stop(self) -> None:
        if self.root is None:
            return
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def restart(self, mode: str = "fast") -> None:
        """Stop the server (``fast``: ending every session, as an administrator's restart does;
        ``immediate``: as a crash) and start it again on the same port."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")
        options = (f"-c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root} -c fsync=off "
                   f"-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -p {self.port}")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-o", options, "start")

    # -- databases ---------------------------------------------------------------------------
    def url(self, name: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=database, autocommit=True) as conn:
            conn.execute(statement)

    def create_database(self, template: str | None = None, name: str | None = None) -> str:
        """A new database's name (a copy of ``template`` when given)."""
        name = name or "t_" + uuid.uuid4().hex[:16]
        copy = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
        self.sql(f'CREATE DATABASE "{name}"{copy}')
        return name

    def drop_database(self, name: str) -> None:
        self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Copies:
    """Fresh copies of one template database, made ahead by a thread; used ones dropped there too."""

    AHEAD = 2

    def __init__(self, cluster: Cluster, template: str) -> None:
        self.cluster, self.template = cluster, template
        self._ready: queue.Queue[str | BaseException] = queue.Queue()
        self._work: queue.Queue[tuple[str, str | None]] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name=f"pg-copies-{template}", daemon=True)
        self._thread.start()
        for _ in range(self.AHEAD):
            self._work.put(("make", None))

    def _run(self) -> None:
        while True:
            action, name = self._work.get()
            if action == "stop":
                return
            try:
                if action == "make":
                    self._ready.put(self.cluster.create_database(self.template))
                else:
                    self.cluster.drop_database(name)
            except BaseException as exc:  # noqa: BLE001 - handed to the test that waits for a copy
                if action == "make":
                    self._ready.put(exc)

    def take(self) -> str:
        """A fresh copy's name (another is started meanwhile)."""
        self._work.put(("make", None))
        made = self._ready.get(timeout=120)
        if isinstance(made, BaseException):
            raise made
        return made

    def give_back(self, name: str) -> None:
        """Drop a copy a test is done with (later, in the thread)."""
        self._work.put(("drop", name))

    def close(self) -> None:
        self._work.put(("stop", None))
        self._thread.join(timeout=60)
