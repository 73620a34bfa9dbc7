"""The ``helpdesk`` command: global options, sub-commands, and errors as one line on stderr.

Without a command it opens the terminal app. Exit codes: 0 ok, 1 failure, 2 wrong usage.

This is the composition root: it reads the settings file once (``args.config``), builds the
Desk and hands both to the command, or composes the app (helpdesk.tui.cli.compose). The Desk is
the operating-system user's, admitted by the agents table (data/store/agents.py); a command
that writes (any but those registered with ``writes=False``) is refused before it starts when
that desk may not write.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib.metadata import version

import peewee as pw

from helpdesk.data.core.errors import HelpdeskError
from helpdesk.tui.cli import admin as admin_cmd
from helpdesk.tui.cli import demo as demo_cmd
from helpdesk.tui.cli import hours as hours_cmd
from helpdesk.tui.cli import intake as intake_cmd
from helpdesk.tui.cli import search as search_cmd
from helpdesk.tui.cli import team as team_cmd
from helpdesk.tui.cli import tickets as tickets_cmd
from helpdesk.tui.cli import workflow as workflow_cmd
from helpdesk.data.core.config import load_config
from helpdesk.tui.cli.compose import run_app
from helpdesk.tui.cli.context import admit_desk, fixed_now, open_desk, store_warnings
from helpdesk.tui.cli.output import emit
from helpdesk.tui.cli.usage import UsageError
from helpdesk.tui.errors import describe
from helpdesk.tui.i18n import set_language

# Each module adds its sub-commands with register(subparsers).
COMMAND_MODULES = [hours_cmd, tickets_cmd, search_cmd, workflow_cmd, demo_cmd, intake_cmd, admin_cmd, team_cmd]


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as one readable line (exit 2), not a usage dump."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see {self.prog.split()[0]} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="helpdesk", description="A terminal helpdesk for a support team.")
    parser.add_argument("--version", action="version", version=f"helpdesk {version('helpdesk')}")
    parser.add_argument("--db", metavar="PATH|URL", help="database path or URL (default: HELPDESK_DB or the user data dir)")
    parser.add_argument("--regulation", metavar="PATH", help="regulation TOML (default: HELPDESK_REGULATION or the shipped one)")
    parser.add_argument("--now", metavar="ISO-8601", help="fix the clock at this instant (HELPDESK_NOW)")
    parser.add_argument("--lang", choices=["ru", "en"], help="interface language (default: from the locale)")
    parser.add_argument("--as", dest="agent", metavar="LOGIN", help="act as this agent (admins only; default: the OS user)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        set_language(args.lang or getattr(args, "sub_lang", None))
        fixed_now(args)  # a bad --now is wrong usage, whichever command it came with
        if not getattr(args, "needs_store", True):
            return args.func(args)
        args.config = load_config()
        if args.command is None:
            return run_app(args, args.config)
        desk = open_desk(args, args.config)
        for warning in store_warnings(args):
            emit(f"helpdesk: {describe(warning)}", file=sys.stderr)
        desk = admit_desk(desk, args)
        if getattr(args, "writes", True):
            desk.check_write()
        return args.func(args, desk)
    except UsageError as exc:
        return fail(describe(exc), status=2)
    except BrokenPipeError:
        return reader_went_away()
    except (HelpdeskError, pw.DatabaseError, OSError) as exc:
        return fail(describe(exc))
    except KeyboardInterrupt:
        return 130


def fail(message: str, *, status: int = 1) -> int:
    emit(f"helpdesk: {message}", file=sys.stderr)
    return status


def reader_went_away() -> int:
    """``helpdesk list | head``: the reader closed the pipe. Stop quietly, and point standard
    output at /dev/null so Python's own flush at exit does not complain either."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
