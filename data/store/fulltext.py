"""The full-text index of tickets (SQLite FTS5): one row per ticket, kept current by SQL triggers.

Design. ``ticket_search_doc`` is a real table holding each ticket's searchable text as stored
(``subject``; ``people``: the customer's name, e-mail and organisation; ``body``: customer and
agent messages in time order; ``notes``: internal notes), and ``ticket_search`` is an FTS5 index
with that table as its *external content* (rowid = ticket id). The index is fed a folded copy of
the text, ``ё``/``Ё`` replaced by ``е``/``Е`` (unicode61 folds case and Latin diacritics, but
not ``ё``), so that a search for "еще" finds "ещё". The replacement is one character for one
(both two bytes in UTF-8, both token characters), so token positions and byte offsets in the
index line up with the stored text, and ``snippet()``/``highlight()``, which read the stored
text, mark the right words and show them with their ``ё``.

Because the index holds folded text while the content table holds the original, FTS5's own
``'rebuild'`` (and ``'integrity-check'`` with rank 1, which compares with the content table)
cannot be used: :func:`rebuild` and :data:`INSERT_INDEX`/:data:`DELETE_INDEX` always feed the
index the folding of the stored document, and deleting a row from the index passes exactly the
folded values it was inserted with (FTS5 needs them to remove its tokens).

The search (data/read/search.py) marks the matched words itself, on the stored documents, with
the two characters :data:`MARK_OPEN` and :data:`MARK_CLOSE` (Unicode noncharacters, "for a
program's internal use"; ``snippet()`` would take them too): the stored document has them
replaced by U+FFFD, so a mark always comes from the search, never from a customer's text.

Keeping it current. Triggers on ``ticket`` (insert; update of subject or customer; delete),
``message`` (insert, delete; update of its ticket, body, kind or time: a merge moves messages)
and ``customer`` (update of name, e-mail or organisation) refresh each affected ticket's row:
remove it from the index, recompute the document from the base tables, index it again. Every
trigger is made from one template (:func:`_refresh_statements`), so every path that writes
(the operations, mail intake, a split or merge, another tool with the ``sqlite3`` shell) keeps
the index current. Only built-in SQL functions are used, so the triggers work on a connection
that has none of ours.

Substrings. A second, small FTS5 index, ``ticket_substr``, holds each ticket's ``subject`` and
``people`` (the same document's columns, its external content too) with the ``trigram`` tokenizer
(SQLite 3.34+; ``case_sensitive 0``), fed the same folding (``ё`` as ``е``), so that a piece of
three letters or more from inside a word (``машк`` in «Ромашка», ``soft`` in
``ivan@romashka-soft.ru``) finds the ticket: a quoted phrase of trigrams there is exactly "this
text occurs here", case-insensitively (Cyrillic too), with no wildcard characters at all. It does
not fold Latin diacritics (the ``remove_diacritics`` option of the trigram tokenizer came with
SQLite 3.45); PostgreSQL's substring column (data/store/fulltext_pg.py) folds the same, so both
find the same. The same triggers refresh it (:func:`_refresh_statements`), :func:`rebuild` builds
it, and schema 8's upgrade step (:func:`install_substrings`) adds it to an older store. On a
SQLite without the trigram tokenizer it is absent and :func:`substrings_available` says False:
the search then matches words and prefixes only.

Bulk inserts (benchmark data) should run inside :func:`bulk_load`, which drops the triggers
and rebuilds the whole index in one pass at the end.

Other databases. PostgreSQL has the same documents with its own text search (a ``tsvector``
column and a GIN index: data/store/fulltext_pg.py); the functions here hand it over. On any
other database, and on a SQLite built without FTS5, :func:`install` does nothing and
:func:`available` says False, and the queue keeps searching with its LIKE conditions
(data/read/search.py ``like_condition``).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import peewee as pw

from helpdesk.data.store import fulltext_pg
from helpdesk.data.store import models as m

INDEX = "ticket_search"
DOC = "ticket_search_doc"
COLUMNS = ("subject", "people", "body", "notes")
# bm25 weights, in COLUMNS order: a word in the subject counts most, then the customer.
WEIGHTS = (10.0, 5.0, 1.0, 1.0)
TOKENIZER = "unicode61 remove_diacritics 2"
SUBSTR_INDEX = "ticket_substr"
SUBSTR_COLUMNS = ("subject", "people")  # the short columns: a piece of a word is looked for there only
SUBSTR_TOKENIZER = "trigram case_sensitive 0"
MARK_OPEN, MARK_CLOSE = "\ufdd0", "\ufdd1"

_MARK_FREE = "replace(replace({x}, char(64976), char(65533)), char(64977), char(65533))"  # U+FDD0, U+FDD1 -> U+FFFD


def fold_sql(expr: str) -> str:
    """``expr`` with ё/Ё replaced by е/Е, in SQL: what the index is fed."""
    return f"replace(replace({expr}, 'ё', 'е'), 'Ё', 'Е')"


def fold(text: str) -> str:
    """The same folding in Python (search terms are folded like the indexed text)."""
    return text.replace("ё", "е").replace("Ё", "Е")


def _message_text(ticket: str, condition: str) -> str:
    """The bodies of a ticket's messages meeting ``condition``, in time order, one per line."""
    return (
        "COALESCE((SELECT group_concat(\"body\", char(10)) FROM (SELECT \"body\" FROM \"message\" "
        f"WHERE \"ticket_id\" = {ticket} AND {condition} ORDER BY \"created_at\", \"id\")), '')"
    )


# The document of every ticket in ``ticket``'s row source: the one definition the triggers,
# rebuild() and the check use. Notes are agents' internal notes; system messages (the automatic
# out-of-hours notice) are the desk's own words and are not searched.
_DOC_COLUMNS = {
    "subject": 'COALESCE(t."subject", \'\')',
    "people": (
        "COALESCE((SELECT trim(c.\"name\" || ' ' || COALESCE(c.\"email\", '') || ' ' || COALESCE(c.\"organisation\", '')) "
        'FROM "customer" c WHERE c."id" = t."customer_id"), \'\')'
    ),
    "body": _message_text('t."id"', "\"is_note\" = 0 AND \"author_kind\" != 'system'"),
    "notes": _message_text('t."id"', '"is_note" = 1'),
}
DOC_SELECT = (
    'SELECT t."id" AS "id", ' + ", ".join(f'{_MARK_FREE.format(x=expr)} AS "{name}"' for name, expr in _DOC_COLUMNS.items())
    + ' FROM "ticket" t'
)

_COLUMN_LIST = ", ".join(f'"{c}"' for c in COLUMNS)
_FOLDED_LIST = ", ".join(fold_sql(f'"{c}"') for c in COLUMNS)
_SUBSTR_LIST = ", ".join(f'"{c}"' for c in SUBSTR_COLUMNS)
_SUBSTR_FOLDED = ", ".join(fold_sql(f'"{c}"') for c in SUBSTR_COLUMNS)


def _refresh_statements(ids: str, substrings: bool = True) -> list[str]:
    """Refresh the index rows of the tickets whose ids ``ids`` lists (SQL: values or a SELECT),
    in the substring index too (``substrings``: the store has it)."""
    out = [
        # Out of the index, with exactly the folded values it was fed.
        f'INSERT INTO "{INDEX}"("{INDEX}", rowid, {_COLUMN_LIST}) '
        f"SELECT 'delete', \"id\", {_FOLDED_LIST} FROM \"{DOC}\" WHERE \"id\" IN ({ids})",
    ]
    if substrings:
        out.append(f'INSERT INTO "{SUBSTR_INDEX}"("{SUBSTR_INDEX}", rowid, {_SUBSTR_LIST}) '
                   f"SELECT 'delete', \"id\", {_SUBSTR_FOLDED} FROM \"{DOC}\" WHERE \"id\" IN ({ids})")
    out += [
        f'DELETE FROM "{DOC}" WHERE "id" IN ({ids})',
        # The document again from the base tables (nothing when the ticket is gone), then indexed.
        f'INSERT INTO "{DOC}"("id", {_COLUMN_LIST}) {DOC_SELECT} WHERE t."id" IN ({ids})',
        f'INSERT INTO "{INDEX}"(rowid, {_COLUMN_LIST}) SELECT "id", {_FOLDED_LIST} FROM "{DOC}" WHERE "id" IN ({ids})',
    ]
    if substrings:
        out.append(f'INSERT INTO "{SUBSTR_INDEX}"(rowid, {_SUBSTR_LIST}) '
                   f'SELECT "id", {_SUBSTR_FOLDED} FROM "{DOC}" WHERE "id" IN ({ids})')
    return out


@dataclass(frozen=True)
class _Trigger:
    name: str
    event: str  # "AFTER INSERT ON ..." etc.
    ids: str  # the affected tickets' ids
    when: str = ""  # a WHEN condition: only a change of what the document holds


def _changed(*columns: str) -> str:
    return " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in columns)


TRIGGERS = (
    _Trigger("ticket_search_ticket_insert", 'AFTER INSERT ON "ticket"', 'NEW."id"'),
    _Trigger("ticket_search_ticket_update", 'AFTER UPDATE OF "subject", "customer_id" ON "ticket"', 'NEW."id"',
             _changed("subject", "customer_id")),
    _Trigger("ticket_search_ticket_delete", 'AFTER DELETE ON "ticket"', 'OLD."id"'),
    _Trigger("ticket_search_message_insert", 'AFTER INSERT ON "message"', 'NEW."ticket_id"'),
    _Trigger("ticket_search_message_update",
             'AFTER UPDATE OF "ticket_id", "body", "is_note", "author_kind", "created_at" ON "message"',
             'OLD."ticket_id", NEW."ticket_id"', _changed("ticket_id", "body", "is_note", "author_kind", "created_at")),
    _Trigger("ticket_search_message_delete", 'AFTER DELETE ON "message"', 'OLD."ticket_id"'),
    _Trigger("ticket_search_customer_update", 'AFTER UPDATE OF "name", "email", "organisation" ON "customer"',
             'SELECT "id" FROM "ticket" WHERE "customer_id" = NEW."id"', _changed("name", "email", "organisation")),
)


def trigger_sql(trigger: _Trigger, substrings: bool = True) -> str:
    when = f" WHEN {trigger.when}" if trigger.when else ""
    body = "".join(f"\n  {statement};" for statement in _refresh_statements(trigger.ids, substrings))
    return f'CREATE TRIGGER IF NOT EXISTS "{trigger.name}" {trigger.event} FOR EACH ROW{when} BEGIN{body}\nEND'


TABLES_SQL = (
    f'CREATE TABLE IF NOT EXISTS "{DOC}" ("id" INTEGER NOT NULL PRIMARY KEY, '
    + ", ".join(f'"{c}" TEXT NOT NULL DEFAULT \'\'' for c in COLUMNS) + ")",
    f'CREATE VIRTUAL TABLE IF NOT EXISTS "{INDEX}" USING fts5({_COLUMN_LIST}, '
    f"content='{DOC}', content_rowid='id', tokenize='{TOKENIZER}')",
)
SUBSTR_TABLE_SQL = (
    f'CREATE VIRTUAL TABLE IF NOT EXISTS "{SUBSTR_INDEX}" USING fts5({_SUBSTR_LIST}, '
    f"content='{DOC}', content_rowid='id', tokenize='{SUBSTR_TOKENIZER}', detail='full')"
)


def _sqlite(db: pw.Database) -> bool:
    return isinstance(db, pw.SqliteDatabase)


def _postgres(db: pw.Database) -> bool:
    return isinstance(db, pw.PostgresqlDatabase)


def _db(db: pw.Database | None) -> pw.Database:
    return db if db is not None else m.database_proxy.obj


def available(db: pw.Database | None = None) -> bool:
    """Whether ``db`` (default: the store) has the full-text index: SQLite with FTS5, installed."""
    db = _db(db)
    if not _sqlite(db) and not _postgres(db):
        return False
    cached = getattr(db, "_helpdesk_fulltext", None)
    if cached is None:
        if _postgres(db):
            cached = fulltext_pg.available(db)
        else:
            cached = bool(db.execute_sql("SELECT 1 FROM sqlite_master WHERE name = ?", (INDEX,)).fetchone())
        if cached:  # a store without it may get it from an upgrade: only "yes" is remembered
            db._helpdesk_fulltext = cached
    return cached


def substrings_available(db: pw.Database | None = None) -> bool:
    """Whether ``db`` (default: the store) finds pieces of words: SQLite's trigram index
    installed, or PostgreSQL's substring column (with or without pg_trgm's index: see
    data/store/fulltext_pg.py)."""
    db = _db(db)
    if not available(db):
        return False
    cached = getattr(db, "_helpdesk_substrings", None)
    if cached is None:
        if _postgres(db):
            cached = fulltext_pg.substrings_available(db)
        else:
            cached = bool(db.execute_sql("SELECT 1 FROM sqlite_master WHERE name = ?", (SUBSTR_INDEX,)).fetchone())
        if cached:
            db._helpdesk_substrings = cached
    return cached


def substrings_unindexed(db: pw.Database | None = None) -> bool:
    """Whether pieces of words are looked for without an index (PostgreSQL without pg_trgm:
    every document is read; the same tickets are found, more slowly)."""
    db = _db(db)
    return _postgres(db) and substrings_available(db) and not fulltext_pg.trigram_indexed(db)


def trigram_compiled(db: pw.Database) -> bool:
    """Whether this SQLite library's FTS5 has the trigram tokenizer (3.34 and later)."""
    try:
        db.execute_sql("CREATE VIRTUAL TABLE temp.helpdesk_trigram_probe USING fts5(x, tokenize='trigram case_sensitive 0')")
    except pw.OperationalError:
        return False
    db.execute_sql("DROP TABLE temp.helpdesk_trigram_probe")
    return True


def _has_substr_table(db: pw.Database) -> bool:
    return bool(db.execute_sql("SELECT 1 FROM sqlite_master WHERE name = ?", (SUBSTR_INDEX,)).fetchone())


def fts5_compiled(db: pw.Database) -> bool:
    """Whether this SQLite library has FTS5 at all."""
    return bool(db.execute_sql("SELECT sqlite_compileoption_used('ENABLE_FTS5')").fetchone()[0]) or _probe_fts5(db)


def _probe_fts5(db: pw.Database) -> bool:
    try:
        db.execute_sql("CREATE VIRTUAL TABLE temp.helpdesk_fts5_probe USING fts5(x)")
    except pw.OperationalError:
        return False
    db.execute_sql("DROP TABLE temp.helpdesk_fts5_probe")
    return True


def create_triggers(db: pw.Database) -> None:
    """The triggers (those missing), refreshing the substring index too where the store has it."""
    if _postgres(db):
        return fulltext_pg.create_triggers(db)
    substrings = _has_substr_table(db)
    for trigger in TRIGGERS:
        db.execute_sql(trigger_sql(trigger, substrings))


def drop_triggers(db: pw.Database) -> None:
    if _postgres(db):
        return fulltext_pg.drop_triggers(db)
    for trigger in TRIGGERS:
        db.execute_sql(f'DROP TRIGGER IF EXISTS "{trigger.name}"')


def install(db: pw.Database | None = None, *, build: bool = True) -> bool:
    """Create the document table, the index (with its bm25 weights) and the triggers, and index
    every ticket already stored (``build``). Idempotent; returns whether the store has the index
    (False on a database other than SQLite, or a SQLite without FTS5: the LIKE search stays)."""
    db = _db(db)
    if _postgres(db):
        fulltext_pg.install(db, build=build)
        return True
    if not _sqlite(db) or not fts5_compiled(db):
        return False
    with db.atomic():
        for sql in TABLES_SQL:
            db.execute_sql(sql)
        if trigram_compiled(db):
            db.execute_sql(SUBSTR_TABLE_SQL)
        weights = ", ".join(str(w) for w in WEIGHTS)
        db.execute_sql(f"INSERT INTO \"{INDEX}\"(\"{INDEX}\", rank) VALUES('rank', 'bm25({weights})')")
        drop_triggers(db)  # made again from this version's template (they may predate the substring index)
        create_triggers(db)
        if build:
            rebuild(db)
    return True


def install_substrings(db: pw.Database | None = None) -> bool:
    """Schema 8: the substring index on a store that has the full-text index without it: made,
    built from the stored documents, and kept current by the triggers (made again to feed it).
    Idempotent; returns whether the store now has it (False: no full-text index, or a SQLite
    without the trigram tokenizer)."""
    db = _db(db)
    if _postgres(db):
        fulltext_pg.install_substrings(db)
        return True
    if not _sqlite(db) or not available(db) or not trigram_compiled(db):
        return False
    if _has_substr_table(db):
        return True
    with db.atomic():
        db.execute_sql(SUBSTR_TABLE_SQL)
        drop_triggers(db)
        create_triggers(db)
        _build_substrings(db)
    return True


def _build_substrings(db: pw.Database) -> None:
    db.execute_sql(f"INSERT INTO \"{SUBSTR_INDEX}\"(\"{SUBSTR_INDEX}\") VALUES('delete-all')")
    db.execute_sql(f'INSERT INTO "{SUBSTR_INDEX}"(rowid, {_SUBSTR_LIST}) SELECT "id", {_SUBSTR_FOLDED} FROM "{DOC}"')
    db.execute_sql(f"INSERT INTO \"{SUBSTR_INDEX}\"(\"{SUBSTR_INDEX}\") VALUES('optimize')")


def rebuild(db: pw.Database | None = None) -> None:
    """Index every ticket again from the base tables: one INSERT ... SELECT for the documents and
    one for the index (run inside a transaction: the caller's, or its own)."""
    db = _db(db)
    if _postgres(db):
        return fulltext_pg.rebuild(db)
    with db.atomic():
        db.execute_sql(f"INSERT INTO \"{INDEX}\"(\"{INDEX}\") VALUES('delete-all')")
        db.execute_sql(f'DELETE FROM "{DOC}"')
        db.execute_sql(f'INSERT INTO "{DOC}"("id", {_COLUMN_LIST}) {DOC_SELECT}')
        db.execute_sql(f'INSERT INTO "{INDEX}"(rowid, {_COLUMN_LIST}) SELECT "id", {_FOLDED_LIST} FROM "{DOC}"')
        db.execute_sql(f"INSERT INTO \"{INDEX}\"(\"{INDEX}\") VALUES('optimize')")
        if _has_substr_table(db):
            _build_substrings(db)


@contextmanager
def bulk_load(db: pw.Database | None = None):
    """Insert many tickets and messages fast: the triggers are dropped inside the block, and the
    whole index is rebuilt (and the triggers recreated) when it ends, whether or not it raised.

    For generating benchmark data on a desk nobody else is writing to: a change another process
    makes meanwhile is indexed by the rebuild at the end, not before. On a store without the
    index this does nothing."""
    db = _db(db)
    if not available(db):
        yield
        return
    drop_triggers(db)
    try:
        yield
    finally:
        with db.atomic():
            rebuild(db)
            create_triggers(db)


# --- checks (data/store/check.py) ------------------------------------------------------------


@dataclass(frozen=True)
class IndexState:
    """What ``helpdesk check`` looks at: counts, ids out of step, stale documents, missing triggers."""

    tickets: int
    documents: int
    indexed: int
    unindexed: int  # tickets with no document
    stray: int  # documents of no ticket
    stale: int  # documents that differ from what the base tables say now
    missing_triggers: tuple[str, ...]
    integrity_error: str | None
    # PostgreSQL: the substring column has no pg_trgm index (the extension is missing): a piece
    # of a word is still found, by reading every document.
    substrings_unindexed: bool = False


def inspect(db: pw.Database | None = None) -> IndexState | None:
    """The index's state, or None on a store without one. Reads only."""
    db = _db(db)
    if not available(db):
        return None

    if _postgres(db):  # the server keeps the GIN index whole: the counts and the triggers
        present = fulltext_pg.present_triggers(db)
        return IndexState(**fulltext_pg.counts(db), integrity_error=None,
                          missing_triggers=tuple(name for name, *_ in fulltext_pg.TRIGGERS if name not in present),
                          substrings_unindexed=substrings_unindexed(db))

    def one(sql: str) -> int:
        return db.execute_sql(sql).fetchone()[0]

    integrity = None
    try:
        # The index's own structure. (With rank 1 FTS5 would compare it with the content table,
        # which holds the text unfolded: not usable here, see the module's docstring.)
        with db.atomic():
            for index in (INDEX, SUBSTR_INDEX) if _has_substr_table(db) else (INDEX,):
                db.execute_sql(f"INSERT INTO \"{index}\"(\"{index}\") VALUES('integrity-check')")
    except pw.DatabaseError as exc:
        if "readonly" not in str(exc).lower():  # a store opened for reading cannot run it: the rest still says much
            integrity = str(exc)
    present = {name for (name,) in db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    changed = " OR ".join(f'd."{c}" IS NOT x."{c}"' for c in COLUMNS)
    return IndexState(
        tickets=one('SELECT count(*) FROM "ticket"'),
        documents=one(f'SELECT count(*) FROM "{DOC}"'),
        # In every index: the substring index counts too (one out of step shows as "indexed").
        indexed=min(one(f'SELECT count(*) FROM "{name}_docsize"')
                    for name in ((INDEX, SUBSTR_INDEX) if _has_substr_table(db) else (INDEX,))),
        unindexed=one(f'SELECT count(*) FROM "ticket" t WHERE NOT EXISTS (SELECT 1 FROM "{DOC}" d WHERE d."id" = t."id")'),
        stray=one(f'SELECT count(*) FROM "{DOC}" d WHERE NOT EXISTS (SELECT 1 FROM "ticket" t WHERE t."id" = d."id")'),
        stale=one(
            f'SELECT count(*) FROM "{DOC}" d JOIN ({DOC_SELECT}) x ON x."id" = d."id" WHERE {changed}'
        ),
        missing_triggers=tuple(t.name for t in TRIGGERS if t.name not in present),
        integrity_error=integrity,
    )
