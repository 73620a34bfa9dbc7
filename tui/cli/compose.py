"""The composition root: the app built from the desk, the settings, the screens and their jobs.

Only the CLI composes; tui/ below it gets what it needs passed in (the ScreenSet, the optional
OutboxJob), so the layers stay one way: screens -> tui -> data, with the CLI on top.
"""

from __future__ import annotations

import argparse
from functools import partial
from typing import Callable

from helpdesk.data.core.config import Config
from helpdesk.data.rules.desk import Desk
from helpdesk.data.wiring import close_senders, configured_senders
from helpdesk.screens.new_ticket import NewTicketScreen
from helpdesk.screens.prepared_replies import PreparedRepliesScreen
from helpdesk.screens.quarantine import QuarantineScreen
from helpdesk.screens.queue import QueueScreen
from helpdesk.screens.reports import ReportsScreen
from helpdesk.screens.thread import ThreadScreen
from helpdesk.tui.app import HelpdeskApp, OutboxJob
from helpdesk.tui.cli.context import open_desk
from helpdesk.tui.navigation import ScreenSet


def screen_set() -> ScreenSet:
    return ScreenSet(
        queue=QueueScreen,
        thread=ThreadScreen,
        new_ticket=NewTicketScreen,
        prepared_replies=PreparedRepliesScreen,
        reports=ReportsScreen,
        quarantine=QuarantineScreen,
    )


def outbox_job(config: Config) -> OutboxJob | None:
    """The app sends the outbox only when the settings ask for it (``[outbox] send_from_app``)."""
    if not config.outbox.send_from_app:
        return None
    return OutboxJob(partial(configured_senders, config), close_senders, config.outbox)


def run_app(
    args: argparse.Namespace,
    config: Config,
    *,
    db_target: str | None = None,
    before_run: Callable[[Desk], str | None] | None = None,
) -> int:
    """Open the store and run the app (``helpdesk`` with no command, and ``helpdesk demo``)."""
    desk = open_desk(args, config, db_target=db_target, running_clock=True)
    notice = before_run(desk) if before_run is not None else None
    app = HelpdeskApp(desk, screens=screen_set(), outbox_job=outbox_job(config), startup_notice=notice,
                      bell=config.tui.bell)
    app.run()
    return app.return_code or 0
