"""Copying a whole desk from one store to another (``helpdesk migrate-db``): a SQLite file to a
PostgreSQL server, or between any two stores this program opens.

What is copied: every table of data/store/models.py (``MODELS``, parents before children), each
row as it is, ids and ticket numbers kept. The full-text index is not copied: its triggers are
dropped while the rows go in and it is rebuilt from them at the end (data/store/fulltext.py), and
on PostgreSQL the id sequences and the ticket number sequence are moved past the copied rows.

The target is a store ``open_store`` made (its schema is this program's; the source must be of
the same schema version). It must hold nothing but what ``open_store`` seeds (the regulation's
products, the built-in prepared replies, its first admin): those are replaced by the source's.

Batches and resuming: rows go in ``batch`` at a time, each batch in one transaction of the target
together with the progress record (a ``Meta`` row, :data:`PROGRESS_KEY`: the source's identity,
the tables done, the table under way and the last key copied from it). A copy that stops (an
interruption, a lost connection) is resumed by running it again with the same source; a target
holding an unfinished copy from another source is refused. The record is removed when the copy
is complete. Until then the target is no working desk (its search index is not kept current).

Verifying: :func:`verify` counts each table's rows on both sides and hashes them, each row's
values normalised so that SQLite and PostgreSQL give the same (booleans, dates and instants,
bytes; text without NUL characters, which PostgreSQL cannot hold and the store drops there).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import peewee as pw

from helpdesk.data.core.errors import Code, HelpdeskError
from helpdesk.data.store import fulltext, numbers
from helpdesk.data.store import models as m
from helpdesk.data.store.database import PostgresStore, connect, masked, open_store, sqlite_file

PROGRESS_KEY = "migrate_db.progress"
BATCH = 1000
MODELS: list[type[m.BaseModel]] = pw.sort_models(m.ALL_MODELS)  # a table's parents before it

# What open_store seeds into a new store: replaced by the source's, so it does not count as rows.
SEEDED = (m.Meta, m.Product, m.PreparedReply, m.Agent)

# report(table, rows copied so far, the source's rows, finished): progress while copying.
Report = Callable[[str, int, int, bool], None]


@dataclass(frozen=True)
class TableCheck:
    """One table compared: rows and checksums on both sides."""

    table: str
    source_rows: int
    target_rows: int
    source_sum: str
    target_sum: str

    @property
    def equal(self) -> bool:
        return self.source_rows == self.target_rows and self.source_sum == self.target_sum


def identity(target: str) -> str:
    """The source as the progress record names it: a file's absolute path, a URL without password."""
    path = sqlite_file(target)
    if path is not None:
        return "sqlite:///" + os.path.realpath(path)
    return masked(target)


def open_source(source: str) -> pw.Database:
    """The source store, opened and checked (an existing helpdesk store of this schema version);
    not bound to the models (they are the target's)."""
    path = sqlite_file(source)
    if path is not None and not os.path.isfile(path):
        raise HelpdeskError(Code.PATH_MISSING, where=path)
    db = connect(source)
    try:
        db.connect(reuse_if_open=True)
    except pw.ImproperlyConfigured:
        raise HelpdeskError(Code.DATABASE_DRIVER_MISSING, kind="postgresql", package="'psycopg[binary]'") from None
    except pw.DatabaseError as exc:
        raise HelpdeskError(Code.DATABASE_CANNOT_OPEN, target=masked(source), detail=" ".join(str(exc).split())) from None
    version = schema_version(db)
    if version is None:
        raise HelpdeskError(Code.MIGRATE_SOURCE_NOT_HELPDESK, source=masked(source))
    if version > m.SCHEMA_VERSION:
        raise HelpdeskError(Code.DATABASE_TOO_NEW, version=version, supported=m.SCHEMA_VERSION)
    if version < m.SCHEMA_VERSION:
        raise HelpdeskError(Code.MIGRATE_SOURCE_OLD, source=masked(source), version=version, supported=m.SCHEMA_VERSION)
    return db


def schema_version(db: pw.Database) -> int | None:
    """``db``'s schema version (as data/store/database.py reads it), through ``db`` itself."""
    tables = set(db.get_tables())
    if "ticket" not in tables:
        return None
    if "meta" not in tables:
        return 1
    row = db.execute(m.Meta.select(m.Meta.value).where(m.Meta.key == "schema_version")).fetchone()
    return int(row[0]) if row else 1


# --- reading rows, the same way from either database ------------------------------------------


def _fields(model) -> list[pw.Field]:
    return list(model._meta.sorted_fields)


def _pk_index(model) -> int:
    return _fields(model).index(model._meta.primary_key)


def _rows(db: pw.Database, model, after, limit: int) -> list[tuple]:
    """Up to ``limit`` rows of ``model`` in ``db`` after the key ``after``, in key order, as Python values."""
    fields, pk = _fields(model), model._meta.primary_key
    query = model.select(*fields).order_by(pk).limit(limit)
    if model is m.Meta:
        query = query.where(m.Meta.key != PROGRESS_KEY)
    if after is not None:
        query = query.where(pk > after)
    return [tuple(_python(f, v) for f, v in zip(fields, row)) for row in db.execute(query).fetchall()]


def _python(field: pw.Field, value):
    if isinstance(value, memoryview):
        value = bytes(value)
    return field.python_value(value)


def _count(db: pw.Database, model) -> int:
    query = model.select(pw.fn.COUNT(pw.SQL("*")))
    if model is m.Meta:
        query = query.where(m.Meta.key != PROGRESS_KEY)
    return db.execute(query).fetchone()[0]


# --- the progress record and the empty target ---------------------------------------------------


def progress() -> dict | None:
    """The target's (the bound store's) record of an unfinished copy, or None."""
    row = m.Meta.get_or_none(m.Meta.key == PROGRESS_KEY)
    return json.loads(row.value) if row else None


def _save(record: dict) -> None:
    m.put_meta(PROGRESS_KEY, json.dumps(record))


def occupied() -> list[str]:
    """The tables of the bound store that hold rows beyond what open_store seeds."""
    found = []
    for model in MODELS:
        if model in (m.Meta, m.Product):
            continue
        if model is m.PreparedReply:
            taken = model.select().where(model.builtin == False).exists()  # noqa: E712
        elif model is m.Agent:
            taken = model.select().count() > 1
        else:
            taken = model.select().exists()
        if taken:
            found.append(model._meta.table_name)
    return found


def _clear_seed() -> None:
    for model in reversed(MODELS):
        if model is m.Meta:
            model.delete().where(model.key.not_in(["schema_version", PROGRESS_KEY])).execute()
        elif model in SEEDED:
            model.delete().execute()


def _clear_after(model, last) -> None:
    """Rows of a table not yet copied (or copied up to ``last``) that the target has anyway: what
    opening it seeded again meanwhile (its children are not copied yet: parents come first)."""
    if model is m.Meta:
        return
    query = model.delete()
    if last is not None:
        query = query.where(model._meta.primary_key > last)
    query.execute()


def open_target(target: str, regulation, now: datetime, *, creator: str) -> pw.Database:
    """The target, bound to the models: created or upgraded by ``open_store``; but a target
    holding an unfinished copy is only opened (seeding it again would write rows the copy has
    under the same ids, or will have)."""
    db = connect(target)
    try:
        db.connect(reuse_if_open=True)
        unfinished = schema_version(db) == m.SCHEMA_VERSION and db.execute(
            m.Meta.select(m.Meta.key).where(m.Meta.key == PROGRESS_KEY)
        ).fetchone() is not None
    except pw.ImproperlyConfigured:
        raise HelpdeskError(Code.DATABASE_DRIVER_MISSING, kind="postgresql", package="'psycopg[binary]'") from None
    except pw.DatabaseError as exc:
        raise HelpdeskError(Code.DATABASE_CANNOT_OPEN, target=masked(target), detail=" ".join(str(exc).split())) from None
    if unfinished:
        m.database_proxy.initialize(db)
        return db
    db.close()
    return open_store(target, regulation, now, creator=creator)


# --- copying ----------------------------------------------------------------------------------


def _insert_sql(db: pw.Database, model, fields: list[pw.Field]) -> str:
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({", ".join([db.param] * len(fields))})'
    if model is m.Meta:  # the target's own schema_version row is the source's too
        sql += ' ON CONFLICT ("key") DO UPDATE SET "value" = EXCLUDED."value"'
    return sql


def _insert(db: pw.Database, model, fields: list[pw.Field], rows: list[tuple]) -> None:
    """``rows`` (Python values) into ``db`` in one ``executemany`` (peewee's multi-row INSERT
    spends more time building its SQL than the server takes to run it)."""
    postgres = isinstance(db, PostgresStore)

    def value(field, v):
        v = field.db_value(v)
        if postgres and isinstance(v, str) and "\x00" in v:
            v = v.replace("\x00", "")  # as PostgresStore.execute_sql does for every other write
        return v

    values = [tuple(value(f, v) for f, v in zip(fields, row)) for row in rows]
    db.cursor().executemany(_insert_sql(db, model, fields), values)


def copy_store(
    source: pw.Database, source_name: str, *, batch: int = BATCH, report: Report | None = None
) -> dict[str, int]:
    """Copy every table of ``source`` into the bound store (the target): see the module's docstring.

    Returns the rows of each table in the target. Raises HelpdeskError when the target holds rows
    of its own (MIGRATE_TARGET_NOT_EMPTY) or an unfinished copy from another source
    (MIGRATE_OTHER_SOURCE)."""
    target = m.database_proxy.obj
    me = identity(source_name)
    record = progress()
    if record is None:
        tables = occupied()
        if tables:
            raise HelpdeskError(Code.MIGRATE_TARGET_NOT_EMPTY, tables=", ".join(tables))
        record = {"source": me, "done": [], "table": None, "last": None}
        with target.atomic():
            _clear_seed()
            _save(record)
    elif record["source"] != me:
        raise HelpdeskError(Code.MIGRATE_OTHER_SOURCE, source=record["source"])
    if fulltext.available(target):
        fulltext.drop_triggers(target)  # rebuilt once at the end: not refreshed row by row
    copied: dict[str, int] = {}
    for model in MODELS:
        name, fields, key = model._meta.table_name, _fields(model), _pk_index(model)
        if name in record["done"]:
            copied[name] = _count(target, model)
            continue
        last = record["last"] if record["table"] == name else None
        _clear_after(model, last)
        total, done = _count(source, model), (0 if last is None else _count(target, model))
        while rows := _rows(source, model, last, batch):
            last = rows[-1][key]
            with target.atomic():
                _insert(target, model, fields, rows)
                record.update(table=name, last=last)
                _save(record)
            done += len(rows)
            if report:
                report(name, done, total, False)
        record.update(done=[*record["done"], name], table=None, last=None)
        _save(record)
        copied[name] = done
        if report:
            report(name, done, total, True)
    _finish(target)
    return copied


def _finish(target: pw.Database) -> None:
    """Sequences past the copied rows, the search index rebuilt, the progress record gone."""
    with target.atomic():
        if isinstance(target, PostgresStore):
            for model in MODELS:
                if isinstance(model._meta.primary_key, pw.AutoField):
                    table = model._meta.table_name
                    target.execute_sql(
                        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(\"id\"), 0) + 1, false) FROM \"{table}\"",
                        (table,),
                    )
            numbers.prepare(target)
            highest = m.Ticket.select(pw.fn.MAX(m.Ticket.number)).scalar()
            target.execute_sql("SELECT setval(%s, %s, false)", (numbers.SEQUENCE, max(numbers.FIRST_NUMBER, (highest or 0) + 1)))
        fulltext.install(target, build=True)
        m.Meta.delete().where(m.Meta.key == PROGRESS_KEY).execute()


# --- verifying --------------------------------------------------------------------------------


def _normal(value):
    """A value as both databases give it back (see the module's docstring)."""
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"sha256": hashlib.sha256(bytes(value)).hexdigest()}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).replace("\x00", "")


def _row_digest(row: tuple) -> bytes:
    return hashlib.sha256(json.dumps([_normal(v) for v in row], ensure_ascii=True).encode()).digest()


def checksum(db: pw.Database, model, *, batch: int = BATCH) -> tuple[int, str]:
    """``model``'s rows in ``db``: how many, and a sha256 over them (in key order: an integer
    key's order; a text key's rows are sorted by their hashes, collations differ)."""
    key, total, last = _pk_index(model), 0, None
    integer_key = isinstance(model._meta.primary_key, pw.AutoField)
    whole, digests = hashlib.sha256(), []
    while rows := _rows(db, model, last, batch):
        last = rows[-1][key]
        total += len(rows)
        for row in rows:
            if integer_key:
                whole.update(_row_digest(row))
            else:
                digests.append(_row_digest(row))
    for digest in sorted(digests):
        whole.update(digest)
    return total, whole.hexdigest()


def verify(source: pw.Database, target: pw.Database, *, batch: int = BATCH) -> list[TableCheck]:
    """Every table compared between ``source`` and ``target``."""
    checks = []
    for model in MODELS:
        source_rows, source_sum = checksum(source, model, batch=batch)
        target_rows, target_sum = checksum(target, model, batch=batch)
        checks.append(TableCheck(model._meta.table_name, source_rows, target_rows, source_sum, target_sum))
    return checks
