"""``helpdesk check``: is the store whole? SQLite's own integrity and foreign-key checks (on
PostgreSQL, which keeps its pages whole itself, a query per reference finds rows that point at
nothing, should the server's checks have been switched off), rows that
point at nothing, every stored attachment against its SHA-256, and the full-text search index
(its structure, one document per ticket, each as the base tables say now, its triggers).

Each problem is a Finding (its kind and values) that the interface words; the store is only
read. Blobs are hashed one at a time, so a large desk is checked in bounded memory.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import peewee as pw

from helpdesk.data.store import fulltext
from helpdesk.data.store import models as m

INTEGRITY, FOREIGN_KEY, ORPHAN, CHECKSUM, SIZE = "integrity", "foreign_key", "orphan", "checksum", "size"
SEARCH_DAMAGED, SEARCH_COUNT, SEARCH_STALE, SEARCH_TRIGGERS = "search_damaged", "search_count", "search_stale", "search_triggers"
SEARCH_SUBSTRINGS = "search_substrings"  # PostgreSQL without pg_trgm: pieces of words found the slow way
# `helpdesk reindex` mends them (the last once the server has pg_trgm)
SEARCH_KINDS = (SEARCH_DAMAGED, SEARCH_COUNT, SEARCH_STALE, SEARCH_TRIGGERS, SEARCH_SUBSTRINGS)


@dataclass(frozen=True)
class Finding:
    kind: str  # integrity / foreign_key / orphan / checksum / size / search_*
    values: dict  # what the interface's text for the kind names


def sqlite_findings(db: pw.Database) -> list[Finding]:
    if not isinstance(db, pw.SqliteDatabase):
        return []
    found = [Finding(INTEGRITY, {"message": row[0]}) for row in db.execute_sql("PRAGMA integrity_check").fetchall()
             if row[0] != "ok"]  # fmt: skip
    for table, rowid, parent, _fk in db.execute_sql("PRAGMA foreign_key_check").fetchall():
        found.append(Finding(FOREIGN_KEY, {"table": table, "row": rowid, "parent": parent}))
    return found


def postgres_findings(db: pw.Database) -> list[Finding]:
    """(PostgreSQL) Rows whose reference points at no row: what SQLite's foreign_key_check says."""
    if not isinstance(db, pw.PostgresqlDatabase):
        return []
    found = []
    for model in m.ALL_MODELS:
        for field in model._meta.sorted_fields:
            if not isinstance(field, pw.ForeignKeyField):
                continue
            parent = field.rel_model
            child, column = model._meta.table_name, field.column_name
            missing = db.execute_sql(
                f'SELECT c."{model._meta.primary_key.column_name}" FROM "{child}" c WHERE c."{column}" IS NOT NULL '
                f'AND NOT EXISTS (SELECT 1 FROM "{parent._meta.table_name}" p WHERE p."{field.rel_field.column_name}" = c."{column}") '
                "ORDER BY 1"
            ).fetchall()
            found += [Finding(FOREIGN_KEY, {"table": child, "row": row, "parent": parent._meta.table_name}) for (row,) in missing]
    return found


def orphan_findings() -> list[Finding]:
    """Attachments whose content is not stored (attachment rows refer to blobs by hash)."""
    missing = (
        m.Attachment.select(m.Attachment.id, m.Attachment.sha256)
        .join(m.Blob, pw.JOIN.LEFT_OUTER, on=(m.Attachment.sha256 == m.Blob.sha256))
        .where(m.Blob.sha256.is_null())
    )
    return [Finding(ORPHAN, {"id": row.id, "sha256": row.sha256}) for row in missing]


def checksum_findings() -> list[Finding]:
    found = []
    for (key,) in m.Blob.select(m.Blob.sha256).tuples().iterator():
        data = bytes(m.Blob.select(m.Blob.data).where(m.Blob.sha256 == key).scalar())
        actual = hashlib.sha256(data).hexdigest()
        if actual != key:
            found.append(Finding(CHECKSUM, {"sha256": key, "actual": actual}))
            continue
        wrong_size = m.Attachment.select(m.Attachment.id, m.Attachment.size).where(
            (m.Attachment.sha256 == key) & (m.Attachment.size != len(data))
        )
        found += [Finding(SIZE, {"id": row.id, "size": row.size, "actual": len(data)}) for row in wrong_size]
    return found


def search_findings(db: pw.Database) -> list[Finding]:
    """The full-text index against the tickets (nothing to check on a store without one)."""
    state = fulltext.inspect(db)
    if state is None:
        return []
    found = []
    if state.integrity_error:
        found.append(Finding(SEARCH_DAMAGED, {"message": state.integrity_error}))
    if state.unindexed or state.stray or not state.tickets == state.documents == state.indexed:
        found.append(Finding(SEARCH_COUNT, {"tickets": state.tickets, "documents": state.documents,
                                            "indexed": state.indexed, "unindexed": state.unindexed,
                                            "stray": state.stray}))  # fmt: skip
    if state.stale:
        found.append(Finding(SEARCH_STALE, {"count": state.stale}))
    if state.missing_triggers:
        found.append(Finding(SEARCH_TRIGGERS, {"names": ", ".join(state.missing_triggers)}))
    if state.substrings_unindexed:
        found.append(Finding(SEARCH_SUBSTRINGS, {"extension": "pg_trgm"}))
    return found


def check_store(db: pw.Database) -> list[Finding]:
    """Everything wrong with the store, or [] when it is whole."""
    return sqlite_findings(db) + postgres_findings(db) + orphan_findings() + checksum_findings() + search_findings(db)
