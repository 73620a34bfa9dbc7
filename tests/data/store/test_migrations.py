"""A database built by the first schema is upgraded on open and keeps its data."""

import sqlite3
from pathlib import Path

from tests.factories import SEEDED_AT, SEEDED_BY
from helpdesk.data.core import values
from helpdesk.data.store import models as m
from helpdesk.data.tickets import operations as tickets
from helpdesk.data.store.database import open_store, stored_schema_version
from helpdesk.data.read.views import get_thread

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
        "DELETE FROM prepared_reply WHERE key = 'out_of_scope';"
        "UPDATE meta SET value = '3' WHERE key = 'schema_version';"
    )
    raw.commit()
    raw.close()
    db = open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    assert stored_schema_version(db) == m.SCHEMA_VERSION == 5
    [item] = quarantine.list_quarantine()
    assert (item.source, item.discarded_at, quarantine.get_raw(item.id)) == ("file:/in/x.eml", None, b"\x00 raw")
    quarantine.discard(item.id, "spam", agent="petrova", now=SEEDED_AT)
    assert prepared_replies.get_reply("out_of_scope").builtin
