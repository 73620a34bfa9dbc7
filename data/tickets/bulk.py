"""One change to many tickets: assign, status, priority, scope, or merge into one of them.

``apply_to_many(desk, reads, change)`` runs the change ticket by ticket through the normal
operations (operations.py, triage.py, split_merge.py): each ticket is its own transaction with
its own events, and one ticket's refusal never stops the others. Each read point is what the
agent saw of that ticket (the queue row's ``read``, data/read/history.py ``ReadPoint``, or any
object with ``number``, ``version`` and ``event_id``; ``version`` None: "whatever is current",
as the CLI reads and writes in one breath). The result says, ticket by ticket, what happened:

- ``changed``: written;
- ``unchanged``: it already was so (nothing written: no event that changes nothing);
- ``stale``: somebody changed it after the read (``by``: who, from its audit trail): not written;
- ``refused``: the operation refused it (``error``: a transition the regulation forbids, a ticket
  someone else has, a merged one...);
- ``target``: the ticket the others were merged into;
- ``skipped``: not tried (the merge target itself had changed since the read).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

import peewee as pw

from helpdesk.data.core.errors import ConflictError, HelpdeskError, NotFoundError, as_error
from helpdesk.data.rules.desk import Desk
from helpdesk.data.store import models as m
from helpdesk.data.tickets import operations as ops
from helpdesk.data.tickets import triage
from helpdesk.data.tickets.lookup import get_ticket
from helpdesk.data.tickets.split_merge import merge_tickets
from helpdesk.data.tickets.writes import check_version

# What a change does (Change.kind).
ASSIGN, STATUS, PRIORITY, SCOPE, MERGE = "assignee", "status", "priority", "scope", "merge"
KINDS = (ASSIGN, STATUS, PRIORITY, SCOPE, MERGE)
# What happened to one ticket (Outcome.code).
CHANGED, UNCHANGED, STALE, REFUSED, TARGET, SKIPPED = "changed", "unchanged", "stale", "refused", "target", "skipped"


class Read(Protocol):
    """What an agent read of a ticket (data/read/history.py ReadPoint has these)."""

    number: int
    version: int | None
    event_id: int


@dataclass(frozen=True)
class Change:
    """The change: ``kind`` and its ``value`` (a login or None; a status; a priority; a scope key
    or None; the number of the ticket to merge into). ``force`` takes tickets someone else has
    (assign); ``reply`` sends the out-of-scope reply when a scope category rejects (scope)."""

    kind: str
    value: str | int | None
    force: bool = False
    reply: bool = True

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown change {self.kind!r}")


@dataclass(frozen=True)
class Outcome:
    number: int
    code: str
    error: HelpdeskError | None = None  # refused: why
    by: tuple[str, ...] = ()  # stale: who changed it since the read, in order


@dataclass(frozen=True)
class BulkResult:
    change: Change
    outcomes: tuple[Outcome, ...]

    def numbers(self, *codes: str) -> tuple[int, ...]:
        return tuple(o.number for o in self.outcomes if o.code in codes)

    @property
    def changed(self) -> tuple[int, ...]:
        return self.numbers(CHANGED)

    @property
    def not_changed(self) -> tuple[Outcome, ...]:
        """The tickets the change did not reach: stale, refused or skipped."""
        return tuple(o for o in self.outcomes if o.code in (STALE, REFUSED, SKIPPED))


def apply_to_many(desk: Desk, reads: Sequence[Read], change: Change) -> BulkResult:
    """Apply ``change`` to every ticket read (each once, in the order given); see the module doc."""
    seen: set[int] = set()
    unique = []
    for read in reads:
        if read.number not in seen:
            seen.add(read.number)
            unique.append(read)
    if change.kind == MERGE:
        return BulkResult(change, tuple(_merge_all(desk, unique, int(change.value))))
    return BulkResult(change, tuple(_apply_one(desk, read, change) for read in unique))


def _current(ticket: m.Ticket, kind: str):
    if kind == ASSIGN:
        return ticket.assignee.login if ticket.assignee_id else None
    return getattr(ticket, kind)


def _already(desk: Desk, ticket: m.Ticket, change: Change) -> bool:
    if _current(ticket, change.kind) != change.value:
        return False
    if change.kind == SCOPE and change.value is not None:
        # An out-of-scope category recorded on a ticket still open: choosing it rejects it.
        return ops.scope_category(desk, str(change.value)).in_scope or ticket.status == "rejected"
    return True


def _write(desk: Desk, number: int, change: Change, version: int | None) -> None:
    value = change.value
    if change.kind == ASSIGN:
        ops.assign_ticket(desk, number, value, force=change.force, expected_version=version)
    elif change.kind == STATUS:
        ops.set_status(desk, number, str(value), expected_version=version)
    elif change.kind == PRIORITY:
        ops.set_priority(desk, number, str(value), expected_version=version)
    elif value is None:
        ops.set_scope(desk, number, None, expected_version=version)
    else:
        triage.triage(desk, number, str(value), reply=change.reply, expected_version=version)


def _apply_one(desk: Desk, read: Read, change: Change) -> Outcome:
    try:
        with m.database_proxy.atomic():
            ticket = get_ticket(read.number)
            check_version(ticket, read.version)
            if _already(desk, ticket, change):
                return Outcome(read.number, UNCHANGED)
            _write(desk, read.number, change, read.version)
    except ConflictError:
        return _stale(read)
    except (HelpdeskError, pw.DatabaseError) as error:
        return Outcome(read.number, REFUSED, error=as_error(error))
    return Outcome(read.number, CHANGED)


def _stale(read: Read) -> Outcome:
    """``read`` is behind: who changed the ticket since (its audit trail after the read)."""
    E = m.Event
    actors = (
        E.select(E.actor).join(m.Ticket, on=(E.ticket == m.Ticket.id))
        .where((m.Ticket.number == read.number) & (E.id > read.event_id)).order_by(E.id).tuples()
    )  # fmt: skip
    return Outcome(read.number, STALE, by=tuple(dict.fromkeys(actor for (actor,) in actors)))


def _merge_all(desk: Desk, reads: list[Read], into: int) -> list[Outcome]:
    """Merge every ticket read but ``into`` into ``into``, one merge (and transaction) each."""
    target_read = next((r for r in reads if r.number == into), None)
    others = [r for r in reads if r.number != into]
    into_version = None if target_read is None else target_read.version
    try:
        target = get_ticket(into)
        check_version(target, into_version)
    except ConflictError:
        return [_stale(target_read), *(Outcome(r.number, SKIPPED) for r in others)]
    except NotFoundError as error:
        return [Outcome(r.number, REFUSED, error=error) for r in others]
    outcomes = [Outcome(into, TARGET)]
    for read in others:
        try:
            merged = merge_tickets(desk, read.number, into, from_version=read.version, into_version=into_version)
        except ConflictError:
            outcomes.append(_stale(read))
            continue
        except (HelpdeskError, pw.DatabaseError) as error:
            outcomes.append(Outcome(read.number, REFUSED, error=as_error(error)))
            continue
        if into_version is not None:
            into_version = merged.version  # our own merge moved the target on
        outcomes.append(Outcome(read.number, CHANGED))
    return outcomes

