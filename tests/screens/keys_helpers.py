"""Ways to every screen and dialog from the queue of the demo data set (the keys tests walk them all).

    from tests.screens.keys_helpers import PLACES, go, footer_line
"""

from __future__ import annotations

from helpdesk.data.channels.mail.ingest import ingest_bytes
from tests.pilot import screen_text, settle

# (name, keys pressed from the queue, the screen class's name that is then shown)
PLACES = [
    ("queue", (), "QueueScreen"),
    ("thread", ("enter",), "ThreadScreen"),
    ("composer", ("enter", "r"), "ThreadScreen"),
    ("new_ticket", ("n",), "NewTicketScreen"),
    ("replies", ("f2",), "PreparedRepliesScreen"),
    ("reply_form", ("f2", "n"), "PreparedReplyFormModal"),
    ("reports", ("f3",), "ReportsScreen"),
    ("quarantine", ("f4",), "QuarantineScreen"),
    ("assign", ("A",), "AssignAgentModal"),
    ("status", ("enter", "s"), "ChooseOptionModal"),
    ("split", ("enter", "x"), "SplitTicketModal"),
    ("merge", ("enter", "m"), "MergeTicketModal"),
    ("reply_picker", ("enter", "r", "ctrl+t"), "ReplyPickerModal"),
]
SCREENS = [place for place in PLACES if not place[2].endswith("Modal")]


def quarantine_one(desk) -> None:
    """One unreadable mail in the quarantine, so that its screen has a list to show."""
    ingest_bytes(desk, b"\x00\x01 not a mail", "file:/in/garbage.eml")


async def go(pilot, keys) -> None:
    """Press ``keys`` one by one from where the app is, letting each take effect."""
    await settle(pilot)
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def footer_line(app) -> str:
    """The footer as rendered: the last row of the screen."""
    return screen_text(app).splitlines()[-1]
