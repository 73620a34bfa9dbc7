"""Ticket operations: the only way the CLI, the TUI and the intake channels change tickets.

Each operation is one transaction and writes an Event. Operations that change a ticket take
the version the caller read (``expected_version``); if somebody else changed the ticket since,
ConflictError is raised and nothing is written. ``None`` means "whatever is current" (the CLI,
which reads and writes in one breath). The rows themselves are built by data/tickets/writes.py.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime

from helpdesk.data.core.errors import Code, HelpdeskError, ValidationError
from helpdesk.data.core.text import check_text, one_line
from helpdesk.data.core.values import AttachmentInput, NewTicket
from helpdesk.data.delivery.outbox import enqueue_for
from helpdesk.data.rules import statuses as st
from helpdesk.data.rules.desk import Desk
from helpdesk.data.rules.regulation import ScopeCategory
from helpdesk.data.store import models as m
from helpdesk.data.store.agents import active_agent
from helpdesk.data.tickets import notices
from helpdesk.data.tickets.links import merged_into
from helpdesk.data.tickets.lookup import find_or_create_customer, find_product, get_ticket
from helpdesk.data.tickets.writes import bump, insert_ticket, log_event, paused_until, store_attachments

CUSTOMER, AGENT, SYSTEM = "customer", "agent", notices.SYSTEM


# --- checks -----------------------------------------------------------------------------


def scope_category(desk: Desk, key: str) -> ScopeCategory:
    """The regulation's scope category ``key``; ValidationError naming the known ones if none."""
    category = desk.regulation.scope_category(key) if key else None
    if category is None:
        raise ValidationError("scope", Code.SCOPE_UNKNOWN, scope=key, scopes=[c.key for c in desk.regulation.scope])
    return category


def _check_priority(desk: Desk, priority: str) -> None:
    if priority not in desk.regulation.targets:
        raise ValidationError("priority", Code.PRIORITY_UNKNOWN, priority=priority, priorities=list(desk.regulation.targets))


# What a field of NewTicket is called in a ValidationError (the forms' names), if not its own.
FIELD_NAMES = {"customer_email": "email", "customer_name": "name", "customer_telegram": "telegram",
               "customer_phone": "phone"}  # fmt: skip


def _check_texts(values: dict[str, str | None], attachments: list[AttachmentInput]) -> None:
    """Every text is valid Unicode (the store cannot hold a lone surrogate): refused by field."""
    for field, value in values.items():
        check_text(value, field)
    for index, item in enumerate(attachments):
        check_text(item.filename, f"attachments[{index}].filename")
        check_text(item.content_type, f"attachments[{index}].content_type")


# --- operations -------------------------------------------------------------------------


def create_ticket(desk: Desk, new: NewTicket) -> m.Ticket:
    texts = {FIELD_NAMES.get(f.name, f.name): getattr(new, f.name) for f in fields(new)}
    _check_texts({field: value for field, value in texts.items() if isinstance(value, str)}, new.attachments)
    subject = one_line(new.subject).strip()
    if not subject:
        raise ValidationError("subject", Code.TICKET_SUBJECT_REQUIRED)
    desk.limits.check(subject, new.body, new.attachments)
    if not (new.body or "").strip() and not new.attachments and not new.allow_empty_body:
        raise ValidationError("body", Code.TICKET_DESCRIPTION_EMPTY)
    if new.channel not in desk.regulation.channels:
        raise ValidationError("channel", Code.CHANNEL_UNKNOWN, channel=new.channel, channels=list(desk.regulation.channels))
    if new.scope is not None:
        scope_category(desk, new.scope)
    priority = new.priority or desk.regulation.default_priority
    _check_priority(desk, priority)
    # Typed in by an agent (a call, a visit): whom to call back is known by name.
    by_agent = new.channel in desk.regulation.by_agent
    if by_agent and new.customer_id is None and not one_line(new.customer_name).strip():
        raise ValidationError("name", Code.TICKET_NAME_REQUIRED)
    now = desk.now()
    received = new.received_at or now
    with m.database_proxy.atomic():
        product = find_product(new.product) if new.product else None
        if new.customer_id is not None:
            customer = m.Customer.get_by_id(new.customer_id)
        else:
            customer = find_or_create_customer(
                now, new.customer_email, new.customer_name, new.customer_telegram, new.organisation,
                phone=new.customer_phone,
            )
        ticket = insert_ticket(
            desk,
            subject=subject,
            customer=customer,
            product=product,
            channel=new.channel,
            priority=priority,
            received=received,
            scope=new.scope,
            portal_id=new.portal_id,
            telegram_chat=new.telegram_chat,
        )
        message = m.Message.create(
            ticket=ticket,
            author_kind=CUSTOMER,
            author=customer.name,
            body=new.body or "",
            created_at=received,
            message_id=new.message_id,
            in_reply_to=new.in_reply_to,
            references=new.references,
            content_hash=new.content_hash,
        )
        store_attachments(message, new.attachments)
        log_event(desk, ticket, desk.agent if by_agent else new.channel, "created", None, ticket.number, now)
        # Regulation 1.3: a request made out of hours is told when it will be taken up (every
        # channel the customer wrote in by), unless it is itself an automatic message: answering
        # that could loop.
        if not new.automatic and not by_agent and notices.needs_notice(desk, ticket):
            add_system_message(desk, ticket.number, notices.notice_text(desk, ticket.number))
    return ticket


def add_reply(
    desk: Desk,
    number: int,
    body: str,
    *,
    note: bool = False,
    expected_version: int | None = None,
    attachments: list[AttachmentInput] | None = None,
    message_id: str | None = None,
) -> m.Message:
    """An agent's reply to the customer, or an internal note (``note=True``)."""
    _check_texts({"body": body, "message_id": message_id}, attachments or [])
    if not (body or "").strip():
        raise ValidationError("body", Code.REPLY_EMPTY)
    desk.limits.check(None, body, attachments or [])
    now = desk.now()
    with m.database_proxy.atomic():
        ticket = get_ticket(number)
        agent = active_agent(desk.agent)
        changes = {}
        if not note:
            if ticket.first_response_at is None:
                changes["first_response_at"] = now
            if ticket.status == st.NEW:
                changes["status"] = st.OPEN
        bump(desk, ticket, expected_version, now, **changes)
        message = m.Message.create(
            ticket=ticket,
            author_kind=AGENT,
            author=agent.display_name or agent.login,
            body=body,
            is_note=note,
            created_at=now,
            message_id=message_id,
        )
        store_attachments(message, attachments or [])
        log_event(desk, ticket, desk.agent, "note" if note else "reply", None, message.id, now)
        enqueue_for(desk, message, now)  # a reply to the customer is queued for delivery as it is stored
        if "status" in changes:
            log_event(desk, ticket, desk.agent, "status", st.NEW, st.OPEN, now)
    return message


def add_customer_message(
    desk: Desk,
    number: int,
    body: str,
    *,
    attachments: list[AttachmentInput] | None = None,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    content_hash: str | None = None,
    author: str | None = None,
    received_at: datetime | None = None,
    automatic: bool = False,
) -> m.Message:
    """A customer's follow-up in the thread: reopens a ticket that waited for them or was resolved.

    ``automatic`` (an auto-reply, a bounce): stored in the thread, but the ticket keeps its status
    and its clock: an out-of-office answer to "we are waiting for your project" is no answer."""
    _check_texts(
        {"body": body, "message_id": message_id, "in_reply_to": in_reply_to, "references": references,
         "content_hash": content_hash, "name": author},
        attachments or [],
    )  # fmt: skip
    desk.limits.check(None, body, attachments or [])
    number = merged_into(number) or number  # a merged duplicate's follow-ups go to its target
    now = desk.now()
    with m.database_proxy.atomic():
        ticket = get_ticket(number)
        changes = {}
        if ticket.status in (st.WAITING, st.RESOLVED) and not automatic:
            changes["status"] = st.OPEN
            changes["paused_seconds"] = paused_until(desk, ticket, now)
            changes["waiting_since"] = None
        old_status = ticket.status
        bump(desk, ticket, None, now, **changes)
        message = m.Message.create(
            ticket=ticket,
            author_kind=CUSTOMER,
            author=one_line(author).strip() or ticket.customer.name,
            body=body or "",
            created_at=received_at or now,
            message_id=message_id,
            in_reply_to=in_reply_to,
            references=references,
            content_hash=content_hash,
        )
        store_attachments(message, attachments or [])
        log_event(desk, ticket, "customer", "customer_message", None, message.id, now)
        if "status" in changes:
            log_event(desk, ticket, "customer", "status", old_status, st.OPEN, now)
    return message


def add_system_message(desk: Desk, number: int, body: str) -> m.Message:
    """A message the helpdesk itself sends (the out-of-hours notice)."""
    now = desk.now()
    with m.database_proxy.atomic():
        ticket = get_ticket(number)
        message = m.Message.create(ticket=ticket, author_kind=SYSTEM, author="helpdesk", body=body, created_at=now)
        log_event(desk, ticket, "system", "notice", None, message.id, now)
        enqueue_for(desk, message, now)  # the notice goes out the way a reply would
    return message


def set_status(
    desk: Desk, number: int, status: str, *, expected_version: int | None = None, restoring: bool = False
) -> m.Ticket:
    """``restoring``: an undo puts back the status the ticket had a moment ago (data/tickets/undo.py),
    which the workflow's transitions may not offer (rejected -> waiting, open -> new)."""
    now = desk.now()
    with m.database_proxy.atomic():
        ticket = get_ticket(number)
        old = ticket.status
        if restoring:
            st.check_restorable(old, status)
        else:
            st.check_transition(old, status)
        changes: dict = {"status": status}
        if status == st.WAITING:
            changes["waiting_since"] = now
        elif old == st.WAITING:
            changes["paused_seconds"] = paused_until(desk, ticket, now)
            changes["waiting_since"] = None
        changes["resolved_at"] = now if status in st.FINISHED else None
        bump(desk, ticket, expected_version, now, **changes)
        log_event(desk, ticket, desk.agent, "status", old, status, now)
    return ticket


def assign_ticket(
    desk: Desk, number: int, login: str | None, *, force: bool = False, expected_version: int | None = None
) -> m.Ticket:
    """Assign to a registered, active agent by login, or unassign with None.

    A ticket someone else has (neither the acting agent nor ``login``) is not taken from them
    unless ``force``: TICKET_TAKEN names who has it. Not a ConflictError: the refusal stands
    however fresh the caller's view is (a screen need not reload, only say who has it). Of two agents taking one
    ticket at once exactly one wins and the other is told who: the assignee is read inside the
    write transaction (SQLite: BEGIN IMMEDIATE, so the second reads what the first wrote). The
    update is also conditional on the version read (bump): on a store that lets two such
    transactions read at once, only one writes and the other is told the ticket changed."""
    now = desk.now()
    with m.database_proxy.atomic():
        ticket = get_ticket(number)
        old = ticket.assignee.login if ticket.assignee_id else None
        agent = active_agent(login) if login else None
        if not force and old not in (None, desk.agent, login):
            raise HelpdeskError(Code.TICKET_TAKEN, number=number, agent=old)
        bump(desk, ticket, expected_version, now, assignee=agent)
        log_event(desk, ticket, desk.agent, "assignee", old, login, now)
    return ticket


def _set_field(desk: Desk, number: int, name: str, value, expected_version: int | None) -> m.Ticket:
    """Change one plain field of a ticket, with its event (the field's name is the action)."""
    now = desk.now()
    with m.database_proxy.atomic():
        ticket = get_ticket(number)
        old = getattr(ticket, name)
        bump(desk, ticket, expected_version, now, **{name: value})
        log_event(desk, ticket, desk.agent, name, old, value, now)
    return ticket


def set_scope(desk: Desk, number: int, key: str | None, *, expected_version: int | None = None) -> m.Ticket:
    if key is not None:
        scope_category(desk, key)
    return _set_field(desk, number, "scope", key, expected_version)


def set_priority(desk: Desk, number: int, priority: str, *, expected_version: int | None = None) -> m.Ticket:
    _check_priority(desk, priority)
    return _set_field(desk, number, "priority", priority, expected_version)
