"""The indexes the queue's orderings, filters and the customer history need, and the case-folding search function.

Expression indexes (SQLite >= 3.9, PostgreSQL) let "countdown first, then the rest newest
first" be read in index order with no sort step. ``CREATE INDEX IF NOT EXISTS``: safe on every
open, no schema version needed. SQLite's LIKE and lower() fold ASCII only, so on SQLite a Python
``casefold`` is registered on every connection as ``hd_fold``; other databases use ``LOWER``.
"""

from __future__ import annotations

import peewee as pw

from helpdesk.data.store import models as m

QUEUE_INDEXES = (
    'CREATE INDEX IF NOT EXISTS "ticket_queue_due" ON "ticket" '
    '("status", ("due_at" IS NULL), COALESCE("due_at", \'\'), (-"number"))',
    'CREATE INDEX IF NOT EXISTS "ticket_queue_due_all" ON "ticket" '
    '(("due_at" IS NULL), COALESCE("due_at", \'\'), (-"number"))',
    'CREATE INDEX IF NOT EXISTS "ticket_queue_age" ON "ticket" ("status", "created_at", "number")',
    'CREATE INDEX IF NOT EXISTS "ticket_queue_number" ON "ticket" ("status", "number")',
    'CREATE INDEX IF NOT EXISTS "ticket_queue_assignee" ON "ticket" ("assignee_id", "status")',
    'CREATE INDEX IF NOT EXISTS "ticket_queue_product" ON "ticket" ("product_id", "status")',
    'CREATE INDEX IF NOT EXISTS "message_ticket_created" ON "message" ("ticket_id", "created_at")',
    # The thread view's customer history (data/read/customer_history.py): a customer's tickets
    # newest first, and an organisation's customers.
    'CREATE INDEX IF NOT EXISTS "ticket_customer_created" ON "ticket" ("customer_id", "created_at", "number")',
    'CREATE INDEX IF NOT EXISTS "customer_organisation" ON "customer" ("organisation")',
)

FOLD_FUNCTION = "hd_fold"


def _fold(text):
    return text.casefold() if isinstance(text, str) else text


def register_fold(db: pw.Database) -> None:
    """(SQLite) Register the fold function on every connection: a read-only store needs it too."""
    if isinstance(db, pw.SqliteDatabase):
        db.register_function(_fold, FOLD_FUNCTION, 1, deterministic=True)


def prepare(db: pw.Database) -> None:
    """Create the indexes and register the fold function."""
    register_fold(db)
    for sql in QUEUE_INDEXES:
        db.execute_sql(sql)


def folded(expr: pw.Node) -> pw.Node:
    """``expr`` case-folded for Cyrillic too, in SQL."""
    if isinstance(m.database_proxy.obj, pw.SqliteDatabase):
        return getattr(pw.fn, FOLD_FUNCTION)(expr)
    return pw.fn.LOWER(expr)
