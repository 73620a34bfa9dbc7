"""Working-time targets: when a ticket's next answer is due, in working hours.

The due instant is stored on the ticket (so the queue can sort 100,000 tickets by it) and
recomputed by every operation that changes what it depends on.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from data import models as m
from data import statuses as st
from data.desk import Desk


def compute_due_at(desk: Desk, ticket: m.Ticket) -> datetime | None:
    """First-response due time until support answers, then the resolution due time.

    None while the clock is paused (waiting for the customer) or the ticket is finished.
    Time spent waiting for the customer pushes the resolution target out by that much.
    """
    if ticket.status not in st.ACTIVE:
        return None
    target = desk.regulation.targets.get(ticket.priority) or desk.regulation.targets[desk.regulation.default_priority]
    if ticket.first_response_at is None:
        hours = target.first_response_hours
        paused = 0
    else:
        hours = target.resolution_hours
        paused = ticket.paused_seconds or 0
    return desk.calendar.add_working_time(ticket.created_at, timedelta(hours=hours, seconds=paused))
