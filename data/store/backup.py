"""Copies of a SQLite desk: a consistent backup while agents work, and a careful restore.

``backup`` uses SQLite's online backup API: the copy is one consistent state even while other
processes write (they are not stopped; pages they change during the copy are copied again).
``restore`` refuses while any other process has the database open, checks the copy first, keeps
the file it replaces beside it, and writes the copy in through the same API (so the WAL and
shared-memory files stay right).

A PostgreSQL desk is backed up by ``pg_dump`` (:func:`backup_postgres`: one consistent
snapshot, the custom format ``pg_restore`` reads), found on the PATH or in Debian's
``/usr/lib/postgresql/*/bin``; without it the backup says so (``BACKUP_PG_DUMP_MISSING``).
Restoring one is the database administrator's ``pg_restore``, not this program's.
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


def pg_dump_program() -> str | None:
    """The pg_dump to use: the PATH's (Debian's wrapper picks the newest), else the newest of
    ``/usr/lib/postgresql/*/bin``; None when there is none."""
    found = shutil.which("pg_dump")
    if found:
        return found
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"), key=lambda p: [int(x) for x in p.split("/")[4].split(".") if x.isdigit()])
    return versions[-1] if versions else None


def backup_postgres(url: str, target: str | Path, *, program: str | None = None) -> int:
    """``pg_dump`` of the PostgreSQL database ``url`` into the new file ``target`` (custom
    format); returns its size in bytes. The URL's password, if any, goes to pg_dump in its
    environment (``PGPASSWORD``), never on its command line."""
    program = program or pg_dump_program()
    if program is None:
        raise HelpdeskError(Code.BACKUP_PG_DUMP_MISSING)
    target = Path(target)
    parts = urlsplit(url)
    env = dict(os.environ)
    if parts.password is not None:
        env["PGPASSWORD"] = parts.password
        host = parts.netloc.rsplit("@", 1)[-1]
        user = f"{parts.username}@" if parts.username else ""
        url = urlunsplit(parts._replace(netloc=user + host))
    _new_private_file(target)
    try:
        done = subprocess.run([program, "--format=custom", "--no-password", "--file", str(target), "--dbname", url],
                              env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)  # fmt: skip
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise HelpdeskError(Code.BACKUP_PG_DUMP_FAILED, status=-1, detail=exc.strerror or str(exc)) from None
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        raise HelpdeskError(Code.BACKUP_PG_DUMP_FAILED, status=done.returncode, detail=" ".join(done.stderr.split())[:500])
    return target.stat().st_size


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
