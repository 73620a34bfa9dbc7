"""``helpdesk hours --json``: how long the shortest command takes, start to exit, against the
interpreter doing nothing (``python -c pass``, the same Python). What is left is importing the
app and its answer: the price of every command an agent or a script runs."""

from __future__ import annotations

import subprocess
import sys
import time

from bench.figures import BenchContext, Figure, median
from bench.terminal import base_env, helpdesk_command


# What profiling found (issue 10 item 9: python -X importtime, cProfile), written into the notes.
HOURS_FOUND = (
    "Of the ~40 ms the command adds to the interpreter's start: dataclasses (and the inspect, ast and "
    "dis it imports) for the calendar's and the regulation's six value classes, 7.5 ms to import and "
    "4 ms to make them: they are NamedTuples now (tomllib brings typing anyway); argparse asked shutil "
    "the terminal's width for every option it was given, importing shutil, bz2 and lzma (2 ms): "
    "tui/cli/main.py reads the width itself. What remains: the error codes' StrEnum (2.3 ms), tomllib and "
    "the regulation's parse with its calendar's year tables (5 ms), zoneinfo, json, argparse, gettext."
)


def _wall_ms(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        raise RuntimeError(f"{argv} exited {done.returncode}: {done.stderr.decode(errors='replace')[-400:]}")
    return elapsed


def measure(ctx: BenchContext) -> list[Figure]:
    env = base_env(ctx.workdir)
    command, nothing = [*helpdesk_command(), "hours", "--json"], [sys.executable, "-c", "pass"]
    runs = 2 if ctx.quick else max(5, min(ctx.repeat, 20))
    if not ctx.quick:
        _wall_ms(command, env), _wall_ms(nothing, env)  # warm-up: the file cache, not counted
    hours, python = [], []
    for _ in range(runs):  # alternating, so both see the same load
        hours.append(_wall_ms(command, env))
        python.append(_wall_ms(nothing, env))
    return [
        Figure("`helpdesk hours --json`, start to exit", median(hours), "ms",
               "`python -c pass` (the same interpreter)", median(python), 2.5,
               notes=f"wall time of the subprocess, median of {runs} each, alternating"
                     + ("" if ctx.quick else ", after one warm-up run each") + ". " + HOURS_FOUND),
    ]
