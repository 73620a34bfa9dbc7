"""Helpers shared by the workflow screens' tests (prepared replies, picker, reports, modals)."""

from __future__ import annotations

import asyncio
import functools

from textual.screen import Screen
from textual.worker import WorkerState

from data import tickets as t
from tui.app import HelpdeskApp


class WorkflowApp(HelpdeskApp):
    """The real app with an empty base screen: these tests are about one screen, not the queue."""

    def __init__(self, desk, **kwargs) -> None:
        kwargs.setdefault("watch_changes", False)
        super().__init__(desk, **kwargs)

    def get_default_screen(self) -> Screen:
        return Screen()


def sync(test):
    """Run an async Pilot test with asyncio.run (the suite has no async plugin)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return run


async def settle(pilot) -> None:
    """Let workers finish and their messages be handled."""
    for _ in range(200):
        await pilot.pause()
        if not any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in pilot.app.workers):
            break
        await pilot.pause(0.01)
    await pilot.pause()


async def push(pilot, screen, results: list | None = None):
    pilot.app.push_screen(screen, results.append if results is not None else None)
    await settle(pilot)
    await settle(pilot)
    return screen


def new_ticket(desk, **overrides) -> int:
    values = dict(subject="Вопрос", body="Текст", customer_email="ivan@example.ru", customer_name="Иван Петров",
                  product="Fenix+ 3")
    values.update(overrides)
    return t.create_ticket(desk, t.NewTicket(**values)).number
