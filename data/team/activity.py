"""What the audit trail's new events mean to one agent: the notices their app shows.

Every change writes an Event (data/tickets/writes.py), so the app needs no message bus: it keeps
the id of the newest event it has looked at, and when another connection commits it reads the
events after it (``since``, one small query) and tells its agent about

* a new ticket (everyone);
* a customer's answer on a ticket assigned to them;
* a ticket assigned to them by someone else;
* a colleague taking their ticket (or handing it on, or unassigning it).

Their own actions never notify them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import peewee as pw

from helpdesk.data.store import models as m

NEW_TICKET = "new_ticket"
CUSTOMER_ANSWER = "customer_answer"
ASSIGNED_TO_YOU = "assigned_to_you"
TAKEN_FROM_YOU = "taken_from_you"

# At most this many notices from one look: a bulk import is told as "N new tickets" anyway.
LIMIT = 50

E, T, A = m.Event, m.Ticket, m.Agent


@dataclass(frozen=True)
class Notice:
    kind: str
    number: int
    subject: str
    actor: str  # who did it: an agent's login, or a channel for a new ticket
    assignee: str | None  # TAKEN_FROM_YOU: who has it now (None: nobody)
    at: datetime


@dataclass(frozen=True)
class Activity:
    notices: tuple[Notice, ...]
    newest: int  # the newest event id looked at: the next look starts after it
    more: bool = False  # more notices than LIMIT: only the first LIMIT are here


def newest_event_id() -> int:
    return E.select(pw.fn.MAX(E.id)).scalar() or 0


def notice_of(agent: str, action: str, actor: str, old: str | None, new: str | None, number: int, subject: str,
              assignee: str | None, at: datetime) -> Notice | None:
    """The notice an event makes for ``agent`` (``assignee``: the ticket's now), or None."""
    if actor == agent:
        return None
    if action == "created":
        return Notice(NEW_TICKET, number, subject, actor, None, at)
    if action == "customer_message" and assignee == agent:
        return Notice(CUSTOMER_ANSWER, number, subject, actor, None, at)
    if action == "assignee" and new == agent:
        return Notice(ASSIGNED_TO_YOU, number, subject, actor, None, at)
    if action == "assignee" and old == agent:
        return Notice(TAKEN_FROM_YOU, number, subject, actor, new, at)
    return None


def since(agent: str, after: int) -> Activity:
    """The notices for ``agent`` in the events after event id ``after``."""
    newest = newest_event_id()
    if newest <= after:
        return Activity((), after)
    concerned = (
        (E.action == "created")
        | ((E.action == "customer_message") & (A.login == agent))
        | ((E.action == "assignee") & ((E.new_value == agent) | (E.old_value == agent)))
    )
    rows = (
        E.select(E.action, E.actor, E.old_value, E.new_value, T.number, T.subject, A.login, E.created_at)
        .join(T, on=(E.ticket == T.id))
        .join(A, pw.JOIN.LEFT_OUTER, on=(T.assignee == A.id))
        .where((E.id > after) & (E.id <= newest) & (E.actor != agent) & concerned)
        .order_by(E.id)
        .limit(LIMIT + 1)
        .tuples()
    )
    notices = [notice_of(agent, *row[:7], E.created_at.python_value(row[7])) for row in rows]
    found = tuple(n for n in notices if n is not None)
    return Activity(found[:LIMIT], newest, more=len(found) > LIMIT)
