"""Bytes to text for mail: MIME charset labels as they are really used, and guesses where none is given.

Mail labels its charsets loosely: ``gb2312`` holds GBK, ``iso-8859-1`` holds windows-1252,
``shift_jis`` holds the Microsoft variant, and 8-bit bytes come with no label or a 7-bit one.
:func:`decode_bytes` tries the label's codec (and its superset), UTF-8, then the charsets the
rest of the message declares, and never raises; :func:`guess_charset` picks a charset for
unlabelled 8-bit text (Russian and Chinese first, else windows-1252).
"""

from __future__ import annotations

import codecs
import re
from email.message import Message

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


def raw_bytes(value: str) -> bytes:
    """The original bytes of a header value the parser kept with surrogate escapes."""
    try:
        return value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape")


def charset_hints(msg: Message) -> tuple[str, ...]:
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
