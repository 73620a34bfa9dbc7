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

PostgreSQL: no query a second. The store's triggers (:func:`install_notices`, created when a
store opens) send ``NOTIFY helpdesk_changes`` with the kind of what changed (``content``: the
tables the content fingerprint reads; ``team``: presence, drafts, what each agent has seen) in
the writing transaction itself, so a notification is delivered at commit and never for a write
rolled back; the notifications of one transaction with one kind fold into one. A
:class:`ListenWatcher` holds a connection of its own that ``LISTEN``s, in a daemon thread that
sleeps on the connection's socket, and calls the app's ``wake`` as soon as a notification
arrives (the app then polls: nothing is read from the store for it but the activity, as on
SQLite). When that connection drops (a server restart, a network cut), the thread connects again
and then reports a change of everything once (something may have been missed); meanwhile
``poll`` reads the fingerprints, as any other database.
"""

from __future__ import annotations

import selectors
import socket
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from typing import Callable

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
    def for_current_store(wake: Callable[[], None] | None = None) -> ChangeWatcher:
        """A watcher for the database the models are bound to (``data.store.open_store``).

        ``wake`` (PostgreSQL): called from a thread of the watcher's own as soon as something
        was committed, to have ``poll`` called now rather than at the next tick."""
        db = m.database_proxy.obj
        if isinstance(db, pw.SqliteDatabase) and db.database not in ("", ":memory:") and not str(db.database).startswith("file::memory:"):
            return DataVersionWatcher(db.database)
        if isinstance(db, pw.PostgresqlDatabase):
            return ListenWatcher(db, wake=wake)
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

    def needs_poll(self) -> bool:
        """Whether a ``poll`` now may find something (asked every tick, on the UI thread: no I/O).
        A watcher that reads the store has to poll to know."""
        return True

    def sync(self, timeout: float = 10.0) -> bool:
        """Wait until what every transaction committed before this call is known to ``poll``
        (a watcher that reads the store when polled knows at once). False: not within ``timeout``."""
        return True

    def forget_baseline(self) -> None:
        """The next ``poll`` takes a new baseline (reports nothing)."""
        with self._lock:
            self._marker = None

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
    """Any database: the content fingerprint and the presence heartbeats, through the models.

    A read that fails (the server restarting, the network cut) tells nothing now and keeps the
    last fingerprints: the first read that works again is compared with them."""

    _read_now: object = None  # the content fingerprint the marker just read

    def _read_marker(self) -> object:
        try:
            self._read_now = content_fingerprint().bind(m.database_proxy).tuples().get()
            return (self._read_now, presence_fingerprint().bind(m.database_proxy).tuples().get())
        except (pw.DatabaseError, pw.InterfaceError):
            return None

    def _read_content(self) -> object:
        return self._read_now  # (read with the marker, under the same lock)


# --- PostgreSQL: LISTEN/NOTIFY ----------------------------------------------------------------

CHANNEL = "helpdesk_changes"
CONTENT, TEAM = "content", "team"  # the payloads: what a notification says changed
SYNC = "sync:"  # a payload that changes nothing: ``ListenWatcher.sync``'s marker
NOTICE_FUNCTION = "hd_change_notice"
# The tables the fingerprints read, and the kind of change a write to each is.
NOTICE_TABLES = {
    "event": CONTENT, "ticket": CONTENT, "outbox": CONTENT, "quarantine": CONTENT, "prepared_reply": CONTENT,
    "presence": TEAM, "draft": TEAM, "ticket_seen": TEAM,
}  # fmt: skip
# How long the listening thread waits between attempts to connect again.
RETRY_SECONDS = 2.0
# libpq settings of the listening connection, unless the store's URL gives its own: a connection
# that only waits must find out that the server is gone (TCP keepalives; no effect on a unix
# socket), and an attempt to connect must give up on a server that does not answer.
LISTENER_DEFAULTS = {
    "application_name": "helpdesk changes",
    "connect_timeout": 10,
    "keepalives_idle": 60,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}

NOTICE_FUNCTION_SQL = f"""CREATE OR REPLACE FUNCTION "{NOTICE_FUNCTION}"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('{CHANNEL}', TG_ARGV[0]);
  RETURN NULL;
END $$"""


def notice_triggers() -> dict[str, str]:
    """Each trigger's name and its CREATE statement: per table, one for rows inserted or deleted
    and one for rows updated to something else (an update that changes nothing is no news)."""
    triggers = {}
    for table, kind in NOTICE_TABLES.items():
        call = f'EXECUTE FUNCTION "{NOTICE_FUNCTION}"(\'{kind}\')'
        triggers[f"{table}_notice_write"] = f'AFTER INSERT OR DELETE ON "{table}" FOR EACH ROW {call}'
        triggers[f"{table}_notice_update"] = f'AFTER UPDATE ON "{table}" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) {call}'
    return {name: f'CREATE TRIGGER "{name}" {definition}' for name, definition in triggers.items()}


def missing_notices(db: pw.Database) -> list[str]:
    """(PostgreSQL) The names of the notice triggers the store lacks (its function included)."""
    names = list(notice_triggers())
    found = db.execute_sql("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname = ANY(%s)", (names,))
    present = {name for (name,) in found}
    missing = [name for name in names if name not in present]
    if db.execute_sql("SELECT to_regproc(%s)", (NOTICE_FUNCTION,)).fetchone()[0] is None:
        missing.insert(0, NOTICE_FUNCTION)
    return missing


def install_notices(db: pw.Database) -> None:
    """(PostgreSQL) Create the notice function and whichever of its triggers are missing: a new
    store gets them with its schema, an older one when this version first opens it. A store
    that has them all is only read."""
    if not isinstance(db, pw.PostgresqlDatabase) or not missing_notices(db):
        return
    with db.atomic():
        db.execute_sql(NOTICE_FUNCTION_SQL)
        missing = set(missing_notices(db))
        for name, sql in notice_triggers().items():
            if name in missing:
                db.execute_sql(sql)


def listener_params(db: pw.PostgresqlDatabase) -> dict:
    """The arguments of ``psycopg.connect`` for a listening connection to the store ``db``."""
    params = {**LISTENER_DEFAULTS, **db.connect_params, "dbname": db.database, "autocommit": True}
    if getattr(db, "_encoding", None):
        params.setdefault("client_encoding", db._encoding)
    return params


class ListenWatcher(ChangeWatcher):
    """PostgreSQL: a connection of its own ``LISTEN``s in a daemon thread (see the module doc).

    The first ``poll`` connects (that is the baseline) and starts the thread; each later one
    returns what the notifications since said, reading nothing. While the connection is down,
    ``poll`` reads the fingerprints (:class:`FingerprintWatcher`), and once it is up again the
    next ``poll`` reports a change of everything. ``close`` stops the thread; a ``poll`` after it
    starts again."""

    def __init__(self, db: pw.PostgresqlDatabase, *, wake: Callable[[], None] | None = None,
                 retry_seconds: float = RETRY_SECONDS) -> None:  # fmt: skip
        super().__init__()
        self.wake = wake
        self.params = listener_params(db)
        self.retry_seconds = retry_seconds
        self._fallback = FingerprintWatcher()
        self._starting = threading.Lock()
        self._run: _Run | None = None  # the thread now, if started
        self._listening = False  # the thread's connection is up and listening
        self._committed = False  # notified since the last poll: something was committed ...
        self._changed = False  # ... and it changed the content
        self._woken = False  # ``wake`` was called since the last poll
        self._syncs: dict[str, threading.Event] = {}

    @property
    def listening(self) -> bool:
        """Whether the listening connection is up (False: ``poll`` reads the fingerprints)."""
        return self._listening

    def poll(self) -> Changes:
        if self._run is None:
            if not self._starting.acquire(blocking=False):
                return NOTHING  # another thread is connecting (for as long as connect_timeout)
            try:
                if self._run is None:
                    self._start()
                    if self._listening:
                        return NOTHING  # listening from now on: the baseline
            finally:
                self._starting.release()
        with self._lock:
            told = Changes(True, self._changed) if self._committed else NOTHING
            self._committed = self._changed = self._woken = False
            if self._listening:
                return told
        read = self._fallback.poll()  # (what was told before the connection dropped counts too)
        return Changes(told.committed or read.committed, told.content or read.content)

    def needs_poll(self) -> bool:
        # Plain reads, no lock: this is the UI thread's question.
        return not self._listening or self._committed

    def sync(self, timeout: float = 10.0) -> bool:
        """Commit a notification that changes nothing (on the models' connection: call it outside
        a transaction) and wait until the thread receives it: notifications come in the order
        their transactions committed, so every earlier one has then been received."""
        if not self._listening:
            return True
        token = uuid.uuid4().hex
        done = threading.Event()
        with self._lock:
            self._syncs[token] = done
        try:
            m.database_proxy.execute_sql("SELECT pg_notify(%s, %s)", (CHANNEL, SYNC + token))
            return done.wait(timeout)
        finally:
            with self._lock:
                self._syncs.pop(token, None)

    def close(self) -> None:
        """Stop the thread and close its connection; the next ``poll`` starts again (a new baseline)."""
        with self._starting:
            run, self._run = self._run, None
            with self._lock:
                self._listening = self._committed = self._changed = self._woken = False
            if run is not None:
                run.stop()
            self._fallback.forget_baseline()

    # -- the thread ------------------------------------------------------------------------

    def _connect(self):
        """A connection listening on the channel, or None (cannot connect now)."""
        import psycopg  # the driver, present whenever a PostgreSQL store is open (data/__init__.py)

        try:
            conn = psycopg.connect(**self.params)
        except (psycopg.Error, OSError):
            return None
        try:
            conn.execute(f'LISTEN "{CHANNEL}"')
        except (psycopg.Error, OSError):
            conn.close()
            return None
        return conn

    def _start(self) -> None:
        conn = self._connect()
        run = _Run(self)
        with self._lock:
            self._run = run
            self._listening = conn is not None
            self._committed = self._changed = self._woken = False
        if conn is None:
            self._fallback.forget_baseline()
        run.start(conn)

    def _up(self, run: _Run) -> None:
        """The thread (re)connected: something may have been missed while it was down."""
        with self._lock:
            if run is not self._run:
                return
            self._listening = True
        self._notified(run, [CONTENT])

    def _down(self, run: _Run) -> None:
        """The connection dropped: the fingerprints take over, from a baseline taken now."""
        with self._lock:
            if run is not self._run:
                return
            self._listening = False
            self._fallback.forget_baseline()
            wake, self._woken = not self._woken, True
        if wake:
            self._call_wake()

    def _notified(self, run: _Run, payloads: list[str]) -> None:
        wake = False
        with self._lock:
            if run is not self._run:
                return
            synced = []
            for payload in payloads:
                if payload.startswith(SYNC):
                    synced.append(payload[len(SYNC):])
                    continue
                self._committed = True
                if payload != TEAM:  # content, or a kind this version does not know: reload, to be safe
                    self._changed = True
            if self._committed and not self._woken:
                self._woken = wake = True
            for token in synced:
                if token in self._syncs:
                    self._syncs[token].set()
        if wake:
            self._call_wake()

    def _call_wake(self) -> None:
        if self.wake is not None:
            try:
                self.wake()
            except Exception:  # noqa: BLE001 - the app going away; its next poll (if any) finds the flags
                pass


class _Run:
    """One run of a ListenWatcher's thread: waits on the connection's socket and on a socket
    pair that ``stop`` writes to, so it neither polls nor wakes up while nothing happens."""

    def __init__(self, watcher: ListenWatcher) -> None:
        self.watcher = watcher
        self._stopped = threading.Event()
        self._wakeup, self._waker = socket.socketpair()
        self._thread = threading.Thread(target=self._loop, name="helpdesk-listen", daemon=True)
        self._conn = None

    def start(self, conn) -> None:
        self._conn = conn
        self._thread.start()

    def stop(self, wait: float = 5.0) -> None:
        self._stopped.set()
        try:
            self._waker.send(b"x")
        except OSError:
            pass
        if self._thread is not threading.current_thread():
            self._thread.join(wait)

    def _loop(self) -> None:
        import psycopg

        watcher, conn = self.watcher, self._conn
        waiting = selectors.DefaultSelector()
        waiting.register(self._wakeup, selectors.EVENT_READ)
        try:
            while not self._stopped.is_set():
                if conn is None:
                    conn = watcher._connect()
                    if conn is None:
                        self._stopped.wait(watcher.retry_seconds)
                        continue
                    watcher._up(self)
                try:
                    waiting.register(conn.fileno(), selectors.EVENT_READ)
                    try:
                        ready = waiting.select()
                    finally:
                        waiting.unregister(conn.fileno())
                    if any(key.fileobj is self._wakeup for key, _events in ready):
                        break
                    payloads = [notice.payload for notice in conn.notifies(timeout=0)]
                except (psycopg.Error, OSError, ValueError, KeyError):
                    conn.close()
                    conn = None
                    watcher._down(self)
                    continue
                if payloads:
                    watcher._notified(self, payloads)
        finally:
            if not self._stopped.is_set():  # ended by a fault of its own: the fingerprints take over
                watcher._down(self)
            if conn is not None:
                conn.close()
            waiting.close()
            self._wakeup.close()
            self._waker.close()
