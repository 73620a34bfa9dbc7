"""``helpdesk migrate-db --from SOURCE --to TARGET``: copy a whole desk into a new database (a
SQLite file to a PostgreSQL server, typically), in batches, resumable, verified table by table
(data/store/transfer.py)."""

from __future__ import annotations

import os
import sys

from helpdesk.data.core.errors import Code, HelpdeskError
from helpdesk.data.rules.desk import os_login
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.store import models as m
from helpdesk.data.store import transfer
from helpdesk.data.store.database import masked, sqlite_file
from helpdesk.tui.cli.clock import clock_from
from helpdesk.tui.cli.output import emit
from helpdesk.tui.i18n import _, ngettext


def register(commands) -> None:
    p = commands.add_parser(
        "migrate-db", help="copy a whole desk into a new database (SQLite to PostgreSQL), verified, resumable"
    )
    p.add_argument("--from", dest="source", required=True, metavar="PATH|URL", help="the desk to copy (it is only read)")
    p.add_argument("--to", dest="target", required=True, metavar="PATH|URL",
                   help="the new database (empty, or holding an interrupted copy of the same desk)")
    p.add_argument("--batch", type=int, default=transfer.BATCH, metavar="ROWS", help="rows per transaction (default: %(default)s)")
    p.add_argument("--verify-only", action="store_true", help="copy nothing: compare the two databases table by table")
    p.set_defaults(func=run_migrate, needs_store=False)


def run_migrate(args) -> int:
    if transfer.identity(args.source) == transfer.identity(args.target):
        raise HelpdeskError(Code.MIGRATE_SAME_DATABASE)
    missing = sqlite_file(args.target)
    if args.verify_only and missing is not None and not os.path.isfile(missing):
        raise HelpdeskError(Code.PATH_MISSING, where=missing)  # nothing to compare: none is created
    source = transfer.open_source(args.source)
    try:
        regulation = load_regulation(args.regulation)
        target = transfer.open_target(args.target, regulation, clock_from(args).now(), creator=os_login())
        if not args.verify_only:
            try:
                copied = transfer.copy_store(source, args.source, batch=max(1, args.batch), report=_progress())
            except KeyboardInterrupt:
                emit(_("interrupted: the same command goes on from where it stopped"), file=sys.stderr)
                raise
            rows = sum(copied.values())
            emit(ngettext("{rows} row copied from {source} to {target}", "{rows} rows copied from {source} to {target}",
                          rows).format(rows=rows, source=masked(args.source), target=masked(args.target)), file=sys.stderr)
        checks = transfer.verify(source, target, batch=max(1, args.batch))
    finally:
        source.close()
        m.database_proxy.close()
    return _show(checks)


CLEAR_LINE = "\r\x1b[K"  # back to the line's start, and clear it (a live count's previous value)


def _progress():
    """One line per table on stderr when it is copied; a live count as well on a terminal."""
    live = sys.stderr.isatty()

    def report(table: str, done: int, total: int, finished: bool) -> None:
        if not finished and not live:
            return
        if live:
            sys.stderr.write(CLEAR_LINE)  # ours: emit() would show the control characters
        emit(_("{table}: {done} of {total} rows").format(table=table, done=done, total=total),
             end="\n" if finished else "", file=sys.stderr, flush=True)

    return report


def _show(checks: list[transfer.TableCheck]) -> int:
    """The comparison as a table on standard output; 1 with the tables that differ."""
    headers = (_("table"), _("source rows"), _("target rows"), _("checksum"))
    lines = [(c.table, str(c.source_rows), str(c.target_rows), _("same") if c.equal else _("DIFFERS")) for c in checks]
    widths = [max(len(row[i]) for row in (headers, *lines)) for i in range(4)]
    for row in (headers, *lines):
        emit(f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]}")
    differ = [c.table for c in checks if not c.equal]
    if differ:
        emit(ngettext("{n} table differs: {tables}", "{n} tables differ: {tables}", len(differ)).format(
            n=len(differ), tables=", ".join(differ)), file=sys.stderr)
        return 1
    emit(_("every table is the same in both databases"), file=sys.stderr)
    return 0
