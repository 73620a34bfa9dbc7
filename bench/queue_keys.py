"""The queue's keys on the large desk against the same keys on the demo desk (200 tickets).

The real app (every screen, as tui/cli/compose.py composes it and tests/pilot.py ``make_app``
does) runs under ``App.run_test()`` at 120x40, in Russian, on a fixed clock (the desk's "now"),
without polling for other processes' commits. Each key goes in as a terminal's key event
through the driver (what ``Pilot.press`` does, without its idle waits of 20 ms and more), and
is timed until the screen has settled: every message it set off handled, no worker running,
the queue's rows on screen loaded (or the thread shown), and the frame rendered.

The keys, in rounds: the tabs 2 3 4 5; on "All": End, Home, page down twice, End, page up; the
orders s s s (age, number, countdown) and S S (reversed and back); the filters f f f (support
ended, out of hours, none), m m m (mine, unassigned, anyone), a product picked with p, down,
Enter (the Enter timed) and x (clear); Enter (open the ticket) and Escape (back); tab 1. One
round first untimed on each desk (warm caches), then ``max(1, ctx.repeat // 5)`` timed rounds.
The figure is the p95 of every key pooled, large desk against demo desk (target 1.25); the p95
of the CPU time each key took (process_time: the app and its database workers) is reported
beside it, as each group's p95 is. Animations are off: a tab's sliding underline takes the
same 0.3 s on any desk, and is not the work measured here.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path

from textual import events
from textual.worker import WorkerState

from bench.figures import BenchContext, Figure, p95
from helpdesk.data.core.clock import Clock, FixedClock, parse_instant
from helpdesk.data.rules.desk import Desk, os_login
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.store import models as m
from helpdesk.data.store.database import open_store
from helpdesk.screens.queue import QueueScreen
from helpdesk.screens.thread import ThreadScreen
from helpdesk.tui.app import HelpdeskApp
from helpdesk.tui.cli.compose import screen_set
from helpdesk.tui.i18n import set_language

SIZE = (120, 40)
TARGET = 1.25

# (group, keys pressed first without timing, the key timed)
ROUND: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("tabs", (), "2"), ("tabs", (), "3"), ("tabs", (), "4"), ("tabs", (), "5"),
    ("paging", (), "end"), ("paging", (), "home"), ("paging", (), "pagedown"), ("paging", (), "pagedown"),
    ("paging", (), "end"), ("paging", (), "pageup"),
    ("sort", (), "s"), ("sort", (), "s"), ("sort", (), "s"), ("sort", (), "S"), ("sort", (), "S"),
    ("filters", (), "f"), ("filters", (), "f"), ("filters", (), "f"),
    ("filters", (), "m"), ("filters", (), "m"), ("filters", (), "m"),
    ("filters", ("p", "down"), "enter"), ("filters", (), "x"),
    ("open/back", (), "enter"), ("open/back", (), "escape"),
    ("tabs", (), "1"),
)  # fmt: skip
GROUPS = ("tabs", "paging", "sort", "filters", "open/back")


@dataclass
class Timings:
    by_group: dict[str, list[float]] = field(default_factory=lambda: {g: [] for g in GROUPS})
    cpu: list[float] = field(default_factory=list)  # CPU ms of each timed key (every thread of the process)

    @property
    def pooled(self) -> list[float]:
        return [ms for samples in self.by_group.values() for ms in samples]


def _busy(app: HelpdeskApp) -> bool:
    if any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers):
        return True
    screen = app.screen
    if isinstance(screen, QueueScreen):
        return screen.loading
    if isinstance(screen, ThreadScreen):
        return screen.thread is None
    return False


async def _settle(pilot) -> None:
    """Until every message is handled, no worker runs and the screen has what it shows; then render."""
    app = pilot.app
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        await pilot._wait_for_screen()  # every message queued so far handled (Pilot's own wait)
        while _busy(app) and time.monotonic() < deadline:
            await asyncio.sleep(0.001)
        await pilot._wait_for_screen()  # ... and what the last worker posted
        if not _busy(app):
            break
    else:
        raise RuntimeError(f"the screen never settled ({app.screen!r})")
    app.screen._on_timer_update()  # the frame, as the next refresh would draw it


async def _key(pilot, key: str) -> None:
    """Send ``key`` as the terminal driver would (Pilot.press, without its idle waits)."""
    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(pilot.app)
    pilot.app._driver.send_message(event)
    await _settle(pilot)


async def _drive(app: HelpdeskApp, rounds: int) -> Timings:
    timings = Timings()
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        for round_ in range(rounds + 1):
            for group, before, key in ROUND:
                for untimed in before:
                    await _key(pilot, untimed)
                started, cpu = time.perf_counter(), time.process_time()
                await _key(pilot, key)
                elapsed = (time.perf_counter() - started) * 1000
                if round_:  # the first round warms the caches
                    timings.by_group[group].append(elapsed)
                    timings.cpu.append((time.process_time() - cpu) * 1000)
    return timings


def drive_desk(db: Path, now: str, rounds: int) -> Timings:
    """The key rounds on the desk in ``db`` (its "now" fixed: the countdowns as generated)."""
    regulation = load_regulation()
    instant = parse_instant(now) if now else Clock().now()
    open_store(str(db), regulation, instant, creator=os_login())
    try:
        desk = Desk(regulation, FixedClock(instant), os_login())
        set_language("ru")
        app = HelpdeskApp(desk, screens=screen_set(), watch_changes=False, agent_tz=regulation.timezone)
        app.animation_level = "none"
        return asyncio.run(_drive(app, rounds))
    finally:
        m.database_proxy.close()


def measure(ctx: BenchContext) -> list[Figure]:
    now = ctx.extra.get("now", "")
    rounds = max(1, ctx.repeat // 5)
    large = drive_desk(ctx.large_db, now, rounds)
    demo = drive_desk(ctx.demo_db, now, rounds)
    size = f"{ctx.tickets:,} tickets"
    how = (f"{rounds} round(s) of {len(ROUND)} keys after one untimed round, each key until the screen settled "
           f"(bench/queue_keys.py), 120x40")
    figures = [
        Figure(f"queue keys, p95 of all {len(large.pooled)} (tabs, filters, sorts, reverse, End/Home/page, "
               f"open/back), {size}", p95(large.pooled), "ms",
               "the same keys on the demo desk (200 tickets)", p95(demo.pooled), TARGET, notes=how),
    ]
    figures.append(Figure(f"queue keys, CPU p95 of all {len(large.cpu)}, {size}", p95(large.cpu), "ms",
                          "the same keys' CPU on the demo desk", p95(demo.cpu), None,
                          notes="CPU time of the process (every thread: the app and its database workers) per key; "
                                "a loaded machine stretches the wall clock above, not this"))
    for group in GROUPS:
        figures.append(Figure(f"queue keys, p95 of the {group} keys, {size}", p95(large.by_group[group]), "ms",
                              "the same keys on the demo desk", p95(demo.by_group[group]), None))
    return figures
