"""tui/widgets/message_card.py: quoted-mail folding, event lines, times."""

from __future__ import annotations

import json
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


def test_a_change_without_an_old_value_never_reads_dash_arrow(regulation):
    """The issue: a merge wrote "priority: — → High"; now it records the old priority, and an
    event without one says what the field became."""
    assert str(describe_event(_event("priority", None, "high"), regulation)) == "petrova: priority → High"
    assert str(describe_event(_event("status", None, "open"), regulation)) == "petrova: status → Open"


def test_merge_events_name_the_duplicates_state(regulation):
    state = '{"messages": 2, "status": "waiting", "assignee": "sidorov", "priority": "high"}'
    assert str(describe_event(_event("merged_into", state, "1001"), regulation)) == (
        "petrova: merged into #1001: 2 messages moved there (it was: Waiting for customer, sidorov, High)")
    assert str(describe_event(_event("merged_from", state, "1002"), regulation)) == (
        "petrova: #1002 merged into this ticket: 2 messages (it was: Waiting for customer, sidorov, High)")
    assert str(describe_event(_event("merged_from", "1", "1002"), regulation)) == (
        "petrova: #1002 merged into this ticket: 1 message")  # written before the state was recorded
    hostile = json.dumps({"messages": 1, "status": "new", "assignee": "[b]x\x1b[2J", "priority": "low"})
    assert "[b]x␛[2J" in describe_event(_event("merged_into", hostile, "1001"), regulation).plain


def test_undone_names_what_was_undone(regulation):
    assert str(describe_event(_event("undone", "status", "41"), regulation)) == (
        "petrova: undid their last change: the status change")
    assert str(describe_event(_event("undone", "rejection", "41"), regulation)) == (
        "petrova: undid their last change: the rejection as out of scope")


def every_kind_of_event(desk):
    """Every operation that writes an event, once, through the real code: the events they wrote."""
    from datetime import timedelta

    from helpdesk.data.store import models as m
    from helpdesk.data.tickets import operations as ops
    from helpdesk.data.tickets import triage
    from helpdesk.data.tickets.split_merge import merge_tickets, split_ticket
    from helpdesk.data.tickets.undo import undo_last
    from tests.factories import new_ticket, register_agents

    register_agents("sidorov")
    step = timedelta(seconds=1)
    first = new_ticket(desk)
    desk.clock.advance(step)
    ops.add_reply(desk, first, "Ответ")
    ops.add_reply(desk, first, "Заметка", note=True)
    ops.add_customer_message(desk, first, "Ещё вопрос")
    ops.add_system_message(desk, first, "Уведомление")
    ops.assign_ticket(desk, first, "sidorov")
    ops.set_scope(desk, first, "installation")
    desk.clock.advance(step)
    ops.set_priority(desk, first, "low")
    desk.clock.advance(step)
    ops.set_status(desk, first, "waiting")
    desk.clock.advance(step)
    undo_last(desk, first)
    split_ticket(desk, first, 1)
    duplicate = new_ticket(desk, priority="high")
    ops.assign_ticket(desk, duplicate, "sidorov")
    merge_tickets(desk, duplicate, first)
    other = new_ticket(desk)
    triage.triage(desk, other, "project_fixes")
    desk.clock.advance(step)
    undo_last(desk, other)
    return list(m.Event.select().order_by(m.Event.id))


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_event_action_the_code_writes_is_worded(desk, regulation, lang):
    """Each action of data/tickets/writes.py ACTIONS, as the real operations write it, in words:
    never the stored code, never "—" for a value the event has, never English in Russian."""
    import re

    from helpdesk.data.tickets.writes import ACTIONS
    from helpdesk.tui.team import MESSAGE_CHANGES, change_line

    set_language(lang)
    events = every_kind_of_event(desk)
    assert {e.action for e in events} == ACTIONS  # the operations above write every action there is
    times = TimeContext(MSK, MSK, None)
    for e in events:
        view = EventView(e.actor, e.action, e.old_value, e.new_value, e.created_at)
        text = change_line(view, regulation, times).plain
        fallback = f"{e.action} " + " → ".join(v for v in (e.old_value, e.new_value) if v)
        assert fallback.strip() not in text, text  # not the plain line of an unknown action: words
        assert not text.startswith(("email ", "system ")), text  # who, in words (a channel, the helpdesk)
        assert "—" not in text and "{" not in text, text
        if describe_event(view, regulation) is None:
            assert e.action in MESSAGE_CHANGES
        if lang == "ru":
            words = set(re.findall(r"[A-Za-z]{3,}", text)) - {"petrova", "sidorov", "MSK"}
            assert not words, text
    set_language("en")


def test_log_event_refuses_an_action_nobody_words(desk):
    from helpdesk.data.tickets.lookup import get_ticket
    from helpdesk.data.tickets.writes import log_event
    from tests.factories import new_ticket

    number = new_ticket(desk)
    with pytest.raises(ValueError):
        log_event(desk, get_ticket(number), desk.agent, "relabelled", "a", "b")


def test_every_log_event_call_names_a_known_action():
    """Statically too: each action a call of log_event names in data/ is one of ACTIONS."""
    import ast
    from pathlib import Path

    import helpdesk.data as data
    from helpdesk.data.tickets import links, writes

    names = {"MERGED_INTO": links.MERGED_INTO, "MERGED_FROM": links.MERGED_FROM, "SPLIT_INTO": links.SPLIT_INTO,
             "SPLIT_FROM": links.SPLIT_FROM, "UNDONE": writes.UNDONE}  # fmt: skip
    seen = 0
    for path in Path(data.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "log_event" and len(node.args) >= 4:
                action = node.args[3]
                choices = [action.body, action.orelse] if isinstance(action, ast.IfExp) else [action]
                for choice in choices:
                    if isinstance(choice, ast.Constant):
                        assert choice.value in writes.ACTIONS, (path, choice.value)
                    elif isinstance(choice, ast.Name) and choice.id in names:
                        assert names[choice.id] in writes.ACTIONS
                    else:  # operations._set_field: the field's name (scope, priority)
                        assert isinstance(choice, ast.Name) and choice.id == "name", (path, ast.dump(choice))
                    seen += 1
    assert seen >= 15


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
