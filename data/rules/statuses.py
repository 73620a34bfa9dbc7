"""Ticket statuses and the transitions allowed between them: the one place that says so."""

from __future__ import annotations

from helpdesk.data.core.errors import TransitionError

NEW = "new"
OPEN = "open"
WAITING = "waiting"  # waiting for the customer: the working-time clock is paused
RESOLVED = "resolved"
CLOSED = "closed"
REJECTED = "rejected"  # closed as out of scope (regulation section 1.4)

STATUSES = (NEW, OPEN, WAITING, RESOLVED, CLOSED, REJECTED)
# Statuses where the request still needs work from support.
ACTIVE = (NEW, OPEN)
FINISHED = (RESOLVED, CLOSED, REJECTED)

TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({OPEN, WAITING, RESOLVED, CLOSED, REJECTED}),
    OPEN: frozenset({WAITING, RESOLVED, CLOSED, REJECTED}),
    WAITING: frozenset({OPEN, RESOLVED, CLOSED, REJECTED}),
    RESOLVED: frozenset({OPEN, CLOSED}),
    CLOSED: frozenset({OPEN}),
    REJECTED: frozenset({OPEN}),
}


def check_transition(old: str, new: str) -> None:
    if new not in STATUSES:
        raise TransitionError(f"unknown status {new!r}: use one of {', '.join(STATUSES)}")
    if new == old:
        raise TransitionError(f"the ticket is already {old}")
    if new not in TRANSITIONS[old]:
        allowed = ", ".join(sorted(TRANSITIONS[old]))
        raise TransitionError(f"a ticket that is {old} cannot become {new} (allowed: {allowed})")
