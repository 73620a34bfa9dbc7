"""The full-text index of tickets on PostgreSQL: the same documents as SQLite's FTS5 index
(data/store/fulltext.py), searched with PostgreSQL's own text search.

Design. ``ticket_search_doc`` holds each ticket's document as on SQLite (``subject``, ``people``,
``body``, ``notes``, the stored text with the search's mark characters replaced), plus ``tsv``,
a generated ``tsvector`` column with a GIN index: each column's words with a weight (subject A,
people B, body C, notes D: FTS5's bm25 weights 10, 5, 1, 1 are ``RANK_WEIGHTS``).

The words are FTS5's: :data:`WORDS_FUNCTION` (``hd_words``, an SQL function created here) folds
the text as the unicode61 tokenizer does (lower case, ``ё`` as ``е``, Latin letters without
their diacritics) and makes every run of characters that are not letters or digits one space,
and the ``simple`` configuration (no stemming, no stop words) takes the words as they are. So a
word, a prefix (``лиценз:*``) and a phrase (``a <-> b``) find on PostgreSQL what they find on
SQLite: the search (data/read/search.py) builds a ``tsquery`` from the same parsed query, with
the same light Russian stemming on the query side. (The ``russian`` configuration's stemmer
would find more than SQLite does, and a search must find the same tickets on both.)

Ranking: ``ts_rank`` with the column weights (higher is better: the search orders by its
negative, as it orders by FTS5's bm25), then the newer ticket first. ``ts_rank`` is not bm25:
the tickets found are the same, and the order agrees where one ticket matches in a weightier
column or more often; ties may order differently.

Substrings: ``substr``, a generated column of the same table, holds the subject and the people
folded as SQLite's substring index folds them (``hd_substr``: lower case, ``ё`` as ``е``; Latin
diacritics kept, as SQLite's trigram tokenizer keeps them before 3.45), the two on separate
lines, and a GIN index with ``pg_trgm``'s ``gin_trgm_ops`` serves ``substr LIKE '%piece%'``
(the piece folded the same, ``%``, ``_`` and ``\\`` escaped). ``pg_trgm`` ships with the server
(Debian's postgresql package, in contrib) and is a trusted extension: the database's owner may
create it. Where it cannot be created the column is still there and the same LIKE finds the
same tickets by reading every document (slower on a large desk); ``helpdesk check`` says so
(:func:`trigram_indexed`) and ``helpdesk reindex`` makes the index once the extension can be.

Keeping it current: triggers with the names of SQLite's (data/store/fulltext.py ``TRIGGERS``),
on the same tables and columns, call one PL/pgSQL function that refreshes the affected tickets'
documents from the base tables (``hd_search_refresh``). ``bulk_load`` drops them and rebuilds.
"""

from __future__ import annotations

import unicodedata

import peewee as pw

DOC = "ticket_search_doc"
COLUMNS = ("subject", "people", "body", "notes")
WEIGHT_LABELS = ("A", "B", "C", "D")  # in COLUMNS order
# ts_rank's weights are given {D, C, B, A}, each at most 1: FTS5's 1, 1, 5, 10 over 10.
RANK_WEIGHTS = "{0.1, 0.1, 0.5, 1.0}"
WORDS_FUNCTION = "hd_words"
REFRESH_FUNCTION = "hd_search_refresh"
TRIGGER_FUNCTION = "hd_search_trigger"
ICU_ROOT = "und-x-icu"
SUBSTR_FUNCTION = "hd_substr"
SUBSTR_COLUMN = "substr"
TRGM_EXTENSION = "pg_trgm"
TRGM_INDEX = "ticket_search_doc_substr"


def _latin_pairs() -> tuple[str, str]:
    """Latin letters with diacritics and their base letters (é -> e), both cases, for translate()."""
    source, target = [], []
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        ch = chr(code)
        base = unicodedata.normalize("NFD", ch)
        if len(base) > 1 and base[0].isascii() and base[0].isalpha() and all(unicodedata.combining(c) for c in base[1:]):
            source.append(ch)
            target.append(base[0].lower())
    return "".join(source), "".join(target)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def words_function(icu: bool) -> str:
    """``hd_words(text)``: the text as the words FTS5's unicode61 tokenizer would see, folded.

    translate() with the ~490 Latin letters that carry diacritics costs in proportion to their
    number for every character (28 s for 13.5 M characters, where lower() takes 0.07 s): it
    runs only on a text that holds one of them (a regular expression finds out in one pass);
    any other text only has its ``ё`` made ``е``."""
    source, target = _latin_pairs()
    collate = f' COLLATE "{ICU_ROOT}"' if icu else ""
    return (
        f'CREATE OR REPLACE FUNCTION "{WORDS_FUNCTION}"(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ '
        f"SELECT regexp_replace(CASE WHEN folded ~ {_literal(_class(source))} "
        f"THEN translate(folded, {_literal('ё' + source)}, {_literal('е' + target)}) "
        f"ELSE translate(folded, 'ё', 'е') END, '[^[:alnum:]]+', ' ', 'g') "
        f"FROM (SELECT lower($1{collate}) AS folded) AS lowered $$"
    )


def _class(letters: str) -> str:
    """A regular expression's bracket expression of ``letters``, as ranges of consecutive ones."""
    codes = sorted(set(map(ord, letters)))
    ranges, start = [], codes[0]
    for previous, code in zip(codes, codes[1:] + [None]):
        if code != previous + 1:
            ranges.append(chr(start) if start == previous else f"{chr(start)}-{chr(previous)}")
            start = code
    return "[" + "".join(ranges) + "]"

def substr_function(icu: bool) -> str:
    """``hd_substr(text)``: the text as the substring search compares it (lower case, ``ё`` as
    ``е``), as SQLite's trigram index with ``case_sensitive 0`` sees its folded feed."""
    collate = f' COLLATE "{ICU_ROOT}"' if icu else ""
    return (
        f'CREATE OR REPLACE FUNCTION "{SUBSTR_FUNCTION}"(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ '
        f"SELECT translate(lower($1{collate}), 'ё', 'е') $$"
    )


# The subject and the people on two lines: a piece (never holding a line break) stays in one.
SUBSTR_SQL = f'"{SUBSTR_FUNCTION}"("subject") || chr(10) || "{SUBSTR_FUNCTION}"("people")'
SUBSTR_COLUMN_SQL = f'"{SUBSTR_COLUMN}" text GENERATED ALWAYS AS ({SUBSTR_SQL}) STORED'


def tsvector_sql(columns: tuple[str, ...] = COLUMNS) -> str:
    return " || ".join(
        f"setweight(to_tsvector('simple'::regconfig, \"{WORDS_FUNCTION}\"(\"{c}\")), '{label}')"
        for c, label in zip(columns, WEIGHT_LABELS)
    )


_MARK_FREE = "replace(replace({x}, chr(64976), chr(65533)), chr(64977), chr(65533))"  # U+FDD0, U+FDD1 -> U+FFFD


def _message_text(condition: str) -> str:
    return (
        "COALESCE((SELECT string_agg(mm.\"body\", chr(10) ORDER BY mm.\"created_at\", mm.\"id\") FROM \"message\" mm "
        f"WHERE mm.\"ticket_id\" = t.\"id\" AND {condition}), '')"
    )


_DOC_COLUMNS = {
    "subject": 'COALESCE(t."subject", \'\')',
    "people": (
        "COALESCE((SELECT trim(c.\"name\" || ' ' || COALESCE(c.\"email\", '') || ' ' || COALESCE(c.\"organisation\", '')) "
        'FROM "customer" c WHERE c."id" = t."customer_id"), \'\')'
    ),
    "body": _message_text("NOT mm.\"is_note\" AND mm.\"author_kind\" <> 'system'"),
    "notes": _message_text('mm."is_note"'),
}
DOC_SELECT = (
    'SELECT t."id" AS "id", ' + ", ".join(f'{_MARK_FREE.format(x=expr)} AS "{name}"' for name, expr in _DOC_COLUMNS.items())
    + ' FROM "ticket" t'
)
_COLUMN_LIST = ", ".join(f'"{c}"' for c in COLUMNS)

TABLE_SQL = (
    f'CREATE TABLE IF NOT EXISTS "{DOC}" ("id" INTEGER NOT NULL PRIMARY KEY, '
    + ", ".join(f'"{c}" TEXT NOT NULL DEFAULT \'\'' for c in COLUMNS)
    + f', "tsv" tsvector GENERATED ALWAYS AS ({tsvector_sql()}) STORED, {SUBSTR_COLUMN_SQL})'
)
INDEX_SQL = f'CREATE INDEX IF NOT EXISTS "{DOC}_tsv" ON "{DOC}" USING gin ("tsv")'

REFRESH_SQL = (
    f'CREATE OR REPLACE FUNCTION "{REFRESH_FUNCTION}"(ids integer[]) RETURNS void LANGUAGE sql AS $$ '
    f'DELETE FROM "{DOC}" WHERE "id" = ANY(ids); '
    f'INSERT INTO "{DOC}"("id", {_COLUMN_LIST}) {DOC_SELECT} WHERE t."id" = ANY(ids); $$'
)

TRIGGER_FUNCTION_SQL = f'''CREATE OR REPLACE FUNCTION "{TRIGGER_FUNCTION}"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'ticket' THEN
    IF TG_OP = 'DELETE' THEN PERFORM "{REFRESH_FUNCTION}"(ARRAY[OLD."id"]);
    ELSE PERFORM "{REFRESH_FUNCTION}"(ARRAY[NEW."id"]); END IF;
  ELSIF TG_TABLE_NAME = 'message' THEN
    IF TG_OP = 'INSERT' THEN PERFORM "{REFRESH_FUNCTION}"(ARRAY[NEW."ticket_id"]);
    ELSIF TG_OP = 'DELETE' THEN PERFORM "{REFRESH_FUNCTION}"(ARRAY[OLD."ticket_id"]);
    ELSE PERFORM "{REFRESH_FUNCTION}"(ARRAY[OLD."ticket_id", NEW."ticket_id"]); END IF;
  ELSE
    PERFORM "{REFRESH_FUNCTION}"(ARRAY(SELECT "id" FROM "ticket" WHERE "customer_id" = NEW."id"));
  END IF;
  RETURN NULL;
END $$'''


def _changed(*columns: str) -> str:
    return " OR ".join(f'OLD."{c}" IS DISTINCT FROM NEW."{c}"' for c in columns)


# (name, event, WHEN condition): the names and events of SQLite's triggers (data/store/fulltext.py).
TRIGGERS = (
    ("ticket_search_ticket_insert", 'AFTER INSERT ON "ticket"', ""),
    ("ticket_search_ticket_update", 'AFTER UPDATE OF "subject", "customer_id" ON "ticket"', _changed("subject", "customer_id")),
    ("ticket_search_ticket_delete", 'AFTER DELETE ON "ticket"', ""),
    ("ticket_search_message_insert", 'AFTER INSERT ON "message"', ""),
    ("ticket_search_message_update", 'AFTER UPDATE OF "ticket_id", "body", "is_note", "author_kind", "created_at" ON "message"',
     _changed("ticket_id", "body", "is_note", "author_kind", "created_at")),
    ("ticket_search_message_delete", 'AFTER DELETE ON "message"', ""),
    ("ticket_search_customer_update", 'AFTER UPDATE OF "name", "email", "organisation" ON "customer"',
     _changed("name", "email", "organisation")),
)


def _trigger_sql(name: str, event: str, when: str) -> str:
    condition = f" WHEN ({when})" if when else ""
    return f'CREATE TRIGGER "{name}" {event} FOR EACH ROW{condition} EXECUTE FUNCTION "{TRIGGER_FUNCTION}"()'


def _icu(db: pw.Database) -> bool:
    return bool(db.execute_sql("SELECT 1 FROM pg_collation WHERE collname = %s", (ICU_ROOT,)).fetchone())


def present_triggers(db: pw.Database) -> set[str]:
    return {name for (name,) in db.execute_sql("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}


def available(db: pw.Database) -> bool:
    return db.execute_sql("SELECT to_regclass(%s)", (DOC,)).fetchone()[0] is not None


def substrings_available(db: pw.Database) -> bool:
    """Whether the documents have the substring column (schema 8 on)."""
    return bool(db.execute_sql(
        "SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attname = %s AND NOT attisdropped",
        (DOC, SUBSTR_COLUMN)).fetchone())  # fmt: skip


def trigram_indexed(db: pw.Database) -> bool:
    """Whether pg_trgm's index serves the substring column (else a substring is looked for by
    reading every document)."""
    return db.execute_sql("SELECT to_regclass(%s)", (TRGM_INDEX,)).fetchone()[0] is not None


def _trigram_index(db: pw.Database) -> bool:
    """pg_trgm and its index on the substring column, if the server has the extension and we may
    create it; False (and nothing changed) otherwise."""
    if trigram_indexed(db):
        return True
    try:
        with db.atomic():  # a savepoint: a failure here leaves the caller's transaction usable
            db.execute_sql(f"CREATE EXTENSION IF NOT EXISTS {TRGM_EXTENSION}")
            db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{TRGM_INDEX}" ON "{DOC}" USING gin ("{SUBSTR_COLUMN}" gin_trgm_ops)')
    except pw.DatabaseError:  # no pg_trgm on the server (contrib not installed), or no right to create it
        return False
    return True


def install_substrings(db: pw.Database) -> bool:
    """Schema 8 on a store made before it: the substring column (computed for every document as
    it is added) and, where pg_trgm can be had, its index. Returns whether the index is there."""
    with db.atomic():
        db.execute_sql(substr_function(_icu(db)))
        db.execute_sql(f'ALTER TABLE "{DOC}" ADD COLUMN IF NOT EXISTS {SUBSTR_COLUMN_SQL}')
        return _trigram_index(db)


def create_triggers(db: pw.Database) -> None:
    present = present_triggers(db)
    for name, event, when in TRIGGERS:
        if name not in present:
            db.execute_sql(_trigger_sql(name, event, when))


def drop_triggers(db: pw.Database) -> None:
    for name, event, _when in TRIGGERS:
        table = event.rsplit(" ON ", 1)[1]
        db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}" ON {table}')


def install(db: pw.Database, *, build: bool) -> None:
    """Create the function, table, index and triggers (idempotent), and index every ticket (``build``)."""
    with db.atomic():
        db.execute_sql(words_function(_icu(db)))
        db.execute_sql(substr_function(_icu(db)))
        db.execute_sql(TABLE_SQL)
        db.execute_sql(f'ALTER TABLE "{DOC}" ADD COLUMN IF NOT EXISTS {SUBSTR_COLUMN_SQL}')  # a table of schema 7
        db.execute_sql(INDEX_SQL)
        _trigram_index(db)
        db.execute_sql(REFRESH_SQL)
        db.execute_sql(TRIGGER_FUNCTION_SQL)
        create_triggers(db)
        if build:
            rebuild(db)


def rebuild(db: pw.Database) -> None:
    with db.atomic():
        db.execute_sql(f'DELETE FROM "{DOC}"')
        db.execute_sql(f'INSERT INTO "{DOC}"("id", {_COLUMN_LIST}) {DOC_SELECT}')


def counts(db: pw.Database) -> dict[str, int]:
    """What ``helpdesk check`` compares (see fulltext.IndexState)."""

    def one(sql: str) -> int:
        return db.execute_sql(sql).fetchone()[0]

    changed = " OR ".join(f'd."{c}" IS DISTINCT FROM x."{c}"' for c in COLUMNS)
    return {
        "tickets": one('SELECT count(*) FROM "ticket"'),
        "documents": one(f'SELECT count(*) FROM "{DOC}"'),
        "indexed": one(f'SELECT count(*) FROM "{DOC}" WHERE "tsv" IS NOT NULL'),
        "unindexed": one(f'SELECT count(*) FROM "ticket" t WHERE NOT EXISTS (SELECT 1 FROM "{DOC}" d WHERE d."id" = t."id")'),
        "stray": one(f'SELECT count(*) FROM "{DOC}" d WHERE NOT EXISTS (SELECT 1 FROM "ticket" t WHERE t."id" = d."id")'),
        "stale": one(f'SELECT count(*) FROM "{DOC}" d JOIN ({DOC_SELECT}) x ON x."id" = d."id" WHERE {changed}'),
    }
