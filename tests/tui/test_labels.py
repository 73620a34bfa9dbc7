"""tui/labels.py: store codes in words, in both languages."""

from __future__ import annotations

from helpdesk.tui.i18n import set_language
from helpdesk.tui.labels import channel_label, flag_label, priority_label, scope_label, status_label


def test_english(regulation):
    assert [status_label(s) for s in ("new", "open", "waiting", "rejected")] == [
        "New", "Open", "Waiting for customer", "Rejected"]
    assert channel_label("email") == "E-mail" and channel_label("phone") == "Phone"
    assert priority_label("high") == "High"
    assert flag_label("out_of_hours") == "received out of hours"
    assert scope_label(regulation, "defect").startswith("User errors")


def test_unknown_codes_pass_through(regulation):
    assert status_label("archived") == "archived"
    assert channel_label("fax") == "fax"
    assert scope_label(regulation, "nope") == "nope"
    assert status_label(None) == "" and scope_label(regulation, None) == ""


def test_scope_in_russian_comes_from_the_regulation(regulation):
    set_language("ru")
    assert scope_label(regulation, "defect") == "Ошибки пользователя или дефекты ПО: рекомендации по решению"


def test_statuses_in_russian_one_word_each(regulation):
    set_language("ru")
    assert [status_label(s) for s in ("new", "open", "waiting", "resolved", "closed", "rejected")] == [
        "Новая", "Открыта", "Ждёт клиента", "Решена", "Закрыта", "Отклонена"]
    assert channel_label("email") == "Эл. почта" and channel_label("visit") == "Визит"
