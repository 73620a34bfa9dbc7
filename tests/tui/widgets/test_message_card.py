"""tui/widgets/message_card.py: quoted-mail folding, event lines, times."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from helpdesk.data.core.errors import Code, HelpdeskError, encode_reason
from helpdesk.data.read.views import EventView, MessageView
from helpdesk.tui.i18n import set_language
from helpdesk.tui.widgets.message_card import (
    TimeContext,
    card_header,
    describe_event,
    dim_inline_quotes,
    split_quoted,
    when,
)

MSK = ZoneInfo("Europe/Moscow")


@pytest.mark.parametrize(
    ("body", "main", "quoted_starts"),
    [
        ("Спасибо, заработало.\n\n> Попробуйте переустановить\n> драйвер", "Спасибо, заработало.", "> Попробуйте"),
        (
            "Thanks!\n\nOn Mon, 12 Jan 2026 at 10:00, Support <support@vendor.ru> wrote:\n> old",
            "Thanks!",
            "On Mon, 12 Jan 2026",
        ),
        (
            "Thanks!\n\nOn Mon, 12 Jan 2026 at 10:00, Support <support@vendor.ru>\nwrote:\n> old",
            "Thanks!",
            "On Mon, 12 Jan 2026",
        ),
        ("Добрый день.\n\n12.01.2026, 10:00, Поддержка пишет:\n> старое", "Добрый день.", "12.01.2026, 10:00"),
        (
            "Вот журнал.\n\n-----Original Message-----\nFrom: support\nSent: Monday\n\nЗдравствуйте!",
            "Вот журнал.",
            "-----Original Message-----",
        ),
        ("См. ниже\n-------- Исходное сообщение --------\nОт: поддержка", "См. ниже", "-------- Исходное"),
        (
            "Ok\n\nОт: Поддержка <support@vendor.ru>\nОтправлено: 12 января 2026 г. 10:00\nКому: Иван\nТема: Re: ошибка\n\nтекст",
            "Ok",
            "От: Поддержка",
        ),
    ],
)
def test_split_quoted_finds_the_quote(body, main, quoted_starts):
    head, quoted = split_quoted(body)
    assert head == main
    assert quoted.startswith(quoted_starts)


@pytest.mark.parametrize(
    "body",
    [
        "Программа пишет:\nОшибка 0x1F при открытии",  # the customer's own words, not a quote header
        "Plain text\nwith two lines",
        "> all of it is quoted\n> so show it all",
        "",
        "a > b is what I wrote:\nthen more text",
    ],
)
def test_split_quoted_leaves_other_text_whole(body):
    head, quoted = split_quoted(body)
    assert quoted == ""
    assert head == body.rstrip()


def test_interleaved_quotes_are_dimmed_not_hidden():
    content = dim_inline_quotes("> вопрос\nответ\n> ещё [b]x[/b]")
    assert content.plain == "> вопрос\nответ\n> ещё [b]x[/b]"
    dimmed = [content.plain[s.start : s.end] for s in content.spans if "dim" in str(s.style)]
    assert dimmed == ["> вопрос", "> ещё [b]x[/b]"]


def _event(action, old=None, new=None, actor="petrova"):
    return EventView(actor, action, old, new, datetime(2026, 1, 12, 7, 0, tzinfo=timezone.utc))


def test_describe_event(regulation):
    assert str(describe_event(_event("status", "new", "open"), regulation)) == "petrova: status: New → Open"
    assert str(describe_event(_event("assignee", None, "ivanov"), regulation)) == "petrova: assignee → ivanov"
    assert str(describe_event(_event("assignee", "ivanov", None), regulation)) == "petrova: assignee removed"
    assert str(describe_event(_event("scope", None, "regulations"), regulation)).startswith(
        "petrova: scope: Explaining technical regulations")
    assert str(describe_event(_event("scope", "defect", None), regulation)) == "petrova: scope cleared"
    assert str(describe_event(_event("priority", "normal", "high"), regulation)) == "petrova: priority: Normal → High"
    # An action this module does not know yet is still shown, plainly.
    assert str(describe_event(_event("relabelled", "a", "b"), regulation)) == "petrova: relabelled a → b"
    for action in ("created", "reply", "note", "customer_message", "notice"):
        assert describe_event(_event(action, None, "5"), regulation) is None


def test_describe_event_in_russian(regulation):
    set_language("ru")
    text = str(describe_event(_event("scope", None, "regulations"), regulation))
    assert "Разъяснение положений технических регламентов" in text


def test_hostile_actor_is_literal(regulation):
    content = describe_event(_event("status", "new", "open", actor="[@click=app.quit]x\x1b[2J"), regulation)
    assert "[@click=app.quit]x␛[2J" in content.plain
    assert all("@click" not in str(s.style) for s in content.spans)


def test_when_adds_the_agent_zone_only_when_it_differs():
    at = datetime(2026, 1, 12, 7, 0, tzinfo=timezone.utc)  # Monday 10:00 MSK
    now = datetime(2026, 1, 14, 9, 0, tzinfo=timezone.utc)
    assert when(at, MSK, MSK, now) == "Mon 10:00 MSK"
    assert when(at, MSK, None, now) == "Mon 10:00 MSK"
    assert when(at, MSK, ZoneInfo("Asia/Yekaterinburg"), now) == "Mon 10:00 MSK (Mon 12:00 +05)"
    assert when(at, MSK, MSK, datetime(2026, 1, 12, 12, 0, tzinfo=timezone.utc)) == "10:00 MSK"
    assert when(at, MSK, MSK, datetime(2026, 2, 12, 12, 0, tzinfo=timezone.utc)) == "12 Jan 10:00 MSK"


@pytest.mark.parametrize(
    "error, in_english, in_russian",
    [
        ("550 5.1.1 <ivan@example.ru>: no such user", "550 5.1.1 <ivan@example.ru>: no such user",
         "550 5.1.1 <ivan@example.ru>: no such user"),  # a server's answer is data: as it came
        (encode_reason(HelpdeskError(Code.TELEGRAM_UNREACHABLE, method="sendMessage", detail="timed out")),
         "Telegram sendMessage: cannot reach the Bot API: timed out",
         "Telegram sendMessage: Bot API недоступен: timed out"),
    ],
)  # fmt: skip
def test_a_failed_delivery_says_why_in_the_agents_language(error, in_english, in_russian):
    at = datetime(2026, 1, 12, 7, 0, tzinfo=timezone.utc)
    message = MessageView(1, "agent", "Анна", "ответ", at, delivery="failed", delivery_error=error)
    times = TimeContext(MSK, None, at)
    assert card_header(message, times).plain.endswith(f" · not delivered: {in_english}")
    set_language("ru")
    assert card_header(message, times).plain.endswith(f" · не доставлено: {in_russian}")
