"""What happened to a ticket since an agent read it: the read point, and the events after it.

A screen keeps the ``ReadPoint`` of what it shows: the ticket's version (a write must still find
it, else data/tickets refuses it as stale) and the newest event of its audit trail then. When a
write is refused, ``changes_since`` says what changed, by whom and when (the events after that
event), and gives the new read point to write on if the agent still wants their change.

Each function reads the version and the events in one statement, so both come from the same
snapshot of the store: the events shown are exactly the changes a write on the returned version
would go over, never fewer.
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from helpdesk.data.core.errors import Code, NotFoundError
from helpdesk.data.read.views import EventView
from helpdesk.data.store import models as m


@dataclass(frozen=True)
class ReadPoint:
    """What an agent read of ticket ``number``: its ``version`` and its newest event's id then."""

    number: int
    version: int
    event_id: int


@dataclass(frozen=True)
class TicketChanges:
    """The events of a ticket after a read point, oldest first, and the ticket as it is now."""

    now: ReadPoint
    events: tuple[EventView, ...]


def newest_event_id() -> pw.Node:
    """The newest event of the ticket in the outer query (a correlated subquery)."""
    return m.Event.select(pw.fn.MAX(m.Event.id)).where(m.Event.ticket == m.Ticket.id)


def read_point(number: int) -> ReadPoint:
    """The ticket's version and newest event, in one statement."""
    row = (
        m.Ticket.select(m.Ticket.version, newest_event_id().alias("event_id"))
        .where(m.Ticket.number == number)
        .tuples()
        .first()
    )
    if row is None:
        raise NotFoundError(Code.TICKET_NOT_FOUND, number=number)
    return ReadPoint(number, row[0], row[1] or 0)


def changes_since(number: int, after_event_id: int) -> TicketChanges:
    """The events of ticket ``number`` after ``after_event_id``, with the current read point."""
    E = m.Event
    rows = list(
        m.Ticket.select(m.Ticket.version, newest_event_id().alias("newest"), E.id, E.actor, E.action,
                        E.old_value, E.new_value, E.created_at)
        .join(E, pw.JOIN.LEFT_OUTER, on=((E.ticket == m.Ticket.id) & (E.id > after_event_id)))
        .where(m.Ticket.number == number)
        .order_by(E.id)
        .tuples()
    )
    if not rows:
        raise NotFoundError(Code.TICKET_NOT_FOUND, number=number)
    version, newest = rows[0][0], rows[0][1] or 0
    events = tuple(
        EventView(actor, action, old, new, E.created_at.python_value(at))
        for _v, _n, event_id, actor, action, old, new, at in rows
        if event_id is not None
    )
    return TicketChanges(ReadPoint(number, version, newest), events)
