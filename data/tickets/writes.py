"""The building blocks every ticket operation writes with (data/tickets/operations.py,
split_merge.py, triage.py): one function builds a ticket row, one bumps a ticket's version, one
records an event, one stores attachments. Nothing else in the code base writes these rows.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import peewee as pw

from helpdesk.data.core.errors import Code, ConflictError
from helpdesk.data.core.values import AttachmentInput
from helpdesk.data.rules import statuses as st
from helpdesk.data.rules.desk import Desk
from helpdesk.data.rules.targets import compute_due_at, first_response_due, work_times
from helpdesk.data.store import models as m
from helpdesk.data.store import numbers

FIRST_NUMBER = numbers.FIRST_NUMBER

# Every action an Event records (``Event.action``), written only through :func:`log_event`; the
# TUI words each one (tui/widgets/message_card.py describe_event, tests/tui/widgets).
UNDONE = "undone"  # data/tickets/undo.py
MESSAGE_ACTIONS = ("created", "reply", "note", "customer_message", "notice")
CHANGE_ACTIONS = ("status", "assignee", "scope", "priority")
LINK_ACTIONS = ("split_into", "split_from", "merged_into", "merged_from")
ACTIONS = frozenset(MESSAGE_ACTIONS + CHANGE_ACTIONS + LINK_ACTIONS + (UNDONE,))


def next_number() -> int:
    """The next ticket number (data/store/numbers.py: a sequence on PostgreSQL)."""
    return numbers.next_number()


def support_ended(desk: Desk, product: m.Product | None, received: datetime) -> bool:
    """Regulation 1.1: the product's support had ended on the day (support time zone) the
    request was made."""
    if product is None or not product.support_ends:
        return False
    return received.astimezone(desk.regulation.timezone).date() > product.support_ends


def ticket_row(
    desk: Desk,
    *,
    number: int,
    subject: str,
    customer: m.Customer | int,
    product: m.Product | None,
    channel: str,
    priority: str,
    received: datetime,
    scope: str | None = None,
    portal_id: str | None = None,
    telegram_chat: str | None = None,
) -> dict:
    """The column values of a new ticket (status new), flagged and with its due time: what every
    ticket row starts from, whether saved one by one (:func:`insert_ticket`) or in bulk."""
    return {
        "number": number,
        "subject": subject,
        "product": product,
        "customer": customer,
        "channel": channel,
        "status": st.NEW,
        "scope": scope,
        "priority": priority,
        "created_at": received,
        "updated_at": desk.now(),
        "support_ended": support_ended(desk, product, received),
        "out_of_hours": not desk.calendar.is_open(received),
        "portal_id": portal_id,
        "telegram_chat": telegram_chat,
        # New and unanswered: due when the first response is (data/rules/targets.py).
        "due_at": first_response_due(desk.regulation, received, priority),
    }


def insert_ticket(desk: Desk, **fields) -> m.Ticket:
    """A new ticket, numbered next, saved (``fields`` as :func:`ticket_row` takes them)."""
    return m.Ticket.create(**ticket_row(desk, number=next_number(), **fields))


def log_event(desk: Desk, ticket: m.Ticket, actor: str, action: str, old=None, new=None, when: datetime | None = None) -> None:
    """Record a change; when the desk acts as someone else (an admin's ``--as``), the
    operating-system user who really made it is recorded too. ``action`` is one of ACTIONS."""
    if action not in ACTIONS:
        raise ValueError(f"not an event action: {action!r}")
    m.Event.create(
        ticket=ticket,
        actor=actor,
        action=action,
        old_value=None if old is None else str(old),
        new_value=None if new is None else str(new),
        created_at=when,
        real_user=desk.user if desk.agent != desk.user else None,
    )


def stale(number: int) -> ConflictError:
    return ConflictError(Code.TICKET_CHANGED, number=number)


def check_version(ticket: m.Ticket, expected_version: int | None) -> None:
    """Refuse a write based on a stale read (None: the caller reads and writes in one breath)."""
    if expected_version is not None and ticket.version != expected_version:
        raise stale(ticket.number)


def bump(desk: Desk, ticket: m.Ticket, expected_version: int | None, now: datetime, **changes) -> None:
    """Write ``changes`` and a new version if the ticket is still at the version read.

    The values derived from the row come with every write: the due time, and the working times
    to the first response and to the resolution (what the reports count, data/read/reports.py)."""
    check = ticket.version if expected_version is None else expected_version
    changes["version"] = check + 1
    changes["updated_at"] = now
    for name, value in changes.items():
        setattr(ticket, name, value)
    changes["due_at"] = ticket.due_at = compute_due_at(desk, ticket)
    for name, value in work_times(desk.calendar, ticket).items():
        changes[name] = value
        setattr(ticket, name, value)
    updated = (
        m.Ticket.update({getattr(m.Ticket, k): v for k, v in changes.items()})
        .where((m.Ticket.id == ticket.id) & (m.Ticket.version == check))
        .execute()
    )
    if updated != 1:
        raise stale(ticket.number)


def store_attachments(message: m.Message, attachments: list[AttachmentInput]) -> None:
    for item in attachments:
        digest = hashlib.sha256(item.data).hexdigest()
        m.Blob.insert(sha256=digest, data=item.data).on_conflict_ignore().execute()
        m.Attachment.create(
            message=message,
            filename=item.filename or "attachment",
            size=len(item.data),
            sha256=digest,
            content_type=item.content_type or "application/octet-stream",
        )


def paused_until(desk: Desk, ticket: m.Ticket, now: datetime) -> int:
    """Working seconds paused so far, counting the wait that ends now."""
    paused = ticket.paused_seconds or 0
    if ticket.status == st.WAITING and ticket.waiting_since is not None:
        paused += int(desk.calendar.working_time_between(ticket.waiting_since, now).total_seconds())
    return paused
