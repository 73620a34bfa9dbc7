"""data/store/transfer.py: a whole desk copied (SQLite to SQLite, SQLite to PostgreSQL: the target
is ``db_path``), refused into a non-empty target, resumed after an interruption, verified."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing

import pytest

from helpdesk.data.core.clock import FixedClock, parse_instant
from helpdesk.data.core.errors import Code, HelpdeskError
from helpdesk.data.rules.desk import Desk
from helpdesk.data.store import fulltext, transfer
from helpdesk.data.store import models as m
from helpdesk.data.store.database import open_store
from helpdesk.data.read.search import search
from tests.conftest import WORKING_NOW
from tests.factories import SEEDED_AT, SEEDED_BY, kept, new_ticket, register_agents


@pytest.fixture
def demo_source(demo_template, tmp_path):
    """A copy of the demo desk (SQLite), opened as the source."""
    path = tmp_path / "source.db"
    shutil.copyfile(demo_template, path)
    source = transfer.open_source(str(path))
    yield str(path), source
    source.close()


def open_target(db_path, regulation):
    return open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)


def differing(source, target) -> list[str]:
    return [c.table for c in transfer.verify(source, target) if not c.equal]


def test_every_table_is_copied_whole(db_path, regulation, demo_source):
    path, source = demo_source
    target = open_target(db_path, regulation)
    copied = transfer.copy_store(source, path, batch=300)
    assert copied["ticket"] == 200 and copied["message"] > 200 and copied["event"] > 1000
    checks = transfer.verify(source, target)
    assert {c.table for c in checks} == {model._meta.table_name for model in m.ALL_MODELS}
    assert all(c.equal for c in checks), [c for c in checks if not c.equal]
    assert transfer.progress() is None  # finished: no record left
    # The search index is whole, and the desk goes on: a new ticket takes the next number and id.
    state = fulltext.inspect(target)
    assert state.tickets == state.documents == 200 and state.stale == 0 and not state.missing_triggers
    highest = m.Ticket.select().order_by(m.Ticket.number.desc()).get()
    register_agents("petrova")
    desk = Desk(regulation, FixedClock(parse_instant(WORKING_NOW)), "petrova")
    number = new_ticket(desk, subject="Перенос прошёл")
    assert number == highest.number + 1
    assert m.Ticket.get(m.Ticket.number == number).id > highest.id
    assert [hit.number for hit in search("перенос прошел", limit=1)] == [number]


def test_a_desk_on_either_database_is_copied_out_whole(demo_desk, db_path, regulation, tmp_path):
    """The source on SQLite or PostgreSQL (``db_path``), the target a new SQLite file."""
    m.database_proxy.close()
    source = transfer.open_source(db_path)
    target = open_target(str(tmp_path / "copy.db"), regulation)
    assert transfer.copy_store(source, db_path, batch=400)["ticket"] == 200
    assert differing(source, target) == []
    source.close()


def test_a_target_with_a_desk_of_its_own_is_refused(db_path, regulation, demo_source, desk):
    path, source = demo_source
    new_ticket(desk)
    with pytest.raises(HelpdeskError) as caught:
        transfer.copy_store(source, path)
    assert caught.value.code == Code.MIGRATE_TARGET_NOT_EMPTY and "ticket" in caught.value.params["tables"]
    assert m.Ticket.select().count() == 1  # nothing was written


class Stop(Exception):
    pass


def test_an_interrupted_copy_resumes_from_the_same_source_only(db_path, regulation, demo_source, tmp_path):
    path, source = demo_source
    target = open_target(db_path, regulation)
    batches = []

    def interrupt(table, done, total, finished):
        if not finished:
            batches.append((table, done))
            if len(batches) == 5:
                raise Stop

    with pytest.raises(Stop):
        transfer.copy_store(source, path, batch=50, report=interrupt)
    record = transfer.progress()
    assert record["source"] == transfer.identity(path) and record["table"] == batches[-1][0]
    copied_before = m.Customer.select().count() + m.Ticket.select().count()
    assert 0 < copied_before < 157 + 200

    m.database_proxy.close()  # as a new run of the command opens it: not seeded again
    target = transfer.open_target(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    assert transfer.progress() == record
    other = tmp_path / "other.db"
    shutil.copyfile(path, other)
    with pytest.raises(HelpdeskError) as caught:
        transfer.copy_store(transfer.open_source(str(other)), str(other))
    assert caught.value.code == Code.MIGRATE_OTHER_SOURCE

    resumed = []
    transfer.copy_store(source, path, batch=50, report=lambda table, done, total, finished: resumed.append((table, done)))
    assert resumed[0][0] == batches[-1][0] and resumed[0][1] > batches[-1][1]  # on from where it stopped
    assert differing(source, target) == []
    assert transfer.progress() is None


def test_verify_finds_a_changed_row(db_path, regulation, demo_source):
    path, source = demo_source
    target = open_target(db_path, regulation)
    transfer.copy_store(source, path)
    message = m.Message.select().order_by(m.Message.id).first()
    m.Message.update(body=message.body + ".").where(m.Message.id == message.id).execute()
    m.Blob.update(data=b"changed").where(m.Blob.sha256 == m.Blob.select(m.Blob.sha256).limit(1)).execute()
    assert differing(source, target) == ["message", "blob"]


HOSTILE = "Тема\x00 с NUL, \x1b[31mescape\x1b[0m, \u202eRTL, [b]markup[/b], \ufdd0метка\ufdd1, ё"


def test_hostile_text_survives(db_path, regulation, tmp_path):
    path = str(tmp_path / "hostile.db")
    open_store(path, regulation, SEEDED_AT, creator=SEEDED_BY)
    register_agents("petrova")
    desk = Desk(regulation, FixedClock(parse_instant(WORKING_NOW)), "petrova")
    number = new_ticket(desk)
    m.database_proxy.close()
    with closing(sqlite3.connect(path)) as db, db:  # as another tool may have written them
        db.execute("UPDATE ticket SET subject = ?", (HOSTILE,))
        db.execute("UPDATE message SET body = ?", (HOSTILE,))
        db.execute("UPDATE customer SET name = ?", (HOSTILE,))
    source = transfer.open_source(path)
    target = open_target(db_path, regulation)
    transfer.copy_store(source, path)
    assert differing(source, target) == []
    ticket = m.Ticket.get(m.Ticket.number == number)
    assert ticket.subject == kept(HOSTILE) and ticket.customer.name == kept(HOSTILE)
    assert m.Message.get(m.Message.ticket == ticket).body == kept(HOSTILE)
    source.close()


def test_a_source_of_another_schema_or_none_is_refused(tmp_path, demo_template):
    old = tmp_path / "old.db"
    shutil.copyfile(demo_template, old)
    with closing(sqlite3.connect(old)) as db, db:
        db.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    with pytest.raises(HelpdeskError) as caught:
        transfer.open_source(str(old))
    assert caught.value.code == Code.MIGRATE_SOURCE_OLD and caught.value.params["version"] == 5
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    with pytest.raises(HelpdeskError) as caught:
        transfer.open_source(str(empty))
    assert caught.value.code == Code.MIGRATE_SOURCE_NOT_HELPDESK
    with pytest.raises(HelpdeskError) as caught:
        transfer.open_source(str(tmp_path / "absent.db"))
    assert caught.value.code == Code.PATH_MISSING and not (tmp_path / "absent.db").exists()
