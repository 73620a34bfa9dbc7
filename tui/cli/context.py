"""Turning the global options and the settings into a Desk bound to an open store.

Two steps: ``open_desk`` opens the store and builds a Desk that may do anything, for the code
that prepares a store of its own (the demo); ``admit_desk`` makes it the desk of the
operating-system user running this (data/store/agents.py ``admit``: who acts, with which role,
why writing is refused). Every command and the app get an admitted desk.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from helpdesk.data.rules.desk import Desk, os_login
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.core.config import Config, load_config, own_addresses
from helpdesk.data.core.errors import AccessError, Code, HelpdeskError
from helpdesk.data.store import models as m
from helpdesk.data.store.agents import admit
from helpdesk.data.store.database import default_target, open_store, read_only, refuse_writes, sqlite_file
from helpdesk.data.store.files import world_readable
from helpdesk.tui.cli.clock import clock_from
from helpdesk.tui.cli.output import emit
from helpdesk.tui.errors import describe


def target_of(args: argparse.Namespace, db_target: str | None = None) -> str:
    """The database a command works on: ``db_target`` (the demo's), ``--db``, or the default."""
    return db_target or args.db or default_target()


def open_desk(
    args: argparse.Namespace, config: Config, *, db_target: str | None = None, running_clock: bool = False
) -> Desk:
    """The store opened and a Desk that may do anything on it: ``admit_desk`` it before a command
    or the app gets it."""
    regulation = load_regulation(args.regulation)
    clock = clock_from(args, running=running_clock)
    open_store(db_target or args.db, regulation, clock.now(), creator=os_login())  # None: the default, its folder made
    return Desk(
        regulation=regulation,
        clock=clock,
        agent=args.agent or os_login(),
        mail_domain=config.mail_domain,
        own_addresses=own_addresses(config),
        limits=config.limits,
    )


def admit_desk(desk: Desk, args: argparse.Namespace, db_target: str | None = None) -> Desk:
    """The desk of the operating-system user running this, acting as ``--as`` if they may, and
    for reading only with ``--read-only`` (as ``helpdesk serve`` starts the app without ``--write``).

    Raises AccessError if they may not even read. A desk that may not write gets a store that
    refuses writes (data/store/agents.py says why there, and not in each operation); on a store
    that can only be read, the reason to refuse is the store's."""
    admitted = admit(desk, args.agent)
    if getattr(args, "read_only", False) and admitted.write_refusal is None:  # --read-only: asked, not imposed
        admitted = replace(admitted, write_refusal=AccessError(Code.ACCESS_READ_ONLY_ASKED))
    store = m.database_proxy.obj
    if read_only(store):
        if admitted.write_refusal is None:
            refusal = AccessError(Code.DATABASE_READ_ONLY, target=target_of(args, db_target))
            admitted = replace(admitted, write_refusal=refusal)
    elif admitted.write_refusal is not None:
        refuse_writes(store)
    return admitted


def store_warnings(args: argparse.Namespace, db_target: str | None = None) -> list[HelpdeskError]:
    """What to tell the agent about the store once, when it is opened: a database file every user
    of the machine may read (it holds customers' mail)."""
    path = sqlite_file(target_of(args, db_target))
    if path is not None and world_readable(path):
        return [HelpdeskError(Code.DATABASE_WORLD_READABLE, path=path)]
    return []


def command_desk(args: argparse.Namespace) -> Desk:
    """The desk a command that needs the store runs on: the settings read once (``args.config``),
    the store opened and its warnings said (one line each on stderr), the user admitted, and a
    command that writes refused before it starts when this desk may not write (any command
    but those registered with ``writes=False``)."""
    args.config = load_config()
    desk = open_desk(args, args.config)
    for warning in store_warnings(args):
        emit(f"helpdesk: {describe(warning)}", file=sys.stderr)
    desk = admit_desk(desk, args)
    if getattr(args, "writes", True):
        desk.check_write()
    return desk
