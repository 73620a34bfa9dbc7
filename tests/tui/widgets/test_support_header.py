"""tui/widgets/support_header.py: the support state and its live countdown at fixed instants."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.pilot import settle, sync
from helpdesk.tui.widgets.support_header import SupportHeader


async def header_after(app, pilot, delta: timedelta | None = None) -> SupportHeader:
    if delta is not None:
        app.desk.clock.advance(delta)
        app.tick()
    await pilot.pause()
    return app.screen.query_one(SupportHeader)


def shown(header: SupportHeader) -> str:
    return str(header.query_one("#support-state").render())


CASES = [
    # (now, expected at now, advance, expected after, open before, open after)
    ("2026-11-25T10:00:00+03:00", "● Open - closes in 8 h 00 min, 18:00 MSK",
     timedelta(hours=1, minutes=12), "● Open - closes in 6 h 48 min, 18:00 MSK", True, True),
    ("2026-11-25T17:59:00+03:00", "● Open - closes in 1 min, 18:00 MSK",
     timedelta(minutes=2), "○ Closed - opens in 14 h 59 min, Thu 09:00 MSK", True, False),
    ("2026-11-25T20:00:00+03:00", "○ Closed - opens in 13 h 00 min, Thu 09:00 MSK",
     timedelta(hours=13), "● Open - closes in 9 h 00 min, 18:00 MSK", False, True),
    # Friday closes at 17:00 and the weekend follows.
    ("2026-11-20T16:30:00+03:00", "● Open - closes in 30 min, 17:00 MSK",
     timedelta(hours=1), "○ Closed - opens in 2 d 15 h 30 min, Mon 09:00 MSK", True, False),
    # The New Year block: 31 Dec 2025 to 11 Jan 2026 are days off; support opens on 12 January.
    ("2025-12-30T17:30:00+03:00", "● Open - closes in 30 min, 18:00 MSK",
     timedelta(hours=1), "○ Closed - opens in 12 d 14 h 30 min, 12 Jan 2026 09:00 MSK", True, False),
    ("2026-01-09T12:00:00+03:00", "○ Closed - opens in 2 d 21 h 00 min, Mon 09:00 MSK",
     timedelta(days=2, hours=21), "● Open - closes in 9 h 00 min, 18:00 MSK", False, True),
]


@pytest.mark.parametrize("now,before,delta,after,open_before,open_after", CASES)
@sync
async def test_header_counts_down_and_flips_at_fixed_instants(make_desk, app_factory, now, before, delta, after,
                                                              open_before, open_after):
    desk = make_desk(now=now)
    app = app_factory(desk)
    async with app.run_test(size=(100, 24)) as pilot:
        header = await header_after(app, pilot)
        assert shown(header) == before
        assert header.has_class("-open") is open_before and header.has_class("-closed") is not open_before
        header = await header_after(app, pilot, delta)
        assert shown(header) == after
        assert header.has_class("-open") is open_after and header.has_class("-closed") is not open_after


@sync
async def test_the_countdown_moves_every_tick(make_desk, app_factory):
    desk = make_desk(now="2026-11-25T17:00:00+03:00")
    app = app_factory(desk, tick_seconds=0.05)  # the App's own interval drives it
    async with app.run_test(size=(100, 24)) as pilot:
        header = await header_after(app, pilot)
        assert "closes in 1 h 00 min" in shown(header)
        desk.clock.advance(timedelta(minutes=5))
        for _ in range(50):
            await pilot.pause(0.05)
            if "55 min" in shown(header):
                break
        assert "closes in 55 min" in shown(header)


@sync
async def test_both_clock_times_when_the_agent_is_in_another_zone(make_desk, app_factory):
    desk = make_desk(now="2026-11-25T10:00:00+03:00")
    app = app_factory(desk, agent_tz=ZoneInfo("Asia/Novosibirsk"))
    async with app.run_test(size=(100, 24)) as pilot:
        header = await header_after(app, pilot)
        assert shown(header) == "● Open - closes in 8 h 00 min, 18:00 MSK / 22:00 +07"


@sync
async def test_russian_header_and_agent(make_desk, app_factory):
    desk = make_desk(now="2026-11-20T19:30:00+03:00", agent="sidorov")
    app = app_factory(desk, "ru")
    async with app.run_test(size=(100, 24)) as pilot:
        header = await header_after(app, pilot)
        nb = "\u00a0"  # a time held to its zone, a number to its unit
        assert shown(header) == f"○ Закрыто — откроется через 2{nb}дн. 13{nb}ч 30{nb}мин, пн 09:00{nb}МСК"
        assert str(header.query_one("#header-agent").render()) == "sidorov"


@sync
async def test_facts_line_shows_only_when_set(make_desk, app_factory):
    from textual.content import Content

    desk = make_desk()
    app = app_factory(desk)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot, 3)  # the queue has loaded (and said its facts): nothing sets them after this
        header = app.screen.query_one(SupportHeader)
        header.facts = None
        await pilot.pause()
        assert not header.query_one("#header-facts").display
        header.facts = Content("[b]literal[/b]")
        await pilot.pause()
        facts = header.query_one("#header-facts")
        assert facts.display and str(facts.render()) == "[b]literal[/b]"


@sync
async def test_the_last_minute_counts_seconds_and_only_then_the_app_ticks_each_second(make_desk, app_factory):
    desk = make_desk(now="2026-11-25T17:58:30+03:00")
    app = app_factory(desk)
    async with app.run_test(size=(100, 24)) as pilot:
        header = await header_after(app, pilot)
        assert shown(header) == "● Open - closes in 1 min, 18:00 MSK"
        assert not app.shows_seconds
        # Within the minute the shown time does not move: no tick.
        shown_at = app.now_tick
        header = await header_after(app, pilot, timedelta(seconds=20))
        assert app.now_tick is shown_at and shown(header) == "● Open - closes in 1 min, 18:00 MSK"
        # 17:59:00: the last minute begins; from then on each second is a tick.
        header = await header_after(app, pilot, timedelta(seconds=10))
        assert app.shows_seconds
        header = await header_after(app, pilot, timedelta(seconds=18))
        assert shown(header) == "● Open - closes in 42 s, 18:00 MSK"
        header = await header_after(app, pilot, timedelta(seconds=1))
        assert shown(header) == "● Open - closes in 41 s, 18:00 MSK"
        # Support closes: minutes again, and the App goes back to a tick a minute.
        header = await header_after(app, pilot, timedelta(seconds=41))
        assert shown(header) == "○ Closed - opens in 15 h 00 min, Thu 09:00 MSK"
        assert not app.shows_seconds
        shown_at = app.now_tick
        header = await header_after(app, pilot, timedelta(seconds=5))
        assert app.now_tick is shown_at


@sync
async def test_seconds_in_russian(make_desk, app_factory):
    desk = make_desk(now="2026-11-27T16:59:18+03:00")  # Friday: closes at 17:00
    app = app_factory(desk, lang="ru")
    async with app.run_test(size=(100, 24)) as pilot:
        header = await header_after(app, pilot)
        assert shown(header) == "● Открыто — закроется через 42\u00a0с, 17:00\u00a0МСК"
        assert app.shows_seconds
