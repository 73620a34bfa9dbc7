"""Start-up and memory: from ``helpdesk`` spawned to its queue's first rows on the terminal, and
the app's peak memory once the queue is open.

* **Start to the first painted queue**, on the large desk, against a minimal Textual app
  (bench/reference_app.py: Header, a DataTable of 50 rows, Footer) timed the same way: spawned
  under a pty (80x24, xterm-256color), until its first row's text has been written. Median of
  ``ctx.repeat`` starts each (3 to 7), after one start of each not counted (the file cache
  warmed, as on a desk in use); they alternate, so all see the same load. Quick mode: one
  start each, no warm-up.
* The same on the demo desk (200 tickets), reported beside it: what the app costs whatever the
  size of the desk.
* **CPU to the first painted queue** (user + system time of the process when its first row is
  written, from ``/proc``; 10 ms ticks), against the minimal app's: reported beside the wall
  clock, which a loaded machine stretches far more than it stretches CPU time.
* **Peak memory** (``VmHWM``: the ``ru_maxrss`` of the process) once the queue has painted and
  the screen is quiet, large desk against the demo desk.
"""

from __future__ import annotations

from bench import apps
from bench.figures import BenchContext, Figure, median


# What profiling found (issue 10 item 9), written into the first figure's notes.
STARTUP_FOUND = (
    "Our start over the minimal app is about three fifths imports, two fifths the queue's widgets. Imports "
    "(CPU in process, after Textual and the reference's widgets): ~120 ms of modules before issue 10's "
    "paint round, ~106 ms after; 517 modules loaded at the first row (541 before; the reference 393). Cut: "
    "babel, email.utils and playhouse.migrate imported where first used, the help screen a factory from "
    "LATER_SCREENS known by SHOWS_KEYS. The queue's dialogs are worth at most ~13 ms (left); the rest is "
    "spread thin (peewee, settings and regulation, the store's modules, the CLI's error codes, the read "
    "models' dataclasses at ~0.8 ms each, the app shell). At run time ~39 widgets against the reference's 11: "
    "Textual's styling of them costs about three times the reference's."
)

def _start(ctx: BenchContext, app: apps.App) -> tuple[float, float, float]:
    """Seconds to the first rows, CPU seconds then, and peak memory (MB) once the screen is quiet."""
    with app.start(ctx) as session:
        seconds = session.wait_for(*app.painted, timeout=180)
        cpu = session.cpu_seconds()
        session.settle(quiet=0.5, longest=5)
        return seconds, cpu, session.peak_rss_mb()


def measure(ctx: BenchContext) -> list[Figure]:
    large = apps.helpdesk(ctx, ctx.large_db, "large")
    demo = apps.helpdesk(ctx, ctx.demo_db, "demo")
    reference = apps.reference_table()
    runs = 1 if ctx.quick else max(3, min(ctx.repeat, 7))
    results: dict[str, list[tuple[float, float, float]]] = {"large": [], "demo": [], "reference": []}
    if not ctx.quick:
        for app in (reference, large, demo):  # warm-up: not counted
            _start(ctx, app)
    for _ in range(runs):
        results["reference"].append(_start(ctx, reference))
        results["large"].append(_start(ctx, large))
        results["demo"].append(_start(ctx, demo))
    ms = {name: median([s for s, _, _ in runs_]) * 1000 for name, runs_ in results.items()}
    cpu = {name: median([c for _, c, _ in runs_]) * 1000 for name, runs_ in results.items()}
    mb = {name: median([r for _, _, r in runs_]) for name, runs_ in results.items()}
    size = f"{ctx.tickets:,} tickets / {ctx.messages:,} messages"
    warm = "" if ctx.quick else " after one warm-up"
    how = (f"median of {runs} starts each{warm}, alternating; pty 80x24, TERM=xterm-256color; "
           f"painted = the first row's number and subject written ({large.painted[0]}, {large.painted[1]!r})")  # fmt: skip
    return [
        Figure(f"start to the first painted queue, {size}", ms["large"], "ms",
               "a minimal Textual app (Header, DataTable of 50 rows, Footer) to its first row", ms["reference"], 1.5,
               notes=how + ". " + STARTUP_FOUND),  # fmt: skip
        Figure("start to the first painted queue, demo desk (200 tickets)", ms["demo"], "ms",
               "the same minimal Textual app", ms["reference"], None,
               notes="for comparison: the app's own start-up, whatever the desk's size"),  # fmt: skip
        Figure(f"CPU to the first painted queue, {size}", cpu["large"], "ms",
               "the same minimal Textual app's CPU to its first row", cpu["reference"], None,
               notes=f"user + system time of the process when the first row was written (/proc, 10 ms ticks); "
                     f"median of {runs}; demo desk: {cpu['demo']:.0f} ms"),  # fmt: skip
        Figure(f"peak memory with the queue open, {size}", mb["large"], "MB",
               "the same app on the demo desk (200 tickets)", mb["demo"], 1.5,
               notes=f"VmHWM of the app process once the queue painted and the screen was quiet; median of {runs}; "
                     f"the minimal Textual app: {mb['reference']:.0f} MB"),  # fmt: skip
    ]
