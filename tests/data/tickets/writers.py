"""Agents writing at once: processes doing random ticket operations on one database file.

Each writer is a process of its own (spawned: a fresh interpreter and connection, as an agent's
app or CLI has). It runs random operations through data/tickets/operations.py for a while and
reports what the store acknowledged: the tickets and messages it made and the changes it made.
Refusals the workflow makes (a status a ticket may not take) are normal; anything else that
fails — above all SQLite's "database is locked" — is reported as a failure.
"""

from __future__ import annotations

import multiprocessing
import random
import time
from dataclasses import dataclass, field

from helpdesk.data.core.clock import FixedClock, parse_instant
from helpdesk.data.core.errors import TransitionError
from helpdesk.data.core.values import NewTicket
from helpdesk.data.rules import statuses as st
from helpdesk.data.rules.desk import Desk
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.store.database import open_store
from helpdesk.data.tickets import operations as tickets
from tests.factories import SEEDED_AT, SEEDED_BY

NOW = "2026-11-25T10:00:00+03:00"  # a Wednesday in working hours: no out-of-hours notices


@dataclass
class Report:
    agent: str
    tickets: list[int] = field(default_factory=list)  # numbers made and acknowledged
    messages: list[int] = field(default_factory=list)  # message ids acknowledged
    operations: int = 0
    refusals: int = 0
    failures: list[str] = field(default_factory=list)


def _write(db_path: str, agent: str, numbers: list[int], seconds: float, seed: int, results) -> None:
    regulation = load_regulation()
    open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    desk = Desk(regulation, FixedClock(parse_instant(NOW)), agent)
    rng = random.Random(seed)
    report = Report(agent)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        number = rng.choice(numbers)
        kind = rng.choice(("new", "reply", "note", "customer", "status", "take", "priority"))
        try:
            if kind == "new":
                ticket = tickets.create_ticket(desk, NewTicket(subject=f"{agent} {report.operations}", body="Текст",
                                                               customer_email=f"{agent}@example.ru", product="Fenix+ 3"))
                report.tickets.append(ticket.number)
            elif kind in ("reply", "note"):
                report.messages.append(tickets.add_reply(desk, number, f"{agent}: {kind}", note=kind == "note").id)
            elif kind == "customer":
                report.messages.append(tickets.add_customer_message(desk, number, "Клиент пишет").id)
            elif kind == "status":
                tickets.set_status(desk, number, rng.choice(st.STATUSES))
            elif kind == "take":
                tickets.assign_ticket(desk, number, agent, force=True)
            else:
                tickets.set_priority(desk, number, rng.choice(("low", "normal", "high")))
            report.operations += 1
        except TransitionError:
            report.refusals += 1
        except Exception as exc:  # noqa: BLE001 - every other failure is what this run looks for
            report.failures.append(f"{kind}: {type(exc).__name__}: {exc}")
    results.put(report)


def run_writers(db_path: str, agents: list[str], numbers: list[int], seconds: float) -> list[Report]:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    processes = [
        context.Process(target=_write, args=(db_path, agent, numbers, seconds, seed, results))
        for seed, agent in enumerate(agents)
    ]
    for process in processes:
        process.start()
    try:
        return [results.get(timeout=seconds + 120) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
