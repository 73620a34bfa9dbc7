"""Reports for a period: what came in, what was closed, how fast support answered.

:func:`build_report` computes a :class:`Report` of plain numbers that the CLI (``helpdesk report``:
a table, ``--csv``, ``--json``) and the reports screen both render. The period is whole days in
the support time zone, both ends included.

Definitions (every "working" duration is counted on the working calendar):

* received: tickets created in the period; out of hours: those of them received outside
  working hours; the breakdowns by product, channel and scope category count them too.
* closed: tickets finished (resolved, closed or rejected) in the period and still finished.
* first-response time: working time from a ticket's creation to support's first answer, for
  the tickets received in the period that have one; median and 90th percentile by linear
  interpolation between the closest ranks (position ``(n - 1) * p`` in the sorted list, the
  "inclusive" method; the median of an even count is the mean of the middle two).
* targets, for the tickets received in the period: first response met (answered within the
  priority's first-response hours), missed (answered later, or still unanswered past due) or
  pending (unanswered, not yet due); resolution met / missed / pending likewise against the
  resolution hours plus the time spent waiting for the customer. A ticket finished without any
  answer (closed as spam, rejected without a reply) has no first-response verdict; a duplicate
  merged into another ticket has no verdict at all (its messages count in the target).
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import peewee as pw

from helpdesk.data.store import models as m
from helpdesk.data.rules import statuses as st
from helpdesk.data.rules.desk import Desk
from helpdesk.data.core.errors import Code, ValidationError
from helpdesk.data.tickets.links import MERGED_INTO
from helpdesk.data.rules.targets import first_response_due, resolution_due

MAX_DAYS = 3660


@dataclass(frozen=True)
class DayCount:
    day: date
    received: int
    closed: int


@dataclass(frozen=True)
class BreakdownRow:
    key: str | None  # a product name, a channel, a scope category key; None: not set
    received: int
    closed: int


@dataclass(frozen=True)
class TargetCounts:
    met: int = 0
    missed: int = 0
    pending: int = 0


@dataclass(frozen=True)
class Report:
    date_from: date
    date_to: date
    generated_at: datetime
    received: int
    closed: int
    out_of_hours: int
    responded: int  # received in the period and answered
    first_response_median: timedelta | None
    first_response_p90: timedelta | None
    first_response: TargetCounts
    resolution: TargetCounts
    by_product: tuple[BreakdownRow, ...] = ()
    by_channel: tuple[BreakdownRow, ...] = ()
    by_scope: tuple[BreakdownRow, ...] = ()
    daily: tuple[DayCount, ...] = field(default=())


def percentile(values: list[timedelta], p: float) -> timedelta | None:
    """The ``p``-quantile (0..1) by linear interpolation between closest ranks; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * p
    lo, hi = math.floor(position), math.ceil(position)
    low, high = ordered[lo], ordered[hi]
    return low + (high - low) * (position - lo)


def parse_day(text: str, field_name: str) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise ValidationError(field_name, Code.REPORT_NOT_A_DATE, value=text) from None


def period_bounds(desk: Desk, date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """``[local midnight starting date_from, local midnight after date_to)``."""
    if date_to < date_from:
        raise ValidationError("to", Code.REPORT_PERIOD_REVERSED, start=date_from.isoformat(), end=date_to.isoformat())
    if (date_to - date_from).days >= MAX_DAYS:
        raise ValidationError("to", Code.REPORT_PERIOD_TOO_LONG, count=MAX_DAYS)
    tz = desk.regulation.timezone
    start = datetime.combine(date_from, time(0), tzinfo=tz)
    end = datetime.combine(date_to + timedelta(days=1), time(0), tzinfo=tz)
    return start, end


def _rows(counter_received: Counter, counter_closed: Counter) -> tuple[BreakdownRow, ...]:
    keys = set(counter_received) | set(counter_closed)
    ordered = sorted(keys, key=lambda k: (-counter_received[k], -counter_closed[k], k is None, k or ""))
    return tuple(BreakdownRow(k, counter_received[k], counter_closed[k]) for k in ordered)


def build_report(desk: Desk, date_from: date, date_to: date) -> Report:
    start, end = period_bounds(desk, date_from, date_to)
    regulation = desk.regulation
    calendar = desk.calendar
    tz = regulation.timezone
    now = desk.now()
    merged = {
        ticket_id for (ticket_id,) in m.TicketLink.select(m.TicketLink.ticket).where(m.TicketLink.kind == MERGED_INTO).tuples()
    }
    fields = (
        m.Ticket.id, m.Ticket.created_at, m.Ticket.first_response_at, m.Ticket.resolved_at, m.Ticket.status,
        m.Ticket.priority, m.Ticket.paused_seconds, m.Ticket.waiting_since, m.Ticket.out_of_hours,
        m.Ticket.channel, m.Ticket.scope, m.Product.name.alias("product_name"),
    )  # fmt: skip

    def query():
        return m.Ticket.select(*fields).join(m.Product, join_type=pw.JOIN.LEFT_OUTER, on=(m.Ticket.product == m.Product.id))

    received_rows = list(query().where((m.Ticket.created_at >= start) & (m.Ticket.created_at < end)).dicts())
    closed_rows = list(
        query()
        .where((m.Ticket.resolved_at >= start) & (m.Ticket.resolved_at < end) & (m.Ticket.status.in_(st.FINISHED)))
        .dicts()
    )

    def local_day(at: datetime) -> date:
        return at.astimezone(tz).date()

    days = [date_from + timedelta(days=i) for i in range((date_to - date_from).days + 1)]
    received_by_day = Counter(local_day(r["created_at"]) for r in received_rows)
    closed_by_day = Counter(local_day(r["resolved_at"]) for r in closed_rows)

    first_times: list[timedelta] = []
    fr = {"met": 0, "missed": 0, "pending": 0}
    res = {"met": 0, "missed": 0, "pending": 0}
    for r in received_rows:
        if r["id"] in merged:
            continue
        created, answered, finished = r["created_at"], r["first_response_at"], r["status"] in st.FINISHED
        if answered is not None:
            first_times.append(calendar.working_time_between(created, answered))
            fr["met" if answered <= first_response_due(regulation, created, r["priority"]) else "missed"] += 1
        elif not finished:
            fr["pending" if now <= first_response_due(regulation, created, r["priority"]) else "missed"] += 1
        paused = r["paused_seconds"] or 0
        if r["status"] == st.WAITING and r["waiting_since"] is not None:
            paused += int(calendar.working_time_between(r["waiting_since"], now).total_seconds())
        due = resolution_due(regulation, created, r["priority"], paused)
        if finished and r["resolved_at"] is not None:
            res["met" if r["resolved_at"] <= due else "missed"] += 1
        else:
            res["pending" if now <= due else "missed"] += 1

    return Report(
        date_from=date_from,
        date_to=date_to,
        generated_at=now,
        received=len(received_rows),
        closed=len(closed_rows),
        out_of_hours=sum(1 for r in received_rows if r["out_of_hours"]),
        responded=len(first_times),
        first_response_median=percentile(first_times, 0.5),
        first_response_p90=percentile(first_times, 0.9),
        first_response=TargetCounts(**fr),
        resolution=TargetCounts(**res),
        by_product=_rows(Counter(r["product_name"] for r in received_rows), Counter(r["product_name"] for r in closed_rows)),
        by_channel=_rows(Counter(r["channel"] for r in received_rows), Counter(r["channel"] for r in closed_rows)),
        by_scope=_rows(Counter(r["scope"] for r in received_rows), Counter(r["scope"] for r in closed_rows)),
        daily=tuple(DayCount(d, received_by_day[d], closed_by_day[d]) for d in days),
    )


# --- plain renderings ---------------------------------------------------------------------


def hours(delta: timedelta | None) -> float | None:
    """A duration as decimal hours, rounded to the minute's precision (2 decimals)."""
    return None if delta is None else round(delta.total_seconds() / 3600, 2)


def report_json(report: Report) -> dict:
    def rows(items):
        return [{"key": r.key, "received": r.received, "closed": r.closed} for r in items]

    def targets(t: TargetCounts):
        return {"met": t.met, "missed": t.missed, "pending": t.pending}

    return {
        "from": report.date_from.isoformat(),
        "to": report.date_to.isoformat(),
        "received": report.received,
        "closed": report.closed,
        "out_of_hours": report.out_of_hours,
        "responded": report.responded,
        "first_response_median_hours": hours(report.first_response_median),
        "first_response_p90_hours": hours(report.first_response_p90),
        "first_response_target": targets(report.first_response),
        "resolution_target": targets(report.resolution),
        "by_product": rows(report.by_product),
        "by_channel": rows(report.by_channel),
        "by_scope": rows(report.by_scope),
        "daily": [{"day": d.day.isoformat(), "received": d.received, "closed": d.closed} for d in report.daily],
    }


CSV_HEADER = ("section", "key", "received", "closed", "value")


def report_csv(report: Report) -> str:
    """One tidy table: ``section,key,received,closed,value`` (a spreadsheet pivots it)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    summary = [
        ("period_from", report.date_from.isoformat()),
        ("period_to", report.date_to.isoformat()),
        ("received", report.received),
        ("closed", report.closed),
        ("out_of_hours", report.out_of_hours),
        ("responded", report.responded),
        ("first_response_median_hours", hours(report.first_response_median)),
        ("first_response_p90_hours", hours(report.first_response_p90)),
        ("first_response_met", report.first_response.met),
        ("first_response_missed", report.first_response.missed),
        ("first_response_pending", report.first_response.pending),
        ("resolution_met", report.resolution.met),
        ("resolution_missed", report.resolution.missed),
        ("resolution_pending", report.resolution.pending),
    ]
    for key, value in summary:
        writer.writerow(("summary", key, "", "", "" if value is None else value))
    for section, items in (("product", report.by_product), ("channel", report.by_channel), ("scope", report.by_scope)):
        for row in items:
            writer.writerow((section, row.key or "", row.received, row.closed, ""))
    for d in report.daily:
        writer.writerow(("day", d.day.isoformat(), d.received, d.closed, ""))
    return out.getvalue()
