"""Noticing commits made by other connections (another agent's process, the CLI, the intake).

SQLite: ``PRAGMA data_version`` on a connection of our own changes whenever any *other*
connection commits, and reading it costs next to nothing, so the TUI can poll it every second.
Other databases: a cheap fingerprint query.

A commit is not always news for the screens: the apps of a team write their agents' working
state (presence heartbeats, drafts as they are typed, what each one has seen; data/team/) every
few seconds. So a poll says both whether anything was committed (``committed``: the team's
state may have changed) and whether the helpdesk's content did (``content``: the screens reload).
Content is told by ``content_fingerprint``: the newest event (every ticket change and message
writes one, data/tickets/writes.py), the newest ticket change, the deliveries still on their way,
the quarantine and the prepared replies; a few index look-ups, read only after a commit.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass

import peewee as pw

from helpdesk.data.store import models as m


@dataclass(frozen=True)
class Changes:
    """What one poll saw since the previous one."""

    committed: bool  # another connection committed something
    content: bool  # ... and it changed tickets, messages, deliveries, the quarantine or prepared replies


NOTHING = Changes(False, False)


def content_fingerprint() -> pw.Select:
    """One row of cheap aggregates that changes whenever the helpdesk's content does."""
    E, T, O, Q, P = m.Event, m.Ticket, m.Outbox, m.Quarantine, m.PreparedReply
    queued = O.state == "queued"
    parts = [
        E.select(pw.fn.MAX(E.id)),
        T.select(pw.fn.MAX(T.updated_at)),
        O.select(pw.fn.MAX(O.id)),
        O.select(pw.fn.COUNT(O.id)).where(queued),
        O.select(pw.fn.MAX(O.next_attempt_at)).where(queued),
        Q.select(pw.fn.MAX(Q.id)),
        Q.select(pw.fn.COUNT(Q.retried_at)),
        P.select(pw.fn.COUNT(P.id)),
        P.select(pw.fn.MAX(P.updated_at)),
    ]
    return pw.Select(columns=[part.alias(f"f{i}") for i, part in enumerate(parts)])


def presence_fingerprint() -> pw.Select:
    """Changes whenever an app beats or leaves, a draft is saved or removed, or an agent opens a
    ticket: the team's working state (the watchers without ``data_version`` need it)."""
    P, D, S = m.Presence, m.Draft, m.TicketSeen
    parts = [
        P.select(pw.fn.COUNT(P.app_id)),
        P.select(pw.fn.MAX(P.beat_at)),
        D.select(pw.fn.COUNT(D.id)),
        D.select(pw.fn.MAX(D.saved_at)),
        S.select(pw.fn.MAX(S.seen_at)),
        S.select(pw.fn.SUM(S.last_event_id)),
    ]
    return pw.Select(columns=[part.alias(f"p{i}") for i, part in enumerate(parts)])


class ChangeWatcher:
    """Polled from a worker thread: ``poll()`` reports each foreign commit once."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._marker: object = None
        self._content: object = None

    @staticmethod
    def for_current_store() -> ChangeWatcher:
        """A watcher for the database the models are bound to (``data.store.open_store``)."""
        db = m.database_proxy.obj
        if isinstance(db, pw.SqliteDatabase) and db.database not in ("", ":memory:") and not str(db.database).startswith("file::memory:"):
            return DataVersionWatcher(db.database)
        return FingerprintWatcher()

    def poll(self) -> Changes:
        """What changed since the previous call (the first call only takes a baseline)."""
        with self._lock:
            marker = self._read_marker()
            if marker is None or marker == self._marker:
                return NOTHING
            first = self._marker is None
            self._marker = marker
            content = self._read_content()
            previous, self._content = self._content, content
            if first:
                return NOTHING
            return Changes(True, content != previous)

    def _read_marker(self) -> object:
        """Cheap, and different after any commit of another connection; None: cannot tell now."""
        raise NotImplementedError

    def _read_content(self) -> object:
        raise NotImplementedError

    def close(self) -> None:
        pass


class DataVersionWatcher(ChangeWatcher):
    """SQLite: ``PRAGMA data_version`` on a private connection that never writes."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._fingerprint_sql = content_fingerprint().bind(m.database_proxy).sql()

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            # uri: the store may be a read-only URI (data/store/database.py); a plain path stays one.
            self._conn = sqlite3.connect(self.path, timeout=5, check_same_thread=False, isolation_level=None, uri=True)
        return self._conn

    def _read_marker(self) -> object:
        try:
            return self._connection().execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error:
            # A broken connection: reopen next time (with a new baseline) and report no change now.
            self.close()
            return None

    def _read_content(self) -> object:
        try:
            return self._connection().execute(*self._fingerprint_sql).fetchone()
        except sqlite3.Error:
            return None  # compares unequal to a fingerprint read: the screens reload, to be safe

    def close(self) -> None:
        """Close the private connection; the next poll reopens it and takes a new baseline."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self._marker = None  # data_version values of two connections are not comparable


class FingerprintWatcher(ChangeWatcher):
    """Any database: the content fingerprint and the presence heartbeats, through the models."""

    def _read_marker(self) -> object:
        return (self._read_content(), presence_fingerprint().bind(m.database_proxy).tuples().get())

    def _read_content(self) -> object:
        return content_fingerprint().bind(m.database_proxy).tuples().get()
