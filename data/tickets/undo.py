"""Undoing an agent's own last change on a ticket, within a minute (``ctrl+z`` in the thread view,
``helpdesk undo NUMBER``).

The change to undo is the ticket's latest: the newest events of its audit trail, written by the
acting agent in one instant (one operation writes its events with one ``now``). It is undone
when it is

- a status, assignment, scope or priority change: the value before it is put back;
- a rejection as out of scope (data/tickets/triage.py: scope, reply, status rejected): the status
  and the scope before it are put back, and its reply is withdrawn from the outbox, which is only
  possible while no sender has tried it yet (data/delivery/outbox.py ``withdraw``): a sent reply
  cannot be taken back (UNDO_REPLY_SENT). The withdrawn reply stays in the thread, marked as
  withdrawn, and the first response time it set is cleared again.

and it was made less than :data:`UNDO_WINDOW` ago (UNDO_TOO_LATE after). Anything after it, by
anyone (a colleague, the customer, the helpdesk's own notice), refuses the undo (UNDO_CHANGED_SINCE):
the agent looks at the ticket as it is now. A merge cannot be undone (UNDO_MERGE: the screens say
so before merging); neither can a reply, a note, a split or a new ticket (UNDO_NOT_UNDOABLE); an
undo is not undone in turn (UNDO_ALREADY).

An undo writes the event ``undone`` (old value: what was undone, new value: the id of the newest
event undone), then puts the values back through the ordinary operations (data/tickets/
operations.py), which write their own events and recompute the due time as any change does, all in
one transaction. ``expected_version`` (what the agent read) refuses a stale view as every write does
(ConflictError TICKET_CHANGED). A status put back need not be one the workflow offers (rejected ->
waiting, open -> new): ``set_status(restoring=True)``. A wait put back starts again now: the minute
between counts as working time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from helpdesk.data.core.errors import Code, HelpdeskError
from helpdesk.data.delivery.outbox import withdraw
from helpdesk.data.rules import statuses as st
from helpdesk.data.rules.desk import Desk
from helpdesk.data.store import models as m
from helpdesk.data.tickets import operations as ops
from helpdesk.data.tickets.links import MERGED_FROM, MERGED_INTO, SPLIT_FROM, SPLIT_INTO
from helpdesk.data.tickets.lookup import get_ticket
from helpdesk.data.tickets.writes import UNDONE, bump, check_version, log_event

UNDO_WINDOW = timedelta(minutes=1)
FIELDS = ("status", "assignee", "scope", "priority")  # changes undone by putting the old value back
REJECTION = "rejection"
# Events an undo looks back over: one operation writes a handful.
_LOOK_BACK = 20


@dataclass(frozen=True)
class Undone:
    """What an undo did: ``kind`` (a field of FIELDS, or "rejection"), the values put back as
    (field, from, to), and whether a reply was withdrawn from the outbox."""

    number: int
    kind: str
    restored: tuple[tuple[str, str | None, str | None], ...]
    withdrawn: bool = False


def _last_change(desk: Desk, ticket: m.Ticket) -> list[m.Event]:
    """The acting agent's change that is the ticket's latest, its events oldest first."""
    events = list(ticket.events.order_by(m.Event.id.desc()).limit(_LOOK_BACK))
    mine = next((i for i, event in enumerate(events) if event.actor == desk.agent), None)
    if mine is None:
        raise HelpdeskError(Code.UNDO_NOTHING, number=ticket.number)
    if mine > 0:
        raise HelpdeskError(Code.UNDO_CHANGED_SINCE, number=ticket.number, actor=events[mine - 1].actor)
    newest = events[0]
    group = []
    for event in events:
        if event.actor != desk.agent or event.created_at != newest.created_at:
            break
        group.append(event)
    return group[::-1]


def _kind(number: int, group: list[m.Event]) -> str:
    """What the change was, or the refusal to undo it."""
    actions = [event.action for event in group]
    if UNDONE in actions:
        raise HelpdeskError(Code.UNDO_ALREADY, number=number)
    if MERGED_INTO in actions or MERGED_FROM in actions:
        raise HelpdeskError(Code.UNDO_MERGE, number=number)
    if SPLIT_INTO in actions or SPLIT_FROM in actions:
        raise HelpdeskError(Code.UNDO_NOT_UNDOABLE, number=number, change="split")
    if "created" in actions:
        raise HelpdeskError(Code.UNDO_NOT_UNDOABLE, number=number, change="created")
    if any(event.action == "status" and event.new_value == st.REJECTED for event in group):
        return REJECTION
    for action in actions:
        if action not in FIELDS:
            raise HelpdeskError(Code.UNDO_NOT_UNDOABLE, number=number, change=action)
    return actions[-1]


def _put_back(desk: Desk, number: int, event: m.Event, version: int) -> None:
    old = event.old_value
    if event.action == "status":
        ops.set_status(desk, number, old, expected_version=version, restoring=True)
    elif event.action == "assignee":
        ops.assign_ticket(desk, number, old, force=True, expected_version=version)
    elif event.action == "scope":
        ops.set_scope(desk, number, old, expected_version=version)
    elif event.action == "priority":
        ops.set_priority(desk, number, old, expected_version=version)


def undo_last(desk: Desk, number: int, *, expected_version: int | None = None) -> Undone:
    """Undo the acting agent's last change on ticket ``number`` (see the module's docstring)."""
    desk = desk.at_one_instant()  # the undo's events are one change too
    now = desk.now()
    with m.database_proxy.atomic():
        ticket = get_ticket(number)
        check_version(ticket, expected_version)
        group = _last_change(desk, ticket)
        kind = _kind(number, group)
        newest = group[-1]
        if now - newest.created_at > UNDO_WINDOW:
            at = newest.created_at.astimezone(desk.regulation.timezone).strftime("%H:%M")
            raise HelpdeskError(Code.UNDO_TOO_LATE, number=number, at=at)
        log_event(desk, ticket, desk.agent, UNDONE, kind, newest.id, now)
        version = ticket.version
        withdrawn = False
        if kind == REJECTION:
            version, withdrawn = _withdraw_replies(desk, ticket, group, version, now)
            # The status before the rejection (before the reply made a new ticket open), then the scope.
            first_status = next(event for event in group if event.action == "status")
            changes = [first_status] + [event for event in group if event.action == "scope"]
            restored = [("status", st.REJECTED, first_status.old_value)]
            restored += [("scope", e.new_value, e.old_value) for e in changes[1:]]
        else:
            changes = group[::-1]  # newest first: each is put back on the state it left
            restored = [(e.action, e.new_value, e.old_value) for e in changes]
        for event in changes:
            _put_back(desk, number, event, version)
            version += 1
    return Undone(number, kind, tuple(restored), withdrawn)


def _withdraw_replies(desk: Desk, ticket: m.Ticket, group: list[m.Event], version: int, now) -> tuple[int, bool]:
    """Take the rejection's reply back from the outbox (or refuse), and the first response it made."""
    ids = [int(event.new_value) for event in group if event.action == "reply" and (event.new_value or "").isdigit()]
    if not ids:
        return version, False
    for message_id in ids:
        if not withdraw(message_id):
            raise HelpdeskError(Code.UNDO_REPLY_SENT, number=ticket.number)
    replies = m.Message.select(m.Message.created_at).where(m.Message.id.in_(ids))
    if ticket.first_response_at is not None and ticket.first_response_at in {r.created_at for r in replies}:
        bump(desk, ticket, version, now, first_response_at=None)
        version += 1
    return version, True
