"""screens/quarantine.py: Pilot flows through the quarantine screen."""

from __future__ import annotations

import pytest
from textual.widgets import Label, OptionList, Static

from helpdesk.data.store import models as m
from helpdesk.data.channels import quarantine
from helpdesk.data.channels.mail import ingest
from helpdesk.data.channels.mail.ingest import ingest_bytes
from helpdesk.data.core.errors import Code, HelpdeskError, ValidationError, encode_reason
from helpdesk.screens.quarantine import QuarantineScreen
from tests.pilot import make_app, settle, sync

EVIL_SUBJECT = "[@click=app.quit]quit[/] \x1b[2J \x1b]52;c;aGk=\x07 [b]x[/b]"
STORABLE = ("From: Иван <ivan@example.ru>\r\nSubject: " + EVIL_SUBJECT + "\r\nMessage-ID: <q1@x>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\nТекст заявки\r\n").encode("utf-8")  # fmt: skip


@pytest.fixture
def quarantined(desk, monkeypatch):
    """Two quarantined items: garbage (id 1) and a storable mail whose first store failed (id 2)."""
    ingest_bytes(desk, b"\x00\x01 not a mail", "file:/in/garbage.eml")

    def refuse(*args, **kwargs):
        raise ValueError("database was busy")

    monkeypatch.setattr(ingest, "store_parsed", refuse)
    ingest_bytes(desk, STORABLE, "file:/in/evil.eml")
    monkeypatch.undo()
    return desk


async def open_screen(pilot) -> QuarantineScreen:
    screen = QuarantineScreen()
    pilot.app.push_screen(screen)
    await settle(pilot, 3)
    return screen


def rows(screen) -> list[str]:
    options = screen.query_one("#quarantine-list", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def detail(screen) -> str:
    return str(screen.query_one("#quarantine-detail", Static).render())


@sync
async def test_lists_with_reasons_and_shows_one(quarantined):
    app = make_app(quarantined, watch_changes=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot)
        listed = rows(screen)
        assert len(listed) == 2
        assert listed[0].startswith("   2") and "Cannot store: Unexpected error: ValueError: database was busy" in listed[0]
        assert "No mail headers found: this is not an e-mail message" in listed[1]
        assert "2 messages waiting" in str(screen.query_one("#quarantine-title", Label).render())
        shown = detail(screen)
        assert "Reason: Cannot store: Unexpected error: ValueError: database was busy\n" in shown
        assert "Source: file:/in/evil.eml" in shown and "Sender: Иван <ivan@example.ru>" in shown
        await pilot.press("down")
        await settle(pilot)
        assert "Reason: No mail headers found: this is not an e-mail message\n" in detail(screen) and "file:/in/garbage.eml" in detail(screen)
        await pilot.press("enter")  # into the message, to scroll it
        assert app.focused.id == "quarantine-detail-box"
        await pilot.press("escape")  # back to the list, not out of the screen
        assert app.screen is screen and app.focused.id == "quarantine-list"


@sync
async def test_untrusted_text_is_shown_literally(quarantined):
    app = make_app(quarantined, watch_changes=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_screen(pilot)
        shown = detail(screen)
        assert "[@click=app.quit]quit[/]" in shown and "[b]x[/b]" in shown
        assert "\x1b" not in shown and "\x07" not in shown and "␛[2J" in shown
        assert "[@click=app.quit]quit[/]" in rows(screen)[0]
        svg = app.export_screenshot()
        assert "\x1b" not in svg and "[@click=app.quit]" in svg.replace("&#160;", " ")
        box = screen.query_one("#quarantine-detail")
        await pilot.click(box, offset=(12, 4))  # on the Subject line
        await pilot.click(screen.query_one("#quarantine-list"), offset=(40, 1))
        await settle(pilot)
        assert app.is_running and app.screen is screen


@sync
async def test_retry_stores_it_and_says_where(quarantined):
    app = make_app(quarantined, watch_changes=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_screen(pilot)
        await pilot.press("r")
        await settle(pilot, 3)
        assert any("Message 2 stored in ticket #1001." in n.message for n in app._notifications)
        assert m.Ticket.get(m.Ticket.number == 1001).customer.email == "ivan@example.ru"
        assert len(rows(screen)) == 1  # only the garbage is still waiting
        assert screen.check_action("retry", ()) is True  # the garbage may be retried ...
        await pilot.press("r")
        await settle(pilot, 3)
        assert any(n.message == "Message 1 is still quarantined: No mail headers found: this is not an e-mail message" for n in app._notifications)
        await pilot.press("f")  # everything, the stored one too
        await settle(pilot)
        listed = rows(screen)
        assert len(listed) == 2 and "stored in #1001" in listed[0]
        assert screen.selected_id() == 1  # the selection stayed on the same message
        await pilot.press("up")
        await settle(pilot)
        assert screen.check_action("retry", ()) is False  # ... the stored one may not
        assert "Stored: in ticket #1001" in detail(screen)


@sync
async def test_empty_quarantine_and_escape(desk):
    app = make_app(desk, watch_changes=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_screen(pilot)
        assert rows(screen) == []
        assert "Nothing in quarantine" in detail(screen)
        assert screen.check_action("retry", ()) is False
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is not screen


def test_quarantine_data_is_untouched_by_display(quarantined):
    assert quarantine.get_raw(2) == STORABLE  # the store keeps raw bytes; only the screen cleans


@sync
async def test_f4_opens_it_from_the_queue(quarantined):
    app = make_app(quarantined, watch_changes=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot, 3)
        assert isinstance(app.screen, QuarantineScreen)
        assert len(rows(app.screen)) == 2
        await pilot.press("escape")
        assert not isinstance(app.screen, QuarantineScreen)


@sync
async def test_a_stored_reason_reads_in_the_agents_language_and_literally(desk, app_factory):
    reason = encode_reason(HelpdeskError(Code.INTAKE_CANNOT_STORE, error=ValidationError(
        "email", Code.EMAIL_INVALID, value="[@click=app.quit]x[/]")))  # fmt: skip
    quarantine.add(source="file:/in/bad.eml", reason=reason, raw=b"From: x\r\n\r\nbody", now=desk.now())
    app = app_factory(desk, lang="ru")
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_screen(pilot)
        expected = "Не удаётся сохранить: Это не адрес эл. почты: «[@click=app.quit]x[/]»"
        assert expected in rows(screen)[0]
        assert f"Причина: {expected}" in detail(screen) and reason not in detail(screen)


# --- discard, a ticket by hand --------------------------------------------------------------

NO_SENDER = ("Subject: Не работает лицензия\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
             "После обновления лицензия не находится.\r\nИван Петров, ivan@example.ru\r\n").encode("utf-8")  # fmt: skip


@sync
async def test_discard_asks_why_and_leaves_the_list_of_those_waiting(quarantined):
    from helpdesk.screens.discard_quarantined import DiscardQuarantinedModal

    app = make_app(quarantined, watch_changes=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_screen(pilot)
        await pilot.press("down")  # 1: the garbage
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, DiscardQuarantinedModal)
        await pilot.press("enter")  # no reason: refused, in the modal
        await settle(pilot)
        assert app.screen is modal
        assert "Say why the message is discarded" in str(modal.query_one("#discard-error", Label).render())
        modal.query_one("#discard-reason").value = "мусор \x1b[2J"
        await pilot.press("enter")
        await settle(pilot, 3)
        assert app.screen is screen
        assert any(n.message == "Message 1 discarded." for n in app._notifications)
        row = m.Quarantine.get_by_id(1)
        assert (row.discard_reason, row.handled_by) == ("мусор ␛[2J", "petrova")  # typed controls made visible
        assert len(rows(screen)) == 1 and "1 message waiting" in str(screen.query_one("#quarantine-title", Label).render())
        await pilot.press("f")
        await settle(pilot, 2)
        listed = rows(screen)
        assert "discarded" in listed[1]
        screen.query_one("#quarantine-list", OptionList).highlighted = 1
        await settle(pilot)
        assert "Discarded: " in detail(screen) and "petrova · мусор ␛[2J" in detail(screen)
        assert "Deleted for good: " in detail(screen)
        assert not any(screen.check_action(a, ()) for a in ("retry", "make_ticket", "discard"))


@sync
async def test_a_ticket_by_hand_from_what_could_be_read(desk):
    from textual.widgets import Input, TextArea

    from helpdesk.screens.quarantine_ticket import QuarantineTicketModal

    ingest_bytes(desk, NO_SENDER, "file:/in/nosender.eml")
    app = make_app(desk, watch_changes=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_screen(pilot)
        await pilot.press("t")
        await settle(pilot, 2)
        form = app.screen
        assert isinstance(form, QuarantineTicketModal)
        assert form.query_one("#qt-subject", Input).value == "Не работает лицензия"
        assert form.query_one("#qt-body", TextArea).text.startswith("После обновления лицензия не находится.")
        assert form.query_one("#qt-email", Input).value == "" and app.focused is form.query_one("#qt-email", Input)
        await pilot.press("ctrl+s")  # no address: refused on the field
        await settle(pilot, 2)
        assert app.screen is form and form.query_one("#qt-email", Input).has_class("-error")
        assert "e-mail address, phone number or Telegram handle is required" in str(form.query_one("#qt-error", Label).render())
        form.query_one("#qt-email", Input).value = "ivan@example.ru"
        form.query_one("#qt-name", Input).value = "Иван Петров"
        await pilot.press("ctrl+s")
        await settle(pilot, 3)
        assert app.screen is screen
        assert any(n.message == "Ticket #1001 made of message 1." for n in app._notifications)
    ticket = m.Ticket.get(m.Ticket.number == 1001)
    assert (ticket.subject, ticket.customer.email, ticket.customer.name) == (
        "Не работает лицензия", "ivan@example.ru", "Иван Петров")
    row = m.Quarantine.get_by_id(1)
    assert (row.ticket_number, row.handled_by) == (1001, "petrova")


def blink_off(app) -> None:
    """A blinking cursor is drawn or not by the time of the screenshot: steady for a snapshot."""
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_snapshot_discard(quarantined, snap_compare, lang):
    from helpdesk.tui.i18n import set_language

    set_language(lang)

    async def run_before(pilot) -> None:
        await open_screen(pilot)
        await pilot.press("d")
        await settle(pilot)
        blink_off(pilot.app)

    app = make_app(quarantined, watch_changes=False, tick_seconds=3600)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_snapshot_ticket_form(desk, snap_compare, lang):
    from helpdesk.tui.i18n import set_language

    ingest_bytes(desk, NO_SENDER, "file:/in/nosender.eml")
    set_language(lang)

    async def run_before(pilot) -> None:
        await open_screen(pilot)
        await pilot.press("t")
        await settle(pilot, 2)
        blink_off(pilot.app)

    app = make_app(desk, watch_changes=False, tick_seconds=3600)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_snapshot_all_with_a_discarded_one(quarantined, snap_compare, lang):
    from zoneinfo import ZoneInfo

    from helpdesk.tui.i18n import set_language

    quarantine.discard(1, "мусор, не письмо", agent="petrova", now=quarantined.now())
    set_language(lang)

    async def run_before(pilot) -> None:
        screen = await open_screen(pilot)
        await pilot.press("f")
        await settle(pilot)
        screen.query_one("#quarantine-list", OptionList).highlighted = 1
        await settle(pilot)

    app = make_app(quarantined, watch_changes=False, tick_seconds=3600, agent_tz=ZoneInfo("Europe/Moscow"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
