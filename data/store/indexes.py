"""The indexes the queue's orderings, filters and the customer history need, and the case-folding search function.

The queue (data/read/queue.py) shows a tab (one status, or several: its query is then one
``UNION ALL`` arm a status, which SQLite merges in order) in one of three orders, under any of
its filters. Each order is one sort key (``SORT_KEYS``): an index on ``(filter column, status,
key)`` serves a filter's page in order, with no sort step, from the first page to the last, and
a keyset condition (``key > ?``) is a range on it. Expression indexes (SQLite >= 3.9,
PostgreSQL): the query must use the very expression, so ``SORT_KEYS`` holds the SQL both use.
The two flags are partial indexes (only the flagged tickets), named in ``FLAG_CONDITIONS`` as
the query writes them. ``CREATE INDEX IF NOT EXISTS``: safe on every open, no schema version
needed; an up-to-date store is only read. SQLite's LIKE and lower() fold ASCII only, so on
SQLite a Python ``casefold`` is registered on every connection as ``hd_fold``. On PostgreSQL
``hd_fold`` is an SQL function created in the database's schema (:data:`PG_FOLD`): ``lower()``
under ICU's root collation where the server has ICU (Cyrillic folds whatever the database's
``LC_CTYPE``), else the database's own ``lower()``.
"""

from __future__ import annotations

import peewee as pw

from helpdesk.data.store import models as m

# The queue's orders, one key each (a row-value on plain columns is a range for SQLite too).
# "due": running countdowns first, soonest due first, then the rest; newest first within each.
# ``due_at`` is fixed-width UTC text (models.UTCDateTimeField) and 999999999999 - number has
# twelve digits for any ticket number below 10^11, so the text orders as (due is null, due,
# -number) does, and one expression makes ``key > ?`` a range on its index.
DUE_KEY = """(CASE WHEN "due_at" IS NULL THEN '1' ELSE '0' || "due_at" END || (999999999999 - "number"))"""
SORT_KEYS: dict[str, tuple[str, ...]] = {
    "due": (DUE_KEY,),
    "age": ('"created_at"', '"number"'),  # oldest first
    "number": ('(-"number")',),  # newest first
}
# The columns the queue filters by with "=" or "IS NULL" (product, channel, assignee, scope).
FILTER_COLUMNS = ("product_id", "channel", "assignee_id", "scope")
# The flags, as the queue's condition and the partial indexes' WHERE say them.
FLAG_CONDITIONS = {"support_ended": '"support_ended"', "out_of_hours": '"out_of_hours"'}


def queue_indexes() -> list[str]:
    """Every index the queue's pages use: per order, plain, per filter column, per flag."""
    statements = []
    for sort, key in SORT_KEYS.items():
        terms = ", ".join(key)
        statements.append(f'CREATE INDEX IF NOT EXISTS "ticket_queue_{sort}" ON "ticket" ("status", {terms})')
        for column in FILTER_COLUMNS:
            statements.append(
                f'CREATE INDEX IF NOT EXISTS "ticket_queue_{column}_{sort}" ON "ticket" ("{column}", "status", {terms})'
            )
        for flag, condition in FLAG_CONDITIONS.items():
            statements.append(
                f'CREATE INDEX IF NOT EXISTS "ticket_queue_{flag}_{sort}" ON "ticket" ("status", {terms}) WHERE {condition}'
            )
    return statements


QUEUE_INDEXES = (
    *queue_indexes(),
    'CREATE INDEX IF NOT EXISTS "message_ticket_created" ON "message" ("ticket_id", "created_at")',
    # The thread view's customer history (data/read/customer_history.py): a customer's tickets
    # newest first, and an organisation's customers.
    'CREATE INDEX IF NOT EXISTS "ticket_customer_created" ON "ticket" ("customer_id", "created_at", "number")',
    'CREATE INDEX IF NOT EXISTS "customer_organisation" ON "customer" ("organisation")',
)
# Indexes of earlier versions that the ones above replace (the queue's "due" and "number"
# orders as they were, and (assignee, status) and (product, status), now prefixes of the above).
RETIRED_INDEXES = ("ticket_queue_due_all", "ticket_queue_assignee", "ticket_queue_product")
RETIRED_SHAPES = {
    "ticket_queue_due": '("status", ("due_at" IS NULL)',
    "ticket_queue_number": '("status", "number")',
}

FOLD_FUNCTION = "hd_fold"


def _fold(text):
    return text.casefold() if isinstance(text, str) else text


def register_fold(db: pw.Database) -> None:
    """(SQLite) Register the fold function on every connection: a read-only store needs it too."""
    if isinstance(db, pw.SqliteDatabase):
        db.register_function(_fold, FOLD_FUNCTION, 1, deterministic=True)


# PostgreSQL's hd_fold, with or without ICU ({collate}).
PG_FOLD = (
    f'CREATE OR REPLACE FUNCTION "{FOLD_FUNCTION}"(text) RETURNS text '
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT lower($1{collate}) $$"
)
ICU_ROOT = "und-x-icu"


def _prepare_pg_fold(db: pw.Database) -> None:
    """(PostgreSQL) Create ``hd_fold`` in the current schema unless it is there."""
    present = db.execute_sql(
        "SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE p.proname = %s AND n.nspname = current_schema()", (FOLD_FUNCTION,)
    ).fetchone()
    if present:
        return
    icu = db.execute_sql("SELECT 1 FROM pg_collation WHERE collname = %s", (ICU_ROOT,)).fetchone()
    db.execute_sql(PG_FOLD.format(collate=f' COLLATE "{ICU_ROOT}"' if icu else ""))


def _index_name(statement: str) -> str:
    return statement.split('"')[1]


def _existing(db: pw.Database) -> dict[str, str]:
    """{name: definition} of the indexes the store has."""
    if isinstance(db, pw.SqliteDatabase):
        return dict(db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index'").fetchall())
    if isinstance(db, pw.PostgresqlDatabase):
        return dict(db.execute_sql("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()").fetchall())
    return {}


def prepare(db: pw.Database) -> None:
    """Create the indexes that are missing (retiring those they replace) and register (SQLite) or
    create (PostgreSQL) the fold function. A store that has them all is only read."""
    register_fold(db)
    if isinstance(db, pw.PostgresqlDatabase):
        _prepare_pg_fold(db)
    existing = _existing(db)
    for name, shape in RETIRED_SHAPES.items():
        if shape in (existing.get(name) or ""):
            db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
            del existing[name]
    for name in RETIRED_INDEXES:
        if name in existing:
            db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
    for sql in QUEUE_INDEXES:
        if _index_name(sql) not in existing:
            db.execute_sql(sql)


def folded(expr: pw.Node) -> pw.Node:
    """``expr`` case-folded for Cyrillic too, in SQL (``hd_fold``: SQLite and PostgreSQL)."""
    if isinstance(m.database_proxy.obj, (pw.SqliteDatabase, pw.PostgresqlDatabase)):
        return getattr(pw.fn, FOLD_FUNCTION)(expr)
    return pw.fn.LOWER(expr)
