"""Text as the store takes it: valid Unicode in every field, names and subjects on one line.

The store keeps text as UTF-8, which has no room for a lone surrogate: a JSON document may
hold one (``"\\ud800"``), and Python hands undecodable bytes of a command-line argument over as
surrogate escapes. Such a field is refused by name (:func:`check_text`) at every door that has
someone to answer; mail, which must never be lost, is repaired instead by its reader (U+FFFD
in place of what could not be read, ``channels/mime/charsets.clean_text``).

A name or a subject is one line (:func:`one_line`): line breaks and tabs become spaces, other
control characters are dropped, on every channel, so that a name can go into a mail header and
a subject into a list. What a customer wrote (a body, an attachment) is kept as it came.
"""

from __future__ import annotations

import re

from helpdesk.data.core.errors import Code, ValidationError

_SURROGATE = re.compile("[\ud800-\udfff]")
# Line and paragraph breaks (ASCII, NEL, U+2028/2029) and tabs: each run one space.
_BREAKS = re.compile("[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]+")
# The other control characters: C0, DEL and C1.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


def check_text(value: str | None, field: str) -> str | None:
    """``value`` when it is valid Unicode; else a ValidationError naming ``field`` (and where)."""
    found = _SURROGATE.search(value) if value else None
    if found is not None:
        raise ValidationError(
            field, Code.TEXT_NOT_UNICODE, where=field, index=found.start(), codepoint=f"{ord(found.group()):04X}"
        )
    return value


def one_line(text: str | None) -> str:
    """``text`` as one line without control characters (a name, a subject)."""
    return _CONTROLS.sub("", _BREAKS.sub(" ", text or ""))
