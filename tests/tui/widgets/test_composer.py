"""tui/widgets/composer.py: reply / note modes, opening and closing, pasted control characters."""

from __future__ import annotations

import asyncio

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
