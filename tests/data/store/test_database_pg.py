"""data/store/database.py on PostgreSQL: the connection comes back after a server restart, and
every write the store acknowledged is there (a server of its own: the restart must not touch
the other tests' databases)."""

from __future__ import annotations

import peewee as pw
import pytest
from playhouse.db_url import parse

from helpdesk.data.core.clock import FixedClock, parse_instant
from helpdesk.data.core.errors import AccessError, Code, HelpdeskError, as_error
from helpdesk.data.rules.desk import Desk
from helpdesk.data.store import models as m
from helpdesk.data.store.database import PostgresStore, masked, open_store
from tests.factories import SEEDED_AT, SEEDED_BY, new_ticket, register_agents

NOW = "2026-11-25T10:00:00+03:00"


def test_a_server_restart_in_a_stream_of_writes_loses_no_acknowledged_write(own_server, regulation):
    url = own_server.url(own_server.create_database())
    store = open_store(url, regulation, SEEDED_AT, creator=SEEDED_BY)
    assert isinstance(store, PostgresStore)
    register_agents("petrova")
    desk = Desk(regulation, FixedClock(parse_instant(NOW)), "petrova")
    acknowledged, refused = [], []
    for i in range(40):
        if i == 15:
            own_server.restart()  # every session of the server ends here
        try:
            acknowledged.append(new_ticket(desk, subject=f"Заявка {i}"))
        except (HelpdeskError, pw.DatabaseError, pw.InterfaceError) as exc:
            refused.append(exc)
    assert refused == []  # the dropped connection was found before any transaction began: opened again
    assert len(acknowledged) == 40 and len(set(acknowledged)) == 40
    assert {t.number for t in m.Ticket.select(m.Ticket.number)} == set(acknowledged)


def test_a_url_is_shown_without_its_password():
    assert masked("postgresql://agent:s3cr%40t@db.example:5432/desk?sslmode=require") == (
        "postgresql://agent:***@db.example:5432/desk?sslmode=require")
    assert masked("postgresql://agent@db.example/desk") == "postgresql://agent@db.example/desk"
    assert masked("/srv/helpdesk/helpdesk.db") == "/srv/helpdesk/helpdesk.db"


def test_a_writer_that_waited_past_the_lock_timeout_is_told_the_database_is_locked(pg_database, pg_template, regulation):
    url = pg_database(pg_template)
    holder = PostgresStore(url.rsplit("/", 1)[1], **pg_connect_params(url))
    store = open_store(url, regulation, SEEDED_AT, creator=SEEDED_BY)
    store.execute_sql("SET lock_timeout = '200ms'")
    with holder.atomic():  # another process's transaction holds the turn to write
        with pytest.raises(pw.OperationalError) as waited:
            with store.atomic():
                pass
    holder.close()
    error = as_error(waited.value)
    assert error.code == Code.DATABASE_LOCKED


def test_a_database_that_may_only_be_read_refuses_a_write_as_such(pg_database, pg_template, regulation):
    url = pg_database(pg_template)
    open_store(url, regulation, SEEDED_AT, creator=SEEDED_BY)
    m.database_proxy.execute_sql("SET default_transaction_read_only = on")
    with pytest.raises(pw.DatabaseError) as refused:
        m.Meta.insert(key="x", value="y").execute()
    assert isinstance(as_error(refused.value), AccessError)
    assert as_error(refused.value).code == Code.DATABASE_WRITE_REFUSED


def pg_connect_params(url: str) -> dict:
    params = parse(url)
    params.pop("database")
    return params
