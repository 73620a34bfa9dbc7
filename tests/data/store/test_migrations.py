"""A database built by the first schema is upgraded on open and keeps its data."""

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from tests.factories import SEEDED_AT, SEEDED_BY
from helpdesk.data.core import values
from helpdesk.data.store import models as m
from helpdesk.data.tickets import operations as tickets
from helpdesk.data.store.database import open_store, stored_schema_version
from helpdesk.data.read.views import get_thread
from helpdesk.data.rules import statuses as st
from helpdesk.data.rules.targets import working_us
from helpdesk.data.store.migrations import fill_work_times
from tests.factories import new_ticket

pytestmark = pytest.mark.sqlite_only  # upgrades of SQLite desks of older schemas (a PostgreSQL desk starts at the current one)

V1_SQL = Path(__file__).with_name("fixtures") / "schema_v1.sql"


def build_v1(path: str) -> None:
    raw = sqlite3.connect(path)
    raw.executescript(V1_SQL.read_text(encoding="utf-8"))
    raw.commit()
    raw.close()


def test_v1_database_is_upgraded_and_keeps_its_rows(db_path, regulation, make_desk):
    build_v1(db_path)
    db = open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    assert stored_schema_version(db) == m.SCHEMA_VERSION

    thread = get_thread(1001)
    assert thread.ticket.subject == "Не открывается проект"
    assert thread.ticket.status == "open" and thread.ticket.scope == "defect"
    assert thread.ticket.assignee == "petrova" and thread.ticket.version == 3
    assert [msg.body for msg in thread.messages] == [
        "Проект не открывается после обновления.",
        "Пришлите, пожалуйста, файл проекта.",
    ]
    assert thread.messages[0].attachments[0].filename == "проект.fpp"
    assert thread.ticket.priority == "normal"  # the default the new column got
    assert m.Customer.get_by_id(1).organisation == "ООО «Пожбезопасность»"
    # The seed adds the products the old database lacked, without touching the old ones.
    assert m.Product.select().count() == 8
    assert m.Product.get_by_id(2).name == "Fenix+ 3"
    # Schema 3: agents keep working as agents, customers have no phone yet, events no real user.
    petrova = m.Agent.get(m.Agent.login == "petrova")
    assert (petrova.role, petrova.active) == ("agent", True)
    assert m.Customer.get_by_id(1).phone is None
    assert {e.real_user for e in m.Event.select()} == {None}
    # Schema 4: the working time to the first answer is filled in: Mon 3 Mar 2025, 09:00 -> 10:30 MSK.
    ticket = m.Ticket.get_by_id(1)
    assert ticket.first_response_work_us == timedelta(hours=1, minutes=30) // timedelta(microseconds=1)
    assert ticket.resolution_work_us is None  # still open


def test_upgraded_database_takes_new_work(db_path, regulation, make_desk):
    build_v1(db_path)
    desk = make_desk()
    tickets.add_reply(desk, 1001, "Спасибо, получили.")
    created = tickets.create_ticket(
        desk, values.NewTicket(subject="Второй вопрос", body="...", customer_email="ivan@example.ru", product="Fenix+ 3")
    )
    assert created.number == 1002
    assert get_ticket_version(1001) == 4


def test_opening_twice_does_not_migrate_again(db_path, regulation):
    build_v1(db_path)
    open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY).close()
    db = open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    assert stored_schema_version(db) == m.SCHEMA_VERSION
    assert m.Ticket.select().count() == 1


def get_ticket_version(number: int) -> int:
    return tickets.get_ticket(number).version


def test_schema_3_gets_the_quarantine_discard_and_its_lost_built_in_reply_back(db_path, regulation):
    """A database of schema 3 (before discarding quarantined mail) whose agents deleted the
    built-in reply out_of_scope, as that version allowed: upgraded on open, its rows kept."""
    from helpdesk.data.channels import quarantine
    from helpdesk.data.tickets import prepared_replies

    open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    quarantine.add(source="file:/in/x.eml", reason="old", raw=b"\x00 raw", now=SEEDED_AT)
    m.database_proxy.close()
    raw = sqlite3.connect(db_path)
    raw.executescript(
        "DROP INDEX quarantine_discarded_at;"
        "ALTER TABLE quarantine DROP COLUMN discarded_at;"
        "ALTER TABLE quarantine DROP COLUMN discard_reason;"
        "ALTER TABLE quarantine DROP COLUMN handled_by;"
        'DROP INDEX "ticket_resolved_at";'
        'ALTER TABLE "ticket" DROP COLUMN "first_response_work_us";'
        'ALTER TABLE "ticket" DROP COLUMN "resolution_work_us";'
        "DELETE FROM prepared_reply WHERE key = 'out_of_scope';"
        "UPDATE meta SET value = '3' WHERE key = 'schema_version';"
    )
    raw.commit()
    raw.close()
    db = open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    assert stored_schema_version(db) == m.SCHEMA_VERSION
    [item] = quarantine.list_quarantine()
    assert (item.source, item.discarded_at, quarantine.get_raw(item.id)) == ("file:/in/x.eml", None, b"\x00 raw")
    quarantine.discard(item.id, "spam", agent="petrova", now=SEEDED_AT)
    assert prepared_replies.get_reply("out_of_scope").builtin

def as_schema_5(path: str) -> None:
    """Take a current database back to schema 5: without the columns and the index of schema 6."""
    raw = sqlite3.connect(path)
    raw.execute('DROP INDEX "ticket_resolved_at"')
    raw.execute('ALTER TABLE "ticket" DROP COLUMN "first_response_work_us"')
    raw.execute('ALTER TABLE "ticket" DROP COLUMN "resolution_work_us"')
    raw.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    raw.commit()
    raw.close()


def test_a_schema_5_desk_gets_its_working_times_filled(db_path, regulation, make_desk):
    desk = make_desk("2026-11-20T17:00:00+03:00")  # Friday, as support closes
    answered, resolved, untouched = new_ticket(desk), new_ticket(desk), new_ticket(desk)
    desk.clock.set(desk.now() + timedelta(days=3))  # Monday 17:00
    tickets.add_reply(desk, answered, "Ответ")
    tickets.add_reply(desk, resolved, "Ответ")
    desk.clock.set(desk.now() + timedelta(hours=16))  # Tuesday 09:00
    tickets.set_status(desk, resolved, st.RESOLVED)
    before = {t.number: (t.first_response_work_us, t.resolution_work_us) for t in m.Ticket.select()}
    hour = timedelta(hours=1) // timedelta(microseconds=1)
    # Answered Mon 17:00: 8 h (Mon 09-17); resolved Tue 09:00: 9 h (Mon 09-18).
    assert before == {answered: (8 * hour, None), resolved: (8 * hour, 9 * hour), untouched: (None, None)}
    m.database_proxy.close()
    as_schema_5(db_path)

    db = open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    assert stored_schema_version(db) == m.SCHEMA_VERSION
    assert {t.number: (t.first_response_work_us, t.resolution_work_us) for t in m.Ticket.select()} == before
    assert "ticket_resolved_at" in {index.name for index in db.get_indexes("ticket")}


def test_fill_work_times_fills_only_what_is_missing_in_batches(desk):
    for _ in range(7):
        number = new_ticket(desk)
        tickets.add_reply(desk, number, "Ответ")
    m.Ticket.update(first_response_work_us=None).where(m.Ticket.number.in_([1001, 1002, 1004, 1006])).execute()
    m.Ticket.update(first_response_work_us=-1).where(m.Ticket.number == 1001).execute()  # stored: kept
    assert fill_work_times(m.database_proxy.obj, desk.calendar, batch=2) == 3  # 1002, 1004, 1006
    for t in m.Ticket.select():
        expected = -1 if t.number == 1001 else working_us(desk.calendar, t.created_at, t.first_response_at)
        assert t.first_response_work_us == expected
    assert fill_work_times(m.database_proxy.obj, desk.calendar) == 0


def test_a_schema_6_store_gets_the_saved_views_table_and_keeps_its_rows(db_path, regulation, make_desk):
    from helpdesk.data.read.queue import QueueFilter
    from helpdesk.data.team import saved_views

    desk = make_desk()
    number = tickets.create_ticket(desk, values.NewTicket(subject="Вопрос", body="...", customer_email="a@b.ru",
                                                          product="Fenix+ 3")).number
    db = m.database_proxy.obj
    db.execute_sql('DROP TABLE "saved_view"')
    m.Meta.update(value="6").where(m.Meta.key == "schema_version").execute()
    db.close()
    db = open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    assert stored_schema_version(db) == m.SCHEMA_VERSION
    assert "saved_view" in db.get_tables() and get_ticket_version(number) == 1
    saved_views.save_view(desk, "открытые", QueueFilter(tab="open"))
    assert [v.name for v in saved_views.list_views(desk.agent)] == ["открытые"]
