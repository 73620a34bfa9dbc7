"""The clock a command runs on: ``--now``/``HELPDESK_NOW`` fixes it, else the real one.

Apart from tui/cli/context.py (which opens the store) so that a command that needs no database
(``helpdesk hours``) imports none of it.
"""

from __future__ import annotations

import argparse
import os
from datetime import datetime

from helpdesk.data.core.clock import Clock, FixedClock, RunningClock, parse_instant
from helpdesk.data.core.errors import Code, HelpdeskError
from helpdesk.data.rules.calendar_settings import MAX_YEAR, MIN_YEAR
from helpdesk.tui.cli.usage import UsageError


def fixed_now(args: argparse.Namespace) -> datetime | None:
    """The instant ``--now``/``HELPDESK_NOW`` fixes, or None; a bad one is a usage error."""
    text = args.now or os.environ.get("HELPDESK_NOW")
    if not text:
        return None
    try:
        instant = parse_instant(text, "--now")
    except HelpdeskError as exc:
        raise UsageError(exc.code, where=exc.where, **exc.params) from None
    if not MIN_YEAR <= instant.year <= MAX_YEAR:
        raise UsageError(Code.INSTANT_OUT_OF_RANGE, where="--now", value=text, first=MIN_YEAR, last=MAX_YEAR)
    return instant


def clock_from(args: argparse.Namespace, *, running: bool = False) -> Clock:
    """``--now``/``HELPDESK_NOW`` fixes the clock; the TUI lets it run on from there."""
    instant = fixed_now(args)
    if instant is None:
        return Clock()
    return RunningClock(instant) if running else FixedClock(instant)
