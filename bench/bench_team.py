"""The queue's unread marks on 100,000 tickets (five events each): a page's marks and the tab counts.

    .venv/bin/python -m bench.bench_team [--tickets 100000] [--repeat 7]

The store is a temporary SQLite file filled with ``data.demo.bulk_tickets`` and 5 events a ticket
(executemany). "Page marks" is what the queue loads with each page of 50 rows
(``data.team.seen.unread``); "tab counts" is the unread count of every tab
(``seen.unread_by_tab``), first for an agent without a baseline (every event is read: what the
baseline spares), then after ``seen.start`` and 300 new events by others (a desk in use). The
median of ``--repeat`` runs is reported; the numbers move with the machine's load.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from helpdesk.data.core.clock import Clock, FixedClock, parse_instant
from helpdesk.data.demo import bulk_tickets
from helpdesk.data.read import queue as dq
from helpdesk.data.rules.desk import Desk
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.store import models as m
from helpdesk.data.store.database import open_store
from helpdesk.data.team import seen

NOW = "2026-11-25T10:00:00+03:00"
ACTORS = ("email", "petrova", "sidorov", "customer")
ACTIONS = ("created", "status", "reply")


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def add_events(ticket_ids: list[int], per_ticket: int, rng: random.Random, at: str) -> None:
    rows = [(tid, rng.choice(ACTORS), rng.choice(ACTIONS), at) for tid in ticket_ids for _ in range(per_ticket)]
    db = m.database_proxy.obj
    with db.atomic():
        db.cursor().executemany("INSERT INTO event (ticket_id, actor, action, created_at) VALUES (?, ?, ?, ?)", rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="helpdesk-bench-") as tmp:
        regulation = load_regulation()
        open_store(str(Path(tmp) / "team.db"), regulation, Clock().now(), creator=os_login())
        desk = Desk(regulation, FixedClock(parse_instant(NOW)), "petrova")
        fill = bulk_tickets(desk, args.tickets)
        rng = random.Random(7)
        ids = [i for (i,) in m.Ticket.select(m.Ticket.id).tuples()]
        at = m.Event.created_at.db_value(desk.now())
        add_events(ids, 5, rng, at)
        f = dq.QueueFilter(tab="new", agent=desk.agent)
        page = [row.number for row in dq.fetch_rows(f, 0, 50)]
        page_ms = median_ms(lambda: seen.unread(desk.agent, page), args.repeat)
        cold_ms = median_ms(lambda: seen.unread_by_tab(f, desk.agent), max(3, args.repeat // 2))
        seen.start(desk)
        add_events(rng.sample(ids, 300), 1, rng, at)
        warm_ms = median_ms(lambda: seen.unread_by_tab(f, desk.agent), args.repeat)
        counts_ms = median_ms(lambda: dq.count_tabs(f), args.repeat)
        m.database_proxy.close()
    print(f"filled {args.tickets} tickets and {5 * args.tickets} events in {fill:.1f} s + events")
    print(f"page marks (50 rows, one query)          {page_ms:8.1f} ms")
    print(f"tab counts, no baseline (every event)    {cold_ms:8.1f} ms")
    print(f"tab counts, baseline + 300 new events    {warm_ms:8.1f} ms")
    print(f"for scale: the queue's own tab counts    {counts_ms:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
