"""The reports: ``helpdesk report`` over the whole life of the large desk, against the same counts
and medians in plain SQL.

* value: ``data.read.reports.build_report`` (what ``helpdesk report`` and the reports screen run)
  for every day from the first ticket to "now", in this process on the open store;
* reference: the figures that report shows, read with a plain ``sqlite3`` connection to the same
  file, in this process too: received and closed by product, channel and scope (with out of
  hours), received and closed per local day, answered, the median and 90th percentile of the
  stored working time to the first answer (ranks of ``ROW_NUMBER``), and the target verdicts.
  Plain SQL cannot count on the working calendar, so the reference judges the verdicts of
  unfinished tickets by their stored due time and takes the day's offset from "now" (no summer
  time): the same rows read, the same work for the database, a shortcut only in the arithmetic.
  The counts both sides share are checked equal before anything is timed.

On PostgreSQL (``python -m bench --pg``) the report runs on the server's copy of the desk and the
reference stays the same plain SQL on the SQLite file it was copied from (the same rows): the
ratio says what the report costs there against the same plain-SQL yardstick.

Target: the report within 2x the plain SQL. Median of the timed runs after one warm-up each.
A desk whose tickets lack their stored working times (a bulk load that bypassed the write path)
gets them first, as the schema-5 upgrade would (``data.store.migrations.fill_work_times``).
"""

from __future__ import annotations

import math
import sqlite3
from datetime import timedelta

from bench.figures import BenchContext, Figure, median, run_alone, timed_ms
from helpdesk.data.core.clock import Clock, FixedClock, parse_instant
from helpdesk.data.read import reports
from helpdesk.data.rules import statuses as st
from helpdesk.data.rules.desk import Desk, os_login
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.rules.targets import target_for
from helpdesk.data.store import models as m
from helpdesk.data.store.database import open_store
from helpdesk.data.store.migrations import fill_work_times

US = timedelta(microseconds=1)


def _in(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def plain_sql(db: sqlite3.Connection, regulation, start: str, end: str, now: str, offset_minutes: int) -> dict:
    """The report's figures read in plain SQL (SQLite's own date functions where it helps)."""
    finished, unfinished = _in(st.FINISHED), _in((st.NEW, st.OPEN, st.WAITING))

    def target(hours_of) -> str:
        cases = " ".join(f"WHEN '{p}' THEN {timedelta(hours=hours_of(target_for(regulation, p))) // US}"
                         for p in regulation.targets)  # fmt: skip
        default = timedelta(hours=hours_of(target_for(regulation, None))) // US
        return f"CASE priority {cases} ELSE {default} END"

    first = target(lambda t: t.first_response_hours)
    resolution = f"({target(lambda t: t.resolution_hours)} + MAX(paused_seconds, 0) * 1000000)"
    received = "created_at >= :start AND created_at < :end"
    counted = f"{received} AND id NOT IN (SELECT ticket_id FROM ticket_link WHERE kind = 'merged_into')"
    closed = f"resolved_at >= :start AND resolved_at < :end AND status IN {finished}"
    day = f"date(%s, '{offset_minutes:+d} minutes')"
    args = {"start": start, "end": end, "now": now}
    breakdown = ("SELECT p.name, t.channel, t.scope, COUNT(*), SUM(t.out_of_hours) FROM ticket t "
                 "LEFT JOIN product p ON p.id = t.product_id WHERE {} GROUP BY 1, 2, 3")  # fmt: skip
    out = {
        "received": db.execute(breakdown.format(received.replace("created_at", "t.created_at")), args).fetchall(),
        "closed": db.execute(breakdown.format(closed.replace("resolved_at", "t.resolved_at")
                                              .replace("status", "t.status")), args).fetchall(),  # fmt: skip
        "received_daily": db.execute(f"SELECT {day % 'created_at'} AS d, COUNT(*) FROM ticket WHERE {received} "
                                     "GROUP BY d", args).fetchall(),  # fmt: skip
        "closed_daily": db.execute(f"SELECT {day % 'resolved_at'} AS d, COUNT(*) FROM ticket WHERE {closed} "
                                   "GROUP BY d", args).fetchall(),  # fmt: skip
    }
    out["verdicts"] = db.execute(f"""
        SELECT SUM(first_response_at IS NOT NULL),
               SUM(first_response_work_us <= {first}), SUM(first_response_work_us > {first}),
               SUM(first_response_at IS NULL AND status IN {unfinished} AND due_at >= :now),
               SUM(first_response_at IS NULL AND status IN {unfinished} AND (due_at IS NULL OR due_at < :now)),
               SUM(status IN {finished} AND resolution_work_us <= {resolution}),
               SUM(status IN {finished} AND resolution_work_us > {resolution}),
               SUM(status IN {unfinished} AND (due_at IS NULL OR due_at >= :now)),
               SUM(status IN {unfinished} AND due_at < :now)
        FROM ticket WHERE {counted}""", args).fetchone()
    out["ranks"] = db.execute(f"""
        SELECT rn, v, n FROM (
            SELECT first_response_work_us AS v, ROW_NUMBER() OVER (ORDER BY first_response_work_us) AS rn,
                   COUNT(*) OVER () AS n
            FROM ticket WHERE {counted} AND first_response_at IS NOT NULL)
        WHERE rn - 1 IN ((n - 1) / 2, n / 2, (9 * (n - 1)) / 10, (9 * (n - 1) + 9) / 10)""", args).fetchall()
    return out


def _same_counts(report: reports.Report, plain: dict) -> None:
    """The figures both sides compute exactly must agree (the reference reads what the report shows)."""
    received = sum(row[3] for row in plain["received"])
    closed = sum(row[3] for row in plain["closed"])
    night = sum(row[4] or 0 for row in plain["received"])
    answered = plain["verdicts"][0] or 0
    daily = {d.day.isoformat(): (d.received, d.closed) for d in report.daily}
    plain_daily = {d: (n, 0) for d, n in plain["received_daily"]}
    for d, n in plain["closed_daily"]:
        plain_daily[d] = (plain_daily.get(d, (0, 0))[0], n)
    ranked = {rn: v for rn, v, _n in plain["ranks"]}
    n = answered

    def quantile(p):
        if not n:
            return None
        position = (n - 1) * p
        lo, hi = math.floor(position), math.ceil(position)
        low, high = timedelta(microseconds=ranked[lo + 1]), timedelta(microseconds=ranked[hi + 1])
        return low + (high - low) * (position - lo)

    mine = (report.received, report.closed, report.out_of_hours, report.responded,
            report.first_response_median, report.first_response_p90)  # fmt: skip
    theirs = (received, closed, night, answered, quantile(0.5), quantile(0.9))
    if mine != theirs or {d: v for d, v in daily.items() if v != (0, 0)} != plain_daily:
        raise AssertionError(f"the report and the plain SQL disagree: {mine} != {theirs}")


def measure(ctx: BenchContext) -> list[Figure]:
    now_text = ctx.extra.get("now", "")
    now = parse_instant(now_text) if now_text else Clock().now()
    regulation = load_regulation()
    tz = regulation.timezone
    open_store(str(ctx.large_db), regulation, now, creator=os_login())
    try:
        desk = Desk(regulation, FixedClock(now), os_login())
        filled = fill_work_times(m.database_proxy.obj, desk.calendar)
        first = m.Ticket.select(m.Ticket.created_at).order_by(m.Ticket.created_at).limit(1).scalar()
        last_day = now.astimezone(tz).date()
        first_day = max(first.astimezone(tz).date() if first else last_day,
                        last_day - timedelta(days=reports.MAX_DAYS - 1))  # fmt: skip
        start, end = reports.period_bounds(desk, first_day, last_day)
        offset = int(now.astimezone(tz).utcoffset().total_seconds() // 60)
        column = m.Ticket.created_at
        # On PostgreSQL the reference stays this plain SQL on the SQLite file the desk was copied from.
        plain = sqlite3.connect(f"file:{ctx.sqlite_db if ctx.postgres else ctx.large_db}?mode=ro", uri=True)
        try:
            def reference():
                return plain_sql(plain, regulation, column.db_value(start), column.db_value(end), column.db_value(now),
                                 offset)  # fmt: skip

            _same_counts(reports.build_report(desk, first_day, last_day), reference())
            repeat = 2 if ctx.quick else max(3, min(ctx.repeat, 9))
            report_ms = timed_ms(lambda: reports.build_report(desk, first_day, last_day), repeat)
            plain_ms = timed_ms(reference, repeat)
        finally:
            plain.close()
    finally:
        m.database_proxy.close()
    days = (last_day - first_day).days + 1
    notes = (f"{days:,} days ({first_day} - {last_day}), {ctx.tickets:,} tickets; in-process, median of {repeat} runs "
             "after one warm-up each; received, closed, out of hours, answered, median, p90 and the days checked "
             "equal on both sides")  # fmt: skip
    if filled:
        notes += f"; {filled:,} tickets lacked their stored working times and got them first (fill_work_times)"
    return [
        Figure(f"`helpdesk report` for the whole period, {ctx.tickets:,} tickets (data.read.reports.build_report)",
               median(report_ms), "ms", "the same counts and medians in plain SQL (sqlite3"
               + (", on the same desk in its SQLite file)" if ctx.postgres else ")"), median(plain_ms), 2.0,
               notes=notes),  # fmt: skip
    ]


if __name__ == "__main__":  # python -m bench.AREA DB [NOW]: this area alone on a desk made before
    raise SystemExit(run_alone(measure, repeat=5))
