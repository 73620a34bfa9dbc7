"""Test data shared by tests/data and tests/screens: a request from Иван Петров and its events.

Plain functions, so a test module can give them its own defaults::

    new = functools.partial(ticket_input, subject="Не открывается проект")
"""

from __future__ import annotations

import peewee as pw

from helpdesk.data.core.clock import parse_instant
from helpdesk.data.core.values import NewTicket
from helpdesk.data.rules.desk import AGENT, os_login
from helpdesk.data.store import agents
from helpdesk.data.store import models as m
from helpdesk.data.tickets import operations as tickets

# When the tests' stores are opened (what seeding stamps): the tests' usual "now".
SEEDED_AT = parse_instant("2026-11-25T10:00:00+03:00")
# Who creates the tests' stores, so their first admin: the operating-system user running the
# tests, as the CLI would (the CLI tests act as that user).
SEEDED_BY = os_login()


def ticket_input(**overrides) -> NewTicket:
    """A NewTicket from Иван Петров <ivan@example.ru> about Fenix+ 3; ``overrides`` replace any field."""
    values = dict(subject="Вопрос", body="Текст", customer_email="ivan@example.ru", customer_name="Иван Петров",
                  product="Fenix+ 3")
    values.update(overrides)
    return NewTicket(**values)


def new_ticket(desk, **overrides) -> int:
    """Create ``ticket_input(**overrides)`` at the desk's clock; returns the ticket's number."""
    return tickets.create_ticket(desk, ticket_input(**overrides)).number


def actions(number: int) -> list[tuple[str, str | None, str | None]]:
    """The ticket's events as (action, old value, new value), oldest first."""
    return [(e.action, e.old_value, e.new_value) for e in tickets.get_ticket(number).events.order_by(m.Event.id)]


def register_agents(*logins: str, role: str = AGENT) -> None:
    """Register ``logins`` on the open store, as an admin would (``helpdesk agent add``): an
    operation refuses an agent nobody registered. The OS user running the tests created the
    store, so is its admin already."""
    for login in logins:
        agents.register(login, role=role)


def kept(text: str) -> str:
    """``text`` as the open store gives it back: PostgreSQL's text holds no NUL character, and
    the store drops it there (data/store/database.py PostgresStore); SQLite keeps it."""
    return text.replace("\x00", "") if isinstance(m.database_proxy.obj, pw.PostgresqlDatabase) else text


def retire_the_test_runner() -> None:
    """Take the operating-system user running the tests (the stores' first admin) off the agents
    a screen lists, so what a snapshot shows does not depend on who runs it."""
    m.Agent.update(active=False).where(m.Agent.login == SEEDED_BY).execute()
