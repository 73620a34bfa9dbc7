"""The parts of one message: the readable text and the attachments, from any MIME tree.

Bodies are decoded from their transfer encoding (base64, quoted-printable, uuencode; an unknown
encoding is taken as 8-bit) and their charset, with a fallback chain instead of an error;
``multipart/alternative`` gives its text part unless that is empty or a stub next to the HTML;
HTML-only mail becomes readable text. Every other leaf part is an attachment, named by its
RFC 2231 / RFC 2047 / raw 8-bit file name, or by a made-up name (``part-3.png``) when it has
none; attached messages are stored as ``<subject>.eml``; uuencoded blocks in a text body become
attachments too (:func:`extract_uuencoded`).
"""

from __future__ import annotations

import binascii
import mimetypes
import re
import unicodedata
from email.message import Message
from email.policy import compat32

from helpdesk.data.channels.mime.charsets import clean_text, decode_bytes, raw_bytes
from helpdesk.data.channels.mime.headers import decode_header_text, first_header, header_params
from helpdesk.data.channels.mime.html_text import html_to_text
from helpdesk.data.core.values import AttachmentInput


class PartCollector:
    """Walks a MIME tree into ``texts`` (the readable parts, in order), ``attachments`` and
    ``notes`` (what had to be repaired); ``hint`` is the charsets the message declares."""

    def __init__(self, hint: tuple[str, ...]):
        self.hint = hint
        self.texts: list[str] = []
        self.attachments: list[AttachmentInput] = []
        self.notes: list[str] = []
        self.counter = 0

    # leaf helpers
    def payload(self, part: Message) -> bytes:
        """The part's bytes, transfer encoding undone (compat32 keeps 8-bit bytes intact and
        returns the content as it is for an unknown encoding such as "utf-8")."""
        cte = str(part.get("content-transfer-encoding") or "").strip().lower()
        if cte not in ("", "7bit", "8bit", "binary", "base64", "quoted-printable") and "uu" not in cte:
            self.notes.append(f"unknown Content-Transfer-Encoding {cte!r} taken as 8bit")
        try:
            data = part.get_payload(decode=True)
        except Exception as exc:  # a broken part must not lose the mail
            self.notes.append(f"part payload unreadable ({type(exc).__name__}); kept raw")
            raw = part.get_payload(decode=False)
            data = raw_bytes(raw) if isinstance(raw, str) else b""
        return data if isinstance(data, bytes) else b""

    def text_of(self, part: Message) -> str:
        charset = None
        try:
            charset = part.get_content_charset()
        except Exception:
            charset = None
        text = decode_bytes(self.payload(part), charset, self.hint)
        if part.get_content_type() == "text/html":
            return html_to_text(text)
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def filename(self, part: Message) -> str | None:
        """The part's file name: RFC 2231 (any charset, continuations), RFC 2047 or raw 8-bit."""
        for header, param in (("content-disposition", "filename"), ("content-type", "name")):
            raw = first_header(part, header)
            if not raw:
                continue
            found = header_params(raw).get(param)
            if found is None:
                continue
            data, charset = found
            hints = (part.get_content_charset() or "",) + self.hint if part.get_content_charset() else self.hint
            text = decode_bytes(data, charset, hints) if charset else decode_header_text(data, hints)
            if charset and "=?" in text:
                text = decode_header_text(text, hints)
            name = unicodedata.normalize("NFC", clean_text(text)).strip()
            if name:
                return name
        return None

    def made_up_name(self, part: Message) -> str:
        self.counter += 1
        ctype = part.get_content_type()
        special = {
            "message/delivery-status": "delivery-status",
            "text/rfc822-headers": "original-headers",
            "message/disposition-notification": "disposition-notification",
        }
        if ctype in special:
            return f"{special[ctype]}-{self.counter}.txt"
        ext = {"image/jpeg": ".jpg", "image/jpg": ".jpg", "text/plain": ".txt", "message/rfc822": ".eml"}.get(
            ctype
        ) or mimetypes.guess_extension(ctype) or ".bin"
        return f"part-{self.counter}{ext}"

    def attach(self, name: str, data: bytes, ctype: str) -> None:
        self.attachments.append(AttachmentInput(filename=clean_text(name), data=data, content_type=clean_text(ctype)))

    # the walk
    def walk(self, part: Message, depth: int = 0) -> None:
        if depth > 40:
            self.notes.append("MIME nesting deeper than 40 levels: the rest kept as one attachment")
            self.attach(self.made_up_name(part), _as_bytes(part), "application/octet-stream")
            return
        ctype = part.get_content_type()
        if ctype.startswith("message/") and ctype not in ("message/rfc822", "message/global") and isinstance(
            part.get_payload(), list
        ):  # message/delivery-status and the like: header blocks, kept as text
            blocks = [b for b in part.get_payload() if isinstance(b, Message)]
            self.attach(self.made_up_name(part), b"\n".join(_as_bytes(b) for b in blocks), ctype)
            return
        if ctype in ("message/rfc822", "message/global"):
            inner = part.get_payload()
            inner_msg = inner[0] if isinstance(inner, list) and inner else None
            subject = ""
            if isinstance(inner_msg, Message):
                subject = decode_header_text(first_header(inner_msg, "subject"), self.hint).strip()
            name = self.filename(part) or (_safe_name(subject) + ".eml" if subject else self.made_up_name(part))
            data = _as_bytes(inner_msg) if isinstance(inner_msg, Message) else self.payload(part)
            self.attach(name, data, "message/rfc822")
            return
        if part.is_multipart():
            children = part.get_payload()
            if not isinstance(children, list) or not children:
                self.notes.append(f"{ctype} without parts")
                return
            if ctype == "multipart/alternative":
                self.alternative(children, depth)
                return
            for child in children:
                self.walk(child, depth + 1)
            return
        if part.get_content_maintype() == "multipart":
            # A multipart whose boundary never occurs: its content is all there is; read it as text.
            self.notes.append(f"{ctype} without its boundary: content read as text")
            data = self.payload(part)
            if data.strip():
                self.texts.append(decode_bytes(data, None, self.hint).replace("\r\n", "\n"))
            return
        disposition = (part.get_content_disposition() or "").lower()
        name = self.filename(part)
        if ctype in ("text/plain", "text/html") and disposition != "attachment" and not name:
            self.texts.append(self.text_of(part))
            return
        self.attach(name or self.made_up_name(part), self.payload(part), ctype)

    def alternative(self, children: list, depth: int) -> None:
        plain: PartCollector | None = None
        html: PartCollector | None = None
        other: PartCollector | None = None
        for child in children:
            if not isinstance(child, Message):
                continue
            sub = PartCollector(self.hint)
            sub.counter = self.counter
            sub.walk(child, depth + 1)
            kind = child.get_content_type()
            if kind == "text/plain" and plain is None:
                plain = sub
            elif kind == "text/html" or (child.is_multipart() and html is None):
                html = sub  # the last rich alternative is the preferred one
            elif other is None:
                other = sub
        chosen = plain
        plain_text = "\n".join(plain.texts).strip() if plain else ""
        rich_text = "\n".join(html.texts).strip() if html else ""
        # A text part that is empty or a stub ("read the HTML version here") loses to the HTML.
        if html and (not plain_text or (len(rich_text) > 200 and len(plain_text) * 5 < len(rich_text))):
            chosen = html
        if chosen is None:
            chosen = html or other
        if chosen is None:
            return
        self.texts.extend(chosen.texts)
        # Inline images live in the rich alternative; keep them even when the text part wins.
        for sub in (chosen, html):
            if sub is not None:
                for a in sub.attachments:
                    if not any(a.data == b.data and a.filename == b.filename for b in self.attachments):
                        self.attachments.append(a)
        self.counter = max(self.counter, *(s.counter for s in (plain, html, other) if s is not None))
        self.notes.extend(chosen.notes)


def _safe_name(text: str) -> str:
    text = re.sub(r"[\x00-\x1f\x7f/\\]", " ", text).strip()
    return text[:120] or "message"


def _as_bytes(msg: Message) -> bytes:
    try:
        return msg.as_bytes(policy=compat32)
    except Exception:
        try:
            return msg.as_string(policy=compat32).encode("utf-8", "surrogateescape")
        except Exception:
            return b""


_UU_BEGIN = re.compile(r"^begin(?:-base64)? ([0-7]{3,4}) (.+?)\s*$", re.M)


def extract_uuencoded(text: str) -> tuple[str, list[AttachmentInput]]:
    """uuencoded files in a text body become attachments; the begin/end lines stay."""
    if "begin " not in text:
        return text, []
    lines = text.split("\n")
    out: list[str] = []
    found: list[AttachmentInput] = []
    i = 0
    while i < len(lines):
        match = _UU_BEGIN.match(lines[i])
        if not match:
            out.append(lines[i])
            i += 1
            continue
        end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == "end"), None)
        if end is None:
            out.append(lines[i])
            i += 1
            continue
        data = bytearray()
        ok = True
        for line in lines[i + 1 : end]:
            line = line.rstrip("\r")
            if not line or line == "`":
                continue
            try:
                data += binascii.a2b_uu(line)
            except binascii.Error:
                try:  # some encoders write lines a byte too long
                    nbytes = (((ord(line[0]) - 32) & 63) * 4 + 5) // 3
                    data += binascii.a2b_uu(line[:nbytes])
                except (binascii.Error, IndexError):
                    ok = False
                    break
        if not ok:
            out.append(lines[i])
            i += 1
            continue
        found.append(AttachmentInput(filename=clean_text(match.group(2).strip()), data=bytes(data)))
        out.append(lines[i])
        out.append("end")
        i = end + 1
    return "\n".join(out), found
