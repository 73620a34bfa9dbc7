"""The queue's pages on the large desk against the demo desk (200 tickets), in the data layer:
what the queue screen loads when it opens and when it jumps.

* first page: the tab counts and the first 50 rows (``data.read.queue.load_snapshot``), for the
  "New" tab (the default) and "All";
* a deep page: 50 rows at the end of "All", by OFFSET (a jump: End) and by keyset (``after=``
  the previous page's last key: paging on).

Median of ``ctx.repeat`` calls each after one warm-up. No targets: reported, as
bench/bench_queue.py did (the TUI's keys are bench/queue_keys.py's).
"""

from __future__ import annotations

from pathlib import Path

from bench.figures import BenchContext, Figure, median, timed_ms
from helpdesk.data.core.clock import Clock, parse_instant
from helpdesk.data.read import queue as dq
from helpdesk.data.rules.desk import os_login
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.store import models as m
from helpdesk.data.store.database import open_store

PAGE = 50


def _desk_ms(db: Path, now: str, repeat: int) -> dict[str, float]:
    open_store(str(db), load_regulation(), parse_instant(now) if now else Clock().now(), creator=os_login())
    try:
        agent = os_login()
        out = {}
        for tab in ("new", "all"):
            f = dq.QueueFilter(tab=tab, agent=agent)
            out[f"first_{tab}"] = median(timed_ms(lambda: dq.load_snapshot(f, limit=PAGE), repeat))
        f = dq.QueueFilter(tab="all", agent=agent)
        last = max(0, dq.count_queue(f) - PAGE)
        before = dq.fetch_rows(f, max(0, last - PAGE), PAGE)
        after = before[-1].sort_key if before else None
        out["deep_offset"] = median(timed_ms(lambda: dq.fetch_rows(f, last, PAGE), repeat))
        out["deep_keyset"] = median(timed_ms(lambda: dq.fetch_rows(f, last, PAGE, after), repeat))
        return out
    finally:
        m.database_proxy.close()


def measure(ctx: BenchContext) -> list[Figure]:
    now = ctx.extra.get("now", "")
    large = _desk_ms(ctx.large_db, now, ctx.repeat)
    demo = _desk_ms(ctx.demo_db, now, ctx.repeat)
    size = f"{ctx.tickets:,} tickets"
    ref = "the same on the demo desk (200 tickets)"
    how = f"median of {ctx.repeat} calls after one warm-up"
    return [
        Figure(f"queue first page, tab New (counts + 50 rows), {size}", large["first_new"], "ms", ref, demo["first_new"],
               None, notes=how),  # fmt: skip
        Figure(f"queue first page, tab All (counts + 50 rows), {size}", large["first_all"], "ms", ref, demo["first_all"],
               None, notes=how),  # fmt: skip
        Figure(f"queue deep page by OFFSET (the last 50 of All), {size}", large["deep_offset"], "ms", ref,
               demo["deep_offset"], None, notes=how),  # fmt: skip
        Figure(f"queue deep page by keyset (the last 50 of All), {size}", large["deep_keyset"], "ms", ref,
               demo["deep_keyset"], None, notes=how),  # fmt: skip
    ]
