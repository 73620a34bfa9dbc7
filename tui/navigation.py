"""The screens the app shell opens, handed to it by the composition root.

tui/ sits below screens/ (screens import widgets and the shell's messages), so the shell cannot
import the screens it shows; the CLI, which composes the app, passes them in as a ScreenSet
(helpdesk.tui.cli.compose.screen_set).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from textual.screen import Screen


@dataclass(frozen=True)
class ScreenSet:
    queue: Callable[[], Screen]
    thread: Callable[[int], Screen]
    new_ticket: Callable[[], Screen]
    prepared_replies: type[Screen]
    reports: type[Screen]
    quarantine: type[Screen]
    help: type[Screen]  # made with the screen whose keys it lists
