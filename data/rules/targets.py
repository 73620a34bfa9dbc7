"""Working-time targets: when a ticket's next answer is due, in working hours.

Each priority (low / normal / high) has a first-response and a resolution target in working
hours (``[targets]`` of the regulation). The due instant is the ticket's creation time plus the
target, counted on the working calendar (so a request made on Friday evening with an 8-hour
target is due on Monday at 17:00), plus the working time the ticket spent waiting for the
customer (for the resolution target: waiting pauses the clock).

The due instant is stored on the ticket (``Ticket.due_at``, indexed, so the queue can sort
100,000 tickets by it) and recomputed by every operation that changes what it depends on: they
all write through ``bump`` (data/tickets/writes.py), which calls :func:`compute_due_at` (create, reply,
customer message, status, priority, scope, assignment, split, merge, triage).

The queue's countdown cell comes from :func:`due_state` (a pure function: no store), and the
"waiting too long" highlight from :func:`waiting_stale_at`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from helpdesk.data.rules import statuses as st
from helpdesk.data.rules.desk import Desk
from helpdesk.data.rules.regulation import Regulation, Target
from helpdesk.data.rules.working_hours import WorkingCalendar

OK, NEAR, OVERDUE = "ok", "near", "overdue"
# Within this much working time of the due instant the countdown warns.
DEFAULT_NEAR = timedelta(hours=1)


def target_for(regulation: Regulation, priority: str | None) -> Target:
    return regulation.targets.get(priority or "") or regulation.targets[regulation.default_priority]


def first_response_due(regulation: Regulation, created_at: datetime, priority: str | None) -> datetime:
    """When the first answer is due for a ticket created at ``created_at``."""
    hours = target_for(regulation, priority).first_response_hours
    return regulation.calendar.add_working_time(created_at, timedelta(hours=hours))


def resolution_due(regulation: Regulation, created_at: datetime, priority: str | None, paused_seconds: int = 0) -> datetime:
    """When the ticket should be resolved, the time spent waiting for the customer added."""
    hours = target_for(regulation, priority).resolution_hours
    return regulation.calendar.add_working_time(
        created_at, timedelta(hours=hours, seconds=max(0, paused_seconds or 0))
    )


MICROSECOND = timedelta(microseconds=1)


def working_us(calendar: WorkingCalendar, since: datetime | None, until: datetime | None) -> int | None:
    """The working time in ``[since, until)`` in whole microseconds (exact: the calendar counts
    in microseconds); None when either instant is missing. What the store keeps as
    ``Ticket.first_response_work_us`` and ``resolution_work_us`` (from ``created_at``)."""
    if since is None or until is None:
        return None
    return calendar.working_time_between(since, until) // MICROSECOND


def work_times(calendar: WorkingCalendar, ticket) -> dict[str, int | None]:
    """The stored working times of ``ticket`` (anything with ``created_at``,
    ``first_response_at`` and ``resolved_at``), by column name."""
    return {
        "first_response_work_us": working_us(calendar, ticket.created_at, ticket.first_response_at),
        "resolution_work_us": working_us(calendar, ticket.created_at, ticket.resolved_at),
    }


def compute_due_at(desk: Desk, ticket) -> datetime | None:
    """First-response due time until support answers, then the resolution due time.

    None while the clock is paused (waiting for the customer) or the ticket is finished.
    Time spent waiting for the customer pushes the resolution target out by that much.
    """
    if ticket.status not in st.ACTIVE:
        return None
    if ticket.first_response_at is None:
        return first_response_due(desk.regulation, ticket.created_at, ticket.priority)
    return resolution_due(desk.regulation, ticket.created_at, ticket.priority, ticket.paused_seconds or 0)


@dataclass(frozen=True)
class DueState:
    """``state`` is "ok", "near" (within ``near`` of due) or "overdue"; ``working_left`` is the
    working time left until due, negative once overdue (by the working time since)."""

    state: str
    working_left: timedelta

    @property
    def overdue_by(self) -> timedelta:
        return -self.working_left if self.working_left < timedelta(0) else timedelta(0)


def due_state(
    calendar: WorkingCalendar, due_at: datetime, now: datetime, near: timedelta = DEFAULT_NEAR
) -> DueState:
    """Where ``now`` stands against ``due_at``, in working time. Pure: no store, cheap enough to
    run for every visible row every second (two bisects on the calendar)."""
    if now < due_at:
        left = calendar.working_time_between(now, due_at)
        return DueState(NEAR if left <= near else OK, left)
    return DueState(OVERDUE, -calendar.working_time_between(due_at, now))


@lru_cache(maxsize=4096)
def add_working_days(calendar: WorkingCalendar, day: date, days: int) -> date:
    """The ``days``-th working date after ``day`` (``day`` itself not counted). Kept per
    calendar (which never changes): ``helpdesk list`` asks it for every waiting ticket it lists,
    and many share a date."""
    current, counted, guard = day, 0, 0
    while counted < days:
        current += timedelta(days=1)
        guard += 1
        if guard > 3660:
            raise ValueError(f"no {days} working days within ten years after {day}")
        if calendar.day_window(current) is not None:
            counted += 1
    return current


def waiting_stale_at(calendar: WorkingCalendar, waiting_since: datetime, days: int) -> datetime:
    """When a ticket waiting for the customer since ``waiting_since`` has waited longer than
    ``days`` working days: the same time of day, ``days`` working dates later (support time
    zone). Waiting since Monday 10:00 with 5 days: stale after the next Monday 10:00 (Tue, Wed,
    Thu, Fri, Mon), holidays skipped."""
    local = waiting_since.astimezone(calendar.tz)
    target = add_working_days(calendar, local.date(), days)
    return datetime.combine(target, local.timetz().replace(tzinfo=None), tzinfo=calendar.tz)


def is_waiting_stale(calendar: WorkingCalendar, waiting_since: datetime | None, now: datetime, days: int) -> bool:
    return waiting_since is not None and now > waiting_stale_at(calendar, waiting_since, days)
