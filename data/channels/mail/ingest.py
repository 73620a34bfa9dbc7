"""Mail intake: storing one message (threading, customer, product), and reading sources.

One message goes through :func:`ingest_bytes`: parse it (``data.mail.parse``), drop it if it is
already stored (same Message-ID, or the same content hash when it has none), find the ticket it
answers, and store it through ``data.tickets`` (``create_ticket`` / ``add_customer_message``) in
one transaction. Anything that cannot be parsed or stored goes to the Quarantine table with the
reason: mail is never dropped, and the caller never sees an exception for a bad message.

Threading, first match wins:

1. ``In-Reply-To``, then ``References`` (newest first) naming a stored Message-ID;
2. the ticket tag ``[#1234]`` in the subject, when the sender is that ticket's customer (so
   nobody can write into someone else's request by typing a number).

A matched ticket that is closed or rejected is not reopened behind support's back: the mail
opens a new request (the regulation wants one request per problem). A merged duplicate's
follow-ups land in its target (``add_customer_message`` redirects them).

Sources (:func:`ingest_path`): a single ``.eml`` file, an mbox file, a Maildir (unseen mail of
``new/`` and ``cur/``; each message moves to ``cur/`` with the Seen flag only after it is stored
or quarantined), or a plain directory of message files. IMAP lives in ``data.mail.imap``.
"""

from __future__ import annotations

import mailbox
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterator

from helpdesk.data.core import values
from helpdesk.data.store import models as m
from helpdesk.data.channels import quarantine
from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import operations as tickets
from helpdesk.data.rules.desk import Desk
from helpdesk.data.core.errors import Code, HelpdeskError, encode_reason, from_os_error
from helpdesk.data.channels.mail.parse import MailParseError, ParsedMail, parse_mail
from helpdesk.data.channels.products import guess_product
from helpdesk.data.tickets.lookup import find_or_create_unaddressed, product_names

TAG_RE = re.compile(r"\[#(\d{1,9})\]")
EARLIEST_DATE = datetime(1990, 1, 1, tzinfo=timezone.utc)

CREATED, JOINED, DUPLICATE, QUARANTINED = "created", "joined", "duplicate", "quarantined"


@dataclass(frozen=True)
class IngestResult:
    outcome: str  # created / joined / duplicate / quarantined
    source: str
    ticket_number: int | None = None
    message_id: int | None = None  # the stored Message's id (or the existing one for a duplicate)
    quarantine_id: int | None = None
    reason: str | None = None  # why it was quarantined, as stored (encode_reason)
    sender: str = ""
    subject: str = ""

    @property
    def stored(self) -> bool:
        return self.outcome in (CREATED, JOINED)


# --- storing one message -----------------------------------------------------------------


def _existing(parsed: ParsedMail) -> m.Message | None:
    if parsed.message_id:
        return m.Message.get_or_none(m.Message.message_id == parsed.message_id)
    return m.Message.get_or_none(m.Message.content_hash == parsed.content_hash)


def find_thread(parsed: ParsedMail, customer_email: str | None) -> m.Ticket | None:
    """The ticket this message answers, or None for a new request."""
    ids = []
    if parsed.in_reply_to:
        ids.append(parsed.in_reply_to)
    ids += [r for r in reversed(parsed.references) if r not in ids]
    if ids:
        found = {
            row.message_id: row.ticket_id
            for row in m.Message.select(m.Message.message_id, m.Message.ticket).where(m.Message.message_id.in_(ids[:100]))
        }
        for mid in ids:
            if mid in found:
                return m.Ticket.get_by_id(found[mid])
    if customer_email:
        for number in TAG_RE.findall(parsed.subject):
            ticket = m.Ticket.get_or_none(m.Ticket.number == int(number))
            if ticket is not None and ticket.customer.email == customer_email:
                return ticket
    return None


def _customer_for(parsed: ParsedMail, now: datetime) -> tuple[str | None, int | None]:
    """(e-mail to match by, or the id of a customer without a usable address)."""
    if parsed.sender_valid and parsed.sender_address:
        return parsed.sender_address, None
    return None, find_or_create_unaddressed(now, parsed.sender_address, parsed.sender_name).id


def _received_at(parsed: ParsedMail, now: datetime, fallback: datetime | None) -> datetime:
    """When the customer sent it: the Date header when it is plausible, else the arrival time."""
    for candidate in (parsed.date, fallback):
        if candidate is not None and EARLIEST_DATE <= candidate <= now + timedelta(minutes=5):
            return min(candidate, now)
    return now


def _subject_for(parsed: ParsedMail, limits: values.Limits) -> str:
    """The mail's subject (over the limit: refused, as on every channel), else one made up of the
    first line or the first file name, cut to fit."""
    if parsed.subject.strip():
        return parsed.subject.strip()
    cut = min(values.DERIVED_SUBJECT, limits.subject_characters)
    for line in parsed.body.splitlines():
        if line.strip():
            return line.strip()[:cut]
    if parsed.attachments:
        return parsed.attachments[0].filename[:cut]
    return "(no subject)"


def store_parsed(desk: Desk, parsed: ParsedMail, *, arrived_at: datetime | None = None) -> tuple[str, m.Message]:
    """Store a parsed message; returns (outcome, message). Raises on failure (nothing stored)."""
    now = desk.now()
    with m.database_proxy.atomic():
        existing = _existing(parsed)
        if existing is not None:
            return DUPLICATE, existing
        received = _received_at(parsed, now, arrived_at)
        email, customer_id = _customer_for(parsed, now)
        ticket = find_thread(parsed, email)
        if ticket is not None and ticket.status in (st.CLOSED, st.REJECTED):
            ticket = None
        references = " ".join(parsed.references) or None
        # Never answered automatically, never moves a ticket: mail of a mail system, an
        # auto-reply, list mail, and mail from the desk's own addresses (a copy of our own reply).
        automatic = parsed.auto_submitted or (parsed.sender_address or "").lower() in desk.own_addresses
        if ticket is not None:
            message = tickets.add_customer_message(
                desk,
                ticket.number,
                parsed.body,
                attachments=parsed.attachments,
                message_id=parsed.message_id,
                in_reply_to=parsed.in_reply_to,
                references=references,
                content_hash=parsed.content_hash,
                author=parsed.sender_name or None,
                received_at=received,
                automatic=automatic,
            )
            return JOINED, message
        new = values.NewTicket(
            subject=_subject_for(parsed, desk.limits),
            body=parsed.body,
            customer_email=email,
            customer_name=parsed.sender_name,
            customer_id=customer_id,
            product=guess_product(f"{parsed.subject}\n{parsed.body}", product_names()),
            channel="email",
            attachments=parsed.attachments,
            message_id=parsed.message_id,
            in_reply_to=parsed.in_reply_to,
            references=references,
            content_hash=parsed.content_hash,
            received_at=received,
            allow_empty_body=True,
            automatic=automatic,
        )
        created = tickets.create_ticket(desk, new)
        message = created.messages.order_by(m.Message.id).first()
        return CREATED, message


def ingest_bytes(
    desk: Desk, raw: bytes, source: str, *, arrived_at: datetime | None = None, quarantine_id: int | None = None
) -> IngestResult:
    """Store one raw message or quarantine it; never raises for a bad message.

    ``quarantine_id``: retrying that quarantined message (a new failure updates it instead of
    adding another row).
    """
    try:
        parsed = parse_mail(raw)
    except MailParseError as exc:
        return _quarantine(desk, raw, source, exc, quarantine_id)
    except RecursionError:
        return _quarantine(desk, raw, source, HelpdeskError(Code.MAIL_NESTED_TOO_DEEPLY), quarantine_id)
    except Exception as exc:  # a parser bug must not lose the mail
        return _quarantine(desk, raw, source, HelpdeskError(Code.MAIL_CANNOT_PARSE, error=exc), quarantine_id)
    try:
        outcome, message = store_parsed(desk, parsed, arrived_at=arrived_at)
    except Exception as exc:  # whatever went wrong, the mail is kept (rolled back, then quarantined)
        return _quarantine(desk, raw, source, quarantine.store_failure(exc), quarantine_id, parsed)
    number = m.Ticket.select(m.Ticket.number).where(m.Ticket.id == message.ticket_id).scalar()
    return IngestResult(
        outcome=outcome,
        source=source,
        ticket_number=number,
        message_id=message.id,
        sender=parsed.sender_address or parsed.sender_name,
        subject=parsed.subject,
    )


def _quarantine(
    desk, raw, source, problem: HelpdeskError, quarantine_id=None, parsed: ParsedMail | None = None
) -> IngestResult:
    reason = encode_reason(problem)
    if quarantine_id is not None:
        quarantine.record_failed_retry(quarantine_id, reason, desk.now())
        qid = quarantine_id
    else:
        qid = quarantine.add(source=source, reason=reason, raw=raw, now=desk.now())
    return IngestResult(
        outcome=QUARANTINED,
        source=source,
        quarantine_id=qid,
        reason=reason,
        sender=(parsed.sender_address or parsed.sender_name) if parsed else "",
        subject=parsed.subject if parsed else "",
    )


# --- sources -----------------------------------------------------------------------------

Log = Callable[[IngestResult], None]


def _is_maildir(path: Path) -> bool:
    return path.is_dir() and (path / "new").is_dir() and (path / "cur").is_dir()


def _looks_like_mbox(path: Path) -> bool:
    if path.suffix.lower() == ".eml":
        return False
    try:
        with open(path, "rb") as handle:
            return handle.read(5) == b"From "
    except OSError:
        return False


def _maildir_unseen(root: Path) -> Iterator[Path]:
    for sub in ("new", "cur"):
        folder = root / sub
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if not entry.is_file() or entry.name.startswith("."):
                continue
            info = entry.name.split(":2,", 1)[1] if ":2," in entry.name else ""
            if sub == "cur" and "S" in info:
                continue  # already seen: a mail client (or we) read it
            yield Path(entry.path)


def _mark_seen(path: Path) -> None:
    """Move a Maildir message to cur/ with the Seen flag, as mail clients do."""
    name = path.name
    if ":2," in name:
        base, info = name.split(":2,", 1)
        flags = "".join(sorted(set(info + "S")))
        name = f"{base}:2,{flags}"
    else:
        name = f"{name}:2,S"
    target = path.parent.parent / "cur" / name
    os.replace(path, target)


def ingest_maildir(desk: Desk, root: Path, log: Log | None = None) -> list[IngestResult]:
    results = []
    for path in _maildir_unseen(root):
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            continue  # another reader took it
        result = ingest_bytes(desk, raw, f"maildir:{path}", arrived_at=_mtime(path))
        _mark_seen(path)  # only now: stored, a duplicate, or quarantined
        results.append(result)
        if log:
            log(result)
    return results


def _mtime(path: Path) -> datetime | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    except (OSError, OverflowError, ValueError):
        return None


def ingest_mbox(desk: Desk, path: Path, log: Log | None = None) -> list[IngestResult]:
    results = []
    box = mailbox.mbox(str(path), create=False)
    try:
        for i, key in enumerate(box.iterkeys(), start=1):
            raw = box.get_bytes(key)
            result = ingest_bytes(desk, raw, f"mbox:{path}#{i}")
            results.append(result)
            if log:
                log(result)
    finally:
        box.close()
    return results


def ingest_file(desk: Desk, path: Path, log: Log | None = None) -> list[IngestResult]:
    if _looks_like_mbox(path):
        return ingest_mbox(desk, path, log)
    raw = path.read_bytes()
    result = ingest_bytes(desk, raw, f"file:{path}", arrived_at=_mtime(path))
    if log:
        log(result)
    return [result]


def ingest_path(desk: Desk, path: str | Path, log: Log | None = None) -> list[IngestResult]:
    """Import a .eml file, an mbox file, a Maildir or a directory of message files (and purge
    quarantined mail discarded long enough ago)."""
    path = Path(path)
    quarantine.purge_discarded(desk.now())
    if not path.exists():
        raise HelpdeskError(Code.PATH_MISSING, where=str(path))
    if _is_maildir(path):
        return ingest_maildir(desk, path, log)
    if path.is_dir():
        results = []
        for child in sorted(path.iterdir()):
            if child.is_file() and not child.name.startswith("."):
                results += ingest_file(desk, child, log)
        return results
    try:
        return ingest_file(desk, path, log)
    except OSError as exc:
        raise from_os_error(exc, str(path)) from None
