"""tui/widgets/composer.py: reply / note modes, opening and closing, pasted control characters."""

from __future__ import annotations

import asyncio

from textual import events
from textual.app import App

from helpdesk.tui.widgets.composer import NOTE, REPLY, Composer


class _Host(App):
    def compose(self):
        yield Composer()


def test_modes_open_close_and_controls():
    async def run() -> None:
        app = _Host()
        async with app.run_test(size=(60, 16)) as pilot:
            composer = app.query_one(Composer)
            assert not composer.is_open and not composer.display
            composer.open(REPLY)
            await pilot.pause()
            assert composer.display and app.focused is composer.text_area
            assert str(composer.query_one("#composer-title").render()) == "Reply to the customer"
            await pilot.press("h", "i")
            assert composer.text == "hi" and composer.has_text
            composer.open(NOTE)  # switching keeps the text
            await pilot.pause()
            assert composer.has_class("-note") and composer.text == "hi"
            assert str(composer.query_one("#composer-title").render()) == "Internal note (only agents see it)"
            composer.sending = True
            await pilot.pause()
            assert composer.text_area.read_only
            assert str(composer.query_one("#composer-hint").render()) == "Sending…"
            composer.sending = False
            composer.text_area.text = "pasted \x1b]52;c;aGk=\x07 end"
            await pilot.pause()
            assert composer.text == "pasted ␛]52;c;aGk=␇ end"
            composer.close()
            await pilot.pause()
            assert not composer.is_open and composer.text == "" and not composer.has_text

    asyncio.run(run())


class _Screenful(App):
    """The composer at the bottom of a screen, below something that takes the rest."""

    CSS = "#above { height: 1fr; }"

    def compose(self):
        from textual.widgets import Static

        yield Static("conversation", id="above")
        yield Composer()


def test_grows_with_its_text_up_to_half_the_screen():
    async def run() -> None:
        app = _Screenful()
        async with app.run_test(size=(80, 24)) as pilot:
            composer = app.query_one(Composer)
            composer.open(REPLY)
            await pilot.pause()
            initial = composer.outer_size.height
            assert composer.text_area.size.height == 5
            app.post_message(events.Paste("\n".join(f"строка {i}" for i in range(1, 31))))
            await pilot.pause()
            await pilot.pause()
            assert composer.text.count("\n") == 29
            assert initial < composer.outer_size.height <= 24 // 2
            hint = composer.query_one("#composer-hint")
            assert hint.region.height == 1 and hint.region.bottom == composer.region.bottom  # still shown
            # A line longer than the width counts as the lines it wraps to.
            composer.text_area.clear()
            await pilot.pause()
            assert composer.outer_size.height == initial
            composer.text_area.text = "слово " * 100  # one line, about eight lines wrapped
            await pilot.pause()
            await pilot.pause()
            assert composer.text_area.size.height == composer.text_area.wrapped_document.height > 5
            await pilot.resize_terminal(80, 40)
            composer.text_area.text = "\n" * 40
            await pilot.pause()
            await pilot.pause()
            assert composer.outer_size.height == 40 // 2
            composer.close()
            composer.open(NOTE)
            await pilot.pause()
            assert composer.outer_size.height == initial

    asyncio.run(run())


def test_in_the_thread_view_the_grown_composer_keeps_its_hint_in_sight(desk):
    from helpdesk.screens.thread import ThreadScreen
    from tests.factories import new_ticket
    from tests.pilot import make_app, paste, settle

    number = new_ticket(desk)

    async def run() -> None:
        app = make_app(desk, watch_changes=False)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = ThreadScreen(number)
            app.push_screen(screen)
            await settle(pilot, 2)
            await pilot.press("r")
            composer = screen.query_one(Composer)
            initial = composer.outer_size.height
            await paste(pilot, "\n".join(f"строка {i}" for i in range(1, 31)))
            await pilot.pause()
            await pilot.pause()
            assert initial < composer.outer_size.height <= 24 // 2
            hint = composer.query_one("#composer-hint")
            assert hint.region.height == 1 and hint.region.bottom == composer.region.bottom
            assert hint.region.bottom <= screen.query_one("#footer").region.y

    asyncio.run(run())
