"""Helpers shared by the workflow screens' tests (prepared replies, picker, reports, modals).

The Pilot helpers (sync, settle) are in tests/pilot.py, the ticket factory in tests/factories.py.
"""

from __future__ import annotations

from textual.screen import Screen

from tests.pilot import settle
from helpdesk.tui.app import HelpdeskApp
from helpdesk.tui.cli.compose import screen_set


class WorkflowApp(HelpdeskApp):
    """The real app with an empty base screen: these tests are about one screen, not the queue."""

    def __init__(self, desk, **kwargs) -> None:
        kwargs.setdefault("watch_changes", False)
        super().__init__(desk, screens=screen_set(), **kwargs)

    def get_default_screen(self) -> Screen:
        return Screen()


async def push(pilot, screen, results: list | None = None):
    pilot.app.push_screen(screen, results.append if results is not None else None)
    await settle(pilot, 2)
    return screen


def event_lines(screen) -> list[str]:
    """The event lines of a thread view's conversation, as drawn."""
    conversation = screen.conversation
    return [conversation.entry_text(i) for i, e in enumerate(conversation.entries) if e.event is not None]
