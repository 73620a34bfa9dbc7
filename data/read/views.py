"""Read-side: plain dataclasses built from the store for the CLI, the TUI and JSON.

Everything is materialised here (no lazy queries escape), so a TUI worker can build a view in
a thread and hand it to the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from helpdesk.data.store import models as m
from helpdesk.data.rules import statuses as st
from helpdesk.data.rules.desk import Desk
from helpdesk.data.delivery.outbox import delivery_states
from helpdesk.data.tickets.lookup import get_ticket
from helpdesk.data.tickets.links import MERGED_INTO, SPLIT_FROM, SPLIT_INTO, links_of
from helpdesk.data.rules.targets import is_waiting_stale


@dataclass(frozen=True)
class AttachmentView:
    id: int
    filename: str
    size: int
    sha256: str
    content_type: str


@dataclass(frozen=True)
class MessageView:
    id: int
    kind: str  # customer / agent / note / system
    author: str
    body: str
    created_at: datetime
    attachments: tuple[AttachmentView, ...] = ()
    message_id: str | None = None
    # Delivery of an agent reply / system notice (data.outbox): queued / sent / failed / skipped /
    # withdrawn (an undone rejection),
    # None when nothing is sent (notes, customer messages, customers without a channel).
    delivery: str | None = None
    delivery_error: str | None = None  # why the last attempt failed: a server's answer, or a stored reason (encode_reason)


@dataclass(frozen=True)
class EventView:
    actor: str
    action: str
    old_value: str | None
    new_value: str | None
    created_at: datetime


@dataclass(frozen=True)
class TicketSummary:
    number: int
    subject: str
    status: str
    product: str | None
    support_ends: date | None
    channel: str
    customer_name: str
    customer_email: str | None
    assignee: str | None
    scope: str | None
    priority: str
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    due_at: datetime | None
    waiting_since: datetime | None
    paused_seconds: int
    version: int
    flags: tuple[str, ...]
    message_count: int = 0
    customer_phone: str | None = None


@dataclass(frozen=True)
class LinkView:
    """A split/merge partner: ``kind`` is what this ticket is to ticket ``number``."""

    kind: str  # split_from / split_into / merged_into / merged_from
    number: int


@dataclass(frozen=True)
class ThreadView:
    ticket: TicketSummary
    customer_telegram: str | None
    messages: tuple[MessageView, ...]
    events: tuple[EventView, ...] = field(default=())
    links: tuple[LinkView, ...] = field(default=())
    complete: bool = True  # False: only the latest messages (get_thread's ``last``)


def ticket_flags(ticket, *, link_kinds=(), desk: Desk | None = None) -> tuple[str, ...]:
    """The flags of ``ticket`` (a Ticket, or any row with its ``support_ended``, ``out_of_hours``,
    ``status`` and ``waiting_since``). ``link_kinds``: the kinds of its split/merge links (for
    "merged", "split"); ``desk``: the regulation and clock for "waiting_stale" (left out without one)."""
    flags = []
    if ticket.support_ended:
        flags.append("support_ended")
    if ticket.out_of_hours:
        flags.append("out_of_hours")
    if MERGED_INTO in link_kinds:
        flags.append("merged")
    if SPLIT_FROM in link_kinds or SPLIT_INTO in link_kinds:
        flags.append("split")
    if desk is not None and ticket.status == st.WAITING and _stale(desk, ticket.waiting_since):
        flags.append("waiting_stale")
    return tuple(flags)


def _stale(desk: Desk, waiting_since: datetime | None) -> bool:
    return is_waiting_stale(desk.calendar, waiting_since, desk.now(), desk.regulation.waiting_stale_days)


def flags_now(summary, desk: Desk) -> tuple[str, ...]:
    """``summary.flags`` with "waiting_stale" worked out from ``desk``'s clock if missing
    (``summary``: a TicketSummary, or a row with its ``flags``, ``status`` and ``waiting_since``)."""
    if "waiting_stale" in summary.flags or summary.status != st.WAITING or not _stale(desk, summary.waiting_since):
        return summary.flags
    return summary.flags + ("waiting_stale",)


def _summary(ticket: m.Ticket, message_count: int = 0, *, link_kinds=(), desk: Desk | None = None) -> TicketSummary:
    product = ticket.product if ticket.product_id else None
    return TicketSummary(
        number=ticket.number,
        subject=ticket.subject,
        status=ticket.status,
        product=product.name if product else None,
        support_ends=product.support_ends if product else None,
        channel=ticket.channel,
        customer_name=ticket.customer.name,
        customer_email=ticket.customer.email,
        assignee=ticket.assignee.login if ticket.assignee_id else None,
        scope=ticket.scope,
        priority=ticket.priority,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        first_response_at=ticket.first_response_at,
        due_at=ticket.due_at,
        waiting_since=ticket.waiting_since,
        paused_seconds=ticket.paused_seconds or 0,
        version=ticket.version,
        flags=ticket_flags(ticket, link_kinds=link_kinds, desk=desk),
        message_count=message_count,
        customer_phone=ticket.customer.phone,
    )


def _message_kind(message: m.Message) -> str:
    if message.author_kind == "agent" and message.is_note:
        return "note"
    return message.author_kind


def get_thread(number: int, desk: Desk | None = None, *, last: int | None = None) -> ThreadView:
    """The whole ticket; pass ``desk`` to get the clock-dependent "waiting_stale" flag.

    ``last``: of a longer thread only the latest ``last`` messages and the events from the first
    of them on (``complete`` is then False; the summary still counts every message): what a
    screen shows first of a long thread, while it reads the rest."""
    ticket = get_ticket(number)
    links = tuple(LinkView(kind, partner) for kind, partner in links_of(ticket_ids=[ticket.id]).get(ticket.id, ()))
    count = ticket.messages.count() if last is not None else None
    events_query = ticket.events.order_by(m.Event.created_at, m.Event.id)
    if count is not None and count > last:
        newest = ticket.messages.order_by(m.Message.created_at.desc(), m.Message.id.desc()).limit(last)
        messages = list(reversed(list(newest)))
        events_query = events_query.where(m.Event.created_at >= messages[0].created_at)
    else:
        messages = list(ticket.messages.order_by(m.Message.created_at, m.Message.id))
        count = len(messages)
    attachments: dict[int, list[AttachmentView]] = {}
    if messages:
        query = m.Attachment.select().where(m.Attachment.message.in_([msg.id for msg in messages])).order_by(m.Attachment.id)
        for a in query:
            attachments.setdefault(a.message_id, []).append(
                AttachmentView(a.id, a.filename, a.size, a.sha256, a.content_type)
            )
    events = tuple(EventView(e.actor, e.action, e.old_value, e.new_value, e.created_at) for e in events_query)
    deliveries = delivery_states(msg.id for msg in messages)
    return ThreadView(
        ticket=_summary(ticket, count, link_kinds={link.kind for link in links}, desk=desk),
        customer_telegram=ticket.customer.telegram,
        messages=tuple(
            MessageView(
                id=msg.id,
                kind=_message_kind(msg),
                author=msg.author,
                body=msg.body,
                created_at=msg.created_at,
                attachments=tuple(attachments.get(msg.id, ())),
                message_id=msg.message_id,
                delivery=deliveries.get(msg.id, (None, None))[0],
                delivery_error=deliveries.get(msg.id, (None, None))[1],
            )
            for msg in messages
        ),
        events=events,
        links=links,
        complete=count == len(messages),
    )


def attachment_content(attachment_id: int) -> tuple[AttachmentView, bytes]:
    a = m.Attachment.get_by_id(attachment_id)
    blob = m.Blob.get_by_id(a.sha256)
    return AttachmentView(a.id, a.filename, a.size, a.sha256, a.content_type), bytes(blob.data)


def thread_json(thread: ThreadView, desk: Desk) -> dict:
    """``helpdesk show --json``."""
    tz = desk.regulation.timezone
    t = thread.ticket
    return {
        "number": t.number,
        "subject": t.subject,
        "status": t.status,
        "product": t.product,
        "channel": t.channel,
        "scope": t.scope,
        "priority": t.priority,
        "flags": list(flags_now(t, desk)),
        "links": [{"kind": link.kind, "number": link.number} for link in thread.links],
        "assignee": t.assignee,
        "created_at": t.created_at.astimezone(tz).isoformat(),
        "updated_at": t.updated_at.astimezone(tz).isoformat(),
        "first_response_at": t.first_response_at.astimezone(tz).isoformat() if t.first_response_at else None,
        "due_at": t.due_at.astimezone(tz).isoformat() if t.due_at else None,
        "version": t.version,
        "customer": {"name": t.customer_name, "email": t.customer_email, "phone": t.customer_phone,
                     "telegram": thread.customer_telegram},
        "messages": [
            {
                "index": index,  # as ``helpdesk split N INDEX`` takes it
                "kind": msg.kind,
                "author": msg.author,
                "body": msg.body,
                "created_at": msg.created_at.astimezone(tz).isoformat(),
                "attachments": [{"filename": a.filename, "size": a.size, "sha256": a.sha256} for a in msg.attachments],
                "delivery": msg.delivery,
                "delivery_error": msg.delivery_error,
            }
            for index, msg in enumerate(thread.messages, start=1)
        ],
        "events": [
            {
                "actor": e.actor,
                "action": e.action,
                "old": e.old_value,
                "new": e.new_value,
                "at": e.created_at.astimezone(tz).isoformat(),
            }
            for e in thread.events
        ],
    }
