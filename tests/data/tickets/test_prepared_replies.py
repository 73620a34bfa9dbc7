"""data/tickets/prepared_replies.py: CRUD, built-in defaults, placeholders, fuzzy search."""

import functools
from datetime import timedelta

import pytest

from tests.factories import SEEDED_AT, SEEDED_BY
from helpdesk.data.store import models as m
from helpdesk.data.tickets import prepared_replies as pr
from helpdesk.data.tickets import operations as tickets
from helpdesk.data.core.errors import Code, ConflictError, ValidationError
from helpdesk.data.store.database import open_store
from tests.factories import ticket_input

BUILTIN_KEYS = ["more_details", "one_problem", "out_of_hours", "out_of_scope", "reply_in_thread", "support_ended"]


new = functools.partial(ticket_input, subject="Проект не открывается", product="Fenix+ 2")


def test_builtin_replies_are_seeded_into_an_empty_table(desk):
    replies = pr.list_replies()
    assert [r.key for r in replies] == BUILTIN_KEYS
    assert all(r.builtin and r.body_ru.strip() and r.body_en.strip() for r in replies)
    # Every built-in text only uses known placeholders.
    for r in replies:
        pr.check_placeholders(r.body_ru)
        pr.check_placeholders(r.body_en)


def test_built_in_replies_cannot_be_deleted_or_renamed(desk):
    for key in BUILTIN_KEYS:
        with pytest.raises(ValidationError) as refused:
            pr.delete_reply(key)
        assert (refused.value.field, refused.value.code, refused.value.params) == (
            "key", Code.PREPARED_REPLY_BUILTIN_DELETE, {"key": key})
    with pytest.raises(ValidationError) as refused:
        pr.update_reply(desk, "out_of_scope", new_key="not_ours")
    assert (refused.value.code, refused.value.params) == (Code.PREPARED_REPLY_BUILTIN_KEY, {"key": "out_of_scope"})
    assert [r.key for r in pr.list_replies()] == BUILTIN_KEYS
    pr.update_reply(desk, "out_of_scope", new_key="out_of_scope", title="Не входит")  # the same key: fine


def test_reset_puts_the_regulation_text_back(desk):
    from helpdesk.data.rules.builtin_replies import builtin_replies

    shipped = next(r for r in builtin_replies() if r.key == "out_of_scope")
    pr.update_reply(desk, "out_of_scope", title="Своё", body_ru="Не наше, {customer}.", body_en="")
    desk.clock.advance(timedelta(minutes=1))
    read = pr.get_reply("out_of_scope")
    reset = pr.reset_reply(desk, "out_of_scope", expected_updated_at=read.updated_at)
    assert (reset.title, reset.body_ru, reset.body_en, reset.builtin) == (
        shipped.title, shipped.body_ru, shipped.body_en, True)
    assert reset.updated_at == desk.now()
    with pytest.raises(ConflictError):
        pr.reset_reply(desk, "out_of_scope", expected_updated_at=read.updated_at)
    pr.create_reply(desk, "mine", "Моё", "Текст")
    with pytest.raises(ValidationError) as refused:
        pr.reset_reply(desk, "mine")
    assert (refused.value.code, refused.value.params) == (Code.PREPARED_REPLY_NOT_BUILTIN, {"key": "mine"})
    with pytest.raises(pr.ReplyMissing):
        pr.reset_reply(desk, "nothing")


def test_a_lost_built_in_reply_comes_back_on_open(desk, db_path, regulation):
    """A database an older version let lose a built-in reply (deleted, renamed, or its key taken
    by an agents' reply) gets it back on open: the rejection always has its text."""
    m.PreparedReply.delete().where(m.PreparedReply.key == "out_of_scope").execute()
    m.PreparedReply.update(key="renamed").where(m.PreparedReply.key == "one_problem").execute()
    m.PreparedReply.update(builtin=False, body_ru="Своё").where(m.PreparedReply.key == "more_details").execute()
    open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)
    replies = {r.key: r for r in pr.list_replies()}
    assert sorted(replies) == sorted(BUILTIN_KEYS + ["renamed"])
    assert all(replies[key].builtin for key in BUILTIN_KEYS)
    assert replies["more_details"].body_ru == "Своё"  # the agents' text stays, as the built-in one
    assert replies["renamed"].builtin is False  # an ordinary reply now: it may be deleted
    pr.delete_reply("renamed")
    assert "{scope_rule}" in replies["out_of_scope"].body_ru


def test_an_open_with_every_reply_in_place_writes_nothing(desk, db_path, db_kind, regulation):
    before = [(r.key, r.updated_at) for r in pr.list_replies()]
    if db_kind == "postgresql":  # every new connection's transactions may only read
        name = m.database_proxy.execute_sql("SELECT current_database()").fetchone()[0]
        m.database_proxy.execute_sql(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        m.database_proxy.close()
        open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)  # would fail on a write
        assert m.database_proxy.execute_sql("SHOW default_transaction_read_only").fetchone()[0] == "on"
    else:
        m.database_proxy.execute_sql("PRAGMA query_only = 1")
        try:
            open_store(db_path, regulation, SEEDED_AT, creator=SEEDED_BY)  # would fail on a write
        finally:
            m.database_proxy.execute_sql("PRAGMA query_only = 0")
    assert [(r.key, r.updated_at) for r in pr.list_replies()] == before


def test_create_edit_delete(desk):
    created = pr.create_reply(desk, "need_file", "Нужен файл проекта", "Пришлите файл, {customer}.", "")
    assert created.builtin is False and created.updated_at == desk.now()
    assert pr.get_reply("need_file").body("en") == "Пришлите файл, {customer}."  # falls back on Russian
    desk.clock.advance(timedelta(minutes=5))
    edited = pr.update_reply(desk, "need_file", new_key="need_project", body_en="Please send the file, {customer}.")
    assert edited.key == "need_project" and edited.title == "Нужен файл проекта"
    assert edited.body("en") == "Please send the file, {customer}."
    assert edited.updated_at == desk.now()
    with pytest.raises(pr.ReplyMissing) as missing:
        pr.get_reply("need_file")
    assert (missing.value.code, missing.value.params) == (Code.PREPARED_REPLY_NOT_FOUND, {"key": "need_file"})
    pr.delete_reply("need_project")
    with pytest.raises(pr.ReplyMissing) as missing:
        pr.delete_reply("need_project")
    assert (missing.value.code, missing.value.params) == (Code.PREPARED_REPLY_NOT_FOUND, {"key": "need_project"})
    with pytest.raises(pr.ReplyMissing) as missing:
        pr.update_reply(desk, "need_project", title="T")
    assert (missing.value.code, missing.value.params) == (Code.PREPARED_REPLY_NOT_FOUND, {"key": "need_project"})


def test_only_the_shipped_texts_are_built_in():
    assert pr.builtin_reply("out_of_scope").builtin
    with pytest.raises(pr.ReplyMissing) as missing:
        pr.builtin_reply("need_file")
    assert (missing.value.code, missing.value.params) == (Code.PREPARED_REPLY_BUILTIN_NOT_FOUND, {"key": "need_file"})


@pytest.mark.parametrize(
    "key, title, ru, en, field, code, params",
    [
        ("bad key", "T", "x", "", "key", Code.PREPARED_REPLY_KEY_INVALID, {}),
        ("", "T", "x", "", "key", Code.PREPARED_REPLY_KEY_INVALID, {}),
        ("ok", "  ", "x", "", "title", Code.PREPARED_REPLY_TITLE_REQUIRED, {}),
        ("ok", "T", " ", "", "body_ru", Code.PREPARED_REPLY_TEXT_REQUIRED, {}),
        ("ok", "T", "Здравствуйте, {custmer}!", "", "body_ru", Code.PLACEHOLDER_UNKNOWN,
         {"placeholder": "custmer", "placeholders": list(pr.PLACEHOLDERS)}),
        ("ok", "T", "x", "Dear {name}", "body_en", Code.PLACEHOLDER_UNKNOWN,
         {"placeholder": "name", "placeholders": list(pr.PLACEHOLDERS)}),
        ("out_of_scope", "T", "x", "", "key", Code.PREPARED_REPLY_EXISTS, {"key": "out_of_scope"}),
    ],
)  # fmt: skip
def test_invalid_replies_are_refused_naming_the_field(desk, key, title, ru, en, field, code, params):
    with pytest.raises(ValidationError) as caught:
        pr.create_reply(desk, key, title, ru, en)
    assert (caught.value.field, caught.value.code, caught.value.params) == (field, code, params)
    assert [r.key for r in pr.list_replies()] == BUILTIN_KEYS


def test_a_new_key_taken_by_another_reply_is_refused(desk):
    pr.create_reply(desk, "mine", "Моё", "Текст")
    with pytest.raises(ValidationError) as caught:
        pr.update_reply(desk, "mine", new_key="out_of_scope")
    assert (caught.value.field, caught.value.code, caught.value.params) == (
        "key", Code.PREPARED_REPLY_EXISTS, {"key": "out_of_scope"})


def test_unknown_placeholder_is_named(desk):
    def unknown(name: str) -> tuple:
        return Code.PLACEHOLDER_UNKNOWN, {"placeholder": name, "placeholders": list(pr.PLACEHOLDERS)}

    with pytest.raises(ValidationError) as caught:
        pr.create_reply(desk, "typo", "T", "Здравствуйте, {custmer}!")
    assert (caught.value.code, caught.value.params) == unknown("custmer")
    with pytest.raises(ValidationError) as caught:
        pr.update_reply(desk, "one_problem", body_ru="Здравствуйте, {custmer}!")
    assert (caught.value.code, caught.value.params) == unknown("custmer")
    assert "{custmer}" not in pr.get_reply("one_problem").body_ru
    tickets.create_ticket(desk, new())
    with pytest.raises(ValidationError) as caught:
        pr.render_text(desk, "Стоимость: {price}", 1001)
    assert (caught.value.field, caught.value.code, caught.value.params) == ("body", *unknown("price"))


def test_braces_that_are_not_placeholders_stay_text(desk):
    tickets.create_ticket(desk, new())
    text = 'JSON: {"a": 1}, пустые { } и {customer}'
    assert pr.render_text(desk, text, 1001) == 'JSON: {"a": 1}, пустые { } и Иван Петров'


def test_every_placeholder_is_filled_for_a_ticket_past_its_support_end(desk):
    tickets.create_ticket(desk, new(product="Fenix+ 2"))
    m.Agent.update(display_name="Анна Петрова").where(m.Agent.login == "petrova").execute()  # registered by the fixture
    text = "|".join("{" + name + "}" for name in pr.PLACEHOLDERS)
    values = pr.render_text(desk, text, 1001, language="ru", scope_key="project_fixes").split("|")
    assert dict(zip(pr.PLACEHOLDERS, values)) == {
        "greeting": "Здравствуйте, Иван Петров!",
        "customer": "Иван Петров",
        "ticket": "1001",
        "product": "Fenix+ 2",
        # Wed 25 Nov 2026 10:00: support is open, the next opening is Thursday morning.
        "next_open": "в четверг, 26 ноября, с 09:00 по московскому времени",
        "agent": "Анна Петрова",
        "support_end": "31.12.2021",
        "current_products": "Fenix+ 3, Fenix+ Academy, FireGuard 2, FireGuard 3, Fenix Server, Fenix Server Academy",
        "scope_rule": "Доработка и исправление проектов пользователей",
    }
    english = pr.render_text(desk, text, 1001, language="en", scope_key="project_fixes").split("|")
    assert english[0] == "Hello Иван Петров,"
    assert english[4] == "on Thursday, 26 November, from 09:00 Moscow time"
    assert english[6] == "31 December 2021"
    assert english[8] == "Revising and fixing users' projects"


def test_support_ended_reply_explains_the_end_date_and_names_current_products(desk):
    tickets.create_ticket(desk, new(product="Fenix+"))
    text = pr.render_reply(desk, "support_ended", 1001)
    assert "Fenix+ осуществлялась до 31.12.2021" in text
    assert "Fenix+ 3, Fenix+ Academy, FireGuard 2, FireGuard 3, Fenix Server, Fenix Server Academy" in text
    assert "{" not in text


def test_a_value_the_ticket_cannot_give_is_an_error_naming_the_placeholder(desk):
    tickets.create_ticket(desk, new(product=None))
    tickets.create_ticket(desk, new(product="Fenix+ 3"))
    cases = [
        (lambda: pr.render_reply(desk, "support_ended", 1001), Code.PLACEHOLDER_NO_PRODUCT,
         {"placeholder": "product", "number": 1001}),
        (lambda: pr.render_reply(desk, "support_ended", 1002), Code.PLACEHOLDER_NO_SUPPORT_END,
         {"placeholder": "support_end", "product": "Fenix+ 3"}),
        (lambda: pr.render_reply(desk, "out_of_scope", 1002), Code.PLACEHOLDER_NO_SCOPE, {"placeholder": "scope_rule"}),
        (lambda: pr.render_text(desk, "{customer}", None), Code.PLACEHOLDER_NEEDS_TICKET, {"placeholder": "customer"}),
    ]  # fmt: skip
    for render, code, params in cases:
        with pytest.raises(ValidationError) as caught:
            render()
        assert (caught.value.field, caught.value.code, caught.value.params) == ("{" + params["placeholder"] + "}", code, params)


def test_render_uses_the_customer_language_by_default(desk):
    tickets.create_ticket(desk, new())
    assert pr.render_reply(desk, "reply_in_thread", 1001).startswith("Здравствуйте, Иван Петров!")
    assert pr.render_reply(desk, "reply_in_thread", 1001, language="en").startswith("Hello Иван Петров,")


@pytest.mark.parametrize("contact", [
    {"customer_email": "ivan@example.ru", "customer_name": ""},  # named after the address: "ivan"
    {"customer_email": "Ivan.Petrov@example.ru", "customer_name": "ivan.petrov"},  # the local part as a name
    {"customer_email": "ivan@example.ru", "customer_name": "ivan@example.ru"},
    {"customer_email": None, "customer_telegram": "@ivan_p", "customer_name": "", "channel": "telegram"},
    {"customer_email": None, "customer_phone": "+7 912 345-67-89", "customer_name": "+7 912 345-67-89",
     "channel": "phone"},
])
def test_a_customer_known_only_by_address_is_greeted_neutrally(desk, contact):
    number = tickets.create_ticket(desk, new(**contact)).number
    for key in ("out_of_scope", "support_ended", "out_of_hours", "reply_in_thread", "one_problem", "more_details"):
        text = pr.get_reply(key)
        assert text.body_ru.lstrip().startswith("{greeting}") and text.body_en.lstrip().startswith("{greeting}")
    assert pr.render_reply(desk, "reply_in_thread", number).startswith("Здравствуйте!\n\n")
    assert pr.render_reply(desk, "reply_in_thread", number, language="en").startswith("Hello,\n\n")
    # Older texts (stored before {greeting}, or an agent's own) greet around {customer}: the name goes.
    assert pr.render_text(desk, "Здравствуйте, {customer}!\n\nФайл получен.", number) == "Здравствуйте!\n\nФайл получен."
    assert pr.render_text(desk, "Hello {customer},\nThanks.", number, language="en") == "Hello,\nThanks."
    # Elsewhere {customer} is the address: never a made-up name.
    email = contact.get("customer_email")
    address = email.lower() if email else contact.get("customer_telegram") or contact.get("customer_phone")
    assert pr.render_text(desk, "Клиент: {customer}", number) == f"Клиент: {address}"


def test_a_named_customer_is_greeted_by_name_in_every_builtin_text(desk):
    tickets.create_ticket(desk, new(product="Fenix+", customer_name="Мария Смирнова"))
    tickets.set_scope(desk, 1001, "project_fixes")
    for key in ("out_of_scope", "support_ended", "out_of_hours", "reply_in_thread", "one_problem", "more_details"):
        assert pr.render_reply(desk, key, 1001).startswith("Здравствуйте, Мария Смирнова!\n\n"), key
        assert pr.render_reply(desk, key, 1001, language="en").startswith("Hello Мария Смирнова,\n\n"), key
    assert pr.render_text(desk, "Добрый день, {customer}!", 1001) == "Добрый день, Мария Смирнова!"


def test_optimistic_lock_on_edit(desk):
    read = pr.get_reply("one_problem")
    desk.clock.advance(timedelta(seconds=1))
    pr.update_reply(desk, "one_problem", title="Одна проблема", expected_updated_at=read.updated_at)
    with pytest.raises(ConflictError) as changed:
        pr.update_reply(desk, "one_problem", title="Другое", expected_updated_at=read.updated_at)
    assert (changed.value.code, changed.value.params) == (Code.PREPARED_REPLY_CHANGED, {"key": "one_problem"})
    assert pr.get_reply("one_problem").title == "Одна проблема"


def test_fuzzy_search_ranks_keys_then_titles_then_text(desk):
    assert [r.key for r in pr.search_replies("")] == BUILTIN_KEYS
    assert pr.search_replies("scope")[0].key == "out_of_scope"
    assert pr.search_replies("oos")[0].key == "out_of_scope"  # o-ut o-f s-cope, scattered
    assert [r.key for r in pr.search_replies("supend")] == ["support_ended"]  # texts need the words as typed
    assert pr.search_replies("ОТДЕЛЬНУЮ")[0].key in ("one_problem", "out_of_scope")  # Russian text, any case
    assert pr.search_replies("zzzqqq") == []


def test_fuzzy_score_prefers_contiguous_matches():
    assert pr.fuzzy_score("abc", "xabcx") > pr.fuzzy_score("abc", "a_b_c")
    assert pr.fuzzy_score("abc", "acb") is None
    assert pr.fuzzy_score("", "anything") == 0
