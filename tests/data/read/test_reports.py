"""data/read/reports.py: figures checked against a data set worked out by hand.

The period is Mon 23 - Fri 27 November 2026 (Moscow); the report is made on Mon 30 Nov 12:00.
Hours: Mon-Thu 09:00-18:00, Fri 09:00-17:00. Targets: normal 8 h / 40 h, high 2 h / 16 h.

ticket  created           prio    channel   product      scope         what happens
T9      Sun 22 12:00      normal  email     FireGuard 2  -             reply Mon 09:30, resolved Tue 11:00
T1      Mon 23 10:00      normal  email     Fenix+ 3     installation  reply Mon 11:00, resolved Mon 12:00
T2      Mon 23 17:00      high    portal    Fenix+ 3     how_it_works  reply Tue 10:00, stays open
T3      Tue 24 20:00 (*)  normal  telegram  FireGuard 3  -             reply Wed 13:00, stays open
T4      Wed 25 09:00      high    email     Fenix+ 2     -             reply Wed 12:00, closed Thu 10:00
T5      Thu 26 09:00      normal  email     Fenix+ 3     -             reply Fri 09:00, waiting from Fri 09:00
T6      Fri 27 16:00      normal  email     Fenix+ 3     -             no answer yet
T7      Fri 27 16:30      normal  email     Fenix+ 3     regulations   rejected out of scope Fri 16:45
T8      Fri 27 16:50      normal  email     Fenix+ 3     -             merged into T5 Fri 16:55 (closed)
T10     Sat 28 00:00      normal  email     Fenix+ 3     -             after the period
(*) out of hours
"""

import functools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk.data.read import reports
from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import operations as tickets
from helpdesk.data.tickets import triage
from helpdesk.data.core.errors import Code, ValidationError
from helpdesk.data.read.reports import BreakdownRow, DayCount, TargetCounts, build_report, percentile
from helpdesk.data.tickets.split_merge import merge_tickets
from tests.factories import new_ticket

MSK = ZoneInfo("Europe/Moscow")


def at(desk, day, hour, minute=0):
    desk.clock.set(datetime(2026, 11, day, hour, minute, tzinfo=MSK))


create = functools.partial(new_ticket, customer_name="")  # a request that gives no name


@pytest.fixture
def week(make_desk):
    desk = make_desk("2026-11-22T12:00:00+03:00")
    t9 = create(desk, product="FireGuard 2")
    at(desk, 23, 9, 30); tickets.add_reply(desk, t9, "Ответ")  # noqa: E702
    at(desk, 23, 10); t1 = create(desk, scope="installation")  # noqa: E702
    at(desk, 23, 11); tickets.add_reply(desk, t1, "Ответ")  # noqa: E702
    at(desk, 23, 12); tickets.set_status(desk, t1, st.RESOLVED)  # noqa: E702
    at(desk, 23, 17); t2 = create(desk, channel="portal", priority="high", scope="how_it_works")  # noqa: E702
    at(desk, 24, 10); tickets.add_reply(desk, t2, "Ответ")  # noqa: E702
    at(desk, 24, 11); tickets.set_status(desk, t9, st.RESOLVED)  # noqa: E702
    at(desk, 24, 20); t3 = create(desk, channel="telegram", product="FireGuard 3")  # noqa: E702
    at(desk, 25, 9); t4 = create(desk, product="Fenix+ 2", priority="high")  # noqa: E702
    at(desk, 25, 12); tickets.add_reply(desk, t4, "Ответ")  # noqa: E702
    at(desk, 25, 13); tickets.add_reply(desk, t3, "Ответ")  # noqa: E702
    at(desk, 26, 9); t5 = create(desk)  # noqa: E702
    at(desk, 26, 10); tickets.set_status(desk, t4, st.CLOSED)  # noqa: E702
    at(desk, 27, 9); tickets.add_reply(desk, t5, "Пришлите файл"); tickets.set_status(desk, t5, st.WAITING)  # noqa: E702
    at(desk, 27, 16); create(desk)  # noqa: E702
    at(desk, 27, 16, 30); t7 = create(desk)  # noqa: E702
    at(desk, 27, 16, 45); triage.triage(desk, t7, "regulations")  # noqa: E702
    at(desk, 27, 16, 50); t8 = create(desk)  # noqa: E702
    at(desk, 27, 16, 55); merge_tickets(desk, t8, t5)  # noqa: E702
    at(desk, 28, 0); create(desk)  # noqa: E702
    desk.clock.set(datetime(2026, 11, 30, 12, 0, tzinfo=MSK))
    return desk


def test_report_figures(week):
    report = build_report(week, date(2026, 11, 23), date(2026, 11, 27))
    # T1..T8; T9 came before the period, T10 after it.
    assert report.received == 8
    # T3 (Tue 20:00).
    assert report.out_of_hours == 1
    # Finished in the period: T1 (Mon), T9 (Tue), T4 (Thu), T7 and T8 (Fri).
    assert report.closed == 5
    # First-response times in working hours (T8 merged: no verdict; T6 unanswered):
    #   T7 16:30->16:45 = 0.25 h; T1 10:00->11:00 = 1 h; T2 Mon 17-18 + Tue 9-10 = 2 h;
    #   T4 09:00->12:00 = 3 h; T3 from Wed 09:00 (came in at night) ->13:00 = 4 h;
    #   T5 Thu 09:00-18:00 = 9 h.   Sorted: 0.25, 1, 2, 3, 4, 9 (n = 6).
    assert report.responded == 6
    # Median: position (6-1)*0.5 = 2.5 -> 2 + 0.5*(3-2) = 2.5 h.
    assert report.first_response_median == timedelta(hours=2, minutes=30)
    # 90th percentile: position (6-1)*0.9 = 4.5 -> 4 + 0.5*(9-4) = 6.5 h.
    assert report.first_response_p90 == timedelta(hours=6, minutes=30)
    # First-response targets: met T1 (1<=8), T2 (2<=2, due Tue 10:00 exactly), T3 (4<=8), T7;
    # missed T4 (3>2), T5 (9>8); pending T6 (due Fri 1 h + Mon 7 h = Mon 16:00, now Mon 12:00).
    assert report.first_response == TargetCounts(met=4, missed=2, pending=1)
    # Resolution: met T1 (2 h), T4 (Wed 9 h + Thu 1 h = 10 <= 16), T7 (0.25 h);
    # missed T2 (high, 16 h from Mon 17:00: Mon 1 + Tue 9 + Wed 6 -> Wed 15:00, still open);
    # pending T3 (due Tue 1 Dec 14:00), T5 (waiting: paused), T6.
    assert report.resolution == TargetCounts(met=3, missed=1, pending=3)
    assert report.by_product == (
        BreakdownRow("Fenix+ 3", 6, 3),  # T1 T2 T5 T6 T7 T8; closed T1 T7 T8
        BreakdownRow("Fenix+ 2", 1, 1),  # T4
        BreakdownRow("FireGuard 3", 1, 0),  # T3
        BreakdownRow("FireGuard 2", 0, 1),  # T9: closed in the period, received before
    )
    assert report.by_channel == (
        BreakdownRow("email", 6, 5),
        BreakdownRow("portal", 1, 0),
        BreakdownRow("telegram", 1, 0),
    )
    assert report.by_scope == (
        BreakdownRow(None, 5, 3),  # T3 T4 T5 T6 T8; closed T4 T8 T9
        BreakdownRow("installation", 1, 1),
        BreakdownRow("regulations", 1, 1),
        BreakdownRow("how_it_works", 1, 0),
    )
    assert report.daily == (
        DayCount(date(2026, 11, 23), 2, 1),  # T1 T2 / T1
        DayCount(date(2026, 11, 24), 1, 1),  # T3 / T9
        DayCount(date(2026, 11, 25), 1, 0),  # T4
        DayCount(date(2026, 11, 26), 1, 1),  # T5 / T4
        DayCount(date(2026, 11, 27), 3, 2),  # T6 T7 T8 / T7 T8
    )


def test_one_day_period_and_day_boundaries_in_moscow_time(week):
    # Sat 28 00:00 MSK is Fri 27 21:00 UTC: it belongs to Saturday.
    saturday = build_report(week, date(2026, 11, 28), date(2026, 11, 28))
    assert saturday.received == 1 and saturday.out_of_hours == 1
    assert saturday.first_response == TargetCounts(pending=1)
    assert saturday.first_response_median is None and saturday.first_response_p90 is None


def test_csv_and_json(week):
    report = build_report(week, date(2026, 11, 23), date(2026, 11, 27))
    lines = reports.report_csv(report).splitlines()
    assert lines[0] == "section,key,received,closed,value"
    assert "summary,received,,,8" in lines
    assert "summary,first_response_median_hours,,,2.5" in lines
    assert "summary,first_response_p90_hours,,,6.5" in lines
    assert "product,Fenix+ 3,6,3," in lines
    assert "scope,,5,3," in lines
    assert "day,2026-11-27,3,2," in lines
    data = reports.report_json(report)
    assert data["first_response_target"] == {"met": 4, "missed": 2, "pending": 1}
    assert data["by_channel"][0] == {"key": "email", "received": 6, "closed": 5}


def test_percentile_by_linear_interpolation():
    h = timedelta(hours=1)
    assert percentile([], 0.5) is None
    assert percentile([5 * h], 0.9) == 5 * h
    # [1, 2, 3, 4]: median at 1.5 -> 2.5; p90 at 2.7 -> 3 + 0.7 = 3.7.
    assert percentile([4 * h, 1 * h, 3 * h, 2 * h], 0.5) == 2.5 * h
    assert percentile([4 * h, 1 * h, 3 * h, 2 * h], 0.9) == 3.7 * h


def test_bad_periods_are_refused(desk):
    with pytest.raises(ValidationError) as caught:
        build_report(desk, date(2026, 2, 1), date(2026, 1, 1))
    assert (caught.value.field, caught.value.code, caught.value.params) == (
        "to", Code.REPORT_PERIOD_REVERSED, {"start": "2026-02-01", "end": "2026-01-01"})
    with pytest.raises(ValidationError) as caught:
        build_report(desk, date(2000, 1, 1), date(2026, 1, 1))
    assert (caught.value.field, caught.value.code, caught.value.params) == (
        "to", Code.REPORT_PERIOD_TOO_LONG, {"count": reports.MAX_DAYS})
    with pytest.raises(ValidationError) as caught:
        reports.parse_day("31.01.2026", "--from")
    assert (caught.value.field, caught.value.code, caught.value.params) == (
        "--from", Code.REPORT_NOT_A_DATE, {"value": "31.01.2026"})


# --- the SQL report against a straightforward computation ---------------------------------


def reference_report(desk, date_from: date, date_to: date) -> reports.Report:
    """The report computed the plain way: every ticket read into Python, every working time
    counted on the calendar (what build_report did before it counted in SQL)."""
    from collections import Counter

    from helpdesk.data.rules.targets import first_response_due, resolution_due
    from helpdesk.data.store import models as m
    from helpdesk.data.tickets.links import MERGED_INTO

    start, end = reports.period_bounds(desk, date_from, date_to)
    regulation, calendar, now = desk.regulation, desk.calendar, desk.now()
    tz = regulation.timezone
    merged = {link.ticket_id for link in m.TicketLink.select().where(m.TicketLink.kind == MERGED_INTO)}
    everything = list(m.Ticket.select())
    product = {p.id: p.name for p in m.Product.select()}
    received = [t for t in everything if start <= t.created_at < end]
    closed = [t for t in everything if t.resolved_at is not None and start <= t.resolved_at < end and t.status in st.FINISHED]
    times, fr, res = [], Counter(), Counter()
    for t in received:
        if t.id in merged:
            continue
        finished = t.status in st.FINISHED
        due = first_response_due(regulation, t.created_at, t.priority)
        if t.first_response_at is not None:
            times.append(calendar.working_time_between(t.created_at, t.first_response_at))
            fr["met" if t.first_response_at <= due else "missed"] += 1
        elif not finished:
            fr["pending" if now <= due else "missed"] += 1
        paused = t.paused_seconds or 0
        if t.status == st.WAITING and t.waiting_since is not None:
            paused += int(calendar.working_time_between(t.waiting_since, now).total_seconds())
        due = resolution_due(regulation, t.created_at, t.priority, paused)
        if finished and t.resolved_at is not None:
            res["met" if t.resolved_at <= due else "missed"] += 1
        else:
            res["pending" if now <= due else "missed"] += 1

    def by(key):
        return reports._rows(Counter(key(t) for t in received), Counter(key(t) for t in closed))

    days = [date_from + timedelta(days=i) for i in range((date_to - date_from).days + 1)]
    on_day = Counter(t.created_at.astimezone(tz).date() for t in received)
    off_day = Counter(t.resolved_at.astimezone(tz).date() for t in closed)
    return reports.Report(
        date_from=date_from, date_to=date_to, generated_at=now, received=len(received), closed=len(closed),
        out_of_hours=sum(1 for t in received if t.out_of_hours), responded=len(times),
        first_response_median=percentile(times, 0.5), first_response_p90=percentile(times, 0.9),
        first_response=TargetCounts(fr["met"], fr["missed"], fr["pending"]),
        resolution=TargetCounts(res["met"], res["missed"], res["pending"]),
        by_product=by(lambda t: product.get(t.product_id)), by_channel=by(lambda t: t.channel),
        by_scope=by(lambda t: t.scope), daily=tuple(DayCount(d, on_day[d], off_day[d]) for d in days),
    )  # fmt: skip


def random_desk(desk, rng) -> None:
    """About 30 tickets and 150 changes at random instants on a half-hour grid from Sun 1 Nov 2026
    (through the 4 November holiday, evenings and weekends), so answers land exactly on their
    due time, at the end of a working day, after it, and in the night."""
    from helpdesk.data.core.errors import HelpdeskError

    desk.clock.set(datetime(2026, 11, 1, 8, 0, tzinfo=MSK))
    numbers: list[int] = []
    for _ in range(150):
        desk.clock.set(desk.now() + timedelta(minutes=30 * rng.choice((1, 1, 2, 3, 6, 10, 16, 30))))
        action = rng.random()
        try:
            if action < 0.22 or not numbers:
                numbers.append(create(desk, priority=rng.choice(("low", "normal", "high")),
                                      channel=rng.choice(("email", "portal", "telegram")),
                                      product=rng.choice(("Fenix+ 3", "FireGuard 3", "Fenix+ 2")),
                                      scope=rng.choice((None, None, "installation"))))  # fmt: skip
                continue
            number = rng.choice(numbers)
            if action < 0.50:
                tickets.add_reply(desk, number, "Ответ")
            elif action < 0.72:
                tickets.set_status(desk, number, rng.choice((st.WAITING, st.OPEN, st.RESOLVED, st.CLOSED)))
            elif action < 0.82:
                tickets.add_customer_message(desk, number, "Ещё вопрос")
            elif action < 0.90:
                tickets.set_priority(desk, number, rng.choice(("low", "normal", "high")))
            elif action < 0.95:
                merge_tickets(desk, number, rng.choice(numbers))
            else:
                triage.triage(desk, number, rng.choice(("regulations", "installation")))
        except HelpdeskError:
            pass  # a change the ticket's state does not allow: the desk refuses it, as it would an agent


@pytest.mark.parametrize("seed", range(8))
def test_the_sql_report_equals_the_straightforward_one(make_desk, seed):
    import dataclasses
    import random

    from helpdesk.data.store import models as m

    rng = random.Random(seed)
    desk = make_desk("2026-11-01T08:00:00+03:00")
    random_desk(desk, rng)
    desk.clock.set(desk.now() + timedelta(hours=rng.choice((0, 5, 30, 200))))
    periods = [(date(2026, 11, 1), date(2026, 12, 31)), (date(2026, 11, 3), date(2026, 11, 9)),
               (date(2026, 11, rng.randint(1, 20)), date(2026, 11, rng.randint(20, 30))),
               (date(2025, 12, 1), date(2027, 3, 31))]  # more days than one statement counts  # fmt: skip
    for period in periods:
        assert dataclasses.asdict(build_report(desk, *period)) == dataclasses.asdict(reference_report(desk, *period))
    # Rows written without their working times (a bulk load past the write path) count the same.
    answered = [i for (i,) in m.Ticket.select(m.Ticket.id).where(m.Ticket.first_response_at.is_null(False)).tuples()]
    assert m.Ticket.update(first_response_work_us=None, resolution_work_us=None).where(
        m.Ticket.id.in_(answered[::3])).execute() > 0  # fmt: skip
    for period in periods:
        assert dataclasses.asdict(build_report(desk, *period)) == dataclasses.asdict(reference_report(desk, *period))


def test_an_answer_after_closing_reaches_the_target_but_misses_it(make_desk):
    # Mon 23 Nov 10:00, normal (8 h): due 18:00. Answered at 19:00: 8 working hours, yet an
    # hour late. And one answered at 18:00 sharp: met.
    desk = make_desk("2026-11-23T10:00:00+03:00")
    late, sharp = create(desk), create(desk)
    at(desk, 23, 18); tickets.add_reply(desk, sharp, "Ответ")  # noqa: E702
    at(desk, 23, 19); tickets.add_reply(desk, late, "Ответ")  # noqa: E702
    report = build_report(desk, date(2026, 11, 23), date(2026, 11, 23))
    assert report.first_response == TargetCounts(met=1, missed=1)
    assert report.first_response_median == timedelta(hours=8)
