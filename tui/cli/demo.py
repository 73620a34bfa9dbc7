"""``helpdesk demo``: the app on a throw-away database filled with a realistic Russian data set.

The database is a temporary file, removed when the app exits. ``--save PATH`` writes the data
set to a new database file instead and exits (for trying the CLI, or a second agent's process).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile

from babel.numbers import format_decimal

from helpdesk.data.store import models as m
from helpdesk.data.core.clock import FixedClock
from helpdesk.data.demo import DEMO_SEED, DEMO_TICKETS, DemoReport, generate_demo
from helpdesk.data.rules.desk import Desk
from helpdesk.data.core.errors import Code, HelpdeskError
from helpdesk.data.core.config import Config
from helpdesk.tui.cli.compose import run_app
from helpdesk.tui.cli.context import open_desk
from helpdesk.tui.i18n import current_language, ngettext
from helpdesk.tui.cli.output import emit


# The demo never reads the settings file: its made-up customers must never be sent real mail.
DEMO_CONFIG = Config(source="(demo: nothing is sent)")


def register(commands) -> None:
    p = commands.add_parser("demo", help="open the app on a throw-away database with about 200 demo tickets")
    p.add_argument("--lang", dest="sub_lang", choices=["ru", "en"], help="interface language (same as the global --lang)")
    p.add_argument("--seed", type=int, default=DEMO_SEED, help="random seed: the same seed and --now give the same data")
    p.add_argument("--tickets", type=int, default=DEMO_TICKETS, metavar="N", help="how many tickets (default: %(default)s)")
    p.add_argument("--save", metavar="PATH", help="write the demo database to PATH (a new file) and exit, without the app")
    p.set_defaults(func=run, needs_store=False)


def fill(desk: Desk, args) -> DemoReport:
    """Generate the data set over the weeks before the desk's "now"."""
    if args.tickets < 1:
        raise HelpdeskError(Code.DEMO_TICKETS_INVALID, where="--tickets")
    return generate_demo(Desk(desk.regulation, FixedClock(desk.now()), desk.agent), seed=args.seed, count=args.tickets)


def _seconds(seconds: float) -> str:
    """"1.8" / "1,8": one decimal, with the language's decimal sign."""
    return format_decimal(round(seconds, 1), format="0.0", locale=current_language())


def run(args) -> int:
    if args.save:
        if os.path.exists(args.save):
            raise HelpdeskError(Code.FILE_EXISTS, where=f"--save {args.save}")
        desk = open_desk(args, DEMO_CONFIG, db_target=args.save)
        try:
            report = fill(desk, args)
        finally:
            m.database_proxy.close()
        written = ngettext("{n} demo ticket written to {path} in {seconds} s", "{n} demo tickets written to {path} in {seconds} s",
                           report.tickets)
        emit("helpdesk: " + written.format(n=report.tickets, path=args.save, seconds=_seconds(report.seconds)), file=sys.stderr)
        return 0

    def notice(desk: Desk) -> str:
        report = fill(desk, args)
        return ngettext(
            "Demo: {n} ticket generated in {seconds} s on a throw-away database.",
            "Demo: {n} tickets generated in {seconds} s on a throw-away database.",
            report.tickets,
        ).format(n=report.tickets, seconds=_seconds(report.seconds))

    directory = tempfile.mkdtemp(prefix="helpdesk-demo-")
    try:
        return run_app(args, DEMO_CONFIG, db_target=os.path.join(directory, "demo.db"), before_run=notice)
    finally:
        if not m.database_proxy.is_closed():
            m.database_proxy.close()
        shutil.rmtree(directory, ignore_errors=True)
