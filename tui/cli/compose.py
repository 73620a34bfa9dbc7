"""The composition root: the app built from the desk, the settings, the screens and their jobs.

Only the CLI composes; tui/ below it gets what it needs passed in (the ScreenSet, the optional
OutboxJob), so the layers stay one way: screens -> tui -> data, with the CLI on top.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shlex
import shutil
from functools import partial
from typing import Callable, Mapping

from textual.screen import Screen

from helpdesk.data.core.config import Config
from helpdesk.data.rules.desk import Desk
from helpdesk.screens.queue import QueueScreen
from helpdesk.tui.app import HelpdeskApp, OutboxJob
from helpdesk.tui.cli.context import admit_desk, open_desk, store_warnings
from helpdesk.tui.errors import describe
from helpdesk.tui.navigation import ScreenSet
from helpdesk.tui.open_file import system_viewers

# The screens after the queue, each imported when first opened (a start-up imports the queue's
# alone): module and class. tests/test_layers.py allows this import by name here, in the root.
LATER_SCREENS = {
    "thread": ("helpdesk.screens.thread", "ThreadScreen"),
    "new_ticket": ("helpdesk.screens.new_ticket", "NewTicketScreen"),
    "prepared_replies": ("helpdesk.screens.prepared_replies", "PreparedRepliesScreen"),
    "reports": ("helpdesk.screens.reports", "ReportsScreen"),
    "quarantine": ("helpdesk.screens.quarantine", "QuarantineScreen"),
    "help": ("helpdesk.screens.help", "HelpScreen"),
}


def screen_class(name: str) -> type[Screen]:
    """The class of screen ``name`` of LATER_SCREENS, its module imported now if not yet."""
    module, attribute = LATER_SCREENS[name]
    return getattr(importlib.import_module(module), attribute)


def screen_set() -> ScreenSet:
    return ScreenSet(
        queue=QueueScreen,
        thread=lambda number: screen_class("thread")(number),
        new_ticket=lambda: screen_class("new_ticket")(),
        prepared_replies=partial(screen_class, "prepared_replies"),
        reports=partial(screen_class, "reports"),
        quarantine=partial(screen_class, "quarantine"),
        help=lambda screen: screen_class("help")(screen),  # the app knows it by SHOWS_KEYS
    )


# Tried in this order when neither $VISUAL nor $EDITOR names an editor (Debian's choice first).
DEFAULT_EDITORS = ("sensible-editor", "editor", "nano", "vi")


def editor_command(
    environ: Mapping[str, str] | None = None, which: Callable[[str], str | None] = shutil.which
) -> tuple[str, ...] | None:
    """The agent's editor as a command line: ``$VISUAL``, else ``$EDITOR`` (split as a shell
    would: ``code --wait``), else the first of DEFAULT_EDITORS on the PATH; None if nothing."""
    environ = os.environ if environ is None else environ
    for variable in ("VISUAL", "EDITOR"):
        value = environ.get(variable, "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError:  # an unbalanced quote: taken as one program name
                words = [value]
            if words:
                return tuple(words)
    for name in DEFAULT_EDITORS:
        found = which(name)
        if found:
            return (found,)
    return None


# The senders (SMTP, the Telegram Bot API: their modules cost ~30 ms), only for an app that sends.
WIRING = "helpdesk.data.wiring"


def outbox_job(config: Config, desk: Desk) -> OutboxJob | None:
    """The app sends the outbox only when the settings ask for it (``[outbox] send_from_app``),
    and its desk may write (sending records every attempt)."""
    if not config.outbox.send_from_app or desk.write_refusal is not None:
        return None
    wiring = importlib.import_module(WIRING)
    return OutboxJob(partial(wiring.configured_senders, config), wiring.close_senders, config.outbox)


def run_app(
    args: argparse.Namespace,
    config: Config,
    *,
    db_target: str | None = None,
    before_run: Callable[[Desk], str | None] | None = None,
) -> int:
    """Open the store and run the app (``helpdesk`` with no command, and ``helpdesk demo``).

    ``before_run`` prepares the store before the user is admitted (the demo fills it: its agents
    exist then) and may return a notice. The app starts with it, the store's warnings, and why
    this desk may not write, if it may not: one line each."""
    desk = open_desk(args, config, db_target=db_target, running_clock=True)
    notices = [before_run(desk) if before_run is not None else None]
    notices += [describe(warning) for warning in store_warnings(args, db_target)]
    desk = admit_desk(desk, args, db_target)
    notices.append(describe(desk.write_refusal) if desk.write_refusal is not None else None)
    notice = "\n".join(line for line in notices if line) or None
    app = HelpdeskApp(desk, screens=screen_set(), outbox_job=outbox_job(config, desk), startup_notice=notice,
                      bell=config.tui.bell, viewers=system_viewers(), editor=editor_command())
    app.run()
    return app.return_code or 0
