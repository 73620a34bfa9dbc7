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


def check_restorable(old: str, new: str) -> None:
    """An undo may put back any status the ticket had (data/tickets/undo.py), if it is one."""
    if new not in STATUSES:
        raise TransitionError(Code.STATUS_UNKNOWN, status=new, statuses=list(STATUSES))
    if new == old:
        raise TransitionError(Code.STATUS_ALREADY, status=old)


# --- merging a duplicate (data/tickets/split_merge.py) -------------------------------------------
#
# Regulation 1.2 wants one request per problem and its correspondence traceable in one thread, so a
# merged ticket holds both threads and its status says what that whole thread needs next. Whose move
# it is decides: support's (new, open), the customer's (waiting), nobody's (finished).
#
#   target \ duplicate | new      | open | waiting | resolved / closed / rejected
#   -------------------+----------+------+---------+------------------------------
#   new                | new (*)  | open | waiting | new (*)
#   open               | open     | open | open    | open
#   waiting            | open     | open | waiting | waiting
#   resolved / closed  | open     | open | waiting | unchanged
#   rejected           | rejected | rejected | rejected | rejected
#
# (*) new becomes open when the merged thread holds an agent's reply (as a reply makes a new ticket
# open: data/tickets/operations.py add_reply): the customer has been answered.
# - A duplicate support still has to act on (new, open) makes the target need support: open.
# - A duplicate waiting for the customer: the question asked there is now in the target's thread,
#   and the customer's answer will come to the target. A target nobody has touched (new), waiting
#   itself, or finished takes that wait over; a target in work (open) stays open.
# - A finished duplicate brings nothing to do: the target keeps its status.
# - A rejected target stays rejected: merging says the duplicate is the same request, and that
#   request is out of scope (regulation 1.4). Reopen it (status open) to work on it.


def merged_status(target: str, duplicate: str, answered: bool) -> str:
    """The target's status after ``duplicate`` (a status) is merged into it (see the table above);
    ``answered``: the merged thread holds an agent's reply."""
    if target == REJECTED:
        return REJECTED
    if duplicate in ACTIVE:
        status = OPEN if target != NEW or duplicate == OPEN else NEW
    elif duplicate == WAITING:
        status = OPEN if target == OPEN else WAITING
    else:
        status = target
    if status == NEW and answered:
        status = OPEN
    return status
