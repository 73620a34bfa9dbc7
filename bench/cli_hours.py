"""``helpdesk hours --json``: how long the shortest command takes, start to exit, against the
interpreter doing nothing (``python -c pass``, the same Python). What is left is importing the
app and its answer: the price of every command an agent or a script runs."""

from __future__ import annotations

import subprocess
import sys
import time

from bench.figures import BenchContext, Figure, median
from bench.terminal import base_env, helpdesk_command


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
                     + ("" if ctx.quick else ", after one warm-up run each")),
    ]
