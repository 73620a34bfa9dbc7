"""Benchmark of data/rules/working_hours.py: next_window look-ups per second.

Run from the project root:  .venv/bin/python -m bench.bench_calendar [--n 300000] [--seed 7]

It draws seeded random instants across 2024-2026, times ``next_window`` on them, and sets the
figure against two references measured in the same run on the same machine:

* a naive minute-stepping ``next_window`` (walks minute by minute, asking ``day_window`` of the
  same calendar), on a small sample; its answers are checked against the real ones;
* one ``datetime.astimezone`` call, the floor of any look-up that must convert its input.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time as clock
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.rules.working_hours import Window, WorkingCalendar

UTC = timezone.utc
ZONES = (UTC, ZoneInfo("Europe/Moscow"), ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata"))


def random_instants(n: int, seed: int, zones=(UTC,)) -> list[datetime]:
    rng = random.Random(seed)
    lo = datetime(2024, 1, 1, tzinfo=UTC).timestamp()
    hi = datetime(2027, 1, 1, tzinfo=UTC).timestamp()
    return [datetime.fromtimestamp(rng.uniform(lo, hi), rng.choice(zones)) for _ in range(n)]


def minute_stepping_next_window(cal: WorkingCalendar, at: datetime) -> Window:
    """The reference: step a minute at a time until a window opens after ``at``, then until it closes."""
    step = timedelta(minutes=1)

    def is_open(t: datetime) -> bool:
        hours = cal.day_window(t.date())
        return hours is not None and hours[0] <= t.time() < hours[1]

    t = at.astimezone(cal.tz).replace(second=0, microsecond=0) + step  # windows start on whole minutes
    while not (is_open(t) and not is_open(t - step)):
        t += step
    start = t
    while is_open(t):
        t += step
    return Window(start, t)


def rate(fn, items, repeats: int = 3) -> float:
    """Calls per second: the median of ``repeats`` timed passes over ``items``."""
    rates = []
    for _ in range(repeats):
        began = clock.perf_counter()
        for item in items:
            fn(item)
        rates.append(len(items) / (clock.perf_counter() - began))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300_000, help="look-ups to time")
    parser.add_argument("--reference-n", type=int, default=200, help="minute-stepping sample size")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    cal = load_regulation().calendar
    instants = random_instants(args.n, args.seed)
    mixed = random_instants(args.n, args.seed + 1, ZONES)
    sample = instants[: args.reference_n]
    cal.next_window(instants[0])  # builds the year tables once, as the app does on first use

    for at in sample:  # the reference must agree before its speed means anything
        assert minute_stepping_next_window(cal, at) == cal.next_window(at), at

    fast = rate(cal.next_window, instants)
    fast_mixed = rate(cal.next_window, mixed)
    stepping = rate(lambda at: minute_stepping_next_window(cal, at), sample, repeats=1)
    moscow = cal.tz
    convert = rate(lambda at: at.astimezone(moscow), instants)
    is_open = rate(cal.is_open, instants)
    pairs = list(zip(instants[::2], instants[1::2]))
    between = rate(lambda p: cal.working_time_between(*p), pairs)
    adding = rate(lambda at: cal.add_working_time(at, timedelta(hours=40)), instants[: args.n // 4])

    print(f"instants: {args.n:,} seeded random (seed {args.seed}) across 2024-2026, one core")
    print(f"  next_window (UTC input)          {fast:>14,.0f} /s")
    print(f"  next_window (UTC/MSK/NY/IST)     {fast_mixed:>14,.0f} /s")
    print(f"  is_open                          {is_open:>14,.0f} /s")
    print(f"  working_time_between             {between:>14,.0f} /s")
    print(f"  add_working_time(40 h)           {adding:>14,.0f} /s")
    print(f"reference: minute-stepping next_window, {len(sample)} instants (answers match)")
    print(f"  minute-stepping next_window      {stepping:>14,.1f} /s")
    print(f"  datetime.astimezone alone        {convert:>14,.0f} /s  (next_window costs "
          f"{convert / fast:.1f} astimezone calls)")  # fmt: skip
    print(f"next_window: {fast:,.0f} lookups/s (x{fast / stepping:,.0f} vs minute-stepping reference)")


if __name__ == "__main__":
    main()
