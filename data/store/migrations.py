"""Upgrades of older databases, one step per schema version, with ``playhouse.migrate``.

A step only adds what its version introduced and keeps every row. ``upgrade`` runs the steps
from the stored version up to ``models.SCHEMA_VERSION`` in one transaction. A step that derives
values from the rows (schema 6: the working times the reports count) is given the regulation's
working calendar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import peewee as pw

from helpdesk.data.rules.targets import working_us
from helpdesk.data.rules.working_hours import WorkingCalendar
from helpdesk.data.store import fulltext
from helpdesk.data.store import models as m

if TYPE_CHECKING:
    from playhouse.migrate import SchemaMigrator


def _to_v2(migrator: SchemaMigrator, calendar: WorkingCalendar) -> None:
    migrate(
        migrator.add_column("ticket", "priority", m.Char(default="normal")),
        migrator.add_column("ticket", "due_at", m.UTCDateTimeField(null=True)),
        migrator.add_column("ticket", "support_ended", pw.BooleanField(default=False)),
        migrator.add_column("ticket", "out_of_hours", pw.BooleanField(default=False)),
        migrator.add_column("ticket", "waiting_since", m.UTCDateTimeField(null=True)),
        migrator.add_column("ticket", "resolved_at", m.UTCDateTimeField(null=True)),
        migrator.add_column("ticket", "paused_seconds", pw.IntegerField(default=0)),
        migrator.add_column("ticket", "portal_id", m.Char(null=True)),
        migrator.add_column("ticket", "telegram_chat", m.Char(null=True)),
        migrator.add_index("ticket", ("due_at",)),
        migrator.add_index("ticket", ("portal_id",), unique=True),
        migrator.add_index("ticket", ("telegram_chat",)),
        migrator.add_column("message", "references", pw.TextField(null=True)),
        migrator.add_column("message", "content_hash", m.Char(null=True)),
        migrator.add_index("message", ("content_hash",)),
    )


def _to_v3(migrator: SchemaMigrator, calendar: WorkingCalendar) -> None:
    migrate(
        migrator.add_column("customer", "phone", m.Char(null=True)),
        migrator.add_column("agent", "role", m.Char(default="agent")),
        migrator.add_column("agent", "active", pw.BooleanField(default=True)),
        migrator.add_column("event", "real_user", m.Char(null=True)),
    )


def _to_v4(migrator: SchemaMigrator, calendar: WorkingCalendar) -> None:
    """The full-text index of tickets and messages (SQLite only; data/store/fulltext.py), built
    from the rows already there in one pass."""
    fulltext.install(migrator.database, build=True)


def _quarantine_discard(migrator: SchemaMigrator, calendar: WorkingCalendar) -> None:
    """Schema 5: discarding quarantined mail (kept 30 days, then purged), and who handled it.
    (A database older than the quarantine itself gets the whole table when the store opens.)"""
    if "quarantine" not in migrator.database.get_tables():
        return
    # Only the columns it lacks: a store whose schema number was set back (by hand, or by a test
    # making an older store out of a new one) may already have some.
    present = {column.name for column in migrator.database.get_columns("quarantine")}
    wanted = {
        "discarded_at": m.UTCDateTimeField(null=True),
        "discard_reason": pw.TextField(null=True),
        "handled_by": m.Char(null=True),
    }
    added = [migrator.add_column("quarantine", name, field) for name, field in wanted.items() if name not in present]
    if added:
        migrate(*added, migrator.add_index("quarantine", ("discarded_at",)))


def _working_times(migrator: SchemaMigrator, calendar: WorkingCalendar) -> None:
    """Schema 6: the reports' working times stored with each ticket, filled for the rows there."""
    migrate(
        migrator.add_column("ticket", "first_response_work_us", pw.BigIntegerField(null=True)),
        migrator.add_column("ticket", "resolution_work_us", pw.BigIntegerField(null=True)),
        migrator.add_index("ticket", ("resolved_at",)),
    )
    fill_work_times(migrator.database, calendar)


def fill_work_times(db: pw.Database, calendar: WorkingCalendar, *, batch: int = 5000) -> int:
    """Compute ``first_response_work_us`` and ``resolution_work_us`` for every ticket with a first
    response or a resolution whose working time is not stored: rows from before schema 6, or
    written by a bulk loader that bypassed data/tickets/writes.py. Returns how many it filled.

    The operations keep these up to date themselves (``bump``); this is for rows they never saw.
    """
    T = m.Ticket
    missing = (T.first_response_at.is_null(False) & T.first_response_work_us.is_null()) | (
        T.resolved_at.is_null(False) & T.resolution_work_us.is_null()
    )
    sql = (f'UPDATE "ticket" SET "first_response_work_us" = {db.param}, "resolution_work_us" = {db.param} '
           f'WHERE "id" = {db.param}')  # fmt: skip
    filled, last = 0, 0
    while True:
        rows = list(
            T.select(T.id, T.created_at, T.first_response_at, T.resolved_at)
            .where(missing & (T.id > last))
            .order_by(T.id)
            .limit(batch)
            .tuples()
        )
        if not rows:
            return filled
        values = [
            (_working_us(calendar, created, answered), _working_us(calendar, created, resolved), ticket_id)
            for ticket_id, created, answered, resolved in rows
        ]
        db.cursor().executemany(sql, values)
        filled += len(values)
        last = rows[-1][0]


def _working_us(calendar: WorkingCalendar, since, until) -> int | None:
    """``working_us``, or None for an instant outside the calendar's years: an upgrade must not
    fail on one odd row (the report then counts that ticket the slow way, and says the same)."""
    try:
        return working_us(calendar, since, until)
    except ValueError:
        return None


def _saved_views(migrator: SchemaMigrator, calendar: WorkingCalendar) -> None:
    """Schema 7: saved queue views, per agent (data/team/saved_views.py): one new table, as it was then."""

    class SavedView(pw.Model):
        agent = pw.CharField()
        name = pw.CharField()
        query = pw.TextField()
        saved_at = m.UTCDateTimeField()

        class Meta:
            database = migrator.database
            table_name = "saved_view"
            indexes = ((("agent", "name"), True),)

    migrator.database.create_tables([SavedView], safe=True)


def _substrings(migrator: SchemaMigrator, calendar: WorkingCalendar) -> None:
    """Schema 8: the search finds pieces of words in the subject and the customer: SQLite's
    trigram index (or PostgreSQL's substring column and pg_trgm index), built from the stored
    documents (data/store/fulltext.py ``install_substrings``)."""
    fulltext.install_substrings(migrator.database)


# STEPS[n] upgrades a database of schema n to n + 1.
STEPS = {1: _to_v2, 2: _to_v3, 3: _to_v4, 4: _quarantine_discard, 5: _working_times, 6: _saved_views, 7: _substrings}


def migrate(*operations) -> None:
    """``playhouse.migrate.migrate``: playhouse.migrate (~3 ms, with its PostgreSQL extensions) is
    imported only when a database is upgraded, not by every start."""
    from playhouse.migrate import migrate as run

    run(*operations)


def upgrade(db: pw.Database, from_version: int, calendar: WorkingCalendar) -> None:
    from playhouse.migrate import SchemaMigrator  # see migrate()

    migrator = SchemaMigrator.from_database(db)
    sqlite = isinstance(db, pw.SqliteDatabase)
    # SQLite rebuilds a table to add a NOT NULL column; with foreign keys on, dropping the old
    # ticket table would cascade-delete every message. The pragma only works outside a transaction.
    if sqlite:
        db.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        with db.atomic():
            for version in range(from_version, m.SCHEMA_VERSION):
                STEPS[version](migrator, calendar)
            if sqlite and db.execute_sql("PRAGMA foreign_key_check").fetchone():
                raise pw.IntegrityError("the upgrade would break references between tables")
    finally:
        if sqlite:
            db.execute_sql("PRAGMA foreign_keys = ON")
