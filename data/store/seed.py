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


def _replies_as_seeded(keys: set[str]) -> bool:
    stored = dict(m.PreparedReply.select(m.PreparedReply.key, m.PreparedReply.builtin).tuples())
    return all(stored.get(key) is True for key in keys) and not any(
        builtin for key, builtin in stored.items() if key not in keys
    )


def seed_prepared_replies(now: datetime) -> int:
    """Make the regulation's prepared replies exist, as built-in ones; returns how many were added.

    Every open checks (one small query): a built-in reply missing (deleted by an older version,
    which allowed it) is added again with the regulation's text, since the rejection as out of
    scope and the out-of-hours notice send it. An agents' reply that took a built-in key meanwhile
    keeps its text and becomes the built-in one; a row marked built-in under a key the regulation
    no longer has (renamed by an older version) becomes an ordinary reply."""
    replies = builtin_replies()
    keys = {reply.key for reply in replies}
    if _replies_as_seeded(keys):
        return 0
    added = 0
    with m.database_proxy.atomic():
        stored = {row.key: row for row in m.PreparedReply.select()}
        for reply in replies:
            row = stored.get(reply.key)
            if row is None:
                m.PreparedReply.create(
                    key=reply.key,
                    title=reply.title,
                    body_ru=reply.body_ru,
                    body_en=reply.body_en,
                    builtin=True,
                    updated_at=now,
                )
                added += 1
            elif not row.builtin:
                m.PreparedReply.update(builtin=True).where(m.PreparedReply.id == row.id).execute()
        m.PreparedReply.update(builtin=False).where(
            m.PreparedReply.builtin & m.PreparedReply.key.not_in(sorted(keys))
        ).execute()
    return added


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
