"""The delivery queue: agent replies and system notices on their way to the customer.

``add_reply`` and ``add_system_message`` (data/tickets/operations.py) call :func:`enqueue_for`
inside their transaction, so a reply is queued exactly when it is stored: an Outbox row for e-mail when the
ticket's customer has an address, for Telegram when the ticket came from a Telegram chat, none
for internal notes or customers without either. A mail reply gets its Message-ID right here, so
every (re)send of it carries the same one and the customer's answer threads back.

Sending (:func:`send_due`) happens later, outside any ticket transaction, one row at a time:

1. **claim** the row in its own transaction: ``attempts + 1`` and ``next_attempt_at`` moved to
   the back-off instant (a lease), on the condition that nobody claimed it meanwhile;
2. **send** it through the channel's sender (SMTP, Bot API);
3. **confirm** in its own transaction right after the server accepted it: ``sent``.

A failure records the server's answer (or a coded reason, see DeliveryError) in
``last_error``; a permanent one (SMTP 5xx, Bot API 400/403) or the last allowed attempt marks
the row ``failed``, anything else leaves it ``queued`` until the back-off instant
(``first_retry_seconds`` doubling up to ``max_retry_seconds``). A process that dies between 1
and 3 leaves a claimed, unconfirmed row, which is sent again once its lease runs out.

**At-least-once.** The one window for a duplicate is a crash (or a lost connection) after the
server accepted the message and before step 3 committed: the message is then sent twice. Mail
keeps its Message-ID across attempts, so mail clients show the copy as the same message;
Telegram has no such key. Nothing is ever lost and nothing is sent twice otherwise.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterable, Protocol

import peewee as pw

from helpdesk.data.store import models as m
from helpdesk.data.rules.desk import Desk
from helpdesk.data.core.config import OutboxSettings
from helpdesk.data.core.errors import Code, HelpdeskError, NotFoundError, ValidationError, as_error, encode_reason
from helpdesk.data.core.values import is_deliverable

EMAIL, TELEGRAM = "email", "telegram"
QUEUED, SENT, FAILED, SKIPPED, WITHDRAWN = "queued", "sent", "failed", "skipped", "withdrawn"
STATES = (QUEUED, SENT, FAILED, SKIPPED, WITHDRAWN)
MAX_ANSWER = 2000  # characters of a server's answer kept as the last error


class DeliveryError(Exception):
    """A send that did not go through; ``permanent`` means retrying cannot help.

    ``answer`` is what the row records as its last error: the server's own answer as it came
    (data, cut to MAX_ANSWER), or a coded error when the words would be ours (the Bot API out of
    reach, a sender's bug), stored with ``encode_reason``. tui/errors.py ``describe_reason``
    shows either.
    """

    def __init__(self, answer: str | HelpdeskError, *, permanent: bool = False, retry_after: float | None = None):
        self.answer = answer[:MAX_ANSWER] if isinstance(answer, str) else encode_reason(answer)
        super().__init__(self.answer)
        self.permanent = permanent
        self.retry_after = retry_after


@dataclass(frozen=True)
class Delivery:
    """A claimed outbox row, as plain values for a sender."""

    id: int
    message_id: int
    channel: str
    recipient: str
    attempts: int
    ticket_number: int


class Sender(Protocol):
    def __call__(self, delivery: Delivery) -> str | None: ...  # the server's answer


@dataclass(frozen=True)
class DeliveryResult:
    id: int
    ticket_number: int
    channel: str
    recipient: str
    outcome: str  # sent / retry / failed
    detail: str | None
    next_attempt_at: datetime | None


@dataclass(frozen=True)
class OutboxItem:
    id: int
    ticket_number: int
    message_id: int
    channel: str
    recipient: str
    state: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    sent_at: datetime | None
    created_at: datetime


def new_message_id(domain: str) -> str:
    """A fresh Message-ID (without <>) for mail the helpdesk sends."""
    return f"{uuid.uuid4().hex}.helpdesk@{domain}"


def route_for(ticket: m.Ticket) -> tuple[str, str] | None:
    """(channel, recipient) a reply on this ticket goes to, or None when it cannot be sent."""
    if ticket.channel == TELEGRAM and ticket.telegram_chat:
        return TELEGRAM, ticket.telegram_chat
    email = ticket.customer.email
    if is_deliverable(email):
        return EMAIL, email
    return None  # no address, or a sender kept as its mail wrote it (MAILER-DAEMON): never written to


def enqueue_for(desk: Desk, message: m.Message, now: datetime) -> m.Outbox | None:
    """Queue a stored agent reply or system notice for delivery (call inside its transaction)."""
    if message.is_note or message.author_kind not in ("agent", "system"):
        return None
    route = route_for(message.ticket)
    if route is None:
        return None
    channel, recipient = route
    when = now
    if channel == EMAIL:
        if recipient.lower() in desk.own_addresses:
            return None  # a request from our own address (a forward): answering it would loop
        if not message.message_id:
            message.message_id = new_message_id(desk.mail_domain)
            m.Message.update(message_id=message.message_id).where(m.Message.id == message.id).execute()
    return m.Outbox.create(
        message=message,
        channel=channel,
        recipient=recipient,
        state=QUEUED,
        attempts=0,
        next_attempt_at=when,
        created_at=when,
    )


def backoff(attempts: int, first: int = 60, most: int = 6 * 3600) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: first, 2 x first, 4 x first, ... <= most."""
    seconds = first * (2 ** max(0, min(attempts - 1, 30)))
    return timedelta(seconds=min(seconds, most))


def claim(row_id: int, now: datetime, settings: OutboxSettings) -> Delivery | None:
    """Take one due row for sending (its own transaction); None if it is not due or taken.

    The update is conditional on the attempts read (another sender's claim in between makes it
    change nothing); on PostgreSQL the row is also read ``FOR UPDATE SKIP LOCKED``, so a row
    another sender is claiming right now is passed over, not waited for."""
    with m.database_proxy.atomic():
        query = m.Outbox.select().where(
            (m.Outbox.id == row_id) & (m.Outbox.state == QUEUED) & (m.Outbox.next_attempt_at <= now)
        )
        if isinstance(m.database_proxy.obj, pw.PostgresqlDatabase):
            query = query.for_update("FOR UPDATE SKIP LOCKED")
        row = query.first()
        if row is None:
            return None
        attempts = row.attempts + 1
        lease = now + backoff(attempts, settings.first_retry_seconds, settings.max_retry_seconds)
        taken = (
            m.Outbox.update(attempts=attempts, next_attempt_at=lease)
            .where((m.Outbox.id == row.id) & (m.Outbox.attempts == row.attempts) & (m.Outbox.state == QUEUED))
            .execute()
        )
        if taken != 1:
            return None
        number = (
            m.Ticket.select(m.Ticket.number)
            .join(m.Message, on=(m.Message.ticket == m.Ticket.id))
            .where(m.Message.id == row.message_id)
            .scalar()
        )
        return Delivery(row.id, row.message_id, row.channel, row.recipient, attempts, number)


def mark_sent(delivery: Delivery, now: datetime) -> None:
    with m.database_proxy.atomic():
        m.Outbox.update(state=SENT, sent_at=now, last_error=None).where(m.Outbox.id == delivery.id).execute()


def mark_failed(delivery: Delivery, error: DeliveryError, now: datetime, settings: OutboxSettings) -> DeliveryResult:
    final = error.permanent or delivery.attempts >= settings.max_attempts
    changes: dict = {"last_error": error.answer}
    next_at = None
    if final:
        changes["state"] = FAILED
    else:
        wait = backoff(delivery.attempts, settings.first_retry_seconds, settings.max_retry_seconds)
        if error.retry_after:
            wait = max(wait, timedelta(seconds=error.retry_after))
        next_at = changes["next_attempt_at"] = now + wait
    with m.database_proxy.atomic():
        m.Outbox.update(changes).where(m.Outbox.id == delivery.id).execute()
    return DeliveryResult(
        delivery.id, delivery.ticket_number, delivery.channel, delivery.recipient,
        "failed" if final else "retry", error.answer, next_at,
    )  # fmt: skip


def withdraw(message_id: int) -> bool:
    """Take a message's deliveries back before any attempt (an undone rejection, data/tickets/undo.py):
    True if every one was still queued with no attempt, and is now ``withdrawn`` (never sent, never
    retried); False, changing nothing, if one was sent, failed, or has been claimed by a sender
    (``attempts`` > 0: it may be on its way). Call inside the caller's transaction: a claim
    (:func:`claim`) waits for it, and then finds nothing queued."""
    rows = list(m.Outbox.select(m.Outbox.id, m.Outbox.state, m.Outbox.attempts).where(m.Outbox.message == message_id))
    if any(row.state != QUEUED or row.attempts for row in rows):
        return False
    if rows:
        withdrawn = (
            m.Outbox.update(state=WITHDRAWN)
            .where((m.Outbox.message == message_id) & (m.Outbox.state == QUEUED) & (m.Outbox.attempts == 0))
            .execute()
        )
        if withdrawn != len(rows):
            return False
    return True


def due_ids(now: datetime, channels: Iterable[str] | None = None, limit: int = 100) -> list[int]:
    query = m.Outbox.select(m.Outbox.id).where((m.Outbox.state == QUEUED) & (m.Outbox.next_attempt_at <= now))
    if channels is not None:
        query = query.where(m.Outbox.channel.in_(list(channels)))
    return [row.id for row in query.order_by(m.Outbox.next_attempt_at, m.Outbox.id).limit(limit)]


def send_due(
    desk: Desk,
    senders: dict[str, Sender],
    settings: OutboxSettings,
    *,
    limit: int = 100,
    on_result: Callable[[DeliveryResult], None] | None = None,
) -> list[DeliveryResult]:
    """Send every due row of the channels in ``senders``; rows of other channels stay queued."""
    results: list[DeliveryResult] = []
    for row_id in due_ids(desk.now(), senders.keys(), limit):
        delivery = claim(row_id, desk.now(), settings)
        if delivery is None:
            continue
        try:
            answer = senders[delivery.channel](delivery)
        except DeliveryError as exc:
            result = mark_failed(delivery, exc, desk.now(), settings)
        except Exception as exc:  # an unexpected sender error is retried, never lost
            result = mark_failed(delivery, DeliveryError(as_error(exc)), desk.now(), settings)
        else:
            mark_sent(delivery, desk.now())
            result = DeliveryResult(
                delivery.id, delivery.ticket_number, delivery.channel, delivery.recipient, "sent", answer, None
            )
        results.append(result)
        if on_result:
            on_result(result)
    return results


def retry(row_id: int, now: datetime) -> OutboxItem:
    """Queue a failed or skipped delivery again, due now, with a fresh count of attempts."""
    row = m.Outbox.get_or_none(m.Outbox.id == row_id)
    if row is None:
        raise NotFoundError(Code.OUTBOX_NOT_FOUND, id=row_id)
    if row.state not in (FAILED, SKIPPED):
        raise ValidationError("state", Code.OUTBOX_NOT_RETRYABLE, id=row_id, state=row.state)
    with m.database_proxy.atomic():
        m.Outbox.update(state=QUEUED, attempts=0, next_attempt_at=now).where(m.Outbox.id == row_id).execute()
    return get_item(row_id)


def _item(row: m.Outbox, number: int) -> OutboxItem:
    return OutboxItem(
        id=row.id,
        ticket_number=number,
        message_id=row.message_id,
        channel=row.channel,
        recipient=row.recipient,
        state=row.state,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        sent_at=row.sent_at,
        created_at=row.created_at,
    )


def _query():
    return (
        m.Outbox.select(m.Outbox, m.Ticket.number.alias("ticket_number"))
        .join(m.Message, on=(m.Outbox.message == m.Message.id))
        .join(m.Ticket, on=(m.Message.ticket == m.Ticket.id))
    )


def get_item(row_id: int) -> OutboxItem:
    row = _query().where(m.Outbox.id == row_id).objects().first()
    return _item(row, row.ticket_number)


def list_outbox(state: str | None = None, limit: int | None = 200) -> list[OutboxItem]:
    """Deliveries newest first, optionally of one state."""
    query = _query()
    if state:
        query = query.where(m.Outbox.state == state)
    query = query.order_by(m.Outbox.id.desc())
    if limit:
        query = query.limit(limit)
    return [_item(row, row.ticket_number) for row in query.objects()]


def delivery_states(message_ids: Iterable[int]) -> dict[int, tuple[str, str | None]]:
    """{message id: (state, last error)} of each message's latest delivery."""
    ids = list(message_ids)
    if not ids:
        return {}
    out: dict[int, tuple[str, str | None]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = (
            m.Outbox.select(m.Outbox.message, m.Outbox.state, m.Outbox.last_error)
            .where(m.Outbox.message.in_(chunk))
            .order_by(m.Outbox.id)
        )
        for row in query:
            out[row.message_id] = (row.state, row.last_error)  # the latest row wins
    return out


def counts() -> dict[str, int]:
    query = m.Outbox.select(m.Outbox.state, pw.fn.COUNT(m.Outbox.id).alias("n")).group_by(m.Outbox.state)
    return {row.state: row.n for row in query}
