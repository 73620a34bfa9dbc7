"""Opening the store: a path or a URL, the default location, pragmas, schema and seed.

A ``postgresql://USER@HOST:PORT/NAME`` URL opens a PostgreSQL server's database through peewee
with psycopg 3 (:class:`PostgresStore`). The password is libpq's business: ``PGPASSWORD``,
``~/.pgpass`` or the URL itself; a URL shown in an error has its password masked
(:func:`masked`).

A SQLite file this process cannot write (a 0444 file, a read-only mount, another user's file it
may only read) is opened for reading only: nothing is created, upgraded or seeded, and a write
fails (SQLITE_READONLY, which data/core/errors.py ``as_error`` words as such). ``read_only``
tells the composition root, which refuses writes before they start.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import peewee as pw
from platformdirs import user_data_dir
from playhouse.shortcuts import ReconnectMixin

from helpdesk.data.core.errors import Code, HelpdeskError
from helpdesk.data.rules.regulation import Regulation
from helpdesk.data.store import changes, fulltext, indexes, migrations, numbers
from helpdesk.data.store import models as m
from helpdesk.data.store.files import read_only_uri, writable
from helpdesk.data.store.seed import refresh_builtin_replies, seed_first_admin, seed_prepared_replies, seed_products

# WAL lets the TUI read while another agent's process writes; the busy timeout makes a writer
# wait for its turn instead of failing. Writes take milliseconds, but on a loaded host (eight
# writers on two busy cores: tests/data/tickets/test_writers.py) a writer descheduled while it
# holds the lock can keep the others waiting for seconds: 30 s is patience, not a normal wait.
BUSY_TIMEOUT_MS = 30_000
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": BUSY_TIMEOUT_MS,
    "synchronous": 1,  # NORMAL: safe with WAL, much faster than FULL
}
# Reading only: the journal mode is the file's own (setting it would write), and a reader may
# still wait for a writer of another process to finish its checkpoint.
READ_ONLY_PRAGMAS = {"busy_timeout": BUSY_TIMEOUT_MS}

# Agents have roles since schema 3: a database created now, or upgraded from before roles, has no
# admin yet, and the operating-system user who opens it so becomes the first.
ROLES_SINCE_SCHEMA = 3


class ReadOnlyDatabase(pw.SqliteDatabase):
    """A SQLite file this process can only read, opened through a read-only URI."""


# The package that brings each server's driver, named when it is missing.
_DRIVERS = {"postgresql": "'psycopg[binary]'", "postgres": "'psycopg[binary]'", "mysql": "pymysql"}


class _Savepoint(pw._savepoint):
    def rollback(self, begin=True):
        if self.db.connection().in_transaction:  # see SqliteStore
            super().rollback(begin)


class SqliteStore(pw.SqliteDatabase):
    """SQLite as the store uses it: a write that fails keeps SQLite's own reason.

    When a write fails for want of room or by an I/O error (SQLITE_FULL, SQLITE_IOERR, also on
    COMMIT in WAL mode), SQLite may already have rolled the whole transaction back by itself.
    peewee's atomic() then sends its own ROLLBACK (or ROLLBACK TO SAVEPOINT), which fails with
    "cannot rollback - no transaction is active", and that error replaced the real one ("database
    or disk is full") on every command. So a rollback is sent only while SQLite still has a
    transaction to roll back.
    """

    def rollback(self):
        if self.is_closed() or self.connection().in_transaction:
            super().rollback()

    def savepoint(self):
        return _Savepoint(self)


# PostgreSQL: every transaction first takes one advisory lock of the database (held until it
# ends), so writers queue as they do on SQLite with BEGIN IMMEDIATE (data/tickets' operations read,
# check, then write: one at a time, none of them can act on a stale read). Readers outside a
# transaction never wait. ``lock_timeout`` is the busy timeout's counterpart: a writer waits that
# long for its turn, then fails as "database locked" (data/core/errors.py).
WRITE_LOCK_KEY = 0x68656C70  # "help"
PG_SCHEMES = ("postgresql", "postgres")


class Psycopg3(pw.Psycopg3Adapter):
    """peewee's psycopg 3 adapter, given the driver this module imports when a PostgreSQL store
    opens (data/__init__.py keeps peewee from importing it for every command)."""

    def __init__(self):
        try:
            import psycopg
            from psycopg.pq import TransactionStatus
            from psycopg.types.json import Json, Jsonb
        except ImportError:
            raise pw.ImproperlyConfigured("psycopg postgres driver not found.") from None
        self.driver, self.status = psycopg, TransactionStatus
        self.txn_idle, self.txn_inerror, self.txn_unknown = TransactionStatus.IDLE, TransactionStatus.INERROR, TransactionStatus.UNKNOWN
        super().__init__()
        self.json_type, self.jsonb_type = Json, Jsonb

    def check_driver(self):
        pass  # imported above

    def get_binary_type(self):
        return self.driver.Binary

    def connect(self, db, **params):
        if db._encoding:
            params.setdefault("client_encoding", db._encoding)
        params.setdefault("dbname", db.database)
        return self.driver.connect(**params)

    def server_side_cursor(self, conn):
        in_txn = self.txn_status(conn) == self.status.INTRANS
        return conn.cursor(name=str(uuid.uuid1()), withhold=not in_txn)


class PostgresStore(ReconnectMixin, pw.PostgresqlDatabase):
    """PostgreSQL as the store uses it (psycopg 3).

    * Transactions are serialized by :data:`WRITE_LOCK_KEY` (see above).
    * PostgreSQL's text cannot hold NUL characters, which SQLite keeps: a NUL in a text written
      to the store is dropped (it is no character anyone wrote on purpose; the rest is kept).
    * A connection the server dropped (a restart, an administrator ending it, a network cut) is
      opened again by the next statement or transaction that finds it gone (playhouse's
      ReconnectMixin), never inside a transaction: a transaction under way fails whole, and
      whatever committed before stays committed.
    """

    reconnect_errors = (
        (pw.OperationalError, "terminating connection"),  # the server shut down or ended it
        (pw.OperationalError, "the connection is closed"),
        (pw.OperationalError, "server closed the connection"),
        (pw.OperationalError, "connection is lost"),
        (pw.OperationalError, "consuming input failed"),
        (pw.OperationalError, "sending query failed"),
        (pw.InterfaceError, "connection is closed"),
        (pw.InterfaceError, "the connection is lost"),
    )

    psycopg2_adapter = psycopg3_adapter = Psycopg3  # whichever peewee would pick: psycopg 3

    def __init__(self, database, **kwargs):
        options = kwargs.pop("options", "")
        kwargs["options"] = f"-c lock_timeout={BUSY_TIMEOUT_MS} {options}".strip()
        super().__init__(database, **kwargs)

    def begin(self, isolation_level=None):
        super().begin(isolation_level)
        self.execute_sql("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))

    def execute_sql(self, sql, params=None):
        if params:
            params = [p.replace("\x00", "") if isinstance(p, str) and "\x00" in p else p for p in params]
        return super().execute_sql(sql, params)


def postgres_url(target: str) -> bool:
    return target.split(":", 1)[0].split("+", 1)[0] in PG_SCHEMES and "://" in target


def masked(target: str) -> str:
    """``target`` fit to show: a URL's password replaced by ``***``."""
    if "://" not in target:
        return target
    parts = urlsplit(target)
    if parts.password is None:
        return target
    netloc = parts.netloc.rsplit("@", 1)
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{netloc[-1]}"))


def _postgres(target: str) -> PostgresStore:
    """A PostgresStore for ``postgresql://[USER[:PASSWORD]@]HOST[:PORT]/NAME[?libpq options]``."""
    from playhouse.db_url import parse  # the URL's parts as connect() arguments, query included

    params = parse(target, unquote_password=True, unquote_user=True)
    name = unquote(params.pop("database") or "")
    if not name:
        raise ValueError("the URL names no database (postgresql://USER@HOST:PORT/NAME)")
    return PostgresStore(name, **params)


def default_target() -> str:
    """``HELPDESK_DB`` if set, else ``helpdesk.db`` in the user data directory."""
    return os.environ.get("HELPDESK_DB") or str(Path(user_data_dir("helpdesk", appauthor=False)) / "helpdesk.db")


def sqlite_file(target: str) -> str | None:
    """The file behind a SQLite target, or None for another database or ``:memory:``."""
    if target.startswith("sqlite:///"):
        path = target[len("sqlite:///"):]
    elif "://" in target:
        return None
    else:
        path = target
    return None if path in ("", ":memory:") else path


def _create_private_file(path: str, *, default: bool) -> None:
    """Create a new database file readable by its owner only (it holds customers' mail).

    Only the default location's folder is created: a mistyped ``--db /nonexistnt/x.db`` must not
    quietly make a new, empty desk."""
    folder = Path(path).parent
    if default:
        folder.mkdir(parents=True, exist_ok=True)
    elif not folder.is_dir():
        raise HelpdeskError(Code.DATABASE_DIRECTORY_MISSING, folder=str(folder))
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _driver_missing(target: str) -> HelpdeskError:
    kind = target.split(":", 1)[0].split("+", 1)[0]
    return HelpdeskError(Code.DATABASE_DRIVER_MISSING, kind=kind, package=_DRIVERS.get(kind, kind))


def connect(target: str | None = None) -> pw.Database:
    """A peewee database for a path or URL, not yet bound to the models."""
    default = not target and not os.environ.get("HELPDESK_DB")
    target = target or default_target()
    path = sqlite_file(target)
    try:
        if path is not None:
            if os.path.exists(path) and not writable(path):
                return _read_only(path)
            _create_private_file(path, default=default)
            # IMMEDIATE: a write transaction takes the write lock at BEGIN, so two agents
            # writing at once queue on the busy timeout instead of failing mid-transaction.
            return SqliteStore(path, pragmas=SQLITE_PRAGMAS, check_same_thread=False, lock_type="IMMEDIATE")
        if target.startswith("sqlite://"):
            return SqliteStore(":memory:", pragmas=SQLITE_PRAGMAS)
        if postgres_url(target):
            return _postgres(target)
        # playhouse's URLs bring every server backend's module (~50 ms): only for a server's URL.
        from playhouse.db_url import connect as connect_url

        return connect_url(target)
    except pw.ImproperlyConfigured:
        raise _driver_missing(target) from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise HelpdeskError(Code.DATABASE_CANNOT_OPEN, target=masked(target), detail=str(exc)) from None


def _read_only(path: str) -> ReadOnlyDatabase:
    """``path`` opened for reading: shared with its writers (``mode=ro``) where SQLite can use
    the ``-shm`` file, else as a file nobody changes (``immutable``: a read-only mount, a folder
    this process cannot write with nobody having the database open)."""
    for immutable in (False, True):
        db = ReadOnlyDatabase(
            read_only_uri(path, immutable=immutable), pragmas=READ_ONLY_PRAGMAS, check_same_thread=False, uri=True
        )
        try:
            db.connect()
            db.execute_sql("SELECT count(*) FROM sqlite_master")  # SQLite opens the -shm file only now
        except pw.OperationalError as exc:
            db.close()
            if immutable:
                raise HelpdeskError(Code.DATABASE_CANNOT_OPEN, target=path, detail=str(exc)) from None
        else:
            return db


def read_only(db: pw.Database) -> bool:
    """Whether ``db`` was opened for reading only (see the module's docstring)."""
    return isinstance(db, ReadOnlyDatabase)


def refuse_writes(db: pw.Database) -> None:
    """Make every connection to the store ``db`` refuse writes, whichever code attempts one: the
    desk of an agent who may only read. SQLite: ``PRAGMA query_only``; PostgreSQL: every
    transaction read-only (``default_transaction_read_only``, this connection's and the next)."""
    if isinstance(db, pw.SqliteDatabase):
        db.pragma("query_only", 1, permanent=True)
    elif isinstance(db, PostgresStore):
        db.connect_params["options"] = f"{db.connect_params.get('options', '')} -c default_transaction_read_only=on".strip()
        if not db.is_closed():
            db.execute_sql("SET default_transaction_read_only = on")


def open_store(target: str | None, regulation: Regulation, now: datetime, *, creator: str) -> pw.Database:
    """Open (creating or upgrading as needed) the store and bind the models to it.

    ``now`` (from the desk's clock) stamps what seeding writes; ``creator`` (the operating-system
    user, as the composition root knows it) becomes the first admin of a database this creates.
    A read-only file is opened as it is."""
    db = connect(target)
    try:
        # peewee looks for a server's driver only here: playhouse knew the URL, the driver is absent.
        m.database_proxy.initialize(db)
    except pw.ImproperlyConfigured:
        raise _driver_missing(target or default_target()) from None
    shown = masked(target or default_target())
    try:
        db.connect(reuse_if_open=True)
    except pw.ImproperlyConfigured:
        raise _driver_missing(target or default_target()) from None
    except (pw.OperationalError, pw.DatabaseError, sqlite3.Error) as exc:
        raise HelpdeskError(Code.DATABASE_CANNOT_OPEN, target=shown, detail=" ".join(str(exc).split())) from None
    try:
        if read_only(db):
            check_schema(db, shown)
            indexes.register_fold(db)
            return db
        previous = prepare_schema(db, regulation)
        indexes.prepare(db)  # the queue's indexes and search function (idempotent)
        numbers.prepare(db)  # PostgreSQL's ticket number sequence (idempotent)
        changes.install_notices(db)  # PostgreSQL's change notifications (idempotent)
        if isinstance(db, PostgresStore) and not fulltext.available(db):
            fulltext.install(db, build=True)  # a PostgreSQL desk made before its search index
        seed_products(regulation)
        seed_prepared_replies(now)
        refresh_builtin_replies(now)
        if previous is None or previous < ROLES_SINCE_SCHEMA:
            seed_first_admin(creator)
    except (pw.OperationalError, pw.DatabaseError, sqlite3.Error) as exc:
        raise HelpdeskError(Code.DATABASE_CANNOT_OPEN, target=shown, detail=" ".join(str(exc).split())) from None
    return db


def stored_schema_version(db: pw.Database) -> int | None:
    """The schema version recorded in the database; None for an empty database."""
    tables = set(db.get_tables())
    if "ticket" not in tables:
        return None
    if "meta" not in tables:
        return 1
    row = m.Meta.get_or_none(m.Meta.key == "schema_version")
    return int(row.value) if row else 1


def _refuse_too_new(version: int | None) -> None:
    if version is not None and version > m.SCHEMA_VERSION:
        raise HelpdeskError(Code.DATABASE_TOO_NEW, version=version, supported=m.SCHEMA_VERSION)


def check_schema(db: pw.Database, target: str) -> None:
    """A store opened for reading must be a helpdesk database of this program's schema: it
    cannot be created or upgraded."""
    version = stored_schema_version(db)
    if version is None:
        raise HelpdeskError(Code.DATABASE_NOT_HELPDESK, target=target)
    _refuse_too_new(version)
    if version < m.SCHEMA_VERSION:
        raise HelpdeskError(Code.DATABASE_NEEDS_UPGRADE, target=target, version=version, supported=m.SCHEMA_VERSION)


def prepare_schema(db: pw.Database, regulation: Regulation) -> int | None:
    """Create or upgrade the tables; returns the schema version found (None: a new database).

    A database already of this schema with every table is left unwritten, so a full or
    read-only disk still lets every reading command work."""
    version = stored_schema_version(db)
    _refuse_too_new(version)
    if version == m.SCHEMA_VERSION and {model._meta.table_name for model in m.ALL_MODELS} <= set(db.get_tables()):
        return version
    if version is not None and version < m.SCHEMA_VERSION:
        migrations.upgrade(db, version, regulation.calendar)
    with db.atomic():
        db.create_tables(m.ALL_MODELS, safe=True)
        if version is None:
            fulltext.install(db, build=False)  # an upgrade installs it in its own step
        m.put_meta("schema_version", str(m.SCHEMA_VERSION))
    return version
