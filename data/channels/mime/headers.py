"""Header values of one message as text and plain values: RFC 2047 encoded words, Message-IDs,
dates, the sender, auto-submitted mail and the parameters of structured headers (RFC 2231).

The message is parsed with ``compat32``, which keeps header values raw (8-bit bytes through
surrogate escapes); they are decoded here, leniently: encoded words with any charset label
(unknown labels, ``gb2312`` holding GBK, ``iso-2022-jp`` holding Shift_JIS, UTF-7), raw 8-bit
headers guessed (UTF-8 first, then the charsets the message declares elsewhere). A broken
header gives the best text it can, never an exception.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime, timezone
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from helpdesk.data.channels.mime.charsets import clean_text, decode_bytes, raw_bytes
from helpdesk.data.core.errors import ValidationError
from helpdesk.data.core.values import validate_email

# Where a sender may be named, in the order they are tried.
SENDER_HEADERS = ("from", "reply-to", "sender")

# --- RFC 2047 ----------------------------------------------------------------------------

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([QqBb])\?(.*?)\?=", re.S)
_BETWEEN_WORDS = re.compile(r"(\?=)\s+(=\?)")


def _decode_word(charset: str, encoding: str, text: str) -> bytes:
    if encoding.upper() == "B":
        cleaned = re.sub(r"[^A-Za-z0-9+/]", "", text)
        cleaned += "=" * (-len(cleaned) % 4)
        try:
            return base64.b64decode(cleaned)
        except (binascii.Error, ValueError):
            return text.encode("ascii", "replace")
    out = bytearray()
    i = 0
    raw = text.encode("latin-1", "replace")
    while i < len(raw):
        c = raw[i]
        if c == 0x5F:  # _
            out.append(0x20)
        elif c == 0x3D and i + 2 < len(raw) and re.match(rb"[0-9A-Fa-f]{2}", raw[i + 1 : i + 3]):
            out.append(int(raw[i + 1 : i + 3], 16))
            i += 2
        else:
            out.append(c)
        i += 1
    return bytes(out)


def decode_header_text(value: str | bytes | None, hint: str | tuple[str, ...] | None = None) -> str:
    """A header value as text: unfolded, raw 8-bit guessed, encoded words decoded."""
    if value is None:
        return ""
    raw = value if isinstance(value, bytes) else raw_bytes(str(value))
    raw = re.sub(rb"\r?\n[ \t]+", b" ", raw).replace(b"\r", b"").replace(b"\n", b" ")
    text = decode_bytes(raw, None, hint) if not raw.isascii() else raw.decode("ascii")
    if "=?" not in text:
        return clean_text(text)
    text = _BETWEEN_WORDS.sub(r"\1\2", text)

    # Adjacent words in one charset are joined before decoding (multi-byte characters may be
    # split across them).
    pieces: list[tuple[str | None, bytes | str]] = []
    pos = 0
    for match in _ENCODED_WORD.finditer(text):
        if match.start() > pos:
            pieces.append((None, text[pos : match.start()]))
        charset = match.group(1)
        data = _decode_word(charset, match.group(2), match.group(3))
        if pieces and pieces[-1][0] is not None and pieces[-1][0].lower() == charset.lower():
            pieces[-1] = (pieces[-1][0], pieces[-1][1] + data)  # type: ignore[operator]
        else:
            pieces.append((charset, data))
        pos = match.end()
    pieces.append((None, text[pos:]))
    out = []
    for charset, data in pieces:
        out.append(data if charset is None else decode_bytes(data, charset, hint))  # type: ignore[arg-type]
    return clean_text("".join(out))  # type: ignore[arg-type]


# --- headers -----------------------------------------------------------------------------

_ID_IN_BRACKETS = re.compile(r"<([^<>\s]+)>")


def header_values(msg: Message, name: str) -> list[str]:
    """Every value of the header, as the parser kept it (8-bit bytes as surrogate escapes)."""
    name = name.lower()
    return [v for k, v in msg.raw_items() if k.lower() == name]


def first_header(msg: Message, name: str) -> str | None:
    values = header_values(msg, name)
    return values[0] if values else None


def normalize_id(value: str | None) -> str | None:
    """A Message-ID without the angle brackets, or None when the header is empty."""
    if not value:
        return None
    text = decode_header_text(value).strip()
    match = _ID_IN_BRACKETS.search(text)
    if match:
        return match.group(1)[:250]
    token = text.split()[0] if text.split() else ""
    token = token.strip("<>")
    return token[:250] or None


def id_list(value: str | None) -> list[str]:
    if not value:
        return []
    text = decode_header_text(value)
    ids = _ID_IN_BRACKETS.findall(text)
    if not ids:
        ids = [t.strip("<>") for t in text.split() if "@" in t]
    return [i[:250] for i in ids if i]


def parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(decode_header_text(value).strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    try:
        return parsed.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None


def _usable_address(address: str) -> str | None:
    """The address as the store keeps it, or None when it is no e-mail address."""
    address = address.strip()
    if "@" not in address:
        return None
    local, _, domain = address.rpartition("@")
    local = local.strip()
    if not local or not domain.strip():
        return None
    if re.search(r"\s", local) and not (local.startswith('"') and local.endswith('"')):
        local = '"' + local.replace('"', "") + '"'  # "power quadrant system"@example.com
    candidate = f"{local}@{domain.strip()}"
    try:
        return validate_email(candidate)
    except ValidationError:
        return None


def find_sender(msg: Message, hint: tuple[str, ...]) -> tuple[str | None, str, bool]:
    """(address, display name, valid) from From, then Reply-To, then Sender."""
    fallback: tuple[str | None, str] | None = None
    for header in SENDER_HEADERS:
        for raw in header_values(msg, header):
            # Decode 8-bit bytes first; keep encoded words encoded so an encoded comma in a
            # display name does not split the address list.
            data = raw_bytes(raw)
            text = decode_bytes(data, None, hint) if not data.isascii() else data.decode("ascii")
            text = re.sub(r"\r?\n[ \t]*", " ", text)
            # Encoded words may hold commas and spaces ("=?iso-8859-1?Q?B=FCrling,=20Andreas?="):
            # hide them from the address parser behind atoms, restore them afterwards.
            words: list[str] = []

            def hide(match: re.Match) -> str:
                words.append(match.group(0))
                return f"EWORD{len(words) - 1}X"

            protected = _ENCODED_WORD.sub(hide, text)

            def restore(value: str) -> str:
                return re.sub(r"EWORD(\d+)X", lambda mo: words[int(mo.group(1))], value)

            try:
                pairs = getaddresses([protected])
            except Exception:  # getaddresses has raised on odd input in some Python versions
                pairs = []
            for name, address in pairs:
                name = decode_header_text(restore(name), hint).strip().strip('"').strip()
                address = decode_header_text(restore(address), hint).strip()
                usable = _usable_address(address)
                if usable:
                    return usable, name, True
                if fallback is None and (address or name):
                    fallback = (address or None, name)
            if not pairs and fallback is None and text.strip():
                fallback = (None, decode_header_text(text, hint).strip())
    if fallback:
        return fallback[0], fallback[1], False
    return None, "", False


# Senders that are mail systems, not people (by the local part): bounces and reports come from
# them, and nobody reads what is sent there.
_SYSTEM_SENDERS = ("mailer-daemon", "postmaster")
_NO_REPLY_SENDERS = ("noreply", "no-reply", "donotreply", "do-not-reply")
_BULK_PRECEDENCE = ("bulk", "junk", "list", "auto_reply")


def _value(msg: Message, name: str) -> str:
    """The header's first value, lower case, without parameters ("auto-replied; x=y": "auto-replied")."""
    return decode_header_text(first_header(msg, name)).split(";", 1)[0].strip().lower()


def is_auto_submitted(msg: Message, sender: str | None) -> bool:
    """Mail that must not be answered automatically (RFC 3834 and what vendors send instead): a
    bounce, an auto-reply, a report, list or bulk mail, or mail from a mail system. Answering it
    could start a mail loop; it never changes a ticket's status either."""
    auto = _value(msg, "auto-submitted")
    if auto and auto != "no":
        return True
    # Exchange's "Automatic reply" says Auto-Submitted: no but asks for no answers of its own.
    suppress = _value(msg, "x-auto-response-suppress")
    if suppress and suppress != "none":
        return True
    if _value(msg, "precedence") in _BULK_PRECEDENCE:
        return True
    if any(first_header(msg, name) is not None for name in ("list-id", "list-unsubscribe", "x-autoreply", "x-autorespond")):
        return True
    if msg.get_content_type() == "multipart/report":  # a delivery or read report (RFC 6522)
        return True
    if _value(msg, "return-path") == "<>" or not sender:  # a null sender: bounces have one
        return True
    local = sender.rsplit("@", 1)[0].strip('"').lower() if "@" in sender else sender.lower()
    return local.startswith(_SYSTEM_SENDERS) or local in _NO_REPLY_SENDERS


# --- parameters (RFC 2231) ----------------------------------------------------------------

_CONTINUATION = re.compile(r"^(.+?)\*(\d+)(\*?)$")


def _split_params(data: bytes) -> list[bytes]:
    parts, current, quoted, escaped = [], bytearray(), False, False
    for byte in data:
        ch = bytes((byte,))
        if escaped:
            current += ch
            escaped = False
        elif ch == b"\\" and quoted:
            current += ch
            escaped = True
        elif ch == b'"':
            current += ch
            quoted = not quoted
        elif ch == b";" and not quoted:
            parts.append(bytes(current))
            current = bytearray()
        else:
            current += ch
    parts.append(bytes(current))
    return parts


def _unquote(value: bytes) -> bytes:
    value = value.strip()
    if value.startswith(b'"'):
        end = value.rfind(b'"')
        inner = value[1:end] if end > 0 else value[1:]
        return re.sub(rb"\\(.)", rb"\1", inner)
    return value


def header_params(raw: str) -> dict[str, tuple[bytes, str | None]]:
    """A structured header's parameters: {name: (value bytes, RFC 2231 charset or None)}.

    Works on the raw bytes, so 8-bit values survive; RFC 2231 continuations are joined and
    percent-decoded; an RFC 2231 value wins over a plain one of the same name.
    """
    data = re.sub(rb"\r?\n[ \t]*", b" ", raw_bytes(raw))
    simple: dict[str, tuple[bytes, str | None]] = {}
    pieces: dict[str, list[tuple[int, bytes, bool]]] = {}
    for chunk in _split_params(data)[1:]:
        name, sep, value = chunk.partition(b"=")
        if not sep:
            continue
        key = name.strip().lower().decode("ascii", "replace")
        match = _CONTINUATION.match(key)
        if match:
            pieces.setdefault(match.group(1), []).append((int(match.group(2)), _unquote(value), bool(match.group(3))))
        elif key.endswith("*"):
            pieces.setdefault(key[:-1], []).append((0, _unquote(value), True))
        elif key not in simple:
            simple[key] = (_unquote(value), None)
    for key, parts in pieces.items():
        parts.sort(key=lambda p: p[0])
        charset = None
        out = bytearray()
        for i, (_, value, encoded) in enumerate(parts):
            if encoded:
                if i == 0 and value.count(b"'") >= 2:
                    label, _, rest = value.split(b"'", 2)
                    charset = label.decode("ascii", "replace") or None
                    value = rest
                value = re.sub(rb"%([0-9A-Fa-f]{2})", lambda mo: bytes((int(mo.group(1), 16),)), value)
            out += value
        simple[key] = (bytes(out), charset or ("us-ascii" if any(p[2] for p in parts) else None))
    return simple
