"""data/demo.py: the demo data set is realistic, complete, deterministic, and made by the real operations."""

from __future__ import annotations

from collections import Counter

import peewee as pw

from tests.factories import SEEDED_AT, SEEDED_BY
from helpdesk.data.store import models as m
from helpdesk.data.rules import statuses as st
from helpdesk.data.core.clock import FixedClock, parse_instant
from helpdesk.data.demo import generate_demo
from helpdesk.data.rules.desk import Desk
from helpdesk.data.store.database import open_store

NOW = "2026-11-25T10:00:00+03:00"


def snapshot():
    """What the data set is made of, by value (no ids)."""
    return [
        (t.number, t.subject, t.status, t.channel, t.product.name if t.product_id else None, t.created_at, t.due_at)
        for t in m.Ticket.select().order_by(m.Ticket.number)
    ]


def test_demo_covers_products_channels_statuses_and_flags(demo_desk, regulation):
    tickets = list(m.Ticket.select())
    assert len(tickets) == 200
    assert {t.product.name for t in tickets if t.product_id} == {p.name for p in regulation.products}
    assert any(t.product_id is None for t in tickets)  # a few left for triage
    assert {t.channel for t in tickets} == set(regulation.channels)
    assert set(Counter(t.status for t in tickets)) == set(st.STATUSES)
    assert any(t.out_of_hours for t in tickets) and not all(t.out_of_hours for t in tickets)
    ended = [t for t in tickets if t.support_ended]
    assert ended and {t.product.name for t in ended} <= {"Fenix+", "Fenix+ 2"}
    # Every request was received in the past, before "now".
    now = parse_instant(NOW)
    assert all(t.created_at < now and t.updated_at <= now for t in tickets)
    # Active tickets carry a due time computed by data.targets; finished ones none.
    assert all((t.due_at is not None) == (t.status in st.ACTIVE) for t in tickets)


def test_demo_threads_have_replies_notes_notices_and_attachments(demo_desk):
    kinds = Counter((msg.author_kind, msg.is_note) for msg in m.Message.select())
    assert kinds[("customer", False)] > 200  # the requests and follow-ups
    assert kinds[("agent", False)] > 100  # replies
    assert kinds[("agent", True)] > 10  # internal notes
    assert kinds[("system", False)] > 10  # out-of-hours notices
    per_ticket = Counter(msg.ticket_id for msg in m.Message.select(m.Message.ticket))
    assert max(per_ticket.values()) >= 5  # threads of several messages
    names = [a.filename for a in m.Attachment.select()]
    assert any(n.endswith((".fpp", ".fcproj")) for n in names)  # project files
    assert any(n.endswith(".png") for n in names)
    project = m.Attachment.select().where(m.Attachment.filename.endswith(".fpp")).first()
    blob = m.Blob.get_by_id(project.sha256)
    assert bytes(blob.data).startswith(b"FENIXPRJ") and len(blob.data) == project.size
    # Russian text everywhere.
    assert all(any("а" <= ch <= "я" for ch in t.subject.lower()) for t in m.Ticket.select())
    # Assignments include the acting agent, so "mine" is never empty.
    assert m.Ticket.select().join(m.Agent).where(m.Agent.login == "petrova").count() > 0
    # The audit trail was written by the operations.
    assert m.Event.select().where(m.Event.action == "status").count() > 100


def test_demo_is_deterministic_for_a_seed_and_a_now(tmp_path, regulation):
    results = []
    for name in ("a.db", "b.db", "c.db"):
        open_store(str(tmp_path / name), regulation, SEEDED_AT, creator=SEEDED_BY)
        desk = Desk(regulation, FixedClock(parse_instant(NOW)), "petrova")
        report = generate_demo(desk, seed=7 if name != "c.db" else 8, count=40)
        assert report.tickets == 40 and report.seconds > 0
        results.append(snapshot())
        m.database_proxy.close()
    assert results[0] == results[1]
    assert results[0] != results[2]


def test_demo_texts_read_as_people_write(demo_desk):
    """No placeholder words in the wrong case, no doubled punctuation, no dash for a missing product."""
    texts = [t.subject for t in m.Ticket.select()] + [msg.body for msg in m.Message.select()]
    without_product = [t.subject for t in m.Ticket.select() if t.product_id is None]
    assert without_product  # the set has some, and they read without one
    for text in texts:
        assert "?." not in text and "!." not in text and "—," not in text and " — ." not in text, text
        assert "программа на" not in text and "лицензию программа" not in text and "в программа" not in text, text
        assert "Закрываем обращение" not in text and "похожее обращение" not in text, text  # a ticket: «заявка»
