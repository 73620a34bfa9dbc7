"""data/store/check.py: a whole store passes; damage of each kind is found and named."""

from __future__ import annotations

import peewee as pw

from helpdesk.data.core.values import AttachmentInput
from helpdesk.data.store import models as m
from helpdesk.data.store.check import CHECKSUM, FOREIGN_KEY, ORPHAN, SIZE, check_store
from helpdesk.data.tickets import operations as tickets
from tests.factories import ticket_input


def test_a_whole_store_has_no_findings(desk):
    tickets.create_ticket(desk, ticket_input(attachments=[AttachmentInput("a.txt", b"content")]))
    assert check_store(m.database_proxy.obj) == []


def test_each_kind_of_damage_is_found(desk):
    ticket = tickets.create_ticket(desk, ticket_input(attachments=[AttachmentInput("a.txt", b"content"),
                                                                   AttachmentInput("b.txt", b"other")]))  # fmt: skip
    first, second = m.Attachment.select().order_by(m.Attachment.id)
    db = m.database_proxy.obj
    p = db.param
    db.execute_sql(f"UPDATE blob SET data = {p} WHERE sha256 = {p}", (b"tampered", first.sha256))
    db.execute_sql(f"DELETE FROM blob WHERE sha256 = {p}", (second.sha256,))
    tickets.create_ticket(desk, ticket_input(attachments=[AttachmentInput("c.txt", b"third")]))
    third = m.Attachment.select().order_by(m.Attachment.id.desc()).first()
    db.execute_sql(f"UPDATE attachment SET size = 99 WHERE id = {p}", (third.id,))
    if isinstance(db, pw.PostgresqlDatabase):  # a reference's constraint, dropped by hand
        db.execute_sql('ALTER TABLE "message" DROP CONSTRAINT "message_ticket_id_fkey"')
    else:
        db.execute_sql("PRAGMA foreign_keys = OFF")
    db.execute_sql(f"UPDATE message SET ticket_id = 424242 WHERE ticket_id = {p}", (ticket.id,))
    if not isinstance(db, pw.PostgresqlDatabase):
        db.execute_sql("PRAGMA foreign_keys = ON")
    found = {(f.kind, tuple(sorted(f.values.items()))) for f in check_store(db)}
    kinds = sorted(kind for kind, _ in found)
    assert kinds == sorted([CHECKSUM, ORPHAN, SIZE, FOREIGN_KEY])
    assert (ORPHAN, (("id", second.id), ("sha256", second.sha256))) in found
    assert (SIZE, (("actual", 5), ("id", third.id), ("size", 99))) in found
