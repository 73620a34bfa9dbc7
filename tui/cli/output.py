"""What the CLI writes: every line through tui/safe_text.py, so no customer text (a subject, a
name, a file name, a mail quoted in an error) can act on the agent's terminal or clipboard."""

from __future__ import annotations

import sys

from helpdesk.tui.safe_text import json_text, visible


def emit(*parts, sep: str = " ", end: str = "\n", file=None, flush: bool = False) -> None:
    """``print`` with controls and invisible characters made visible (newlines and tabs kept)."""
    print(visible(sep.join(str(part) for part in parts)), end=end, file=file or sys.stdout, flush=flush)


def emit_json(data) -> None:
    """JSON on standard output: valid, exact, and inert on a terminal (tui/safe_text.json_text)."""
    print(json_text(data))
