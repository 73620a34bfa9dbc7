"""What the terminal figures (bench/startup.py, bench/idle.py) start: the helpdesk on a desk, the
reference apps, and the text that says each has painted its first rows.

The helpdesk is started as an agent starts it (``helpdesk --db PATH --now NOW --lang ru``, the
generated desk's own "now" so its countdowns read as they did when it was made) under a pty of
80x24. Its queue has painted when the first row of its default view (the "New" tab by countdown,
asked of the data layer) shows its number and the start of its subject.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from bench import reference_app
from bench.figures import BenchContext
from bench.terminal import Session, base_env, helpdesk_command
from helpdesk.data.core.clock import Clock, parse_instant
from helpdesk.data.read import queue as dq
from helpdesk.data.rules.desk import os_login
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.store import models as m
from helpdesk.data.store.database import open_store

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class App:
    """A program to start and the texts that say its first screen with rows is there."""

    name: str
    argv: tuple[str, ...]
    painted: tuple[str, ...]

    def start(self, ctx: BenchContext) -> Session:
        return Session(list(self.argv), base_env(ctx.workdir), cwd=str(ROOT))


def now_of(ctx: BenchContext) -> str:
    return ctx.extra.get("now") or ""


def first_row(db: Path, now: str) -> tuple[int, str]:
    """The number and subject of the first row the queue shows on opening ``db``."""
    instant = parse_instant(now) if now else Clock().now()
    open_store(str(db), load_regulation(), instant, creator=os_login())
    try:
        rows = dq.fetch_rows(dq.QueueFilter(agent=os_login()), 0, 1)
    finally:
        m.database_proxy.close()
    if not rows:
        raise RuntimeError(f"{db}: the queue's default tab is empty: nothing to wait for")
    return rows[0].number, rows[0].subject


def helpdesk(ctx: BenchContext, db: Path, name: str) -> App:
    now = now_of(ctx)
    number, subject = first_row(db, now)
    argv = [*helpdesk_command(), "--db", str(db), "--lang", "ru"] + (["--now", now] if now else [])
    return App(name, tuple(argv), (str(number), subject[:8]))


def reference_table() -> App:
    return App("reference table app", (sys.executable, "-m", "bench.reference_app", "table"),
               (reference_app.FIRST_ROW, reference_app.FIRST_SUBJECT[:8]))  # fmt: skip


def reference_clock() -> App:
    return App("reference clock app", (sys.executable, "-m", "bench.reference_app", "clock"), ("Quit",))
