"""Concurrent writers: eight agents' processes writing to the large desk at once, each write a
real operation of the one write path (data/tickets/operations.py) in its own transaction.

* value: :data:`WRITERS` processes (``python -m bench.writers --worker ...``), each acting as an
  active agent of the desk, started together and writing for a fixed time (15 s; quick mode 3 s)
  on random tickets that are still open (new, open, waiting): an internal note (40%), a reply
  to the customer (30%: queued in the outbox as the write path does) or a status change (30%:
  new -> open, open -> waiting, waiting -> open), each as an agent's key press makes it. Writes
  per second (all the processes' writes over the window) and the p95 of one write's time.
* reference: one such process alone for the same time on the same desk: what a write costs with
  no one to wait for. The ratio of the throughputs is what eight writers gain over one (above 1:
  they overlap; 1: they take turns), that of the p95s what waiting for the others adds to a write.
  Reported, no target.

Both run on a copy of the desk made for the area (SQLite: the file copied by sqlite3's backup;
PostgreSQL: ``CREATE DATABASE ... TEMPLATE``), dropped afterwards: the cached desk the other
areas and later runs read is never written. A write the regulation refuses (two writers moved
the same ticket at once) is counted, not timed; any other failure too, and named in the notes.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench import pg
from bench.figures import BenchContext, Figure, p95
from helpdesk.data.core.clock import Clock, parse_instant
from helpdesk.data.core.errors import HelpdeskError
from helpdesk.data.rules import statuses as st
from helpdesk.data.rules.desk import Desk, os_login
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.store import models as m
from helpdesk.data.store.database import open_store
from helpdesk.data.tickets import operations as ops

ROOT = Path(__file__).resolve().parents[1]
WRITERS = 8
TICKETS = 5000  # the open tickets the writers pick from (all of them when fewer)
NEXT_STATUS = {st.NEW: st.OPEN, st.OPEN: st.WAITING, st.WAITING: st.OPEN}
NOTE = "Проверил на стенде: воспроизводится на проекте клиента, передаю разработчикам. Запрос FP-{n}."
REPLY = "Здравствуйте! Спасибо за подробности, проверяем. Ответим сегодня до конца рабочего дня."


# --- one writer process -----------------------------------------------------------------------


def worker(target: str, numbers: list[int], agent: str, seed: int, seconds: float) -> dict:
    """Write until ``seconds`` have passed after the go line on standard input; what happened."""
    regulation = load_regulation()
    clock = Clock()
    open_store(target, regulation, clock.now(), creator=agent)
    desk = Desk(regulation, clock, agent)
    rng = random.Random(seed)
    latencies, refused, errors, kinds = [], 0, 0, {"note": 0, "reply": 0, "status": 0}
    first_error = ""
    # One write before the start, not counted: the connection open, the server's plans and the
    # search trigger's functions compiled in this session (else eight first writes in a row
    # would be timed as waiting for each other).
    ops.add_reply(desk, rng.choice(numbers), NOTE.format(n=0), note=True)
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        number, roll = rng.choice(numbers), rng.random()
        try:
            begin = time.perf_counter()
            if roll < 0.4:
                kind = "note"
                ops.add_reply(desk, number, NOTE.format(n=rng.randrange(1000, 9999)), note=True)
            elif roll < 0.7:
                kind = "reply"
                ops.add_reply(desk, number, REPLY)
            else:
                kind = "status"
                status = m.Ticket.select(m.Ticket.status).where(m.Ticket.number == number).scalar()
                ops.set_status(desk, number, NEXT_STATUS.get(status, st.OPEN))
            latencies.append((time.perf_counter() - begin) * 1000)
            kinds[kind] += 1
        except HelpdeskError:
            refused += 1  # e.g. another writer moved the ticket's status first
        except Exception as exc:  # noqa: BLE001 - counted and named in the figure's notes
            errors += 1
            first_error = first_error or f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
    elapsed = time.perf_counter() - started
    m.database_proxy.close()
    return {"latencies": latencies, "elapsed": elapsed, "refused": refused, "errors": errors,
            "first_error": first_error, "kinds": kinds}  # fmt: skip


# --- the area -------------------------------------------------------------------------------


def _copy(ctx: BenchContext) -> tuple[str, callable]:
    """A copy of the large desk to write on, and how to drop it."""
    if ctx.postgres:
        server = ctx.extra["pg_server"]
        template = urlsplit(str(ctx.large_db)).path.lstrip("/")
        pg.drop(server, pg.WRITERS_DATABASE)
        pg.create(server, pg.WRITERS_DATABASE, template=template)
        return pg.database_url(server, pg.WRITERS_DATABASE), lambda: pg.drop(server, pg.WRITERS_DATABASE)
    path = Path(ctx.workdir) / "writers.db"
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{ctx.large_db}?mode=ro", uri=True)
    copy = sqlite3.connect(path)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()

    def remove() -> None:
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)

    return str(path), remove


def _setting(target: str, now: str) -> tuple[list[int], list[str]]:
    """The open tickets to write on and the desk's active agents (who the writers act as)."""
    open_store(target, load_regulation(), parse_instant(now) if now else Clock().now(), creator=os_login())
    try:
        numbers = [n for (n,) in m.Ticket.select(m.Ticket.number).where(m.Ticket.status.in_(tuple(NEXT_STATUS)))
                   .order_by(m.Ticket.number.desc()).limit(TICKETS).tuples()]  # fmt: skip
        if len(numbers) < 50:
            numbers = [n for (n,) in m.Ticket.select(m.Ticket.number).order_by(m.Ticket.number.desc()).limit(TICKETS).tuples()]
        agents = [a for (a,) in m.Agent.select(m.Agent.login).where(m.Agent.active == True).order_by(m.Agent.id).tuples()]  # noqa: E712
    finally:
        m.database_proxy.close()
    return numbers, agents


def run_writers(target: str, numbers: list[int], agents: list[str], count: int, seconds: float, workdir: Path) -> dict:
    """``count`` writer processes started together; their writes pooled."""
    picks = Path(workdir) / "writers-tickets.json"
    picks.write_text(json.dumps(numbers))
    procs = []
    try:
        for i in range(count):
            argv = [sys.executable, "-m", "bench.writers", "--worker", target, "--numbers", str(picks),
                    "--agent", agents[i % len(agents)], "--seed", str(1000 + i), "--seconds", str(seconds)]  # fmt: skip
            procs.append(subprocess.Popen(argv, cwd=str(ROOT), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True))  # fmt: skip
        for proc in procs:
            line = proc.stdout.readline()
            if line.strip() != "ready":
                raise RuntimeError(f"a writer did not start: {line.strip()} {proc.stderr.read()[-600:]}")
        for proc in procs:  # go, all at once
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = []
        for proc in procs:
            out, err = proc.communicate(timeout=seconds + 600)
            if proc.returncode != 0:
                raise RuntimeError(f"a writer failed ({proc.returncode}): {err.strip()[-600:]}")
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    latencies = [x for r in results for x in r["latencies"]]
    elapsed = max(r["elapsed"] for r in results)
    kinds = {k: sum(r["kinds"][k] for r in results) for k in results[0]["kinds"]}
    return {"writes": len(latencies), "per_second": len(latencies) / elapsed if elapsed else 0.0,
            "p95": p95(latencies) if latencies else 0.0, "refused": sum(r["refused"] for r in results),
            "errors": sum(r["errors"] for r in results), "kinds": kinds,
            "first_error": next((r["first_error"] for r in results if r["first_error"]), "")}  # fmt: skip


def measure(ctx: BenchContext) -> list[Figure]:
    seconds = 3.0 if ctx.quick else 15.0
    target, remove = _copy(ctx)
    try:
        numbers, agents = _setting(target, ctx.extra.get("now", ""))
        if not agents:
            raise RuntimeError("the desk has no active agent to write as")
        alone = run_writers(target, numbers, agents, 1, seconds, ctx.workdir)
        many = run_writers(target, numbers, agents, WRITERS, seconds, ctx.workdir)
    finally:
        remove()
    database = "PostgreSQL (a copy of the desk: CREATE DATABASE ... TEMPLATE)" if ctx.postgres else \
        "SQLite (a copy of the desk's file)"  # fmt: skip
    mix = ", ".join(f"{k} {v:,}" for k, v in many["kinds"].items())
    notes = (f"{database}; {seconds:.0f} s each; {len(numbers):,} open tickets picked at random; {WRITERS} writers: "
             f"{many['writes']:,} writes ({mix}), {many['refused']} refused by the regulation, {many['errors']} failed; "
             f"1 writer: {alone['writes']:,} writes, {alone['refused']} refused, {alone['errors']} failed")  # fmt: skip
    if many["first_error"] or alone["first_error"]:
        notes += f"; first failure: {many['first_error'] or alone['first_error']}"
    return [
        Figure(f"{WRITERS} concurrent writers (processes; note, reply, status through the write path, each its own "
               f"transaction): writes per second, {ctx.tickets:,} tickets", many["per_second"], "writes/s",
               "one writer alone, the same writes", alone["per_second"], None,
               notes=notes + "; the ratio is what eight gain over one"),  # fmt: skip
        Figure(f"{WRITERS} concurrent writers: p95 of one write, {ctx.tickets:,} tickets", many["p95"], "ms",
               "one writer alone: p95 of one write", alone["p95"], None,
               notes="the ratio is what waiting for the other writers adds to a write"),  # fmt: skip
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="one writer process of bench/writers.py")
    parser.add_argument("--worker", required=True, help="the desk (a file or a postgresql:// URL)")
    parser.add_argument("--numbers", required=True, help="a JSON file: the ticket numbers to write on")
    parser.add_argument("--agent", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args(argv)
    numbers = json.loads(Path(args.numbers).read_text())
    print(json.dumps(worker(args.worker, numbers, args.agent, args.seed, args.seconds)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
