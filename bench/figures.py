"""What every benchmark module hands back: figures measured against a reference in the same run.

Each area of ``bench/`` (search, queue keys, the thread view, reports...) is a module with

    def measure(ctx: BenchContext) -> list[Figure]

``python -m bench`` builds one ``BenchContext`` (the generated databases, quick or full mode),
calls every module and writes ``bench/results.md``. A figure is never judged by wall-clock time
alone: ``ratio`` divides it by a reference measured in the same run on the same machine, and the
target is a ratio.
"""

from __future__ import annotations

import math
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable


@dataclass(frozen=True)
class Figure:
    """One measured figure and the reference it is judged against."""

    what: str  # "search, 20 varied queries (database side), median"
    value: float
    unit: str  # "ms", "B/s", "% of a core", "MB", "s"
    reference_what: str  # "the same queries on a plain SQLite FTS5 table"
    reference: float
    target: float | None  # the largest acceptable ratio; None: reported only
    notes: str = ""  # what was found when a target is missed, or how it was measured

    @property
    def ratio(self) -> float:
        return self.value / self.reference if self.reference else float("inf")

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.ratio <= self.target


@dataclass(frozen=True)
class BenchContext:
    """Where the benchmark's data is and how hard to measure."""

    large_db: Path | str  # the generated desk (100,000 tickets / 1,000,000 messages in full mode); a URL on PostgreSQL
    demo_db: Path | str  # the 200-ticket demo desk: the reference for "the same key on the demo"
    workdir: Path  # a scratch directory for this run (copies, minimal apps, logs)
    quick: bool  # CI smoke mode: small data, few repeats, short idle windows
    tickets: int
    messages: int
    repeat: int = 20  # samples per timed figure (p95 needs enough of them)
    extra: dict = field(default_factory=dict)
    # "postgresql": large_db and demo_db are postgresql:// URLs of the same desks copied onto a
    # server (bench/pg.py), and sqlite_db is the SQLite file they were copied from, for the
    # areas whose reference stays a plain SQLite query.
    backend: str = "sqlite"
    sqlite_db: Path | None = None

    @property
    def postgres(self) -> bool:
        return self.backend == "postgresql"

    @property
    def idle_seconds(self) -> float:
        return 5.0 if self.quick else 60.0


def timed_ms(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock milliseconds of ``repeat`` calls of ``fn`` (one warm-up call first)."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    """The 95th percentile (nearest rank), exact for small sample counts too."""
    ordered = sorted(samples)
    rank = max(0, math.ceil(0.95 * len(ordered)) - 1)
    return ordered[rank]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def run_alone(measure: Callable[[BenchContext], list[Figure]], *, repeat: int) -> int:
    """``python -m bench.AREA DB [NOW]``: one area on a desk made before, its figures printed."""
    db = Path(sys.argv[1])
    now = sys.argv[2] if len(sys.argv) > 2 else ""
    with sqlite3.connect(db) as connection:
        tickets, messages = (connection.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("ticket", "message"))
    with tempfile.TemporaryDirectory() as tmp:
        ctx = BenchContext(db, db, Path(tmp), False, tickets, messages, repeat=repeat, extra={"now": now})
        for figure in measure(ctx):
            print(f"{figure.what}: {figure.value:.1f} {figure.unit}; {figure.reference_what}: {figure.reference:.1f} "
                  f"{figure.unit}; ratio {figure.ratio:.2f} (target {figure.target}); {figure.notes}")  # fmt: skip
    return 0
