"""Writing in the agent's own editor: the text goes out to a private file, comes back edited.

The command (``$VISUAL``, ``$EDITOR`` or a default found on the machine) is resolved by the
composition root (tui/cli/compose.py) and passed to the App; this module only runs it:

* the text is written, as UTF-8, to a new temporary file only its owner may read (0600), which
  is removed afterwards whatever happens;
* the command runs with the file's path as its last argument and waits for the editor to end
  (the App suspends itself around it: tui/widgets/writing_area.py);
* the file is read back: the line ends an editor may have changed (CRLF, one final newline the
  text did not have) are undone, and an unchanged text comes back as ``None``.

An editor that cannot start, ends with a failure or leaves no readable file raises
``EditorFailed``: the text in the app is kept as it was.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from typing import Sequence

# What a file of agent text is called on disk (an editor may pick its mode from the suffix).
PREFIX = "helpdesk-"
SUFFIX = ".txt"


@dataclass
class EditorFailed(Exception):
    """The editor did not give a text back: ``reason`` is "missing", "failed" or "unreadable"."""

    reason: str
    command: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.reason}: {self.command}: {self.detail}"


def _normalised(edited: str, original: str) -> str:
    """``edited`` with the line ends the editor made undone: CRLF, and one final newline added."""
    text = edited.replace("\r\n", "\n")
    if text.endswith("\n") and not original.endswith("\n"):
        text = text[:-1]
    return text


def edit_text(command: Sequence[str], text: str, *, name: str = "text") -> str | None:
    """Run ``command`` on a private copy of ``text``; the edited text, or None if unchanged.

    ``name`` becomes part of the file name ("helpdesk-reply-xxxx.txt"), so the editor's title
    says what is being written. Raises EditorFailed.
    """
    if not command:
        raise EditorFailed("missing", "", "")
    shown = " ".join(command)
    handle, path = tempfile.mkstemp(prefix=f"{PREFIX}{name}-", suffix=SUFFIX)
    try:
        os.fchmod(handle, 0o600)  # mkstemp's default already; said here so it stays so
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        try:
            result = subprocess.run([*command, path], check=False)
        except OSError as exc:  # not found, not executable
            raise EditorFailed("missing", shown, exc.strerror or str(exc)) from None
        if result.returncode != 0:
            raise EditorFailed("failed", shown, str(result.returncode))
        try:
            with open(path, encoding="utf-8", errors="replace", newline="") as file:
                edited = file.read()
        except OSError as exc:
            raise EditorFailed("unreadable", shown, exc.strerror or str(exc)) from None
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass
    edited = _normalised(edited, text)
    return None if edited == text else edited
