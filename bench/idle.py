"""Idle with the queue open: what the app writes to the terminal and the CPU it spends while
nobody touches a key, against a minimal Textual app showing a clock that ticks each second
(bench/reference_app.py ``clock``), in the same pty.

After the first rows have painted and the screen has been quiet for half a second (or 5 s have
passed), bytes written and CPU time (user + system, ``/proc/PID/stat``) are counted over
``ctx.idle_seconds`` (5 s quick, 60 s full). Over an SSH link every byte is traffic; every CPU
second is taken from the colleagues on the same host.
"""

from __future__ import annotations

import os

from bench import apps
from bench.figures import BenchContext, Figure


def _idle(ctx: BenchContext, app: apps.App) -> tuple[float, float]:
    """Bytes a second and % of a core while idle."""
    with app.start(ctx) as session:
        session.wait_for(*app.painted, timeout=180)
        session.settle(quiet=0.5, longest=5)
        cpu = session.cpu_seconds()
        written = session.drain(ctx.idle_seconds)
        spent = session.cpu_seconds() - cpu
    return written / ctx.idle_seconds, 100 * spent / ctx.idle_seconds


def measure(ctx: BenchContext) -> list[Figure]:
    large = apps.helpdesk(ctx, ctx.large_db, "large")
    reference = apps.reference_clock()
    ref_bytes, ref_cpu = _idle(ctx, reference)
    app_bytes, app_cpu = _idle(ctx, large)
    tick = 100 / os.sysconf("SC_CLK_TCK") / ctx.idle_seconds  # the smallest CPU share /proc can show
    floor_note = ""
    if ref_cpu < tick:
        ref_cpu = tick
        floor_note = f"; the reference spent less than one clock tick, counted as one ({tick:.2f} %)"
    window = f"{ctx.idle_seconds:.0f} s after the first paint settled, queue of {ctx.tickets:,} tickets, pty 80x24"
    return [
        Figure("terminal output while idle, queue open", app_bytes, "B/s",
               "a minimal Textual app with a clock ticking each second", ref_bytes, 5.0,
               notes=f"bytes written over {window}"),  # fmt: skip
        Figure("CPU while idle, queue open", app_cpu, "% of a core",
               "the same clock app", ref_cpu, 2.0,
               notes=f"user + system time over {window}{floor_note}"),  # fmt: skip
    ]
