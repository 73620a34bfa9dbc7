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
    """How to make each screen: the queue, a ticket's thread, the new-ticket form; and the
    classes of the screens opened at most once (a call gives the class: the composition root may
    import a screen's module only when it is first opened); the help, made for the screen whose
    keys it lists (its module too is imported when it is first shown: the app recognises an open
    help by its class attribute ``SHOWS_KEYS``, not by its class)."""

    queue: Callable[[], Screen]
    thread: Callable[[int], Screen]
    new_ticket: Callable[[], Screen]
    prepared_replies: Callable[[], type[Screen]]
    reports: Callable[[], type[Screen]]
    quarantine: Callable[[], type[Screen]]
    help: Callable[[Screen], Screen]  # the keys of the screen given; the screen it makes has SHOWS_KEYS
