"""screens/new_ticket.py: registering a request by hand, inline validation, the flow into the thread."""

from __future__ import annotations

import functools
from zoneinfo import ZoneInfo

import pytest
from textual.widgets import Button, Input, Label, OptionList, Select, TextArea

from helpdesk.data.core.values import Limits
from helpdesk.data.store import models as m
from helpdesk.data.tickets import operations as t
from helpdesk.data.read import listing as ticket_list
from helpdesk.data.read.views import get_thread
from helpdesk.screens.choose_option import ChooseOptionModal
from helpdesk.screens.confirm import ConfirmModal
from helpdesk.screens.confirm_discard import ConfirmDiscardModal
from helpdesk.screens.new_ticket import NewTicketScreen
from helpdesk.screens.thread import ThreadScreen
from tests.pilot import HOSTILE, paste, sync, make_app as composed_app
from tests.pilot import settle as settle_workers
from helpdesk.tui.app import HelpdeskApp
from helpdesk.tui.i18n import set_language
from helpdesk.tui.widgets.attachment_field import AttachmentList
from helpdesk.tui.widgets.composer import Composer

MSK = ZoneInfo("Europe/Moscow")
FRIDAY_EVENING = "2026-11-20T19:30:00+03:00"
MY_GROUPS = (
    "customer-suggestions", "attachment-check", "new-ticket-save", "thread-load", "thread-save",
)


def make_app(desk, **kwargs) -> HelpdeskApp:
    kwargs.setdefault("agent_tz", MSK)
    return composed_app(desk, watch_changes=False, **kwargs)


# Wait only for the workers of this screen and of the thread view a save leads to.
settle = functools.partial(settle_workers, groups=MY_GROUPS, tries=300)


async def open_form(pilot) -> NewTicketScreen:
    screen = NewTicketScreen()
    pilot.app.push_screen(screen)
    await settle(pilot)
    assert pilot.app.screen is screen
    return screen


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


def error_text(screen, field: str) -> str | None:
    label = screen.query_one(f"#error-{field}", Label)
    return str(label.render()) if label.display else None


def known_customers(desk) -> None:
    t.create_ticket(desk, t.NewTicket(subject="old", body="b", customer_email="ivan.petrov@example.ru",
                                      customer_name="Иван Петров", product="Fenix+ 3"))
    t.create_ticket(desk, t.NewTicket(subject="old", body="b", customer_email="olga@zavod.ru",
                                      customer_name="Ольга Сидорова", product="Fenix+ 3"))


# --- the whole flow -----------------------------------------------------------------------


# The flow is two tests: the form into the thread, then the thread back to the queue (each part
# drives a dozen screens; one test of both took over 5 s).


@sync
async def test_create_from_the_queue_and_land_in_the_new_thread(desk, tmp_path):
    project = tmp_path / "проект.fpp"
    project.write_bytes(b"P" * 2048)
    app = make_app(desk)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("n")  # the queue's key for a new ticket
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NewTicketScreen)
        assert app.focused is screen.query_one("#customer-email")
        # Pasted, not typed: typing is what the suggestion and validation tests are about, and
        # here every key would start a customer search.
        await paste(pilot, "new.customer@example.ru")
        await pilot.press("tab")
        await paste(pilot, "Пётр Новый")
        # The product, from the keyboard: open the list, move down to FireGuard 3, choose.
        screen.query_one("#product", Select).focus()
        await pilot.press("enter")
        await pilot.press(*["down"] * 6, "enter")
        await pilot.pause()
        assert screen.query_one("#product", Select).value == "FireGuard 3"
        assert screen.query_one("#channel", Select).value == "phone"  # typed in by hand: a call
        screen.query_one("#subject").focus()
        await paste(pilot, "Не печатается отчёт")
        screen.query_one("#description").focus()
        await paste(pilot, "Кнопка печати неактивна")
        screen.query_one("#attachment-path").focus()
        await paste(pilot, str(project))
        await pilot.press("enter")
        await settle(pilot)
        listing = screen.query_one("#attachments", AttachmentList)
        assert listing.display and listing.option_count == 1
        assert "проект.fpp  2 KB" in str(listing.get_option_at_index(0).prompt)
        screen.query_one("#scope", Button).press()
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ChooseOptionModal)
        modal.query_one(OptionList).highlighted = [c.value for c in modal.choices].index("how_it_works")
        await pilot.press("enter")
        await pilot.pause()
        assert "Questions about how the software works" in str(screen.query_one("#scope", Button).label)
        screen.query_one("#priority", Select).value = "high"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)

        thread = app.screen
        assert isinstance(thread, ThreadScreen)
        (summary,) = [s for s in ticket_list.rows() if s.subject == "Не печатается отчёт"]
        number = summary.number
        assert thread.number == number
        view = get_thread(number)
        assert (view.ticket.customer_email, view.ticket.customer_name) == ("new.customer@example.ru", "Пётр Новый")
        assert (view.ticket.product, view.ticket.channel, view.ticket.scope, view.ticket.priority) == (
            "FireGuard 3", "phone", "how_it_works", "high")
        assert view.messages[0].body == "Кнопка печати неактивна"
        assert [(a.filename, a.size) for a in view.messages[0].attachments] == [("проект.fpp", 2048)]
        notices = [n.message for n in app._notifications]
        assert any(f"Ticket #{number} created. Support is open" in text for text in notices)


@sync
async def test_reply_note_status_on_a_new_ticket_and_back_to_the_queue(desk):
    number = t.create_ticket(desk, t.NewTicket(
        subject="Не печатается отчёт", body="Кнопка печати неактивна", customer_email="new.customer@example.ru",
        customer_name="Пётр Новый", product="FireGuard 3", channel="phone")).number
    app = make_app(desk)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        queue = app.screen
        await settle(pilot)
        await pilot.press("enter")  # the only ticket, under the cursor
        await settle(pilot)
        thread = app.screen
        assert isinstance(thread, ThreadScreen) and thread.number == number

        await pilot.press("r")
        await paste(pilot, "Ответ")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("i")
        await paste(pilot, "Заметка")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [e.message.kind for e in thread.conversation.entries if e.message] == ["customer", "agent", "note"]
        assert not thread.query_one(Composer).is_open
        await pilot.press("s")
        await settle(pilot)
        modal = app.screen
        modal.query_one(OptionList).highlighted = [c.value for c in modal.choices].index("waiting")
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert get_thread(number).ticket.status == "waiting"

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is queue
        # The queue lists the ticket under Waiting, and Enter opens it again.
        await pilot.press("3")
        table = queue.query_one("TicketTable")
        for _ in range(200):
            if table.index_of(number) is not None:
                break
            await pilot.pause(0.02)
        assert table.index_of(number) is not None
        table.cursor_row = table.index_of(number)
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ThreadScreen) and app.screen.number == number


@sync
async def test_closed_hours_message_says_when_support_takes_it_up(make_desk):
    desk = make_desk(now=FRIDAY_EVENING)
    app = make_app(desk)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        screen = await open_form(pilot)
        screen.query_one("#customer-email", Input).value = "a@example.ru"
        screen.query_one("#customer-name", Input).value = "Анна"
        screen.query_one("#product", Select).value = "Fenix+ 3"
        screen.query_one("#subject", Input).value = "Тема"
        screen.query_one("#description", TextArea).text = "Текст"
        await pilot.press("ctrl+s")
        await settle(pilot)
        notices = [n.message for n in app._notifications]
        assert any(
            "created. Support is closed now: the ticket will be taken up Mon 09:00 MSK, in 2 d 13 h 30 min." in text
            for text in notices
        ), notices


# --- validation ---------------------------------------------------------------------------


@sync
async def test_invalid_form_keeps_what_was_typed(desk):
    app = make_app(desk)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_form(pilot)
        await paste(pilot, "ivan@")
        await pilot.press("tab")
        await paste(pilot, "Иван")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert error_text(screen, "email") == "Not an e-mail address: it should look like name@example.ru."
        assert error_text(screen, "product") == "Required: choose the product."
        assert error_text(screen, "subject") == "Required: the problem in a few words."
        assert error_text(screen, "description") == "Required: describe the problem."
        assert error_text(screen, "name") is None
        assert screen.query_one("#customer-email", Input).value == "ivan@"
        assert screen.query_one("#customer-name", Input).value == "Иван"
        assert app.focused is screen.query_one("#customer-email")  # the first problem
        assert m.Ticket.select().count() == 0

        # Fixing a field clears its error only; the rest stay until fixed.
        await paste(pilot, "example.ru")
        assert error_text(screen, "email") is None
        assert error_text(screen, "subject") is not None
        screen.query_one("#subject", Input).value = "   "
        screen.query_one("#description", TextArea).text = "  \n "
        screen.query_one("#product", Select).value = "Fenix+ 3"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_text(screen, "subject") is not None and error_text(screen, "description") is not None
        assert error_text(screen, "product") is None
        assert screen.query_one("#customer-email", Input).value == "ivan@example.ru"


@sync
async def test_a_call_needs_a_name_and_an_e_mail_or_a_phone_number(make_desk):
    desk = make_desk(now=FRIDAY_EVENING)  # support is closed: a call gets no out-of-hours notice all the same
    app = make_app(desk)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_form(pilot)
        screen.query_one("#product", Select).value = "Fenix+ 3"
        screen.query_one("#subject", Input).value = "Не печатается отчёт"
        screen.query_one("#description", TextArea).text = "Звонок: кнопка печати неактивна"
        screen.query_one("#customer-phone", Input).value = "12-34"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_text(screen, "name") == "Required: the customer's name (a call or a visit)."
        assert error_text(screen, "phone") == "Not a phone number: 5-20 digits, with spaces, +, - and parentheses."
        assert error_text(screen, "email") is None  # a phone number is the contact
        screen.query_one("#customer-phone", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_text(screen, "email") == "Required: the customer's e-mail or phone (or choose a known customer)."
        assert m.Ticket.select().count() == 0
        screen.query_one("#customer-name", Input).value = "Пётр Звонков"
        screen.query_one("#customer-phone", Input).value = "+7 (912) 345-67-89"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ThreadScreen)
        view = get_thread(app.screen.number)
        assert (view.ticket.customer_name, view.ticket.customer_phone, view.ticket.customer_email) == (
            "Пётр Звонков", "+7 (912) 345-67-89", None)
        assert view.ticket.channel == "phone" and [msg.kind for msg in view.messages] == ["customer"]


@sync
async def test_a_subject_over_the_limit_is_refused_under_the_field(desk):
    desk.limits = Limits(subject_characters=10)
    app = make_app(desk)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_form(pilot)
        screen.query_one("#customer-email", Input).value = "a@example.ru"
        screen.query_one("#customer-name", Input).value = "Анна"
        screen.query_one("#product", Select).value = "Fenix+ 3"
        screen.query_one("#subject", Input).value = "Не открывается"
        screen.query_one("#description", TextArea).text = "Текст"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and m.Ticket.select().count() == 0
        assert error_text(screen, "subject") == "The subject is longer than the limit of 10 characters (14)"
        assert app.focused is screen.query_one("#subject")


@sync
async def test_attachment_paths_are_checked_inline(desk, tmp_path):
    good = tmp_path / "log.txt"
    good.write_bytes(b"1234")
    big = tmp_path / "big.bin"
    big.write_bytes(b"12345")
    desk.limits = Limits(attachment_bytes=4)  # the settings' limit: the form refuses what the store would
    app = make_app(desk)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_form(pilot)
        path = screen.query_one("#attachment-path", Input)
        path.focus()
        for typed, problem in [
            (str(tmp_path / "missing.txt"), f"No such file: {tmp_path / 'missing.txt'}"),
            (str(tmp_path), f"This is a directory, not a file: {tmp_path}"),
            (str(big), f"Too large: {big} (the limit is 4 B)."),
        ]:
            path.value = typed
            await pilot.press("enter")
            await settle(pilot)
            assert error_text(screen, "attachments") == problem
            assert path.value == typed  # kept for correcting
        path.value = str(good)
        await pilot.press("enter")
        await settle(pilot)
        assert error_text(screen, "attachments") is None and path.value == ""
        assert [a.name for a in screen.attachments] == ["log.txt"]
        path.value = str(good)
        await pilot.press("enter")
        await settle(pilot)
        assert error_text(screen, "attachments") == "This file is already in the list."
        path.value = ""
        listing = screen.query_one("#attachments", AttachmentList)
        listing.focus()
        await pilot.press("delete")
        await pilot.pause()
        assert screen.attachments == [] and not listing.display


@sync
async def test_a_path_left_in_the_field_is_not_forgotten(desk, tmp_path):
    app = make_app(desk)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_form(pilot)
        screen.query_one("#attachment-path", Input).value = str(tmp_path / "x.txt")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_text(screen, "attachments") == "Press Enter to add this file, or clear the path."


# --- customer suggestions -----------------------------------------------------------------


@sync
async def test_find_a_known_customer_by_name(desk):
    known_customers(desk)
    app = make_app(desk)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_form(pilot)
        await pilot.press("tab")  # the name field
        await type_text(pilot, "петров")
        await settle(pilot)
        suggestions = screen.query_one("#customer-suggestions", OptionList)
        assert suggestions.display and suggestions.option_count == 1
        assert "Иван Петров <ivan.petrov@example.ru> · 1 request" in str(suggestions.get_option_at_index(0).prompt)
        await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.query_one("#customer-email", Input).value == "ivan.petrov@example.ru"
        assert screen.query_one("#customer-name", Input).value == "Иван Петров"
        assert not suggestions.display
        assert "Known customer: Иван Петров" in str(screen.query_one("#customer-state", Label).render())
        assert app.focused is screen.query_one("#product")
        # Editing the e-mail afterwards makes it a typed customer again.
        screen.query_one("#customer-email", Input).value = "other@example.ru"
        await pilot.pause()
        assert screen.customer is None
        assert "New customer" in str(screen.query_one("#customer-state", Label).render())


@sync
async def test_escape_hides_suggestions_first(desk):
    known_customers(desk)
    app = make_app(desk)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_form(pilot)
        await type_text(pilot, "olga")
        await settle(pilot)
        suggestions = screen.query_one("#customer-suggestions", OptionList)
        assert suggestions.display
        await pilot.press("escape")
        await pilot.pause()
        assert not suggestions.display and app.screen is screen


# --- support ended ------------------------------------------------------------------------


@sync
async def test_a_product_past_its_support_asks_and_flags(desk):
    app = make_app(desk)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_form(pilot)
        product = screen.query_one("#product", Select)
        labels = [str(prompt) for prompt, _ in product._options[1:]]
        assert labels[:3] == ["Fenix+ (support ended 31.12.2021)", "Fenix+ 2 (support ended 31.12.2021)", "Fenix+ 3"]
        product.value = "Fenix+"
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ConfirmModal)
        assert "Support for Fenix+ ended on 31.12.2021" in str(modal.query_one("#confirm-title").render())
        await pilot.press("enter")  # the focused answer is "Choose another product"
        await pilot.pause()
        assert app.screen is screen and product.is_blank()

        product.value = "Fenix+"
        await pilot.pause()
        await pilot.click("#confirm-yes")
        await pilot.pause()
        assert product.value == "Fenix+"
        screen.query_one("#customer-email", Input).value = "a@example.ru"
        screen.query_one("#customer-name", Input).value = "Анна"
        screen.query_one("#subject", Input).value = "Старая версия"
        screen.query_one("#description", TextArea).text = "Не запускается"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        (summary,) = ticket_list.rows()
        assert "support_ended" in summary.flags
        assert isinstance(app.screen, ThreadScreen)


# --- leaving ------------------------------------------------------------------------------


@sync
async def test_escape_asks_only_when_something_was_typed(desk):
    app = make_app(desk)
    async with app.run_test(size=(100, 40)) as pilot:
        queue = app.screen
        await open_form(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is queue

        screen = await open_form(pilot)
        screen.query_one("#description").focus()
        await paste(pilot, "draft")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDiscardModal)
        await pilot.press("escape")  # no: keep editing
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#description", TextArea).text == "draft"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#confirm-yes")
        await pilot.pause()
        assert app.screen is queue


# --- untrusted text -----------------------------------------------------------------------


@pytest.mark.parametrize("payload", list(HOSTILE), ids=list(HOSTILE))
@sync
async def test_hostile_customer_text_is_shown_as_text(desk, payload):
    text = HOSTILE[payload]
    m.Customer.create(name=f"Evil {text} E", email="evil@example.ru", organisation=f"Org {text}", created_at=desk.now())
    app = make_app(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(pilot)
        await paste(pilot, "evil")
        await settle(pilot)
        suggestions = screen.query_one("#customer-suggestions", OptionList)
        prompt = suggestions.get_option_at_index(0).prompt
        visible = text.replace("\x1b", "␛").replace("\x07", "␇")
        assert f"Evil {visible} E" in str(prompt)
        assert "\x1b" not in str(prompt) and "\x07" not in str(prompt)
        assert all("@click" not in str(span.style) for span in prompt.spans)
        await pilot.click("#customer-suggestions", offset=(3, 1))  # the first suggestion
        await pilot.pause()
        assert app.is_running
        # Chosen: the fields and the state line show it cleaned.
        name = screen.query_one("#customer-name", Input)
        assert name.value == f"Evil {visible} E"
        state = screen.query_one("#customer-state", Label).render()
        assert f"Evil {visible} E" in str(state)
        # Pasted into a field by the agent: made visible as well.
        subject = screen.query_one("#subject", Input)
        subject.value = f"S {text}"
        await pilot.pause()
        assert subject.value == f"S {visible}"
        area = screen.query_one("#description", TextArea)
        area.text = f"D {text}\nline 2"
        await pilot.pause()
        assert area.text == f"D {visible}\nline 2"
        await pilot.click("#customer-state")
        await settle(pilot)
        assert app.is_running and app.screen is screen
        svg = app.export_screenshot()
        assert "\x1b" not in svg and "\x07" not in svg


# --- snapshots ----------------------------------------------------------------------------


def _blink_off(app) -> None:
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_snapshot(make_desk, snap_compare, lang, size):
    set_language(lang)
    desk = make_desk(now=FRIDAY_EVENING)
    known_customers(desk)
    app = make_app(desk, tick_seconds=3600)

    async def run_before(pilot) -> None:
        await open_form(pilot)
        _blink_off(app)
        await paste(pilot, "ivan")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_snapshot_with_errors(make_desk, snap_compare):
    desk = make_desk(now=FRIDAY_EVENING)
    app = make_app(desk, tick_seconds=3600)

    async def run_before(pilot) -> None:
        await open_form(pilot)
        _blink_off(app)
        await paste(pilot, "ivan@")
        await pilot.press("ctrl+s")
        await settle(pilot)
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
