"""tui/app.py, tui/screen_base.py, tui/commands.py, tui/messages.py: the shell around the screens."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual import work
from textual.app import ComposeResult
from textual.widgets import Footer, Label

from helpdesk.data.core.config import ConfigError, OutboxSettings
from helpdesk.data.delivery import outbox
from helpdesk.data.wiring import close_senders
from helpdesk.tui.app import OutboxJob
from helpdesk.data.core import values
from helpdesk.data.core.errors import Code, NotFoundError
from helpdesk.screens.queue import QueueScreen
from tests.factories import new_ticket
from tests.pilot import settle, sync, until
from helpdesk.tui.app import HelpdeskApp, local_timezone
from helpdesk.tui.cli.compose import LATER_SCREENS, screen_class
from helpdesk.tui.stylesheets import APP_STYLES, STYLES_DIR
from helpdesk.screens.help import HelpScreen
from helpdesk.screens.merge_ticket import MergeTicketModal
from helpdesk.screens.prepared_reply_form import PreparedReplyFormModal
from helpdesk.screens.reject_out_of_scope import RejectOutOfScopeModal
from helpdesk.screens.reply_picker import ReplyPickerModal
from helpdesk.screens.split_ticket import SplitTicketModal
from helpdesk.tui.commands import HelpdeskCommands
from helpdesk.tui.messages import TicketsChanged
from helpdesk.tui.screen_base import BaseScreen


class Probe(BaseScreen):
    """A screen that records the TicketsChanged it receives and fails a worker on demand."""

    def __init__(self):
        super().__init__()
        self.received: list[tuple[int, ...]] = []

    def compose_body(self) -> ComposeResult:
        yield Label("probe")

    def on_tickets_changed(self, message: TicketsChanged) -> None:
        self.received.append(message.numbers)

    @work(thread=True, exit_on_error=False)
    def fail(self) -> None:
        raise NotFoundError(Code.TICKET_NOT_FOUND, number=4242)


@sync
async def test_tickets_changed_reaches_every_screen_once(make_desk, app_factory):
    app = app_factory(make_desk())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        queue = app.screen
        reloads = []
        original = queue.reload
        queue.reload = lambda **kw: (reloads.append(kw), original(**kw))
        probe = Probe()
        app.push_screen(probe)
        await pilot.pause()
        app.post_message(TicketsChanged((1001,)))
        await pilot.pause()
        await pilot.pause()
        assert probe.received == [(1001,)]
        assert len(reloads) == 1  # the queue underneath reloads too
        app.tickets_changed([7])
        await pilot.pause()
        assert probe.received == [(1001,), (7,)]


def test_tickets_changed_messages_collapse_and_keep_their_numbers():
    first, second = TicketsChanged((1,)), TicketsChanged((2,))
    assert second.can_replace(first) and second.numbers == (1, 2)
    anything = TicketsChanged()
    assert anything.can_replace(second) and anything.numbers == ()
    assert TicketsChanged.bubble is False


@sync
async def test_a_failed_worker_becomes_one_notice(make_desk, app_factory):
    app = app_factory(make_desk())
    async with app.run_test(size=(100, 30)) as pilot:
        probe = Probe()
        app.push_screen(probe)
        await pilot.pause()
        probe.fail()
        for _ in range(50):
            await pilot.pause(0.02)
            if list(app._notifications):
                break
        notes = list(app._notifications)
        assert [n.message for n in notes] == ["No ticket #4242"]
        assert notes[0].severity == "error" and notes[0].markup is False


@sync
async def test_bindings_show_in_the_current_language(make_desk, app_factory):
    app = app_factory(make_desk(), "ru")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        descriptions = {b.binding.action: b.binding.description for b in app.screen.active_bindings.values()}
        assert descriptions["cycle_sort"] == "Сортировка"
        assert descriptions["quit"] == "Выход"
        footer = app.screen.query_one(Footer)
        text = " ".join(str(key.render()) for key in footer.query("FooterKey"))
        assert "Сортировка" in text and "Поиск" in text and "Sort" not in text
        # The class-level bindings stay in English (msgids): a second app in English shows English.
    app = app_factory(make_desk(), "en")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        descriptions = {b.binding.action: b.binding.description for b in app.screen.active_bindings.values()}
        assert descriptions["cycle_sort"] == "Sort"


@sync
async def test_palette_offers_every_key_and_opens_tickets_by_number(make_desk, app_factory):
    app = app_factory(make_desk(), "ru")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        provider = HelpdeskCommands(screen)
        titles = {title for title, _, _ in provider.commands()}
        # Every described binding of the screen (hidden ones too) and the screen's own entries.
        for expected in ("Сортировка", "Обратный порядок", "Вкладка «Все»", "Фильтр по продукту", "Выход",
                         "Открыть", "Вниз", "Фильтр по продукту: Fenix+ 3", "Вкладка «Ждут клиента»", "Справка"):
            assert expected in titles, expected
        # Textual's own scrolling and focus keys stay out; ours come translated.
        assert not {"Focus Next", "Focus Previous", "Scroll Left", "Scroll Right", "Copy selected text"} & titles
        assert not {"Sort", "Quit", "Search", "Open ticket", "Down"} & titles
        assert "Сбросить фильтры" not in titles  # only what makes sense now: no filter is set
        screen.apply_filter(channel="email")
        assert "Сбросить фильтры" in {title for title, _, _ in provider.commands()}
        hits = [hit async for hit in provider.search("1042")]
        assert any(hit.text == "Открыть заявку №1042" for hit in hits)
        sort = next(cb for title, _, cb in provider.commands() if title == "Сортировка")
        await sort()
        await pilot.pause()
        assert screen.filter.sort == "age"
        tab = next(cb for title, _, cb in provider.commands() if title == "Вкладка «Все»")
        await tab()
        await pilot.pause()
        assert screen.filter.tab == "all"


@sync
async def test_missing_ticket_opens_no_screen_and_says_why(make_desk, app_factory):
    app = app_factory(make_desk())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.open_ticket(999999)
        for _ in range(60):
            await pilot.pause(0.05)
            if list(app._notifications):
                break
        assert any("999999" in n.message for n in app._notifications)


def test_agent_time_zone_follows_tz(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Novosibirsk")
    assert local_timezone() == ZoneInfo("Asia/Novosibirsk")
    monkeypatch.setenv("TZ", ":Europe/Berlin")
    assert local_timezone() == ZoneInfo("Europe/Berlin")
    monkeypatch.setenv("TZ", "Not/AZone")
    assert local_timezone() is not None


def test_the_app_reads_its_own_styles_and_each_screen_its_own_file():
    """A start-up parses the shell's styles and the queue's; every other file is some screen's
    own, read when that screen is first shown."""
    assert HelpdeskApp.CSS_PATH == [APP_STYLES]
    screens = [QueueScreen, *(screen_class(name) for name in LATER_SCREENS)]
    modals = [ReplyPickerModal, PreparedReplyFormModal, RejectOutOfScopeModal, SplitTicketModal, MergeTicketModal, HelpScreen]
    named = {Path(cls.CSS_PATH).name for cls in screens + modals} | {APP_STYLES.name}
    assert named == {path.name for path in STYLES_DIR.glob("*.tcss")}


def _new_ticket_with_reply(desk) -> int:
    from helpdesk.data.tickets import operations as tickets

    number = tickets.create_ticket(
        desk, values.NewTicket(subject="Вопрос", body="Текст", customer_email="ivan@example.ru", product="Fenix+ 3")
    ).number
    tickets.add_reply(desk, number, "Здравствуйте!")
    return number


async def _wait_for_workers(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@sync
async def test_the_outbox_is_sent_through_the_job_senders(desk, app_factory):
    number = _new_ticket_with_reply(desk)
    sent, closed = [], []

    class Sender:
        def __call__(self, delivery):
            sent.append((delivery.ticket_number, delivery.recipient))
            return "250 accepted"

        def close(self):
            closed.append(True)

    job = OutboxJob(lambda: {"email": Sender()}, close_senders, OutboxSettings(), seconds=3600)
    app = app_factory(desk, outbox_job=job)
    async with app.run_test(size=(80, 24)) as pilot:
        probe = Probe()
        await app.push_screen(probe)
        app.deliver_outbox()
        await _wait_for_workers(pilot)
        assert sent == [(number, "ivan@example.ru")] and closed == [True]
        assert [item.state for item in outbox.list_outbox()] == ["sent"]
        assert (number,) in probe.received  # the thread view shows "sent" without a key press
        app.deliver_outbox()  # nothing is sent twice
        await _wait_for_workers(pilot)
        assert len(sent) == 1


@sync
async def test_broken_delivery_settings_are_said_once_and_sending_stops(desk, app_factory):

    def broken():
        raise ConfigError("config.toml", "smtp.user", Code.CONFIG_SMTP_PASSWORD_MISSING, variable="HELPDESK_SMTP_PASSWORD")

    app = app_factory(desk, outbox_job=OutboxJob(broken, close_senders, OutboxSettings(), seconds=3600))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.deliver_outbox()
        await _wait_for_workers(pilot)
        assert [n.message for n in app._notifications] == [
            "config.toml: smtp.user: is set, but HELPDESK_SMTP_PASSWORD is not in the environment"]
        assert app._outbox_timer._task is None  # stopped: the interval will not try again


@sync
async def test_an_app_without_an_outbox_job_sends_nothing(desk, app_factory):
    """Sending belongs to ``outbox send --watch`` unless the settings give the app the job."""
    _new_ticket_with_reply(desk)
    app = app_factory(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        app.deliver_outbox()
        await _wait_for_workers(pilot)
        assert [item.state for item in outbox.list_outbox()] == ["queued"]
        assert "outbox" not in {timer.name for timer in app._timers}


@sync
async def test_the_clock_moves_by_the_minute_and_by_the_second_while_a_widget_shows_seconds(make_desk, app_factory):
    desk = make_desk(now="2026-11-25T10:00:00+03:00")
    app = app_factory(desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        start = app.now_tick
        desk.clock.advance(timedelta(seconds=30))
        app.tick()
        assert app.now_tick is start  # 10:00:30 shows as 10:00 did: no tick, no repaint
        class Countdown:  # a widget showing a countdown in its last minute (the header asks for itself)
            pass

        header = Countdown()
        app.need_seconds(header)
        assert app.shows_seconds
        app.tick()
        assert app.now_tick == desk.now()
        desk.clock.advance(timedelta(seconds=1))
        app.tick()
        assert app.now_tick == desk.now()
        app.need_seconds(header, False)
        seconds_shown = app.now_tick
        desk.clock.advance(timedelta(seconds=1))
        app.tick()
        assert app.now_tick is seconds_shown and not app.shows_seconds
        desk.clock.advance(timedelta(seconds=28))  # 10:01:00
        app.tick()
        assert app.now_tick == desk.now()


@sync
@pytest.mark.parametrize("db_kind", ["postgresql"], indirect=True)  # a desk on PostgreSQL
async def test_on_postgresql_a_quiet_tick_polls_nothing_and_a_commit_wakes_a_poll(desk, app_factory):
    app = app_factory(desk, watch_changes=True, tick_seconds=3600)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, 3)
        assert app.watcher.listening
        polls = []
        app.poll_changes = lambda: polls.append(1)
        app._on_interval()  # the tick, while nothing was committed: no worker, no query
        assert polls == []
        new_ticket(desk)  # another connection commits: the watcher's thread wakes the app
        await until(pilot, lambda: polls == [1], "a poll, at once")
        app._on_interval()
        assert polls == [1, 1]  # not polled yet: the tick would poll too
