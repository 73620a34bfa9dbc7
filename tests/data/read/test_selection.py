"""data/read/selection.py: every ticket a queue view shows, with its read point."""

from __future__ import annotations

from helpdesk.data.read import queue as dq
from helpdesk.data.read.history import read_point
from helpdesk.data.read.selection import picked_in_view
from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import operations as ops
from tests.factories import new_ticket


def test_select_all_reads_every_ticket_of_the_view_in_queue_order(desk, monkeypatch):
    numbers = [new_ticket(desk, subject=f"Вопрос {i}") for i in range(7)]
    ops.set_status(desk, numbers[0], st.OPEN)
    ops.assign_ticket(desk, numbers[1], "petrova")
    monkeypatch.setattr("helpdesk.data.read.selection.CHUNK", 2)  # several chunks
    f = dq.QueueFilter(tab="new", agent="petrova", sort="number")
    picked = picked_in_view(f)
    assert [p.number for p in picked] == [r.number for r in dq.fetch_rows(f, 0, 100)] == sorted(numbers[1:], reverse=True)
    assert all(p.read == read_point(p.number) for p in picked)
    assert next(p for p in picked if p.number == numbers[1]).assignee == "petrova"
    assert [p.number for p in picked_in_view(f.with_(search="Вопрос 3"))] == [numbers[3]]
