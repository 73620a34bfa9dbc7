"""Turning the global options and the settings into a Desk bound to an open store."""

from __future__ import annotations

import argparse
import os

from helpdesk.data.core.clock import Clock, FixedClock, RunningClock, parse_instant
from helpdesk.data.rules.desk import Desk, os_login
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.core.config import Config
from helpdesk.data.store.database import open_store
from helpdesk.data.wiring import own_addresses


def clock_from(args: argparse.Namespace, *, running: bool = False) -> Clock:
    """``--now``/``HELPDESK_NOW`` fixes the clock; the TUI lets it run on from there."""
    text = args.now or os.environ.get("HELPDESK_NOW")
    if not text:
        return Clock()
    instant = parse_instant(text, "--now")
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
    )
