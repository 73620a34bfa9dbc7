"""screens/thread.py: the thread view, its composer, pickers, attachments and untrusted text."""

from __future__ import annotations

import asyncio
import functools
from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from textual.widgets import OptionList, Static, TextArea

from helpdesk.data.rules import statuses as st
from helpdesk.data.store import models as m
from helpdesk.data.tickets import operations as t
from helpdesk.data.read.views import get_thread
from helpdesk.screens.choose_option import ChooseOptionModal
from helpdesk.screens.confirm_discard import ConfirmDiscardModal
from helpdesk.screens.conflict import ConflictModal
from helpdesk.screens.attachment_preview import AttachmentModal
from helpdesk.screens.save_attachment import SaveAttachmentModal
from helpdesk.screens.thread import ThreadScreen
from tests.factories import register_agents
from tests.pilot import HOSTILE, make_app as composed_app, open_thread as push_thread, paste, screen_text, sync
from tests.pilot import settle as settle_workers
from tests.screens.workflow_helpers import event_lines
from helpdesk.tui.app import HelpdeskApp
from helpdesk.tui.i18n import set_language
from helpdesk.tui.widgets.composer import Composer
from helpdesk.tui.widgets.message_card import attachment_label, card_text
from helpdesk.tui.widgets.ticket_facts import TicketFacts

MSK = ZoneInfo("Europe/Moscow")
# Friday evening, support closed: the request waits for Monday 09:00.
FRIDAY_EVENING = "2026-11-20T19:30:00+03:00"


def seed_thread(desk) -> int:
    """A ticket received on Friday evening, answered on Monday: every kind of entry."""
    clock = desk.clock
    number = t.create_ticket(
        desk,
        t.NewTicket(
            subject="Не запускается Fenix+ после обновления",
            body=(
                "Добрый день!\nПосле обновления программа пишет: ошибка 0x1F.\n\n"
                "12.11.2026, 10:00, Иван Петров <ivan@example.ru> пишет:\n> старое письмо\n> ещё строка"
            ),
            customer_email="ivan@example.ru",
            customer_name="Иван Петров",
            product="Fenix+",
            channel="email",
            attachments=[
                t.AttachmentInput("проект_объекта.fpp", b"F" * 30000),
                t.AttachmentInput("журнал.log", b"log"),
            ],
        ),
    ).number
    clock.advance(timedelta(days=2, hours=14))  # Monday 09:30
    t.assign_ticket(desk, number, "petrova")
    t.add_reply(desk, number, "Здравствуйте! Пришлите, пожалуйста, журнал.")
    t.add_reply(desk, number, "Похоже на дефект FX-1234", note=True)
    t.set_status(desk, number, st.WAITING)
    clock.advance(timedelta(hours=1))
    t.add_customer_message(desk, number, "Вот журнал.\n\n-----Original Message-----\nFrom: support\nSent: Monday\n\nЗдравствуйте!")
    t.set_scope(desk, number, "defect")
    clock.advance(timedelta(minutes=20))
    return number


def make_app(desk, **kwargs) -> HelpdeskApp:
    kwargs.setdefault("agent_tz", MSK)
    return composed_app(desk, watch_changes=False, **kwargs)


def messages_shown(screen: ThreadScreen):
    """The messages the conversation holds, in order."""
    return [e.message for e in screen.conversation.entries if e.message is not None]


def shown_lines(app) -> list[str]:
    """The screen's lines as drawn, without the spaces on either side."""
    return [line.strip() for line in screen_text(app).split("\n")]


MY_GROUPS = ("thread-load", "ticket-write", "thread-seen", "draft-save", "conflict-changes", "save-attachment",
             "attachment-preview", "attachment-open")

# Let this screen's workers finish (cancelled ones included) and their messages be handled.
settle = functools.partial(settle_workers, groups=MY_GROUPS, tries=300)
open_thread = functools.partial(push_thread, wait=settle)


# --- what it shows ------------------------------------------------------------------------


@sync
async def test_shows_facts_and_the_whole_conversation_in_order(make_desk):
    desk = make_desk(now=FRIDAY_EVENING)
    number = seed_thread(desk)
    app = make_app(desk)
    async with app.run_test(size=(120, 60)) as pilot:
        screen = await open_thread(pilot, number)
        facts = screen.query_one(TicketFacts)
        title = str(facts.query_one("#facts-title", Static).render())
        who = str(facts.query_one("#facts-who", Static).render())
        state = str(facts.query_one("#facts-state", Static).render())
        assert f"#{number}" in title and "Не запускается Fenix+" in title
        assert "Иван Петров <ivan@example.ru>" in who
        assert "Fenix+ (support ended 31.12.2021)" in who and "E-mail" in who
        assert "Open" in state and "assignee: petrova" in state and "priority: Normal" in state
        assert "User errors or software defects" in state
        assert "received out of hours" in state

        conversation = screen.conversation
        kinds = [e.message.kind if e.message else e.event.action for e in conversation.entries]
        # The out-of-hours notice (if the workflow hooks one in) comes right after the request.
        kinds = [k for k in kinds if k != "system"]
        assert kinds == ["customer", "assignee", "agent", "status", "note", "status", "customer", "status", "scope"]

        note = next(i for i, e in enumerate(conversation.entries) if e.message and e.message.kind == "note")
        assert conversation.entry_text(note).startswith("▌ Internal note · petrova")
        assert conversation.entry_text(0).split("\n")[0] == "▌ Иван Петров · customer · Fri 19:30 MSK"

        lines = event_lines(screen)
        assert any("petrova: status: New → Open" in line for line in lines)
        assert any("petrova: assignee → petrova" in line for line in lines)
        assert any("scope: User errors or software defects" in line for line in lines)


@sync
async def test_quoted_mail_is_folded_and_attachments_listed(make_desk):
    desk = make_desk(now=FRIDAY_EVENING)
    number = seed_thread(desk)
    app = make_app(desk)
    async with app.run_test(size=(120, 60)) as pilot:
        screen = await open_thread(pilot, number)
        conversation = screen.conversation
        body = conversation.entry_text(0)
        assert "ошибка 0x1F" in body and "старое письмо" not in body
        assert body.split("\n")[3:] == ["▌ ▶ Quoted text (3 lines)", "▌ ⤓ проект_объекта.fpp  29 KB", "▌ ⤓ журнал.log  3 B"]
        await pilot.press("home", "tab")  # the first link on screen: the folded quote
        assert conversation.link.kind == "quote" and conversation.link.entry == 0
        assert app.screen.active_bindings["enter"].binding.description == "Show quote"
        await pilot.press("enter")
        body = conversation.entry_text(0)
        assert "▌ ▼ Quoted text (3 lines)\n▌ 12.11.2026, 10:00, Иван Петров <ivan@example.ru> пишет:\n▌ > старое письмо" in body
        # A click on the quote folds it again.
        y = next(y for y in range(conversation.size.height) if "▼ Quoted text" in conversation.render_line(y).text)
        await pilot.click(conversation, offset=(4, y))
        assert "▶ Quoted text (3 lines)" in conversation.entry_text(0) and "старое письмо" not in conversation.entry_text(0)
        await pilot.press("tab")
        assert conversation.link.kind == "attachment" and conversation.link.attachment.filename == "проект_объекта.fpp"
        assert app.screen.active_bindings["enter"].binding.description == "Attachment"


@sync
async def test_both_time_zones_when_the_agent_is_elsewhere(make_desk):
    desk = make_desk(now=FRIDAY_EVENING)
    number = seed_thread(desk)
    app = make_app(desk, agent_tz=ZoneInfo("Asia/Novosibirsk"))
    async with app.run_test(size=(120, 60)) as pilot:
        screen = await open_thread(pilot, number)
        header = screen.conversation.entry_text(0).split("\n")[0]
        assert "Fri 19:30 MSK (Fri 23:30 +07)" in header


@sync
async def test_countdown_ticks_without_reloading(make_desk):
    desk = make_desk()  # Wednesday 10:00, open
    number = t.create_ticket(desk, t.NewTicket(subject="s", body="b", customer_email="a@b.ru", product="Fenix+ 3")).number
    app = make_app(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_thread(pilot, number)
        countdown = screen.query_one("#facts-countdown", Static)
        assert "First response due in 8 h 00 min of working time" in str(countdown.render())
        assert countdown.has_class("-ok")
        desk.clock.advance(timedelta(hours=7, minutes=30))  # 17:30 Wed: 30 min left
        app.tick()
        await pilot.pause()
        assert "due in 30 min" in str(countdown.render())
        assert countdown.has_class("-near")
        desk.clock.advance(timedelta(days=1))  # Thursday 17:30: due Wed 18:00, late Thu 09:00-17:30
        app.tick()
        await pilot.pause()
        assert "overdue by 8 h 30 min" in str(countdown.render())
        assert countdown.has_class("-overdue")


@sync
async def test_out_of_hours_request_says_when_it_is_taken_up(make_desk):
    desk = make_desk(now=FRIDAY_EVENING)
    number = t.create_ticket(desk, t.NewTicket(subject="s", body="b", customer_email="a@b.ru", product="Fenix+ 3")).number
    app = make_app(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_thread(pilot, number)
        countdown = screen.query_one("#facts-countdown", Static)
        assert "taken up Mon 09:00 MSK, in 2 d 13 h 30 min" in str(countdown.render())
        assert countdown.has_class("-pending")


@sync
async def test_missing_ticket_goes_back(desk):
    app = make_app(desk)
    async with app.run_test() as pilot:
        first = app.screen
        app.push_screen(ThreadScreen(424242))
        await settle(pilot)
        await settle(pilot)
        assert app.screen is first


# --- replying -----------------------------------------------------------------------------


@sync
async def test_reply_note_status_and_back(make_desk):
    desk = make_desk(now=FRIDAY_EVENING)
    number = seed_thread(desk)
    app = make_app(desk)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        queue = app.screen
        screen = await open_thread(pilot, number)
        before = len(messages_shown(screen))

        await pilot.press("r")
        composer = screen.query_one(Composer)
        assert composer.is_open and composer.mode == "reply"
        assert str(composer.query_one("#composer-title").render()) == "Reply to the customer"
        assert str(composer.query_one("#composer-hint").render()) == "ctrl+s send · ctrl+e write in your editor · Esc close"
        assert app.focused is composer.text_area
        await paste(pilot, "Исправлено в 3.2")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert not composer.is_open
        assert f"Reply to the customer saved on #{number}." in [n.message for n in app._notifications]
        last = get_thread(number).messages[-1]
        assert (last.kind, last.body) == ("agent", "Исправлено в 3.2")
        assert len(messages_shown(screen)) == before + 1
        assert messages_shown(screen)[-1].body == "Исправлено в 3.2"

        await pilot.press("i")
        assert composer.is_open and composer.mode == "note" and composer.has_class("-note")
        await paste(pilot, "проверить")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        last = get_thread(number).messages[-1]
        assert (last.kind, last.body) == ("note", "проверить")
        assert messages_shown(screen)[-1].kind == "note"
        assert screen.conversation.at_end  # the latest message in view

        await pilot.press("s")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ChooseOptionModal)
        offered = [c.value for c in modal.choices]
        assert set(offered) == set(st.TRANSITIONS[st.OPEN])
        options = modal.query_one(OptionList)
        options.highlighted = offered.index(st.RESOLVED)
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert app.screen is screen
        assert get_thread(number).ticket.status == st.RESOLVED
        assert "Resolved" in str(screen.query_one("#facts-state", Static).render())

        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is queue


@sync
async def test_assign_scope_and_priority(make_desk):
    desk = make_desk(agent="sidorov")
    number = t.create_ticket(desk, t.NewTicket(subject="s", body="b", customer_email="a@b.ru", product="Fenix+ 3")).number
    app = make_app(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_thread(pilot, number)
        assert screen.check_action("assign_to_me", ()) is True
        await pilot.press("a")
        await settle(pilot)
        await settle(pilot)
        assert get_thread(number).ticket.assignee == "sidorov"
        assert screen.check_action("assign_to_me", ()) is False  # already mine: hidden

        await pilot.press("c")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ChooseOptionModal)
        headings = [str(c.label) for c in modal.choices if c.heading]
        assert headings[:2] == ["In scope of support (regulation 1.4)", "Out of scope"]
        in_scope = [c.value for c in modal.choices[1 : modal.choices.index(next(c for c in modal.choices[1:] if c.heading)) + 1] if not c.heading]
        assert len(in_scope) == 6
        modal.query_one(OptionList).highlighted = [c.value for c in modal.choices].index("project_fixes")
        await pilot.press("enter")
        await settle(pilot)
        # Out of scope: the workflow offers the rule's reply and the rejection; only record it here.
        from helpdesk.screens.reject_out_of_scope import RejectOutOfScopeModal

        assert isinstance(app.screen, RejectOutOfScopeModal)
        await pilot.click("#reject-record")
        await settle(pilot)
        await settle(pilot)
        assert get_thread(number).ticket.scope == "project_fixes"
        assert "out of scope: Revising and fixing users' projects" in str(screen.query_one("#facts-state", Static).render())

        await pilot.press("p")
        await settle(pilot)
        modal = app.screen
        assert [c.value for c in modal.choices] == ["low", "normal", "high"]
        assert "first response within 2 working hours" in modal.choices[2].hint
        modal.query_one(OptionList).highlighted = 2
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert get_thread(number).ticket.priority == "high"

        await pilot.press("p")
        await settle(pilot)
        await pilot.press("escape")  # cancelled: nothing changes
        await settle(pilot)
        assert app.screen is screen
        assert get_thread(number).ticket.priority == "high"


@sync
async def test_escape_with_text_asks_first(desk):
    number = t.create_ticket(desk, t.NewTicket(subject="s", body="b", customer_email="a@b.ru")).number
    app = make_app(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_thread(pilot, number)
        composer = screen.query_one(Composer)
        await pilot.press("r")
        await pilot.press("escape")  # nothing typed: closes at once
        await pilot.pause()
        assert not composer.is_open and app.screen is screen

        await pilot.press("r")
        await paste(pilot, "draft")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDiscardModal)
        await pilot.press("enter")  # "Keep editing" has the focus
        await pilot.pause()
        assert app.screen is screen and composer.is_open and composer.text == "draft"

        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#confirm-yes")
        await pilot.pause()
        assert app.screen is screen and not composer.is_open and composer.text == ""
        assert get_thread(number).ticket.message_count == 1


@sync
async def test_a_stale_reply_shows_the_change_and_keeps_the_text(desk):
    number = t.create_ticket(desk, t.NewTicket(subject="s", body="b", customer_email="a@b.ru")).number
    app = make_app(desk)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await open_thread(pilot, number)
        await pilot.press("r")
        await paste(pilot, "my answer")
        # Another agent changes the ticket behind the screen's back.
        t.set_status(replace(desk, agent="alice"), number, st.OPEN)
        await pilot.press("ctrl+s")
        await settle(pilot, 2)
        modal = app.screen
        assert isinstance(modal, ConflictModal)
        assert [str(w.render()) for w in modal.query(".conflict-change")] == ["alice: status: New → Open, 10:00 MSK"]
        assert str(modal.query_one("#conflict-mine").render()) == "Yours: a reply to the customer"
        assert [msg.kind for msg in get_thread(number).messages] == ["customer"]
        await pilot.press("escape")  # "Back to my text": nothing is written
        await settle(pilot, 2)
        composer = screen.query_one(Composer)
        assert app.screen is screen and composer.is_open and composer.text == "my answer"
        assert not composer.sending and not composer.text_area.read_only
        assert [msg.kind for msg in get_thread(number).messages] == ["customer"]
        # The reload shows the other change; sending again now works.
        assert "Open" in str(screen.query_one("#facts-state", Static).render())
        await pilot.press("ctrl+s")
        await settle(pilot, 2)
        assert [msg.body for msg in get_thread(number).messages] == ["b", "my answer"]
        assert not composer.is_open


@sync
async def test_a_database_failure_keeps_the_text(desk, monkeypatch):
    import peewee

    number = t.create_ticket(desk, t.NewTicket(subject="s", body="b", customer_email="a@b.ru")).number

    def locked(*args, **kwargs):
        raise peewee.OperationalError("database is locked")

    monkeypatch.setattr(t, "add_reply", locked)
    app = make_app(desk)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await open_thread(pilot, number)
        await pilot.press("r")
        await paste(pilot, "keep me")
        await pilot.press("ctrl+s")
        await settle(pilot)
        composer = screen.query_one(Composer)
        assert composer.is_open and composer.text == "keep me" and not composer.sending
        assert screen.check_action("send", ()) is True  # not stuck "sending"
        assert any("OperationalError: database is locked" in n.message for n in app._notifications)


@sync
async def test_another_process_message_appears(desk):
    number = t.create_ticket(desk, t.NewTicket(subject="s", body="first", customer_email="a@b.ru")).number
    app = make_app(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_thread(pilot, number)
        entries = list(screen.conversation.entries)
        t.add_customer_message(desk, number, "second")
        app.tickets_changed((number,), external=True)
        await settle(pilot)
        await settle(pilot)
        assert [m.body for m in messages_shown(screen)] == ["first", "second"]
        assert screen.conversation.entries[: len(entries)] == entries  # appended, the rest kept


def long_thread(desk, messages: int) -> int:
    """A ticket of ``messages`` customer messages "0", "1", ... a minute apart, written in bulk."""
    number = t.create_ticket(desk, t.NewTicket(subject="s", body="0", customer_email="a@b.ru")).number
    ticket = m.Ticket.get(m.Ticket.number == number)
    first = ticket.messages.get()
    m.Message.insert_many([
        {"ticket": ticket.id, "author_kind": first.author_kind, "author": first.author, "body": str(i),
         "created_at": first.created_at + timedelta(minutes=i)}
        for i in range(1, messages)
    ]).execute()
    desk.clock.advance(timedelta(minutes=messages))  # what is written next comes after them
    return number


@sync
async def test_a_long_thread_opens_at_the_latest_message_with_few_widgets(desk):
    number = long_thread(desk, 500)
    register_agents("sidorov")
    app = composed_app(desk, agent_tz=MSK)  # watching the store: it notices other connections' commits
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_thread(pilot, number)
        conversation = screen.conversation
        assert [e.message.body for e in conversation.entries] == [str(i) for i in range(500)]
        assert len(list(app.screen.walk_children())) < 60  # not a widget per message
        # It opened on the latest messages, then read the rest: split numbers every message, so
        # it waits for them.
        assert screen.thread.complete and screen.check_action("split_ticket", ()) is True
        whole, screen.thread = screen.thread, replace(screen.thread, complete=False)
        assert screen.check_action("split_ticket", ()) is None
        screen.thread = whole
        assert conversation.drawn_entries < 500  # only what is on screen (and what idle time measured)
        assert "▌ 499" in shown_lines(app) and "▌ 0" not in shown_lines(app)
        assert conversation.at_end and conversation.scroll_y > 0

        await pilot.press("home")
        await pilot.pause()
        assert "▌ 0" in shown_lines(app) and "▌ 499" not in shown_lines(app)
        await pilot.press("pagedown")
        await pilot.pause()
        assert conversation.scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert "▌ 499" in shown_lines(app) and conversation.at_end

        # Another agent's reply (another connection: another thread's) appears at the bottom,
        # without the rest being drawn again.
        kept = conversation.entries[:]
        await asyncio.to_thread(t.add_reply, replace(desk, agent="sidorov"), number, "Ответ коллеги")
        for _ in range(300):
            if len(conversation.entries) > 500:
                break
            await pilot.pause(0.02)
        await settle(pilot)
        assert conversation.entries[:500] == kept and messages_shown(screen)[-1].body == "Ответ коллеги"
        assert "Ответ коллеги" in screen_text(app) and conversation.at_end
        assert len(list(app.screen.walk_children())) < 60


@sync
async def test_a_long_thread_measures_the_rest_while_idle_keeping_the_view(desk):
    number = long_thread(desk, 300)
    app = make_app(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_thread(pilot, number)
        conversation = screen.conversation
        await pilot.press("home")
        for _ in range(10):
            await pilot.press("pagedown")
        await pilot.pause()
        shown = screen_text(app)
        for _ in range(1500):  # the idle measuring runs on timers (a bound, not a time: a loaded machine is slow)
            if conversation.drawn_entries == len(conversation.entries):
                break
            await pilot.pause(0.02)
        assert conversation.drawn_entries == len(conversation.entries)
        await pilot.pause()
        assert screen_text(app) == shown  # measuring what is off screen moved nothing on it
        # Every line is where the sum of the heights says: "0" at the top, "299" at the very end.
        await pilot.press("end")
        await pilot.pause()
        assert conversation.scroll_y == conversation.max_scroll_y
        lines = shown_lines(app)
        assert lines.index("▌ 299") == lines.index("▌ 298") + 3  # a blank line and the header between


# --- undo ---------------------------------------------------------------------------------


def notices(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


@sync
async def test_ctrl_z_undoes_my_last_status_change(desk):
    number = t.create_ticket(desk, t.NewTicket(subject="s", body="b", customer_email="a@b.ru")).number
    app = make_app(desk)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await open_thread(pilot, number)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("down", "enter")  # Waiting for customer
        await settle(pilot, 2)
        assert t.get_ticket(number).status == st.WAITING
        desk.clock.advance(timedelta(seconds=20))
        await pilot.press("ctrl+z")
        await settle(pilot, 2)
        assert t.get_ticket(number).status == st.NEW
        assert f"#{number}: your last change is undone." in notices(app)
        lines = event_lines(screen)
        assert any("petrova: undid their last change: the status change" in line for line in lines)
        assert any("status: Waiting for customer → New" in line for line in lines)
        await pilot.press("ctrl+z")  # the undo itself is not undone
        await settle(pilot, 2)
        assert t.get_ticket(number).status == st.NEW
        assert any("was an undo: there is nothing more to undo" in text for text in notices(app))


@sync
async def test_ctrl_z_after_a_minute_or_on_a_stale_view_is_refused(desk):
    number = t.create_ticket(desk, t.NewTicket(subject="s", body="b", customer_email="a@b.ru")).number
    t.set_priority(desk, number, "high")
    desk.clock.advance(timedelta(minutes=2))
    app = make_app(desk)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await open_thread(pilot, number)
        await pilot.press("ctrl+z")
        await settle(pilot, 2)
        assert t.get_ticket(number).priority == "high"
        assert any("more than a minute old: it can no longer be undone" in text for text in notices(app))
        t.set_priority(desk, number, "low")  # a change the screen has not loaded: its view is stale
        await pilot.press("ctrl+z")
        await settle(pilot, 2)
        modal = app.screen
        assert isinstance(modal, ConflictModal)  # the usual conflict: what changed, and the choice
        assert str(modal.query_one("#conflict-mine").render()) == "Yours: undo my last change"
        await pilot.press("escape")
        await settle(pilot, 2)
        assert t.get_ticket(number).priority == "low"


@sync
async def test_ctrl_z_in_the_composer_is_the_text_areas(desk):
    number = t.create_ticket(desk, t.NewTicket(subject="s", body="b", customer_email="a@b.ru")).number
    app = make_app(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_thread(pilot, number)
        await pilot.press("r")
        assert screen.check_action("undo", ()) is False
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert [e.action for e in get_thread(number).events] == ["created"]


# --- attachments --------------------------------------------------------------------------


@sync
async def test_save_an_attachment_with_the_keyboard(make_desk, tmp_path):
    desk = make_desk(now=FRIDAY_EVENING)
    number = seed_thread(desk)
    target = tmp_path / "downloads"
    target.mkdir()
    (target / "журнал.log").write_bytes(b"older")
    app = make_app(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_thread(pilot, number)
        await pilot.press("home", "tab", "tab", "tab")  # the quote, the project, the log
        assert screen.conversation.link.attachment.filename == "журнал.log"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AttachmentModal)  # a preview first: save is one key there
        await pilot.press("s")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, SaveAttachmentModal)
        directory = modal.query_one("#save-directory")
        directory.value = str(tmp_path / "nowhere")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is modal
        assert "No such directory" in str(modal.query_one("#save-error").render())
        assert directory.value == str(tmp_path / "nowhere")  # kept as typed
        directory.value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert (target / "журнал.log").read_bytes() == b"older"
        assert (target / "журнал (1).log").read_bytes() == b"log"


# --- untrusted text -----------------------------------------------------------------------


@pytest.mark.parametrize("payload", list(HOSTILE), ids=list(HOSTILE))
@sync
async def test_hostile_text_is_shown_as_text(make_desk, payload):
    text = HOSTILE[payload]
    desk = make_desk()
    ticket = t.create_ticket(
        desk,
        t.NewTicket(
            subject="S",
            body=f"B {text} E",
            customer_email="evil@example.ru",
            product="Fenix+ 3",
            attachments=[t.AttachmentInput(f"F {text} E.txt", b"x")],
        ),
    )
    number = ticket.number
    # Intake drops control characters from subjects and names; a row stored before it did
    # still holds them, and the thread must show them as text.
    m.Ticket.update(subject=f"S {text} E").where(m.Ticket.id == ticket.id).execute()
    m.Customer.update(name=f"N {text} E").where(m.Customer.id == ticket.customer_id).execute()
    m.Message.update(author=f"N {text} E").where(m.Message.ticket == ticket.id).execute()
    t.add_reply(desk, number, f"R {text} E", note=True)
    app = make_app(desk)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_thread(pilot, number)
        conversation = screen.conversation
        card, quoted = card_text(conversation.entries[0].message, conversation.times)
        note, _ = card_text(conversation.entries[-1].message, conversation.times)
        shown = {
            "subject": screen.query_one("#facts-title", Static).render(),
            "customer": screen.query_one("#facts-who", Static).render(),
            "card": card,
            "file": attachment_label(conversation.entries[0].message.attachments[0]),
            "note": note,
        }
        visible = text.replace("\x1b", "␛").replace("\x07", "␇")
        for where, content in shown.items():
            plain = str(content)
            assert visible in plain, where
            assert "\x1b" not in plain and "\x07" not in plain, where
            # The text carries no action, and no style but the one the card gives a name.
            for span in content.spans:
                assert "@click" not in str(span.style), where
            for body in (f"B {visible} E", f"R {visible} E"):
                if body in plain:
                    start = plain.index(body)
                    covering = [s for s in content.spans if s.start < start + len(body) and s.end > start]
                    assert covering == [], f"{where}: styled span over the body: {covering}"
        assert f"N {visible} E" in str(shown["card"]) and f"S {visible} E" in str(shown["subject"])
        assert f"F {visible} E.txt" in str(shown["file"])
        # ... and that is what the screen shows.
        await pilot.press("home")
        text = screen_text(app)
        for expected in (f"N {visible} E", f"B {visible} E", f"F {visible} E.txt", f"R {visible} E"):
            assert expected in text
        # Clicking the rendered text does nothing.
        for shown_text in (f"N {visible} E", f"B {visible} E"):
            y = next(y for y in range(conversation.size.height) if shown_text in conversation.render_line(y).text)
            await pilot.click(conversation, offset=(5, y))
        await pilot.click("#facts-title")
        await settle(pilot)
        assert app.is_running and app.screen is screen
        # Nothing raw reaches the terminal.
        assert "\x1b" not in screen_text(app)
        svg = app.export_screenshot()
        assert "\x1b" not in svg and "\x07" not in svg
        assert "[@click" not in svg or payload == "click"


# --- snapshots ----------------------------------------------------------------------------


def _blink_off(app) -> None:
    for area in app.screen.query(TextArea):
        area.cursor_blink = False


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_snapshot(make_desk, snap_compare, lang, size):
    set_language(lang)
    desk = make_desk(now=FRIDAY_EVENING)
    number = seed_thread(desk)
    app = make_app(desk, tick_seconds=3600)

    async def run_before(pilot) -> None:
        await open_thread(pilot, number)
        _blink_off(app)
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_snapshot_composer_open(make_desk, snap_compare):
    desk = make_desk(now=FRIDAY_EVENING)
    number = seed_thread(desk)
    app = make_app(desk, tick_seconds=3600)

    async def run_before(pilot) -> None:
        await open_thread(pilot, number)
        await pilot.press("i")
        await paste(pilot, "Проверить на стенде")
        _blink_off(app)
        app.screen.query_one(Composer).text_area.cursor_blink = False
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)

