"""tui/widgets/conversation.py: a conversation drawn line by line, measured lazily, kept in place."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from textual.app import App

from helpdesk.data.read.views import AttachmentView, MessageView
from helpdesk.tui.widgets.conversation import Conversation, Entry
from helpdesk.tui.widgets.message_card import TimeContext
from tests.pilot import sync

MSK = ZoneInfo("Europe/Moscow")
START = datetime(2026, 11, 2, 7, 0, tzinfo=timezone.utc)
TIMES = TimeContext(MSK, None, START + timedelta(days=30))


def entry(i: int, *, lines: int = 1, files: int = 0) -> Entry:
    body = "\n".join(f"{i}.{n}" for n in range(lines))
    attachments = tuple(AttachmentView(i * 10 + n, f"file{i}-{n}.log", 10, "x", "text/plain") for n in range(files))
    return Entry(("m", i), message=MessageView(i, "customer", "a", body, START + timedelta(minutes=i), attachments))


class ConversationApp(App):
    def __init__(self) -> None:
        super().__init__()
        self.chosen: list[str] = []

    def compose(self):
        yield Conversation()

    def on_conversation_attachment_chosen(self, message: Conversation.AttachmentChosen) -> None:
        self.chosen.append(message.attachment.filename)


def top_line(conversation: Conversation) -> str:
    return conversation.render_line(1).text.strip()  # line 0 is a card's margin or another's last line


@sync
async def test_only_what_is_seen_is_drawn_and_the_end_is_followed():
    app = ConversationApp()
    async with app.run_test(size=(60, 20)) as pilot:
        conversation = app.query_one(Conversation)
        conversation.show([entry(i, lines=i % 4 + 1) for i in range(400)], TIMES)
        assert conversation.drawn_entries < 20  # a screenful (the rest is measured while idle)
        await pilot.pause()
        assert conversation.at_end
        assert conversation.render_line(conversation.size.height - 2).text.strip().startswith("▌ 399.")
        conversation.show([entry(i, lines=i % 4 + 1) for i in range(401)], TIMES)  # a new message
        await pilot.pause()
        assert conversation.at_end
        assert conversation.render_line(conversation.size.height - 2).text.strip() == "▌ 400.0"


@sync
async def test_older_entries_coming_in_above_leave_the_view_where_it_was():
    app = ConversationApp()
    async with app.run_test(size=(60, 20)) as pilot:
        conversation = app.query_one(Conversation)
        latest = [entry(i, lines=3) for i in range(200, 240)]
        conversation.show(latest, TIMES)
        await pilot.pause()
        conversation.scroll_to(y=conversation.max_scroll_y - 30)
        await pilot.pause()
        shown = [conversation.render_line(y).text for y in range(conversation.size.height)]
        # The whole thread arrives (as after the first paint of a long one): 200 older entries.
        conversation.show([entry(i, lines=3) for i in range(240)], TIMES)
        await pilot.pause()
        assert [conversation.render_line(y).text for y in range(conversation.size.height)] == shown
        # Measuring the entries off screen while idle moves nothing either.
        for _ in range(200):
            if conversation.drawn_entries == 240:
                break
            await pilot.pause(0.05)
        assert conversation.drawn_entries == 240
        assert [conversation.render_line(y).text for y in range(conversation.size.height)] == shown
        await pilot.press("home")
        assert top_line(conversation) == "▌ a · customer · 2 Nov 10:00 MSK"
        assert conversation.render_line(2).text.strip() == "▌ 0.0"


@sync
async def test_tab_moves_between_the_links_on_screen_then_on():
    app = ConversationApp()
    async with app.run_test(size=(60, 20)) as pilot:
        conversation = app.query_one(Conversation)
        conversation.show([entry(i, files=2 if i in (3, 5) else 0) for i in range(30)], TIMES)
        conversation.focus()
        await pilot.pause()  # laid out: which links are on screen depends on it
        await pilot.press("home")
        await pilot.pause()
        await pilot.press("tab")
        assert conversation.link.attachment.filename == "file3-0.log"
        await pilot.press("tab", "tab")
        assert conversation.link.attachment.filename == "file5-0.log"
        await pilot.press("shift+tab")
        assert conversation.link.attachment.filename == "file3-1.log"
        await pilot.press("enter")
        assert app.chosen == ["file3-1.log"]
        await pilot.press("end")  # the link scrolled out of sight: nothing is chosen
        assert conversation.link is None
        await pilot.press("tab")  # no link on screen: the focus moves on
        assert conversation.link is None
