"""The working calendar (data/rules/working_hours.py): the look-ups every countdown, due time and
report makes, per call, against references measured in the same run.

* ``next_window`` on seeded random instants across 2024-2026 against a naive minute-stepping
  ``next_window`` (walks minute by minute asking ``day_window`` of the same calendar), whose
  answers are checked against the real ones first;
* ``next_window``, ``is_open``, ``working_time_between`` and ``add_working_time(40 h)`` against
  one ``datetime.astimezone`` call: the floor of any look-up that must convert its input.

No targets: the figures are reported (bench/bench_calendar.py reported them the same way).
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bench.figures import BenchContext, Figure
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


def per_call_us(fn, items, repeats: int = 3) -> float:
    """Microseconds a call: the median of ``repeats`` timed passes over ``items``."""
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        for item in items:
            fn(item)
        times.append((time.perf_counter() - began) / len(items) * 1e6)
    return statistics.median(times)


def measure(ctx: BenchContext) -> list[Figure]:
    n, reference_n = (20_000, 50) if ctx.quick else (300_000, 200)
    cal = load_regulation().calendar
    instants = random_instants(n, 7)
    mixed = random_instants(n, 8, ZONES)
    sample = instants[:reference_n]
    cal.next_window(instants[0])  # builds the year tables once, as the app does on first use
    for at in sample:  # the reference must agree before its speed means anything
        if minute_stepping_next_window(cal, at) != cal.next_window(at):
            raise AssertionError(f"the minute-stepping reference disagrees at {at}")
    fast = per_call_us(cal.next_window, instants)
    stepping = per_call_us(lambda at: minute_stepping_next_window(cal, at), sample, repeats=1)
    convert = per_call_us(lambda at: at.astimezone(cal.tz), instants)
    pairs = list(zip(instants[::2], instants[1::2]))
    floor = "one datetime.astimezone call"
    how = f"{n:,} seeded random instants across 2024-2026, median of 3 passes"
    return [
        Figure("next_window, a look-up", fast, "µs", f"minute-stepping next_window ({reference_n} instants, same answers)",
               stepping, None, notes=how),  # fmt: skip
        Figure("next_window, a look-up", fast, "µs", floor, convert, None, notes=how),
        Figure("next_window, instants in UTC/MSK/NY/IST", per_call_us(cal.next_window, mixed), "µs", floor, convert, None,
               notes=how),  # fmt: skip
        Figure("is_open", per_call_us(cal.is_open, instants), "µs", floor, convert, None, notes=how),
        Figure("working_time_between", per_call_us(lambda p: cal.working_time_between(*p), pairs), "µs", floor, convert,
               None, notes=how),  # fmt: skip
        Figure("add_working_time(40 h)", per_call_us(lambda at: cal.add_working_time(at, timedelta(hours=40)),
                                                     instants[: n // 4]), "µs", floor, convert, None, notes=how),  # fmt: skip
    ]
