"""tui/team.py: the team in words (notices, who else is here, what changed under you)."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from helpdesk.data.read.views import EventView
from helpdesk.data.team import activity
from helpdesk.data.team.activity import Activity, Notice
from helpdesk.data.team.presence import Here
from helpdesk.tui.i18n import set_language
from helpdesk.tui.team import change_line, notice_texts, plain, presence_line
from helpdesk.tui.widgets.message_card import TimeContext
from tests.pilot import HOSTILE

AT = datetime(2026, 11, 25, 3, 33, tzinfo=timezone.utc)  # 06:33 in Moscow
MSK = ZoneInfo("Europe/Moscow")


def notice(kind, number=1001, subject="Вопрос", actor="alice", assignee=None):
    return Notice(kind, number, subject, actor, assignee, AT)


def test_each_notice_in_words():
    found = Activity((
        notice(activity.NEW_TICKET, actor="email"),
        notice(activity.CUSTOMER_ANSWER, actor="customer"),
        notice(activity.ASSIGNED_TO_YOU),
        notice(activity.TAKEN_FROM_YOU, assignee="alice"),
        notice(activity.TAKEN_FROM_YOU, assignee=None),
        notice(activity.TAKEN_FROM_YOU, assignee="bob"),
    ), newest=10)
    assert notice_texts(found) == [
        ("New ticket", "#1001 Вопрос"),
        ("The customer answered", "#1001 Вопрос"),
        ("Assigned to you", "alice assigned #1001 to you: Вопрос"),
        ("Your ticket was taken", "alice took #1001: Вопрос"),
        ("Your ticket was taken", "alice unassigned #1001: Вопрос"),
        ("Your ticket was taken", "alice assigned #1001 to bob: Вопрос"),
    ]
    set_language("ru")
    assert notice_texts(Activity((notice(activity.TAKEN_FROM_YOU, assignee="alice"),), 10)) == [
        ("Вашу заявку взял(а) коллега", "alice взял(а) себе №1001: Вопрос")
    ]


def test_many_new_tickets_are_one_notice():
    many = tuple(notice(activity.NEW_TICKET, number=n) for n in range(1001, 1006))
    assert notice_texts(Activity(many + (notice(activity.ASSIGNED_TO_YOU),), 10)) == [
        ("New tickets", "5 new tickets"), ("Assigned to you", "alice assigned #1001 to you: Вопрос")
    ]
    assert notice_texts(Activity(many[:2], 10, more=True)) == [("New tickets", "2 new tickets and more")]


def test_untrusted_subjects_and_logins_are_made_harmless():
    text = notice_texts(Activity((notice(activity.ASSIGNED_TO_YOU, subject=HOSTILE["osc52"], actor=HOSTILE["clear"]),), 1))
    assert "\x1b" not in str(text) and "\x07" not in str(text)
    assert plain("Счёт\n\x1b[2J") == "Счёт ␛[2J"


def test_who_else_is_here():
    here = [Here("bob", 1001, None, AT), Here("alice", 1001, "note", AT), Here("bob", 1001, "reply", AT)]
    assert presence_line(here).plain == "Also here: alice writing a note · bob writing a reply"
    assert presence_line([Here("[b]x[/b]", 1001, None, AT)]).plain == "Also here: [b]x[/b]"
    assert presence_line([]).plain == ""


def test_changes_name_who_what_and_when(regulation):
    times = TimeContext(MSK, None, AT)
    status = EventView("alice", "status", "open", "waiting", AT)
    reply = EventView("alice", "reply", None, "17", AT)
    customer = EventView("customer", "customer_message", None, "18", AT)
    assert change_line(status, regulation, times).plain == "alice: status: Open → Waiting for customer, 06:33 MSK"
    assert change_line(reply, regulation, times).plain == "alice replied to the customer, 06:33 MSK"
    assert change_line(customer, regulation, times).plain == "customer wrote, 06:33 MSK"
    set_language("ru")
    assert change_line(status, regulation, times).plain == "alice: статус: Открыта → Ждёт клиента, 06:33\u00a0МСК"
