"""Another agent's app in a process of its own, for the tests of what outlives a killed app.

    python -m tests.screens.agent_process DB AGENT NUMBER [TEXT]

Opens the app (headless) on the database as AGENT at the tests' fixed "now", opens ticket NUMBER
and, given TEXT, starts a reply with it and waits until the draft is in the store. Then it
prints "ready" and waits to be killed: it never exits cleanly, as an app does when its SSH
connection drops or it is killed.
"""

from __future__ import annotations

import asyncio
import sys

from helpdesk.data.core.clock import FixedClock, parse_instant
from helpdesk.data.rules.desk import Desk
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.store.database import open_store
from helpdesk.data.team import drafts
from tests.conftest import WORKING_NOW
from tests.factories import SEEDED_BY
from tests.pilot import make_app, paste, settle


async def run(db: str, agent: str, number: int, text: str) -> None:
    regulation = load_regulation()
    now = parse_instant(WORKING_NOW)
    open_store(db, regulation, now, creator=SEEDED_BY)
    desk = Desk(regulation, FixedClock(now), agent)
    app = make_app(desk, watch_changes=False, agent_tz=regulation.timezone)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_ticket(number)
        await settle(pilot, 2)
        if text:
            await pilot.press("r")
            await paste(pilot, text)
            while drafts.load(desk, number) is None:  # the debounced save: the parent bounds the wait
                await pilot.pause(0.05)
        await settle(pilot)
        print("ready", flush=True)
        await asyncio.sleep(3600)


if __name__ == "__main__":
    asyncio.run(run(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else ""))
