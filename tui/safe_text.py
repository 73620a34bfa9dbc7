"""Untrusted text made safe to show, for the CLI and the TUI alike (no Textual here).

Customer subjects, bodies, names and file names may hold terminal control: C0 controls (ESC
starts the sequences that clear the screen, set the title or write the clipboard: OSC 52), DEL,
C1 controls (0x9b is CSI on 8-bit terminals), and invisible characters that reorder or hide
text (bidi overrides and isolates: "Red\u202eTXT.exe" shows as "Redexe.TXT"; zero-width
characters; the BOM). :func:`visible` replaces each with a visible stand-in, keeping newlines
and tabs; :func:`json_text` escapes them inside JSON strings, so the data stays exact and valid.
The store always keeps the text as it came.
"""

from __future__ import annotations

import json
import re

# C0 but newline and tab, DEL, C1.
_CONTROL = "\x00-\x08\x0b-\x1f\x7f\x80-\x9f"
# Bidi marks, embeddings, overrides and isolates; zero-width spaces and joiners; word joiner and
# invisible operators; BOM; Arabic letter mark; Mongolian vowel separator; lone surrogates.
_INVISIBLE = "\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff"
_UNSAFE = re.compile(f"[{_CONTROL}{_INVISIBLE}]")
_CONTROLS_ONLY = re.compile(f"[{_CONTROL}]")
_UNSAFE_IN_JSON = re.compile(f"[\x7f\x80-\x9f{_INVISIBLE}]")  # json.dumps escapes C0 itself


def _stand_in(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀..␟: the Unicode control pictures (␛ for ESC)
    if code == 0x7F:
        return "\u2421"  # ␡
    if code <= 0x9F:
        return f"\\x{code:02x}"
    return f"⟨U+{code:04X}⟩"


def visible(text: str | None, *, single_line: bool = False, invisible: bool = True) -> str:
    """``text`` with every control and invisible character shown as a stand-in.

    ``single_line`` folds newlines and tabs into spaces (a table cell, a list line);
    ``invisible=False`` leaves bidi and zero-width marks alone (text an agent is typing)."""
    text = text or ""
    if single_line:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    else:
        text = text.replace("\r\n", "\n")
    return (_UNSAFE if invisible else _CONTROLS_ONLY).sub(_stand_in, text)


def clean(text: str | None, *, single_line: bool = False) -> str:
    """Text an agent types or pastes, with control characters made visible; the marks of their
    own writing (bidi, zero-width joiners) stay as typed."""
    return visible(text, single_line=single_line, invisible=False)


def json_text(data, *, indent: int | None = 2) -> str:
    """JSON for a terminal or a script: readable Unicode, but nothing that acts on a terminal
    (controls and invisible characters as ``\\uXXXX`` escapes: the same data, valid JSON)."""
    return inert_json(json.dumps(data, ensure_ascii=False, indent=indent))


def inert_json(text: str) -> str:
    """JSON text written by ``json.dumps(..., ensure_ascii=False)`` with the characters that act
    on a terminal escaped (json.dumps escapes the C0 controls itself)."""
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
