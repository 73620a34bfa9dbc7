"""Copies of a SQLite desk: a consistent backup while agents work, and a careful restore.

``backup`` uses SQLite's online backup API: the copy is one consistent state even while other
processes write (they are not stopped; pages they change during the copy are copied again).
``restore`` refuses while any other process has the database open, checks the copy first, keeps
the file it replaces beside it, and writes the copy in through the same API (so the WAL and
shared-memory files stay right).

A PostgreSQL desk is backed up by ``pg_dump`` (:func:`backup_postgres`: one consistent
snapshot, the custom format ``pg_restore`` reads), found on the PATH or in Debian's
``/usr/lib/postgresql/*/bin``; without it the backup says so (``BACKUP_PG_DUMP_MISSING``).
:func:`restore_postgres` brings such a dump back with ``pg_restore`` under the same rules as a
file: refused while any other session is connected to the database (:func:`other_sessions`),
the dump read through first (``pg_restore --list``), the database it replaces dumped beside the
backup, and the dump restored in one transaction (a failure changes nothing).
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from helpdesk.data.core.errors import Code, HelpdeskError

_SIDE_FILES = ("", "-wal", "-shm", "-journal")


def _new_private_file(path: Path) -> None:
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)  # it holds customers' mail
    except FileExistsError:
        raise HelpdeskError(Code.FILE_EXISTS, where=str(path)) from None
    except OSError as exc:
        raise HelpdeskError(Code.OS_ERROR, where=str(path), detail=exc.strerror or str(exc)) from None
    os.close(fd)


def backup(source: str | Path, target: str | Path) -> int:
    """Copy the database ``source`` to the new file ``target``; returns its size in bytes."""
    target = Path(target)
    _new_private_file(target)
    try:
        _copy(source, target)
        with closing(sqlite3.connect(target)) as copy:
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    except (HelpdeskError, sqlite3.Error):
        target.unlink(missing_ok=True)
        raise
    return target.stat().st_size


def pg_program(name: str) -> str | None:
    """The PostgreSQL client program ``name`` (pg_dump, pg_restore) to use: the PATH's (Debian's
    wrapper picks the newest), else the newest of ``/usr/lib/postgresql/*/bin``; None without it."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: [int(x) for x in p.split("/")[4].split(".") if x.isdigit()])
    return versions[-1] if versions else None


def _libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """``url`` without its password, and an environment that gives the password (``PGPASSWORD``)
    to a client program: never on its command line, where ``ps`` would show it."""
    parts = urlsplit(url)
    env = dict(os.environ)
    if parts.password is not None:
        env["PGPASSWORD"] = parts.password
        host = parts.netloc.rsplit("@", 1)[-1]
        user = f"{parts.username}@" if parts.username else ""
        url = urlunsplit(parts._replace(netloc=user + host))
    return url, env


def _run_client(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess | OSError:
    try:
        return subprocess.run(argv, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    except OSError as exc:
        return exc


def _failure(done: subprocess.CompletedProcess | OSError) -> dict | None:
    """The ``status`` and ``detail`` of a client program that failed (None if it did not)."""
    if isinstance(done, OSError):
        return {"status": -1, "detail": done.strerror or str(done)}
    if done.returncode != 0:
        return {"status": done.returncode, "detail": " ".join(done.stderr.split())[:500]}
    return None


def backup_postgres(url: str, target: str | Path, *, program: str | None = None) -> int:
    """``pg_dump`` of the PostgreSQL database ``url`` into the new file ``target`` (custom
    format); returns its size in bytes."""
    program = program or pg_program("pg_dump")
    if program is None:
        raise HelpdeskError(Code.BACKUP_PG_DUMP_MISSING)
    target = Path(target)
    url, env = _libpq_target(url)
    _new_private_file(target)
    failed = _failure(_run_client([program, "--format=custom", "--no-password", "--file", str(target), "--dbname", url], env))
    if failed:
        target.unlink(missing_ok=True)
        raise HelpdeskError(Code.BACKUP_PG_DUMP_FAILED, **failed)
    return target.stat().st_size


def other_sessions(db) -> list[str]:
    """The other sessions connected to the PostgreSQL database ``db`` (a peewee database) is
    connected to, each as ``pid (user@client)``: a restore must wait until there are none."""
    sql = ("SELECT pid, usename, coalesce(host(client_addr), 'local') FROM pg_stat_activity "
           "WHERE datname = current_database() AND pid <> pg_backend_pid() ORDER BY pid")  # fmt: skip
    return [f"{pid} ({user}@{client})" for pid, user, client in db.execute_sql(sql).fetchall()]


def restore_postgres(copy: str | Path, url: str, kept: str | Path, *, db, program: str | None = None) -> Path:
    """Replace the PostgreSQL database ``url`` by the ``pg_dump`` archive ``copy``, after
    dumping the database as it is into the new file ``kept``; returns ``kept``. ``db``: a peewee
    database on ``url`` that tells the other sessions (:func:`other_sessions`); it is closed
    before pg_restore runs."""
    copy, kept = Path(copy), Path(kept)
    if not copy.is_file():
        raise HelpdeskError(Code.PATH_MISSING, where=str(copy))
    program = program or pg_program("pg_restore")
    if program is None:
        raise HelpdeskError(Code.RESTORE_PG_RESTORE_MISSING)
    sessions = other_sessions(db)
    db.close()
    if sessions:
        raise HelpdeskError(Code.DATABASE_IN_USE, processes=", ".join(sessions))
    listed = _failure(_run_client([program, "--list", str(copy)], dict(os.environ)))
    if listed:  # not an archive pg_restore can read, or a damaged one: nothing is touched
        raise HelpdeskError(Code.BACKUP_DAMAGED, where=str(copy), detail=listed["detail"])
    backup_postgres(url, kept)
    target, env = _libpq_target(url)
    argv = [program, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error", "--no-password",
            "--dbname", target, str(copy)]  # fmt: skip
    failed = _failure(_run_client(argv, env))
    if failed:
        raise HelpdeskError(Code.RESTORE_PG_RESTORE_FAILED, kept=str(kept), **failed)
    return kept


def _copy(source: str | Path, target: str | Path) -> None:
    """SQLite's online backup of ``source`` into ``target`` (a consistent state of the source)."""
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
    except sqlite3.Error as exc:
        raise HelpdeskError(Code.DATABASE_ERROR, kind=type(exc).__name__, detail=str(exc)) from None


def users_of(path: str | Path) -> list[int] | None:
    """The ids of other processes that have the database (or its WAL) open; Linux's /proc tells.

    Returns None where that cannot be known (no /proc)."""
    proc = Path("/proc")
    if not (proc / "self" / "fd").is_dir():
        return None
    real = Path(path).resolve()
    names = {str(real) + suffix for suffix in _SIDE_FILES}
    users = []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            links = [os.readlink(fd) for fd in (entry / "fd").iterdir()]
        except OSError:
            continue  # gone, or not ours to look at
        if any(link in names for link in links):
            users.append(int(entry.name))
    return sorted(users)


def integrity_of(path: str | Path) -> str:
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            return db.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.Error as exc:
        return str(exc)


def restore(copy: str | Path, live: str | Path, now: datetime, *, force: bool = False) -> Path:
    """Replace the database ``live`` by the backup ``copy``; returns where the replaced file went."""
    copy, live = Path(copy), Path(live)
    if not copy.is_file():
        raise HelpdeskError(Code.PATH_MISSING, where=str(copy))
    state = integrity_of(copy)
    if state != "ok":
        raise HelpdeskError(Code.BACKUP_DAMAGED, where=str(copy), detail=state)
    users = users_of(live)
    if users is None and not force:
        raise HelpdeskError(Code.DATABASE_USE_UNKNOWN, where=str(live))
    if users:
        raise HelpdeskError(Code.DATABASE_IN_USE, where=str(live), processes=users)
    kept = live.with_name(f"{live.name}.replaced-{now:%Y%m%d-%H%M%S}")
    if live.exists():
        backup(live, kept)
    else:
        _new_private_file(live)
    _copy(copy, live)
    return kept
