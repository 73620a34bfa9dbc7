"""One problem per request (regulation section 1.2): splitting a ticket, merging duplicates.

Split (``split_ticket``): a customer message that raises a second problem becomes a new ticket
for the same customer and product (same channel and priority; the scope is left for triage).
The message is COPIED, with its attachments (the blobs are stored once per sha256, so the copy
costs a row per attachment, not the bytes): the original thread stays exactly as the customer
and the agents saw it, so its history stays traceable, and the new ticket starts with the
customer's own words. The copy has no e-mail Message-ID (those are unique), so mail replying to
that message still threads into the original ticket. The new ticket counts from when the
customer wrote the message (its targets and its out-of-hours flag); no new out-of-hours notice
is sent (the customer was not making a new request). Both tickets are linked
(``split_into`` / ``split_from``) and both record an Event.

Merge (``merge_tickets``): a duplicate joins another ticket. Its messages MOVE to the target
(with their attachments and Message-IDs, so the customer's replies to either thread land in
the target) and, as the thread is read in time order, they join it in time order. The duplicate
is closed with a ``merged_into`` link (the target gets ``merged_from``), and both record
Events; the duplicate keeps its own Events. Nothing is deleted, and a merge cannot be undone
(data/tickets/undo.py refuses it): the screens say so before.

Tickets of two different customers are merged only when the caller says it knows
(``different_customers=True``: the TUI asks a second time naming both, the CLI wants
``--different-customers``); otherwise MERGE_OTHER_CUSTOMER names both customers.

What the target becomes: the higher priority of the two, the earlier first answer, the duplicate's
assignee if it had none, and the status of data/rules/statuses.py ``merged_status`` (the table
there: e.g. an agent's reply moved into a new target makes it open; a duplicate waiting for the
customer makes a new or finished target wait). The duplicate's own state before the merge
(status, assignee, priority, how many messages moved) is recorded as JSON in the old value of
both merge events (:func:`merge_state`), so a reader of either ticket sees what it was.
A later customer message addressed to the duplicate goes to the target
(``add_customer_message`` follows the link, data/tickets/links.py).
"""

from __future__ import annotations

import json

from helpdesk.data.core.errors import Code, ValidationError
from helpdesk.data.core.text import check_text, one_line
from helpdesk.data.rules import statuses as st
from helpdesk.data.rules.desk import Desk
from helpdesk.data.store import models as m
from helpdesk.data.tickets.links import MERGED_FROM, MERGED_INTO, SPLIT_FROM, SPLIT_INTO, add_link, merged_into
from helpdesk.data.tickets.lookup import get_ticket
from helpdesk.data.tickets.operations import CUSTOMER
from helpdesk.data.tickets.writes import bump, check_version, insert_ticket, log_event, paused_until

_PRIORITY_RANK = {"low": 0, "normal": 1, "high": 2}


def split_ticket(
    desk: Desk,
    number: int,
    message_index: int,
    *,
    subject: str | None = None,
    expected_version: int | None = None,
) -> m.Ticket:
    """Make a new ticket of the ``message_index``-th message (1-based, as ``show`` lists them)."""
    subject = one_line(check_text(subject, "subject")).strip()
    desk.limits.check(subject, None, [])
    now = desk.now()
    with m.database_proxy.atomic():
        original = get_ticket(number)
        check_version(original, expected_version)
        messages = list(original.messages.order_by(m.Message.created_at, m.Message.id))
        if not 1 <= message_index <= len(messages):
            raise ValidationError("message", Code.SPLIT_NO_SUCH_MESSAGE, number=number, count=len(messages))
        source = messages[message_index - 1]
        if source.author_kind != CUSTOMER:
            raise ValidationError("message", Code.SPLIT_NOT_CUSTOMER_MESSAGE)
        new = insert_ticket(
            desk,
            subject=subject or original.subject,
            customer=original.customer,
            product=original.product if original.product_id else None,
            channel=original.channel,
            priority=original.priority,
            received=source.created_at,  # the new request counts from when the customer wrote it
            telegram_chat=original.telegram_chat,
        )
        copy = m.Message.create(
            ticket=new,
            author_kind=source.author_kind,
            author=source.author,
            body=source.body,
            is_note=source.is_note,
            created_at=source.created_at,
            content_hash=None,
        )
        for a in source.attachments.order_by(m.Attachment.id):
            m.Attachment.create(
                message=copy, filename=a.filename, size=a.size, sha256=a.sha256, content_type=a.content_type
            )
        add_link(original, new, SPLIT_INTO, now)
        add_link(new, original, SPLIT_FROM, now)
        bump(desk, original, expected_version, now)
        log_event(desk, original, desk.agent, SPLIT_INTO, message_index, new.number, now)
        log_event(desk, new, desk.agent, "created", None, new.number, now)
        log_event(desk, new, desk.agent, SPLIT_FROM, message_index, original.number, now)
    return new


def merge_state(moved: int, duplicate: m.Ticket) -> str:
    """What the merge events record as their old value: the messages moved and the duplicate's
    own state before the merge (tui/widgets/message_card.py words it; see :func:`read_merge_state`)."""
    assignee = duplicate.assignee.login if duplicate.assignee_id else None
    state = {"messages": moved, "status": duplicate.status, "assignee": assignee, "priority": duplicate.priority}
    return json.dumps(state, ensure_ascii=False)


def read_merge_state(value: str | None) -> dict:
    """A merge event's old value as a dict: ``{"messages": n, ...}``. Before the state was recorded
    it held only the number of messages moved; anything unreadable counts as no message."""
    if (value or "").isdigit():
        return {"messages": int(value)}
    try:
        state = json.loads(value or "")
    except ValueError:
        return {"messages": 0}
    if not isinstance(state, dict) or not isinstance(state.get("messages"), int):
        return {"messages": 0}
    return state


def _customer_words(customer: m.Customer) -> str:
    name = one_line(customer.name).strip()
    contact = customer.email or customer.telegram or customer.phone
    if name and contact and contact != name:
        return f"{name} <{contact}>"
    return name or contact or "?"


def merge_tickets(
    desk: Desk,
    from_number: int,
    into_number: int,
    *,
    from_version: int | None = None,
    into_version: int | None = None,
    different_customers: bool = False,
) -> m.Ticket:
    """Merge duplicate ``from_number`` into ``into_number``; returns the target ticket.

    ``different_customers``: the caller confirmed merging tickets of two customers."""
    if from_number == into_number:
        raise ValidationError("into", Code.MERGE_INTO_ITSELF)
    now = desk.now()
    with m.database_proxy.atomic():
        duplicate = get_ticket(from_number)
        target = get_ticket(into_number)
        check_version(duplicate, from_version)
        check_version(target, into_version)
        already = merged_into(from_number)
        if already is not None:
            raise ValidationError("from", Code.MERGE_ALREADY_MERGED, number=from_number, into=already)
        final = merged_into(into_number)
        if final is not None:
            raise ValidationError("into", Code.MERGE_TARGET_MERGED, number=into_number, into=final)
        if duplicate.customer_id != target.customer_id and not different_customers:
            raise ValidationError(
                "into", Code.MERGE_OTHER_CUSTOMER, number=from_number, into=into_number,
                customer=_customer_words(duplicate.customer), other=_customer_words(target.customer),
            )  # fmt: skip
        old_status = duplicate.status
        moved = m.Message.update(ticket=target).where(m.Message.ticket == duplicate.id).execute()
        state = merge_state(moved, duplicate)
        add_link(duplicate, target, MERGED_INTO, now)
        add_link(target, duplicate, MERGED_FROM, now)

        # The duplicate: closed, with a link; its first answer, if any, stays on record.
        dup_changes: dict = {"status": st.CLOSED, "waiting_since": None}
        if old_status == st.WAITING:
            dup_changes["paused_seconds"] = paused_until(desk, duplicate, now)
        if old_status not in st.FINISHED:
            dup_changes["resolved_at"] = now
        bump(desk, duplicate, from_version, now, **dup_changes)
        log_event(desk, duplicate, desk.agent, MERGED_INTO, state, target.number, now)
        if old_status != st.CLOSED:
            log_event(desk, duplicate, desk.agent, "status", old_status, st.CLOSED, now)

        # The target: the higher priority, the earlier first answer, an assignee, its status.
        old_target = {"status": target.status, "priority": target.priority,
                      "assignee": target.assignee.login if target.assignee_id else None}  # fmt: skip
        target_changes: dict = {}
        if _PRIORITY_RANK.get(duplicate.priority, 1) > _PRIORITY_RANK.get(target.priority, 1):
            target_changes["priority"] = duplicate.priority
        if duplicate.first_response_at and (
            target.first_response_at is None or duplicate.first_response_at < target.first_response_at
        ):
            target_changes["first_response_at"] = duplicate.first_response_at
        if not target.assignee_id and duplicate.assignee_id:
            target_changes["assignee"] = duplicate.assignee
        answered = (target_changes.get("first_response_at") or target.first_response_at) is not None
        status = st.merged_status(target.status, old_status, answered)
        if status != target.status:
            target_changes["status"] = status
            if status == st.WAITING:
                target_changes["waiting_since"] = now
            elif target.status == st.WAITING:
                target_changes["paused_seconds"] = paused_until(desk, target, now)
                target_changes["waiting_since"] = None
            target_changes["resolved_at"] = now if status in st.FINISHED else None
        bump(desk, target, into_version, now, **target_changes)
        log_event(desk, target, desk.agent, MERGED_FROM, state, duplicate.number, now)
        if "priority" in target_changes:
            log_event(desk, target, desk.agent, "priority", old_target["priority"], target_changes["priority"], now)
        if "assignee" in target_changes:
            log_event(desk, target, desk.agent, "assignee", None, duplicate.assignee.login, now)
        if "status" in target_changes:
            log_event(desk, target, desk.agent, "status", old_target["status"], status, now)
    return target
