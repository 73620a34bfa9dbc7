"""data/tickets/lookup.py: the one customer look-up every channel goes through."""

from __future__ import annotations

import pytest

from helpdesk.data.core.errors import Code, NotFoundError, ValidationError
from helpdesk.data.store import models as m
from helpdesk.data.tickets import lookup


def test_a_customer_is_found_by_address_case_folded_and_keeps_their_name(desk):
    first = lookup.find_or_create_customer(desk.now(), "Ivan@Example.RU", "Иван Петров")
    again = lookup.find_or_create_customer(desk.now(), "ivan@example.ru", "I. Petrov")
    assert again.id == first.id and again.name == "Иван Петров"  # a mail's display name is not trusted over ours
    assert m.Customer.select().count() == 1


def test_a_nameless_customer_takes_the_address_local_part_until_a_name_comes(desk):
    nameless = lookup.find_or_create_customer(desk.now(), "anna@example.ru")
    assert nameless.name == "anna"
    nameless.name = ""
    nameless.save()
    assert lookup.find_or_create_customer(desk.now(), "anna@example.ru", "Анна").name == "Анна"


def test_telegram_users_are_found_by_id_and_renamed(desk):
    first = lookup.find_or_create_customer(desk.now(), None, "Иван", telegram="42", rename=True)
    renamed = lookup.find_or_create_customer(desk.now(), None, "Иван П.", telegram="42", rename=True)
    assert renamed.id == first.id and renamed.name == "Иван П."


def test_a_customer_needs_an_address_or_a_telegram_id(desk):
    with pytest.raises(ValidationError) as error:
        lookup.find_or_create_customer(desk.now(), None, "Никто")
    assert (error.value.field, error.value.code, error.value.params) == ("customer", Code.TICKET_CONTACT_REQUIRED, {})


def test_senders_without_a_usable_address_are_kept_by_the_address_as_written(desk):
    daemon = lookup.find_or_create_unaddressed(desk.now(), "MAILER-DAEMON", "Mail Delivery System")
    assert (daemon.email, daemon.name, daemon.telegram) == ("mailer-daemon", "Mail Delivery System", None)
    assert lookup.find_or_create_unaddressed(desk.now(), "Mailer-Daemon", "").id == daemon.id
    intranet = lookup.find_or_create_unaddressed(desk.now(), "someone@intranet", "")
    assert (intranet.email, intranet.name) == ("someone@intranet", "someone@intranet")


def test_senders_without_any_address_are_one_customer_per_name(desk):
    bare = lookup.find_or_create_unaddressed(desk.now(), None, "Иван Петров")
    assert lookup.find_or_create_unaddressed(desk.now(), "", "Иван Петров").id == bare.id
    assert lookup.find_or_create_unaddressed(desk.now(), None, "  ").name == "(unknown sender)"
    assert bare.email is None and bare.telegram is None


def test_products_by_name_any_case_and_unknown_ones_refused(desk):
    assert lookup.find_product("fenix+ 3").name == "Fenix+ 3"
    assert lookup.product_names()[0] == desk.regulation.products[0].name
    with pytest.raises(NotFoundError) as unknown:
        lookup.find_product("Fenix 99")
    assert (unknown.value.code, unknown.value.params) == (
        Code.PRODUCT_UNKNOWN, {"product": "Fenix 99", "products": lookup.product_names()})
    with pytest.raises(NotFoundError) as missing:
        lookup.get_ticket(999999)
    assert (missing.value.code, missing.value.params) == (Code.TICKET_NOT_FOUND, {"number": 999999})


def test_a_name_made_up_from_an_address_is_no_known_name(desk):
    now, known = desk.now(), lookup.known_name
    assert known(lookup.find_or_create_customer(now, "ivan@example.ru", "Иван Петров")) == "Иван Петров"
    assert known(lookup.find_or_create_customer(now, "olga@example.ru")) is None  # named "olga" by the look-up
    assert known(lookup.find_or_create_customer(now, "Petr.Ivanov@example.ru", "petr.ivanov")) is None
    assert known(lookup.find_or_create_customer(now, None, "", telegram="@masha")) is None
    assert known(lookup.find_or_create_customer(now, None, "", phone="+7 912 000-00-00")) is None
    unknown = lookup.find_or_create_unaddressed(now, None, "")
    assert unknown.name == lookup.UNKNOWN_SENDER and known(unknown) is None
    assert known(lookup.find_or_create_unaddressed(now, "MAILER-DAEMON", "")) is None
    assert known(lookup.find_or_create_unaddressed(now, "someone@intranet", "Отдел кадров")) == "Отдел кадров"
