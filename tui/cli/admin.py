"""Keeping a desk safe: ``backup`` (while agents work), ``check`` (is the store whole?) and
``restore`` (only when nobody has it open; what it replaces is kept). A PostgreSQL desk is
backed up and restored by the server's own programs, pg_dump and pg_restore."""

from __future__ import annotations

import os
from pathlib import Path

from helpdesk.data.core.errors import Code, HelpdeskError
from helpdesk.data.store import backup as store_backup
from helpdesk.data.store import fulltext
from helpdesk.data.store import models as m
from helpdesk.data.store.check import (
    CHECKSUM, FOREIGN_KEY, INTEGRITY, ORPHAN, SEARCH_COUNT, SEARCH_DAMAGED, SEARCH_KINDS, SEARCH_STALE, SEARCH_SUBSTRINGS,
    SEARCH_TRIGGERS, SIZE, Finding, check_store,
)
from helpdesk.data.store.database import connect, default_target, masked, postgres_url, sqlite_file
from helpdesk.tui.cli.clock import clock_from
from helpdesk.tui.cli.output import emit
from helpdesk.tui.i18n import N_, _, ngettext

FINDING_TEXTS = {
    INTEGRITY: N_("SQLite's integrity check: {message}"),
    FOREIGN_KEY: N_("{table} row {row} points at a {parent} row that does not exist"),
    ORPHAN: N_("attachment {id}: its content ({sha256}) is not stored"),
    CHECKSUM: N_("stored content {sha256} now hashes to {actual}: it was damaged"),
    SIZE: N_("attachment {id}: {size} bytes recorded, the content has {actual}"),
    SEARCH_DAMAGED: N_("the search index is damaged: {message}"),
    SEARCH_COUNT: N_("the search index is out of step: {tickets} tickets, {documents} documents, {indexed} indexed"
                     " ({unindexed} tickets without a document, {stray} documents of no ticket)"),
    SEARCH_STALE: N_("the search index is out of date for {count} tickets"),
    SEARCH_TRIGGERS: N_("the search index is no longer kept current: triggers missing: {names}"),
    SEARCH_SUBSTRINGS: N_("pieces of words are searched without an index, slowly: the server lacks the"
                          " {extension} extension (Debian: the postgresql package's contrib; then helpdesk reindex)"),
}


def register(commands) -> None:
    p = commands.add_parser("backup", help="copy the database to a new file, consistently, while agents work")
    p.add_argument("path", metavar="PATH", help="the new file (it must not exist)")
    p.set_defaults(func=run_backup, needs_store=False)
    p = commands.add_parser("check", help="check the database: integrity, references, attachment checksums, the search index")
    p.set_defaults(func=run_check, writes=False)
    p = commands.add_parser("reindex", help="rebuild the search index from the tickets and messages")
    p.set_defaults(func=run_reindex)
    p = commands.add_parser("restore", help="replace the database by a backup (nobody may have it open)")
    p.add_argument("path", metavar="PATH", help="the backup file (a pg_dump archive for a PostgreSQL desk)")
    p.add_argument("--force", action="store_true", help="where it cannot be told whether the database is in use")
    p.set_defaults(func=run_restore, needs_store=False)


def _database_file(args) -> str:
    target = args.db or default_target()
    path = sqlite_file(target)
    if path is None:
        raise HelpdeskError(Code.DATABASE_NOT_SQLITE_FILE, target=masked(target))
    return path


def run_backup(args) -> int:
    target = args.db or default_target()
    if postgres_url(target):  # the server's own tool: pg_dump
        size = store_backup.backup_postgres(target, args.path)
        emit(ngettext("{path}: {size} byte, a consistent copy of {source}", "{path}: {size} bytes, a consistent copy of {source}",
                      size).format(path=args.path, size=size, source=masked(target)))
        return 0
    source = _database_file(args)
    if not os.path.isfile(source):
        raise HelpdeskError(Code.PATH_MISSING, where=source)
    size = store_backup.backup(source, args.path)
    emit(ngettext("{path}: {size} byte, a consistent copy of {source}", "{path}: {size} bytes, a consistent copy of {source}",
                  size).format(path=args.path, size=size, source=source))
    return 0


def describe_finding(finding: Finding) -> str:
    return _(FINDING_TEXTS[finding.kind]).format(**finding.values)


def run_check(args, desk) -> int:
    findings = check_store(m.database_proxy.obj)
    for finding in findings:
        emit(describe_finding(finding))
    if findings:
        emit(ngettext("{n} problem found", "{n} problems found", len(findings)).format(n=len(findings)))
        if any(f.kind in SEARCH_KINDS for f in findings):
            emit(_("helpdesk reindex rebuilds the search index"))
        return 1
    emit(_("the database is whole: integrity, references, attachment checksums and the search index are right"))
    return 0


def run_reindex(args, desk) -> int:
    if not fulltext.install(m.database_proxy.obj, build=True):
        emit(_("this database has no search index (it searches without one)"))
        return 0
    count = m.Ticket.select().count()
    emit(ngettext("the search index was rebuilt: {n} ticket", "the search index was rebuilt: {n} tickets", count).format(n=count))
    return 0


def run_restore(args) -> int:
    target = args.db or default_target()
    if postgres_url(target):
        return _restore_postgres(args, target)
    live = _database_file(args)
    kept = store_backup.restore(args.path, live, clock_from(args).now(), force=args.force)
    emit(_("{live} restored from {path}; the replaced file is kept as {kept}").format(live=live, path=args.path, kept=kept))
    return 0


def _restore_postgres(args, url: str) -> int:
    """pg_restore of the archive, once no other session is on the database; what it replaces is
    dumped first beside the archive (``NAME.replaced-YYYYMMDD-HHMMSS.dump``)."""
    db = connect(url)
    kept = Path(args.path).resolve().with_name(f"{db.database}.replaced-{clock_from(args).now():%Y%m%d-%H%M%S}.dump")
    try:
        store_backup.restore_postgres(args.path, url, kept, db=db)
    finally:
        db.close()
    emit(_("{live} restored from {path}; the replaced database is kept as {kept}").format(live=masked(url), path=args.path, kept=kept))
    return 0
