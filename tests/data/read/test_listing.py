"""data/read/listing.py: `helpdesk list` a page at a time: filters, counts, flags, paging, laziness."""

from __future__ import annotations

import inspect
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk.data.core.errors import Code, NotFoundError, ValidationError
from helpdesk.data.read import listing
from helpdesk.data.read import queue as dq
from helpdesk.data.rules import statuses as st
from helpdesk.data.store import models as m
from helpdesk.data.tickets import operations as tk
from helpdesk.data.tickets.split_merge import merge_tickets, split_ticket
from tests.factories import new_ticket, register_agents

MSK = ZoneInfo("Europe/Moscow")


def numbers(query: listing.ListQuery | None = None) -> list[int]:
    return [row.number for row in listing.rows(query)]


def query(desk, **options) -> listing.ListQuery:
    return listing.list_query(agent=desk.agent, **options)


@pytest.fixture
def desk_of_six(desk):
    """Six tickets 1001..1006 in several states, on Wed 25 Nov 2026 10:00 MSK."""
    register_agents("sidorov")
    new_ticket(desk, subject="Не запускается расчёт")  # 1001 new
    new_ticket(desk, subject="Вопрос по лицензии", product="Fenix+ 2")  # 1002 new, support ended
    tk.assign_ticket(desk, new_ticket(desk), desk.agent)  # 1003 petrova's,
    tk.add_reply(desk, 1003, "Ответ")  # open
    tk.set_status(desk, new_ticket(desk), st.WAITING)  # 1004 waiting
    tk.set_status(desk, new_ticket(desk), st.CLOSED)  # 1005 closed
    tk.assign_ticket(desk, new_ticket(desk), "sidorov")  # 1006 new, sidorov's
    return desk


def test_newest_first_with_message_counts_and_the_fields_a_list_prints(desk_of_six):
    tk.add_customer_message(desk_of_six, 1003, "Ещё")
    rows = list(listing.rows())
    assert [r.number for r in rows] == [1006, 1005, 1004, 1003, 1002, 1001]
    third = rows[3]
    assert isinstance(third, tuple) and not isinstance(third, m.Ticket)
    assert (third.status, third.message_count, third.assignee, third.product) == (st.OPEN, 3, "petrova", "Fenix+ 3")
    assert (third.customer_email, third.customer_name, third.priority) == ("ivan@example.ru", "Иван Петров", "normal")
    assert third.created_at == datetime(2026, 11, 25, 10, tzinfo=MSK) and third.created_at.tzinfo is not None
    assert rows[4].flags == ("support_ended",) and rows[4].message_count == 1


def test_filters_statuses_product_assignee_flag(desk_of_six):
    assert numbers(query(desk_of_six, statuses=("new",))) == [1006, 1002, 1001]
    assert numbers(query(desk_of_six, statuses=("waiting", "closed", "waiting"))) == [1005, 1004]
    assert numbers(query(desk_of_six, product="fenix+ 2")) == [1002]  # spelt as the agent types it
    assert numbers(query(desk_of_six, assignee="me")) == [1003]
    assert numbers(query(desk_of_six, assignee="sidorov")) == [1006]
    assert numbers(query(desk_of_six, assignee="none")) == [1005, 1004, 1002, 1001]
    assert numbers(query(desk_of_six, flag="support_ended")) == [1002]
    assert numbers(query(desk_of_six, statuses=("new",), assignee="none", product="Fenix+ 3")) == [1001]


def test_search_is_the_queues_search(desk_of_six):
    assert numbers(query(desk_of_six, search="лицензии")) == [1002]
    found = dq.fetch_rows(dq.QueueFilter(tab="all", search="лицензии"), 0, 100)
    assert numbers(query(desk_of_six, search="лицензии")) == [row.number for row in found]
    assert query(desk_of_six, search="лицензии").filter == dq.QueueFilter(tab="all", sort="number", agent="petrova",
                                                                         search="лицензии")  # fmt: skip


def test_overdue_means_the_due_time_has_come(desk_of_six):
    # New tickets of Wed 10:00 are due at 18:00 (8 working hours); 1003 (answered) on its resolution target.
    assert numbers(query(desk_of_six, overdue_at=datetime(2026, 11, 25, 17, 59, tzinfo=MSK))) == []
    assert numbers(query(desk_of_six, overdue_at=datetime(2026, 11, 25, 18, 0, tzinfo=MSK))) == [1006, 1002, 1001]
    later = datetime(2026, 12, 31, 12, tzinfo=MSK)  # waiting and closed tickets are never overdue
    assert numbers(query(desk_of_six, overdue_at=later)) == [1006, 1003, 1002, 1001]


def test_unknown_names_are_refused_not_listed_as_nothing(desk_of_six):
    with pytest.raises(ValidationError) as caught:
        query(desk_of_six, statuses=("new", "archived"))
    assert caught.value.code == Code.STATUS_UNKNOWN and caught.value.params["status"] == "archived"
    with pytest.raises(NotFoundError) as caught:
        query(desk_of_six, product="Fenix 9")
    assert caught.value.code == Code.PRODUCT_UNKNOWN
    with pytest.raises(NotFoundError) as caught:
        query(desk_of_six, assignee="nobody")
    agents = caught.value.params["agents"]
    assert caught.value.code == Code.AGENT_UNKNOWN and {"petrova", "sidorov"} <= set(agents) and agents == sorted(agents)


def test_merge_and_split_flags_are_read_with_the_page(desk_of_six):
    merge_tickets(desk_of_six, 1002, 1001)
    split = split_ticket(desk_of_six, 1003, 1)
    flags = {row.number: row.flags for row in listing.rows()}
    assert flags[1002] == ("support_ended", "merged")
    assert flags[1001] == () and flags[1003] == ("split",) and flags[split.number] == ("split",)


def test_paging_offset_cursor_limit_and_counts(desk):
    for _ in range(12):
        new_ticket(desk)
    everything = numbers()
    assert everything == list(range(1012, 1000, -1))
    q = query(desk)
    assert [[r.number for r in page] for page in listing.pages(q, page_size=5)] == [
        everything[:5], everything[5:10], everything[10:]]  # fmt: skip
    assert numbers(query(desk, limit=7)) == everything[:7]
    assert [len(page) for page in listing.pages(query(desk, limit=7), page_size=5)] == [5, 2]
    assert numbers(query(desk, offset=3, limit=4)) == everything[3:7]
    assert [r.number for page in listing.pages(query(desk, offset=3), page_size=4) for r in page] == everything[3:]
    assert numbers(query(desk, before=1005)) == [1004, 1003, 1002, 1001]
    assert numbers(query(desk, before=1005, offset=1, limit=2)) == [1003, 1002]
    assert numbers(query(desk, offset=20)) == []
    assert listing.count(query(desk)) == 12 and listing.count(query(desk, before=1005, limit=1)) == 4
    assert listing.more_after(q, 1002) and not listing.more_after(q, 1001)


def test_pages_are_read_one_at_a_time(desk):
    """The list is a generator: a page is read only when asked for (what lets the CLI write the
    first rows before the last are read), with a fixed number of statements a page."""
    for _ in range(5):
        new_ticket(desk)
    statements: list[str] = []
    db = m.database_proxy.obj
    real = db.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        statements.append(sql)
        return real(sql, params, *args, **kwargs)

    db.execute_sql = counting
    try:
        pages = listing.pages(query(desk), page_size=2)
        assert inspect.isgenerator(pages) and statements == []
        assert [r.number for r in next(pages)] == [1005, 1004]
        first = len(statements)
        assert first == 2  # the kinds of the page's links; its rows with their message counts
        assert "GROUP BY" in statements[1] and "COUNT" in statements[1]
        assert [r.number for r in next(pages)] == [1003, 1002]
        assert len(statements) == 2 * first
    finally:
        db.execute_sql = real


def test_item_json_says_waiting_stale_from_the_desks_clock(desk_of_six):
    row = next(r for r in listing.rows() if r.number == 1004)
    assert listing.item_json(row, desk_of_six, unread=True)["flags"] == []
    desk_of_six.clock.set(desk_of_six.now() + timedelta(days=14))
    item = listing.item_json(row, desk_of_six, unread=True)
    assert item["flags"] == ["waiting_stale"] and item["unread"] is True
    assert item["created_at"] == "2026-11-25T10:00:00+03:00" and item["message_count"] == 1
