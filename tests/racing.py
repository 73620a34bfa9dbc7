"""Processes taking the same ticket at the same instant, round after round.

Each contender is a process of its own (multiprocessing, spawned: a fresh interpreter with its
own database connection, as an agent's process has). It prepares once, then in every round
waits at a barrier with the others and takes that round's ticket: they all start the take at
the same moment, and the store decides who wins.
"""

from __future__ import annotations

import io
import multiprocessing
from contextlib import redirect_stderr
from dataclasses import dataclass

from helpdesk.data.core.clock import FixedClock, parse_instant
from helpdesk.data.core.errors import HelpdeskError
from helpdesk.data.rules.desk import Desk
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.store.database import open_store
from helpdesk.data.tickets import operations as tickets
from helpdesk.tui.cli.main import main
from tests.factories import SEEDED_AT, SEEDED_BY

NOW = "2026-11-25T10:00:00+03:00"


@dataclass(frozen=True)
class Outcome:
    agent: str
    won: bool
    said: str  # the refusal: the holder the operation named, or the CLI's line on stderr


@dataclass
class OperationTaker:
    """Takes through data/tickets/operations.py assign_ticket, on a Desk of its own."""

    db_path: str
    agent: str

    def prepare(self) -> None:
        regulation = load_regulation()
        open_store(self.db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
        self.desk = Desk(regulation, FixedClock(parse_instant(NOW)), self.agent)

    def take(self, number: int) -> Outcome:
        try:
            tickets.assign_ticket(self.desk, number, self.agent)
        except HelpdeskError as exc:
            return Outcome(self.agent, False, exc.params.get("agent", str(exc)))
        return Outcome(self.agent, True, "")


@dataclass
class CommandLineTaker:
    """Takes as ``helpdesk --as AGENT assign NUMBER`` does: the whole command, each round."""

    db_path: str
    agent: str

    def prepare(self) -> None:
        pass

    def take(self, number: int) -> Outcome:
        err = io.StringIO()
        with redirect_stderr(err):
            code = main(["--db", self.db_path, "--as", self.agent, "--lang", "en", "--now", NOW, "assign", str(number)])
        return Outcome(self.agent, code == 0, err.getvalue())


def _contend(taker, numbers: list[int], barrier, results) -> None:
    taker.prepare()
    for number in numbers:
        barrier.wait(timeout=60)
        results.put((number, taker.take(number)))


def race(takers: list, numbers: list[int]) -> dict[int, list[Outcome]]:
    """Every taker takes every ticket of ``numbers``, all at once each round; the outcomes by ticket."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(takers))
    results = context.Queue()
    processes = [context.Process(target=_contend, args=(t, numbers, barrier, results)) for t in takers]
    for process in processes:
        process.start()
    try:
        outcomes: dict[int, list[Outcome]] = {number: [] for number in numbers}
        for _ in range(len(numbers) * len(takers)):
            number, outcome = results.get(timeout=120)
            outcomes[number].append(outcome)
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    return outcomes
