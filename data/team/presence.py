"""Who has which ticket open, and who is writing in it: one heartbeat row per running app.

An app beats (``beat``) when it opens a ticket, when its composer starts or stops holding
text, and every ``BEAT_SECONDS`` while the ticket stays open; it removes its row when it leaves
the ticket or exits (``leave``). An app that died or lost its SSH connection leaves its row
behind: a row that has not beaten for ``GONE_AFTER`` counts as gone (``Here.alive``), and rows
long gone are deleted by the next beat of any app.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from helpdesk.data.core.errors import Code, NotFoundError
from helpdesk.data.rules.desk import Desk
from helpdesk.data.store import models as m

P, T = m.Presence, m.Ticket

BEAT_SECONDS = 10.0
GONE_AFTER = timedelta(seconds=30)
FORGET_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class Here:
    """Another agent's app showing ticket ``number``; ``composing``: reply / note being written."""

    agent: str
    number: int
    composing: str | None
    beat_at: datetime

    def alive(self, now: datetime) -> bool:
        return now - self.beat_at < GONE_AFTER


def beat(desk: Desk, app_id: str, number: int, composing: str | None) -> None:
    """This app shows ticket ``number`` (and is writing a ``composing`` in it), as of now."""
    now = desk.now()
    with m.database_proxy.atomic():
        ticket_id = T.select(T.id).where(T.number == number).scalar()
        if ticket_id is None:
            raise NotFoundError(Code.TICKET_NOT_FOUND, number=number)
        values = {P.agent: desk.agent, P.ticket: ticket_id, P.composing: composing, P.beat_at: now}
        P.insert({P.app_id: app_id, **values}).on_conflict(conflict_target=[P.app_id], update=values).execute()
        P.delete().where(P.beat_at < now - FORGET_AFTER).execute()


def leave(app_id: str) -> None:
    """This app shows no ticket any more (or exits)."""
    P.delete().where(P.app_id == app_id).execute()


def others(desk: Desk, app_id: str) -> tuple[Here, ...]:
    """The other agents' apps that beat within ``GONE_AFTER``, by ticket and agent (one query)."""
    query = (
        P.select(P.agent, T.number, P.composing, P.beat_at)
        .join(T, on=(P.ticket == T.id))
        .where((P.app_id != app_id) & (P.agent != desk.agent) & (P.beat_at > desk.now() - GONE_AFTER))
        .order_by(T.number, P.agent, P.beat_at)
        .tuples()
    )
    return tuple(Here(agent, number, composing, P.beat_at.python_value(at)) for agent, number, composing, at in query)
