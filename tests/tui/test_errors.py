"""tui/errors.py: every code has a text in both languages; describe() and stored reasons."""

from __future__ import annotations

import re
import sqlite3
from string import Formatter

import pytest

from helpdesk.data.core.errors import (
    Code,
    ConflictError,
    HelpdeskError,
    NotFoundError,
    RegulationError,
    TransitionError,
    ValidationError,
    encode_reason,
)
from helpdesk.data.read.attachments import FileProblem
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.tickets import operations as tickets
from helpdesk.tui.errors import SCOPE_PARAMS, SHOWN, TEXTS, describe, describe_reason
from helpdesk.tui.i18n import _, ngettext, set_language
from tests.factories import new_ticket, register_agents

# A representative value for every parameter name a text uses.
SAMPLES = {
    "kind": "OperationalError", "detail": "disk I/O error", "byte": 7, "value": "2026-13-45", "target": "/srv/hd.db",
    "version": 9, "supported": 8, "choices": ["starttls", "tls"], "table": "products", "timezone": "Mars/Base",
    "variable": "HELPDESK_SMTP_PASSWORD", "start": "09:00", "end": "08:00", "days": ["mon", "tue"],
    "date": "2026-05-09", "year": 2025, "country": "XX", "minutes": 600, "day": "fri", "first": 2000, "last": 2100,
    "keys": ["country", "hours_by_date"], "number": 1001, "product": "Fenix 9", "products": ["Fenix+ 3", "FireGuard 3"],
    "channel": "fax", "channels": ["email", "phone"], "priority": "urgent", "priorities": ["low", "high"],
    "scope": "astrology", "scopes": ["improvement", "consulting"], "status": "resolved", "statuses": ["open", "closed"],
    "new_status": "waiting", "count": 3, "into": 1002, "key": "need_file", "placeholder": "price",
    "placeholders": ["customer", "ticket"], "path": "/home/anna/отчёт.pdf", "max_bytes": 25 * 1024 * 1024, "line": 1,
    "column": 16, "limit": 1000, "fields": ["email", "name"], "request": "P-9", "url": "imaps://x@", "host": "imap.example",
    "command": "SELECT INBOX", "error": NotFoundError(Code.TICKET_NOT_FOUND, number=7), "method": "getUpdates",
    "description": "Unauthorized", "id": 42, "http_status": 502, "folder": "/srv/helpdesk",
    "package": "'psycopg[binary]'", "processes": [4242, 4243], "group": "helpdesk", "agent": "petrova",
    "user": "ivanov", "admins": ["root", "petrova"], "login": "sidorov", "agents": ["petrova", "root"],
    "index": 3, "views": ["Мои", "all"], "codepoint": "DCFF", "length": 300, "name": "проект.fpp",
    "customer": "Ольга Смирнова <olga@zavod.ru>", "other": "Иван Петров <ivan@example.ru>", "at": "10:15",
    "actor": "customer", "change": "reply", "source": "sqlite:///srv/old.db", "tables": "ticket, message",
    "kept": "/srv/backup/helpdesk.replaced-20261130-101500.dump",
}  # fmt: skip
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def fields(template: str) -> set[str]:
    return {name for _text, name, _spec, _conversion in Formatter().parse(template) if name}


def english_of(code: Code) -> str:
    text = TEXTS[code]
    return text[1] if isinstance(text, tuple) else text


def translated(code: Code, count: int) -> str:
    text = TEXTS[code]
    return ngettext(*text, count) if isinstance(text, tuple) else _(text)


def sample_error(code: Code) -> HelpdeskError:
    return HelpdeskError(code, **{name: SAMPLES[name] for name in fields(english_of(code))})


def test_every_code_has_a_text():
    assert set(TEXTS) == set(Code)


@pytest.mark.parametrize("code", sorted(TEXTS), ids=str)
def test_every_code_reads_in_english_and_in_russian(code):
    error = sample_error(code)
    english = describe(error)
    set_language("ru")
    for count in (1, 3, 5):  # each Russian plural form keeps the same placeholders
        assert fields(translated(code, count)) == fields(english_of(code)), count
    russian = describe(error)
    assert russian != english and CYRILLIC.search(russian), russian
    for name, value in error.params.items():
        if name not in SHOWN and name not in SCOPE_PARAMS and name != "error":
            shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            assert shown in english and shown in russian, name


def test_vocabulary_is_shown_in_the_agents_language():
    error = TransitionError(Code.STATUS_NOT_ALLOWED, status="resolved", new_status="waiting", statuses=["open", "closed"])
    assert describe(error) == "A ticket that is “Resolved” cannot become “Waiting for customer” (allowed: Open, Closed)"
    set_language("ru")
    assert describe(error) == "Заявку в статусе «Решена» нельзя перевести в статус «Ждёт клиента» (можно: Открыта, Закрыта)"


def test_scope_keys_are_named_by_the_regulation_when_it_is_given():
    regulation = load_regulation()
    category = regulation.scope[0]
    error = ValidationError("scope", Code.SCOPE_IN_SCOPE, scope=category.key)
    assert describe(error) == f"“{category.key}” is in scope: set the category, do not reject the ticket"
    set_language("ru")
    assert describe(error, regulation).startswith(f"«{category.ru}» входит в поддержку:")


def test_plural_texts_follow_the_count():
    set_language("ru")
    texts = [describe(ValidationError("message", Code.SPLIT_NO_SUCH_MESSAGE, number=5, count=n)) for n in (1, 3, 5)]
    assert texts == [
        "В заявке №5 1 сообщение: укажите номер от 1 до 1",
        "В заявке №5 3 сообщения: укажите номер от 1 до 3",
        "В заявке №5 5 сообщений: укажите номер от 1 до 5",
    ]


def test_where_goes_before_the_text_as_it_is():
    error = RegulationError("/etc/reg.toml", "support.timezone", Code.SETTING_TIMEZONE_UNKNOWN, timezone="Mars/Base")
    assert describe(error) == "/etc/reg.toml: support.timezone: unknown time zone “Mars/Base”"
    assert describe(error, located=False) == "unknown time zone “Mars/Base”"  # shown at the field itself
    set_language("ru")
    assert describe(error) == "/etc/reg.toml: support.timezone: неизвестный часовой пояс «Mars/Base»"


def test_file_problems_in_words():
    assert describe(FileProblem("attachment", Code.ATTACHMENT_MISSING, "/x/a.txt")) == "No such file: /x/a.txt"
    assert describe(FileProblem("directory", Code.DIRECTORY_MISSING, "/x")) == "No such directory: /x"
    too_large = FileProblem("attachment", Code.ATTACHMENT_TOO_LARGE, "/big", max_bytes=25 * 1024 * 1024)
    assert describe(too_large) == "Too large: /big (the limit is 25 MB)."
    set_language("ru")
    assert describe(too_large) == "Слишком большой файл: /big (предел — 25\u00a0МБ)."  # held to its unit


def test_a_cause_is_described_in_turn():
    error = HelpdeskError(Code.INTAKE_CANNOT_STORE, error=NotFoundError(Code.TICKET_NOT_FOUND, number=7))
    assert describe(error) == "Cannot store: No ticket #7"
    set_language("ru")
    assert describe(error) == "Не удаётся сохранить: Заявка №7 не найдена"


@pytest.mark.parametrize(
    "exc, in_english, in_russian",
    [
        (sqlite3.OperationalError("database is locked"), "Database error: OperationalError: database is locked",
         "Ошибка базы данных: OperationalError: database is locked"),
        (FileNotFoundError(2, "No such file or directory", "/tmp/x"), "/tmp/x: no such file or directory",
         "/tmp/x: нет такого файла или каталога"),
        (PermissionError(13, "Permission denied", "/root/y"), "/root/y: permission denied", "/root/y: нет доступа"),
        (OSError(28, "No space left on device"), "system error: No space left on device",
         "системная ошибка: No space left on device"),
        (KeyError("x"), "Unexpected error: KeyError: 'x'", "Непредвиденная ошибка: KeyError: 'x'"),
    ],
)  # fmt: skip
def test_other_exceptions_get_a_generic_line_with_the_detail(exc, in_english, in_russian):
    assert describe(exc) == in_english
    set_language("ru")
    assert describe(exc) == in_russian


def test_stored_reasons_are_described_and_old_ones_shown_as_they_are():
    stored = encode_reason(HelpdeskError(Code.MAIL_NOT_MAIL))
    assert describe_reason(stored) == "No mail headers found: this is not an e-mail message"
    assert describe_reason("cannot store: ValueError: simulated") == "cannot store: ValueError: simulated"
    for other in ('{"code": "no.such.code", "params": {}}', '{"code": "ticket.not_found", "params": {}}'):
        assert describe_reason(other) == other
    set_language("ru")
    assert describe_reason(stored) == "Нет почтовых заголовков: это не письмо"


def test_a_stale_status_change_reads_in_russian(desk):
    number = new_ticket(desk)
    stale = tickets.get_ticket(number).version
    register_agents("sidorov")
    tickets.assign_ticket(desk, number, "sidorov")
    with pytest.raises(ConflictError) as refused:
        tickets.set_status(desk, number, "open", expected_version=stale)
    set_language("ru")
    assert describe(refused.value) == (
        f"Заявку №{number} изменил кто-то другой, пока она была у вас открыта: обновите её и попробуйте снова")
