"""Ticket numbers: the next one for a new ticket.

SQLite: the highest number stored plus one (writers take turns there: BEGIN IMMEDIATE).
PostgreSQL: the sequence ``ticket_number_seq``, created with the schema and set past the highest
number stored. Rows written with their own number (a bulk load, a desk copied from SQLite) may
leave the sequence behind: a number it gives that is taken already moves it past the highest
one. A new ticket whose transaction fails leaves its number unused, as sequences do.
"""

from __future__ import annotations

import peewee as pw

from helpdesk.data.store import models as m

FIRST_NUMBER = 1001
SEQUENCE = "ticket_number_seq"


def _highest() -> int | None:
    return m.Ticket.select(pw.fn.MAX(m.Ticket.number)).scalar()


def prepare(db: pw.Database) -> None:
    """(PostgreSQL) Create the sequence, past the highest number stored, unless it is there."""
    if not isinstance(db, pw.PostgresqlDatabase):
        return
    if db.execute_sql("SELECT to_regclass(%s)", (SEQUENCE,)).fetchone()[0] is not None:
        return
    start = max(FIRST_NUMBER, (_highest() or 0) + 1)
    db.execute_sql(f'CREATE SEQUENCE IF NOT EXISTS "{SEQUENCE}" START {start}')


def next_number() -> int:
    """The number for a ticket created now (inside its transaction)."""
    db = m.database_proxy.obj
    if isinstance(db, pw.PostgresqlDatabase):
        number = db.execute_sql("SELECT nextval(%s)", (SEQUENCE,)).fetchone()[0]
        highest = _highest()
        if highest is not None and number <= highest:
            number = highest + 1
            db.execute_sql("SELECT setval(%s, %s)", (SEQUENCE, number))
        return number
    highest = _highest()
    return FIRST_NUMBER if highest is None else highest + 1
