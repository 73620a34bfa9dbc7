"""screens/thread.py with tui/widgets/customer_tickets.py: the customer's other tickets in the thread view."""

from __future__ import annotations

import functools
from datetime import timedelta

import pytest
from textual.widgets import OptionList

from helpdesk.data.rules import statuses as st
from helpdesk.data.store import models as m
from helpdesk.data.tickets import operations as ops
from helpdesk.screens.thread import ThreadScreen
from helpdesk.tui.i18n import set_language
from helpdesk.tui.widgets.customer_tickets import CustomerTickets
from tests.factories import new_ticket
from tests.pilot import HOSTILE, make_app as composed_app, open_thread as push_thread, screen_text, sync
from tests.pilot import settle as settle_workers

ORG = "ООО «ПожПроект»"
NOW = "2026-11-25T10:00:00+03:00"

GROUPS = ("thread-load", "thread-seen", "customer-history")
settle = functools.partial(settle_workers, groups=GROUPS, tries=300)
open_thread = functools.partial(push_thread, wait=settle)


def make_app(desk, **kwargs):
    return composed_app(desk, watch_changes=False, tick_seconds=3600, **kwargs)


def seed(desk) -> dict[str, int]:
    """Иван wrote three times (one last year), his colleague Ольга twice; Пётр is alone."""
    def ticket(email, subject, days_ago, organisation=ORG):
        desk.clock.advance(timedelta(minutes=1))
        with_clock = desk.clock.now()
        desk.clock.set(with_clock - timedelta(days=days_ago))
        number = new_ticket(desk, customer_email=email, customer_name=email.split("@")[0], subject=subject,
                            organisation=organisation)
        desk.clock.set(with_clock)
        return number

    numbers = {
        "ivan_old": ticket("ivan@pozh.ru", "Лицензия на второй компьютер", 400),
        "olga_1": ticket("olga@pozh.ru", "Не печатается план эвакуации", 40),
        "ivan_mid": ticket("ivan@pozh.ru", "Ошибка 0x1F при расчёте", 20),
        "olga_2": ticket("olga@pozh.ru", "Экспорт в PDF", 3),
        "petr": ticket("petr@alone.ru", "Один вопрос", 2, organisation=None),
        "ivan_now": ticket("ivan@pozh.ru", "Не запускается Fenix+ после обновления", 0),
    }
    ops.set_status(desk, numbers["ivan_mid"], st.OPEN)
    ops.set_status(desk, numbers["ivan_old"], st.CLOSED)
    return numbers


@sync
async def test_the_section_folds_to_a_line_and_lists_both_on_o(make_desk):
    desk = make_desk(now=NOW)
    n = seed(desk)
    app = make_app(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_thread(pilot, n["ivan_now"])
        section = screen.query_one(CustomerTickets)
        assert section.display and not section.unfolded  # 80x24: folded, one line
        text = screen_text(app)
        assert f"▸ Other tickets of this customer (2) · of {ORG} (2)" in text
        assert f"#{n['ivan_mid']}" not in text

        await pilot.press("o")
        await settle(pilot)
        assert section.unfolded and app.focused is section.option_list
        lines = [line.strip() for line in screen_text(app).splitlines()]
        mine = next(i for i, line in enumerate(lines) if line.startswith(f"#{n['ivan_mid']}"))
        assert lines[mine].split()[:4] == [f"#{n['ivan_mid']}", "Open", "5", "Nov"]
        assert lines[mine + 1].split()[:5] == [f"#{n['ivan_old']}", "Closed", "21", "Oct", "2025"]
        assert lines[mine + 1].endswith("Лицензия на второй компьютер")
        assert lines[mine + 2] == f"Other tickets of {ORG} (2)"
        assert lines[mine + 3].startswith(f"#{n['olga_2']} New")
        assert lines[mine + 4].startswith(f"#{n['olga_1']} New")
        assert not any(line.startswith(f"#{n['petr']}") for line in lines)

        await pilot.press("escape")  # folds the list, stays on the ticket
        await settle(pilot)
        assert app.screen is screen and not section.unfolded
        assert app.focused is screen.conversation


@sync
async def test_enter_opens_a_ticket_and_escape_comes_back(make_desk):
    desk = make_desk(now=NOW)
    n = seed(desk)
    app = make_app(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_thread(pilot, n["ivan_now"])
        await pilot.press("o", "down", "enter")  # the second line: the oldest of Иван's
        await settle(pilot, 2)
        other = app.screen
        assert isinstance(other, ThreadScreen) and other.number == n["ivan_old"]
        assert "Лицензия на второй компьютер" in screen_text(app)
        # There, the ticket we came from is one of the customer's others.
        assert n["ivan_now"] in other.query_one(CustomerTickets).history.customer.numbers
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


@sync
async def test_a_click_opens_a_ticket(make_desk):
    desk = make_desk(now=NOW)
    n = seed(desk)
    app = make_app(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_thread(pilot, n["ivan_now"])
        section = screen.query_one(CustomerTickets)
        assert section.unfolded  # 120x40 has room: open from the start, not focused
        assert app.focused is screen.conversation
        options = section.option_list
        index = options.get_option_index(str(n["olga_1"]))
        await pilot.click(OptionList, offset=(5, index))
        await settle(pilot, 2)
        assert isinstance(app.screen, ThreadScreen) and app.screen.number == n["olga_1"]


@sync
async def test_a_click_on_the_summary_folds_and_unfolds(make_desk):
    desk = make_desk(now=NOW)
    n = seed(desk)
    app = make_app(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_thread(pilot, n["ivan_now"])
        section = screen.query_one(CustomerTickets)
        await pilot.click("#customer-tickets-summary")
        await settle(pilot)
        assert section.unfolded and "▾ Other tickets" in screen_text(app)
        await pilot.click("#customer-tickets-summary")
        await settle(pilot)
        assert not section.unfolded and "▸ Other tickets" in screen_text(app)


@sync
async def test_a_long_history_is_capped_and_leaves_the_conversation_room(make_desk):
    desk = make_desk(now=NOW)
    numbers = [new_ticket(desk, customer_email="ivan@pozh.ru", subject=f"Вопрос {i}") for i in range(26)]
    app = make_app(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_thread(pilot, numbers[-1])
        section = screen.query_one(CustomerTickets)
        await pilot.press("o")
        await settle(pilot)
        options = section.option_list
        assert options.option_count == 21  # twenty, and "… and 5 more"
        assert str(options.get_option_at_index(20).prompt) == "… and 5 more"
        assert options.region.height == 7  # 30 % of the terminal; it scrolls
        assert screen.conversation.region.height >= 7
        await pilot.press("end")
        assert options.highlighted == 19  # the last ticket; the "more" line cannot be chosen


@sync
async def test_a_customer_alone_gets_no_section(make_desk):
    desk = make_desk(now=NOW)
    n = seed(desk)
    app = make_app(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_thread(pilot, n["petr"])
        assert not screen.query_one(CustomerTickets).display
        assert "Other tickets" not in screen_text(app)
        await pilot.press("o")
        await pilot.pause()
        assert app.screen is screen
        assert any("no other tickets" in note.message for note in app._notifications)


@sync
async def test_a_change_elsewhere_shows_in_the_list(make_desk):
    desk = make_desk(now=NOW)
    n = seed(desk)
    app = make_app(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_thread(pilot, n["ivan_now"])
        newer = new_ticket(desk, customer_email="olga@pozh.ru", subject="Ещё вопрос", organisation=ORG)
        ops.set_status(desk, n["olga_2"], st.RESOLVED)
        from helpdesk.tui.messages import TicketsChanged

        app.post_message(TicketsChanged((newer, n["olga_2"])))
        await settle(pilot, 2)
        history = screen.query_one(CustomerTickets).history
        assert history.organisation_tickets.numbers[:2] == [newer, n["olga_2"]]
        lines = [line.strip() for line in screen_text(app).splitlines()]
        assert any(line.startswith(f"#{n['olga_2']} Resolved") for line in lines)


@pytest.mark.parametrize("payload", list(HOSTILE.values()), ids=list(HOSTILE))
@sync
async def test_hostile_subjects_and_organisations_are_text(make_desk, payload):
    desk = make_desk(now=NOW)
    older = new_ticket(desk, customer_email="eve@evil.ru", subject="A", organisation="O")
    new_ticket(desk, customer_email="mallory@evil.ru", subject="x", organisation="O")
    number = new_ticket(desk, customer_email="eve@evil.ru", subject="now", organisation="O")
    # Intake drops control characters from subjects; rows stored before it did still hold them.
    m.Ticket.update(subject=f"A{payload}Z").where(m.Ticket.number == older).execute()
    m.Customer.update(organisation=f"O{payload}").execute()
    app = make_app(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_thread(pilot, number)
        text = screen_text(app)
        assert app.is_running and app.screen.number == number
        assert "\x1b" not in text
        shown = payload.replace("\x1b", "␛").replace("\x07", "␇")
        assert f"A{shown}Z" in text
        assert f"O{shown}" in text


# --- snapshots ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_snapshot_unfolded(make_desk, snap_compare, lang):
    set_language(lang)
    desk = make_desk(now=NOW)
    n = seed(desk)
    app = make_app(desk)

    async def run_before(pilot) -> None:
        await open_thread(pilot, n["ivan_now"])
        await pilot.press("o")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
