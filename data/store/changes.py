"""Noticing commits made by other connections (another agent's process, the CLI, the intake).

SQLite: ``PRAGMA data_version`` on a connection of our own changes whenever any *other*
connection commits, and reading it costs next to nothing, so the TUI can poll it every second.
Other databases: a cheap fingerprint query (ticket count, newest ticket change, newest message).
"""

from __future__ import annotations

import sqlite3
import threading

import peewee as pw

from helpdesk.data.store import models as m


class ChangeWatcher:
    """Polled from a worker thread: ``changed()`` is True once after each foreign commit."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._last: object = None

    @staticmethod
    def for_current_store() -> ChangeWatcher:
        """A watcher for the database the models are bound to (``data.store.open_store``)."""
        db = m.database_proxy.obj
        if isinstance(db, pw.SqliteDatabase) and db.database not in ("", ":memory:") and not str(db.database).startswith("file::memory:"):
            return DataVersionWatcher(db.database)
        return FingerprintWatcher()

    def changed(self) -> bool:
        """Whether the store changed since the previous call (the first call only takes a baseline)."""
        with self._lock:
            current = self._read()
            previous, self._last = self._last, current
            return previous is not None and current != previous

    def _read(self) -> object:
        raise NotImplementedError

    def close(self) -> None:
        pass


class DataVersionWatcher(ChangeWatcher):
    """SQLite: ``PRAGMA data_version`` on a private connection that never writes."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self._conn: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            # uri: the store may be a read-only URI (data/store/database.py); a plain path stays one.
            self._conn = sqlite3.connect(self.path, timeout=5, check_same_thread=False, isolation_level=None, uri=True)
        return self._conn

    def _read(self) -> object:
        try:
            return self._connection().execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error:
            # A broken connection: reopen next time (with a new baseline) and report no change now.
            self.close()
            return None

    def close(self) -> None:
        """Close the private connection; the next poll reopens it and takes a new baseline."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self._last = None  # data_version values of two connections are not comparable


class FingerprintWatcher(ChangeWatcher):
    """Any database: ticket count, the newest ticket change and the newest message id."""

    def _read(self) -> object:
        tickets = m.Ticket.select(pw.fn.COUNT(m.Ticket.id), pw.fn.MAX(m.Ticket.updated_at)).tuples().get()
        newest_message = m.Message.select(pw.fn.MAX(m.Message.id)).scalar()
        return (*tickets, newest_message)
