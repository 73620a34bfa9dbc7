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

How (100,000 tickets take about what the same counts take in plain SQL: bench/reports.py):
the database counts. Received and closed by product, channel and scope are two ``GROUP BY``
queries; the days are a ``VALUES`` table of local midnights joined on the indexed instants (so
a day is a day in the support time zone, summer time included); the median and the 90th
percentile are the rows at two ranks of ``ROW_NUMBER() OVER (ORDER BY ...)``. The working time
to the first answer and to the resolution is stored with the ticket by the write path
(``Ticket.first_response_work_us``, ``resolution_work_us``: data/tickets/writes.py), so most
target verdicts are a comparison in SQL against the priority's target. Python judges, on the
calendar and tuple by tuple, only the tickets whose verdict depends on the clock (still
unfinished: pending or missed now), those within a millisecond of their target (decided
against the due instant itself, exactly as before), and rows written without their working
times (a bulk load that bypassed the write path; ``store.migrations.fill_work_times`` fills
them). The SQL is portable (no SQLite-only function), for PostgreSQL later.
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
from helpdesk.data.rules.targets import first_response_due, resolution_due, target_for

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


T = m.Ticket
US = timedelta(microseconds=1)
# A stored working time within this of its target is judged against the due instant itself:
# an answer at the very end of a working day reaches the target's working time but may come
# after the due instant (a closed evening adds no working time), and a target in fractional
# hours may round differently in SQL than in a timedelta.
TIE_US = 1000
# Days counted in one statement: 3 parameters a day stay under the 999 that SQLite builds before
# 3.32 allow (PostgreSQL allows 65,535).
DAYS_A_QUERY = 300
# Verdict classes the SQL gives a ticket: no verdict, met, missed, or judged in Python.
NONE, MET, MISSED, CALC = 0, 1, 2, 3
_VERDICT = {MET: "met", MISSED: "missed"}


def _received(start: datetime, end: datetime) -> pw.Node:
    return (T.created_at >= start) & (T.created_at < end)


def _closed(start: datetime, end: datetime) -> pw.Node:
    return (T.resolved_at >= start) & (T.resolved_at < end) & T.status.in_(st.FINISHED)


def _not_merged() -> pw.Node:
    return T.id.not_in(m.TicketLink.select(m.TicketLink.ticket).where(m.TicketLink.kind == MERGED_INTO))


def _breakdown(where: pw.Node) -> list[tuple[str | None, str, str | None, int, int]]:
    """``(product, channel, scope, tickets, out of hours)`` for each combination present."""
    query = (
        T.select(m.Product.name, T.channel, T.scope, pw.fn.COUNT(T.id),
                 pw.fn.SUM(pw.Case(None, [(T.out_of_hours == True, 1)], 0)))  # noqa: E712 (SQL)
        .join(m.Product, pw.JOIN.LEFT_OUTER, on=(T.product == m.Product.id))
        .where(where)
        .group_by(m.Product.name, T.channel, T.scope)
    )  # fmt: skip
    return list(query.tuples())


def _per_day(column: pw.Field, midnights: list[datetime], counted: pw.Node | None = None) -> list[int]:
    """Tickets (those ``counted``, or all) whose ``column`` falls on each local day: ``midnights``
    has one instant more than there are days (the day after the last ends the period).

    Each day is a range on the column's index. ``counted`` is summed, not a WHERE condition:
    given one on an indexed column (the status), SQLite ranges over that index instead. At most
    ``DAYS_A_QUERY`` days go in one statement (three parameters a day)."""
    bounds = [column.db_value(at) for at in midnights]
    tally = pw.fn.COUNT(T.id) if counted is None else pw.fn.SUM(pw.Case(None, [(counted, 1)], 0))
    counts = [0] * (len(midnights) - 1)
    for first in range(0, len(counts), DAYS_A_QUERY):
        chunk = range(first, min(first + DAYS_A_QUERY, len(counts)))
        days = pw.ValuesList([(i, bounds[i], bounds[i + 1]) for i in chunk]).cte("report_days", columns=("i", "lo", "hi"))
        query = (
            pw.Select(from_list=[days], columns=[days.c.i, tally])
            .join(T, on=((column >= days.c.lo) & (column < days.c.hi)))
            .group_by(days.c.i)
            .with_cte(days)
            .bind(m.database_proxy)
        )
        for i, count in query.tuples():
            counts[i] = count or 0
    return counts


def _target_us(regulation, hours_of) -> pw.Node:
    """The priority's target (``hours_of(target)`` hours) in microseconds, as SQL: ``target_for``'s
    rule (an unknown or missing priority takes the regulation's default)."""
    def us(priority):
        return timedelta(hours=hours_of(target_for(regulation, priority))) // US

    cases = [(priority, us(priority)) for priority in regulation.targets]
    return pw.Case(T.priority, cases, us(regulation.default_priority))


def _verdict_classes(regulation) -> tuple[pw.Node, pw.Node]:
    """The SQL that classes each ticket's first-response and resolution verdict (NONE, MET,
    MISSED or CALC) from its stored working times."""
    answered, finished = T.first_response_at.is_null(False), T.status.in_(st.FINISHED)
    work = T.first_response_work_us
    target = _target_us(regulation, lambda t: t.first_response_hours)
    first = pw.Case(None, [
        (~answered & finished, NONE),
        (~answered | work.is_null(), CALC),
        (work < target - TIE_US, MET),
        (work > target + TIE_US, MISSED),
    ], CALC)  # fmt: skip
    work = T.resolution_work_us
    # BIGINT: PostgreSQL multiplies two INTEGERs in 32 bits (36 minutes of microseconds overflow).
    paused = pw.Case(None, [(T.paused_seconds > 0, pw.Cast(T.paused_seconds, "BIGINT") * 1_000_000)], 0)
    target = _target_us(regulation, lambda t: t.resolution_hours) + paused
    stored = finished & T.resolved_at.is_null(False) & work.is_null(False)
    resolution = pw.Case(None, [
        (stored & (work < target - TIE_US), MET),
        (stored & (work > target + TIE_US), MISSED),
    ], CALC)  # fmt: skip
    return first, resolution


def _percentiles(where: pw.Node, ps: tuple[float, ...]) -> list[timedelta | None]:
    """The ``ps``-quantiles of the stored first-response times of the tickets ``where`` selects:
    the values at two ranks each, interpolated as :func:`percentile` does.

    One statement numbers the rows and counts them (``COUNT(*) OVER ()``), so the ranks asked
    for are those of the rows it read, whatever another process commits meanwhile. The ranks of
    both quantiles are worked out in SQL in integers (``floor((n - 1) * p)`` and its ceiling,
    for p = 1/2 and 9/10: exactly what floor() and ceil() give in floating point here)."""
    if ps != (0.5, 0.9):
        raise ValueError("the ranks are written for the median and the 90th percentile")
    rank = pw.fn.ROW_NUMBER().over(order_by=[T.first_response_work_us])
    total = pw.fn.COUNT(pw.SQL("*")).over()
    ranked = T.select(T.first_response_work_us.alias("work"), (rank - 1).alias("position"), total.alias("n"))
    ranked = ranked.where(where).alias("ranked")
    n = ranked.c.n
    wanted = [(n - 1) / 2, n / 2, (9 * (n - 1)) / 10, (9 * (n - 1) + 9) / 10]  # integer division in SQL
    query = T.select(ranked.c.position, ranked.c.work, ranked.c.n).from_(ranked).where(ranked.c.position.in_(wanted))
    rows = list(query.tuples())
    if not rows:
        return [None for _ in ps]
    at = {position: timedelta(microseconds=work) for position, work, _n in rows}
    count = rows[0][2]
    result = []
    for p in ps:
        position = (count - 1) * p
        lo, hi = math.floor(position), math.ceil(position)
        low, high = at[lo], at[hi]
        result.append(low + (high - low) * (position - lo))
    return result


def build_report(desk: Desk, date_from: date, date_to: date) -> Report:
    start, end = period_bounds(desk, date_from, date_to)
    regulation, calendar = desk.regulation, desk.calendar
    tz = regulation.timezone
    now = desk.now()

    received_by, closed_by = _breakdown(_received(start, end)), _breakdown(_closed(start, end))

    def counter(rows, index) -> Counter:
        counts: Counter = Counter()
        for row in rows:
            counts[row[index]] += row[3]
        return counts

    days = [date_from + timedelta(days=i) for i in range((date_to - date_from).days + 1)]
    midnights = [datetime.combine(d, time(0), tzinfo=tz) for d in days] + [end]
    received_daily = _per_day(T.created_at, midnights)
    closed_daily = _per_day(T.resolved_at, midnights, T.status.in_(st.FINISHED))

    # Target verdicts: counted by class in SQL; the CALC ones judged here.
    counted = _received(start, end) & _not_merged()
    first_class, resolution_class = _verdict_classes(regulation)
    answered = T.first_response_at.is_null(False)
    classed = T.select(
        first_class.alias("first"), resolution_class.alias("resolution"),
        pw.Case(None, [(answered, 1)], 0).alias("answered"),
        pw.Case(None, [(answered & T.first_response_work_us.is_null(), 1)], 0).alias("unstored"),
        T.created_at, T.first_response_at, T.resolved_at, T.status, T.priority, T.paused_seconds, T.waiting_since,
    ).where(counted).alias("classed")  # fmt: skip
    c = classed.c
    fr = {"met": 0, "missed": 0, "pending": 0}
    res = {"met": 0, "missed": 0, "pending": 0}
    responded = unstored = 0
    groups = (
        T.select(c.first, c.resolution, pw.fn.COUNT(pw.SQL("*")), pw.fn.SUM(c.answered), pw.fn.SUM(c.unstored))
        .from_(classed)
        .group_by(c.first, c.resolution)
    )
    for first, resolution, count, n_answered, n_unstored in groups.tuples():
        responded += n_answered or 0
        unstored += n_unstored or 0
        if first in _VERDICT:
            fr[_VERDICT[first]] += count
        if resolution in _VERDICT:
            res[_VERDICT[resolution]] += count

    instant = T.created_at.python_value  # the subquery's columns come back as stored text
    judged = (
        T.select(c.first, c.resolution, c.created_at, c.first_response_at, c.resolved_at, c.status, c.priority,
                 c.paused_seconds, c.waiting_since)
        .from_(classed)
        .where((c.first == CALC) | (c.resolution == CALC))
    )  # fmt: skip
    rows = m.database_proxy.execute(judged)  # a plain cursor: tuples as stored, converted here
    for first, resolution, created, answered_at, resolved, status, priority, paused, waiting_since in rows:
        created, answered_at = instant(created), instant(answered_at)
        finished = status in st.FINISHED
        if first == CALC:
            due = first_response_due(regulation, created, priority)
            if answered_at is not None:
                fr["met" if answered_at <= due else "missed"] += 1
            elif not finished:
                fr["pending" if now <= due else "missed"] += 1
        if resolution == CALC:
            resolved, waiting_since = instant(resolved), instant(waiting_since)
            paused = paused or 0
            if status == st.WAITING and waiting_since is not None:
                paused += int(calendar.working_time_between(waiting_since, now).total_seconds())
            due = resolution_due(regulation, created, priority, paused)
            if finished and resolved is not None:
                res["met" if resolved <= due else "missed"] += 1
            else:
                res["pending" if now <= due else "missed"] += 1

    if unstored:  # rows loaded without their working times: ranked here, the slow way
        times = [
            calendar.working_time_between(created, answered_at)
            for created, answered_at in T.select(T.created_at, T.first_response_at).where(counted & answered).tuples()
        ]
        median, p90 = percentile(times, 0.5), percentile(times, 0.9)
    else:
        median, p90 = _percentiles(counted & answered, (0.5, 0.9))

    return Report(
        date_from=date_from,
        date_to=date_to,
        generated_at=now,
        received=sum(row[3] for row in received_by),
        closed=sum(row[3] for row in closed_by),
        out_of_hours=sum(row[4] or 0 for row in received_by),
        responded=responded,
        first_response_median=median,
        first_response_p90=p90,
        first_response=TargetCounts(**fr),
        resolution=TargetCounts(**res),
        by_product=_rows(counter(received_by, 0), counter(closed_by, 0)),
        by_channel=_rows(counter(received_by, 1), counter(closed_by, 1)),
        by_scope=_rows(counter(received_by, 2), counter(closed_by, 2)),
        daily=tuple(DayCount(d, received_daily[i], closed_daily[i]) for i, d in enumerate(days)),
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
