"""Turning the global options and the settings into a Desk bound to an open store."""

from __future__ import annotations

import argparse
import os
from datetime import datetime

from helpdesk.data.core.clock import Clock, FixedClock, RunningClock, parse_instant
from helpdesk.data.rules.desk import Desk, os_login
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.core.config import Config
from helpdesk.data.core.errors import Code, HelpdeskError
from helpdesk.data.rules.calendar_settings import MAX_YEAR, MIN_YEAR
from helpdesk.data.store.database import open_store
from helpdesk.data.wiring import own_addresses
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


def open_desk(
    args: argparse.Namespace, config: Config, *, db_target: str | None = None, running_clock: bool = False
) -> Desk:
    regulation = load_regulation(args.regulation)
    clock = clock_from(args, running=running_clock)
    open_store(db_target or args.db, regulation, clock.now())
    return Desk(
        regulation=regulation,
        clock=clock,
        agent=args.agent or os_login(),
        mail_domain=config.mail_domain,
        own_addresses=own_addresses(config),
        limits=config.limits,
    )
