"""Helpers for the tests that drive the app with Textual's Pilot (tests/screens, tests/tui).

    from tests.pilot import HOSTILE, make_app, paste, screen_text, settle, sync
"""

from __future__ import annotations

import asyncio
import functools
import time

from textual import events
from textual.worker import WorkerState

from helpdesk.data.rules.desk import Desk
from helpdesk.screens.thread import ThreadScreen
from helpdesk.tui.app import HelpdeskApp
from helpdesk.tui.cli.compose import screen_set

# Untrusted text a customer could send: it must be shown as typed, never acted on.
HOSTILE = {
    "markup": "[b]x[/b]",
    "click": "[@click=app.quit]quit[/]",
    "clear": "\x1b[2J",
    "osc52": "\x1b]52;c;aGk=\x07",
}


def make_app(desk: Desk, **kwargs) -> HelpdeskApp:
    """The app as the CLI composes it (every screen), on ``desk``; ``kwargs`` as HelpdeskApp takes."""
    return HelpdeskApp(desk, screens=screen_set(), **kwargs)


def sync(test):
    """Run an async Pilot test with asyncio.run (the suite has no async plugin)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return run


async def settle(pilot, rounds: int = 1, *, groups: tuple[str, ...] | None = None, tries: int = 200) -> None:
    """Let workers finish and their messages be handled.

    ``rounds``: wait that many times over (a finished worker's message may start another one);
    ``groups``: wait only for workers of these groups (None: every worker of the app);
    ``tries``: how many pauses one round waits at the most.
    """
    for _ in range(rounds):
        for _ in range(tries):
            await pilot.pause()
            if not any(
                w.state in (WorkerState.PENDING, WorkerState.RUNNING) and (groups is None or w.group in groups)
                for w in pilot.app.workers
            ):
                break
            await pilot.pause(0.01)
        await pilot.pause()


BOUND = 30  # seconds: what a loaded machine may take at most, never a wait in itself


async def until(pilot, condition, what: str) -> None:
    """Let the app run until ``condition()`` holds (failing after BOUND seconds)."""
    deadline = time.monotonic() + BOUND
    while not condition():
        assert time.monotonic() < deadline, f"still not: {what}"
        await pilot.pause(0.05)


async def open_thread(pilot, number: int, *, wait=settle) -> ThreadScreen:
    """The thread view of ticket ``number`` pushed over the app's screen, loaded (``wait``: the
    test module's own settle, e.g. one waiting for its screens' worker groups)."""
    screen = ThreadScreen(number)
    pilot.app.push_screen(screen)
    await wait(pilot, 2)
    assert pilot.app.screen is screen
    return screen


async def paste(pilot, text: str) -> None:
    """Paste ``text`` into the focused widget as a terminal does: one Paste event for the App.

    For tests whose subject is not typing: ``pilot.press`` is a round trip of the app for every
    character (in the new-ticket form, a customer search for every one).
    """
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


def screen_text(app) -> str:
    """The current screen as rendered, one line of text a row (styles dropped)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def acting(app):
    """``with acting(app):`` drive ``app`` while another app runs in the same test.

    Textual finds "the" app through a context variable of the asyncio task; after a second
    ``run_test`` the test's task names the second app, and code a key press runs in the test's
    task (a modal's callback, a worker it starts) would act on that one. Each process of the
    helpdesk runs one app: only a test of two agents at once needs this.
    """
    return app._context()
