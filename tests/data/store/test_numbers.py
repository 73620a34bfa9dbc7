"""data/store/numbers.py: ticket numbers from 1001, past any number a bulk load wrote itself
(on SQLite the highest plus one, on PostgreSQL a sequence that catches up)."""

from __future__ import annotations

from helpdesk.data.store import models as m
from helpdesk.data.store import numbers
from tests.factories import new_ticket


def test_numbers_start_at_1001_and_follow_a_number_written_by_another_door(desk):
    assert new_ticket(desk) == numbers.FIRST_NUMBER
    first = m.Ticket.get(m.Ticket.number == numbers.FIRST_NUMBER)
    m.Ticket.insert(number=5000, subject="Загружена", customer=first.customer_id, channel="email", status="new",
                    created_at=desk.now(), updated_at=desk.now()).execute()  # fmt: skip
    assert [new_ticket(desk), new_ticket(desk)] == [5001, 5002]
