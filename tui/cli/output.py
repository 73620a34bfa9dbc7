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


def _scalar(value) -> str:
    if isinstance(value, str):
        return encode_basestring(value)  # the stdlib's own (C) string encoder, as json.dumps uses
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is int:
        return int.__repr__(value)
    raise TypeError(type(value).__name__)


def _element(item: dict) -> str:
    """``item`` as an element of an array ``json_text`` indents (2 spaces a level). A list's
    rows are flat objects of strings, numbers, booleans and flat lists of them: written directly
    (json.dumps with an indent runs its pure-Python encoder, three times slower); anything else
    through ``json_text``."""
    try:
        fields = []
        for key, value in item.items():
            if isinstance(value, list):
                shown = ("[\n      " + ",\n      ".join(map(_scalar, value)) + "\n    ]") if value else "[]"
            else:
                shown = _scalar(value)
            fields.append(f"    {_scalar(key)}: {shown}")
    except TypeError:
        # json_text escapes every line break inside a string, so each raw one is the layout's.
        return "  " + json_text(item).replace("\n", "\n  ")
    return inert_json("  {\n" + ",\n".join(fields) + "\n  }" if fields else "  {}")


def emit_json_lines(items: Iterable, file=None) -> int:
    """JSON Lines: each element on a line of its own, written as ``items`` yields it."""
    out = file or sys.stdout
    written = 0
    for item in items:
        out.write(json_text(item, indent=None) + "\n")
        written += 1
    return written
