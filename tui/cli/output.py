"""What the CLI writes: every line through tui/safe_text.py, so no customer text (a subject, a
name, a file name, a mail quoted in an error) can act on the agent's terminal or clipboard."""

from __future__ import annotations

import sys
from json.encoder import encode_basestring
from typing import Iterable

from helpdesk.tui.safe_text import inert_json, json_text, visible


def emit(*parts, sep: str = " ", end: str = "\n", file=None, flush: bool = False) -> None:
    """``print`` with controls and invisible characters made visible (newlines and tabs kept)."""
    print(visible(sep.join(str(part) for part in parts)), end=end, file=file or sys.stdout, flush=flush)


def emit_json(data) -> None:
    """JSON on standard output: valid, exact, and inert on a terminal (tui/safe_text.json_text)."""
    print(json_text(data))


def emit_json_array(items: Iterable[dict], file=None) -> int:
    """One JSON array, each element written as ``items`` yields it (no list is built): the same
    text ``emit_json(list(items))`` prints. Returns how many elements were written."""
    out = file or sys.stdout
    written = 0
    for item in items:
        out.write(("[\n" if not written else ",\n") + _element(item))
        written += 1
    out.write("\n]\n" if written else "[]\n")
    return written


# The keys of the elements written so far, encoded with their indent: a list repeats the same few.
_KEYS: dict[str, str] = {}


def _scalar(value) -> str | None:
    """``value`` as JSON if it is a string, null, a boolean or an integer; None otherwise."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)  # the stdlib's own (C) string encoder, as json.dumps uses
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    return None


def _element(item: dict) -> str:
    """``item`` as an element of an array ``json_text`` indents (2 spaces a level), built directly
    when it is a flat object of strings, numbers, booleans, null and flat lists of those (what a
    list's rows are: json.dumps with an indent runs its pure-Python encoder, 3-4 times slower);
    anything else through ``json_text`` itself."""
    fields = []
    for key, value in item.items():
        name = _KEYS.get(key) if type(key) is str else None
        if name is None:
            if type(key) is not str:
                return _element_slowly(item)
            name = f"    {encode_basestring(key)}: "
            if len(_KEYS) < 256:
                _KEYS[key] = name
        shown = _scalar(value)
        if shown is None:
            if type(value) is not list:
                return _element_slowly(item)
            values = [_scalar(v) for v in value]
            if None in values:
                return _element_slowly(item)
            shown = ("[\n      " + ",\n      ".join(values) + "\n    ]") if values else "[]"
        fields.append(name + shown)
    return inert_json("  {\n" + ",\n".join(fields) + "\n  }" if fields else "  {}")


def _element_slowly(item) -> str:
    # json_text escapes every line break inside a string, so each raw one is the layout's.
    return "  " + json_text(item).replace("\n", "\n  ")


def emit_json_lines(items: Iterable, file=None) -> int:
    """JSON Lines: each element on a line of its own, written as ``items`` yields it."""
    out = file or sys.stdout
    written = 0
    for item in items:
        out.write(json_text(item, indent=None) + "\n")
        written += 1
    return written
