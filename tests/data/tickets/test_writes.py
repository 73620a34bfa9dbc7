"""data/tickets/writes.py: the one place ticket rows are built and versions bumped."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from helpdesk.data.core.errors import ConflictError
from helpdesk.data.store import models as m
from helpdesk.data.tickets import lookup, writes


def new_row(desk, product: str | None, received: datetime) -> m.Ticket:
    customer = lookup.find_or_create_customer(desk.now(), "ivan@example.ru", "Иван")
    return writes.insert_ticket(
        desk,
        subject="Вопрос",
        customer=customer,
        product=lookup.find_product(product) if product else None,
        channel="email",
        priority="normal",
        received=received,
    )


def test_rows_are_numbered_from_1001_and_flagged(desk):
    first = new_row(desk, "Fenix+ 3", desk.now())
    second = new_row(desk, None, desk.now())
    assert (first.number, second.number) == (writes.FIRST_NUMBER, writes.FIRST_NUMBER + 1)
    assert first.status == "new" and first.due_at is not None and not first.support_ended


def test_support_ended_is_decided_on_the_moscow_date(desk):
    # Fenix+ support ended on 31.12.2021. 21:30 UTC on that day is already 1 January in Moscow.
    late = new_row(desk, "Fenix+", datetime(2021, 12, 31, 21, 30, tzinfo=timezone.utc))
    in_time = new_row(desk, "Fenix+", datetime(2021, 12, 31, 20, 30, tzinfo=timezone.utc))
    assert late.support_ended and not in_time.support_ended


def test_a_bump_on_a_stale_version_writes_nothing(desk):
    ticket = new_row(desk, None, desk.now())
    writes.bump(desk, ticket, 1, desk.now(), priority="high")
    with pytest.raises(ConflictError):
        writes.bump(desk, m.Ticket.get_by_id(ticket.id), 1, desk.now(), priority="low")
    assert m.Ticket.get_by_id(ticket.id).priority == "high"
    with pytest.raises(ConflictError):
        writes.check_version(m.Ticket.get_by_id(ticket.id), 1)
