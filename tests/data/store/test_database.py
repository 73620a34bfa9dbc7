import hashlib
import os
import sqlite3
import stat
import threading
from contextlib import closing
from pathlib import Path

import peewee as pw
import pytest

from tests.data.store.test_migrations import build_v1
from tests.factories import SEEDED_AT, SEEDED_BY, new_ticket
from tests.unprivileged import as_unprivileged, open_folder  # noqa: F401 (open_folder: a fixture)
from helpdesk.data.core import values
from helpdesk.data.read.queue import QueueFilter, count_queue
from helpdesk.data.read.views import get_thread
from helpdesk.data.store import database
from helpdesk.data.store import models as m
from helpdesk.data.core.errors import Code, HelpdeskError, as_error
from helpdesk.data.store.database import (
    BUSY_TIMEOUT_MS,
    connect,
    default_target,
    open_store,
    read_only,
    refuse_writes,
    stored_schema_version,
)
from helpdesk.data.tickets import operations as tickets


@pytest.mark.sqlite_only  # SQLite files
def test_new_sqlite_file_is_private_with_wal_and_foreign_keys(db_path, regulation):
    db = open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 1
    db.close()


def test_sqlite_url_opens_the_same_kind_of_store(tmp_path, regulation):
    path = tmp_path / "via-url.db"
    db = open_store(f"sqlite:///{path}", regulation, SEEDED_AT, creator=SEEDED_BY)
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert m.Product.select().count() == 8
    db.close()


def test_products_are_seeded_from_the_regulation_once(db_path, regulation):
    open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY).close()
    db = open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    names = [p.name for p in m.Product.select().order_by(m.Product.id)]
    assert names == [p.name for p in regulation.products]
    fenix = m.Product.get(m.Product.name == "Fenix+")
    assert str(fenix.support_ends) == "2021-12-31"
    assert m.Product.get(m.Product.name == "Fenix+ 3").support_ends is None
    db.close()


def test_schema_version_is_recorded(db_path, regulation):
    db = open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    assert stored_schema_version(db) == m.SCHEMA_VERSION
    db.close()


def test_default_target_follows_helpdesk_db(monkeypatch, tmp_path):
    monkeypatch.setenv("HELPDESK_DB", str(tmp_path / "x.db"))
    assert default_target() == str(tmp_path / "x.db")
    monkeypatch.delenv("HELPDESK_DB")
    assert default_target().endswith("helpdesk.db")


def test_a_newer_schema_is_refused_not_damaged(db_path, regulation):
    db = open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    m.Meta.update(value="99").where(m.Meta.key == "schema_version").execute()
    db.close()
    with pytest.raises(HelpdeskError) as refused:
        open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    assert (refused.value.code, refused.value.params) == (Code.DATABASE_TOO_NEW, {"version": 99, "supported": m.SCHEMA_VERSION})
    raw = connect(db_path)
    assert raw.execute_sql("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "99"
    raw.close()


def test_a_missing_folder_is_named_not_created(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for folder in (tmp_path / "mistyped", blocker / "sub"):
        with pytest.raises(HelpdeskError) as refused:
            connect(str(folder / "db.sqlite"))
        assert (refused.value.code, refused.value.params["folder"]) == (Code.DATABASE_DIRECTORY_MISSING, str(folder))
    assert not (tmp_path / "mistyped").exists()


def test_the_default_location_is_created_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("HELPDESK_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    connect(None).close()
    created = tmp_path / "data" / "helpdesk" / "helpdesk.db"
    assert created.exists() and created.stat().st_mode & 0o777 == 0o600


def test_an_unopenable_file_is_a_clear_error(tmp_path, regulation):
    target = str(tmp_path)  # a folder where the database file should be
    with pytest.raises(HelpdeskError) as refused:
        open_store(target, regulation, SEEDED_AT, creator=SEEDED_BY)
    assert (refused.value.code, refused.value.params["target"]) == (Code.DATABASE_CANNOT_OPEN, target)
    assert refused.value.params["detail"]


def frozen(path: str) -> str:
    """Close the store, checkpoint its WAL into the file, and make the file read-only (0444)."""
    m.database_proxy.close()
    with closing(sqlite3.connect(path)) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    os.chmod(path, 0o444)
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.mark.sqlite_only  # SQLite files
def test_a_read_only_file_is_read_as_it_is_and_refuses_writes(db_path, regulation, make_desk):
    new_ticket(make_desk())
    before = frozen(db_path)
    db = open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    assert read_only(db) and "mode=ro" in db.database
    assert get_thread(1001).ticket.subject == "Вопрос"
    assert count_queue(QueueFilter(tab="all", search="вопрос")) == 1  # with the fold function
    with pytest.raises(pw.OperationalError) as refused:
        m.Product.update(name="x").execute()
    assert as_error(refused.value).code == Code.DATABASE_WRITE_REFUSED
    db.close()
    assert hashlib.sha256(Path(db_path).read_bytes()).hexdigest() == before


@pytest.mark.sqlite_only  # SQLite files
def test_a_read_only_file_is_not_upgraded_or_made_a_desk(db_path, tmp_path, regulation):
    build_v1(db_path)
    os.chmod(db_path, 0o444)
    with pytest.raises(HelpdeskError) as old:
        open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    assert (old.value.code, old.value.params) == (
        Code.DATABASE_NEEDS_UPGRADE, {"target": db_path, "version": 1, "supported": m.SCHEMA_VERSION})
    assert stored_version_of(db_path) == 1
    empty = tmp_path / "empty.db"
    empty.touch(mode=0o444)
    with pytest.raises(HelpdeskError) as not_ours:
        open_store(str(empty), regulation, SEEDED_AT, creator=SEEDED_BY)
    assert (not_ours.value.code, empty.stat().st_size) == (Code.DATABASE_NOT_HELPDESK, 0)


def test_a_read_only_file_in_a_folder_nobody_may_write_is_read_as_immutable(open_folder, regulation):
    folder = open_folder / "mounted"
    folder.mkdir()
    path = str(folder / "desk.db")
    open_store(path, regulation, SEEDED_AT, creator=SEEDED_BY)
    frozen(path)
    folder.chmod(0o555)  # as on a read-only mount: no -shm file can be made beside it

    def read() -> list:
        db = open_store(path, regulation, SEEDED_AT, creator=SEEDED_BY)
        try:
            return ["immutable=1" in db.database, m.Product.select().count()]
        finally:
            db.close()

    try:
        assert as_unprivileged(read) == [True, 8]
    finally:
        folder.chmod(0o755)


def test_a_desk_that_may_not_write_has_every_connection_refuse(db_path, regulation):
    db = open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    refuse_writes(db)
    failures = []

    def write_from_another_thread():  # peewee gives each thread its own connection
        try:
            m.Product.update(name="x").execute()
        except pw.DatabaseError as exc:
            failures.append(as_error(exc).code)

    worker = threading.Thread(target=write_from_another_thread)
    worker.start()
    worker.join()
    with pytest.raises(pw.DatabaseError) as refused:
        m.Product.update(name="x").execute()
    assert [as_error(refused.value).code, *failures] == [Code.DATABASE_WRITE_REFUSED] * 2
    assert m.Product.select().count() == 8  # reading goes on
    db.close()


def stored_version_of(path: str) -> int:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as raw:
        tables = {name for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return 1 if "meta" not in tables else int(raw.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])

# --- a write SQLite refuses keeps SQLite's reason -------------------------------------------


def _new(subject="Не запускается"):
    return values.NewTicket(subject=subject, body="Текст " * 2000, customer_email="ivan@example.ru", product="Fenix+ 3")


def _no_more_pages(db):
    """The database may not grow: a write that needs a page fails as on a full disk."""
    pages = db.execute_sql("PRAGMA page_count").fetchone()[0]
    db.execute_sql(f"PRAGMA max_page_count = {pages}")


@pytest.mark.sqlite_only  # SQLite files
@pytest.mark.parametrize("nested", [False, True])
def test_a_full_disk_is_reported_as_such_not_as_a_failed_rollback(desk, nested):
    _no_more_pages(m.database_proxy.obj)
    with pytest.raises(pw.OperationalError) as refused:
        if nested:  # create_ticket's atomic() becomes a savepoint inside this transaction
            with m.database_proxy.atomic():
                tickets.create_ticket(desk, _new())
        else:
            tickets.create_ticket(desk, _new())
    assert "full" in str(refused.value) and "rollback" not in str(refused.value)
    assert as_error(refused.value).code is Code.DATABASE_FULL
    assert m.Ticket.select().count() == 0
    assert not m.database_proxy.connection().in_transaction


def test_a_failed_commit_keeps_its_reason(desk, monkeypatch):
    """SQLite may end the transaction itself when COMMIT fails (WAL, full disk): no ROLLBACK follows."""
    db = m.database_proxy.obj

    def commit_fails():
        db.connection().rollback()  # what SQLite does on SQLITE_FULL at commit
        raise pw.OperationalError("database or disk is full")

    monkeypatch.setattr(db, "commit", commit_fails)
    with pytest.raises(pw.OperationalError, match="database or disk is full"):
        tickets.create_ticket(desk, _new())


def test_an_up_to_date_store_opens_without_writing(db_path, regulation, desk, monkeypatch):
    """Every command opens the store: on a full or read-only disk the reading ones still work."""
    tickets.create_ticket(desk, _new())
    m.database_proxy.close()
    monkeypatch.setattr(database, "SQLITE_PRAGMAS", dict(database.SQLITE_PRAGMAS, query_only=1))
    open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    assert [t.number for t in m.Ticket.select()] == [1001]


@pytest.mark.sqlite_only  # SQLite files
def test_a_lock_held_elsewhere_does_not_stop_reading_and_is_named_on_writing(db_path, regulation, desk):
    m.database_proxy.close()
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another agent's process in the middle of a write
    try:
        open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
        m.database_proxy.execute_sql("PRAGMA busy_timeout = 50")
        assert m.Ticket.select().count() == 0
        with pytest.raises(pw.OperationalError) as refused:
            tickets.create_ticket(desk, _new())
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert as_error(refused.value).code is Code.DATABASE_LOCKED


@pytest.mark.sqlite_only  # SQLite files
def test_a_read_only_database_is_named(desk):
    m.database_proxy.execute_sql("PRAGMA query_only = 1")
    with pytest.raises(pw.OperationalError) as refused:
        tickets.create_ticket(desk, _new())
    assert as_error(refused.value).code is Code.DATABASE_WRITE_REFUSED
    assert m.Ticket.select().count() == 0
