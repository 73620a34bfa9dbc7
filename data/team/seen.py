"""How far each agent has read each ticket, and which tickets are unread to them.

A ticket is unread to an agent when its audit trail has an event by someone else after what they
have seen of it: after their row for the ticket (written when they open its thread) and after
their baseline (the trail as it was when they first ran the app; data/store/models.py
TicketSeen). Both questions are answered from the event table's indexes: the events of one
page's tickets (one query a page), or the events after the baseline, for the tab counts (few on
a desk in use, however many tickets it holds).
"""

from __future__ import annotations

from typing import Iterable

import peewee as pw

from helpdesk.data.core.errors import Code, NotFoundError
from helpdesk.data.read import queue as dq
from helpdesk.data.rules.desk import Desk
from helpdesk.data.store import models as m
from helpdesk.data.store.literals import integers

E, S, T = m.Event, m.TicketSeen, m.Ticket

# Numbers asked about in one statement (SQLite allows 999 parameters in older builds).
CHUNK = 500


def start(desk: Desk) -> None:
    """Give the agent a baseline if they have none: the audit trail so far counts as read."""
    with m.database_proxy.atomic():
        if S.select().where((S.agent == desk.agent) & S.ticket.is_null()).exists():
            return
        newest = E.select(pw.fn.MAX(E.id)).scalar() or 0
        S.create(agent=desk.agent, ticket=None, last_event_id=newest, seen_at=desk.now())


def _baseline(agent: str) -> pw.Node:
    """The agent's baseline event id, 0 without one (a scalar subquery, evaluated once)."""
    return S.select(pw.fn.COALESCE(pw.fn.MAX(S.last_event_id), 0)).where((S.agent == agent) & S.ticket.is_null())


def mark(desk: Desk, number: int, event_id: int) -> bool:
    """The agent has seen ticket ``number`` up to event ``event_id``; False if they had already."""
    with m.database_proxy.atomic():
        ticket_id = T.select(T.id).where(T.number == number).scalar()
        if ticket_id is None:
            raise NotFoundError(Code.TICKET_NOT_FOUND, number=number)
        row = S.get_or_none((S.agent == desk.agent) & (S.ticket == ticket_id))
        if row is None:
            S.create(agent=desk.agent, ticket=ticket_id, last_event_id=event_id, seen_at=desk.now())
            return True
        if row.last_event_id >= event_id:
            return False
        S.update(last_event_id=event_id, seen_at=desk.now()).where(S.id == row.id).execute()
        return True


def _unseen(agent: str) -> pw.Node:
    """An event (joined with the agent's TicketSeen row of its ticket) the agent has not seen."""
    return (E.actor != agent) & (E.id > _baseline(agent)) & (S.last_event_id.is_null() | (E.id > S.last_event_id))


def unread(agent: str, numbers: Iterable[int]) -> frozenset[int]:
    """Which of the tickets ``numbers`` are unread to ``agent``."""
    numbers = list(numbers)
    found: set[int] = set()
    for i in range(0, len(numbers), CHUNK):
        query = (
            T.select(T.number)
            .distinct()
            .join(E, on=(E.ticket == T.id))
            .join(S, pw.JOIN.LEFT_OUTER, on=((S.ticket == T.id) & (S.agent == agent)))
            .where(T.number.in_(integers(numbers[i: i + CHUNK])) & _unseen(agent))
        )
        found.update(number for (number,) in query.tuples())
    return frozenset(found)


def unread_by_tab(f: dq.QueueFilter, agent: str) -> dict[str, int]:
    """How many unread tickets each tab of the queue holds under the filter's other conditions."""
    query = (
        E.select(T.status, pw.fn.COUNT(pw.fn.DISTINCT(E.ticket)))
        .join(T, on=(E.ticket == T.id))
        .join(S, pw.JOIN.LEFT_OUTER, on=((S.ticket == E.ticket) & (S.agent == agent)))
        .where(_unseen(agent))
        .group_by(T.status)
    )
    where = dq.other_conditions(f)
    if where is not None:
        query = query.where(where)
    return dq.per_tab(dict(query.tuples()))
