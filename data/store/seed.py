"""What a store holds from its first open: the regulation's products and prepared replies, and
its first admin."""

from __future__ import annotations

from datetime import datetime

from helpdesk.data.rules.builtin_replies import builtin_replies, superseded
from helpdesk.data.rules.desk import ADMIN
from helpdesk.data.rules.regulation import Regulation
from helpdesk.data.store import models as m


# Every open seeds; a write transaction is begun only when there is something to write, so that
# reading commands work while another process holds the write lock, or on a full or read-only disk.


def _products_as_seeded(regulation: Regulation) -> bool:
    stored = {p.name: p.support_ends for p in m.Product.select(m.Product.name, m.Product.support_ends)}
    return all(stored.get(spec.name, False) == spec.support_ends for spec in regulation.products)


def seed_products(regulation: Regulation) -> None:
    """Make the regulation's products exist with its support end dates."""
    if _products_as_seeded(regulation):
        return
    with m.database_proxy.atomic():
        for spec in regulation.products:
            product, created = m.Product.get_or_create(name=spec.name, defaults={"support_ends": spec.support_ends})
            if not created and product.support_ends != spec.support_ends:
                product.support_ends = spec.support_ends
                product.save()


def seed_prepared_replies(now: datetime) -> int:
    """Store the regulation's prepared replies when the table is empty; returns how many."""
    if m.PreparedReply.select().exists():
        return 0
    replies = builtin_replies()
    with m.database_proxy.atomic():
        if m.PreparedReply.select().exists():
            return 0
        for reply in replies:
            m.PreparedReply.create(
                key=reply.key,
                title=reply.title,
                body_ru=reply.body_ru,
                body_en=reply.body_en,
                builtin=True,
                updated_at=now,
            )
    return len(replies)


def _stale_builtins() -> list[tuple[m.PreparedReply, dict[str, str]]]:
    """Built-in replies whose Russian or English text an earlier release shipped, and the fields
    that take the current text (a text an agent edited is never one of those)."""
    current = {reply.key: reply for reply in builtin_replies()}
    stale = []
    for row in m.PreparedReply.select().where(m.PreparedReply.builtin == True):  # noqa: E712
        reply = current.get(row.key)
        if reply is None:
            continue
        fields = {
            field: getattr(reply, field)
            for field in ("body_ru", "body_en")
            if getattr(row, field) != getattr(reply, field) and superseded(row.key, getattr(row, field))
        }
        if fields:
            stale.append((row, fields))
    return stale


def refresh_builtin_replies(now: datetime) -> int:
    """Give the built-in replies nobody edited the current wording; returns how many changed."""
    if not _stale_builtins():
        return 0
    with m.database_proxy.atomic():
        stale = _stale_builtins()
        for row, fields in stale:
            m.PreparedReply.update(**fields, updated_at=now).where(m.PreparedReply.id == row.id).execute()
    return len(stale)


def seed_first_admin(login: str) -> None:
    """Make ``login`` an admin if the store has none: the one who created it (or upgraded it to
    agent roles). Checked in the transaction, so of two processes creating one database at
    once only the first makes its user admin."""
    with m.database_proxy.atomic():
        if m.Agent.select().where(m.Agent.role == ADMIN).exists():
            return
        updated = m.Agent.update(role=ADMIN, active=True).where(m.Agent.login == login).execute()
        if not updated:
            m.Agent.create(login=login, display_name=login, role=ADMIN)
