"""The one door untrusted text passes through before it reaches a widget.

Customer subjects, bodies, names and file names may hold Rich/Textual markup and terminal
escape sequences. ``literal()`` returns a ``Content`` that shows markup as typed, with control
and invisible characters (bidi overrides, zero-width) made visible (tui/safe_text.py), because
Textual passes ESC and OSC sequences through to the terminal untouched. The store keeps the raw
text. The plain-text part (``visible``, ``clean``, ``json_text``) is tui/safe_text.py, which
needs no Textual: the CLI uses it.
"""

from __future__ import annotations

from textual.content import Content
from textual.style import Style

from helpdesk.tui.safe_text import visible


def literal(text: str | None, *, single_line: bool = False, style: str = "") -> Content:
    """Untrusted text as Content: never parsed as markup, never raw escapes."""
    return Content.styled(visible(text, single_line=single_line), style) if style else Content(visible(text, single_line=single_line))


def marked(parts, *, mark: Style | str, style: Style | str = "") -> Content:
    """Untrusted text in pieces, the matched ones (a search's words) styled ``mark``: each piece
    made safe on its own (``literal``'s rules, on one line), so a stand-in never shifts a mark.

    ``parts`` is ``[(text, is_match), ...]`` (data/read/search.py ``Snippet.parts()``)."""
    pieces = []
    for text, is_match in parts:
        shown = visible(text, single_line=True)
        if is_match:
            pieces.append((shown, Style.combine([Style.parse(style) if isinstance(style, str) else style,
                                                  Style.parse(mark) if isinstance(mark, str) else mark])))
        elif style:
            pieces.append((shown, style))
        else:
            pieces.append(shown)
    return Content.assemble(*pieces)
