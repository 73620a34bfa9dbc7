"""Quarantine: incoming mail (and Telegram updates) that could not be read or stored.

Such input is kept whole with the reason, never dropped: agents look at it
(``helpdesk quarantine list|show``, the Quarantine screen) and retry it once the cause is
fixed (data/channels/retry.py runs the same intake again). A retry that stores it records the
ticket number; one that fails again keeps the row and updates the reason.

What no retry will ever store (spam, a broken newsletter) an agent discards, saying why
(:func:`discard`): the row and its raw mail stay DISCARD_KEEP_DAYS days (listed with ``--all``,
the screen's "all"), then :func:`purge_discarded` deletes them; it runs at every ingest (mail
files, IMAP, Telegram) and on ``helpdesk quarantine purge``. What could be read but not stored
an agent can make a ticket of by hand (data/channels/quarantine_ticket.py); the row then records
that ticket's number, as a retry's does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import message_from_bytes
from email.policy import compat32

from helpdesk.data.channels.mime.headers import decode_header_text
from helpdesk.data.core.errors import Code, HelpdeskError, LimitError, NotFoundError, ValidationError
from helpdesk.data.store import models as m

TELEGRAM_SOURCE = "telegram:"  # sources of quarantined Telegram updates start with this
PREVIEW_BYTES = 64 * 1024
DISCARD_KEEP_DAYS = 30  # a discarded message is kept this long, then purged
MAX_DISCARD_REASON = 500


@dataclass(frozen=True)
class QuarantineItem:
    id: int
    received_at: datetime
    source: str
    reason: str  # as stored: encode_reason's text (tui/errors.py describe_reason), or a plain older one
    size: int
    sender: str  # From/Subject as far as they can be read, for the list
    subject: str
    retried_at: datetime | None
    ticket_number: int | None
    discarded_at: datetime | None = None
    discard_reason: str | None = None  # the agent's words: untrusted text
    handled_by: str | None = None  # who discarded it, or made a ticket of it by hand

    @property
    def purge_at(self) -> datetime | None:
        """When a discarded message goes for good."""
        return self.discarded_at + timedelta(days=DISCARD_KEEP_DAYS) if self.discarded_at else None

    @property
    def waiting(self) -> bool:
        """Neither stored in a ticket nor discarded: an agent still has to do something."""
        return self.ticket_number is None and self.discarded_at is None


@dataclass(frozen=True)
class QuarantineDetail:
    item: QuarantineItem
    headers: tuple[tuple[str, str], ...]  # the readable header lines
    text: str  # the raw message as text (undecodable bytes replaced), cut at PREVIEW_BYTES
    truncated: bool


def store_failure(exc: Exception) -> HelpdeskError:
    """Why input could not be stored, as its reason: a limit of the settings as it is (what to
    raise before a retry), anything else as "cannot store" with the cause."""
    if isinstance(exc, LimitError):
        return exc
    return HelpdeskError(Code.INTAKE_CANNOT_STORE, error=exc)


def add(*, source: str, reason: str, raw: bytes, now: datetime) -> int:
    """Keep ``raw`` with the reason (``encode_reason``: short by itself, stored whole); the same
    bytes still waiting in quarantine are not added twice (re-reading a folder), their row gets
    the newest reason instead."""
    with m.database_proxy.atomic():
        same = (
            m.Quarantine.select(m.Quarantine.id)
            .where((m.Quarantine.raw == raw) & m.Quarantine.ticket_number.is_null())
            .first()
        )
        if same is not None:
            m.Quarantine.update(reason=reason).where(m.Quarantine.id == same.id).execute()
            return same.id
        row = m.Quarantine.create(received_at=now, source=source[:1000], reason=reason, raw=raw)
    return row.id


def record_failed_retry(qid: int, reason: str, now: datetime) -> None:
    """A retry failed again: the row keeps the raw bytes and gets the new reason (``encode_reason``)."""
    with m.database_proxy.atomic():
        m.Quarantine.update(reason=reason, retried_at=now).where(m.Quarantine.id == qid).execute()


def record_stored(qid: int, ticket_number: int | None, now: datetime) -> None:
    with m.database_proxy.atomic():
        m.Quarantine.update(retried_at=now, ticket_number=ticket_number).where(m.Quarantine.id == qid).execute()


def _hints(raw: bytes, source: str) -> tuple[str, str]:
    if source.startswith(TELEGRAM_SOURCE):
        return "", ""
    try:
        head = raw[:PREVIEW_BYTES]
        msg = message_from_bytes(head.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0] + b"\n\n", policy=compat32)
        values = {k.lower(): v for k, v in reversed(list(msg.raw_items()))}
        sender = decode_header_text(values.get("from") or values.get("reply-to") or values.get("sender") or "")
        subject = decode_header_text(values.get("subject") or "")
        return re.sub(r"\s+", " ", sender).strip()[:200], re.sub(r"\s+", " ", subject).strip()[:200]
    except Exception:  # a hint is a convenience: never fail the list over it
        return "", ""


def _item(row: m.Quarantine, raw: bytes | None = None) -> QuarantineItem:
    data = bytes(raw if raw is not None else row.raw)
    sender, subject = _hints(data, row.source)
    return QuarantineItem(
        id=row.id,
        received_at=row.received_at,
        source=row.source,
        reason=row.reason,
        size=len(data),
        sender=sender,
        subject=subject,
        retried_at=row.retried_at,
        ticket_number=row.ticket_number,
        discarded_at=row.discarded_at,
        discard_reason=row.discard_reason,
        handled_by=row.handled_by,
    )


def list_quarantine(
    *, include_resolved: bool = True, include_discarded: bool = False, limit: int | None = 500
) -> list[QuarantineItem]:
    """Quarantined input newest first; ``include_resolved=False`` hides what is stored in a
    ticket, and discarded input is left out unless ``include_discarded``."""
    query = m.Quarantine.select().order_by(m.Quarantine.id.desc())
    if not include_resolved:
        query = query.where(m.Quarantine.ticket_number.is_null())
    if not include_discarded:
        query = query.where(m.Quarantine.discarded_at.is_null())
    if limit:
        query = query.limit(limit)
    return [_item(row) for row in query]


def get_row(qid: int) -> m.Quarantine:
    row = m.Quarantine.get_or_none(m.Quarantine.id == qid)
    if row is None:
        raise NotFoundError(Code.QUARANTINE_NOT_FOUND, id=qid)
    return row


def get_raw(qid: int) -> bytes:
    return bytes(get_row(qid).raw)


def show_quarantined(qid: int) -> QuarantineDetail:
    row = get_row(qid)
    raw = bytes(row.raw)
    cut = raw[:PREVIEW_BYTES]
    text = cut.decode("utf-8", "replace").replace("\r\n", "\n")
    head = text.split("\n\n", 1)[0]
    headers = []
    for line in head.split("\n"):
        if line[:1] in (" ", "\t") and headers:
            name, value = headers[-1]
            headers[-1] = (name, value + " " + line.strip())
        elif ":" in line:
            name, _, value = line.partition(":")
            if name and " " not in name.strip():
                headers.append((name.strip(), value.strip()))
    return QuarantineDetail(
        item=_item(row, raw),
        headers=tuple(headers[:200]),
        text=text,
        truncated=len(raw) > PREVIEW_BYTES,
    )


def count_open() -> int:
    """How many wait for an agent: neither stored nor discarded."""
    return m.Quarantine.select().where(m.Quarantine.ticket_number.is_null() & m.Quarantine.discarded_at.is_null()).count()


def check_waiting(row: m.Quarantine) -> None:
    """Refuse to act on a row that is stored in a ticket already, or discarded."""
    if row.ticket_number is not None:
        raise ValidationError("id", Code.QUARANTINE_STORED, id=row.id, number=row.ticket_number)
    if row.discarded_at is not None:
        raise ValidationError("id", Code.QUARANTINE_DISCARDED, id=row.id)


def discard(qid: int, reason: str, *, agent: str, now: datetime) -> QuarantineItem:
    """An agent gives up on a quarantined message, saying why: it leaves the list of those waiting,
    and is purged DISCARD_KEEP_DAYS later (:func:`purge_discarded`)."""
    reason = re.sub(r"\s+", " ", reason or "").strip()
    if not reason:
        raise ValidationError("reason", Code.QUARANTINE_REASON_REQUIRED)
    with m.database_proxy.atomic():
        row = get_row(qid)
        check_waiting(row)
        m.Quarantine.update(discarded_at=now, discard_reason=reason[:MAX_DISCARD_REASON], handled_by=agent).where(
            m.Quarantine.id == qid
        ).execute()
        row = get_row(qid)
    return _item(row)


def purge_discarded(now: datetime) -> int:
    """Delete what was discarded more than DISCARD_KEEP_DAYS ago; returns how many rows went."""
    cutoff = now - timedelta(days=DISCARD_KEEP_DAYS)
    due = m.Quarantine.select(m.Quarantine.id).where(m.Quarantine.discarded_at < cutoff)
    if not due.exists():  # the usual case: no write transaction at all
        return 0
    with m.database_proxy.atomic():
        return m.Quarantine.delete().where(m.Quarantine.discarded_at < cutoff).execute()
