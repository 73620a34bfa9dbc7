"""The ``helpdesk`` command: global options, sub-commands, and errors as one line on stderr.

Without a command it opens the terminal app. Exit codes: 0 ok, 1 failure, 2 wrong usage.

This is the composition root: it reads the settings file once (``args.config``), builds the
Desk and hands both to the command, or composes the app (helpdesk.tui.cli.compose). The Desk is
the operating-system user's, admitted by the agents table (data/store/agents.py); a command
that writes (any but those registered with ``writes=False``) is refused before it starts when
that desk may not write (helpdesk.tui.cli.context ``command_desk``).

A command imports only what it uses: ``COMMANDS`` names the module that registers (with
``register(subparsers)``) and runs each command, and the parser is built with the module of the
command on the command line alone (the app's, with none); ``--help``, a word that is no
command, or a usage error builds it with every module (which says the error as always). The store, the settings
and the app are imported only by the commands that use them (``DESK``, ``APP``), so
``helpdesk hours --json`` loads neither peewee's database code nor Textual. These modules are
loaded with ``importlib`` through the tables below: the one place where a helpdesk module is
imported inside a function (tests/test_layers.py allows it here, in the composition root, only).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from helpdesk.data.core.errors import HelpdeskError
from helpdesk.tui.cli.clock import fixed_now
from helpdesk.tui.cli.output import emit
from helpdesk.tui.cli.usage import UsageError
from helpdesk.tui.i18n import set_language

# Each command, and the module that registers and runs it.
COMMANDS: dict[str, str] = {
    "hours": "helpdesk.tui.cli.hours",
    "new": "helpdesk.tui.cli.tickets",
    "reply": "helpdesk.tui.cli.tickets",
    "status": "helpdesk.tui.cli.tickets",
    "assign": "helpdesk.tui.cli.tickets",
    "undo": "helpdesk.tui.cli.tickets",
    "list": "helpdesk.tui.cli.tickets",
    "show": "helpdesk.tui.cli.tickets",
    "bulk": "helpdesk.tui.cli.bulk",
    "views": "helpdesk.tui.cli.bulk",
    "search": "helpdesk.tui.cli.search",
    "scope": "helpdesk.tui.cli.workflow",
    "split": "helpdesk.tui.cli.workflow",
    "merge": "helpdesk.tui.cli.workflow",
    "priority": "helpdesk.tui.cli.workflow",
    "report": "helpdesk.tui.cli.workflow",
    "replies": "helpdesk.tui.cli.workflow",
    "demo": "helpdesk.tui.cli.demo",
    "ingest": "helpdesk.tui.cli.intake",
    "quarantine": "helpdesk.tui.cli.intake",
    "telegram": "helpdesk.tui.cli.intake",
    "outbox": "helpdesk.tui.cli.intake",
    "backup": "helpdesk.tui.cli.admin",
    "check": "helpdesk.tui.cli.admin",
    "reindex": "helpdesk.tui.cli.admin",
    "restore": "helpdesk.tui.cli.admin",
    "migrate-db": "helpdesk.tui.cli.migrate",
    "init": "helpdesk.tui.cli.team",
    "agent": "helpdesk.tui.cli.team",
    "serve": "helpdesk.tui.cli.serve",
}
DESK = "helpdesk.tui.cli.context"  # the settings, the store, the admitted desk: command_desk(args)
APP = "helpdesk.tui.cli.compose"  # no command: the terminal app, run_app(args, config)
CONFIG = "helpdesk.data.core.config"  # load_config(), for the app
ERRORS = "helpdesk.tui.errors"  # describe(error): only when something failed


def load(module: str):
    """A module of the tables above, imported now (the composition root's lazy import)."""
    return importlib.import_module(module)


def help_formatter(prog: str) -> argparse.HelpFormatter:
    """argparse's formatter at the terminal's width. argparse makes one for every option it is
    given (to check its metavar), and its own asks ``shutil`` for the width each time: importing
    shutil (with bz2 and lzma) cost every command 2 ms. The same width, as shutil reads it."""
    return argparse.HelpFormatter(prog, width=terminal_columns() - 2)


def terminal_columns() -> int:
    """``COLUMNS``, else the width of the terminal on standard output, else 80 (as
    ``shutil.get_terminal_size`` says)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as one readable line (exit 2), not a usage dump."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", help_formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see {self.prog.split()[0]} --help)\n")


class NotThisWay(Exception):
    """The parser with one command's module could not read the command line."""


class OneCommandParser(OneLineParser):
    """The parser with the module of one command only: a usage error gives way to the parser
    with every command, which says it as always."""

    def error(self, message: str):
        raise NotThisWay(message)


class VersionAction(argparse.Action):
    """``--version``: the installed version, looked up only when asked for."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from importlib.metadata import version  # the metadata look-up would cost every command ~20 ms

        print(f"helpdesk {version('helpdesk')}")
        parser.exit()


def global_options(parser: argparse.ArgumentParser, *, version: bool = True) -> None:
    if version:
        parser.add_argument("--version", action=VersionAction, help="show program's version number and exit")
    parser.add_argument("--db", metavar="PATH|URL", help="database path or URL (default: HELPDESK_DB or the user data dir)")
    parser.add_argument("--regulation", metavar="PATH", help="regulation TOML (default: HELPDESK_REGULATION or the shipped one)")
    parser.add_argument("--now", metavar="ISO-8601", help="fix the clock at this instant (HELPDESK_NOW)")
    parser.add_argument("--lang", choices=["ru", "en"], help="interface language (default: from the locale)")
    parser.add_argument("--as", dest="agent", metavar="LOGIN", help="act as this agent (admins only; default: the OS user)")
    parser.add_argument("--read-only", action="store_true", help="open the desk for reading only: any change is refused")


def modules_for(argv: list[str]) -> list[str] | None:
    """The command modules the command line needs: its command's, none when it names no command
    (the app), or every one (None) for help or a word that is no command."""
    options = argparse.ArgumentParser(add_help=False, formatter_class=help_formatter)
    global_options(options, version=False)
    try:
        _known, rest = options.parse_known_args(argv)
    except SystemExit:  # a bad global option: the full parser says so
        return None
    for i, word in enumerate(rest):
        if not word.startswith("-"):
            return [COMMANDS[word]] if word in COMMANDS and not {"-h", "--help"} & set(rest[:i]) else None
    return None if {"-h", "--help"} & set(rest) else []


def build_parser(argv: list[str] | None = None, *, every: bool = False) -> argparse.ArgumentParser:
    """The parser with the module of the command in ``argv`` alone (none without a command), or
    with every module (no ``argv``, ``every``, help, or a word that is no command)."""
    modules = None if every or argv is None else modules_for(argv)
    parser_class = OneLineParser if modules is None else OneCommandParser
    parser = parser_class(prog="helpdesk", description="A terminal helpdesk for a support team.")
    global_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=parser_class)
    for module in modules if modules is not None else list(dict.fromkeys(COMMANDS.values())):
        load(module).register(commands)
    return parser


def parse(argv: list[str] | None) -> argparse.Namespace:
    try:
        return build_parser(argv).parse_args(argv)
    except NotThisWay:
        return build_parser(argv, every=True).parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    try:
        set_language(args.lang or getattr(args, "sub_lang", None))
        fixed_now(args)  # a bad --now is wrong usage, whichever command it came with
        if not getattr(args, "needs_store", True):
            return args.func(args)
        if args.command is None:
            return load(APP).run_app(args, load(CONFIG).load_config())
        return args.func(args, load(DESK).command_desk(args))
    except UsageError as exc:
        return fail(describe(exc), status=2)
    except BrokenPipeError:
        return reader_went_away()
    except Exception as exc:
        if isinstance(exc, (HelpdeskError, OSError)) or database_error(exc):
            return fail(describe(exc))
        raise
    except KeyboardInterrupt:
        return 130


def database_error(exc: BaseException) -> bool:
    """Whether ``exc`` is the database's (peewee's): it can be only once peewee is imported."""
    peewee = sys.modules.get("peewee")
    return peewee is not None and isinstance(exc, peewee.DatabaseError)


def describe(exc: BaseException) -> str:
    return load(ERRORS).describe(exc)


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
