"""Scope triage (regulation section 1.4): what support covers, and rejecting what it does not.

The categories come from the regulation file (``[[scope]]``: six in scope, three out of scope in
the shipped one). Choosing an in-scope category records it on the ticket. Choosing an
out-of-scope one records it, sends the customer a reply that quotes the rule (the prepared reply
``out_of_scope`` in the customer's language, which the agent may edit first) and closes the
ticket as ``rejected``, all in one transaction. Reopening (status ``open``) undoes it; the
recorded category stays until someone chooses another.
"""

from __future__ import annotations

from dataclasses import dataclass

from helpdesk.data.store import models as m
from helpdesk.data.tickets import prepared_replies
from helpdesk.data.rules import statuses as st
from helpdesk.data.tickets import operations as tickets
from helpdesk.data.rules.desk import Desk
from helpdesk.data.core.errors import Code, ValidationError
from helpdesk.data.tickets.writes import check_version

OUT_OF_SCOPE_REPLY = "out_of_scope"


@dataclass(frozen=True)
class ScopeChoice:
    """One category as a picker shows it, in the agent's language."""

    key: str
    label: str
    in_scope: bool


def scope_choices(desk: Desk, language: str) -> list[ScopeChoice]:
    """In-scope categories first, then out-of-scope ones, each in the regulation's order."""
    ordered = [c for c in desk.regulation.scope if c.in_scope] + [c for c in desk.regulation.scope if not c.in_scope]
    return [ScopeChoice(c.key, c.label(language), c.in_scope) for c in ordered]


def out_of_scope_reply(desk: Desk, number: int, key: str, language: str | None = None) -> str:
    """The reply quoting the rule for out-of-scope category ``key``, filled in for the ticket.

    Uses the prepared reply ``out_of_scope`` (its built-in text if that one was deleted).
    """
    tickets.scope_category(desk, key)
    try:
        return prepared_replies.render_reply(desk, OUT_OF_SCOPE_REPLY, number, language=language, scope_key=key)
    except prepared_replies.ReplyMissing:
        language = language or desk.regulation.customer_language
        body = prepared_replies.builtin_reply(OUT_OF_SCOPE_REPLY).body(language)
        return prepared_replies.render_text(desk, body, number, language=language, scope_key=key)


def reject_out_of_scope(
    desk: Desk, number: int, key: str, reply_text: str | None, expected_version: int | None = None
) -> m.Ticket:
    """Record out-of-scope category ``key``, reply ``reply_text`` and reject, in one transaction.

    ``reply_text`` None or blank rejects without a reply (``helpdesk scope --no-reply``).
    Nothing is written if any step fails (a stale ``expected_version``, a finished ticket).
    """
    if tickets.scope_category(desk, key).in_scope:
        raise ValidationError("scope", Code.SCOPE_IN_SCOPE, scope=key)
    desk = desk.at_one_instant()  # one change in the audit trail: an undo takes it back whole
    with m.database_proxy.atomic():
        ticket = tickets.get_ticket(number)
        check_version(ticket, expected_version)
        version = ticket.version
        st.check_transition(ticket.status, st.REJECTED)
        if ticket.scope != key:
            tickets.set_scope(desk, number, key, expected_version=version)
            version += 1
        if reply_text is not None and reply_text.strip():
            tickets.add_reply(desk, number, reply_text, expected_version=version)
            version += 1
        return tickets.set_status(desk, number, st.REJECTED, expected_version=version)


def triage(
    desk: Desk,
    number: int,
    key: str,
    *,
    reply: bool = True,
    reply_text: str | None = None,
    expected_version: int | None = None,
) -> m.Ticket:
    """Choose a scope category: in scope records it; out of scope rejects (see module doc).

    For an out-of-scope key the reply is ``reply_text``, or the default text when None; with
    ``reply=False`` no reply is sent.
    """
    if tickets.scope_category(desk, key).in_scope:
        return tickets.set_scope(desk, number, key, expected_version=expected_version)
    if reply and reply_text is None:
        reply_text = out_of_scope_reply(desk, number, key)
    return reject_out_of_scope(desk, number, key, reply_text if reply else None, expected_version)

