"""Reading one raw e-mail into plain values: sender, subject, text, attachments, threading ids.

Real mail is often broken, so everything is lenient and decodes by hand where the standard
library is strict or wrong. The work is shared out by job:

* ``charsets.py``: bytes to text under loose, wrong or missing charset labels;
* ``headers.py``: header values taken raw and decoded (RFC 2047 encoded words, raw 8-bit),
  Message-IDs, dates, the sender, auto-submitted mail, RFC 2231 parameters;
* ``parts.py``: the MIME tree walked into the readable text and the attachments;
* here: a header block with a junk first line or unindented continuation lines is repaired and
  read again when the first reading finds neither a sender nor a subject, and the pieces are
  put together into a :class:`ParsedMail`.

``parse_mail`` raises :class:`MailParseError` only when the bytes cannot be read as mail at
all (empty, no header block, no sender anywhere); the caller quarantines those.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes
from email.message import Message
from email.policy import compat32

from helpdesk.data.channels.mime.charsets import charset_hints, clean_text
from helpdesk.data.channels.mime.headers import (
    SENDER_HEADERS,
    decode_header_text,
    find_sender,
    first_header,
    header_values,
    id_list,
    is_auto_submitted,
    normalize_id,
    parse_date,
)
from helpdesk.data.channels.mime.parts import PartCollector, extract_uuencoded
from helpdesk.data.core.errors import Code, HelpdeskError
from helpdesk.data.core.values import AttachmentInput, content_hash

class MailParseError(HelpdeskError):
    """The bytes are not readable as an e-mail; its code is the reason to quarantine with."""


@dataclass
class ParsedMail:
    subject: str
    body: str
    sender_address: str | None  # a valid e-mail address, or the best the mail gives (may be odd)
    sender_name: str
    sender_valid: bool  # sender_address is a usable e-mail address
    message_id: str | None
    in_reply_to: str | None
    references: list[str]
    date: datetime | None
    attachments: list[AttachmentInput] = field(default_factory=list)
    content_hash: str = ""
    auto_submitted: bool = False  # a bounce, an auto-reply or bulk mail: never auto-answer it
    notes: list[str] = field(default_factory=list)  # what had to be repaired


_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")


def _repair_headers(raw: bytes) -> bytes | None:
    """A header block with junk before it or unindented continuation lines, made readable."""
    head, sep, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    lines = head.split(b"\n")
    start = next((i for i, line in enumerate(lines[:20]) if _HEADER_LINE.match(line)), None)
    if start is None:
        return None
    fixed = []
    for line in lines[start:]:
        if _HEADER_LINE.match(line) or not fixed:
            fixed.append(line)
        else:
            fixed.append(b" " + line.lstrip() if not line[:1].isspace() else line)
    return b"\n".join(fixed) + b"\n\n" + body


def _has_headers(msg: Message) -> bool:
    names = {k.lower() for k, _ in msg.raw_items()}
    return bool(names & {*SENDER_HEADERS, "subject"})


def parse_mail(raw: bytes) -> ParsedMail:
    """Read one message; MailParseError says why it cannot be read at all."""
    if not raw or not raw.strip():
        raise MailParseError(Code.MAIL_EMPTY)
    try:
        msg = message_from_bytes(raw, policy=compat32)
    except Exception as exc:  # the feed parser hardly ever raises, but never trust that
        raise MailParseError(Code.MAIL_UNREADABLE_MIME, detail=f"{type(exc).__name__}: {exc}") from None
    notes: list[str] = []
    if not _has_headers(msg):
        repaired = _repair_headers(raw)
        if repaired is not None:
            again = message_from_bytes(repaired, policy=compat32)
            if _has_headers(again):
                msg = again
                notes.append("header block repaired (junk first line or broken continuation lines)")
    names = {k.lower() for k, _ in msg.raw_items()}
    if not names & set(SENDER_HEADERS):
        if not names & {"subject", "date", "message-id", "to", "received"}:
            raise MailParseError(Code.MAIL_NOT_MAIL)
        raise MailParseError(Code.MAIL_NO_SENDER_HEADER)

    hint = charset_hints(msg)
    address, name, valid = find_sender(msg, hint)
    if not address and not name:
        raise MailParseError(Code.MAIL_NO_SENDER)

    collector = PartCollector(hint)
    collector.walk(msg)
    body = "\n\n".join(t.strip("\n") for t in collector.texts if t and t.strip())
    body, uu_files = extract_uuencoded(body)
    attachments = collector.attachments + uu_files
    body = clean_text(body.replace("\r\n", "\n").replace("\r", "\n")).strip("\n")

    subject = decode_header_text(first_header(msg, "subject"), hint)
    subject = re.sub(r"\s+", " ", subject).strip()  # a subject over the limit is refused when stored
    message_id = normalize_id(first_header(msg, "message-id"))
    in_reply_to = normalize_id(first_header(msg, "in-reply-to"))
    references = id_list(" ".join(header_values(msg, "references")))
    date = parse_date(first_header(msg, "date"))

    digest = content_hash(
        "mail",
        decode_header_text(" ".join(header_values(msg, "from"))),
        decode_header_text(first_header(msg, "date") or ""),
        subject,
        body,
        *(content_hash(a.filename, a.data) for a in attachments),
    )
    return ParsedMail(
        subject=clean_text(subject),
        body=body,
        sender_address=clean_text(address) if address else None,
        sender_name=clean_text(name),
        sender_valid=valid,
        message_id=clean_text(message_id) if message_id else None,
        in_reply_to=clean_text(in_reply_to) if in_reply_to else None,
        references=[clean_text(r) for r in references],
        date=date,
        attachments=attachments,
        content_hash=digest,
        auto_submitted=is_auto_submitted(msg, address),
        notes=notes + collector.notes,
    )
