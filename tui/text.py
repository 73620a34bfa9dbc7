"""The one door untrusted text passes through before it reaches a widget.

Customer subjects, bodies, names and file names may hold Rich/Textual markup and terminal
escape sequences. ``literal()`` returns a ``Content`` that shows markup as typed, and replaces
control characters (C0 but newline and tab, DEL, C1) with visible stand-ins, because Textual
passes ESC and OSC sequences through to the terminal untouched. The store keeps the raw text.
"""

from __future__ import annotations

import re

from textual.content import Content

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")


def _stand_in(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀..␟: the Unicode control pictures
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\\x{code:02x}"


def clean(text: str | None, *, single_line: bool = False) -> str:
    """The text with control characters made visible (and newlines folded if single_line)."""
    text = text or ""
    if single_line:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    else:
        text = text.replace("\r\n", "\n")
    return _CONTROL.sub(_stand_in, text)


def literal(text: str | None, *, single_line: bool = False, style: str = "") -> Content:
    """Untrusted text as Content: never parsed as markup, never raw escapes."""
    return Content.styled(clean(text, single_line=single_line), style) if style else Content(clean(text, single_line=single_line))
