"""A small desk for the benchmark areas' tests: a few dozen tickets in every state, on a file."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from bench.figures import BenchContext
from helpdesk.data.core.errors import HelpdeskError
from helpdesk.data.rules import statuses as st
from helpdesk.data.store import models as m
from helpdesk.data.tickets import operations as tk
from helpdesk.data.tickets.split_merge import merge_tickets
from tests.factories import new_ticket

NOW = "2026-11-27T15:00:00+03:00"
TICKETS = 40


def small_desk(make_desk, db_path: str) -> Path:
    """``TICKETS`` tickets over three weeks before ``NOW`` (answered, waiting, closed, merged, some of
    each), through the operations; the store closed, its file returned."""
    desk = make_desk(NOW)
    rng = random.Random(5)
    desk.clock.set(desk.now() - timedelta(days=21))
    for k in range(TICKETS):
        desk.clock.set(desk.now() + timedelta(minutes=rng.choice((20, 90, 300, 700))))
        number = new_ticket(desk, priority=rng.choice(("low", "normal", "high")))
        try:
            if rng.random() < 0.8:
                tk.add_reply(desk, number, "Ответ")
            if rng.random() < 0.3:
                tk.set_status(desk, number, rng.choice((st.WAITING, st.RESOLVED, st.CLOSED)))
            if k and rng.random() < 0.1:
                merge_tickets(desk, number, number - 1)
        except HelpdeskError:
            pass
    m.database_proxy.close()
    return Path(db_path)


def context(db: Path, workdir: Path) -> BenchContext:
    """The runner's context in quick mode, on ``db``."""
    return BenchContext(db, db, workdir, True, TICKETS, 2 * TICKETS, repeat=2, extra={"now": NOW})
