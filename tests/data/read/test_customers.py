"""data/read/customers.py: the new-ticket form's customer search."""

from __future__ import annotations

import threading

from helpdesk.data.store import models as m
from helpdesk.data.read.customers import search_customers
from helpdesk.data.core.values import NewTicket
from helpdesk.data.tickets.operations import create_ticket


def _customer(desk, email, name, tickets=0):
    for i in range(tickets):
        create_ticket(desk, NewTicket(subject=f"t{i}", body="b", customer_email=email, customer_name=name))
    if not tickets:
        m.Customer.create(name=name, email=email, created_at=desk.now())


def _emails(results):
    return [r.email for r in results]


def test_finds_by_email_and_by_name_case_insensitively_in_cyrillic(desk):
    _customer(desk, "ivan.petrov@example.ru", "Иван Петров", tickets=2)
    _customer(desk, "olga@zavod.ru", "Ольга Сидорова")
    assert _emails(search_customers("IVAN.P")) == ["ivan.petrov@example.ru"]
    assert _emails(search_customers("петров")) == ["ivan.petrov@example.ru"]
    assert _emails(search_customers("ОЛЬГА")) == ["olga@zavod.ru"]
    found = search_customers("иван")[0]
    assert (found.name, found.ticket_count) == ("Иван Петров", 2)


def test_orders_exact_then_prefix_then_word_then_anywhere(desk):
    _customer(desk, "anna@example.ru", "Анна Каренина")
    _customer(desk, "ann@example.ru", "Ann Exact")
    _customer(desk, "maryann@example.ru", "Mary Ann")
    _customer(desk, "bob@example.ru", "Bob Annenkov")
    _customer(desk, "xannx@example.ru", "Zed")
    results = _emails(search_customers("ann@example.ru"))
    assert results[0] == "ann@example.ru"
    results = _emails(search_customers("ann"))
    assert results[:2] == ["ann@example.ru", "anna@example.ru"]  # e-mail starts with it
    assert set(results[2:4]) == {"maryann@example.ru", "bob@example.ru"}  # a word of the name
    assert results[4] == "xannx@example.ru"


def test_blank_text_and_limit(desk):
    for i in range(5):
        _customer(desk, f"user{i}@example.ru", f"User {i}")
    assert search_customers("") == []
    assert search_customers("   ") == []
    assert len(search_customers("user", limit=3)) == 3
    assert search_customers("user", limit=0) == []


def test_like_wildcards_are_literal(desk):
    _customer(desk, "a_b@example.ru", "Underscore")
    _customer(desk, "axb@example.ru", "Other")
    assert _emails(search_customers("a_b")) == ["a_b@example.ru"]
    assert search_customers("%") == []


def test_works_from_another_thread(desk):
    """The TUI searches in a worker thread with its own connection."""
    _customer(desk, "olga@zavod.ru", "Ольга")
    results = []
    worker = threading.Thread(target=lambda: results.extend(search_customers("ольга")))
    worker.start()
    worker.join()
    assert _emails(results) == ["olga@zavod.ru"]


def test_customer_without_email(desk):
    m.Customer.create(name="Телеграм Пользователь", telegram="@tguser", created_at=desk.now())
    (found,) = search_customers("телеграм")
    assert found.email is None and found.telegram == "@tguser"
