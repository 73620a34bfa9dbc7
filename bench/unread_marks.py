"""The queue's unread marks (data/team/seen.py) on the large desk against the demo desk: a
page's marks and every tab's unread count, for an agent who has never opened the app (every
event unread: what the baseline spares) and after their baseline and 300 new events by others
(a desk in use).

The changes (a baseline row, 300 events) are made in a transaction rolled back at the end: the
generated desk is shared by the other areas and cached for later runs. Median of ``ctx.repeat``
calls after one warm-up; reported, as bench/bench_team.py did.
"""

from __future__ import annotations

import random
from pathlib import Path

from bench.figures import BenchContext, Figure, median, timed_ms
from helpdesk.data.core.clock import Clock, FixedClock, parse_instant
from helpdesk.data.read import queue as dq
from helpdesk.data.rules.desk import Desk, os_login
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.store import models as m
from helpdesk.data.store.database import open_store
from helpdesk.data.team import seen

READER = "bench-reader"  # an agent with no history on either desk
ACTORS = ("email", "petrova", "sidorov", "customer")


def _desk_ms(db: Path, now: str, repeat: int) -> dict[str, float]:
    regulation = load_regulation()
    instant = parse_instant(now) if now else Clock().now()
    store = open_store(str(db), regulation, instant, creator=os_login())
    desk = Desk(regulation, FixedClock(instant), READER)
    out = {}
    try:
        with store.atomic() as transaction:
            f = dq.QueueFilter(tab="new", agent=READER)
            page = [row.number for row in dq.fetch_rows(dq.QueueFilter(tab="all", agent=READER), 0, 50)]
            out["cold_counts"] = median(timed_ms(lambda: seen.unread_by_tab(f, READER), max(3, repeat // 4)))
            seen.start(desk)
            ids = [i for (i,) in m.Ticket.select(m.Ticket.id).tuples()]
            rng = random.Random(7)
            at = m.Event.created_at.db_value(desk.now())
            rows = [(tid, rng.choice(ACTORS), "status", at) for tid in rng.sample(ids, min(300, len(ids)))]
            store.cursor().executemany("INSERT INTO event (ticket_id, actor, action, created_at) VALUES (?, ?, ?, ?)", rows)
            out["page_marks"] = median(timed_ms(lambda: seen.unread(READER, page), repeat))
            out["warm_counts"] = median(timed_ms(lambda: seen.unread_by_tab(f, READER), repeat))
            out["queue_counts"] = median(timed_ms(lambda: dq.count_tabs(f), repeat))
            transaction.rollback()
        return out
    finally:
        m.database_proxy.close()


def measure(ctx: BenchContext) -> list[Figure]:
    now = ctx.extra.get("now", "")
    large = _desk_ms(ctx.large_db, now, ctx.repeat)
    demo = _desk_ms(ctx.demo_db, now, ctx.repeat)
    ref = "the same on the demo desk (200 tickets)"
    size = f"{ctx.tickets:,} tickets"
    return [
        Figure(f"unread marks of a page (50 rows, one query), {size}", large["page_marks"], "ms", ref,
               demo["page_marks"], None, notes="after the reader's baseline and 300 new events by others"),  # fmt: skip
        Figure(f"unread counts of every tab, baseline + 300 new events, {size}", large["warm_counts"], "ms",
               "the queue's own tab counts on the same desk", large["queue_counts"], None,
               notes=f"on the demo desk: {demo['warm_counts']:.1f} ms"),  # fmt: skip
        Figure(f"unread counts of every tab, no baseline (every event unread), {size}", large["cold_counts"], "ms",
               ref, demo["cold_counts"], None, notes="what an agent's first start would cost without the baseline"),
    ]
