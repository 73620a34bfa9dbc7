"""Where the styles are: ``tui/styles/*.tcss``, one file for the app shell and one per screen.

The app loads only ``app.tcss`` when it starts; each screen names its own file in ``CSS_PATH``
(``stylesheet("queue.tcss")``), which Textual reads the first time the screen is shown: a
start-up parses the queue's styles, not every screen's. A screen's styles still apply app-wide
once read, so every rule is rooted at its screen class (``QueueScreen TicketTable { … }``).
"""

from __future__ import annotations

from pathlib import Path

STYLES_DIR = Path(__file__).with_name("styles")
APP_STYLES = STYLES_DIR / "app.tcss"


def stylesheet(name: str) -> Path:
    """The path of the styles file ``name`` (it must exist)."""
    path = STYLES_DIR / name
    if not path.is_file():
        raise FileNotFoundError(path)
    return path
