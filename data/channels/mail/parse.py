"""Reading one raw e-mail into plain values: sender, subject, text, attachments, threading ids.

Real mail is often broken, so everything here is lenient and decodes by hand where the
standard library is strict or wrong:

* headers are taken raw (``compat32``, bytes kept through surrogate escapes) and decoded here:
  RFC 2047 encoded words with any charset label (unknown labels, ``gb2312`` holding GBK,
  ``iso-2022-jp`` holding Shift_JIS, UTF-7), and raw 8-bit headers guessed (UTF-8 first, then
  the charset the message declares elsewhere);
* a header block with a junk first line or unindented continuation lines is repaired and read
  again when the first reading finds neither a sender nor a subject;
* bodies are decoded from their transfer encoding (base64, quoted-printable, uuencode; an
  unknown encoding is taken as 8-bit) and their charset, with a fallback chain instead of an
  error; ``multipart/alternative`` gives its text part unless that is empty or a stub next to
  the HTML; HTML-only mail becomes readable text;
* every other leaf part is an attachment, named by its RFC 2231 / RFC 2047 / raw 8-bit file
  name, or by a made-up name (``part-3.png``) when it has none; attached messages are stored
  as ``<subject>.eml``; uuencoded blocks in a text body become attachments too.

``parse_mail`` raises :class:`MailParseError` only when the bytes cannot be read as mail at
all (empty, no header block, no sender anywhere); the caller quarantines those.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import message_from_bytes
from email.message import Message
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime

from helpdesk.data.core.errors import ValidationError
from helpdesk.data.channels.mail.html_text import html_to_text
from helpdesk.data.core.values import AttachmentInput, content_hash, validate_email

MAX_SUBJECT = 250


class MailParseError(Exception):
    """The bytes are not readable as an e-mail; ``str(exc)`` is the reason to quarantine with."""


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


# --- charsets ----------------------------------------------------------------------------

_ALIASES = {
    # GB2312 labels very often carry GBK or GB18030 text: decode with the superset.
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "iso-gb2312": "gb18030",
    "cn-gb": "gb18030", "euc-cn": "gb18030", "x-euc-cn": "gb18030", "gb_2312-80": "gb18030",
    "csgb2312": "gb18030", "chinese": "gb18030", "gb2312-80": "gb18030", "hz-gb-2312": "hz",
    "big5": "big5hkscs", "x-big5": "big5hkscs",
    # Latin-1 labels are used for windows-1252 text (curly quotes, the euro sign).
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
    "l1": "cp1252", "us-ascii": "ascii", "ascii": "ascii", "ansi_x3.4-1968": "ascii",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
    "ms_kanji": "cp932", "windows-31j": "cp932", "x-ms-cp932": "cp932",
    "euc-jp": "euc_jis_2004", "x-euc-jp": "euc_jis_2004",
    "ks_c_5601-1987": "cp949", "ks_c_5601": "cp949", "euc-kr": "cp949", "x-windows-949": "cp949",
    "windows-874": "cp874", "tis-620": "cp874", "iso-8859-11": "cp874",
    "unicode-1-1-utf-7": "utf-7", "utf7": "utf-7", "x-unicode-2-0-utf-7": "utf-7",
    "iso-8859-8-i": "iso-8859-8", "iso-8859-6-i": "iso-8859-6",
    "x-mac-cyrillic": "mac_cyrillic", "x-mac-roman": "mac_roman", "macintosh": "mac_roman",
    "x-user-defined": "cp1252", "unknown-8bit": "", "x-unknown": "", "unknown": "", "default": "",
    "utf8": "utf-8", "utf-8": "utf-8", "x-utf-8": "utf-8",
}  # fmt: skip
# 7-bit charsets: 8-bit bytes labelled so are really something else.
_SEVEN_BIT = {"ascii", "utf-7", "iso2022_jp", "iso2022_jp_2", "iso2022_kr", "hz"}


def codec_for(label: str | None) -> str | None:
    """The Python codec for a MIME charset label, or None when it is unknown."""
    if not label:
        return None
    name = label.strip().strip('"').strip("'").lower()
    name = name.split("*", 1)[0]  # RFC 2231 language suffix: utf-8*ru
    if name in _ALIASES:
        return _ALIASES[name] or None
    for candidate in (name, name.removeprefix("x-"), name.replace("_", "-")):
        try:
            return codecs.lookup(candidate).name
        except LookupError:
            continue
    return None


_MULTIBYTE = ("gb18030", "big5hkscs", "cp932", "shift_jis_2004", "euc_jis_2004", "cp949", "hz")


def _candidates(label: str | None, hints: tuple[str, ...] = ()) -> list[str]:
    """Codecs to try, strictest first: the label (and its family), UTF-8, then the charsets the
    rest of the message declares, multi-byte ones before single-byte ones."""
    codec = codec_for(label)
    out: list[str] = []
    if codec and codec != "ascii":
        out.append(codec)
        if codec.startswith("iso2022_jp"):
            out += ["iso2022_jp_2", "iso2022_jp_ext", "cp932", "euc_jis_2004"]
        if codec == "cp932":
            out += ["shift_jis_2004"]
    out.append("utf-8")
    extra: list[str] = []
    for hint in hints:
        hinted = codec_for(hint)
        if not hinted:
            continue
        if hinted.startswith("iso2022_jp"):  # 8-bit bytes in a JIS mail are Shift_JIS or EUC-JP
            extra += ["cp932", "euc_jis_2004"]
        elif hinted not in _SEVEN_BIT and not hinted.startswith("iso2022"):
            extra.append(hinted)
    extra.sort(key=lambda c: 0 if c in _MULTIBYTE else 1)
    for c in extra:
        if c not in out:
            out.append(c)
    return out


def _hints(hint) -> tuple[str, ...]:
    if not hint:
        return ()
    return (hint,) if isinstance(hint, str) else tuple(hint)


def decode_bytes(data: bytes, label: str | None = None, hint: str | tuple[str, ...] | None = None) -> str:
    """Text from bytes in a declared charset, falling back instead of failing."""
    if not data:
        return ""
    codec = codec_for(label) or ""
    if data.isascii() and not codec.startswith(("utf_7", "utf-7", "hz", "iso2022", "utf_16", "utf_32")):
        return data.decode("ascii")
    hints = _hints(hint)
    for codec in _candidates(label, hints):
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError, ValueError):
            continue
    codec = codec_for(label)
    if not codec or codec == "ascii":
        codec = next((c for c in map(codec_for, hints) if c and c != "ascii"), None) or guess_charset(data)
    try:
        return data.decode(codec, "replace")
    except (LookupError, ValueError):
        return data.decode("cp1252", "replace")


_HIGH_RUNS = re.compile(rb"[\x80-\xff]+")


def _cyrillic_score(text: str) -> float:
    """Share of the non-ASCII characters that are Cyrillic letters, lower case counting double:
    KOI8-R read as windows-1251 (and the reverse) comes out mostly in capitals."""
    high = [ch for ch in text if ord(ch) > 127]
    if not high:
        return 0.0
    lower = sum(1 for ch in high if "\u0430" <= ch <= "\u044f" or ch == "\u0451")
    upper = sum(1 for ch in high if "\u0410" <= ch <= "\u042f" or ch == "\u0401")
    return (2 * lower + upper) / (2 * len(high))


def guess_charset(data: bytes) -> str:
    """A charset for 8-bit text that declares none and is not UTF-8 (never raises).

    Russian mail first: windows-1251 or KOI8-R when the text reads as mostly lower-case
    Cyrillic in runs (words); then GB18030 when every 8-bit run has an even length and the runs are long
    (Chinese words; Latin-1 accents are short runs); else windows-1252.
    """
    runs = _HIGH_RUNS.findall(data)
    mean_run = sum(map(len, runs)) / len(runs) if runs else 0
    best, best_score = "cp1252", 0.55
    # Russian words are runs of 8-bit letters; Latin-1 accents stand alone between ASCII.
    for codec in ("cp1251", "koi8-r") if mean_run >= 2.5 else ():
        try:
            score = _cyrillic_score(data.decode(codec))
        except UnicodeDecodeError:
            continue
        if score > best_score:
            best, best_score = codec, score
    if best != "cp1252":
        return best
    if runs and all(len(r) % 2 == 0 for r in runs) and mean_run >= 4:
        try:
            data.decode("gb18030")
            return "gb18030"
        except UnicodeDecodeError:
            pass
    return "cp1252"


def clean_text(text: str) -> str:
    """No lone surrogates (the store cannot hold them); NULs become U+FFFD."""
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text.replace("\x00", "\ufffd")


def _raw_bytes(value: str) -> bytes:
    """The original bytes of a header value the parser kept with surrogate escapes."""
    try:
        return value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape")


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
    raw = value if isinstance(value, bytes) else _raw_bytes(str(value))
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

_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")
_ID_IN_BRACKETS = re.compile(r"<([^<>\s]+)>")


def _headers(msg: Message, name: str) -> list[str]:
    name = name.lower()
    return [v for k, v in msg.raw_items() if k.lower() == name]


def _first(msg: Message, name: str) -> str | None:
    values = _headers(msg, name)
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


def _parse_date(value: str | None) -> datetime | None:
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


def _sender(msg: Message, hint: tuple[str, ...]) -> tuple[str | None, str, bool]:
    """(address, display name, valid) from From, then Reply-To, then Sender."""
    fallback: tuple[str | None, str] | None = None
    for header in ("from", "reply-to", "sender"):
        for raw in _headers(msg, header):
            # Decode 8-bit bytes first; keep encoded words encoded so an encoded comma in a
            # display name does not split the address list.
            raw_bytes = _raw_bytes(raw)
            text = decode_bytes(raw_bytes, None, hint) if not raw_bytes.isascii() else raw_bytes.decode("ascii")
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


def _is_auto(msg: Message, sender: str | None) -> bool:
    auto = (_first(msg, "auto-submitted") or "").strip().lower()
    if auto and auto != "no":
        return True
    if (_first(msg, "precedence") or "").strip().lower() in ("bulk", "junk", "list", "auto_reply"):
        return True
    if _first(msg, "x-autoreply") or _first(msg, "x-autorespond") or _first(msg, "list-id"):
        return True
    if msg.get_content_type() == "multipart/report":
        return True
    if (_first(msg, "return-path") or "").strip() == "<>":  # a bounce has a null envelope sender
        return True
    local = (sender or "").split("@")[0].lower()
    return local in ("mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply")


# --- the MIME tree -----------------------------------------------------------------------

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
    data = re.sub(rb"\r?\n[ \t]*", b" ", _raw_bytes(raw))
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


_UU_BEGIN = re.compile(r"^begin(?:-base64)? ([0-7]{3,4}) (.+?)\s*$", re.M)


class _Collector:
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
            data = _raw_bytes(raw) if isinstance(raw, str) else b""
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
            raw = _first(part, header)
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
        self.attachments.append(AttachmentInput(filename=clean_text(name), data=data, content_type=ctype))

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
                subject = decode_header_text(_first(inner_msg, "subject"), self.hint).strip()
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
        plain: _Collector | None = None
        html: _Collector | None = None
        other: _Collector | None = None
        for child in children:
            if not isinstance(child, Message):
                continue
            sub = _Collector(self.hint)
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


def _extract_uuencoded(text: str) -> tuple[str, list[AttachmentInput]]:
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


def _charset_hints(msg: Message) -> tuple[str, ...]:
    """Every charset the message declares, in order: the best guess for raw 8-bit headers."""
    seen: list[str] = []
    for part in msg.walk():
        try:
            charset = part.get_content_charset()
        except Exception:
            charset = None
        if charset and codec_for(charset) not in (None, "ascii") and charset not in seen:
            seen.append(charset)
    return tuple(seen)


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


_SENDER_HEADERS = ("from", "reply-to", "sender")


def _has_headers(msg: Message) -> bool:
    names = {k.lower() for k, _ in msg.raw_items()}
    return bool(names & {"from", "reply-to", "sender", "subject"})


def parse_mail(raw: bytes) -> ParsedMail:
    """Read one message; MailParseError says why it cannot be read at all."""
    if not raw or not raw.strip():
        raise MailParseError("empty message")
    try:
        msg = message_from_bytes(raw, policy=compat32)
    except Exception as exc:  # the feed parser hardly ever raises, but never trust that
        raise MailParseError(f"unreadable MIME structure: {type(exc).__name__}: {exc}") from None
    notes: list[str] = []
    if not _has_headers(msg):
        repaired = _repair_headers(raw)
        if repaired is not None:
            again = message_from_bytes(repaired, policy=compat32)
            if _has_headers(again):
                msg = again
                notes.append("header block repaired (junk first line or broken continuation lines)")
    names = {k.lower() for k, _ in msg.raw_items()}
    if not names & set(_SENDER_HEADERS):
        if not names & {"subject", "date", "message-id", "to", "received"}:
            raise MailParseError("no mail headers found: this is not an e-mail message")
        raise MailParseError("no sender: the mail has no From, Reply-To or Sender header")

    hint = _charset_hints(msg)
    address, name, valid = _sender(msg, hint)
    if not address and not name:
        raise MailParseError("no sender: From, Reply-To and Sender name no one")

    collector = _Collector(hint)
    collector.walk(msg)
    body = "\n\n".join(t.strip("\n") for t in collector.texts if t and t.strip())
    body, uu_files = _extract_uuencoded(body)
    attachments = collector.attachments + uu_files
    body = clean_text(body.replace("\r\n", "\n").replace("\r", "\n")).strip("\n")

    subject = decode_header_text(_first(msg, "subject"), hint)
    subject = re.sub(r"\s+", " ", subject).strip()[:MAX_SUBJECT]
    message_id = normalize_id(_first(msg, "message-id"))
    in_reply_to = normalize_id(_first(msg, "in-reply-to"))
    references = id_list(" ".join(_headers(msg, "references")))
    date = _parse_date(_first(msg, "date"))

    digest = content_hash(
        "mail",
        decode_header_text(" ".join(_headers(msg, "from"))),
        decode_header_text(_first(msg, "date") or ""),
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
        auto_submitted=_is_auto(msg, address),
        notes=notes + collector.notes,
    )
