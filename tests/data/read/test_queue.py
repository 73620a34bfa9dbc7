"""data/read/queue.py: tabs and counts (kept per filter), filters, search, orderings, paging (offset, keyset,
backwards), query plans, countdowns."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk.data.core.values import NewTicket
from helpdesk.data.store import fulltext
from helpdesk.data.store import models as m
from helpdesk.data.read import queue as dq
from helpdesk.data.read import search
from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import operations as tk
from helpdesk.data.core.clock import parse_instant
from bench.generate import generate

MSK = ZoneInfo("Europe/Moscow")


def make(desk, subject="Не открывается проект", **kw):
    values = dict(subject=subject, body="Текст", customer_email="ivan@example.ru", customer_name="Иван Петров",
                  product="Fenix+ 3")
    values.update(kw)
    return tk.create_ticket(desk, NewTicket(**values))


def numbers(rows):
    return [r.number for r in rows]


def all_rows(f):
    return dq.fetch_rows(f, 0, 100_000)


# --- counts and tabs ----------------------------------------------------------------------


def test_tab_counts_match_the_statuses_and_all_is_the_sum(demo_desk):
    counts = dq.count_tabs(dq.QueueFilter())
    by_status = {s: m.Ticket.select().where(m.Ticket.status == s).count() for s in st.STATUSES}
    assert counts["new"] == by_status["new"]
    assert counts["open"] == by_status["open"]
    assert counts["waiting"] == by_status["waiting"]
    assert counts["resolved"] == by_status["resolved"] + by_status["closed"] + by_status["rejected"]
    assert counts["all"] == m.Ticket.select().count() == 200
    for tab in dq.TABS:
        assert dq.count_queue(dq.QueueFilter(tab=tab)) == counts[tab] == len(all_rows(dq.QueueFilter(tab=tab)))


def test_each_tab_holds_only_its_statuses(demo_desk):
    for tab, statuses in dq.TAB_STATUSES.items():
        rows = all_rows(dq.QueueFilter(tab=tab))
        assert rows, tab
        if statuses is not None:
            assert {r.status for r in rows} <= set(statuses)


# --- filters and search -------------------------------------------------------------------


def test_product_channel_and_flag_filters(demo_desk):
    rows = all_rows(dq.QueueFilter(tab="all", product="Fenix+ 2"))
    assert rows and {r.product for r in rows} == {"Fenix+ 2"}
    assert all(r.support_ended for r in rows)  # support ended 31.12.2021: every demo request is after it
    rows = all_rows(dq.QueueFilter(tab="all", product=""))
    assert rows and {r.product for r in rows} == {None}
    rows = all_rows(dq.QueueFilter(tab="all", channel="telegram"))
    assert rows and {r.channel for r in rows} == {"telegram"}
    rows = all_rows(dq.QueueFilter(tab="all", flag="out_of_hours"))
    assert rows and all(r.out_of_hours for r in rows)
    assert len(rows) == m.Ticket.select().where(m.Ticket.out_of_hours == True).count()  # noqa: E712
    rows = all_rows(dq.QueueFilter(tab="all", flag="support_ended"))
    assert rows and all(r.support_ended for r in rows)
    # Counts follow the filters too.
    counts = dq.count_tabs(dq.QueueFilter(tab="new", channel="telegram"))
    assert counts["all"] == len(all_rows(dq.QueueFilter(tab="all", channel="telegram")))


def test_assignee_filter_mine_and_unassigned(demo_desk):
    mine = all_rows(dq.QueueFilter(tab="all", assignee="mine", agent="petrova"))
    assert mine and {r.assignee for r in mine} == {"petrova"}
    nobody = all_rows(dq.QueueFilter(tab="all", assignee="unassigned", agent="petrova"))
    assert nobody and {r.assignee for r in nobody} == {None}
    assert all_rows(dq.QueueFilter(tab="all", assignee="mine", agent="no-such-agent")) == []


def test_search_is_case_insensitive_for_cyrillic_and_covers_customers_and_numbers(desk):
    make(desk, "Не ЗАПУСКАЕТСЯ расчёт", customer_email="olga@firm.ru", customer_name="Ольга Орлова")
    make(desk, "Вопрос по лицензии", customer_email="petr@other.ru", customer_name="Пётр Иванов")
    third = make(desk, "100% загрузка процессора_2", customer_email="x@y.ru", customer_name="X")
    f = dq.QueueFilter(tab="all")
    assert numbers(all_rows(f.with_(search="не запускается"))) == [1001]
    assert numbers(all_rows(f.with_(search="ОРЛОВА"))) == [1001]
    assert numbers(all_rows(f.with_(search="other.ru"))) == [1002]
    assert numbers(all_rows(f.with_(search=f"#{third.number}"))) == [third.number]
    assert numbers(all_rows(f.with_(search="100%"))) == [third.number]  # the word 100; % is no word
    assert numbers(all_rows(f.with_(search="%"))) == []  # nothing to search for: nothing found
    assert numbers(all_rows(f.with_(search="ор_"))) == []  # "ор": shorter than a prefix, whole words only
    assert numbers(all_rows(f.with_(search="расчет"))) == [1001]  # ё and е alike
    assert dq.count_tabs(f.with_(search="лицензии"))["all"] == 1


def test_without_the_full_text_index_the_search_is_like_on_subject_customer_and_number(desk, monkeypatch):
    """The fallback of stores without FTS5 (PostgreSQL, later): substrings, LIKE's wildcards literal."""
    monkeypatch.setattr(fulltext, "available", lambda db=None: False)
    make(desk, "Не ЗАПУСКАЕТСЯ расчёт", customer_email="olga@firm.ru", customer_name="Ольга Орлова")
    make(desk, "Вопрос по лицензии", customer_email="petr@other.ru", customer_name="Пётр Иванов")
    third = make(desk, "100% загрузка процессора_2", customer_email="x@y.ru", customer_name="X")
    f = dq.QueueFilter(tab="all")
    assert numbers(all_rows(f.with_(search="не запускается"))) == [1001]
    assert numbers(all_rows(f.with_(search="ОРЛОВА"))) == [1001]
    assert numbers(all_rows(f.with_(search="other.ru"))) == [1002]
    assert numbers(all_rows(f.with_(search=f"#{third.number}"))) == [third.number]
    # LIKE wildcards typed by the agent are literal characters.
    assert numbers(all_rows(f.with_(search="100%"))) == [third.number]
    assert numbers(all_rows(f.with_(search="%"))) == [third.number]
    assert numbers(all_rows(f.with_(search="ор_"))) == []  # "_" would match "ора", "орл" as a wildcard
    assert numbers(all_rows(f.with_(search="ора_2"))) == [third.number]
    assert dq.count_tabs(f.with_(search="лицензии"))["all"] == 1
    # Ordered "by relevance" it is newest first, and the position agrees.
    by_relevance = f.with_(search="ru", sort=dq.RELEVANCE)
    assert numbers(all_rows(by_relevance)) == [third.number, 1002, 1001]
    assert dq.position_of(by_relevance, 1002) == 1


def test_search_combines_with_the_tab_and_filters_and_the_tab_counts_follow(demo_desk):
    f = dq.QueueFilter(tab="all", search="лицензия")
    found = all_rows(f)
    assert found and len(found) == dq.count_tabs(f)["all"]
    counts = dq.count_tabs(f)
    for tab in ("new", "open", "waiting", "resolved"):
        rows = all_rows(f.with_(tab=tab))
        assert len(rows) == counts[tab]
        assert {r.number for r in rows} <= {r.number for r in found}
    telegram = all_rows(f.with_(channel="telegram"))
    assert {r.channel for r in telegram} <= {"telegram"}
    assert {r.number for r in telegram} == {r.number for r in found if r.channel == "telegram"}
    assert dq.count_tabs(f.with_(channel="telegram"))["all"] == len(telegram)


def test_search_rows_say_where_they_matched_and_other_rows_do_not(demo_desk):
    rows = all_rows(dq.QueueFilter(tab="all", search="лицензия"))
    assert all(r.match is not None for r in rows)
    for r in rows:
        words = [t for t, hit in r.match.subject.parts() if hit]
        words += [t for t, hit in r.match.snippet.parts() if hit] if r.match.snippet else []
        assert words and all(w.lower().startswith("лиценз") for w in words), r.number
    assert all(r.match is None for r in dq.fetch_rows(dq.QueueFilter(tab="all"), 0, 50))


def test_by_relevance_the_best_match_comes_first_and_pages_and_positions_agree(demo_desk):
    f = dq.QueueFilter(tab="all", search="лицензия", sort=dq.RELEVANCE)
    assert f.by_relevance and not f.with_(search=" ").by_relevance
    rows = all_rows(f)
    assert numbers(rows) == [h.number for h in search.search("лицензия", limit=1000)]
    assert sum((numbers(dq.fetch_rows(f, o, 7)) for o in range(0, len(rows), 7)), []) == numbers(rows)
    for i, row in enumerate(rows):
        assert dq.position_of(f, row.number) == i
    snapshot = dq.load_snapshot(f, limit=5, keep_number=rows[7].number)
    assert (snapshot.offset, snapshot.cursor_index) == (5, 7)
    # Another sort chosen: the same tickets, in that order.
    by_number = all_rows(f.with_(sort="number"))
    assert numbers(by_number) == sorted(numbers(rows), reverse=True)
    # No search: "relevance" orders as the countdown does.
    assert numbers(all_rows(dq.QueueFilter(tab="all", sort=dq.RELEVANCE))) == numbers(all_rows(dq.QueueFilter(tab="all")))


def test_a_search_by_relevance_counts_and_pages_each_tab_as_the_other_orders_do(demo_desk):
    # The ranking reads no status of a finished ticket (search.py "a whole ranking"): each tab's
    # count and rows must still be those of the same search in another order.
    f = dq.QueueFilter(tab="all", search="лицензия", sort=dq.RELEVANCE)
    counts = dq.count_tabs(f)
    assert counts == dq.count_tabs(f.with_(sort="number")) and counts["resolved"] and counts["all"] > counts["resolved"]
    best_first = all_rows(f)
    for tab in dq.TABS:
        rows = all_rows(f.with_(tab=tab))
        statuses = dq.TAB_STATUSES[tab]
        assert numbers(rows) == [r.number for r in best_first if statuses is None or r.status in statuses], tab
        assert sorted(numbers(rows)) == sorted(numbers(all_rows(f.with_(tab=tab, sort="number")))), tab
        assert len(rows) == counts[tab]


def test_a_number_in_the_search_comes_first_in_its_tab_only(desk):
    first = make(desk, "Первая").number
    make(desk, "Вторая", body=f"Это про заявку {first}")
    f = dq.QueueFilter(tab="all", search=f"#{first}", sort=dq.RELEVANCE)
    assert numbers(all_rows(f)) == [first, first + 1]
    assert dq.position_of(f, first + 1) == 1
    tk.set_status(desk, first, st.CLOSED)
    assert numbers(all_rows(f.with_(tab="new"))) == [first + 1]
    assert dq.count_tabs(f) == {"new": 1, "open": 0, "waiting": 0, "resolved": 1, "all": 2}


def test_filter_rejects_unknown_values():
    with pytest.raises(ValueError):
        dq.QueueFilter(tab="archive")
    with pytest.raises(ValueError):
        dq.QueueFilter(sort="subject")
    with pytest.raises(ValueError):
        dq.QueueFilter(assignee="everyone")


# --- order --------------------------------------------------------------------------------


def test_due_sort_puts_running_countdowns_first_soonest_first_then_newest(demo_desk):
    rows = all_rows(dq.QueueFilter(tab="all", sort="due"))
    with_due = [r for r in rows if r.due_at is not None]
    without = [r for r in rows if r.due_at is None]
    assert with_due and without
    assert rows == with_due + without
    assert [r.due_at for r in with_due] == sorted(r.due_at for r in with_due)
    assert numbers(without) == sorted(numbers(without), reverse=True)
    assert all_rows(dq.QueueFilter(tab="all", sort="due", reverse=True)) == rows[::-1]


def test_age_and_number_sorts(demo_desk):
    by_age = all_rows(dq.QueueFilter(tab="all", sort="age"))
    assert [r.created_at for r in by_age] == sorted(r.created_at for r in by_age)
    by_number = all_rows(dq.QueueFilter(tab="all", sort="number"))
    assert numbers(by_number) == sorted(numbers(by_number), reverse=True)
    assert numbers(all_rows(dq.QueueFilter(tab="all", sort="number", reverse=True))) == sorted(numbers(by_number))


@pytest.mark.parametrize("sort", dq.SORTS)
@pytest.mark.parametrize("reverse", [False, True])
def test_keyset_pages_equal_offset_pages(demo_desk, sort, reverse):
    f = dq.QueueFilter(tab="all", sort=sort, reverse=reverse)
    whole = all_rows(f)
    pages, after = [], None
    for page in range(0, 9):
        rows = dq.fetch_rows(f, page * 25, 25, after)
        assert rows == dq.fetch_rows(f, page * 25, 25)  # keyset and OFFSET agree
        pages.extend(rows)
        if not rows:
            break
        after = rows[-1].sort_key
    assert pages == whole


def test_position_of_finds_the_index_of_a_ticket_in_the_queue(demo_desk):
    for sort in dq.SORTS:
        f = dq.QueueFilter(tab="all", sort=sort)
        rows = all_rows(f)
        for index in (0, 1, 57, len(rows) - 1):
            assert dq.position_of(f, rows[index].number) == index
    closed = m.Ticket.get(m.Ticket.status == st.CLOSED).number
    assert dq.position_of(dq.QueueFilter(tab="new"), closed) is None
    assert dq.position_of(dq.QueueFilter(tab="new"), 999_999) is None


def test_load_snapshot_returns_the_page_around_a_kept_ticket(demo_desk):
    f = dq.QueueFilter(tab="all", sort="number")
    rows = all_rows(f)
    target = rows[120]
    snap = dq.load_snapshot(f, limit=50, keep_number=target.number)
    assert snap.cursor_index == 120
    assert snap.offset == 100
    assert snap.rows[20].number == target.number
    assert snap.total == 200 and snap.counts["all"] == 200
    gone = dq.load_snapshot(dq.QueueFilter(tab="new"), keep_number=target.number if target.status != "new" else 0)
    assert gone.cursor_index is None


def test_backward_pages_and_the_nearer_end_equal_the_forward_order(demo_desk):
    for sort in dq.SORTS:
        for tab in ("all", "resolved", "new"):
            f = dq.QueueFilter(tab=tab, sort=sort, reverse=sort == "age")
            whole = all_rows(f)
            total = len(whole)
            for page in range((total + 24) // 25):
                expected = whole[page * 25: page * 25 + 25]
                assert dq.fetch_page(f, page, 25, total) == expected  # from the nearer end
                if page:
                    assert dq.fetch_page(f, page, 25, total, after=whole[page * 25 - 1].sort_key) == expected
                if page * 25 + 25 < total:
                    assert dq.fetch_page(f, page, 25, total, before=whole[page * 25 + 25].sort_key) == expected
            assert dq.fetch_rows(f, 0, 7, from_end=True) == whole[-7:]  # End: the order read backwards


# Every filter the queue offers, one at a time (data/store/indexes.py has an index for each).
PLAN_FILTERS = [
    {}, {"product": "Fenix+ 3"}, {"product": ""}, {"channel": "email"}, {"assignee": "mine", "agent": "petrova"},
    {"assignee": "unassigned"}, {"flag": "support_ended"}, {"flag": "out_of_hours"}, {"scope": "installation"},
    {"scope": ""},
]


def query_plan(query) -> list[str]:
    sql, params = query.sql()
    return [row[3] for row in m.database_proxy.obj.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()]


@pytest.mark.sqlite_only  # SQLite's EXPLAIN QUERY PLAN
def test_every_page_of_every_tab_order_and_filter_is_read_from_an_index(demo_desk):
    """The id query of a page, for every tab, order, direction and filter, and every way the
    table asks for a page (from the start, after a row, before a row, from the end), reads a
    queue index in order: no table scan, no sort step (deterministic: no timing)."""
    checked = 0
    for values in PLAN_FILTERS:
        for tab in dq.TABS:
            for sort in dq.SORTS:
                for reverse in (False, True):
                    f = dq.QueueFilter(tab=tab, sort=sort, reverse=reverse, **values)
                    key = dq.fetch_rows(f.with_(tab="all", product=None, channel=None, assignee="anyone", flag=None,
                                                scope=None), 3, 1)[0].sort_key
                    for query in (dq.page_query(f, 0, 50), dq.page_query(f, 100, 50), dq.page_query(f, 0, 50, key),
                                  dq.page_query(f, 0, 50, before=key), dq.page_query(f, 0, 50, from_end=True)):
                        plan = query_plan(query)
                        where = (tab, sort, reverse, values, plan)
                        assert not [line for line in plan if line.startswith("SCAN")], where
                        assert not [line for line in plan if "TEMP B-TREE" in line], where
                        ticket_reads = [line for line in plan if line.startswith("SEARCH t") and "ticket_queue_" in line]
                        arms = len(dq.TAB_STATUSES[tab] or st.STATUSES)
                        assert len(ticket_reads) == arms, where  # each arm from a queue index
                        checked += 1
    assert checked == len(PLAN_FILTERS) * len(dq.TABS) * len(dq.SORTS) * 2 * 5


@pytest.mark.sqlite_only  # SQLite's EXPLAIN QUERY PLAN
def test_the_plan_check_would_notice_a_sort_step(demo_desk):
    """A check that cannot fail is a defect: an order no index serves shows a temp B-tree."""
    query = m.Ticket.select(m.Ticket.id).where(m.Ticket.status == "new").order_by(m.Ticket.subject).limit(50)
    assert any("TEMP B-TREE" in line for line in query_plan(query))


# --- tab counts, kept per filter -------------------------------------------------------------


def test_tab_counts_are_kept_per_filter_without_its_tab_and_order(demo_desk, monkeypatch):
    counted = []
    original = dq.count_tabs
    monkeypatch.setattr(dq, "count_tabs", lambda f: counted.append(f) or original(f))
    counts = dq.TabCounts()
    f = dq.QueueFilter(agent="petrova")
    first = counts.get(f)
    assert first == original(f)
    for tab in dq.TABS:
        for sort in dq.SORTS:
            assert counts.get(f.with_(tab=tab, sort=sort, reverse=True)) == first
    assert len(counted) == 1  # switching the tab or the order counts nothing again
    flagged = counts.get(f.with_(flag="support_ended"))
    assert len(counted) == 2 and flagged["all"] < first["all"]
    snapshot = dq.load_snapshot(f.with_(tab="all", sort="number"), counts=counts)
    assert snapshot.counts == first and len(counted) == 2


def test_tab_counts_are_counted_again_after_forget(demo_desk):
    counts = dq.TabCounts()
    f = dq.QueueFilter(agent="petrova")
    before = counts.get(f)
    make(demo_desk, subject="Новая заявка")
    assert counts.get(f) == before  # kept: nobody said that tickets changed
    counts.forget()
    after = counts.get(f)
    assert after["new"] == before["new"] + 1 and after["all"] == before["all"] + 1


# --- countdowns ---------------------------------------------------------------------------


def row_of(number):
    return next(r for r in all_rows(dq.QueueFilter(tab="all")) if r.number == number)


def test_countdown_out_of_hours_request_waits_for_the_opening(make_desk):
    desk = make_desk(now="2026-11-20T19:30:00+03:00")  # Friday evening, closed
    number = make(desk).number
    cd = dq.countdown(row_of(number), desk.calendar, desk.now())
    assert cd.kind == "starts" and cd.state == "-closed"
    assert cd.at == datetime(2026, 11, 23, 9, 0, tzinfo=MSK)
    assert cd.left == timedelta(days=2, hours=13, minutes=30)
    # Monday 09:30: taken up, the first-response clock runs (8 working hours for "normal").
    later = datetime(2026, 11, 23, 9, 30, tzinfo=MSK)
    cd = dq.countdown(row_of(number), desk.calendar, later)
    assert cd.kind == "due" and cd.left == timedelta(hours=7, minutes=30) and cd.state == ""
    assert cd.waited == timedelta(minutes=30)


def test_countdown_turns_to_a_warning_near_the_due_time_and_overdue_after_it(desk):
    number = make(desk, priority="high").number  # first response within 2 working hours
    row = row_of(number)
    now = desk.now()
    assert dq.countdown(row, desk.calendar, now).kind == "due"
    soon = dq.countdown(row, desk.calendar, now + timedelta(hours=1, minutes=30))
    assert soon.kind == "due" and soon.state == "-soon" and soon.left == timedelta(minutes=30)
    late = dq.countdown(row, desk.calendar, now + timedelta(hours=3, minutes=5))
    assert late.kind == "overdue" and late.state == "-overdue" and late.left == timedelta(hours=1, minutes=5)
    # Overdue counts working time only: overnight adds nothing.
    night = dq.countdown(row, desk.calendar, datetime(2026, 11, 25, 23, 0, tzinfo=MSK))
    assert night.left == timedelta(hours=6)  # 12:00 -> 18:00


def test_countdown_for_waiting_and_finished_tickets(desk):
    number = make(desk).number
    tk.add_reply(desk, number, "Пришлите проект")
    tk.set_status(desk, number, st.WAITING)
    now = desk.now() + timedelta(days=1)
    cd = dq.countdown(row_of(number), desk.calendar, now)
    assert cd.kind == "waiting" and cd.left == timedelta(days=1) and cd.state == ""
    stale = dq.countdown(row_of(number), desk.calendar, now + timedelta(days=14), stale_days=5)
    assert stale.state == "-stale"
    tk.set_status(desk, number, st.RESOLVED)
    assert dq.countdown(row_of(number), desk.calendar, now).kind == "done"


def test_countdown_without_a_due_time_shows_working_time_waited(desk):
    number = make(desk).number
    m.Ticket.update(due_at=None).where(m.Ticket.number == number).execute()  # e.g. a row from an old import
    cd = dq.countdown(row_of(number), desk.calendar, desk.now() + timedelta(hours=2))
    assert cd.kind == "waited" and cd.left == timedelta(hours=2)


# --- many tickets -------------------------------------------------------------------------


def test_bulk_rows_page_like_the_small_queue(desk):
    generate(desk, 3000, 9000)  # the benchmark's generator (bench/generate.py), small
    f = dq.QueueFilter(tab="all")
    total = dq.count_queue(f)
    assert total == 3000
    deep = dq.fetch_rows(f, 2900, 50)
    assert len(deep) == 50
    # Deep keyset page equals the OFFSET page.
    before = dq.fetch_rows(f, 2850, 50)
    assert dq.fetch_rows(f, 2900, 50, before[-1].sort_key) == deep
    active = all_rows(dq.QueueFilter(tab="open"))
    assert active and all(r.due_at is not None for r in active)
    assert parse_instant("2026-11-25T10:00:00+03:00") == desk.now()
