"""data/read/customer_history.py: a customer's other tickets, and their organisation's."""

from __future__ import annotations

import pytest
from datetime import timedelta

import peewee as pw

from helpdesk.data.read.customer_history import get_customer_history, history_json
from helpdesk.data.rules import statuses as st
from helpdesk.data.store import models as m
from helpdesk.data.tickets import operations as ops
from tests.factories import new_ticket

ORG = "ООО «ПожПроект»"


def _ticket(desk, email, subject="Вопрос", organisation=None) -> int:
    desk.clock.advance(timedelta(minutes=5))  # each a little newer than the last
    return new_ticket(desk, customer_email=email, customer_name=email.split("@")[0], subject=subject,
                      organisation=organisation)


def test_a_customer_with_no_other_ticket_has_none(desk):
    number = _ticket(desk, "ivan@example.ru", organisation=ORG)
    history = get_customer_history(number)
    assert history.empty
    assert (history.customer.total, history.customer.tickets) == (0, ())
    assert (history.organisation, history.organisation_tickets.total) == (None, 0)


def test_a_missing_ticket_has_none(desk):
    assert get_customer_history(404).empty


def test_the_customers_other_tickets_newest_first_with_their_facts(desk):
    first = _ticket(desk, "ivan@example.ru", "Первый")
    second = _ticket(desk, "ivan@example.ru", "Второй")
    _ticket(desk, "olga@example.ru", "Чужой")
    current = _ticket(desk, "ivan@example.ru", "Текущий")
    ops.set_status(desk, first, st.OPEN)
    history = get_customer_history(current)
    assert history.customer.numbers == [second, first]
    assert history.customer.total == 2
    brief = history.customer.tickets[1]
    assert (brief.subject, brief.status) == ("Первый", st.OPEN)
    assert brief.created_at == m.Ticket.get(m.Ticket.number == first).created_at
    # From an older ticket, the newer ones are "other tickets" too.
    assert get_customer_history(first).customer.numbers == [current, second]


def test_an_organisation_shared_by_two_customers(desk):
    ivan_1 = _ticket(desk, "ivan@pozh.ru", organisation=ORG)
    olga_1 = _ticket(desk, "olga@pozh.ru", organisation=ORG)
    _ticket(desk, "petr@other.ru", organisation="АО «Другое»")
    _ticket(desk, "anna@private.ru")  # no organisation: never anyone's colleague
    olga_2 = _ticket(desk, "olga@pozh.ru", organisation=ORG)
    ivan_2 = _ticket(desk, "ivan@pozh.ru", organisation=ORG)

    ivans = get_customer_history(ivan_2)
    assert ivans.customer.numbers == [ivan_1]
    assert ivans.organisation == ORG
    assert ivans.organisation_tickets.numbers == [olga_2, olga_1]  # the other customers' only
    assert ivans.organisation_tickets.total == 2

    olgas = get_customer_history(olga_1)
    assert olgas.customer.numbers == [olga_2]
    assert olgas.organisation_tickets.numbers == [ivan_2, ivan_1]


def test_a_customer_without_an_organisation_has_no_colleagues(desk):
    _ticket(desk, "anna@private.ru")
    _ticket(desk, "boris@private.ru")
    history = get_customer_history(_ticket(desk, "anna@private.ru"))
    assert history.customer.total == 1
    assert (history.organisation, history.organisation_tickets.total) == (None, 0)


def test_each_list_is_capped_and_counts_them_all(desk):
    own = [_ticket(desk, "ivan@pozh.ru", organisation=ORG) for _ in range(6)]
    theirs = [_ticket(desk, f"c{i}@pozh.ru", organisation=ORG) for i in range(5)]
    history = get_customer_history(own[0], limit=3)
    assert history.customer.numbers == own[:0:-1][:3]
    assert (history.customer.total, history.customer.more) == (5, 2)
    assert history.organisation_tickets.numbers == theirs[::-1][:3]
    assert (history.organisation_tickets.total, history.organisation_tickets.more) == (5, 2)
    none_listed = get_customer_history(own[0], limit=0)
    assert (none_listed.customer.tickets, none_listed.customer.total) == ((), 5)
    assert (none_listed.organisation, none_listed.organisation_tickets.total) == (ORG, 5)


def test_json_lists_the_numbers_and_the_totals(desk):
    ivan_1 = _ticket(desk, "ivan@pozh.ru", organisation=ORG)
    olga = _ticket(desk, "olga@pozh.ru", organisation=ORG)
    ivan_2 = _ticket(desk, "ivan@pozh.ru", organisation=ORG)
    assert history_json(get_customer_history(ivan_2)) == {
        "customer_tickets": [ivan_1], "customer_tickets_total": 1,
        "organisation_tickets": [olga], "organisation_tickets_total": 1,
    }


def _plans(number: int) -> list[str]:
    """Every step of the history's queries' plans (SQLite's EXPLAIN QUERY PLAN)."""
    db = m.database_proxy.obj
    seen: list[tuple[str, tuple]] = []
    execute = db.execute_sql

    def spy(sql, params=None, *args, **kwargs):
        seen.append((sql, params))
        return execute(sql, params, *args, **kwargs)

    db.execute_sql = spy
    try:
        get_customer_history(number)
    finally:
        db.execute_sql = execute
    assert len(seen) == 2  # one query a list
    return [row[3] for sql, params in seen for row in execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()]


@pytest.mark.sqlite_only  # SQLite's EXPLAIN QUERY PLAN
def test_both_queries_are_served_by_indexes(desk):
    number = _ticket(desk, "ivan@pozh.ru", organisation=ORG)
    _ticket(desk, "olga@pozh.ru", organisation=ORG)
    assert isinstance(m.database_proxy.obj, pw.SqliteDatabase)
    steps = _plans(number)
    assert not [s for s in steps if s.startswith("SCAN")], steps  # no table is read whole
    assert any("COVERING INDEX customer_organisation" in s for s in steps), steps
    # The other customers' tickets are picked and counted on indexes alone; rows are read by id.
    searched = [s for s in steps if s.startswith("SEARCH theirs")]
    assert len(searched) == 4 and all("COVERING INDEX ticket_customer" in s for s in searched), steps
    assert sum("USING COVERING INDEX ticket_customer_created" in s for s in searched) >= 2, steps
    assert [s for s in steps if s.startswith("SEARCH t1")] == ["SEARCH t1 USING INTEGER PRIMARY KEY (rowid=?)"] * 2
