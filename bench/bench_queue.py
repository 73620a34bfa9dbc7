"""Queue paging on 100,000 tickets against 100: time to the first page and to a page deep in the list.

    .venv/bin/python bench/bench_queue.py [--tickets 100000] [--repeat 7]

Each store is a temporary SQLite file filled with ``data.demo.bulk_tickets`` (one INSERT built by
peewee, run with executemany).
"First page" is what the queue screen loads on open: the tab counts and the first 50 rows
(``data.queue.load_snapshot``). "Deep page" is 50 rows at the end of the list, by OFFSET (a jump,
e.g. End, which is what the table uses) and by keyset (``after=`` the previous page's last key).
The ratio large/small is what the issue asks about; the median of ``--repeat`` runs is reported.
The numbers move with the machine's load: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from helpdesk.data.core.clock import Clock
from helpdesk.data.rules.desk import os_login
from helpdesk.data.store import models as m  # noqa: E402
from helpdesk.data.read import queue as dq  # noqa: E402
from helpdesk.data.core.clock import FixedClock, parse_instant  # noqa: E402
from helpdesk.data.demo import bulk_tickets  # noqa: E402
from helpdesk.data.rules.desk import Desk  # noqa: E402
from helpdesk.data.rules.regulation import load_regulation  # noqa: E402
from helpdesk.data.store.database import open_store  # noqa: E402

NOW = "2026-11-25T10:00:00+03:00"
PAGE = 50


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(count: int, repeat: int, directory: Path) -> dict:
    regulation = load_regulation()
    path = directory / f"queue-{count}.db"
    open_store(str(path), regulation, Clock().now(), creator=os_login())
    desk = Desk(regulation, FixedClock(parse_instant(NOW)), "petrova")
    fill = bulk_tickets(desk, count)
    results = {"fill_s": fill}
    for tab in ("new", "all"):
        f = dq.QueueFilter(tab=tab, agent="petrova")
        total = dq.count_queue(f)
        last = max(0, total - PAGE)
        before = dq.fetch_rows(f, max(0, last - PAGE), PAGE)
        after = before[-1].sort_key if before else None
        results[tab] = {
            "total": total,
            "first_page_ms": median_ms(lambda: dq.load_snapshot(f, limit=PAGE), repeat),
            "deep_offset_ms": median_ms(lambda: dq.fetch_rows(f, last, PAGE), repeat),
            "deep_keyset_ms": median_ms(lambda: dq.fetch_rows(f, last, PAGE, after), repeat),
        }
    f = dq.QueueFilter(tab="all", search="лиценз")
    results["search_ms"] = median_ms(lambda: dq.load_snapshot(f, limit=PAGE), max(3, repeat // 2))
    m.database_proxy.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="helpdesk-bench-") as tmp:
        small = measure(args.small, args.repeat, Path(tmp))
        large = measure(args.tickets, args.repeat, Path(tmp))
    print(f"filled {args.tickets} tickets in {large['fill_s']:.1f} s (data.demo.bulk_tickets, executemany)")
    print(f"{'':28}{args.small:>10}{args.tickets:>12}{'ratio':>8}")
    for tab in ("new", "all"):
        print(f"tab {tab!r}: {small[tab]['total']} / {large[tab]['total']} tickets")
        for key, label in (("first_page_ms", "first page (counts + rows)"), ("deep_offset_ms", "deep page by OFFSET"),
                           ("deep_keyset_ms", "deep page by keyset")):
            a, b = small[tab][key], large[tab][key]
            print(f"  {label:26}{a:>8.1f}ms{b:>10.1f}ms{b / a:>8.1f}")
    a, b = small["search_ms"], large["search_ms"]
    print(f"search 'лиценз' (LIKE, full scan){a:>6.1f}ms{b:>10.1f}ms{b / a:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
