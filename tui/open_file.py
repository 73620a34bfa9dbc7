"""Opening an attachment outside the app: the system's opener for any file, a pager for text.

The composition root (tui/cli/compose.py) gives the app ``system_viewers()``: the opener is
``xdg-open`` (Linux) or ``open`` (macOS), found with ``shutil.which``; the pager is ``$PAGER``, else
``less`` or ``more``. Tests give the app fakes. Either may be missing (a server over SSH has no
desktop): the attachment screen then says so and offers saving instead.

Files are written into a private folder (``tempfile.mkdtemp``: readable by its owner only) under a
safe name (data/read/attachments.py), and the folder is removed when the app exits. The opener
runs detached, its input and output on /dev/null (it must never draw on the app's terminal); the
pager runs in the terminal while the app is suspended (``App.suspend``), and gets the text with
its control characters made visible (tui/safe_text.py), never the raw bytes.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

OPENERS = ("xdg-open", "open")
PAGERS = ("less", "more")


@dataclass
class Viewers:
    """How this app hands a file to something outside it; None where nothing was found."""

    opener: Callable[[Path], None] | None = None  # returns at once; the file opens on the desktop
    pager: Callable[[Path], None] | None = None  # returns when the agent quits the pager
    opener_name: str = ""
    pager_name: str = ""
    _folder: Path | None = field(default=None, repr=False)

    def private_folder(self) -> Path:
        """A folder only this user may read, made on first use."""
        if self._folder is None or not self._folder.is_dir():
            self._folder = Path(tempfile.mkdtemp(prefix="helpdesk-"))
        return self._folder

    def cleanup(self) -> None:
        """Remove the private folder and what was written there (the app is exiting)."""
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def _run_detached(command: list[str], path: Path) -> None:
    subprocess.Popen(
        [*command, str(path)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _run_in_terminal(command: list[str], path: Path) -> None:
    subprocess.run([*command, str(path)], check=False)


def _pager_command(environ: Mapping[str, str], which: Callable[[str], str | None]) -> list[str] | None:
    try:
        wanted = shlex.split(environ.get("PAGER", ""))
    except ValueError:
        wanted = []
    if wanted and which(wanted[0]):
        return wanted
    for name in PAGERS:
        found = which(name)
        if found:
            return [found]
    return None


def system_viewers(
    environ: Mapping[str, str] | None = None, which: Callable[[str], str | None] = shutil.which
) -> Viewers:
    """The machine's opener and pager, as far as they exist."""
    environ = os.environ if environ is None else environ
    opener = next((found for found in map(which, OPENERS) if found), None)
    pager = _pager_command(environ, which)
    return Viewers(
        opener=(lambda path: _run_detached([opener], path)) if opener else None,
        pager=(lambda path: _run_in_terminal(pager, path)) if pager else None,
        opener_name=Path(opener).name if opener else "",
        pager_name=Path(pager[0]).name if pager else "",
    )
