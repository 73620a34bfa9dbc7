"""Ticket statuses and the transitions allowed between them: the one place that says so."""

from __future__ import annotations

from helpdesk.data.core.errors import Code, TransitionError

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
        raise TransitionError(Code.STATUS_UNKNOWN, status=new, statuses=list(STATUSES))
    if new == old:
        raise TransitionError(Code.STATUS_ALREADY, status=old)
    if new not in TRANSITIONS[old]:
        allowed = [status for status in STATUSES if status in TRANSITIONS[old]]
        raise TransitionError(Code.STATUS_NOT_ALLOWED, status=old, new_status=new, statuses=allowed)
